//! Fuzzing the table loaders with damaged copies of the small valid fixtures of
//! `support/fixtures.rs` (cut off, bytes flipped, separators, quotes and byte-order marks
//! inserted, decimal commas, `.` markers, huge numbers, `NaN`, lines repeated or dropped, bytes
//! that are not UTF-8) and with arbitrary bytes: these are the files users hand to `buurt`.
//!
//! Whatever the input, a loader must not panic. It either loads, and then the table is
//! consistent (no more rows than lines, finite numbers, every observation of a region the table
//! lists), or it fails with an error naming the file and, where it knows them, the line, row
//! and column.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use buurt_core::test_support::fuzz::{EDIT_KINDS, Edit, cases, mutate};
use buurt_core::{Catalogue, Value};
use buurt_io::tables::{
    load_cbs_85994_csv, load_kwb_stacked_csv, load_rivm_50090_json, load_rivm_50090_xlsx,
    load_rivm_50140_csv,
};
use buurt_io::{IoError, TableDataset};
use proptest::prelude::*;
use support::fixtures::{
    EXCERPT, JSON, MAATWERK_AUTOBEZIT_GEMEENTE, NABIJHEID, RIVM_50090_JSON, RIVM_50140, STACKED,
    TMAP_WIJKEN, TYPED, VEKTIS, kwb_rows, rivm_rows,
};
use support::loaders::{kwb_xlsx, maatwerk, nabijheid, statline_csv, statline_json, tmap, vektis};
use support::{X, small_catalogue, write_xlsx};

/// Cases per property: a few seconds each in a debug build.
const CASES: u32 = 256;

type Loader = fn(&Path, &Catalogue) -> Result<TableDataset, IoError>;

/// The small test catalogue (most loaders) and the builtin one (tmap, maatwerk).
fn catalogue_for(builtin: bool) -> &'static Catalogue {
    static SMALL: OnceLock<Catalogue> = OnceLock::new();
    static BUILTIN: OnceLock<Catalogue> = OnceLock::new();
    if builtin {
        BUILTIN.get_or_init(|| Catalogue::builtin().unwrap())
    } else {
        SMALL.get_or_init(small_catalogue)
    }
}

/// A text loader, its fixture and the file name it is written as.
struct Target {
    file: &'static str,
    fixture: &'static str,
    load: Loader,
    builtin: bool,
}

const fn target(file: &'static str, fixture: &'static str, load: Loader) -> Target {
    Target {
        file,
        fixture,
        load,
        builtin: false,
    }
}

/// Every text loader with its fixture; the index is what the properties below pick.
const TARGETS: [Target; 10] = [
    target("typed.csv", TYPED, statline_csv),
    target("typed.json", JSON, statline_json),
    target("stacked.csv", STACKED, load_kwb_stacked_csv),
    target("50140.csv", RIVM_50140, load_rivm_50140_csv),
    target("85994.csv", EXCERPT, load_cbs_85994_csv),
    target("nabijheid.csv", NABIJHEID, nabijheid),
    target("breakdown.csv", VEKTIS, vektis),
    target("UntypedDataSet.json", RIVM_50090_JSON, load_rivm_50090_json),
    Target {
        builtin: true,
        ..target("wijk_attributes.csv", TMAP_WIJKEN, tmap)
    },
    Target {
        builtin: true,
        ..target("autobezit_gem.csv", MAATWERK_AUTOBEZIT_GEMEENTE, maatwerk)
    },
];

/// One to four edits of a fixture.
fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec((0..EDIT_KINDS, any::<usize>(), any::<u32>()), 1..5)
}

/// Write `bytes` as `file` in a fresh folder and load it; the outcome must pass
/// [`check_outcome`].
fn load_checked(
    file: &str,
    bytes: &[u8],
    load: Loader,
    catalogue: &Catalogue,
) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(file);
    std::fs::write(&path, bytes).unwrap();
    let result = load(&path, catalogue);
    check_outcome(&path, bytes, &result)
}

/// An error names the file, and the line, row or column where its kind knows them; a table is
/// consistent with its input.
fn check_outcome(
    path: &Path,
    input: &[u8],
    result: &Result<TableDataset, IoError>,
) -> Result<(), TestCaseError> {
    match result {
        Err(err) => check_error(path, err),
        Ok(t) => check_table(path, input, t),
    }
}

fn check_error(path: &Path, err: &IoError) -> Result<(), TestCaseError> {
    let message = err.to_string();
    prop_assert!(
        message.contains(&path.display().to_string()),
        "the error does not name the file: {}",
        message
    );
    match err {
        IoError::Csv { line, .. } | IoError::RaggedRecord { line, .. } => {
            prop_assert!(
                *line >= 1 && message.contains(&format!("line {line}")),
                "no line in: {}",
                message
            );
        }
        IoError::BadCode { row, column, .. } | IoError::BadValue { row, column, .. } => {
            prop_assert!(
                *row >= 1
                    && message.contains(&format!("row {row}"))
                    && message.contains(column.as_str()),
                "no row or column in: {}",
                message
            );
        }
        IoError::MissingColumn { column, .. } => {
            prop_assert!(message.contains(column.as_str()), "{}", message);
        }
        _ => {}
    }
    Ok(())
}

fn check_table(path: &Path, input: &[u8], t: &TableDataset) -> Result<(), TestCaseError> {
    prop_assert!(t.paths.iter().any(|p| p == path), "{:?}", t.paths);
    // A record needs a line (CSV) or an object (JSON); an xlsx row a `<row` element.
    let count = |needle: &[u8]| input.windows(needle.len()).filter(|w| *w == needle).count();
    let bound = 1 + count(b"\n") + count(b"\r") + count(b"{") + count(b"<row");
    prop_assert!(
        t.rows <= bound,
        "{} rows from at most {} lines",
        t.rows,
        bound
    );
    let regions: HashSet<_> = t
        .regions
        .iter()
        .map(|r| (r.key.code, r.key.indeling))
        .collect();
    for o in &t.observations {
        prop_assert!(
            regions.contains(&(o.region, o.indeling)),
            "an observation of {} {} is not of a region of the table",
            o.region,
            o.indeling
        );
        if let Value::Number(v) = o.value {
            prop_assert!(v.is_finite(), "{} has {}", o.region, v);
        }
    }
    Ok(())
}

#[test]
fn every_fixture_loads_as_it_is() {
    for t in &TARGETS {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(t.file);
        std::fs::write(&path, t.fixture).unwrap();
        let table =
            (t.load)(&path, catalogue_for(t.builtin)).unwrap_or_else(|e| panic!("{}: {e}", t.file));
        assert!(!table.observations.is_empty(), "{}", t.file);
        check_table(&path, t.fixture.as_bytes(), &table).unwrap();
    }
}

/// Run the mutation property on target `i`.
fn fuzz_target(i: usize, edits: &[Edit]) -> Result<(), TestCaseError> {
    let t = &TARGETS[i];
    let input = mutate(t.fixture.as_bytes(), edits);
    load_checked(t.file, &input, t.load, catalogue_for(t.builtin))
}

/// The cell of `AantalInwoners_5` in the gemeente row of [`TYPED`].
const TYPED_CELL: &str = ";374238;";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(CASES)))]

    #[test]
    fn statline_csv_survives_damage(edits in edits()) {
        fuzz_target(0, &edits)?;
    }

    #[test]
    fn statline_json_survives_damage(edits in edits()) {
        fuzz_target(1, &edits)?;
    }

    #[test]
    fn stacked_csv_survives_damage(edits in edits()) {
        fuzz_target(2, &edits)?;
    }

    #[test]
    fn rivm_50140_survives_damage(edits in edits()) {
        fuzz_target(3, &edits)?;
    }

    #[test]
    fn cbs_85994_survives_damage(edits in edits()) {
        fuzz_target(4, &edits)?;
    }

    #[test]
    fn nabijheid_survives_damage(edits in edits()) {
        fuzz_target(5, &edits)?;
    }

    #[test]
    fn vektis_survives_damage(edits in edits()) {
        fuzz_target(6, &edits)?;
    }

    #[test]
    fn rivm_50090_json_survives_damage(edits in edits()) {
        fuzz_target(7, &edits)?;
    }

    #[test]
    fn tmap_survives_damage(edits in edits()) {
        fuzz_target(8, &edits)?;
    }

    #[test]
    fn maatwerk_survives_damage(edits in edits()) {
        fuzz_target(9, &edits)?;
    }

    /// Bytes that are no table at all, for every text loader.
    #[test]
    fn arbitrary_bytes_are_refused_or_read(
        i in 0..TARGETS.len(),
        bytes in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        let t = &TARGETS[i];
        load_checked(t.file, &bytes, t.load, catalogue_for(t.builtin))?;
    }

    /// Whatever text a value cell holds, the loader reads it as `Value::parse_cbs` does, or
    /// refuses it naming row 2 and the column.
    #[test]
    fn a_value_cell_reads_as_parse_cbs(
        text in prop_oneof![
            "[ ]{0,8}-?[0-9]{0,22}([.,][0-9]{0,12})?([eE][-+]?[0-9]{1,4})?[ ]{0,4}",
            "[ ]{0,8}(\\.|NaN|nan|inf|-inf|infinity|-99997|1e309|0x10|1\\.234,5)[ ]{0,4}",
            "[^;\"\r\n]{0,12}",
        ],
    ) {
        let input = TYPED.replacen(TYPED_CELL, &format!(";{text};"), 1);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cell.csv");
        std::fs::write(&path, &input).unwrap();
        let result = statline_csv(&path, catalogue_for(false));
        check_outcome(&path, input.as_bytes(), &result)?;
        match result {
            Ok(t) => {
                let gm = "GM0344".parse().unwrap();
                let value = t
                    .observations
                    .iter()
                    .find(|o| o.region == gm && o.indicator == 0)
                    .map(|o| o.value);
                prop_assert_eq!(value, Some(Value::parse_cbs(&text)), "{:?}", text);
            }
            Err(err) => {
                prop_assert!(Value::parse_cbs(&text).is_invalid(), "{:?}: {}", text, err);
                let message = err.to_string();
                prop_assert!(
                    message.contains("row 2") && message.contains("AantalInwoners_5"),
                    "{}",
                    message
                );
            }
        }
    }
}

/// An xlsx cell owned by the test, turned into an [`X`] to write.
#[derive(Debug, Clone)]
enum Cell {
    S(String),
    N(f64),
    E,
}

fn owned(rows: &[Vec<X<'_>>]) -> Vec<Vec<Cell>> {
    rows.iter()
        .map(|row| {
            row.iter()
                .map(|c| match *c {
                    X::S(s) => Cell::S(s.to_owned()),
                    X::N(v) => Cell::N(v),
                    X::E => Cell::E,
                })
                .collect()
        })
        .collect()
}

fn borrowed(rows: &[Vec<Cell>]) -> Vec<Vec<X<'_>>> {
    rows.iter()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Cell::S(s) => X::S(s),
                    Cell::N(v) => X::N(*v),
                    Cell::E => X::E,
                })
                .collect()
        })
        .collect()
}

/// Cells a spreadsheet may hold where a code, a level or a number was.
fn any_cell() -> impl Strategy<Value = Cell> {
    prop_oneof![
        "[ ]{0,4}(\\.|GM0344|WK034401|BU03440111|BU0344011|NL01|Buurt|Wijk|Gemeente|12,5|-99997|NaN|1e309|80200|2020JJ00)[ ]{0,4}"
            .prop_map(Cell::S),
        any::<String>().prop_map(Cell::S),
        any::<f64>().prop_map(Cell::N),
        Just(Cell::N(f64::NAN)),
        Just(Cell::N(f64::INFINITY)),
        Just(Cell::E),
    ]
}

/// Edits of a sheet: a cell replaced, a row dropped, a row cut short.
#[derive(Debug, Clone)]
enum SheetEdit {
    Set(usize, usize, Cell),
    DropRow(usize),
    CutRow(usize, usize),
}

fn sheet_edits() -> impl Strategy<Value = Vec<SheetEdit>> {
    let edit = prop_oneof![
        4 => (any::<usize>(), any::<usize>(), any_cell()).prop_map(|(r, c, x)| SheetEdit::Set(r, c, x)),
        1 => any::<usize>().prop_map(SheetEdit::DropRow),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(r, n)| SheetEdit::CutRow(r, n)),
    ];
    prop::collection::vec(edit, 1..4)
}

fn edit_sheet(mut rows: Vec<Vec<Cell>>, edits: &[SheetEdit]) -> Vec<Vec<Cell>> {
    for edit in edits {
        if rows.is_empty() {
            break;
        }
        let n = rows.len();
        match edit {
            SheetEdit::Set(r, c, cell) => {
                let row = &mut rows[r % n];
                let col = c % (row.len() + 1);
                if col == row.len() {
                    row.push(cell.clone());
                } else {
                    row[col] = cell.clone();
                }
            }
            SheetEdit::DropRow(r) => {
                rows.remove(r % n);
            }
            SheetEdit::CutRow(r, keep) => {
                let row = &mut rows[r % n];
                let keep = keep % (row.len() + 1);
                row.truncate(keep);
            }
        }
    }
    rows
}

/// Write `rows` as an xlsx and load it with `load`; check the outcome.
fn load_sheet(rows: &[Vec<Cell>], load: Loader) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sheet.xlsx");
    write_xlsx(&path, &borrowed(rows));
    let bytes = std::fs::read(&path).unwrap();
    let result = load(&path, catalogue_for(false));
    check_outcome(&path, &bytes, &result)
}

/// The kwb fixture as xlsx bytes, written once.
fn kwb_xlsx_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kwb.xlsx");
        write_xlsx(&path, &kwb_rows(X::N(1800.0), "BU03440111"));
        std::fs::read(&path).unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(CASES)))]

    /// The kwb flat sheet with cells replaced, rows dropped or cut short.
    #[test]
    fn kwb_xlsx_survives_edited_cells(edits in sheet_edits()) {
        let rows = edit_sheet(owned(&kwb_rows(X::N(1800.0), "BU03440111")), &edits);
        load_sheet(&rows, kwb_xlsx)?;
    }

    /// The RIVM 50090 sheet likewise.
    #[test]
    fn rivm_xlsx_survives_edited_cells(edits in sheet_edits()) {
        let rows = edit_sheet(owned(&rivm_rows("80200", X::S("    13.9"))), &edits);
        load_sheet(&rows, load_rivm_50090_xlsx)?;
    }

    /// The workbook's bytes damaged: a broken zip or XML must be an error naming the file.
    #[test]
    fn xlsx_bytes_survive_damage(edits in edits(), rivm in any::<bool>()) {
        let input = mutate(kwb_xlsx_bytes(), &edits);
        let load: Loader = if rivm { load_rivm_50090_xlsx } else { kwb_xlsx };
        load_checked("damaged.xlsx", &input, load, catalogue_for(false))?;
    }
}
