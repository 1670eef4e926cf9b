//! RIVM 50090NED *Gezondheid per wijk en buurt* (2012, 2016, 2020 on indeling 2020): one xlsx
//! per survey year and age group, every region of the Netherlands, values as padded text.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

use buurt_core::{AgeGroup, Catalogue, Indeling, Level, MissingReason, SourceTable};

use crate::dataset::TableDataset;
use crate::error::IoError;

use calamine::{DataRef, Range};

use super::builder::{Builder, merge};
use super::cell::{At, Cell, year_of};
use super::header::Header;
use super::mapping::{ValueColumn, mappings};
use super::odata_json::JsonTable;
use super::xlsx::{take_header, with_first_sheet};
use super::year_columns::Rows;

/// All 50090NED years are published on the 2020 classification.
pub const RIVM_50090_INDELING: Indeling = Indeling::new(2020);

const REGION: &str = "WijkenEnBuurten";
const PERIOD: &str = "Perioden";
const AGE: &str = "Leeftijd";
const GEMEENTENAAM: &str = "Gemeentenaam";
const LEVEL: &str = "SoortRegio";
const MARGIN: &str = "Marges";
/// The `Marges` key of the estimate itself (the others are the bounds of its 95 % interval).
const ESTIMATE: &str = "MW00000";

/// The age group of a StatLine `Leeftijd` code.
///
/// ```
/// use buurt_core::AgeGroup;
/// assert_eq!(buurt_io::tables::rivm_age_group("80200"), Some(AgeGroup::Plus65));
/// assert_eq!(buurt_io::tables::rivm_age_group("12345"), None);
/// ```
#[must_use]
pub fn rivm_age_group(code: &str) -> Option<AgeGroup> {
    match code.trim() {
        "20300" => Some(AgeGroup::Plus18),
        "53115" => Some(AgeGroup::Van18Tot64),
        "80200" => Some(AgeGroup::Plus65),
        _ => None,
    }
}

/// Load one 50090NED xlsx. The year comes from `Perioden` (`2020JJ00`), the age group from
/// `Leeftijd`; catalogue indicators of that age group are read. An empty cell means the survey
/// round did not measure the indicator ([`MissingReason::NotMeasured`]); `.` is suppressed.
///
/// The file names only gemeenten (`Gemeentenaam_1`); wijk and buurt regions get an empty name.
pub fn load_rivm_50090_xlsx(path: &Path, catalogue: &Catalogue) -> Result<TableDataset, IoError> {
    with_first_sheet(path, |range, first_row| {
        let mut rows = range.rows();
        let header = take_header(path, &mut rows);
        let sheet = SheetRows { range, first_row };
        load_rows(path, &header, &sheet, catalogue)
    })
}

/// Load 50090NED rows as the OData API returns them (`{"value": [{"WijkenEnBuurten":
/// "GM0307    ", "Leeftijd": "20300", "Marges": "MW00000", …}]}`), for example the
/// `UntypedDataSet` of one gemeente that `buurt fetch` saves. Text values read as in the xlsx
/// exports (`.` suppressed, blank not measured), and so do JSON numbers and `null` (not
/// measured). Rows may mix survey years and age groups; rows of another margin than the estimate
/// `MW00000` (the 95 % bounds `MOG0095`, `MBG0095`) are skipped and counted as a problem.
///
/// ```
/// let catalogue = buurt_core::Catalogue::builtin()?;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("UntypedDataSet.json");
/// std::fs::write(&path, r#"{"value": [
///   {"ID": 0, "Leeftijd": "80200", "Marges": "MW00000", "WijkenEnBuurten": "GM0307    ",
///    "Perioden": "2020JJ00", "Gemeentenaam_1": "Amersfoort  ", "SoortRegio_2": "Gemeente  ",
///    "Eenzaam_28": "    47.5"},
///   {"ID": 1, "Leeftijd": "80200", "Marges": "MOG0095", "WijkenEnBuurten": "GM0307    ",
///    "Perioden": "2020JJ00", "Gemeentenaam_1": "Amersfoort  ", "SoortRegio_2": "Gemeente  ",
///    "Eenzaam_28": "    49.0"}
/// ]}"#)?;
/// let rivm = buurt_io::tables::load_rivm_50090_json(&path, &catalogue)?;
/// assert_eq!(rivm.rows, 1);
/// assert_eq!(rivm.regions[0].name, "Amersfoort");
/// assert!(rivm.observations.iter().any(|o| o.value == buurt_core::Value::Number(47.5)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_rivm_50090_json(path: &Path, catalogue: &Catalogue) -> Result<TableDataset, IoError> {
    let json = JsonTable::read(path)?;
    let mut out = load_rows(path, &json.header, &json, catalogue)?;
    if let Some(link) = json.next_link {
        out.problems.push(crate::dataset::Problem {
            location: path.display().to_string(),
            message: format!("the feed has more pages ({link}); only this page was read"),
        });
    }
    Ok(out)
}

/// The first worksheet below its header, as rows of cells.
struct SheetRows<'r, 'a> {
    range: &'r Range<DataRef<'a>>,
    /// The 1-based sheet row of the header.
    first_row: usize,
}

impl Rows for SheetRows<'_, '_> {
    fn len(&self) -> usize {
        self.range.height().saturating_sub(1)
    }

    fn cell(&self, row: usize, col: usize) -> Cell<'_> {
        self.range
            .get((row + 1, col))
            .map_or(Cell::Empty, Cell::from)
    }

    fn row_number(&self, row: usize) -> usize {
        self.first_row + 1 + row
    }
}

/// The shared reader of 50090NED rows, whatever file they come from: region, year, age group
/// and margin per row, then the catalogue's columns of that age group.
fn load_rows(
    path: &Path,
    header: &Header,
    rows: &impl Rows,
    catalogue: &Catalogue,
) -> Result<TableDataset, IoError> {
    let code_col = header.require(REGION)?;
    let period_col = header.require(PERIOD)?;
    let age_col = header.require(AGE)?;
    let margin_col = header.find(MARGIN);
    let name_col = header.find_stem(GEMEENTENAAM);
    let level_col = header.find_stem(LEVEL);
    let width = header.names().len();
    let mut out = Builder::new(SourceTable::Rivm50090, path);
    // Columns per age group, resolved when the first row of that group appears.
    let mut by_age: Vec<(AgeGroup, Vec<ValueColumn<'_>>)> = Vec::new();
    let mut seen = HashSet::new();
    let mut suffixes = BTreeSet::new();
    let mut other_margins: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..rows.len() {
        let at = At {
            path,
            row: rows.row_number(i),
        };
        let cell = |c: usize| rows.cell(i, c);
        let code_text = cell(code_col).text().into_owned();
        if code_text.is_empty() && (0..width).all(|c| cell(c).text().is_empty()) {
            continue;
        }
        if let Some(c) = margin_col {
            let margin = cell(c).text().into_owned();
            if margin != ESTIMATE {
                *other_margins.entry(margin).or_insert(0) += 1;
                continue;
            }
        }
        let code = at.code(REGION, &code_text)?;
        let age_text = cell(age_col).text().into_owned();
        let age = rivm_age_group(&age_text).ok_or_else(|| at.bad_value(AGE, &age_text))?;
        let period = cell(period_col).text().into_owned();
        let year = year_of(&period).ok_or_else(|| at.bad_value(PERIOD, &period))?;
        if let Some(c) = level_col {
            at.check_level(header.name(c), &cell(c).text(), code)?;
        }
        if !seen.insert((code, year, age)) {
            return Err(at.invalid(format_args!(
                "{code} appears a second time for {year}, age {age}"
            )));
        }
        let name = match (code.level(), name_col) {
            (Level::Land | Level::Gemeente, Some(c)) => cell(c).text().into_owned(),
            _ => String::new(),
        };
        out.region(code, RIVM_50090_INDELING, &name);
        out.rows += 1;
        suffixes.insert(format!("{year}_{}", age_suffix(age)));
        let k = if let Some(k) = by_age.iter().position(|(a, _)| *a == age) {
            k
        } else {
            let cols = out.value_columns(
                header,
                &mappings(catalogue, SourceTable::Rivm50090, Some(age)),
            );
            // Files hold one age group: room for all their cells at once.
            out.observations
                .reserve(rows.len().saturating_sub(i) * cols.len());
            by_age.push((age, cols));
            by_age.len() - 1
        };
        let cols = &by_age[k].1;
        out.observe_row(
            at,
            header,
            cols,
            cell,
            code,
            RIVM_50090_INDELING,
            year,
            MissingReason::NotMeasured,
        )?;
    }
    if !other_margins.is_empty() {
        let list: Vec<String> = other_margins
            .iter()
            .map(|(m, n)| format!("{n} of margin {m}"))
            .collect();
        out.problem_at(
            format!("column '{MARGIN}'"),
            format!(
                "skipped rows that are not the estimate {ESTIMATE}: {}",
                list.join(", ")
            ),
        );
    }
    let mut used = vec![code_col, period_col, age_col];
    used.extend(margin_col);
    used.extend(name_col);
    used.extend(level_col);
    used.extend(header.find("ID"));
    used.extend(
        by_age
            .iter()
            .flat_map(|(_, cols)| cols.iter().map(|c| c.col)),
    );
    out.unmapped(header, &used);
    let suffix = suffixes.into_iter().collect::<Vec<_>>().join("_");
    Ok(out.finish(&suffix))
}

fn age_suffix(age: AgeGroup) -> &'static str {
    age.id_suffix().trim_start_matches('_')
}

/// Load every `*.xlsx` in `dir` (the 50090NED folder) into one dataset, files in parallel.
///
/// Two files with the same survey year and age group are an error: they would double the data.
///
/// ```no_run
/// let catalogue = buurt_core::Catalogue::builtin()?;
/// let dir = std::path::Path::new("data/rivm_gezondheid_wijk_buurt_50090NED");
/// let rivm = buurt_io::tables::load_rivm_50090_dir(dir, &catalogue)?;
/// assert_eq!(rivm.paths.len(), 8);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_rivm_50090_dir(dir: &Path, catalogue: &Catalogue) -> Result<TableDataset, IoError> {
    let start = Instant::now();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| IoError::Read {
            path: dir.to_path_buf(),
            source,
        })?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
                && p.is_file()
        })
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(IoError::DataDir {
            path: dir.to_path_buf(),
            problem: "holds no .xlsx files (expected the RIVM 50090NED exports)".into(),
        });
    }
    let parts = load_parallel(&files, catalogue)?;
    let mut rounds: BTreeMap<(u16, AgeGroup), &Path> = BTreeMap::new();
    for part in &parts {
        // Observations come row by row, so a change of (year, age) is rare: a short list suffices.
        let mut mine: Vec<(u16, AgeGroup)> = Vec::new();
        for o in &part.observations {
            if mine.last() != Some(&(o.year, o.age_group)) && !mine.contains(&(o.year, o.age_group))
            {
                mine.push((o.year, o.age_group));
            }
        }
        for key in mine {
            if let Some(other) = rounds.insert(key, &part.paths[0]) {
                return Err(IoError::Invalid {
                    path: dir.to_path_buf(),
                    message: format!(
                        "{} and {} both hold {} age {}",
                        other.display(),
                        part.paths[0].display(),
                        key.0,
                        key.1
                    ),
                });
            }
        }
    }
    let merged = merge(SourceTable::Rivm50090, "", parts);
    tracing::info!(
        files = files.len(),
        regions = merged.regions.len(),
        observations = merged.observations.len(),
        ms = start.elapsed().as_millis(),
        "RIVM 50090NED loaded"
    );
    Ok(merged)
}

/// Load files on up to as many threads as there are cores; results keep the file order.
fn load_parallel(files: &[PathBuf], catalogue: &Catalogue) -> Result<Vec<TableDataset>, IoError> {
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .min(files.len());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut results: Vec<Option<Result<TableDataset, IoError>>> =
        files.iter().map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(file) = files.get(k) else { break };
                        done.push((k, load_rivm_50090_xlsx(file, catalogue)));
                    }
                    done
                })
            })
            .collect();
        for handle in handles {
            match handle.join() {
                Ok(done) => {
                    for (k, r) in done {
                        results[k] = Some(r);
                    }
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    results
        .into_iter()
        .map(|r| r.expect("every file index was taken by a worker"))
        .collect()
}
