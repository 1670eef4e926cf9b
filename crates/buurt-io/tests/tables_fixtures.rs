//! Table loaders on small generated files: each format once as it should be, and the malformed
//! inputs a user may hand us (truncated workbook, wrong delimiter, bad code, bad value, missing
//! column), the latter as one table of cases.

mod support;

use std::path::Path;

use buurt_core::Value::Number;
use buurt_core::{AgeGroup, Catalogue, Indeling, MissingReason, RegionCode, Value};
use buurt_io::tables::{
    GemeenteNames, load_cbs_85994_csv, load_kwb_stacked_csv, load_rivm_50090_xlsx,
    load_rivm_50140_csv, load_vektis_csv,
};
use buurt_io::{IoError, TableDataset};
use support::fixtures::{
    EXCERPT, JSON, NABIJHEID, RIVM_50140, STACKED, TYPED, VEKTIS, kwb_rows, rivm_rows,
};
use support::loaders::{kwb_xlsx, nabijheid, statline_csv, statline_json, vektis};
use support::{X, assert_problem, assert_skipped, index, small_catalogue, write_xlsx};

const EMPTY: Value = Value::Missing(MissingReason::Empty);
const SUPPRESSED: Value = Value::Missing(MissingReason::Suppressed);
const NOT_MEASURED: Value = Value::Missing(MissingReason::NotMeasured);
const AMBIGUOUS: Value = Value::Missing(MissingReason::AmbiguousDecimal);

fn value(t: &TableDataset, code: &str, year: u16, indicator: u16) -> Value {
    let code: RegionCode = code.parse().expect("a region code");
    let hits: Vec<_> = t
        .observations
        .iter()
        .filter(|o| o.region == code && o.year == year && o.indicator == indicator)
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "{code} {year} indicator {indicator}: {hits:?}"
    );
    hits[0].value
}

/// Each `(code, year, indicator id, value)` is the one observation the table has there.
fn assert_values(t: &TableDataset, catalogue: &Catalogue, expected: &[(&str, u16, &str, Value)]) {
    for &(code, year, id, want) in expected {
        assert_eq!(
            value(t, code, year, index(catalogue, id)),
            want,
            "{code} {year} {id}"
        );
    }
}

/// How a fixture file is written.
enum Fixture {
    Text(String),
    Bytes(&'static [u8]),
    Xlsx(Vec<Vec<X<'static>>>),
}

impl Fixture {
    fn write(&self, path: &Path) {
        std::fs::create_dir_all(path.parent().expect("a file in a folder")).expect("a folder");
        match self {
            Fixture::Text(text) => std::fs::write(path, text).expect("write the fixture"),
            Fixture::Bytes(bytes) => std::fs::write(path, bytes).expect("write the fixture"),
            Fixture::Xlsx(rows) => write_xlsx(path, rows),
        }
    }
}

fn text(s: impl Into<String>) -> Fixture {
    Fixture::Text(s.into())
}

/// Write `fixture` as `name` in a fresh folder and load it with the small catalogue.
fn load_ok(name: &str, fixture: &Fixture, load: Loader) -> (TableDataset, Catalogue) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join(name);
    fixture.write(&path);
    let catalogue = small_catalogue();
    let t = load(&path, &catalogue).unwrap_or_else(|e| panic!("{name}: {e}"));
    (t, catalogue)
}

/// Write a text fixture into `dir`.
fn write(dir: &Path, name: &str, content: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    text(content).write(&path);
    path
}

type Loader = fn(&Path, &Catalogue) -> Result<TableDataset, IoError>;

#[test]
fn kwb_xlsx_reads_numbers_text_numbers_and_markers() {
    let rows = Fixture::Xlsx(kwb_rows(X::S("  1800"), "BU03440111"));
    let (t, catalogue) = load_ok("kwb.xlsx", &rows, kwb_xlsx);
    assert_eq!(t.id, "cbs_kwb_utrecht_2024");
    assert_eq!(t.rows, 3);
    assert_eq!(t.regions.len(), 3);
    assert_eq!(t.regions[1].name, "Wijk 01 West");
    assert!(
        t.regions
            .iter()
            .all(|r| r.key.indeling == Indeling::new(2024))
    );
    assert_values(
        &t,
        &catalogue,
        &[
            ("GM0344", 2024, "inwoners", Number(374_238.0)),
            ("WK034401", 2024, "inwoners", Number(29_710.0)),
            ("BU03440111", 2024, "inwoners", Number(1800.0)),
            ("GM0344", 2024, "jeugdzorg", SUPPRESSED),
            ("WK034401", 2024, "jeugdzorg", Number(9.6)),
            ("BU03440111", 2024, "jeugdzorg", EMPTY),
        ],
    );
    assert!(
        t.observations
            .iter()
            .all(|o| o.age_group == catalogue.indicators()[o.indicator as usize].age_group)
    );
    assert_eq!(t.unmapped_columns, vec!["a_man".to_owned()]);
}

#[test]
fn truncated_xlsx_is_an_xlsx_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.xlsx");
    write_xlsx(&whole, &kwb_rows(X::N(1800.0), "BU03440111"));
    let bytes = std::fs::read(&whole).unwrap();
    for keep in [bytes.len() / 2, bytes.len() - 10, 100] {
        let cut = dir.path().join(format!("cut_{keep}.xlsx"));
        std::fs::write(&cut, &bytes[..keep]).unwrap();
        let err = kwb_xlsx(&cut, &small_catalogue()).unwrap_err();
        assert!(matches!(err, IoError::Xlsx { .. }), "{keep} bytes: {err:?}");
        assert!(
            err.to_string().contains(&format!("cut_{keep}.xlsx")),
            "{err}"
        );
        let err = load_rivm_50090_xlsx(&cut, &small_catalogue()).unwrap_err();
        assert!(matches!(err, IoError::Xlsx { .. }), "{keep} bytes: {err:?}");
    }
    // A real workbook cut in half, where the data is present.
    if let Some(kwb) = support::data_dir("cbs_kwb_utrecht") {
        let bytes = std::fs::read(kwb.join("CBS-Utrecht-kwb-2024.xlsx")).unwrap();
        let cut = dir.path().join("real_cut.xlsx");
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        let err = kwb_xlsx(&cut, &small_catalogue()).unwrap_err();
        assert!(matches!(err, IoError::Xlsx { .. }), "{err:?}");
    }
    let err = kwb_xlsx(&dir.path().join("absent.xlsx"), &small_catalogue()).unwrap_err();
    assert!(
        matches!(err, IoError::Read { .. }) && err.to_string().contains("absent.xlsx"),
        "{err:?}"
    );
}

#[test]
fn rivm_xlsx_takes_year_and_age_group_from_the_rows() {
    let rows = Fixture::Xlsx(rivm_rows("80200", X::S("    13.9")));
    let (t, catalogue) = load_ok("rivm.xlsx", &rows, load_rivm_50090_xlsx);
    assert_eq!(t.id, "rivm_50090_utrecht_2020_65plus");
    assert_values(
        &t,
        &catalogue,
        &[
            ("GM0344", 2020, "mantelzorger_65plus", Number(13.9)),
            ("BU03440111", 2020, "mantelzorger_65plus", NOT_MEASURED),
        ],
    );
    // Only the 65+ indicator: 3 rows × 1 catalogued column.
    assert_eq!(t.observations.len(), 3);
    assert!(
        t.observations
            .iter()
            .all(|o| o.age_group == AgeGroup::Plus65 && o.indeling == Indeling::new(2020))
    );
    assert_eq!(
        t.regions
            .iter()
            .map(|r| r.name.as_str())
            .collect::<Vec<_>>(),
        ["Nederland", "Utrecht", ""]
    );
    assert!(t.unmapped_columns.contains(&"Eenzaam_28".to_owned()));
    // 18-64 is not in the small catalogue: a file of that age group maps nothing.
    let rows = Fixture::Xlsx(rivm_rows("53115", X::S("13.9")));
    let (t, _) = load_ok("rivm.xlsx", &rows, load_rivm_50090_xlsx);
    assert_eq!(t.rows, 3);
    assert!(t.observations.is_empty());
}

#[test]
fn statline_csv_matches_keys_without_suffix_and_keeps_empty() {
    let (t, catalogue) = load_ok("typed.csv", &text(TYPED), statline_csv);
    assert_eq!(t.rows, 3);
    assert_values(
        &t,
        &catalogue,
        &[
            ("GM0344", 2024, "inwoners", Number(374_238.0)),
            ("GM0344", 2024, "jeugdzorg", Number(7.6)),
            ("WK034401", 2024, "jeugdzorg", EMPTY),
            // A typed export keeps its decimal points: no repair, 8 stays 8.
            ("BU03440111", 2024, "jeugdzorg", Number(8.0)),
        ],
    );
    assert_eq!(t.regions[0].name, "Utrecht");
    assert_eq!(t.regions[2].name, "");
    assert!(t.unmapped_columns.contains(&"Mannen_6".to_owned()));
    // The household size column of the catalogue is absent: one problem, no error.
    assert_problem(&t, &["GemiddeldeHuishoudensgrootte"]);
}

#[test]
fn statline_json_reads_the_odata_value_array() {
    let (t, catalogue) = load_ok("typed.json", &text(JSON), statline_json);
    assert_values(
        &t,
        &catalogue,
        &[
            ("GM0344", 2024, "inwoners", Number(374_238.0)),
            ("BU03440111", 2024, "jeugdzorg", EMPTY),
        ],
    );
    assert_problem(&t, &["skip=10000"]);
    assert_eq!(t.regions[0].name, "Utrecht");
}

#[test]
fn stacked_csv_picks_each_years_column_and_restores_decimals() {
    let (t, catalogue) = load_ok("stacked.csv", &text(STACKED), load_kwb_stacked_csv);
    assert_eq!(t.id, "cbs_kwb_statline_almere_2018_2024");
    // Peildatum gives year and indeling: GM0034 is a region of both indelingen.
    assert_eq!(t.regions.len(), 7);
    assert!(
        t.regions
            .iter()
            .any(|r| r.key.indeling == Indeling::new(2018))
    );
    assert_values(
        &t,
        &catalogue,
        &[
            ("GM0034", 2018, "inwoners", Number(203_990.0)),
            // 96 with 1 decimal: the counts say 100 × 5805 / (38921 + 0.8 × 26492) = 9.7 %.
            ("GM0034", 2018, "jeugdzorg", Number(9.6)),
            // 117 % is impossible: 11.7.
            ("GM0034", 2024, "jeugdzorg", Number(11.7)),
            ("BU00340101", 2024, "jeugdzorg", Number(22.8)),
            // 15 with 5 of 280 young people (1.8 %): 1.5; with 40 of 280 (14.3 %): 15.
            ("BU00340101", 2018, "jeugdzorg", Number(1.5)),
            ("BU00340102", 2018, "jeugdzorg", Number(15.0)),
            // No count to check against: ambiguous, kept as missing with its reason.
            ("BU00340103", 2018, "jeugdzorg", AMBIGUOUS),
            // Ends in 0: written as an integer.
            ("BU00340104", 2018, "jeugdzorg", Number(30.0)),
            // Household size: inhabitants / households decides (2.2, 2.0, 2.5, 2.3 for the
            // buurten).
            ("BU00340101", 2018, "huishoudensgrootte", Number(2.2)),
            ("BU00340102", 2018, "huishoudensgrootte", Number(2.0)),
            ("GM0034", 2024, "huishoudensgrootte", Number(2.3)),
        ],
    );
    let report: Vec<_> = t
        .problems
        .iter()
        .map(|p| format!("{}: {}", p.location, p.message))
        .collect();
    let jz_2018 = report
        .iter()
        .find(|p| p.contains("PercentageJongerenMetJeugdzorg_85") && p.contains("2018"))
        .unwrap_or_else(|| panic!("{report:#?}"));
    assert!(
        jz_2018.contains("5 values")
            && jz_2018.contains("1 ambiguous")
            && jz_2018.contains("BU00340103 raw 15"),
        "{jz_2018}"
    );
}

#[test]
fn rivm_50140_keeps_gemeenten_and_reports_ggd_rows_once() {
    let (t, catalogue) = load_ok("50140.csv", &text(RIVM_50140), load_rivm_50140_csv);
    assert_eq!(t.rows, 3);
    assert_values(
        &t,
        &catalogue,
        &[
            ("GM0344", 2024, "mantelzorger_16_25", Number(3.9)),
            ("GM0014", 2024, "mantelzorger_16_25", EMPTY),
            ("NL01", 2024, "mantelzorger_16_25", Number(4.1)),
        ],
    );
    assert!(
        t.observations
            .iter()
            .all(|o| o.age_group == AgeGroup::Van16Tot25 && o.indeling == Indeling::new(2024))
    );
    assert_skipped(&t, &["1 with key CG", "2 with key GG"]);
}

#[test]
fn cbs_85994_filters_long_rows_by_the_catalogue() {
    let (t, catalogue) = load_ok("85994.csv", &text(EXCERPT), load_cbs_85994_csv);
    assert_eq!(t.rows, 4);
    assert_eq!(t.observations.len(), 2);
    assert_values(
        &t,
        &catalogue,
        &[
            ("GM0344", 2024, "clienten_alleen_jeugd", Number(8970.0)),
            ("WK034401", 2024, "clienten_alleen_jeugd", SUPPRESSED),
        ],
    );
    assert!(
        t.unmapped_columns
            .contains(&"huishoudens_met_voorzieningen".to_owned())
    );
}

#[test]
fn nabijheid_reads_hierarchical_headers_and_padded_values() {
    let (t, catalogue) = load_ok("nabijheid.csv", &text(NABIJHEID), nabijheid);
    assert_values(
        &t,
        &catalogue,
        &[
            ("NL01", 2023, "afstand_huisarts", SUPPRESSED),
            ("WK034401", 2023, "afstand_huisarts", Number(0.6)),
        ],
    );
    assert_eq!(t.regions[2].name, "Wijk 01 West");
    assert_eq!(t.unmapped_columns.len(), 2, "{:?}", t.unmapped_columns);
}

#[test]
fn vektis_resolves_names_and_reports_the_rest() {
    let (t, catalogue) = load_ok("breakdown.csv", &text(VEKTIS), vektis);
    assert_values(
        &t,
        &catalogue,
        &[
            ("GM0344", 2023, "zvw_huisarts_per_verzekerde", Number(305.1)),
            ("GM0518", 2023, "zvw_huisarts_per_verzekerde", Number(290.0)),
            ("GM0164", 2023, "zvw_huisarts_per_verzekerde", Number(280.0)),
            ("GM0893", 2023, "zvw_huisarts_per_verzekerde", Number(310.0)),
        ],
    );
    assert_eq!(t.observations.len(), 4);
    assert!(
        t.regions
            .iter()
            .all(|r| r.key.indeling == Indeling::new(2023))
    );
    assert_eq!(t.regions[0].name, "UTRECHT");
    assert_eq!(t.problems.len(), 1, "{:?}", t.problems);
    assert!(t.problems[0].message.contains("ATLANTIS") && t.problems[0].location.contains("row 7"));
}

/// A malformed input and what its error must say.
struct Bad {
    /// The file name (some cases check that the error names it).
    file: &'static str,
    fixture: Fixture,
    load: Loader,
    /// The kind of error (and its fields) expected; any kind unless set.
    is: fn(&IoError) -> bool,
    /// Texts the message must contain.
    says: &'static [&'static str],
}

fn bad(file: &'static str, fixture: Fixture, load: Loader) -> Bad {
    Bad {
        file,
        fixture,
        load,
        is: |_| true,
        says: &[],
    }
}

impl Bad {
    fn is(self, is: fn(&IoError) -> bool) -> Self {
        Self { is, ..self }
    }

    fn says(self, says: &'static [&'static str]) -> Self {
        Self { says, ..self }
    }
}

fn missing_column(err: &IoError) -> bool {
    matches!(err, IoError::MissingColumn { .. })
}

fn bad_inputs() -> Vec<Bad> {
    let kwb = |inw: X<'static>, code: &'static str| Fixture::Xlsx(kwb_rows(inw, code));
    let kwb_edited = |edit: fn(&mut Vec<Vec<X<'static>>>)| {
        let mut rows = kwb_rows(X::N(1800.0), "BU03440111");
        edit(&mut rows);
        Fixture::Xlsx(rows)
    };
    let rivm =
        |age: &'static str, carers: &'static str| Fixture::Xlsx(rivm_rows(age, X::S(carers)));
    let typed = |from: &str, to: &str| text(TYPED.replace(from, to));
    vec![
        // kwb xlsx: a buurt code one digit short, a number with a unit, a wijk code on a Buurt
        // row, the level column renamed.
        bad("kwb.xlsx", kwb(X::N(1800.0), "BU0344011"), kwb_xlsx)
            .is(|e| matches!(e, IoError::BadCode { row: 4, .. }))
            .says(&["kwb.xlsx", "row 4", "gwb_code_10", "BU0344011"]),
        bad("kwb.xlsx", kwb(X::S("1.800 inw"), "BU03440111"), kwb_xlsx)
            .is(|e| {
                matches!(e, IoError::BadValue { row: 4, column, text, .. }
                    if column == "a_inw" && text == "1.800 inw")
            })
            .says(&["row 4, column 'a_inw': '1.800 inw'"]),
        bad(
            "kwb.xlsx",
            kwb_edited(|r| r[2][2] = X::S("Buurt")),
            kwb_xlsx,
        )
        .says(&["row 3", "WK034401", "Buurt"]),
        bad(
            "kwb.xlsx",
            kwb_edited(|r| r[0][2] = X::S("soort")),
            kwb_xlsx,
        )
        .is(|e| {
            matches!(e, IoError::MissingColumn { column, found, .. }
                if column == "recs" && found.contains("'soort'"))
        }),
        // rivm 50090 xlsx: an unknown age code; a percentage with a comma and a sign.
        bad("rivm.xlsx", rivm("99999", "13.9"), load_rivm_50090_xlsx)
            .says(&["row 2", "Leeftijd", "99999"]),
        bad("rivm.xlsx", rivm("80200", "13,9%"), load_rivm_50090_xlsx).says(&[
            "row 3",
            "Mantelzorger_32",
            "13,9%",
        ]),
        // A StatLine export with commas, read by three loaders: the header shows why.
        bad("comma.csv", typed(";", ","), statline_csv).is(|e| {
            matches!(e, IoError::MissingColumn { column, found, .. }
                if column.contains("WijkenEnBuurten")
                    && found.contains("'ID,WijkenEnBuurten,Gemeentenaam_1"))
        }),
        bad("comma.csv", typed(";", ","), load_rivm_50140_csv).is(missing_column),
        bad("comma.csv", typed(";", ","), load_kwb_stacked_csv).is(missing_column),
        // statline csv: a short code, a number with a unit, a cut-off last line (5 of 7 fields),
        // Latin-1, a region twice.
        bad("code.csv", typed("BU03440111", "BU0344011 "), statline_csv)
            .is(|e| matches!(e, IoError::BadCode { row: 4, .. }))
            .says(&["BU0344011", "WijkenEnBuurten"]),
        bad("value.csv", typed(";29710;", ";29 710 inw;"), statline_csv)
            .says(&["row 3, column 'AantalInwoners_5': '29 710 inw'"]),
        bad("cut.csv", text(&TYPED[..TYPED.len() - 8]), statline_csv)
            .is(|e| {
                matches!(
                    e,
                    IoError::RaggedRecord {
                        line: 4,
                        fields: 5,
                        expected: 7,
                        ..
                    }
                )
            })
            .says(&["cut.csv, line 4: 5 fields where the header has 7"]),
        bad(
            "latin1.csv",
            Fixture::Bytes(b"ID;RegioS;AantalInwoners_5\n0;GM0344;\xe9\n"),
            statline_csv,
        )
        .is(|e| matches!(e, IoError::Csv { line: 2, .. })),
        bad(
            "twice.csv",
            text(format!("{TYPED}3;GM0344    ;Utrecht;Gemeente;1;1;1\n")),
            statline_csv,
        )
        .says(&["row 5", "GM0344"]),
        // statline json: a word for a number, cut in half, no value array, no region key.
        bad(
            "bad.json",
            text(r#"{"value":[{"WijkenEnBuurten":"GM0344","AantalInwoners_5":"veel"}]}"#),
            statline_json,
        )
        .says(&["row 1, column 'AantalInwoners_5': 'veel'"]),
        bad("cut.json", text(&JSON[..JSON.len() / 2]), statline_json)
            .is(|e| matches!(e, IoError::JsonSyntax { .. }))
            .says(&["cut.json"]),
        bad("obj.json", text(r#"{"d":[]}"#), statline_json).says(&["\"value\" array"]),
        bad(
            "nokey.json",
            text(r#"{"value":[{"Regio":"GM0344","AantalInwoners_5":1}]}"#),
            statline_json,
        )
        .is(missing_column),
        // stacked csv: a Peildatum that is not d-m-yyyy; a typed export without Peildatum.
        bad(
            "stacked.csv",
            text(STACKED.replace("1-1-2024", "2024-01-01")),
            load_kwb_stacked_csv,
        )
        .says(&["row 7", "Peildatum", "2024-01-01"]),
        bad("typed.csv", text(TYPED), load_kwb_stacked_csv)
            .is(|e| matches!(e, IoError::MissingColumn { column, .. } if column == "Peildatum")),
        // rivm 50140: a code that is neither a CBS nor a GGD region.
        bad(
            "bad.csv",
            text(RIVM_50140.replace("GM0014", "XY0014")),
            load_rivm_50140_csv,
        )
        .says(&["row 7", "XY0014"]),
        // 85994: two rows for one filter, both named; semicolons.
        bad(
            "twice.csv",
            text(format!(
                "{EXCERPT}85994NED,Totaal,Alleen Jeugd,Utrecht,GM0344,2024,1,1\n"
            )),
            load_cbs_85994_csv,
        )
        .says(&["row 6", "row 3", "GM0344"]),
        bad(
            "semi.csv",
            text(EXCERPT.replace(',', ";")),
            load_cbs_85994_csv,
        )
        .is(|e| matches!(e, IoError::MissingColumn { column, .. } if column == "regio_code")),
        // nabijheid: a decimal comma and a unit.
        bad(
            "bad.csv",
            text(NABIJHEID.replace("     0.6\";\"     0.5", "     0,6 km\";\"     0.5")),
            nabijheid,
        )
        .says(&["row 4", "Afstand tot huisartsenpraktijk (km)", "0,6 km"]),
        // vektis without the gemeentenaam column.
        bad(
            "noname.csv",
            text(VEKTIS.replace("gemeentenaam", "gemeente")),
            vektis,
        )
        .is(|e| {
            matches!(e, IoError::MissingColumn { column, found, .. }
                if column == "gemeentenaam" && found.contains("'gemeente'"))
        }),
    ]
}

#[test]
fn malformed_inputs_are_errors_naming_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let catalogue = small_catalogue();
    let cases = bad_inputs();
    assert_eq!(cases.len(), 25, "a case went missing");
    let mut failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        // One folder per case: the file name stays as the case gives it.
        let path = dir.path().join(i.to_string()).join(case.file);
        case.fixture.write(&path);
        let name = format!("case {i} ({})", case.file);
        match (case.load)(&path, &catalogue) {
            Ok(t) => failures.push(format!("{name}: loaded {} rows", t.rows)),
            Err(err) => {
                if !(case.is)(&err) {
                    failures.push(format!("{name}: another error: {err:?}"));
                }
                let message = err.to_string();
                for part in case.says {
                    if !message.contains(part) {
                        failures.push(format!("{name}: {message:?} lacks {part:?}"));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn long_tables_serve_only_filtered_sources() {
    let mut ids = support::SMALL_IDS.to_vec();
    ids.push("zvw_kosten_per_verzekerde");
    let catalogue = buurt_core::test_support::small_catalogue(&ids);
    let names = GemeenteNames::new([("Utrecht", "GM0344".parse().unwrap())]);
    let dir = tempfile::tempdir().unwrap();
    // (file, content, the one indicator it serves and its value, what the problem names)
    let cases = [
        (
            "breakdown.csv",
            "gemeentenaam,care_category,actual_cost_per_insured_year\nUTRECHT,General practice,261.0\nUTRECHT,Pharmacy,400\n",
            "zvw_huisarts_per_verzekerde",
            261.0,
            [
                "no filter, but the file has several rows per region",
                "zvw_kosten_per_verzekerde",
            ],
        ),
        (
            "benchmark.csv",
            "gemeentenaam,actual_cost_per_insured_year\nUTRECHT,2658.8\n",
            "zvw_kosten_per_verzekerde",
            2658.8,
            ["a filter column is not in the file", "care_category"],
        ),
    ];
    for (file, content, id, number, problem) in cases {
        let t = load_vektis_csv(&write(dir.path(), file, content), &names, &catalogue).unwrap();
        assert_eq!(t.observations.len(), 1, "{file}");
        assert_values(&t, &catalogue, &[("GM0344", 2023, id, Number(number))]);
        assert_problem(&t, &problem);
    }
}

#[test]
fn stacked_csv_tells_repeated_keys_apart_by_occurrence() {
    use std::fmt::Write as _;
    let mut toml = String::new();
    for (id, occurrence) in [
        ("herkomst_nl", "occurrence = 1"),
        ("geboren_nl", "occurrence = 2"),
        ("onbepaald_nl", ""),
    ] {
        let _ = write!(
            toml,
            "[[indicator]]\nid = \"{id}\"\nlabel_nl = \"x\"\nlabel_en = \"x\"\ntheme = \"demografie\"\nunit = \"count\"\npolarity = \"neutral\"\naggregation = \"sum\"\n[[indicator.source]]\ntable = \"cbs_kwb_statline\"\ncolumn = \"Nederland\"\n{occurrence}\n"
        );
    }
    let catalogue = Catalogue::from_toml_str(&toml).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "repeated.csv",
        "\u{feff}ID;Peildatum;WijkenEnBuurten;SoortRegio_2;Nederland_17;Nederland_20\n1;1-1-2023;GM0034    ;Gemeente  ;150000;160000\n",
    );
    let t = load_kwb_stacked_csv(&path, &catalogue).unwrap();
    assert_eq!(value(&t, "GM0034", 2023, 0), Number(150_000.0));
    assert_eq!(value(&t, "GM0034", 2023, 1), Number(160_000.0));
    // Without an occurrence the key stays ambiguous: not loaded, and reported.
    assert!(t.observations.iter().all(|o| o.indicator != 2));
    assert_problem(&t, &["onbepaald_nl"]);
}
