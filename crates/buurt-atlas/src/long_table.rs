//! The long table's columns (one row per cell), as the build makes it from the loaded tables
//! and [`Atlas::to_dataframe`](crate::Atlas::to_dataframe) makes it from the cells.

use buurt_core::{MissingReason, RegionKey};
use polars::prelude::{Categories, Column, DataFrame, DataType};

use crate::columns;
use crate::error::Result;

/// Rows collected column by column.
#[derive(Debug, Default)]
pub(crate) struct LongRows<'a> {
    dataset: Vec<&'a str>,
    region: Vec<String>,
    level: Vec<&'static str>,
    indeling: Vec<i32>,
    year: Vec<i32>,
    indicator: Vec<&'a str>,
    age: Vec<&'a str>,
    value: Vec<Option<f64>>,
    missing: Vec<Option<&'static str>>,
}

impl<'a> LongRows<'a> {
    pub(crate) fn with_capacity(n: usize) -> Self {
        Self {
            dataset: Vec::with_capacity(n),
            region: Vec::with_capacity(n),
            level: Vec::with_capacity(n),
            indeling: Vec::with_capacity(n),
            year: Vec::with_capacity(n),
            indicator: Vec::with_capacity(n),
            age: Vec::with_capacity(n),
            value: Vec::with_capacity(n),
            missing: Vec::with_capacity(n),
        }
    }

    /// One row; a row without a value always has a reason ([`MissingReason::Empty`] when none
    /// is given).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn push(
        &mut self,
        dataset: &'a str,
        region: RegionKey,
        year: u16,
        indicator: &'a str,
        age_group: &'a str,
        value: Option<f64>,
        missing: Option<MissingReason>,
    ) {
        self.dataset.push(dataset);
        self.region.push(region.code.as_str().to_owned());
        self.level.push(region.code.level().as_str());
        self.indeling.push(i32::from(region.indeling.year()));
        self.year.push(i32::from(year));
        self.indicator.push(indicator);
        self.age.push(age_group);
        self.value.push(value);
        self.missing.push(match value {
            Some(_) => None,
            None => Some(missing.unwrap_or(MissingReason::Empty).as_str()),
        });
    }

    /// The table, text columns as categoricals: they repeat a few thousand distinct values over
    /// millions of rows, so this keeps it at about a third of its size in memory and Parquet.
    pub(crate) fn into_frame(self) -> Result<DataFrame> {
        let n = self.value.len();
        let categorical = DataType::from_categories(Categories::global());
        // A cast keeps the column's name.
        let text = |column: Column| column.cast(&categorical);
        Ok(DataFrame::new(
            n,
            vec![
                text(Column::new(columns::DATASET.into(), self.dataset))?,
                text(Column::new(columns::REGION.into(), self.region))?,
                text(Column::new(columns::LEVEL.into(), self.level))?,
                Column::new(columns::INDELING.into(), self.indeling),
                Column::new(columns::YEAR.into(), self.year),
                text(Column::new(columns::INDICATOR.into(), self.indicator))?,
                text(Column::new(columns::AGE_GROUP.into(), self.age))?,
                Column::new(columns::VALUE.into(), self.value),
                text(Column::new(columns::MISSING.into(), self.missing))?,
            ],
        )?)
    }
}
