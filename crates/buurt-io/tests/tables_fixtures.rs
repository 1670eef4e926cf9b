//! Table loaders on small generated files: each format once as it should be, and the malformed
//! inputs a user may hand us (truncated workbook, wrong delimiter, bad code, bad value, missing
//! column).

mod support;

use std::path::{Path, PathBuf};

use buurt_core::{AgeGroup, Indeling, MissingReason, RegionCode, SourceTable, Value};
use buurt_io::tables::{
    GemeenteNames, Vintage, load_cbs_85994_csv, load_kwb_stacked_csv, load_kwb_xlsx,
    load_nabijheid_csv, load_rivm_50090_xlsx, load_rivm_50140_csv, load_statline_csv,
    load_statline_json, load_vektis_csv,
};
use buurt_io::{IoError, TableDataset};
use support::{X, index, small_catalogue, write_xlsx};

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

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the fixture");
    path
}

fn kwb_rows<'a>(inw_buurt: X<'a>, code: &'a str) -> Vec<Vec<X<'a>>> {
    vec![
        vec![
            X::S("gwb_code_10"),
            X::S("regio"),
            X::S("recs"),
            X::S("a_inw"),
            X::S("p_jz_tn"),
            X::S("a_man"),
        ],
        vec![
            X::S("GM0344"),
            X::S("Utrecht"),
            X::S("Gemeente"),
            X::N(374_238.0),
            X::S("."),
            X::N(1.0),
        ],
        vec![
            X::S("WK034401"),
            X::S("Wijk 01 West "),
            X::S("Wijk"),
            X::S("29710"),
            X::N(9.6),
            X::N(1.0),
        ],
        vec![
            X::S(code),
            X::S("Welgelegen, Den Hommel"),
            X::S("Buurt"),
            inw_buurt,
            X::E,
            X::N(1.0),
        ],
    ]
}

#[test]
fn kwb_xlsx_reads_numbers_text_numbers_and_markers() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kwb.xlsx");
    write_xlsx(&path, &kwb_rows(X::S("  1800"), "BU03440111"));
    let catalogue = small_catalogue();
    let t = load_kwb_xlsx(&path, 2024, &catalogue).unwrap();
    let inw = index(&catalogue, "inwoners");
    let jz = index(&catalogue, "jeugdzorg");
    assert_eq!(t.id, "cbs_kwb_utrecht_2024");
    assert_eq!(t.rows, 3);
    assert_eq!(t.regions.len(), 3);
    assert_eq!(t.regions[1].name, "Wijk 01 West");
    assert!(
        t.regions
            .iter()
            .all(|r| r.key.indeling == Indeling::new(2024))
    );
    assert_eq!(value(&t, "GM0344", 2024, inw), Value::Number(374_238.0));
    assert_eq!(value(&t, "WK034401", 2024, inw), Value::Number(29_710.0));
    assert_eq!(value(&t, "BU03440111", 2024, inw), Value::Number(1800.0));
    assert_eq!(
        value(&t, "GM0344", 2024, jz),
        Value::Missing(MissingReason::Suppressed)
    );
    assert_eq!(value(&t, "WK034401", 2024, jz), Value::Number(9.6));
    assert_eq!(
        value(&t, "BU03440111", 2024, jz),
        Value::Missing(MissingReason::Empty)
    );
    assert!(
        t.observations
            .iter()
            .all(|o| o.age_group == catalogue.indicators()[o.indicator as usize].age_group)
    );
    assert_eq!(t.unmapped_columns, vec!["a_man".to_owned()]);
}

#[test]
fn kwb_xlsx_names_row_and_code_of_a_bad_region_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kwb.xlsx");
    write_xlsx(&path, &kwb_rows(X::N(1800.0), "BU0344011"));
    let err = load_kwb_xlsx(&path, 2024, &small_catalogue()).unwrap_err();
    assert!(matches!(err, IoError::BadCode { row: 4, .. }), "{err:?}");
    let msg = err.to_string();
    assert!(
        msg.contains("kwb.xlsx")
            && msg.contains("row 4")
            && msg.contains("gwb_code_10")
            && msg.contains("BU0344011"),
        "{msg}"
    );
}

#[test]
fn kwb_xlsx_names_row_column_and_text_of_a_bad_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kwb.xlsx");
    write_xlsx(&path, &kwb_rows(X::S("1.800 inw"), "BU03440111"));
    let err = load_kwb_xlsx(&path, 2024, &small_catalogue()).unwrap_err();
    match &err {
        IoError::BadValue {
            row, column, text, ..
        } => {
            assert_eq!(
                (*row, column.as_str(), text.as_str()),
                (4, "a_inw", "1.800 inw")
            );
        }
        other => panic!("expected BadValue, got {other:?}"),
    }
    assert!(
        err.to_string()
            .contains("row 4, column 'a_inw': '1.800 inw'"),
        "{err}"
    );
}

#[test]
fn kwb_xlsx_refuses_a_level_that_contradicts_the_code() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kwb.xlsx");
    let mut rows = kwb_rows(X::N(1800.0), "BU03440111");
    rows[2][2] = X::S("Buurt");
    write_xlsx(&path, &rows);
    let err = load_kwb_xlsx(&path, 2024, &small_catalogue())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("row 3") && err.contains("WK034401") && err.contains("Buurt"),
        "{err}"
    );
}

#[test]
fn kwb_xlsx_refuses_a_missing_required_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kwb.xlsx");
    let mut rows = kwb_rows(X::N(1800.0), "BU03440111");
    rows[0][2] = X::S("soort");
    write_xlsx(&path, &rows);
    let err = load_kwb_xlsx(&path, 2024, &small_catalogue()).unwrap_err();
    match &err {
        IoError::MissingColumn { column, found, .. } => {
            assert_eq!(column, "recs");
            assert!(found.contains("'soort'"), "{found}");
        }
        other => panic!("expected MissingColumn, got {other:?}"),
    }
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
        let err = load_kwb_xlsx(&cut, 2024, &small_catalogue()).unwrap_err();
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
        let err = load_kwb_xlsx(&cut, 2024, &small_catalogue()).unwrap_err();
        assert!(matches!(err, IoError::Xlsx { .. }), "{err:?}");
    }
    let err = load_kwb_xlsx(&dir.path().join("absent.xlsx"), 2024, &small_catalogue()).unwrap_err();
    assert!(
        matches!(err, IoError::Read { .. }) && err.to_string().contains("absent.xlsx"),
        "{err:?}"
    );
}

fn rivm_rows<'a>(age: &'a str, mantelzorger: X<'a>) -> Vec<Vec<X<'a>>> {
    let head = [
        "ID",
        "Leeftijd",
        "Marges",
        "WijkenEnBuurten",
        "Perioden",
        "Gemeentenaam_1",
        "SoortRegio_2",
        "Codering_3",
        "Eenzaam_28",
        "Mantelzorger_32",
    ];
    vec![
        head.iter().map(|h| X::S(h)).collect(),
        vec![
            X::N(1.0),
            X::S(age),
            X::S("MW00000"),
            X::S("NL01      "),
            X::S("2020JJ00"),
            X::S("Nederland   "),
            X::S("Land      "),
            X::S("NL01"),
            X::S("    49.5"),
            X::S("    14.6"),
        ],
        vec![
            X::N(2.0),
            X::S(age),
            X::S("MW00000"),
            X::S("GM0344    "),
            X::S("2020JJ00"),
            X::S("Utrecht     "),
            X::S("Gemeente  "),
            X::S("GM0344"),
            X::S("    53.3"),
            mantelzorger,
        ],
        vec![
            X::N(3.0),
            X::S(age),
            X::S("MW00000"),
            X::S("BU03440111"),
            X::S("2020JJ00"),
            X::S("Utrecht     "),
            X::S("Buurt     "),
            X::S("BU03440111"),
            X::S("       ."),
            X::E,
        ],
    ]
}

#[test]
fn rivm_xlsx_takes_year_and_age_group_from_the_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rivm.xlsx");
    write_xlsx(&path, &rivm_rows("80200", X::S("    13.9")));
    let catalogue = small_catalogue();
    let t = load_rivm_50090_xlsx(&path, &catalogue).unwrap();
    let m65 = index(&catalogue, "mantelzorger_65plus");
    assert_eq!(t.id, "rivm_50090_utrecht_2020_65plus");
    assert_eq!(value(&t, "GM0344", 2020, m65), Value::Number(13.9));
    assert_eq!(
        value(&t, "BU03440111", 2020, m65),
        Value::Missing(MissingReason::NotMeasured)
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
    write_xlsx(&path, &rivm_rows("53115", X::S("13.9")));
    let t = load_rivm_50090_xlsx(&path, &catalogue).unwrap();
    assert_eq!(t.rows, 3);
    assert!(t.observations.is_empty());
}

#[test]
fn rivm_xlsx_refuses_unknown_age_codes_and_bad_values() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rivm.xlsx");
    write_xlsx(&path, &rivm_rows("99999", X::S("13.9")));
    let err = load_rivm_50090_xlsx(&path, &small_catalogue())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("row 2") && err.contains("Leeftijd") && err.contains("99999"),
        "{err}"
    );
    write_xlsx(&path, &rivm_rows("80200", X::S("13,9%")));
    let err = load_rivm_50090_xlsx(&path, &small_catalogue())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("row 3") && err.contains("Mantelzorger_32") && err.contains("13,9%"),
        "{err}"
    );
}

const TYPED: &str = "\u{feff}ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;AantalInwoners_5;PercentageJongerenMetJeugdzorg_92;Mannen_6\n\
0;GM0344    ;Utrecht                                 ;Gemeente  ;374238;7.6;1\n\
1;WK034401  ;Utrecht                                 ;Wijk      ;29710;;1\n\
2;BU03440111;Utrecht                                 ;Buurt     ;1800;8;1\n";

#[test]
fn statline_csv_matches_keys_without_suffix_and_keeps_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "typed.csv", TYPED);
    let catalogue = small_catalogue();
    let t = load_statline_csv(
        &path,
        SourceTable::CbsKwbStatline,
        Vintage::new(2024),
        &catalogue,
    )
    .unwrap();
    let inw = index(&catalogue, "inwoners");
    let jz = index(&catalogue, "jeugdzorg");
    assert_eq!(t.rows, 3);
    assert_eq!(value(&t, "GM0344", 2024, inw), Value::Number(374_238.0));
    assert_eq!(value(&t, "GM0344", 2024, jz), Value::Number(7.6));
    assert_eq!(
        value(&t, "WK034401", 2024, jz),
        Value::Missing(MissingReason::Empty)
    );
    // A typed export keeps its decimal points: no repair, 8 stays 8.
    assert_eq!(value(&t, "BU03440111", 2024, jz), Value::Number(8.0));
    assert_eq!(t.regions[0].name, "Utrecht");
    assert_eq!(t.regions[2].name, "");
    assert!(t.unmapped_columns.contains(&"Mannen_6".to_owned()));
    // The household size column of the catalogue is absent: one problem, no error.
    assert!(
        t.problems
            .iter()
            .any(|p| p.message.contains("GemiddeldeHuishoudensgrootte")),
        "{:?}",
        t.problems
    );
}

#[test]
fn statline_csv_with_a_comma_is_a_missing_column_showing_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "comma.csv", &TYPED.replace(';', ","));
    let err = load_statline_csv(
        &path,
        SourceTable::CbsKwbStatline,
        Vintage::new(2024),
        &small_catalogue(),
    )
    .unwrap_err();
    match &err {
        IoError::MissingColumn { column, found, .. } => {
            assert!(column.contains("WijkenEnBuurten"), "{column}");
            assert!(
                found.contains("'ID,WijkenEnBuurten,Gemeentenaam_1"),
                "{found}"
            );
        }
        other => panic!("expected MissingColumn, got {other:?}"),
    }
    let err = load_rivm_50140_csv(&path, &small_catalogue()).unwrap_err();
    assert!(matches!(err, IoError::MissingColumn { .. }), "{err:?}");
    let err = load_kwb_stacked_csv(&path, &small_catalogue()).unwrap_err();
    assert!(matches!(err, IoError::MissingColumn { .. }), "{err:?}");
}

#[test]
fn statline_csv_errors_name_row_column_and_code() {
    let dir = tempfile::tempdir().unwrap();
    let catalogue = small_catalogue();
    let bad_code = write(
        dir.path(),
        "code.csv",
        &TYPED.replace("BU03440111", "BU0344011 "),
    );
    let err = load_statline_csv(
        &bad_code,
        SourceTable::CbsKwbStatline,
        Vintage::new(2024),
        &catalogue,
    )
    .unwrap_err();
    assert!(matches!(err, IoError::BadCode { row: 4, .. }), "{err:?}");
    assert!(
        err.to_string().contains("BU0344011") && err.to_string().contains("WijkenEnBuurten"),
        "{err}"
    );
    let bad_value = write(
        dir.path(),
        "value.csv",
        &TYPED.replace(";29710;", ";29 710 inw;"),
    );
    let err = load_statline_csv(
        &bad_value,
        SourceTable::CbsKwbStatline,
        Vintage::new(2024),
        &catalogue,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("row 3, column 'AantalInwoners_5': '29 710 inw'"),
        "{err}"
    );
    // A cut-off last line: 5 of 7 fields.
    let cut = write(dir.path(), "cut.csv", &TYPED[..TYPED.len() - 8]);
    let err = load_statline_csv(
        &cut,
        SourceTable::CbsKwbStatline,
        Vintage::new(2024),
        &catalogue,
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            IoError::RaggedRecord {
                line: 4,
                fields: 5,
                expected: 7,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .contains("cut.csv, line 4: 5 fields where the header has 7"),
        "{err}"
    );
    let latin1 = dir.path().join("latin1.csv");
    std::fs::write(&latin1, b"ID;RegioS;AantalInwoners_5\n0;GM0344;\xe9\n").unwrap();
    let err = load_statline_csv(
        &latin1,
        SourceTable::CbsKwbStatline,
        Vintage::new(2024),
        &catalogue,
    )
    .unwrap_err();
    assert!(matches!(err, IoError::Csv { line: 2, .. }), "{err:?}");
    let twice = write(
        dir.path(),
        "twice.csv",
        &format!("{TYPED}3;GM0344    ;Utrecht;Gemeente;1;1;1\n"),
    );
    let err = load_statline_csv(
        &twice,
        SourceTable::CbsKwbStatline,
        Vintage::new(2024),
        &catalogue,
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("row 5") && err.to_string().contains("GM0344"),
        "{err}"
    );
}

#[test]
fn statline_json_reads_the_odata_value_array() {
    let dir = tempfile::tempdir().unwrap();
    let json = r#"{"odata.metadata":"https://opendata.cbs.nl/ODataApi/odata/85984NED/$metadata#Cbs.OData.WebAPI.TypedDataSet",
      "value":[
        {"ID":0,"WijkenEnBuurten":"GM0344    ","Gemeentenaam_1":"Utrecht   ","SoortRegio_2":"Gemeente  ","AantalInwoners_5":374238,"PercentageJongerenMetJeugdzorg_92":7.6},
        {"ID":1,"WijkenEnBuurten":"BU03440111","Gemeentenaam_1":"Utrecht   ","SoortRegio_2":"Buurt     ","AantalInwoners_5":1800,"PercentageJongerenMetJeugdzorg_92":null}
      ],
      "odata.nextLink":"https://opendata.cbs.nl/ODataApi/odata/85984NED/TypedDataSet?$skip=10000"}"#;
    let path = write(dir.path(), "typed.json", json);
    let catalogue = small_catalogue();
    let t = load_statline_json(
        &path,
        SourceTable::CbsKwbStatline,
        Vintage::new(2024),
        &catalogue,
    )
    .unwrap();
    assert_eq!(
        value(&t, "GM0344", 2024, index(&catalogue, "inwoners")),
        Value::Number(374_238.0)
    );
    assert_eq!(
        value(&t, "BU03440111", 2024, index(&catalogue, "jeugdzorg")),
        Value::Missing(MissingReason::Empty)
    );
    assert!(
        t.problems.iter().any(|p| p.message.contains("skip=10000")),
        "{:?}",
        t.problems
    );
    assert_eq!(t.regions[0].name, "Utrecht");

    let bad = write(
        dir.path(),
        "bad.json",
        r#"{"value":[{"WijkenEnBuurten":"GM0344","AantalInwoners_5":"veel"}]}"#,
    );
    let err = load_statline_json(
        &bad,
        SourceTable::CbsKwbStatline,
        Vintage::new(2024),
        &catalogue,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("row 1, column 'AantalInwoners_5': 'veel'"),
        "{err}"
    );
    let truncated = write(dir.path(), "cut.json", &json[..json.len() / 2]);
    let err = load_statline_json(
        &truncated,
        SourceTable::CbsKwbStatline,
        Vintage::new(2024),
        &catalogue,
    )
    .unwrap_err();
    assert!(
        matches!(err, IoError::JsonSyntax { .. }) && err.to_string().contains("cut.json"),
        "{err:?}"
    );
    let no_array = write(dir.path(), "obj.json", r#"{"d":[]}"#);
    let err = load_statline_json(
        &no_array,
        SourceTable::CbsKwbStatline,
        Vintage::new(2024),
        &catalogue,
    )
    .unwrap_err();
    assert!(err.to_string().contains("\"value\" array"), "{err}");
    let no_key = write(
        dir.path(),
        "nokey.json",
        r#"{"value":[{"Regio":"GM0344","AantalInwoners_5":1}]}"#,
    );
    let err = load_statline_json(
        &no_key,
        SourceTable::CbsKwbStatline,
        Vintage::new(2024),
        &catalogue,
    )
    .unwrap_err();
    assert!(matches!(err, IoError::MissingColumn { .. }), "{err:?}");
}

/// A stacked export: two years, each with its own OData suffix, decimal points stripped.
const STACKED: &str = "\u{feff}ID;Peildatum;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;AantalInwoners_5;k_0Tot15Jaar_8;k_15Tot25Jaar_9;HuishoudensTotaal_29;GemiddeldeHuishoudensgrootte_32;GemiddeldeHuishoudensgrootte_33;JongerenMetJeugdzorgInNatura_84;PercentageJongerenMetJeugdzorg_85;JongerenMetJeugdzorgInNatura_91;PercentageJongerenMetJeugdzorg_92\n\
1;1-1-2018;GM0034    ;Almere                                  ;Gemeente  ;203990;38921;26492;85000;24;;5805;96;;\n\
2;1-1-2018;BU00340101;Almere                                  ;Buurt     ;1000;200;100;450;22;;5;15;;\n\
3;1-1-2018;BU00340102;Almere                                  ;Buurt     ;1000;200;100;500;2;;40;15;;\n\
4;1-1-2018;BU00340103;Almere                                  ;Buurt     ;1000;200;100;400;25;;;15;;\n\
5;1-1-2018;BU00340104;Almere                                  ;Buurt     ;1000;200;100;420;23;;;30;;\n\
6;1-1-2024;GM0034    ;Almere                                  ;Gemeente  ;222000;40000;29000;95000;;23;;;7400;117\n\
7;1-1-2024;BU00340101;Almere                                  ;Buurt     ;900;;;400;;21;;;;228\n";

#[test]
fn stacked_csv_picks_each_years_column_and_restores_decimals() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "stacked.csv", STACKED);
    let catalogue = small_catalogue();
    let t = load_kwb_stacked_csv(&path, &catalogue).unwrap();
    let jz = index(&catalogue, "jeugdzorg");
    let hh = index(&catalogue, "huishoudensgrootte");
    let inw = index(&catalogue, "inwoners");
    assert_eq!(t.id, "cbs_kwb_statline_almere_2018_2024");
    // Peildatum gives year and indeling: GM0034 is a region of both indelingen.
    assert_eq!(t.regions.len(), 7);
    assert!(
        t.regions
            .iter()
            .any(|r| r.key.indeling == Indeling::new(2018))
    );
    assert_eq!(value(&t, "GM0034", 2018, inw), Value::Number(203_990.0));
    // 96 with 1 decimal: the counts say 100 × 5805 / (38921 + 0.8 × 26492) = 9.7 %.
    assert_eq!(value(&t, "GM0034", 2018, jz), Value::Number(9.6));
    // 117 % is impossible: 11.7.
    assert_eq!(value(&t, "GM0034", 2024, jz), Value::Number(11.7));
    assert_eq!(value(&t, "BU00340101", 2024, jz), Value::Number(22.8));
    // 15 with 5 of 280 young people (1.8 %): 1.5; with 40 of 280 (14.3 %): 15.
    assert_eq!(value(&t, "BU00340101", 2018, jz), Value::Number(1.5));
    assert_eq!(value(&t, "BU00340102", 2018, jz), Value::Number(15.0));
    // No count to check against: ambiguous, kept as missing with its reason.
    assert_eq!(
        value(&t, "BU00340103", 2018, jz),
        Value::Missing(MissingReason::AmbiguousDecimal)
    );
    // Ends in 0: written as an integer.
    assert_eq!(value(&t, "BU00340104", 2018, jz), Value::Number(30.0));
    // Household size: inhabitants / households decides (2.2, 2.0, 2.5, 2.3 for the buurten).
    assert_eq!(value(&t, "BU00340101", 2018, hh), Value::Number(2.2));
    assert_eq!(value(&t, "BU00340102", 2018, hh), Value::Number(2.0));
    assert_eq!(value(&t, "GM0034", 2024, hh), Value::Number(2.3));
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
fn stacked_csv_refuses_rows_without_a_peildatum() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "stacked.csv",
        &STACKED.replace("1-1-2024", "2024-01-01"),
    );
    let err = load_kwb_stacked_csv(&path, &small_catalogue())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("row 7") && err.contains("Peildatum") && err.contains("2024-01-01"),
        "{err}"
    );
    let path = write(dir.path(), "typed.csv", TYPED);
    let err = load_kwb_stacked_csv(&path, &small_catalogue()).unwrap_err();
    assert!(
        matches!(&err, IoError::MissingColumn { column, .. } if column == "Peildatum"),
        "{err:?}"
    );
}

#[test]
fn rivm_50140_keeps_gemeenten_and_reports_ggd_rows_once() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "\u{feff}ID;Persoonskenmerken;Marges;RegioS;MoeiteMetRondkomen_1;Mantelzorger_127\n\
        0;T009002;MW00000;NL01  ;28.3;4.1\n1;T009002;MW00000;CG01  ;24;\n\
        2;T009002;MW00000;GG0111;30.1;3\n3;T009002;MW00000;GG0106;31;2.5\n\
        4;T009002;MW00000;GM0344;33.4;3.9\n5;T009002;MW00000;GM0014;29;\n";
    let path = write(dir.path(), "50140.csv", csv);
    let catalogue = small_catalogue();
    let t = load_rivm_50140_csv(&path, &catalogue).unwrap();
    let m = index(&catalogue, "mantelzorger_16_25");
    assert_eq!(t.rows, 3);
    assert_eq!(value(&t, "GM0344", 2024, m), Value::Number(3.9));
    assert_eq!(
        value(&t, "GM0014", 2024, m),
        Value::Missing(MissingReason::Empty)
    );
    assert_eq!(value(&t, "NL01", 2024, m), Value::Number(4.1));
    assert!(
        t.observations
            .iter()
            .all(|o| o.age_group == AgeGroup::Van16Tot25 && o.indeling == Indeling::new(2024))
    );
    let skipped: Vec<_> = t
        .problems
        .iter()
        .filter(|p| p.message.contains("skipped"))
        .collect();
    assert_eq!(skipped.len(), 1, "{:?}", t.problems);
    assert!(
        skipped[0].message.contains("1 with key CG")
            && skipped[0].message.contains("2 with key GG"),
        "{}",
        skipped[0].message
    );
    // A code that is neither a CBS region nor a GGD region is an error.
    let bad = write(dir.path(), "bad.csv", &csv.replace("GM0014", "XY0014"));
    let err = load_rivm_50140_csv(&bad, &catalogue)
        .unwrap_err()
        .to_string();
    assert!(err.contains("row 7") && err.contains("XY0014"), "{err}");
}

const EXCERPT: &str = "tabel,aantal_voorzieningen,soort_voorziening_sociaal_domein,regio,regio_code,perioden,clienten_met_voorzieningen,huishoudens_met_voorzieningen\n\
85994NED,Totaal,Totaal,Utrecht,GM0344,2024,39860,32690\n\
85994NED,Totaal,Alleen Jeugd,Utrecht,GM0344,2024,8970,5780\n\
85994NED,1 maatwerkvoorziening,Alleen Jeugd,Utrecht,GM0344,2024,6150,3380\n\
85994NED,Totaal,Alleen Jeugd,West,WK034401,2024,.,5780\n";

#[test]
fn cbs_85994_filters_long_rows_by_the_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "85994.csv", EXCERPT);
    let catalogue = small_catalogue();
    let t = load_cbs_85994_csv(&path, &catalogue).unwrap();
    let jeugd = index(&catalogue, "clienten_alleen_jeugd");
    assert_eq!(t.rows, 4);
    assert_eq!(t.observations.len(), 2);
    assert_eq!(value(&t, "GM0344", 2024, jeugd), Value::Number(8970.0));
    assert_eq!(
        value(&t, "WK034401", 2024, jeugd),
        Value::Missing(MissingReason::Suppressed)
    );
    assert!(
        t.unmapped_columns
            .contains(&"huishoudens_met_voorzieningen".to_owned())
    );
    // Two rows for one filter: an error naming both rows.
    let twice = write(
        dir.path(),
        "twice.csv",
        &format!("{EXCERPT}85994NED,Totaal,Alleen Jeugd,Utrecht,GM0344,2024,1,1\n"),
    );
    let err = load_cbs_85994_csv(&twice, &catalogue)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("row 6") && err.contains("row 3") && err.contains("GM0344"),
        "{err}"
    );
    let semicolons = write(dir.path(), "semi.csv", &EXCERPT.replace(',', ";"));
    let err = load_cbs_85994_csv(&semicolons, &catalogue).unwrap_err();
    assert!(
        matches!(&err, IoError::MissingColumn { column, .. } if column == "regio_code"),
        "{err:?}"
    );
}

#[test]
fn nabijheid_reads_hierarchical_headers_and_padded_values() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "\u{feff}\"Wijken en buurten\";\"Regioaanduiding/Gemeentenaam (naam)\";\"Regioaanduiding/Soort regio (omschrijving)\";\"Regioaanduiding/Codering (code)\";\"Gezondheid en welzijn/Huisartsenpraktijk/Afstand tot huisartsenpraktijk (km)\";\"Gezondheid en welzijn/Afstand tot apotheek (km)\"\n\
        \"Nederland\";\"Nederland   \";\"Land      \";\"NL00      \";\"       .\";\"     1.0\"\n\
        \"Utrecht\";\"Utrecht     \";\"Gemeente  \";\"GM0344    \";\"     0.7\";\"     0.6\"\n\
        \"Wijk 01 West\";\"Utrecht     \";\"Wijk      \";\"WK034401  \";\"     0.6\";\"     0.5\"\n";
    let path = write(dir.path(), "nabijheid.csv", csv);
    let catalogue = small_catalogue();
    let t = load_nabijheid_csv(&path, 2023, &catalogue).unwrap();
    let ha = index(&catalogue, "afstand_huisarts");
    assert_eq!(
        value(&t, "NL01", 2023, ha),
        Value::Missing(MissingReason::Suppressed)
    );
    assert_eq!(value(&t, "WK034401", 2023, ha), Value::Number(0.6));
    assert_eq!(t.regions[2].name, "Wijk 01 West");
    assert_eq!(t.unmapped_columns.len(), 2, "{:?}", t.unmapped_columns);
    let bad = write(
        dir.path(),
        "bad.csv",
        &csv.replace("     0.6\";\"     0.5", "     0,6 km\";\"     0.5"),
    );
    let err = load_nabijheid_csv(&bad, 2023, &catalogue)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("row 4")
            && err.contains("Afstand tot huisartsenpraktijk (km)")
            && err.contains("0,6 km"),
        "{err}"
    );
}

#[test]
fn vektis_resolves_names_and_reports_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let csv = "gemeentenaam,care_category,actual_cost_per_insured_year\n\
        UTRECHT,General practice,305.1\nUTRECHT,Pharmacy,400\nS GRAVENHAGE,General practice,290\n\
        HENGELO,General practice,280\nBERGEN LB,General practice,310\nATLANTIS,General practice,1\nATLANTIS,Pharmacy,2\n";
    let path = write(dir.path(), "breakdown.csv", csv);
    let names = GemeenteNames::new([
        ("Utrecht", "GM0344".parse().unwrap()),
        ("'s-Gravenhage", "GM0518".parse().unwrap()),
        ("Hengelo (O.)", "GM0164".parse().unwrap()),
        ("Bergen (L.)", "GM0893".parse().unwrap()),
        ("Bergen (NH.)", "GM0373".parse().unwrap()),
    ]);
    let catalogue = small_catalogue();
    let t = load_vektis_csv(&path, &names, &catalogue).unwrap();
    let gp = index(&catalogue, "zvw_huisarts_per_verzekerde");
    assert_eq!(value(&t, "GM0344", 2023, gp), Value::Number(305.1));
    assert_eq!(value(&t, "GM0518", 2023, gp), Value::Number(290.0));
    assert_eq!(value(&t, "GM0164", 2023, gp), Value::Number(280.0));
    assert_eq!(value(&t, "GM0893", 2023, gp), Value::Number(310.0));
    assert_eq!(t.observations.len(), 4);
    assert!(
        t.regions
            .iter()
            .all(|r| r.key.indeling == Indeling::new(2023))
    );
    assert_eq!(t.regions[0].name, "UTRECHT");
    assert_eq!(t.problems.len(), 1, "{:?}", t.problems);
    assert!(t.problems[0].message.contains("ATLANTIS") && t.problems[0].location.contains("row 7"));
    let no_name = write(
        dir.path(),
        "noname.csv",
        &csv.replace("gemeentenaam", "gemeente"),
    );
    let err = load_vektis_csv(&no_name, &names, &catalogue).unwrap_err();
    assert!(
        matches!(&err, IoError::MissingColumn { column, found, .. } if column == "gemeentenaam" && found.contains("'gemeente'")),
        "{err:?}"
    );
}

#[test]
fn long_tables_serve_only_filtered_sources() {
    let mut ids = support::SMALL_IDS.to_vec();
    ids.push("zvw_kosten_per_verzekerde");
    let catalogue = buurt_core::test_support::small_catalogue(&ids);
    let names = GemeenteNames::new([("Utrecht", "GM0344".parse().unwrap())]);
    let dir = tempfile::tempdir().unwrap();
    let long = write(
        dir.path(),
        "breakdown.csv",
        "gemeentenaam,care_category,actual_cost_per_insured_year\nUTRECHT,General practice,261.0\nUTRECHT,Pharmacy,400\n",
    );
    let t = load_vektis_csv(&long, &names, &catalogue).unwrap();
    assert_eq!(t.observations.len(), 1);
    assert_eq!(
        value(
            &t,
            "GM0344",
            2023,
            index(&catalogue, "zvw_huisarts_per_verzekerde")
        ),
        Value::Number(261.0)
    );
    assert!(
        t.problems.iter().any(|p| p
            .message
            .contains("no filter, but the file has several rows per region")
            && p.message.contains("zvw_kosten_per_verzekerde")),
        "{:?}",
        t.problems
    );
    let wide = write(
        dir.path(),
        "benchmark.csv",
        "gemeentenaam,actual_cost_per_insured_year\nUTRECHT,2658.8\n",
    );
    let t = load_vektis_csv(&wide, &names, &catalogue).unwrap();
    assert_eq!(t.observations.len(), 1);
    assert_eq!(
        value(
            &t,
            "GM0344",
            2023,
            index(&catalogue, "zvw_kosten_per_verzekerde")
        ),
        Value::Number(2658.8)
    );
    assert!(
        t.problems
            .iter()
            .any(|p| p.message.contains("a filter column is not in the file")
                && p.message.contains("care_category")),
        "{:?}",
        t.problems
    );
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
    let catalogue = buurt_core::Catalogue::from_toml_str(&toml).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "repeated.csv",
        "\u{feff}ID;Peildatum;WijkenEnBuurten;SoortRegio_2;Nederland_17;Nederland_20\n1;1-1-2023;GM0034    ;Gemeente  ;150000;160000\n",
    );
    let t = load_kwb_stacked_csv(&path, &catalogue).unwrap();
    assert_eq!(value(&t, "GM0034", 2023, 0), Value::Number(150_000.0));
    assert_eq!(value(&t, "GM0034", 2023, 1), Value::Number(160_000.0));
    // Without an occurrence the key stays ambiguous: not loaded, and reported.
    assert!(t.observations.iter().all(|o| o.indicator != 2));
    assert!(
        t.problems
            .iter()
            .any(|p| p.message.contains("onbepaald_nl")),
        "{:?}",
        t.problems
    );
}
