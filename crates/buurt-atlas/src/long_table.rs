//! The long table (one row per cell, see [`crate::columns`]) made from the cell index, for
//! [`Atlas::to_dataframe`](crate::Atlas::to_dataframe) and the Parquet cache.
//!
//! The text columns are categoricals. Their few thousand distinct texts (datasets, regions,
//! indicators, age groups, levels, missing reasons) are put in polars's global categories once
//! each, and every row gets the ids by position: no string per row is made or hashed, which
//! for the five million cells of the national atlas is most of the time and memory a
//! row-by-row table of strings costs.

use buurt_core::{Catalogue, MissingReason};
use polars::prelude::{
    Categorical32Chunked, Categories, Column, DataFrame, DataType, IntoColumn, IntoSeries,
    NewChunkedArray, UInt32Chunked,
};

use crate::cells::CellIndex;
use crate::columns;
use crate::error::Result;

/// The long table of `cells`; a row without a value always has a reason
/// ([`MissingReason::Empty`] when the cell gives none).
pub(crate) fn long_table(cells: &CellIndex, catalogue: &Catalogue) -> Result<DataFrame> {
    let categorical = DataType::from_categories(Categories::global());
    let DataType::Categorical(_, mapping) = &categorical else {
        unreachable!("from_categories makes a categorical type");
    };
    let id = |text: &str| mapping.insert_cat(text);
    let indicators = catalogue.indicators();
    let dataset_ids = cells
        .datasets()
        .iter()
        .map(|d| id(d))
        .collect::<Result<Vec<u32>, _>>()?;
    let indicator_ids = indicators
        .iter()
        .map(|i| id(&i.id))
        .collect::<Result<Vec<u32>, _>>()?;
    let age_ids = indicators
        .iter()
        .map(|i| id(i.age_group.as_str()))
        .collect::<Result<Vec<u32>, _>>()?;
    // Per region number: code, level and indeling.
    let region_ids = cells
        .region_keys()
        .iter()
        .map(|k| {
            Ok((
                id(k.code.as_str())?,
                id(k.code.level().as_str())?,
                i32::from(k.indeling.year()),
            ))
        })
        .collect::<Result<Vec<(u32, u32, i32)>, polars::error::PolarsError>>()?;
    let missing_ids = MissingReason::ALL
        .iter()
        .map(|r| Ok((*r, id(r.as_str())?)))
        .collect::<Result<Vec<(MissingReason, u32)>, polars::error::PolarsError>>()?;
    let missing_id =
        |r: MissingReason| missing_ids.iter().find(|(m, _)| *m == r).map(|(_, id)| *id);

    let groups = cells.cell_groups();
    let regions = cells.cell_regions();
    let values = cells.cell_values();
    let reasons = cells.cell_missing_reasons();
    let n = values.len();
    let mut dataset = Vec::with_capacity(n);
    let mut region = Vec::with_capacity(n);
    let mut level = Vec::with_capacity(n);
    let mut indeling = Vec::with_capacity(n);
    let mut year = Vec::with_capacity(n);
    let mut indicator = Vec::with_capacity(n);
    let mut age = Vec::with_capacity(n);
    let mut value = Vec::with_capacity(n);
    let mut missing = Vec::with_capacity(n);
    for c in 0..n {
        let g = groups[c];
        let (code, lvl, ind) = region_ids[regions[c] as usize];
        dataset.push(dataset_ids[usize::from(g.dataset)]);
        region.push(code);
        level.push(lvl);
        indeling.push(ind);
        year.push(i32::from(g.year));
        indicator.push(indicator_ids[usize::from(g.indicator)]);
        age.push(age_ids[usize::from(g.indicator)]);
        let v = values[c];
        let present = v.is_finite();
        value.push(present.then_some(v));
        missing.push(if present {
            None
        } else {
            missing_id(reasons[c].unwrap_or(MissingReason::Empty))
        });
    }
    // The name comes with the ids.
    let text = |ids: UInt32Chunked| {
        Categorical32Chunked::from_cats_and_dtype(ids, categorical.clone())
            .into_series()
            .into_column()
    };
    let ids = |name: &str, ids: Vec<u32>| text(UInt32Chunked::from_vec(name.into(), ids));
    Ok(DataFrame::new(
        n,
        vec![
            ids(columns::DATASET, dataset),
            ids(columns::REGION, region),
            ids(columns::LEVEL, level),
            Column::new(columns::INDELING.into(), indeling),
            Column::new(columns::YEAR.into(), year),
            ids(columns::INDICATOR, indicator),
            ids(columns::AGE_GROUP, age),
            Column::new(columns::VALUE.into(), value),
            text(UInt32Chunked::from_iter_options(
                columns::MISSING.into(),
                missing.into_iter(),
            )),
        ],
    )?)
}

#[cfg(test)]
mod tests {
    use buurt_core::{Catalogue, Indeling, MissingReason, RegionKey};
    use polars::prelude::{Categories, Column, DataFrame, DataType};

    use crate::{Atlas, Cell, columns};

    /// The table as strings cast to categoricals, row by row: what the ids must give.
    #[test]
    fn the_table_is_the_same_as_made_from_strings() {
        let key = |c: &str, y: u16| RegionKey::new(c.parse().unwrap(), Indeling::new(y));
        let cells = [
            Cell::new(
                "kwb",
                key("GM0344", 2024),
                "inwoners",
                2024,
                Some(360_000.0),
            ),
            Cell::new("kwb", key("WK034401", 2024), "inwoners", 2024, None)
                .missing(MissingReason::Suppressed),
            Cell::new("kwb", key("BU03440101", 2024), "inwoners", 2023, None),
            Cell::new(
                "rivm",
                key("BU03440101", 2020),
                "eenzaam_65plus",
                2020,
                Some(44.5),
            ),
            Cell::new(
                "rivm",
                key("NL01", 2020),
                "eenzaam_65plus",
                2020,
                Some(f64::NAN),
            ),
            Cell::new(
                "rivm",
                key("WK034401", 2020),
                "eenzaam_65plus",
                2020,
                Some(51.0),
            ),
        ];
        let catalogue = Catalogue::builtin().unwrap();
        let atlas = Atlas::from_cells(catalogue.clone(), cells).unwrap();
        let got = atlas.to_dataframe().unwrap();

        let c = atlas.cells();
        let n = c.cell_values().len();
        let mut rows: [Vec<Option<String>>; 6] = Default::default();
        let (mut indeling, mut year, mut value) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..n {
            let g = c.cell_groups()[i];
            let k = c.cell_region(i);
            let ind = &catalogue.indicators()[usize::from(g.indicator)];
            let (v, m) = c.cell_value(i);
            let v = v.is_finite().then_some(v);
            rows[0].push(Some(c.datasets()[usize::from(g.dataset)].clone()));
            rows[1].push(Some(k.code.to_string()));
            rows[2].push(Some(k.code.level().as_str().into()));
            rows[3].push(Some(ind.id.clone()));
            rows[4].push(Some(ind.age_group.as_str().into()));
            rows[5].push(
                v.is_none()
                    .then(|| m.unwrap_or(MissingReason::Empty).as_str().into()),
            );
            indeling.push(i32::from(k.indeling.year()));
            year.push(i32::from(g.year));
            value.push(v);
        }
        let categorical = DataType::from_categories(Categories::global());
        let [dataset, region, level, indicator, age, missing] =
            rows.map(|r| Column::new("x".into(), r));
        let text = |name: &str, c: Column| c.cast(&categorical).unwrap().with_name(name.into());
        let want = DataFrame::new(
            n,
            vec![
                text(columns::DATASET, dataset),
                text(columns::REGION, region),
                text(columns::LEVEL, level),
                Column::new(columns::INDELING.into(), indeling),
                Column::new(columns::YEAR.into(), year),
                text(columns::INDICATOR, indicator),
                text(columns::AGE_GROUP, age),
                Column::new(columns::VALUE.into(), value),
                text(columns::MISSING, missing),
            ],
        )
        .unwrap();
        assert_eq!(got.schema(), want.schema());
        assert!(got.equals_missing(&want), "{got}\n{want}");
        // The NaN value is a missing row with the reason "empty".
        let reasons = got.column(columns::MISSING).unwrap();
        assert_eq!(reasons.null_count(), 3);
    }
}
