//! Indicator tables: one loader per source, each returning a [`TableDataset`](crate::TableDataset)
//! in long form.
//!
//! Every loader reads only the columns the [`Catalogue`](buurt_core::Catalogue) maps for its
//! [`SourceTable`](buurt_core::SourceTable), records the regions the file names, and keeps the
//! reason for every missing value:
//!
//! | loader | source | missing values |
//! |---|---|---|
//! | [`load_kwb_xlsx`] | CBS kwb flat xlsx (`a_inw`) | `.` suppressed, empty `Empty` |
//! | [`load_kwb_stacked_csv`] | stacked StatLine kwb export (Almere), decimal points restored | empty `Empty`, undecidable `AmbiguousDecimal` |
//! | [`load_statline_csv`], [`load_statline_json`] | StatLine TypedDataSet (OData keys) | empty / `null` `Empty` |
//! | [`load_rivm_50090_xlsx`], [`load_rivm_50090_dir`], [`load_rivm_50090_json`] | RIVM 50090NED per wijk en buurt (xlsx exports, OData JSON) | empty `NotMeasured`, `.` suppressed |
//! | [`load_rivm_50140_csv`] | RIVM 50140NED jongvolwassenen (gemeenten) | empty `Empty` |
//! | [`load_cbs_85994_csv`] | CBS 85994NED excerpt (long format, catalogue filters) | `.` suppressed |
//! | [`load_nabijheid_csv`] | CBS Nabijheid voorzieningen (hierarchical headers) | `.` suppressed |
//! | [`load_vektis_csv`] | Vektis Zvw derived tables, keyed by gemeente name | empty `Empty` |
//! | [`load_tmap_attributes`] | kwb 2022 of all NL wijken and gemeenten (R package tmap) | empty (`NA`) `Empty` |
//! | [`load_maatwerk_csv`] | CBS maatwerk income 2020 and cars 2023 per wijk (indeling 2023) | `.` suppressed |
//!
//! Malformed input is an [`IoError`](crate::IoError) naming file, row, column and code; catalogue
//! columns a file lacks, names that do not resolve and skipped rows are
//! [`Problem`](crate::Problem)s.

mod builder;
mod cbs_85994;
mod cell;
pub mod decimals;
mod delimited;
mod gemeente_names;
mod header;
mod keyed;
mod kwb_xlsx;
mod maatwerk;
mod mapping;
mod nabijheid;
mod odata_json;
mod repair;
mod rivm_50090;
mod rivm_50140;
mod statline;
mod tmap;
mod vektis;
mod xlsx;
mod year_columns;

pub(crate) use builder::merge;
pub use cbs_85994::load_cbs_85994_csv;
pub use gemeente_names::{GemeenteNames, gemeente_name_key};
pub use header::odata_stem;
pub use kwb_xlsx::load_kwb_xlsx;
pub use maatwerk::{
    MAATWERK_AUTOBEZIT_YEAR, MAATWERK_INDELING, MAATWERK_INKOMEN_YEAR, MaatwerkTable,
    load_maatwerk_csv,
};
pub use nabijheid::load_nabijheid_csv;
pub use rivm_50090::{
    RIVM_50090_INDELING, load_rivm_50090_dir, load_rivm_50090_json, load_rivm_50090_xlsx,
    rivm_age_group,
};
pub use rivm_50140::{RIVM_50140_YEAR, load_rivm_50140_csv};
pub use statline::{Vintage, load_kwb_stacked_csv, load_statline_csv, load_statline_json};
pub use tmap::{TMAP_KWB_YEAR, load_tmap_attributes};
pub use vektis::{VEKTIS_YEAR, load_vektis_csv};
