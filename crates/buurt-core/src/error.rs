//! The errors of buurt-core.

use crate::code::CodeError;

/// A problem with the indicator catalogue.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogueError {
    /// The TOML does not parse or does not match the schema (boxed: the parser's error is large).
    #[error("indicator catalogue is not valid TOML for the schema: {0}")]
    Toml(#[source] Box<toml::de::Error>),
    /// Two entries expand to the same id.
    #[error("indicator catalogue: id '{id}' appears twice")]
    Duplicate {
        /// The repeated id.
        id: String,
    },
    /// An entry is inconsistent.
    #[error("indicator catalogue: '{id}' {problem}")]
    Invalid {
        /// The indicator id.
        id: String,
        /// What is wrong.
        problem: String,
    },
    /// An id that is not in the catalogue.
    #[error("unknown indicator '{id}'")]
    Unknown {
        /// The id asked for.
        id: String,
    },
}

/// Any error of buurt-core.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CoreError {
    /// A bad region code.
    #[error(transparent)]
    Code(#[from] CodeError),
    /// A bad catalogue.
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
}
