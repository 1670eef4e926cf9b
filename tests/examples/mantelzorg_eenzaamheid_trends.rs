//! The code of notebooks/mantelzorg_eenzaamheid_trends.ipynb, cell by cell (`// cell N`); the
//! test tests/notebooks.rs checks that both hold the same code, and `cargo test` runs this.

fn main() {
    // cell 1
    use std::collections::BTreeMap;

    use buurt_core::{Catalogue, Level, RegionCode};
    use buurt_diagnose::atlas::{self, Atlas};
    use buurt_diagnose::diagnose::Diagnose;
    use buurt_io::registry::NoProgress;

    let data_dir = buurt_io::paths::test_data_dir();
    let cache_dir = std::env::temp_dir().join("buurt-notebook-trends");
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
    let utrecht: RegionCode = "GM0344".parse().expect("a gemeente code");
    let profiles = diagnose
        .profiles_within(utrecht, Level::Buurt, None)
        .expect("the buurt profiles");
    println!("{} buurten in Utrecht", profiles.len());

    // cell 3
    let ids = [
        "mantelzorger_18plus",
        "mantelzorger_65plus",
        "eenzaam_18plus",
        "eenzaam_65plus",
    ];
    for id in ids {
        let mut per_year: BTreeMap<u16, Vec<f64>> = BTreeMap::new();
        for p in &profiles {
            let Some(ind) = p.indicators.iter().find(|i| i.id == id) else {
                continue;
            };
            for point in &ind.series {
                if let Some(v) = point.value {
                    per_year.entry(point.year).or_default().push(v);
                }
            }
        }
        let line: Vec<String> = per_year
            .iter()
            .map(|(year, v)| {
                let mean = v.iter().sum::<f64>() / v.len() as f64;
                format!("{year}: {mean:.1}% ({} buurten)", v.len())
            })
            .collect();
        println!("{id:<20} {}", line.join("  "));
    }

    // cell 4
    for id in ids {
        let mut rising: Vec<(f64, &str, &str, f64)> = profiles
            .iter()
            .filter_map(|p| {
                let ind = p.indicators.iter().find(|i| i.id == id)?;
                let t = ind.trend.as_ref()?;
                Some((
                    t.slope_per_year,
                    p.code.as_str(),
                    p.name.as_str(),
                    t.absolute_change,
                ))
            })
            .collect();
        rising.sort_by(|a, b| b.0.total_cmp(&a.0));
        println!("\n{id}: snelst stijgend (procentpunt per jaar)");
        for (slope, code, name, change) in rising.iter().take(5) {
            println!("  {code} {name:<32} {slope:+.2}/jaar, totaal {change:+.1}");
        }
    }

    // cell 5
    for id in ids {
        let mut directions: BTreeMap<&str, usize> = BTreeMap::new();
        let mut differs = 0;
        for p in &profiles {
            let Some(t) = p
                .indicators
                .iter()
                .find(|i| i.id == id)
                .and_then(|i| i.trend.as_ref())
            else {
                continue;
            };
            *directions.entry(t.direction.as_str()).or_default() += 1;
            if t.differs_from_gemeente == Some(true) {
                differs += 1;
            }
        }
        println!(
            "{id:<20} {directions:?}; {differs} buurten wijken duidelijk af van de Utrechtse trend"
        );
    }
}
