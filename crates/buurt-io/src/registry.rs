//! The datasets buurt reads from the data directory, and loading all of them.
//!
//! Every dataset is attempted; each attempt keeps its own result so a report can list every
//! failure at once. Whoever builds on the result must refuse to use any of it when one failed.

use std::path::{Path, PathBuf};

use buurt_core::{Catalogue, GemeenteCode, Indeling, Level, RegionCode, SourceTable};

use crate::boundary_geojson::{GeoJsonLayerOptions, read_geojson_layer};
use crate::dataset::{BoundaryLayer, TableDataset};
use crate::error::IoError;
use crate::fetched;
use crate::tables::{self, MaatwerkTable};

/// Progress of a long load, reported by the library and drawn by the binary.
pub trait Progress: Sync {
    /// `total` steps are coming.
    fn start(&self, total: usize);
    /// One step, named, is about to run.
    fn step(&self, name: &str);
    /// All steps are done.
    fn finish(&self);
}

/// Progress that is not shown.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _: usize) {}
    fn step(&self, _: &str) {}
    fn finish(&self) {}
}

/// One dataset's load attempt.
#[derive(Debug)]
pub struct Attempt<T> {
    /// Stable dataset id.
    pub id: String,
    /// Files the dataset consists of, relative to the data directory.
    pub paths: Vec<PathBuf>,
    /// What came of it.
    pub result: Result<T, IoError>,
}

/// Everything read from a data directory.
#[derive(Debug)]
pub struct LoadedSources {
    /// The data directory.
    pub data_dir: PathBuf,
    /// Indicator tables.
    pub tables: Vec<Attempt<TableDataset>>,
    /// Boundary layers.
    pub layers: Vec<Attempt<BoundaryLayer>>,
    /// Built-in datasets none of whose files is in the data directory: skipped, not failed.
    pub absent: Vec<Absent>,
}

/// A built-in dataset that is not in the data directory at all (a folder made by `buurt fetch`
/// holds none of them). A dataset with only some of its files present is attempted, and fails.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Absent {
    /// Stable dataset id.
    pub id: String,
    /// Whether it is a boundary layer (else an indicator table).
    pub layer: bool,
    /// Its files, relative to the data directory.
    pub paths: Vec<PathBuf>,
}

impl LoadedSources {
    /// Whether every attempt succeeded.
    #[must_use]
    pub fn all_ok(&self) -> bool {
        self.tables.iter().all(|a| a.result.is_ok()) && self.layers.iter().all(|a| a.result.is_ok())
    }
}

/// A table dataset buurt knows: id, files, and how to read them.
struct TableSpec {
    id: &'static str,
    paths: &'static [&'static str],
    load: Load,
}

/// How a table's files are read.
enum Load {
    /// All files in one go (data directory, the files, the catalogue).
    Whole(fn(&Path, &[PathBuf], &Catalogue) -> Result<TableDataset, IoError>),
    /// Each file on its own, as a job of its own (so large files share the cores with each
    /// other and with the rest), then the parts merged in file order.
    PerFile {
        load: fn(&Path, &Catalogue) -> Result<TableDataset, IoError>,
        merge: fn(Vec<TableDataset>) -> TableDataset,
    },
}

/// A boundary file buurt knows.
struct LayerSpec {
    id: &'static str,
    path: &'static str,
    indeling: u16,
    level: Level,
    /// For files that carry gemeente-local `KODE`s: the gemeente in front.
    kode_gemeente: Option<&'static str>,
    /// A property with the publisher's area of each region, and m² per unit, to check the
    /// polygons against.
    area_property: Option<(&'static str, f64)>,
}

const RIVM_50090_FILES: &[&str] = &[
    "rivm_gezondheid_wijk_buurt_50090NED/2012_18+.xlsx",
    "rivm_gezondheid_wijk_buurt_50090NED/2012_18_65.xlsx",
    "rivm_gezondheid_wijk_buurt_50090NED/2012_65+.xlsx",
    "rivm_gezondheid_wijk_buurt_50090NED/2016_18+.xlsx",
    "rivm_gezondheid_wijk_buurt_50090NED/2016_18_65.xlsx",
    "rivm_gezondheid_wijk_buurt_50090NED/2016_65+.xlsx",
    "rivm_gezondheid_wijk_buurt_50090NED/RIVM_gezondheid2020_18+.xlsx",
    "rivm_gezondheid_wijk_buurt_50090NED/RIVM_gezondheid2020_65+.xlsx",
];

const PDOK_GEMEENTEN: &str = "pdok_gemeenten_2024/gemeente_gegeneraliseerd.geojson";

const TABLES: &[TableSpec] = &[
    TableSpec {
        id: "cbs_kwb_utrecht_2023",
        paths: &["cbs_kwb_utrecht/CBS-Utrecht-kwb-2023.xlsx"],
        load: Load::Whole(|_, p, c| tables::load_kwb_xlsx(&p[0], 2023, c)),
    },
    TableSpec {
        id: "cbs_kwb_utrecht_2024",
        paths: &["cbs_kwb_utrecht/CBS-Utrecht-kwb-2024.xlsx"],
        load: Load::Whole(|_, p, c| tables::load_kwb_xlsx(&p[0], 2024, c)),
    },
    TableSpec {
        id: "cbs_nabijheid_utrecht_2023",
        paths: &[
            "cbs_kwb_utrecht/CBS-Utrecht_Nabijheid_voorzieningen__buurt_2023_14102024_164034.csv",
        ],
        load: Load::Whole(|_, p, c| tables::load_nabijheid_csv(&p[0], 2023, c)),
    },
    TableSpec {
        id: "cbs_kwb_almere",
        paths: &["cbs_kwb_almere_2018_2025/CBS_Kerncijfers.csv"],
        load: Load::Whole(|_, p, c| tables::load_kwb_stacked_csv(&p[0], c)),
    },
    TableSpec {
        id: "rivm_50090",
        paths: RIVM_50090_FILES,
        load: Load::PerFile {
            load: |path, c| tables::load_rivm_50090_xlsx(path, c),
            merge: |parts| tables::merge(SourceTable::Rivm50090, "", parts),
        },
    },
    TableSpec {
        id: "rivm_50140",
        paths: &[
            "rivm_gezondheidsmonitor_jongvolwassenen_2024_50140NED/50140NED_TypedDataSet_22092025_192544.csv",
        ],
        load: Load::Whole(|_, p, c| tables::load_rivm_50140_csv(&p[0], c)),
    },
    TableSpec {
        id: "cbs_85994_utrecht",
        paths: &["cbs_sociaal_domein_85994NED_excerpt/85994NED_GM0344_2024_excerpt.csv"],
        load: Load::Whole(|_, p, c| tables::load_cbs_85994_csv(&p[0], c)),
    },
    TableSpec {
        id: "cbs_kwb_nl_2022",
        paths: &[
            "tmap_nld_wijk_gemeente_2022/derived/wijk_2022_NL_attributes.csv",
            "tmap_nld_wijk_gemeente_2022/derived/gemeente_2022_NL_attributes.csv",
        ],
        load: Load::Whole(|_, p, c| {
            tables::load_tmap_attributes(&[(&p[0], Level::Wijk), (&p[1], Level::Gemeente)], c)
        }),
    },
    TableSpec {
        id: "cbs_maatwerk_inkomen_2020",
        paths: &["cbs_maatwerk_inkomen_autobezit_wijk_nl/kvk2020-wb2023.csv"],
        load: Load::Whole(|_, p, c| {
            tables::load_maatwerk_csv(&[(&p[0], MaatwerkTable::Inkomen)], c)
        }),
    },
    TableSpec {
        id: "cbs_maatwerk_autobezit_2023",
        paths: &[
            "cbs_maatwerk_inkomen_autobezit_wijk_nl/gem-autobezit-huishouden_2023_wijk.csv",
            "cbs_maatwerk_inkomen_autobezit_wijk_nl/gem-autobezit-huishouden_2023_gem.csv",
        ],
        load: Load::Whole(|_, p, c| {
            tables::load_maatwerk_csv(
                &[
                    (&p[0], MaatwerkTable::AutobezitWijk),
                    (&p[1], MaatwerkTable::AutobezitGemeente),
                ],
                c,
            )
        }),
    },
    TableSpec {
        id: "vektis_zvw_categories",
        paths: &[
            "vektis_zvw_gemeente_2023_derived/outputs_tables_category_breakdown_all_municipalities.csv",
            PDOK_GEMEENTEN,
        ],
        load: Load::Whole(|dir, p, c| tables::load_vektis_csv(&p[0], &gemeente_names(dir)?, c)),
    },
    TableSpec {
        id: "vektis_zvw_benchmark",
        paths: &[
            "vektis_zvw_gemeente_2023_derived/outputs_tables_municipality_benchmark.csv",
            PDOK_GEMEENTEN,
        ],
        load: Load::Whole(|dir, p, c| tables::load_vektis_csv(&p[0], &gemeente_names(dir)?, c)),
    },
];

const LAYERS: &[LayerSpec] = &[
    LayerSpec {
        id: "cartomap_utrecht_buurt_2024",
        path: "cartomap_utrecht_2024/buurt_2024_GM0344_rd.geojson",
        indeling: 2024,
        level: Level::Buurt,
        kode_gemeente: None,
        area_property: None,
    },
    LayerSpec {
        id: "cartomap_utrecht_wijk_2024",
        path: "cartomap_utrecht_2024/wijk_2024_GM0344_rd.geojson",
        indeling: 2024,
        level: Level::Wijk,
        kode_gemeente: None,
        area_property: None,
    },
    LayerSpec {
        id: "gemeente_utrecht_buurt_2013",
        path: "gemeente_utrecht_2013_bartvde/buurt.geojson",
        indeling: 2013,
        level: Level::Buurt,
        kode_gemeente: Some("GM0344"),
        area_property: None,
    },
    LayerSpec {
        id: "gemeente_utrecht_wijk_2013",
        path: "gemeente_utrecht_2013_bartvde/wijk.geojson",
        indeling: 2013,
        level: Level::Wijk,
        kode_gemeente: Some("GM0344"),
        area_property: None,
    },
    LayerSpec {
        id: "gemeente_utrecht_gemeente_2013",
        path: "gemeente_utrecht_2013_bartvde/gemeente.geojson",
        indeling: 2013,
        level: Level::Gemeente,
        kode_gemeente: Some("GM0344"),
        area_property: None,
    },
    LayerSpec {
        id: "cartomap_almere_wijk_2021",
        path: "cartomap_almere_wijk_2021_2022/wijk_2021_GM0034_rd.geojson",
        indeling: 2021,
        level: Level::Wijk,
        kode_gemeente: None,
        area_property: None,
    },
    LayerSpec {
        id: "cartomap_almere_wijk_2022",
        path: "cartomap_almere_wijk_2021_2022/wijk_2022_GM0034_rd.geojson",
        indeling: 2022,
        level: Level::Wijk,
        kode_gemeente: None,
        area_property: None,
    },
    LayerSpec {
        id: "tmap_nl_wijk_2022",
        path: "tmap_nld_wijk_gemeente_2022/derived/wijk_2022_NL_rd.geojson",
        indeling: 2022,
        level: Level::Wijk,
        kode_gemeente: None,
        area_property: Some(("area", 1e6)),
    },
    LayerSpec {
        id: "tmap_nl_gemeente_2022",
        path: "tmap_nld_wijk_gemeente_2022/derived/gemeente_2022_NL_rd.geojson",
        indeling: 2022,
        level: Level::Gemeente,
        kode_gemeente: None,
        area_property: Some(("area", 1e6)),
    },
    LayerSpec {
        id: "pdok_gemeenten_2024",
        path: PDOK_GEMEENTEN,
        indeling: 2024,
        level: Level::Gemeente,
        kode_gemeente: None,
        area_property: None,
    },
];

/// The files buurt reads, relative to the data directory, with the dataset id.
#[must_use]
pub fn known_files() -> Vec<(&'static str, &'static str)> {
    let mut out: Vec<(&str, &str)> = TABLES
        .iter()
        .flat_map(|t| t.paths.iter().map(|p| (t.id, *p)))
        .collect();
    out.extend(LAYERS.iter().map(|l| (l.id, l.path)));
    out
}

/// Gemeente names → codes from the PDOK gemeenten 2024 layer (for Vektis, which has names only).
fn gemeente_names(dir: &Path) -> Result<tables::GemeenteNames, IoError> {
    let spec = LAYERS
        .iter()
        .find(|l| l.path == PDOK_GEMEENTEN)
        .ok_or_else(|| IoError::Invalid {
            path: PathBuf::from(PDOK_GEMEENTEN),
            message: "not a known boundary file".into(),
        })?;
    let layer = load_layer(dir, spec)?;
    let pairs: Vec<(String, GemeenteCode)> = layer
        .features
        .iter()
        .filter_map(|f| match f.code {
            RegionCode::Gemeente(g) => Some((f.name.clone(), g)),
            _ => None,
        })
        .collect();
    Ok(tables::GemeenteNames::new(pairs))
}

fn load_layer(dir: &Path, spec: &LayerSpec) -> Result<BoundaryLayer, IoError> {
    let mut options =
        GeoJsonLayerOptions::new(Indeling::new(spec.indeling), spec.level).with_id(spec.id);
    if let Some((property, m2_per_unit)) = spec.area_property {
        options = options.with_area_property(property, m2_per_unit);
    }
    if let Some(gm) = spec.kode_gemeente {
        let gm: GemeenteCode = gm.parse().map_err(|source| IoError::BadCode {
            path: PathBuf::from(spec.path),
            row: 0,
            column: "KODE".into(),
            source,
        })?;
        options = options.with_kode_gemeente(gm);
    }
    read_geojson_layer(&dir.join(spec.path), &options)
}

enum Job {
    Table(&'static TableSpec),
    /// File `.1` of a [`Load::PerFile`] table.
    Part(&'static TableSpec, usize),
    Layer(&'static LayerSpec),
    /// A dataset of a folder made by `buurt fetch` (see [`crate::fetched`]).
    Fetched(fetched::FetchedDataset),
}

impl Job {
    /// How many files the job reads: the ones with more go first.
    fn files(&self) -> usize {
        match self {
            // A part is one large file of a dataset of many: before the small tables.
            Job::Table(t) | Job::Part(t, _) => t.paths.len(),
            Job::Layer(_) | Job::Fetched(_) => 0,
        }
    }
}

enum Done {
    Table(Attempt<TableDataset>),
    Part(&'static TableSpec, usize, Result<TableDataset, IoError>),
    Layer(Attempt<BoundaryLayer>),
}

/// Load every dataset in `data_dir` (see the README for the list and their origin), and the
/// datasets of its `fetch-manifest.json` when `buurt fetch` made it. Datasets load in parallel,
/// and so do the files of a dataset of many large ones (RIVM 50090NED's eight workbooks); every
/// one is attempted, and each dataset keeps its own result. A built-in dataset none of whose
/// files is there is [`Absent`], not attempted; a directory with neither buurt's files nor a
/// manifest is one failed attempt that says so.
pub fn load_all(data_dir: &Path, catalogue: &Catalogue, progress: &dyn Progress) -> LoadedSources {
    let mut absent = Vec::new();
    let mut jobs: Vec<Job> = Vec::new();
    let specs = TABLES
        .iter()
        .map(|t| {
            let jobs = match t.load {
                Load::Whole(_) => vec![Job::Table(t)],
                Load::PerFile { .. } => (0..t.paths.len()).map(|i| Job::Part(t, i)).collect(),
            };
            (jobs, t.id, t.paths.to_vec(), false)
        })
        .chain(
            LAYERS
                .iter()
                .map(|l| (vec![Job::Layer(l)], l.id, vec![l.path], true)),
        );
    for (job, id, paths, layer) in specs {
        if paths.iter().any(|p| data_dir.join(p).exists()) {
            jobs.extend(job);
        } else {
            absent.push(Absent {
                id: id.to_owned(),
                layer,
                paths: paths.iter().map(PathBuf::from).collect(),
            });
        }
    }
    // Problems with the directory itself, reported as failed attempts of their own.
    let mut failed = Vec::new();
    match fetched::FetchManifest::read(data_dir) {
        Ok(Some(m)) => jobs.extend(m.datasets().into_iter().map(Job::Fetched)),
        Ok(None) if jobs.is_empty() => failed.push(("data", None, IoError::DataDir {
            path: data_dir.to_path_buf(),
            problem: format!(
                "holds none of buurt's datasets and no {}: point --data at the folder with the data (see the README, 'Data: where each file comes from'), or fetch one gemeente's data into a folder with `buurt fetch --gemeente GM0307 --out DIR`",
                fetched::MANIFEST_FILE
            ),
        })),
        Ok(None) => {}
        Err(e) => failed.push(("fetch_manifest", Some(fetched::MANIFEST_FILE), e)),
    }
    // Biggest first, so the slow RIVM files do not end up alone at the tail.
    jobs.sort_by_key(|j| std::cmp::Reverse(j.files()));
    progress.start(jobs.len());
    let queue = std::sync::Mutex::new(jobs.into_iter());
    let done = std::sync::Mutex::new(Vec::new());
    let threads = std::thread::available_parallelism()
        .map_or(2, std::num::NonZeroUsize::get)
        .min(4);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let job = match queue.lock() {
                        Ok(mut q) => q.next(),
                        Err(_) => None,
                    };
                    let Some(job) = job else { break };
                    let result = run_job(data_dir, catalogue, &job, progress);
                    if let Ok(mut d) = done.lock() {
                        d.push(result);
                    }
                }
            });
        }
    });
    progress.finish();
    let mut out = LoadedSources {
        data_dir: data_dir.to_path_buf(),
        tables: Vec::new(),
        layers: Vec::new(),
        absent,
    };
    let mut parts = Vec::new();
    for d in done.into_inner().unwrap_or_default() {
        match d {
            Done::Table(a) => out.tables.push(a),
            Done::Part(spec, i, r) => parts.push((spec, i, r)),
            Done::Layer(a) => out.layers.push(a),
        }
    }
    out.tables.extend(merge_parts(parts));
    out.tables
        .extend(failed.into_iter().map(|(id, path, e)| Attempt {
            id: id.into(),
            paths: path.into_iter().map(PathBuf::from).collect(),
            result: Err(e),
        }));
    // A stable order for reports, whatever order the threads finished in: built-in datasets in
    // their order, then fetched ones by id.
    let order = |builtin: Option<usize>, id: &str| (builtin.unwrap_or(usize::MAX), id.to_owned());
    out.tables
        .sort_by_cached_key(|a| order(TABLES.iter().position(|t| t.id == a.id), &a.id));
    out.layers
        .sort_by_cached_key(|a| order(LAYERS.iter().position(|l| l.id == a.id), &a.id));
    out
}

/// The datasets loaded file by file, each merged from its parts in file order; the first
/// failed file (in that order) fails the dataset.
fn merge_parts(
    mut parts: Vec<(&'static TableSpec, usize, Result<TableDataset, IoError>)>,
) -> Vec<Attempt<TableDataset>> {
    parts.sort_by_key(|(spec, i, _)| (TABLES.iter().position(|t| t.id == spec.id), *i));
    let mut out = Vec::new();
    let mut parts = parts.into_iter().peekable();
    while let Some((spec, _, first)) = parts.next() {
        let mut results = vec![first];
        while let Some((_, _, r)) = parts.next_if(|(s, _, _)| s.id == spec.id) {
            results.push(r);
        }
        let Load::PerFile { merge, .. } = spec.load else {
            continue;
        };
        let result = results
            .into_iter()
            .collect::<Result<Vec<_>, _>>()
            .map(|loaded| {
                let mut merged = merge(loaded);
                spec.id.clone_into(&mut merged.id);
                merged
            });
        tracing::info!(
            dataset = spec.id,
            ok = result.is_ok(),
            files = spec.paths.len(),
            "loaded table"
        );
        out.push(Attempt {
            id: spec.id.to_owned(),
            paths: spec.paths.iter().map(PathBuf::from).collect(),
            result,
        });
    }
    out
}

fn run_job(data_dir: &Path, catalogue: &Catalogue, job: &Job, progress: &dyn Progress) -> Done {
    match *job {
        Job::Table(spec) => {
            progress.step(spec.id);
            let started = std::time::Instant::now();
            let paths: Vec<PathBuf> = spec.paths.iter().map(|p| data_dir.join(p)).collect();
            let result = match spec.load {
                Load::Whole(load) => load(data_dir, &paths, catalogue),
                Load::PerFile { load, merge } => paths
                    .iter()
                    .map(|p| load(p, catalogue))
                    .collect::<Result<Vec<_>, _>>()
                    .map(merge),
            }
            .map(|mut t| {
                spec.id.clone_into(&mut t.id);
                t
            });
            tracing::info!(
                dataset = spec.id,
                ok = result.is_ok(),
                ms = started.elapsed().as_millis(),
                "loaded table"
            );
            Done::Table(Attempt {
                id: spec.id.to_owned(),
                paths: spec.paths.iter().map(PathBuf::from).collect(),
                result,
            })
        }
        Job::Part(spec, i) => {
            progress.step(spec.id);
            let started = std::time::Instant::now();
            let result = match spec.load {
                Load::PerFile { load, .. } => load(&data_dir.join(spec.paths[i]), catalogue),
                Load::Whole(load) => load(data_dir, &[data_dir.join(spec.paths[i])], catalogue),
            };
            tracing::info!(
                dataset = spec.id,
                file = spec.paths[i],
                ok = result.is_ok(),
                ms = started.elapsed().as_millis(),
                "loaded file"
            );
            Done::Part(spec, i, result)
        }
        Job::Layer(spec) => {
            progress.step(spec.id);
            let result = load_layer(data_dir, spec);
            tracing::info!(dataset = spec.id, ok = result.is_ok(), "loaded boundaries");
            Done::Layer(Attempt {
                id: spec.id.to_owned(),
                paths: vec![PathBuf::from(spec.path)],
                result,
            })
        }
        Job::Fetched(ref dataset) => {
            progress.step(&dataset.id);
            let (id, paths) = (dataset.id.clone(), dataset.paths());
            tracing::info!(dataset = id, "loading fetched dataset");
            if dataset.kind.is_table() {
                let result = dataset.load_table(data_dir, catalogue);
                Done::Table(Attempt { id, paths, result })
            } else {
                let result = dataset.load_layer(data_dir);
                Done::Layer(Attempt { id, paths, result })
            }
        }
    }
}
