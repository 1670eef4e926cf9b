//! A small hand-written catalogue for tests, independent of the shipped `indicators.toml`.
//!
//! Compiled for this crate's tests and, in other crates, with the `test-support` feature (as a
//! dev-dependency: `buurt-core = { workspace = true, features = ["test-support"] }`). Each test
//! picks the entries it needs, in the order it wants their indices, with [`small_catalogue`] or
//! [`small_catalogue_toml`] (to edit the text first).
//!
//! [`fuzz`]: damaged copies of a valid fixture, and case counts, for the fuzz tests of the
//! parsers.

pub mod fuzz;

use crate::catalogue::Catalogue;

/// Every entry the tests use, one source per table that a loader test reads.
pub const SMALL_CATALOGUE: &str = include_str!("small_catalogue.toml");

const ENTRY: &str = "[[indicator]]\n";

/// The TOML of the entries `ids` of [`SMALL_CATALOGUE`], in the order given; each starts with
/// `[[indicator]]\nid = "…"`.
///
/// # Panics
/// When an id is not an entry of [`SMALL_CATALOGUE`].
#[must_use]
pub fn small_catalogue_toml(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| {
            let head = format!("id = \"{id}\"\n");
            let body = SMALL_CATALOGUE
                .split(ENTRY)
                .find(|entry| entry.starts_with(&head))
                .unwrap_or_else(|| panic!("'{id}' is not in the small test catalogue"));
            format!("{ENTRY}{}\n", body.trim_end())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The catalogue of the entries `ids` of [`SMALL_CATALOGUE`], indices in the order given (an
/// entry with age groups takes one index per group).
///
/// # Panics
/// When an id is unknown or the entries do not validate (a weight that is not picked too).
#[must_use]
pub fn small_catalogue(ids: &[&str]) -> Catalogue {
    Catalogue::from_toml_str(&small_catalogue_toml(ids))
        .unwrap_or_else(|e| panic!("the small test catalogue of {ids:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_validates_and_picks_keep_their_order() {
        let all = Catalogue::from_toml_str(SMALL_CATALOGUE).expect("valid");
        assert_eq!(all.len(), 12);
        let two = small_catalogue(&["eenzaam", "inwoners"]);
        let ids: Vec<&str> = two.indicators().iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["eenzaam_18plus", "eenzaam_65plus", "inwoners"]);
        let text = small_catalogue_toml(&["inwoners"]);
        assert!(
            text.starts_with("[[indicator]]\nid = \"inwoners\"\n"),
            "{text}"
        );
        assert!(!text.contains("jeugdzorg"), "{text}");
    }
}
