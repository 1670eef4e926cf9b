//! `buurt tiles export`: the map's tile layers, with indicator values, to a PMTiles or MBTiles
//! archive or a GeoJSON file.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use buurt_core::{Level, RegionCode};
use buurt_diagnose::Atlas;
use buurt_io::crs::geometry_rd_to_wgs84;
use buurt_server::TILE_LEVELS;
use buurt_tiles::choropleth::{
    Choropleth, TileQuery, resolve_cluster_indicators, resolve_indicators,
};
use buurt_tiles::export::{
    ArchiveInfo, GeoJsonFeature, MbTilesArchive, PmTilesArchive, write_geojson,
};
use buurt_tiles::{PropValue, PyramidSpec, TileId, TileSink};
use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressStyle};

/// The deepest zoom an export writes: buurt polygons are drawn exactly by then, and a map
/// overzooms deeper tiles from it.
pub const MAX_EXPORT_ZOOM: u8 = 16;

/// Coordinate decimals in GeoJSON (≈ 0.1 m in degrees).
const GEOJSON_DECIMALS: u32 = 6;

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// PMTiles v3 (one file, read over HTTP range requests).
    Pmtiles,
    /// MBTiles 1.3 (SQLite).
    Mbtiles,
    /// One GeoJSON FeatureCollection in WGS84, each feature with its `layer`.
    Geojson,
}

impl ExportFormat {
    /// The format `--out` names by its extension; PMTiles when it names none we know.
    fn from_path(path: &Path) -> Self {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("mbtiles") => Self::Mbtiles,
            Some("geojson" | "json") => Self::Geojson,
            _ => Self::Pmtiles,
        }
    }
}

/// What `buurt tiles export` was asked for.
#[derive(Debug, Clone)]
pub struct ExportArgs {
    pub out: PathBuf,
    pub format: Option<ExportFormat>,
    pub min_zoom: u8,
    pub max_zoom: u8,
    pub layers: Vec<String>,
    pub indicators: Option<String>,
    pub year: Option<u16>,
    pub clusters: Option<String>,
    pub within: Option<String>,
}

/// The arguments checked before the (slow) atlas is opened.
pub struct Checked {
    format: ExportFormat,
    levels: Vec<Level>,
    query: TileQuery,
    within: RegionCode,
}

/// Check everything that does not need the atlas, so that a typo fails at once.
pub fn check(args: &ExportArgs) -> anyhow::Result<Checked> {
    if args.min_zoom > args.max_zoom {
        anyhow::bail!(
            "--minzoom {} is above --maxzoom {}",
            args.min_zoom,
            args.max_zoom
        );
    }
    if args.max_zoom > MAX_EXPORT_ZOOM {
        anyhow::bail!(
            "--maxzoom {} is above {MAX_EXPORT_ZOOM}, the deepest zoom an export writes (maps overzoom from there)",
            args.max_zoom
        );
    }
    // The archive is written last, after minutes of work; a wrong directory should fail now.
    let dir = match args.out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        anyhow::bail!(
            "cannot write {}: {} is not a directory",
            args.out.display(),
            dir.display()
        );
    }
    if args.out.is_dir() {
        anyhow::bail!("cannot write {}: it is a directory", args.out.display());
    }
    let mut levels = Vec::new();
    for name in args
        .layers
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
    {
        let level = TILE_LEVELS
            .into_iter()
            .find(|l| l.as_str() == name)
            .with_context(|| {
                format!("unknown layer '{name}' in --layers (expected gemeente, wijk or buurt)")
            })?;
        if !levels.contains(&level) {
            levels.push(level);
        }
    }
    if levels.is_empty() {
        anyhow::bail!("--layers names no layer (expected gemeente, wijk or buurt)");
    }
    let catalogue = buurt_core::Catalogue::builtin()?;
    let query = TileQuery {
        indicators: resolve_indicators(&catalogue, args.indicators.as_deref())
            .context("--indicators")?,
        year: args.year,
        clusters: resolve_cluster_indicators(&catalogue, args.clusters.as_deref())
            .context("--clusters")?,
    };
    let within = match &args.within {
        Some(w) => w
            .parse::<RegionCode>()
            .with_context(|| format!("--within '{w}'"))?,
        None => RegionCode::Nederland,
    };
    Ok(Checked {
        format: args
            .format
            .unwrap_or_else(|| ExportFormat::from_path(&args.out)),
        levels,
        query,
        within,
    })
}

/// Export the layers; a partly written file is removed when the export fails.
pub fn run(atlas: Atlas, args: &ExportArgs, checked: &Checked, quiet: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    // The same tile source as `buurt serve`: same layers, values, years and standings.
    let source = Choropleth::new(Arc::new(atlas), &checked.levels, checked.within)
        .context("preparing the tile layers")?;
    let props = |code: &str| source.properties(&checked.query, code);
    let result = match checked.format {
        ExportFormat::Geojson => export_geojson(&args.out, &source, &props),
        ExportFormat::Pmtiles | ExportFormat::Mbtiles => export_archive(
            args,
            checked,
            checked.format == ExportFormat::Mbtiles,
            &source,
            &|_, f| props(&f.code),
            quiet,
        ),
    };
    if result.is_err() && args.out.is_file() {
        // Best effort: the error says what went wrong; a half archive must not look usable.
        let _ = std::fs::remove_file(&args.out);
    }
    let summary = result?;
    let size = std::fs::metadata(&args.out).map_or(0, |m| m.len());
    eprintln!(
        "wrote {} ({summary}, {:.1} MiB) in {:.1} s",
        args.out.display(),
        size as f64 / f64::from(1 << 20),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn export_geojson(
    out: &Path,
    source: &Choropleth,
    props: &dyn Fn(&str) -> Vec<(String, PropValue)>,
) -> anyhow::Result<String> {
    let file = File::create(out).with_context(|| format!("creating {}", out.display()))?;
    let projected: Vec<(Level, String, String, _)> = source
        .levels()
        .flat_map(|level| {
            source.shapes(level).iter().map(move |s| {
                (
                    level,
                    s.code.to_string(),
                    s.name.clone(),
                    geometry_rd_to_wgs84(&s.geometry_rd),
                )
            })
        })
        .collect();
    let features = projected.iter().map(|(level, code, name, geometry)| {
        let mut properties = vec![
            ("layer".to_owned(), PropValue::from(level.as_str())),
            ("code".to_owned(), PropValue::from(code.as_str())),
            ("name".to_owned(), PropValue::from(name.as_str())),
        ];
        properties.extend(props(code));
        GeoJsonFeature {
            id: code,
            geometry,
            properties,
        }
    });
    let n = write_geojson(
        BufWriter::new(file),
        &out.display().to_string(),
        features,
        Some(GEOJSON_DECIMALS),
    )?;
    Ok(format!("{n} features"))
}

fn export_archive(
    args: &ExportArgs,
    checked: &Checked,
    mbtiles: bool,
    source: &Choropleth,
    props: &buurt_tiles::SyncPropertyFn<'_>,
    quiet: bool,
) -> anyhow::Result<String> {
    let tiles = source.tile_set();
    let catalogue = source.atlas().catalogue();
    let names: Vec<&str> = checked.levels.iter().map(|l| l.as_str()).collect();
    let all = tiles.pyramid_tiles(&names, args.min_zoom, args.max_zoom)?;
    let spec = PyramidSpec {
        min_zoom: args.min_zoom,
        max_zoom: args.max_zoom,
        layers: &names,
        threads: 0,
    };
    let info = ArchiveInfo {
        name: format!("buurt {}", checked.within),
        description: format!(
            "{} with {}",
            names.join(", "),
            checked
                .query
                .indicators
                .iter()
                .map(|ix| ix.id(catalogue))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        attribution: "CBS / Kadaster, RIVM".into(),
    };
    let bar = bar(quiet, all.len());
    let summary = if mbtiles {
        let mut sink = Progress::new(MbTilesArchive::create(&args.out)?, &all, &bar);
        let summary = tiles.build_pyramid(&spec, props, &mut sink)?;
        sink.inner.finish(&summary, &info)?;
        summary
    } else {
        let mut sink = Progress::new(PmTilesArchive::create(&args.out)?, &all, &bar);
        let summary = tiles.build_pyramid(&spec, props, &mut sink)?;
        sink.inner.finish(&summary, &info)?;
        summary
    };
    bar.finish_and_clear();
    Ok(format!(
        "{} tiles, zoom {}–{}",
        summary.tiles_written, summary.min_zoom, summary.max_zoom
    ))
}

fn bar(quiet: bool, total: usize) -> ProgressBar {
    if quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} tiles")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// A sink that moves the bar along: tiles arrive in the order of `all` (empty ones skipped),
/// so the position is how far into `all` the last tile written lies.
struct Progress<'a, S> {
    inner: S,
    all: &'a [TileId],
    next: usize,
    bar: &'a ProgressBar,
}

impl<'a, S> Progress<'a, S> {
    fn new(inner: S, all: &'a [TileId], bar: &'a ProgressBar) -> Self {
        Self {
            inner,
            all,
            next: 0,
            bar,
        }
    }
}

impl<S: TileSink> TileSink for Progress<'_, S> {
    fn put(&mut self, tile: TileId, mvt: &[u8]) -> buurt_tiles::Result<()> {
        self.inner.put(tile, mvt)?;
        if let Some(offset) = self.all[self.next..].iter().position(|&t| t == tile) {
            self.next += offset + 1;
            self.bar.set_position(self.next as u64);
        }
        Ok(())
    }
}
