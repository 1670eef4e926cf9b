//! CBS 85994NED *Gebruik voorzieningen sociaal domein* as a `,`-separated long-format excerpt:
//! one row per region, period and combination of provisions; catalogue sources pick their rows
//! with `filter` (e.g. `soort_voorziening_sociaal_domein = "Alleen Jeugd"`).

use std::path::Path;

use buurt_core::{Catalogue, SourceTable};

use crate::dataset::TableDataset;
use crate::error::IoError;

use super::delimited::Delimited;
use super::keyed::{KeyedSpec, RegionBy, YearFrom, load_keyed};

/// Load a 85994NED excerpt with columns `regio_code`, `regio`, `perioden` and the value columns
/// the catalogue names. The regions belong to the indeling of the reporting year; `.` is
/// suppressed. Two rows giving the same indicator for one region and year are an error.
///
/// ```
/// use buurt_core::{Catalogue, SourceTable};
/// let catalogue = Catalogue::from_toml_str(r#"
/// [[indicator]]
/// id = "clienten_alleen_jeugd"
/// label_nl = "Cliënten alleen Jeugdwet"
/// label_en = "Clients youth care only"
/// theme = "jeugdzorg"
/// unit = "count"
/// polarity = "neutral"
/// aggregation = "sum"
/// [[indicator.source]]
/// table = "cbs_85994"
/// column = "clienten_met_voorzieningen"
/// filter = { soort_voorziening_sociaal_domein = "Alleen Jeugd", aantal_voorzieningen = "Totaal" }
/// "#)?;
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("85994.csv");
/// std::fs::write(&path, "aantal_voorzieningen,soort_voorziening_sociaal_domein,regio,regio_code,perioden,clienten_met_voorzieningen\n\
///     Totaal,Totaal,Utrecht,GM0344,2024,39860\nTotaal,Alleen Jeugd,Utrecht,GM0344,2024,8970\n")?;
/// let table = buurt_io::tables::load_cbs_85994_csv(&path, &catalogue)?;
/// assert_eq!(table.observations.len(), 1);
/// assert_eq!(table.observations[0].value, buurt_core::Value::Number(8970.0));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn load_cbs_85994_csv(path: &Path, catalogue: &Catalogue) -> Result<TableDataset, IoError> {
    let file = Delimited::read(path, b',')?;
    let spec = KeyedSpec {
        table: SourceTable::Cbs85994,
        region: RegionBy::Code {
            code: "regio_code",
            name: Some("regio"),
            level: None,
        },
        year: YearFrom::Column("perioden"),
        indeling: None,
        columns: None,
    };
    load_keyed(path, &file, spec, catalogue)
}
