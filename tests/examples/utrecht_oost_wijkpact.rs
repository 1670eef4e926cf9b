//! The code of notebooks/utrecht_oost_wijkpact.ipynb, cell by cell (`// cell N`); the test
//! tests/notebooks.rs checks that both hold the same code, and `cargo test` runs this.

fn main() {
    // cell 1
    use buurt_core::{BuurtCode, Catalogue, Indeling, Level, RegionCode};
    use buurt_diagnose::atlas::{self, Atlas};
    use buurt_diagnose::diagnose::{Diagnose, Weights, render};
    use buurt_io::registry::NoProgress;

    let data_dir = buurt_io::paths::test_data_dir();
    let cache_dir = std::env::temp_dir().join("buurt-notebook-wijkpact");
    let catalogue = Catalogue::builtin().expect("the indicator catalogue");
    let (atlas, cache) =
        atlas::open(&data_dir, Some(&cache_dir), catalogue, &NoProgress).expect("the atlas");
    // Notebook variables live across cells, so the atlas is made 'static once.
    let atlas: &'static Atlas = Box::leak(Box::new(atlas));
    println!(
        "atlas: {} regions, {} cells (cache {cache:?})",
        atlas.regions().len(),
        atlas.cells().cell_values().len()
    );

    // cell 2
    let diagnose = Diagnose::new(atlas);
    let oost = diagnose
        .profile("WK034405", None)
        .expect("the profile of Oost");
    println!("{}", render::markdown(&oost));

    // cell 3
    for (i, punt) in oost.aandachtspunten.iter().enumerate() {
        println!("{}. (score {:.2}) {}", i + 1, punt.score, punt.text);
    }

    // cell 4
    let wijk: RegionCode = "WK034405".parse().expect("a wijk code");
    let buurten = atlas.regions_within(wijk, Level::Buurt, Indeling::new(oost.indeling));
    println!(
        "{:<12} {:<32} {:>7}  eerste aandachtspunt",
        "buurt", "naam", "score"
    );
    for b in &buurten {
        let p = diagnose
            .profile(b.key.code.as_str(), None)
            .expect("a buurt profile");
        let score = p
            .scores
            .overall
            .map_or("-".to_owned(), |s| format!("{s:.2}"));
        let first = p.aandachtspunten.first().map_or("", |a| a.text.as_str());
        println!("{:<12} {:<32} {score:>7}  {first}", b.key.code, b.name);
    }

    // cell 5
    let kern: Vec<BuurtCode> = buurten
        .iter()
        .take(4)
        .filter_map(|b| match b.key.code {
            RegionCode::Buurt(c) => Some(c),
            _ => None,
        })
        .collect();
    let gebied = diagnose
        .area("Wijkpact Oost (kern)", &kern, None, &Weights::default())
        .expect("the area profile");
    println!("{}", render::markdown(&gebied));

    // cell 6
    let fmt = |v: Option<f64>| v.map_or("-".to_owned(), |v| format!("{v:.1}"));
    println!(
        "{:<44} {:>5} {:>8} {:>8} {:>8} {:>8}",
        "indicator", "jaar", "Oost", "gebied", "Utrecht", "NL"
    );
    for ind in oost.indicators.iter().filter(|i| i.headline) {
        let in_gebied = gebied
            .indicators
            .iter()
            .find(|a| a.id == ind.id)
            .and_then(|a| a.value);
        println!(
            "{:<44} {:>5} {:>8} {:>8} {:>8} {:>8}",
            format!("{} ({})", ind.label, ind.age_group),
            ind.year,
            fmt(ind.value),
            fmt(in_gebied),
            fmt(ind.benchmarks.gemeente),
            fmt(ind.benchmarks.nl)
        );
    }

    // cell 7
    let buurt_profiles: Vec<_> = buurten
        .iter()
        .map(|b| {
            diagnose
                .profile(b.key.code.as_str(), None)
                .expect("a buurt profile")
        })
        .collect();
    let value_of = |p: &buurt_diagnose::diagnose::Profile, id: &str| {
        p.indicators
            .iter()
            .find(|i| i.id == id)
            .and_then(|i| i.value)
    };
    println!(
        "{:<32} {:>9} {:>10} {:>9} {:>8}",
        "indicator", "buurten", "gewogen", "ongewogen", "Oost"
    );
    for id in [
        "eenzaam_18plus",
        "ervaren_gezondheid_goed_18plus",
        "mantelzorger_18plus",
        "moeite_rondkomen_18plus",
    ] {
        // Each buurt's share with its inwoners as weight; suppressed buurten drop out.
        let pairs: Vec<(f64, f64)> = buurt_profiles
            .iter()
            .filter_map(|p| Some((value_of(p, id)?, value_of(p, "inwoners")?)))
            .collect();
        let weight: f64 = pairs.iter().map(|(_, w)| w).sum();
        let weighted = pairs.iter().map(|(v, w)| v * w).sum::<f64>() / weight;
        let plain = pairs.iter().map(|(v, _)| v).sum::<f64>() / pairs.len() as f64;
        let published = value_of(&oost, id).expect("Oost's published value");
        println!(
            "{id:<32} {:>9} {weighted:>10.1} {plain:>9.1} {published:>8.1}",
            pairs.len()
        );
        // Weighted by inwoners (not by adults) it is an approximation, but a close one.
        assert!(
            (weighted - published).abs() < 2.0,
            "{id}: {weighted} vs {published}"
        );
    }
}
