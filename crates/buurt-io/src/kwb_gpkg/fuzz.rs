//! Fuzzing the wijk- en buurtkaart GeoPackage reader with the files a user may hand it: a
//! small valid GeoPackage (three buurten) whose bytes are damaged (SQLite must report the
//! corruption), and the same file with one more row whose code, name, water flag, attribute
//! cells and geometry blob are arbitrary or damaged copies of valid ones.
//!
//! No input may panic. The reader either loads layers whose polygons are valid with a finite,
//! positive area, whose codes are distinct buurt codes and whose numbers are finite, or fails
//! with an error naming the file (and the layer and row where a row is at fault).

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use buurt_core::test_support::fuzz::{EDIT_KINDS, Edit, cases, mutate};
use geo::{Area, Validation};
use proptest::prelude::*;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, params};

use super::tests::{catalogue, square, three_buurten};
use super::*;
use crate::gpkg_geometry::tests::encode;

/// Cases per property: a few seconds each in a debug build.
const CASES: u32 = 128;

fn options() -> KwbGpkgOptions {
    KwbGpkgOptions::new(Indeling::new(2023))
        .with_levels(&[Level::Buurt])
        .with_water(true)
}

/// The bytes of [`three_buurten`], made once.
fn valid_file() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::read(three_buurten(dir.path())).unwrap()
    })
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec((0..EDIT_KINDS, any::<usize>(), any::<u32>()), 1..5)
}

/// Read `path`; check the layer or the error.
fn read_checked(path: &Path, rows_written: usize) -> Result<(), TestCaseError> {
    match read_kwb_geopackage(path, &options(), &catalogue()) {
        Ok(gpkg) => {
            prop_assert!(gpkg.table.rows <= rows_written);
            let layer = gpkg.layer(Level::Buurt).unwrap();
            let mut seen = HashSet::new();
            for f in &layer.features {
                prop_assert_eq!(f.code.level(), Level::Buurt);
                prop_assert!(seen.insert(f.code), "{} twice", f.code);
                prop_assert!(f.geometry_rd.is_valid(), "{}: invalid geometry", f.code);
                let area = f.geometry_rd.unsigned_area();
                prop_assert!(area.is_finite() && area > 0.0, "{}: area {}", f.code, area);
            }
            for o in &gpkg.table.observations {
                if let Value::Number(v) = o.value {
                    prop_assert!(v.is_finite(), "{}: {}", o.region, v);
                }
            }
        }
        Err(err) => {
            let message = err.to_string();
            prop_assert!(
                message.contains(&path.display().to_string()),
                "the error does not name the file: {}",
                message
            );
            if let IoError::GeoPackageCode { row, layer, .. } = &err {
                prop_assert!(
                    message.contains(&format!("row {row}")) && message.contains(layer.as_str()),
                    "{}",
                    message
                );
            }
        }
    }
    Ok(())
}

/// An attribute cell as SQLite may hold it in any column.
fn sql_value() -> impl Strategy<Value = SqlValue> {
    prop_oneof![
        Just(SqlValue::Null),
        any::<i64>().prop_map(SqlValue::Integer),
        prop::sample::select(vec![-99_997i64, -99_999_999, 0, 4_375]).prop_map(SqlValue::Integer),
        any::<f64>().prop_map(SqlValue::Real),
        "[ ]{0,3}(\\.|12,5|-99997|NaN|inf|1e309|[0-9]{1,25})[ ]{0,3}".prop_map(SqlValue::Text),
        any::<String>().prop_map(SqlValue::Text),
        prop::collection::vec(any::<u8>(), 0..16).prop_map(SqlValue::Blob),
    ]
}

/// A geometry cell: a damaged valid blob, arbitrary bytes, or no blob at all.
fn geometry_cell() -> impl Strategy<Value = SqlValue> {
    let polygon = (
        130_000.0f64..140_000.0,
        450_000.0f64..460_000.0,
        prop::sample::select(vec![1e-9, 1.0, 500.0, 1e12]),
    );
    prop_oneof![
        4 => (polygon, any::<bool>(), prop::option::of(edits())).prop_map(|((x, y, size), little, edits)| {
            let blob = encode(28992, &[square(x, y, size)], little);
            SqlValue::Blob(match edits {
                Some(e) => mutate(&blob, &e),
                None => blob,
            })
        }),
        1 => prop::collection::vec(any::<u8>(), 0..64).prop_map(SqlValue::Blob),
        1 => Just(SqlValue::Null),
        1 => "GP.{0,8}".prop_map(SqlValue::Text),
        1 => any::<i64>().prop_map(SqlValue::Integer),
    ]
}

fn code_cell() -> impl Strategy<Value = SqlValue> {
    prop_oneof![
        3 => "BU034401[0-9]{2}".prop_map(SqlValue::Text),
        1 => "(GM0344|WK034401|BU0344011|2023BU03440111| BU03440199 |03440199)".prop_map(SqlValue::Text),
        1 => any::<String>().prop_map(SqlValue::Text),
        1 => any::<i64>().prop_map(SqlValue::Integer),
        1 => Just(SqlValue::Null),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(CASES)))]

    /// The file's bytes damaged: SQLite's complaint, completed with the file.
    #[test]
    fn damaged_files_are_refused_naming_the_file(edits in edits()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wijkenbuurten_2023_v1.gpkg");
        std::fs::write(&path, mutate(valid_file(), &edits)).unwrap();
        // A damaged page may still hold a few rows more than were written: count generously.
        read_checked(&path, usize::MAX)?;
    }

    /// One more row with arbitrary cells.
    #[test]
    fn arbitrary_rows_are_read_or_refused(
        code in code_cell(),
        name in sql_value(),
        water in prop_oneof![Just(SqlValue::Text("JA".into())), Just(SqlValue::Text("NEE".into())), sql_value()],
        inwoners in sql_value(),
        hh in sql_value(),
        geom in geometry_cell(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wijkenbuurten_2023_v1.gpkg");
        std::fs::write(&path, valid_file()).unwrap();
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch("PRAGMA synchronous = OFF").unwrap();
        conn.execute(
            "INSERT INTO buurten (geom, buurtcode, buurtnaam, gemeentenaam, water, aantal_inwoners,
                 gemiddelde_huishoudsgrootte, omgevingsadressendichtheid) VALUES (?1, ?2, ?3, 'Utrecht', ?4, ?5, ?6, 1)",
            params![geom, code, name, water, inwoners, hh],
        )
        .unwrap();
        drop(conn);
        read_checked(&path, 4)?;
    }
}
