//! The table loaders with the vintages, years and names the fixtures are made for, all of one
//! signature, so a test can take any of them.

use std::path::Path;

use buurt_core::{Catalogue, Level, SourceTable};
use buurt_io::tables::{
    MaatwerkTable, Vintage, load_kwb_xlsx, load_maatwerk_csv, load_nabijheid_csv,
    load_statline_csv, load_statline_json, load_tmap_attributes, load_vektis_csv,
};
use buurt_io::{IoError, TableDataset};

use super::fixtures::vektis_names;

pub fn statline_csv(path: &Path, catalogue: &Catalogue) -> Result<TableDataset, IoError> {
    load_statline_csv(
        path,
        SourceTable::CbsKwbStatline,
        Vintage::new(2024),
        catalogue,
    )
}

pub fn statline_json(path: &Path, catalogue: &Catalogue) -> Result<TableDataset, IoError> {
    load_statline_json(
        path,
        SourceTable::CbsKwbStatline,
        Vintage::new(2024),
        catalogue,
    )
}

pub fn nabijheid(path: &Path, catalogue: &Catalogue) -> Result<TableDataset, IoError> {
    load_nabijheid_csv(path, 2023, catalogue)
}

pub fn vektis(path: &Path, catalogue: &Catalogue) -> Result<TableDataset, IoError> {
    load_vektis_csv(path, &vektis_names(), catalogue)
}

pub fn tmap(path: &Path, catalogue: &Catalogue) -> Result<TableDataset, IoError> {
    load_tmap_attributes(&[(path, Level::Wijk)], catalogue)
}

pub fn maatwerk(path: &Path, catalogue: &Catalogue) -> Result<TableDataset, IoError> {
    load_maatwerk_csv(&[(path, MaatwerkTable::AutobezitGemeente)], catalogue)
}

pub fn kwb_xlsx(path: &Path, catalogue: &Catalogue) -> Result<TableDataset, IoError> {
    load_kwb_xlsx(path, 2024, catalogue)
}
