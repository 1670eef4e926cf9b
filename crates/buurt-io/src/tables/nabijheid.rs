//! CBS *Nabijheid voorzieningen* (distance to facilities per wijk and buurt), the StatLine "CSV
//! met statistische symbolen": `;`, every field quoted, hierarchical headers
//! (`Gezondheid en welzijn/Huisartsenpraktijk/Afstand tot huisartsenpraktijk (km)`), values
//! padded (`"     0.9"`, `"       ."`).

use std::path::Path;

use buurt_core::{Catalogue, SourceTable};

use crate::dataset::TableDataset;
use crate::error::IoError;

use super::delimited::Delimited;
use super::keyed::{KeyedSpec, RegionBy, YearFrom, load_keyed};

/// The region code column (`NL00`, `GM0344`, `WK034401`, `BU03440111`, padded).
const CODE: &str = "Regioaanduiding/Codering (code)";
/// The region name column.
const NAME: &str = "Wijken en buurten";
/// The level column (`Land`, `Gemeente`, `Wijk`, `Buurt`).
const LEVEL: &str = "Regioaanduiding/Soort regio (omschrijving)";

/// Load a Nabijheid voorzieningen CSV of `year` (regions on the indeling of that year).
///
/// A catalogue column is the full header, or its last segments when those are unique
/// (`Afstand tot apotheek (km)`). `.` is suppressed.
pub fn load_nabijheid_csv(
    path: &Path,
    year: u16,
    catalogue: &Catalogue,
) -> Result<TableDataset, IoError> {
    let file = Delimited::read(path, b';')?;
    let spec = KeyedSpec {
        table: SourceTable::CbsNabijheid,
        region: RegionBy::Code {
            code: CODE,
            name: Some(NAME),
            level: Some(LEVEL),
        },
        year: YearFrom::Fixed(year),
        indeling: None,
        columns: None,
    };
    load_keyed(path, &file, spec, catalogue)
}
