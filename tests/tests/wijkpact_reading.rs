//! How a wijktafel reads the diagnose, on the real files in ../shared/data (issue 12): the
//! aandachtspunten come from the wijkpact themes with one per concept, counts are never
//! benchmarked like rates, mantelzorgers are no measure of need, a band agrees with the printed
//! benchmark, `--year` means "as of", and the Markdown profile follows the wijkpact's sections.
//! Each of these failed on main before it.

use std::collections::HashSet;
use std::sync::OnceLock;

use buurt_core::{Kind, Level, MissingReason, Polarity, RegionCode, Theme};
use buurt_diagnose::diagnose::bands::Band;
use buurt_diagnose::diagnose::{Diagnose, Profile, render};
use buurt_tests::real_atlas;

fn diagnose() -> &'static Diagnose<'static> {
    static DIAGNOSE: OnceLock<Diagnose<'static>> = OnceLock::new();
    DIAGNOSE.get_or_init(|| Diagnose::new(real_atlas()))
}

/// Every Utrecht buurt's profile, made once.
fn utrecht_buurten() -> &'static [Profile] {
    static PROFILES: OnceLock<Vec<Profile>> = OnceLock::new();
    PROFILES.get_or_init(|| {
        let gm: RegionCode = "GM0344".parse().expect("code");
        diagnose()
            .profiles_within(gm, Level::Buurt, None)
            .expect("the Utrecht buurten")
    })
}

fn profile(code: &str, year: Option<u16>) -> Profile {
    diagnose()
        .profile(code, year)
        .unwrap_or_else(|e| panic!("profile of {code}: {e}"))
}

#[test]
fn aandachtspunten_come_from_the_wijkpact_themes_one_per_concept() {
    let oost = profile("WK034405", None);
    assert!(!oost.aandachtspunten.is_empty(), "Oost has aandachtspunten");
    let mut all = 0;
    for p in std::iter::once(&oost).chain(utrecht_buurten()) {
        let mut concepts = HashSet::new();
        for a in &p.aandachtspunten {
            all += 1;
            assert_ne!(a.theme, Theme::Leefstijl, "{}: {}", p.code, a.text);
            assert!(
                concepts.insert(&a.concept),
                "{}: concept {} twice",
                p.code,
                a.concept
            );
            let ind = p
                .indicators
                .iter()
                .find(|i| i.id == a.indicator)
                .expect("listed");
            assert_ne!(
                ind.kind,
                Kind::Count,
                "{}: a count as aandachtspunt",
                p.code
            );
            assert!(a.value.is_finite() && a.benchmark.is_some(), "{a:?}");
            assert!(!a.dataset.is_empty() && a.year >= 2012, "{a:?}");
            for d in &a.detail {
                let other = p.indicators.iter().find(|i| &i.id == d).expect("detail");
                assert_eq!(other.concept, a.concept, "{}: detail {d}", p.code);
            }
        }
    }
    // The wijkpact themes come first: no wonen/werk/inkomen point while a profile has fewer
    // than the maximum from the four themes... and there are points to speak of.
    assert!(all > 100, "only {all} aandachtspunten in Utrecht");
    for p in utrecht_buurten() {
        let first_other = p
            .aandachtspunten
            .iter()
            .position(|a| !a.theme.is_wijkpact());
        if let Some(at) = first_other {
            assert!(
                p.aandachtspunten[at..]
                    .iter()
                    .all(|a| !a.theme.is_wijkpact()),
                "{}: wijkpact themes come first",
                p.code
            );
        }
    }
}

#[test]
fn counts_get_no_index_band_or_standing() {
    let oost = profile("WK034405", None);
    let inwoners = oost
        .indicators
        .iter()
        .find(|i| i.id == "inwoners")
        .expect("inwoners");
    assert_eq!(inwoners.kind, Kind::Count);
    assert!(inwoners.value.is_some_and(|v| v > 30_000.0));
    assert_eq!(
        (
            inwoners.index_gemeente,
            inwoners.z_gemeente,
            inwoners.rank_gemeente,
            inwoners.band
        ),
        (None, None, None, None)
    );
    for p in utrecht_buurten() {
        for i in p.indicators.iter().filter(|i| i.kind == Kind::Count) {
            assert!(
                i.index_gemeente.is_none() && i.band.is_none(),
                "{} {}",
                p.code,
                i.id
            );
        }
    }
    // A rate beside it is still compared.
    let eenzaam = oost
        .indicators
        .iter()
        .find(|i| i.id == "eenzaam_18plus")
        .expect("eenzaam");
    assert_eq!(eenzaam.kind, Kind::Share);
    assert!(eenzaam.index_gemeente.is_some() && eenzaam.band.is_some());
}

#[test]
fn a_band_agrees_with_the_printed_benchmark() {
    let mut checked = 0;
    for code in ["GM0344", "GM0034", "GM0363", "GM0599"] {
        let p = profile(code, None);
        for i in &p.indicators {
            let (Some(v), Some(nl), Some(band)) = (i.value, i.benchmarks.nl, i.band) else {
                continue;
            };
            checked += 1;
            if v <= nl {
                assert!(
                    !matches!(band, Band::Above | Band::WellAbove),
                    "{code} {} {v} vs NL {nl}",
                    i.id
                );
            }
            if v >= nl {
                assert!(
                    !matches!(band, Band::Below | Band::WellBelow),
                    "{code} {} {v} vs NL {nl}",
                    i.id
                );
            }
        }
    }
    assert!(checked > 100, "only {checked} gemeente values with a band");
}

#[test]
fn mantelzorgers_are_context_and_the_need_score_reads_utrecht_science_park() {
    for p in utrecht_buurten() {
        for t in &p.scores.themes {
            for c in &t.contributions {
                let ind = p
                    .indicators
                    .iter()
                    .find(|i| i.id == c.indicator)
                    .expect("listed");
                assert!(
                    !matches!(ind.polarity, Polarity::Context | Polarity::Neutral),
                    "{}: {} weighs in the need score",
                    p.code,
                    c.indicator
                );
                assert!(!c.label.is_empty());
                if ind.age_group != "totaal" {
                    assert!(c.label.contains(&ind.age_group), "{}", c.label);
                }
            }
        }
    }
    // Utrecht Science Park: 95 % one-person households, a third with severe stress, a quarter
    // struggling to make ends meet; its need score is above the median of Utrecht's buurten.
    let mut overall: Vec<(f64, &str)> = utrecht_buurten()
        .iter()
        .filter_map(|p| p.scores.overall.map(|s| (s, p.code.as_str())))
        .collect();
    overall.sort_by(|a, b| b.0.total_cmp(&a.0));
    let at = overall
        .iter()
        .position(|(_, c)| *c == "BU03440533")
        .expect("Utrecht Science Park has a score");
    assert!(
        at < overall.len() / 2 && overall[at].0 > 0.0,
        "Utrecht Science Park ranks {} of {} ({:+.2})",
        at + 1,
        overall.len(),
        overall[at].0
    );
}

#[test]
fn year_means_as_of() {
    let p = profile("WK034405", Some(2016));
    for i in &p.indicators {
        assert!(i.year <= 2016, "{} {}", i.id, i.year);
        assert!(i.series.iter().all(|s| s.year <= 2016), "{} series", i.id);
        if let Some(t) = &i.trend {
            assert!(t.to_year <= 2016, "{} trend to {}", i.id, t.to_year);
        }
    }
    assert!(
        p.indicators
            .iter()
            .any(|i| i.id == "eenzaam_18plus" && i.trend.is_some()),
        "2012–2016 still makes a trend"
    );
}

#[test]
fn the_markdown_profile_follows_the_wijkpact_sections() {
    let md = render::markdown(&profile("WK034405", None));
    let at = |heading: &str| {
        md.find(&format!("\n## {heading}\n"))
            .unwrap_or_else(|| panic!("no section {heading} in\n{md}"))
    };
    let order = [
        at("Wat valt op"),
        at("Demografie"),
        at("Zorgbehoefte"),
        at("Jeugd en jeugdzorg"),
        at("Mantelzorg en Wmo"),
        at("Leefstijl"),
    ];
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "sections out of order:\n{md}"
    );
    let wat_valt_op = &md[order[0]..order[1]];
    for word in ["alcohol", "drinker", "roker", "gewicht", "sporter"] {
        assert!(
            !wat_valt_op.to_lowercase().contains(word),
            "{word} in\n{wat_valt_op}"
        );
    }
    // The count of inhabitants has no position against Utrecht.
    let row = md
        .lines()
        .find(|l| l.starts_with("| Inwoners |"))
        .expect("inwoners row");
    assert!(
        !["rond", "onder", "boven"].iter().any(|w| row.contains(w)),
        "{row}"
    );
}

#[test]
fn unpublished_jeugdzorg_is_not_called_suppressed() {
    // CBS's preliminary kwb 2023 and 2024 leave jeugdzorg empty for all of Utrecht, the
    // gemeente included: not yet published, not suppressed for small numbers.
    let oost = profile("WK034405", None);
    let jz = oost
        .indicators
        .iter()
        .find(|i| i.id == "jeugdzorg")
        .expect("jeugdzorg");
    assert_eq!(jz.value, None);
    assert_eq!(jz.missing_reason, Some(MissingReason::NotPublished));
    assert!(
        jz.series
            .iter()
            .all(|s| s.missing_reason == Some(MissingReason::NotPublished)),
        "{:?}",
        jz.series
    );
    let md = render::markdown(&oost);
    let row = md
        .lines()
        .find(|l| l.starts_with("| Jongeren met jeugdzorg"))
        .expect("row");
    assert!(row.contains("nog niet gepubliceerd"), "{row}");
    assert!(!row.contains("onderdrukt"), "{row}");
    // Small buurten the source did suppress keep that reason.
    let suppressed = utrecht_buurten()
        .iter()
        .flat_map(|p| &p.indicators)
        .filter(|i| i.missing_reason == Some(MissingReason::Suppressed))
        .count();
    assert!(
        suppressed > 0,
        "some Utrecht buurt values are suppressed by the source"
    );
}

#[test]
fn sections_say_what_is_published_and_show_the_gemeente_totals() {
    let oost = profile("WK034405", None);
    let themes: Vec<Theme> = oost.sections.iter().map(|s| s.theme).collect();
    assert_eq!(
        themes[..4],
        [
            Theme::Demografie,
            Theme::Zorgbehoefte,
            Theme::Jeugdzorg,
            Theme::Mantelzorg
        ],
        "{themes:?}"
    );
    assert_eq!(themes.last(), Some(&Theme::Leefstijl));
    let jeugd = &oost.sections[2];
    assert_eq!(jeugd.label, "Jeugd en jeugdzorg");
    assert!(jeugd.indicators.contains(&"jeugdzorg".to_owned()));
    assert!(
        jeugd.summary.contains(
            "Nog niet gepubliceerd (voorlopige cijfers van het CBS): jongeren met jeugdzorg"
        ),
        "{}",
        jeugd.summary
    );
    // 85994NED publishes Utrecht's jeugdhulp clients only as a gemeente total: 8 970 in 2024.
    let only_jeugd = jeugd
        .gemeente_figures
        .iter()
        .find(|f| f.id == "clienten_alleen_jeugd")
        .expect("the gemeente total of jeugdhulp clients");
    assert_eq!((only_jeugd.value, only_jeugd.year), (8970.0, 2024));
    assert_eq!(only_jeugd.gemeente.code, "GM0344");
    let wmo = &oost.sections[3];
    assert!(
        wmo.gemeente_figures
            .iter()
            .any(|f| f.id == "clienten_alleen_wmo" && (f.value - 15310.0).abs() < 0.5),
        "{:?}",
        wmo.gemeente_figures
    );
    // Leefstijl stays out of the gemeente figures; every section's figures are its own theme.
    for s in &oost.sections {
        for id in &s.indicators {
            let i = oost
                .indicators
                .iter()
                .find(|i| &i.id == id)
                .expect("listed");
            assert_eq!(i.theme, s.theme, "{id}");
        }
    }
    let md = render::markdown(&oost);
    let jeugd_md = md
        .split("\n## ")
        .find(|s| s.starts_with("Jeugd en jeugdzorg"))
        .expect("the section");
    assert!(
        jeugd_md.contains("| Cliënten met alleen jeugdhulp | 2024 | 8.970 | CBS, Gebruik voorzieningen sociaal domein (85994NED) |"),
        "{jeugd_md}"
    );
    assert!(md.contains("het gemiddelde van 2 thema's"), "{md}");

    // On the gemeente's own profile these are its own figures, not a gemeente-only aside.
    let utrecht = profile("GM0344", None);
    assert!(
        utrecht
            .sections
            .iter()
            .all(|s| s.gemeente_figures.is_empty())
    );
    // As of 2023 nothing from 85994NED (2024) may show.
    let oost_2023 = profile("WK034405", Some(2023));
    assert!(
        oost_2023
            .sections
            .iter()
            .flat_map(|s| &s.gemeente_figures)
            .all(|f| f.year <= 2023)
    );
}

#[test]
fn the_dutch_excel_csv_reads_back_with_decimal_commas_sources_and_flags() {
    use buurt_diagnose::diagnose::csv_export::{CsvDialect, HEADER, write_csv};
    let oost = profile("WK034405", None);
    let mut bytes = Vec::new();
    write_csv(std::slice::from_ref(&oost), CsvDialect::Nl, &mut bytes).expect("CSV writes");
    let text = String::from_utf8(bytes).expect("UTF-8");
    // Excel needs the byte order mark to read UTF-8 (else "cliÃ«nten").
    let body = text
        .strip_prefix('\u{feff}')
        .expect("a UTF-8 byte order mark");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, HEADER);
    let at = |name: &str| HEADER.iter().position(|h| *h == name).expect("column");
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("record")).collect();
    assert_eq!(rows.len(), oost.indicators.len());
    let row = |id: &str| {
        rows.iter()
            .find(|r| &r[at("id")] == id)
            .unwrap_or_else(|| panic!("no row {id}"))
    };
    // Characters survive: the Wmo row's label.
    assert_eq!(
        &row("wmo_per_1000")[at("label")],
        "Wmo-cliënten per 1000 inwoners"
    );
    // A share with a decimal comma, rounded to one decimal, equal to the profile's value.
    let single = row("eenpersoonshuishoudens");
    let printed = &single[at("value")];
    assert!(printed.contains(','), "{printed}");
    let read: f64 = printed.replace(',', ".").parse().expect("a number");
    let exact = oost
        .indicators
        .iter()
        .find(|i| i.id == "eenpersoonshuishoudens")
        .and_then(|i| i.value)
        .expect("a value");
    assert!((read - exact).abs() <= 0.05, "{read} vs {exact}");
    // Counts are whole; no field carries float noise.
    assert_eq!(&row("inwoners")[at("value")], "33510");
    for r in &rows {
        for field in r {
            if let Some((_, decimals)) = field.split_once(',')
                && decimals.chars().all(|c| c.is_ascii_digit())
            {
                assert!(decimals.len() <= 3, "{field} in {:?}", &r[at("id")]);
            }
        }
    }
    // Source, year and the provisional flag: kwb 2024 is CBS's first release, RIVM 2020 is final.
    assert_eq!(&single[at("year")], "2024");
    assert_eq!(&single[at("source")], "CBS, Kerncijfers wijken en buurten");
    assert_eq!(&single[at("provisional")], "true");
    let eenzaam = row("eenzaam_18plus");
    assert_eq!(&eenzaam[at("provisional")], "false");
    assert!(eenzaam[at("source")].contains("50090NED"));

    // The default stays RFC 4180: commas between fields, decimal points, no byte order mark.
    let mut rfc = Vec::new();
    write_csv(std::slice::from_ref(&oost), CsvDialect::Rfc4180, &mut rfc).expect("CSV writes");
    assert!(rfc.starts_with(b"code,name,level"));
}
