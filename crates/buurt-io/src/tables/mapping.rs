//! Which file columns feed which catalogue indicators.

use std::collections::BTreeMap;

use buurt_core::{AgeGroup, Catalogue, Indicator, SourceColumn, SourceTable};

use super::header::Header;

/// One catalogue indicator read from a source table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mapping<'c> {
    /// Index in [`Catalogue::indicators`].
    pub indicator: u16,
    /// The indicator.
    pub info: &'c Indicator,
    /// Its column in this table.
    pub source: &'c SourceColumn,
}

/// The catalogue's indicators for `table`, optionally only those of one age group (RIVM files
/// hold one age group each).
pub(crate) fn mappings(
    catalogue: &Catalogue,
    table: SourceTable,
    age: Option<AgeGroup>,
) -> Vec<Mapping<'_>> {
    catalogue
        .indicators()
        .iter()
        .enumerate()
        .filter(|(_, ind)| age.is_none_or(|a| ind.age_group == a))
        .filter_map(|(i, ind)| {
            ind.source(table).map(|source| Mapping {
                indicator: u16::try_from(i).expect("a catalogue has fewer than 65 536 indicators"),
                info: ind,
                source,
            })
        })
        .collect()
}

/// The columns that may hold `column`: the exact name, else OData keys with that stem
/// (`Mantelzorger` → `Mantelzorger_32`), else hierarchical headers ending in `/column`.
pub(crate) fn candidates(header: &Header, column: &str) -> Vec<usize> {
    if let Some(i) = header.find(column) {
        return vec![i];
    }
    let stems = header.stem_matches(column);
    if stems.is_empty() {
        header.path_tail_matches(column)
    } else {
        stems
    }
}

/// A catalogue indicator with the one column that holds it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ValueColumn<'c> {
    /// Column index.
    pub col: usize,
    /// The indicator.
    pub mapping: Mapping<'c>,
}

/// Resolve every mapping to one column. Columns that are absent or ambiguous are skipped, with
/// the reason, and their indicators left out: a catalogue may list columns that some vintages
/// of a table lack (`Builder::value_columns` reports them).
pub(crate) fn resolve_columns<'c>(
    header: &Header,
    mappings: &[Mapping<'c>],
) -> (Vec<ValueColumn<'c>>, Skipped) {
    let mut cols = Vec::new();
    let mut skipped = Skipped::default();
    for m in mappings {
        match candidates(header, &m.source.column).as_slice() {
            [col] => cols.push(ValueColumn {
                col: *col,
                mapping: *m,
            }),
            [] => skipped.add(NOT_IN_FILE, m),
            many => skipped.add_detail(
                "the name matches several columns",
                m,
                &many
                    .iter()
                    .map(|&i| header.name(i))
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        }
    }
    (cols, skipped)
}

/// The most common reason to skip a catalogue source.
pub(crate) const NOT_IN_FILE: &str = "the column is not in the file";

/// Catalogue sources a file cannot serve, reported as one problem per reason rather than one per
/// indicator.
#[derive(Debug, Default)]
pub(crate) struct Skipped {
    by_reason: BTreeMap<&'static str, Vec<String>>,
}

impl Skipped {
    /// Skip `m` for `reason` ([`NOT_IN_FILE`]).
    pub(crate) fn add(&mut self, reason: &'static str, m: &Mapping<'_>) {
        self.by_reason
            .entry(reason)
            .or_default()
            .push(format!("'{}' ({})", m.source.column, m.info.id));
    }

    /// Skip `m` for `reason`, with a detail in brackets.
    pub(crate) fn add_detail(&mut self, reason: &'static str, m: &Mapping<'_>, detail: &str) {
        self.by_reason
            .entry(reason)
            .or_default()
            .push(format!("'{}' ({}: {detail})", m.source.column, m.info.id));
    }

    /// One message per reason.
    pub(crate) fn messages(self) -> impl Iterator<Item = String> {
        self.by_reason.into_iter().map(|(reason, list)| {
            let n = list.len();
            format!(
                "{n} catalogue source{} not loaded from this file ({reason}): {}",
                if n == 1 { "" } else { "s" },
                list.join(", ")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn candidates_prefer_exact_then_stem_then_path() {
        let h = Header::new(
            Path::new("x"),
            [
                "a_inw",
                "Mantelzorger_32",
                "Mantelzorger_127",
                "Zorg/Afstand tot apotheek (km)",
            ],
        );
        assert_eq!(candidates(&h, "a_inw"), vec![0]);
        assert_eq!(candidates(&h, "Mantelzorger_32"), vec![1]);
        assert_eq!(candidates(&h, "Mantelzorger"), vec![1, 2]);
        assert_eq!(candidates(&h, "Afstand tot apotheek (km)"), vec![3]);
        assert!(candidates(&h, "a_man").is_empty());
    }
}
