//! RIVM 50140NED *Gezondheidsmonitor Jongvolwassenen* 2024 (16–25 jaar), per gemeente, as a
//! StatLine TypedDataSet CSV. Besides NL01 and the gemeenten it holds GGD regions (`GG0111`) and
//! an undocumented aggregate `CG01`; those are not CBS regions and are skipped.

use std::path::Path;

use buurt_core::{AgeGroup, Catalogue, SourceTable};

use crate::dataset::TableDataset;
use crate::error::IoError;

use super::delimited::Delimited;
use super::statline::{Options, Vintage, load};

/// The survey year, also the gemeente classification of the table.
pub const RIVM_50140_YEAR: u16 = 2024;

/// Load the 50140NED TypedDataSet CSV: catalogue indicators of age group 16–25, year and
/// indeling 2024, empty field = [`buurt_core::MissingReason::Empty`]. Skipped GGD rows are one
/// problem line.
pub fn load_rivm_50140_csv(path: &Path, catalogue: &Catalogue) -> Result<TableDataset, IoError> {
    let file = Delimited::read(path, b';')?;
    let options = Options {
        table: SourceTable::Rivm50140,
        vintage: Vintage::new(RIVM_50140_YEAR),
        repair_decimals: false,
        skip_prefixes: &["GG", "CG"],
        age: Some(AgeGroup::Van16Tot25),
        peildatum: false,
    };
    load(path, options, catalogue, &file.header, &file)
}
