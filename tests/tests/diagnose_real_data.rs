//! The diagnose's acceptance checks, on the real files in ../shared/data: benchmarks are the
//! published parent rows, areas aggregate as ratio of sums, suppressed cells stay suppressed in
//! every output, trends respect indeling and definition breaks.

use std::sync::OnceLock;

use buurt_core::{BuurtCode, Level, MissingReason};
use buurt_diagnose::atlas::columns;
use buurt_diagnose::diagnose::csv_export::{self, CsvDialect};
use buurt_diagnose::diagnose::full::full_table;
use buurt_diagnose::diagnose::{Diagnose, GroupKey, Profile, Weights, render};
use buurt_tests::{indicator, real_atlas};
use polars::prelude::*;

/// The diagnose of the real atlas, indexed once.
fn diagnose() -> &'static Diagnose<'static> {
    static DIAGNOSE: OnceLock<Diagnose<'static>> = OnceLock::new();
    DIAGNOSE.get_or_init(|| Diagnose::new(real_atlas()))
}

/// The real atlas's long table, made once.
fn long_table() -> &'static DataFrame {
    static LONG: OnceLock<DataFrame> = OnceLock::new();
    LONG.get_or_init(|| real_atlas().to_dataframe().expect("the long table"))
}

/// One cell of the atlas's long table.
#[derive(Debug, Clone)]
struct Cell {
    dataset: String,
    year: i32,
    value: Option<f64>,
    missing: Option<String>,
}

/// Every cell of `region` and `indicator` in the long table, by year.
fn cells(region: &str, indicator: &str) -> Vec<Cell> {
    let df = long_table()
        .clone()
        .lazy()
        .filter(
            col(columns::REGION)
                .eq(lit(region))
                .and(col(columns::INDICATOR).eq(lit(indicator))),
        )
        .sort([columns::YEAR], SortMultipleOptions::default())
        .collect()
        .expect("filter the long table");
    let text = |name: &str| -> Vec<Option<String>> {
        df.column(name)
            .expect("column")
            .cast(&DataType::String)
            .expect("text column")
            .str()
            .expect("string column")
            .iter()
            .map(|s| s.map(str::to_owned))
            .collect()
    };
    let dataset = text(columns::DATASET);
    let missing = text(columns::MISSING);
    let year = column_numbers::<Int32Type>(&df, columns::YEAR);
    let value = column_numbers::<Float64Type>(&df, columns::VALUE);
    (0..df.height())
        .map(|i| Cell {
            dataset: dataset[i].clone().expect("dataset"),
            year: year[i].expect("year"),
            value: value[i],
            missing: missing[i].clone(),
        })
        .collect()
}

/// The numbers of column `name`, which must be of type `T`.
fn column_numbers<T: PolarsNumericType>(df: &DataFrame, name: &str) -> Vec<Option<T::Native>> {
    df.column(name)
        .expect("column")
        .as_materialized_series()
        .unpack::<T>()
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .iter()
        .collect()
}

/// The single published value of `region`, `indicator`, `year` (from `dataset` when given).
fn published(region: &str, indicator: &str, year: i32, dataset: Option<&str>) -> f64 {
    let found: Vec<Cell> = cells(region, indicator)
        .into_iter()
        .filter(|c| c.year == year && dataset.is_none_or(|d| c.dataset == d))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{region} {indicator} {year}: {} cells",
        found.len()
    );
    found[0]
        .value
        .unwrap_or_else(|| panic!("{region} {indicator} {year} has no value: {found:?}"))
}

fn buurten(codes: &[&str]) -> Vec<BuurtCode> {
    codes
        .iter()
        .map(|c| c.parse().expect("a buurt code"))
        .collect()
}

/// Every number anywhere in a JSON value.
fn numbers(v: &serde_json::Value, out: &mut Vec<f64>) {
    match v {
        serde_json::Value::Number(n) => out.extend(n.as_f64()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| numbers(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| numbers(x, out)),
        _ => {}
    }
}

#[test]
fn benchmarks_are_the_published_parent_rows() {
    let d = diagnose();
    // A RIVM model estimate in 2020.
    let p = d.profile("BU03440111", Some(2020)).unwrap();
    let m = indicator(&p, "mantelzorger_18plus");
    assert_eq!(m.year, 2020);
    assert_eq!(m.dataset, "rivm_50090");
    assert!(m.value.is_some(), "{m:?}");
    let gm = published("GM0344", "mantelzorger_18plus", 2020, Some("rivm_50090"));
    let wk = published("WK034401", "mantelzorger_18plus", 2020, Some("rivm_50090"));
    let nl = published("NL01", "mantelzorger_18plus", 2020, Some("rivm_50090"));
    assert_eq!(m.benchmarks.gemeente, Some(gm));
    assert_eq!(m.benchmarks.wijk, Some(wk));
    assert_eq!(m.benchmarks.nl, Some(nl));
    assert_eq!(m.index_gemeente, Some(m.value.unwrap() / gm * 100.0));
    assert_eq!(p.parents.wijk.as_ref().unwrap().code, "WK034401");
    assert_eq!(p.parents.gemeente.as_ref().unwrap().code, "GM0344");

    // A kwb count in 2024: the gemeente row as CBS published it, not the sum of rounded buurten.
    let p = d.profile("BU03440111", None).unwrap();
    let inw = indicator(&p, "inwoners");
    assert_eq!(inw.year, 2024);
    let gm = published("GM0344", "inwoners", 2024, Some("cbs_kwb_utrecht_2024"));
    assert!((gm - 374_238.0).abs() < f64::EPSILON, "{gm}");
    assert_eq!(inw.benchmarks.gemeente, Some(gm));
    assert_eq!(
        inw.benchmarks.wijk,
        Some(published(
            "WK034401",
            "inwoners",
            2024,
            Some("cbs_kwb_utrecht_2024")
        ))
    );
    // A wijk is compared with its gemeente the same way.
    let oost = d.profile("WK034405", None).unwrap();
    assert_eq!(indicator(&oost, "inwoners").benchmarks.gemeente, Some(gm));
    assert_eq!(indicator(&oost, "inwoners").benchmarks.wijk, None);
}

#[test]
fn an_area_sums_counts_and_takes_rates_as_ratio_of_sums() {
    let d = diagnose();
    let codes = ["BU03440111", "BU03440333", "BU03440511"];
    let area = d
        .area("proef", &buurten(&codes), None, &Weights::default())
        .unwrap();
    assert_eq!(area.code, "AREA");
    assert_eq!(area.level, Level::Wijk);
    assert_eq!(area.buurten, codes);
    assert_eq!(area.parents.gemeente.as_ref().unwrap().code, "GM0344");

    let inw = indicator(&area, "inwoners");
    let year = i32::from(inw.year);
    let dataset = inw.dataset.clone();
    let sum_inw: f64 = codes
        .iter()
        .map(|c| published(c, "inwoners", year, Some(&dataset)))
        .sum();
    assert_eq!(inw.value, Some(sum_inw));

    // Share of 65+: Σ 65+ / Σ inwoners, which is not the mean of the buurt shares.
    let share = indicator(&area, "aandeel_65plus");
    assert_eq!(i32::from(share.year), year);
    let sum_65: f64 = codes
        .iter()
        .map(|c| published(c, "inwoners_65plus", year, Some(&dataset)))
        .sum();
    let ratio = sum_65 / sum_inw * 100.0;
    let value = share.value.expect("the area has a 65+ share");
    assert!((value - ratio).abs() < 1e-9, "{value} vs {ratio}");
    let mean_of_shares = codes
        .iter()
        .map(|c| published(c, "aandeel_65plus", year, None))
        .sum::<f64>()
        / codes.len() as f64;
    assert!(
        (value - mean_of_shares).abs() > 0.5,
        "ratio of sums {value} should differ from the mean of shares {mean_of_shares}"
    );
    // The gemeente is the benchmark, as for a wijk.
    assert_eq!(
        share.benchmarks.gemeente,
        Some(published("GM0344", "aandeel_65plus", year, None))
    );

    // A RIVM model estimate: weighted by the catalogue's weight, from the year nearest.
    let lonely = indicator(&area, "eenzaam_65plus");
    assert_eq!(lonely.year, 2020);
    let weight_id = real_atlas()
        .catalogue()
        .get("eenzaam_65plus")
        .unwrap()
        .weight
        .clone()
        .expect("a weight");
    let (mut num, mut den) = (0.0, 0.0);
    for c in codes {
        let v = published(c, "eenzaam_65plus", 2020, Some("rivm_50090"));
        let w = cells(c, &weight_id)
            .into_iter()
            .filter_map(|cell| cell.value.map(|v| ((cell.year - 2020).abs(), cell.year, v)))
            .min_by_key(|(dist, year, _)| (*dist, *year))
            .map(|(_, _, v)| v)
            .expect("a weight");
        num += v * w;
        den += w;
    }
    let expected = num / den;
    let got = lonely.value.unwrap();
    assert!((got - expected).abs() < 1e-9, "{got} vs {expected}");
    assert_eq!(
        lonely.benchmarks.gemeente,
        Some(published(
            "GM0344",
            "eenzaam_65plus",
            2020,
            Some("rivm_50090")
        ))
    );

    // An area must lie within one gemeente; the error names the buurt that does not.
    let almere = real_atlas()
        .regions()
        .iter()
        .find(|r| r.level == Level::Buurt && r.key.code.as_str().starts_with("BU0034"))
        .expect("an Almere buurt")
        .key
        .code
        .to_string();
    let err = d
        .area(
            "mixed",
            &buurten(&["BU03440111", &almere]),
            None,
            &Weights::default(),
        )
        .unwrap_err()
        .to_string();
    assert!(err.contains(&almere), "{err}");
}

/// Checks that one indicator of a profile is null with `reason` in the JSON, the CSV rows and the
/// Markdown, and that none of `source_values` (what the source would have shown) leaks.
fn assert_suppressed(p: &Profile, id: &str, reason: MissingReason, source_values: &[f64]) {
    let ind = indicator(p, id);
    assert_eq!(ind.value, None, "{id}");
    assert_eq!(ind.missing_reason, Some(reason), "{id}");
    assert!(
        ind.eb_value.is_none() && ind.interval.is_none() && ind.z_gemeente.is_none(),
        "{ind:?}"
    );
    assert!(ind.band.is_none() && ind.index_gemeente.is_none() && ind.significant.is_none());
    assert!(p.aandachtspunten.iter().all(|a| a.indicator != id));

    // JSON.
    let json = serde_json::to_value(p).expect("a profile serialises");
    let j = json["indicators"]
        .as_array()
        .expect("present")
        .iter()
        .find(|i| i["id"] == id)
        .expect("present");
    assert!(j["value"].is_null(), "{j}");
    assert_eq!(j["missing_reason"], reason.as_str());
    for field in [
        "eb_value",
        "interval",
        "z_gemeente",
        "band",
        "index_gemeente",
    ] {
        assert!(j[field].is_null(), "{field}: {}", j[field]);
    }
    let mut found = Vec::new();
    numbers(j, &mut found);
    for s in source_values {
        assert!(
            found.iter().all(|x| (x - s).abs() > 1e-6),
            "{id}: the suppressed source value {s} appears in {j}"
        );
    }

    // CSV, through the writer.
    let mut bytes = Vec::new();
    csv_export::write_csv(std::slice::from_ref(p), CsvDialect::Rfc4180, &mut bytes)
        .expect("CSV writes");
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header = reader.headers().expect("a CSV header").clone();
    let at = |name: &str| header.iter().position(|h| h == name).expect("a CSV column");
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .map(|r| r.expect("a CSV record"))
        .filter(|r| &r[at("id")] == id)
        .collect();
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    for field in [
        "value",
        "eb_value",
        "interval_low",
        "interval_high",
        "z_gemeente",
        "band",
    ] {
        assert_eq!(&row[at(field)], "", "{field}");
    }
    assert_eq!(&row[at("missing_reason")], reason.as_str());
    for cell in row {
        if let Ok(x) = cell.parse::<f64>() {
            assert!(
                source_values.iter().all(|s| (x - s).abs() > 1e-6),
                "{id}: {x} in the CSV row"
            );
        }
    }
    assert_eq!(
        csv_export::csv_rows(p)
            .iter()
            .find(|r| r.id == id)
            .expect("present")
            .value,
        None
    );

    // Markdown: the headline row says why, in Dutch, where the value would be.
    let md = render::markdown(p);
    let suffix = if ind.age_group == "totaal" {
        String::new()
    } else {
        format!(" ({})", ind.age_group)
    };
    let start = format!("| {}{suffix} | {} | ", ind.label, ind.year);
    let line = md
        .lines()
        .find(|l| l.starts_with(&start))
        .unwrap_or_else(|| panic!("no row {start:?} in\n{md}"));
    let value_cell = line.split(" | ").nth(2).expect("a value cell");
    assert_eq!(value_cell, reason.dutch(), "{line}");
}

#[test]
fn suppressed_cells_stay_suppressed_in_json_csv_and_markdown() {
    let d = diagnose();
    // RIVM suppressed loneliness among the 65+ of this small buurt in every round.
    let code = "BU03440533";
    let source = cells(code, "eenzaam_65plus");
    assert!(!source.is_empty());
    assert!(
        source
            .iter()
            .all(|c| c.value.is_none() && c.missing.as_deref() == Some("suppressed")),
        "{source:?}"
    );
    let p = d.profile(code, None).unwrap();
    assert_eq!(indicator(&p, "eenzaam_65plus").year, 2020);
    assert_suppressed(&p, "eenzaam_65plus", MissingReason::Suppressed, &[]);
    assert!(
        indicator(&p, "eenzaam_65plus")
            .series
            .iter()
            .all(|s| s.value.is_none() && s.missing_reason == Some(MissingReason::Suppressed))
    );

    // Haarrijn has 45 inwoners: buurt itself withholds its 65+ share (below the catalogue's
    // minimum of 50), although CBS published both counts.
    let code = "BU03441011";
    let min = real_atlas()
        .catalogue()
        .get("aandeel_65plus")
        .unwrap()
        .min_population;
    let mut withheld = Vec::new();
    for c in cells(code, "aandeel_65plus") {
        assert_eq!(c.value, None, "{c:?}");
        assert_eq!(c.missing.as_deref(), Some("below_minimum"), "{c:?}");
        let inw = published(code, "inwoners", c.year, Some(&c.dataset));
        let n65 = published(code, "inwoners_65plus", c.year, Some(&c.dataset));
        assert!(inw < f64::from(min), "{inw}");
        withheld.push(n65 / inw * 100.0);
    }
    assert!(!withheld.is_empty());
    let p = d.profile(code, None).unwrap();
    assert_eq!(indicator(&p, "aandeel_65plus").year, 2024);
    assert_suppressed(&p, "aandeel_65plus", MissingReason::BelowMinimum, &withheld);
}

/// Almere split its 6 wijken into 71 in 2022. A new wijk's years before are known only for the
/// old wijk it is a piece of (WK003401 was all of Almere Haven; Centrum Almere Haven is 2 % of
/// it): carried over, they were Almere Haven's figures, and the trend from them to the wijk's
/// own read as a rise where there was only the difference between a stadsdeel and its centre
/// ("aandeel 65+ steeg sinds 2021", from Haven's 21 % to the centre's 36 %). The series starts
/// in 2022, with a note why.
#[test]
fn almere_wijken_split_in_2022_do_not_take_their_old_wijks_figures_and_stop_at_the_wmo_break() {
    let d = diagnose();
    let wijk = d.profile("WK003401", None).unwrap();
    assert!(wijk.indeling >= 2022, "{}", wijk.indeling);
    for id in ["jeugdzorg", "aandeel_65plus", "inwoners"] {
        let i = indicator(&wijk, id);
        for s in &i.series {
            assert!(s.harmonised.is_none(), "{id}: {s:?}");
            assert!(s.year >= 2022, "{id}: {s:?}");
        }
        let trend = i.trend.as_ref().expect("a trend over 2022–2024");
        assert_eq!(trend.from_year, 2022, "{id}");
        let note = trend
            .break_note
            .as_deref()
            .expect("a note on the years before");
        assert!(
            note.contains(
                "tot en met 2021 alleen bekend voor een groter gebied van de indeling 2021 (WK003401), waarvan dit gebied 2 % is"
            ),
            "{id}: {note}"
        );
    }
    // So what stands out says nothing of a rise since 2021.
    for a in &wijk.aandachtspunten {
        assert!(!a.text.contains("2021"), "{}", a.text);
    }
    let jz = indicator(&wijk, "jeugdzorg");
    let trend = jz.trend.as_ref().expect("a trend");
    assert_eq!((trend.from_year, trend.to_year), (2022, 2024));
    assert!(!cells("WK003401", "jeugdzorg").is_empty());

    // The gemeente's code is comparable over all years.
    let gm = d.profile("GM0034", None).unwrap();
    let jz = indicator(&gm, "jeugdzorg");
    let years: Vec<u16> = jz
        .series
        .iter()
        .filter(|s| s.value.is_some())
        .map(|s| s.year)
        .collect();
    for y in 2018..=2024 {
        assert!(years.contains(&y), "{years:?}");
    }
    let trend = jz.trend.as_ref().expect("a trend");
    assert_eq!((trend.from_year, trend.to_year), (2018, 2024));
    assert!(trend.break_note.is_none(), "{trend:?}");
    assert!(
        (trend.absolute_change
            - (published("GM0034", "jeugdzorg", 2024, None)
                - published("GM0034", "jeugdzorg", 2018, None)))
        .abs()
            < 1e-9
    );

    // Wmo changed its definition in 2023: earlier years are shown but not trended.
    let breaks = &real_atlas()
        .catalogue()
        .get("wmo_per_1000")
        .unwrap()
        .definition_breaks;
    let cut = *breaks.iter().max().expect("a definition break");
    for p in [&gm, &wijk] {
        let wmo = indicator(p, "wmo_per_1000");
        let trend = wmo.trend.as_ref().expect("a trend");
        assert!(trend.from_year >= cut, "{}: {trend:?}", p.code);
        let note = trend.break_note.as_deref().unwrap_or_default();
        assert!(note.contains(&cut.to_string()), "{}: {note}", p.code);
        for s in &wmo.series {
            assert_eq!(s.comparable, s.year >= cut, "{}: {s:?}", p.code);
        }
    }
    assert!(
        indicator(&gm, "wmo_per_1000")
            .series
            .iter()
            .any(|s| s.year < cut && s.value.is_some())
    );
}

#[test]
fn a_profile_has_the_fields_a_sociale_wijktafel_needs() {
    let d = diagnose();
    let p = d.profile("WK034405", None).unwrap();
    let json = serde_json::to_value(&p).unwrap();
    for field in [
        "code",
        "name",
        "level",
        "parents",
        "indicators",
        "aandachtspunten",
        "scores",
    ] {
        assert!(json.get(field).is_some(), "{field}");
    }
    assert_eq!(json["code"], "WK034405");
    assert_eq!(json["level"], "wijk");
    assert_eq!(json["parents"]["gemeente"]["code"], "GM0344");
    assert!(json["parents"].get("wijk").is_some());
    let indicators = json["indicators"].as_array().unwrap();
    assert!(indicators.len() > 50, "{}", indicators.len());
    for i in indicators {
        for field in [
            "id",
            "theme",
            "year",
            "value",
            "missing_reason",
            "unit",
            "benchmarks",
            "index_gemeente",
            "z_gemeente",
            "band",
            "series",
            "trend",
        ] {
            assert!(i.get(field).is_some(), "{field} in {}", i["id"]);
        }
        for b in ["wijk", "gemeente", "nl"] {
            assert!(i["benchmarks"].get(b).is_some(), "{b}");
        }
        for s in i["series"].as_array().unwrap() {
            assert!(s.get("year").is_some() && s.get("value").is_some());
        }
    }
    let m = indicators
        .iter()
        .find(|i| i["id"] == "mantelzorger_65plus")
        .unwrap();
    assert!(m["value"].is_f64() && m["z_gemeente"].is_f64() && m["band"].is_string());
    assert!(m["trend"]["from_year"].is_u64());
    assert!(!p.aandachtspunten.is_empty());
    for a in json["aandachtspunten"].as_array().unwrap() {
        assert!(a["indicator"].is_string() && a["score"].is_f64() && a["text"].is_string());
    }
    assert!(json["scores"].get("overall").is_some() && json["scores"]["themes"].is_array());

    let md = render::markdown(&p);
    assert!(md.starts_with(&format!("# {}", p.name)), "{md}");
    assert!(md.contains("Wat valt op"));
    for a in &p.aandachtspunten {
        assert!(a.text.ends_with('.'), "{}", a.text);
        assert!(a.text.contains("Utrecht"), "{}", a.text);
        assert!(md.contains(&a.text));
    }
}

#[test]
fn the_full_table_agrees_with_the_profiles() {
    let d = diagnose();
    let engine = real_atlas().cells();
    let rivm = engine
        .datasets()
        .iter()
        .position(|s| s == "rivm_50090")
        .expect("RIVM dataset");
    let rivm = u16::try_from(rivm).unwrap();
    let groups = engine.group_keys().filter(|g| g.dataset == rivm).count();
    assert!(groups > 100, "{groups}");
    let table = full_table(real_atlas(), Level::Buurt, &|g| g.dataset == rivm);
    assert_eq!(table.len(), 13_808 * groups);
    let mut buurten: Vec<_> = table.cells().map(|c| engine.cell_region(c).code).collect();
    buurten.sort_unstable();
    buurten.dedup();
    assert_eq!(buurten.len(), 13_808);

    // Spot checks against the profile of a Utrecht buurt.
    let p = d.profile("BU03440111", None).unwrap();
    let catalogue = real_atlas().catalogue();
    let mut checked = 0;
    for id in [
        "mantelzorger_65plus",
        "eenzaam_18plus",
        "ervaren_gezondheid_goed_18plus",
    ] {
        let Some(ind) = p.indicators.iter().find(|i| i.id == id) else {
            continue;
        };
        let ix = catalogue
            .indicators()
            .iter()
            .position(|i| i.id == id)
            .unwrap();
        let g = GroupKey {
            dataset: rivm,
            indicator: u16::try_from(ix).unwrap(),
            year: ind.year,
        };
        let cell = engine
            .group(g)
            .find(|&c| engine.cell_region(c).code.as_str() == "BU03440111")
            .expect("the buurt's cell");
        let row = table.row_of(cell).unwrap();
        let benchmarks = table.benchmarks(engine, row);
        assert_eq!(benchmarks.gemeente, ind.benchmarks.gemeente, "{id}");
        assert_eq!(benchmarks.nl, ind.benchmarks.nl, "{id}");
        // The table stores standings as f32: equal to the profile's f64 within f32 rounding.
        let z = ind.z_gemeente.expect("a z-score");
        assert!(
            (f64::from(table.z_gemeente[row]) - z).abs() <= 1e-6 * z.abs().max(1.0),
            "{id}"
        );
        let zn = ind.z_nl.expect("a national z-score");
        assert!(
            (f64::from(table.z_nl[row]) - zn).abs() <= 1e-6 * zn.abs().max(1.0),
            "{id}"
        );
        checked += 1;
    }
    assert!(checked >= 2, "{checked}");
}
