//! Vektis Zvw zorgkosten per gemeente (derived tables): gemeenten by upper-case name only.

use std::path::Path;

use buurt_core::{Catalogue, Indeling, SourceTable};

use crate::dataset::TableDataset;
use crate::error::IoError;

use super::delimited::Delimited;
use super::gemeente_names::GemeenteNames;
use super::keyed::{KeyedSpec, RegionBy, YearFrom, load_keyed};

/// The year (and gemeente classification) of the Vektis open data these tables derive from.
pub const VEKTIS_YEAR: u16 = 2023;

/// Vektis spellings that no normalisation of the CBS name reaches.
const ALIASES: &[(&str, &str)] = &[
    // Bergen in Limburg ("Bergen (L.)"); Bergen (NH.) is written "BERGEN NH".
    ("BERGEN LB", "Bergen (L.)"),
    // "c.a." for "cum annexis": Nuenen with Gerwen and Nederwetten.
    ("NUENEN CA", "Nuenen, Gerwen en Nederwetten"),
];

/// Load a Vektis derived table (`,`-separated, key column `gemeentenaam`). Gemeente names are
/// resolved through `gemeenten` (built by the caller, e.g. from the PDOK gemeente names);
/// names that do not resolve are reported as problems and their rows skipped.
///
/// Wide tables (one row per gemeente, `municipality_benchmark`) need no catalogue filter; the
/// long `category_breakdown` table needs `filter = { care_category = "…" }`.
///
/// ```
/// use buurt_core::Catalogue;
/// use buurt_io::tables::{GemeenteNames, load_vektis_csv};
/// let catalogue = Catalogue::from_toml_str(r#"
/// [[indicator]]
/// id = "zvw_kosten_per_verzekerde"
/// label_nl = "Zvw-kosten per verzekerdejaar"
/// label_en = "Health insurance cost per insured year"
/// theme = "zorgbehoefte"
/// unit = "euro"
/// polarity = "higher_is_need"
/// aggregation = "none"
/// [[indicator.source]]
/// table = "vektis_zvw"
/// column = "actual_cost_per_insured_year"
/// "#)?;
/// let names = GemeenteNames::new([("Utrecht", "GM0344".parse()?)]);
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("benchmark.csv");
/// std::fs::write(&path, "gemeentenaam,actual_cost_per_insured_year\nUTRECHT,2658.9\nNERGENSHUIZEN,1.0\n")?;
/// let table = load_vektis_csv(&path, &names, &catalogue)?;
/// assert_eq!(table.observations.len(), 1);
/// assert!(table.problems[0].message.contains("NERGENSHUIZEN"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_vektis_csv(
    path: &Path,
    gemeenten: &GemeenteNames,
    catalogue: &Catalogue,
) -> Result<TableDataset, IoError> {
    let file = Delimited::read(path, b',')?;
    let spec = KeyedSpec {
        table: SourceTable::VektisZvw,
        region: RegionBy::GemeenteName {
            name: "gemeentenaam",
            names: gemeenten,
            aliases: ALIASES,
        },
        year: YearFrom::Fixed(VEKTIS_YEAR),
        indeling: Some(Indeling::new(VEKTIS_YEAR)),
        columns: None,
    };
    load_keyed(path, &file, spec, catalogue)
}
