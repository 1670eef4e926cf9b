//! The errors of buurt-diagnose.

/// A diagnose query failed, or the atlas under it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DiagnoseError {
    /// Opening, building or reading the atlas failed.
    #[error(transparent)]
    Atlas(#[from] buurt_atlas::AtlasError),
    /// A polars operation failed (building a table for analysts).
    #[error("table operation failed")]
    Polars(#[from] polars::error::PolarsError),
    /// Writing an Excel workbook failed.
    #[error("writing the xlsx workbook failed")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// A region code that is not in the atlas.
    #[error("unknown region '{code}'")]
    UnknownRegion {
        /// The code as given.
        code: String,
    },
    /// A request parameter that does not fit.
    #[error("invalid parameter {name}: {message}")]
    Parameter {
        /// The parameter.
        name: &'static str,
        /// What is wrong.
        message: String,
    },
    /// No dataset has values of the indicator in that year for the regions asked for.
    #[error("no values of {indicator} in {year} for the {level} regions within {within}")]
    NoValues {
        /// The indicator id.
        indicator: String,
        /// The year.
        year: u16,
        /// The area code.
        within: String,
        /// The level asked for.
        level: buurt_core::Level,
    },
    /// No year (up to the one asked for) has values of the indicator for the regions asked for.
    #[error("no year{} with values of {indicator} for the {level} regions within {within}", up_to.map(|y| format!(" up to {y}")).unwrap_or_default())]
    NoYear {
        /// The indicator id.
        indicator: String,
        /// The newest year allowed, if any.
        up_to: Option<u16>,
        /// The area code.
        within: String,
        /// The level asked for.
        level: buurt_core::Level,
    },
    /// The data hold no polygons of the regions a request needs.
    #[error(
        "no polygons of the {level} regions of indeling {indeling} within {within} ({parameter}): \
         the data hold no boundaries of that indeling there, and buurt does not invent them"
    )]
    NoGeometry {
        /// The request parameter naming that side (`from`, `to`).
        parameter: &'static str,
        /// The level.
        level: buurt_core::Level,
        /// The indeling.
        indeling: u16,
        /// The area code.
        within: String,
    },
    /// A statistic is undefined: fewer than 3 regions with a value, all values equal, or no
    /// region with a neighbour.
    #[error(
        "Moran's I of {indicator} in {year} within {within} is undefined on {regions} regions \
         (fewer than 3, all values equal, or no neighbours)"
    )]
    Undefined {
        /// The indicator id.
        indicator: String,
        /// The year.
        year: u16,
        /// The area code.
        within: String,
        /// Regions with a value and a polygon.
        regions: usize,
    },
}

/// Result alias for buurt-diagnose.
pub type Result<T, E = DiagnoseError> = std::result::Result<T, E>;
