//! Applying [`super::decimals`] to a stacked StatLine export: cross-checks from other columns of
//! the same row, anchors per column and year, and a count of what was decoded.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use buurt_core::{Catalogue, MissingReason, SourceTable};

use super::decimals::DecimalRule;
use super::header::Header;
use super::mapping::Mapping;
use super::year_columns::{Rows, YearColumn, YearColumns};

/// A weighted sum of columns (OData keys without suffix).
type Terms = Vec<(String, f64)>;

/// Weighted column keys, as written in [`BUILTIN_CHECKS`].
type StaticTerms = &'static [(&'static str, f64)];

/// Cross-checks CBS definitions allow: the published value ≈ `scale × Σ numerator / Σ denominator`.
const BUILTIN_CHECKS: &[(&str, StaticTerms, StaticTerms, f64)] = &[
    // Jeugdzorg in natura counts people under 23: 0–14 plus 8 of the 10 years 15–24.
    (
        "PercentageJongerenMetJeugdzorg",
        &[("JongerenMetJeugdzorgInNatura", 1.0)],
        &[("k_0Tot15Jaar", 1.0), ("k_15Tot25Jaar", 0.8)],
        100.0,
    ),
    // Inhabitants per household (people in institutions make it slightly high).
    (
        "GemiddeldeHuishoudensgrootte",
        &[("AantalInwoners", 1.0)],
        &[("HuishoudensTotaal", 1.0)],
        1.0,
    ),
];

/// A value computed from other columns of the same row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CrossCheck {
    numerator: Terms,
    denominator: Terms,
    scale: f64,
}

impl CrossCheck {
    /// The check for an indicator: a built-in one for its column, else its catalogue numerator
    /// and denominator when both are read from the same table without decimals.
    pub(crate) fn for_mapping(
        mapping: &Mapping<'_>,
        catalogue: &Catalogue,
        table: SourceTable,
    ) -> Option<Self> {
        let key = super::header::odata_stem(&mapping.source.column);
        if let Some((_, num, den, scale)) =
            BUILTIN_CHECKS.iter().find(|(target, ..)| *target == key)
        {
            let owned =
                |terms: &[(&str, f64)]| terms.iter().map(|(k, w)| ((*k).to_owned(), *w)).collect();
            return Some(Self {
                numerator: owned(num),
                denominator: owned(den),
                scale: *scale,
            });
        }
        let column_of = |id: &Option<String>| {
            let source = catalogue.get(id.as_deref()?)?.source(table)?;
            (source.decimals.unwrap_or(0) == 0).then(|| source.column.clone())
        };
        let numerator = column_of(&mapping.info.numerator)?;
        let denominator = column_of(&mapping.info.denominator)?;
        Some(Self {
            numerator: vec![(numerator, 1.0)],
            denominator: vec![(denominator, 1.0)],
            scale: mapping.info.scale,
        })
    }

    /// The check's value in data row `row` of `year`, if every term has a number and the
    /// denominator is positive.
    pub(crate) fn evaluate(
        &self,
        header: &Header,
        rows: &impl Rows,
        columns: &mut YearColumns,
        year: u16,
        year_rows: &[usize],
        row: usize,
    ) -> Option<f64> {
        let mut sum = |terms: &Terms| -> Option<f64> {
            let mut total = 0.0;
            for (key, weight) in terms {
                let YearColumn::One(col) = columns.get(header, rows, key, year, year_rows) else {
                    return None;
                };
                total += weight * rows.cell(row, col).value(MissingReason::Empty).number()?;
            }
            Some(total)
        };
        let numerator = sum(&self.numerator)?;
        let denominator = sum(&self.denominator)?;
        (denominator > 0.0).then(|| self.scale * numerator / denominator)
    }
}

/// What happened to the stripped values of one column in one year.
#[derive(Debug, Default)]
pub(crate) struct RepairStats {
    by_rule: BTreeMap<DecimalRule, usize>,
    ambiguous: usize,
    examples: Vec<String>,
    note: Option<String>,
}

impl RepairStats {
    /// Count a decoded value.
    pub(crate) fn decoded(&mut self, rule: DecimalRule) {
        *self.by_rule.entry(rule).or_insert(0) += 1;
    }

    /// Count an ambiguous value, keeping a few examples (`BU00340101 raw 23`).
    pub(crate) fn ambiguous(&mut self, example: impl FnOnce() -> String) {
        self.ambiguous += 1;
        if self.examples.len() < 3 {
            self.examples.push(example());
        }
    }

    /// A remark for the report line.
    pub(crate) fn note(&mut self, note: &str) {
        self.note = Some(note.to_owned());
    }

    /// Stripped values seen (decoded or not).
    pub(crate) fn total(&self) -> usize {
        self.by_rule.values().sum::<usize>() + self.ambiguous
    }

    /// Values left ambiguous.
    pub(crate) fn ambiguous_count(&self) -> usize {
        self.ambiguous
    }

    /// One sentence for the report.
    pub(crate) fn message(&self, decimals: u8) -> String {
        let decoded: usize = self.by_rule.values().sum();
        let mut msg = format!(
            "{} values written without their decimal point ({decimals} decimal{}): {decoded} decoded",
            decoded + self.ambiguous,
            if decimals == 1 { "" } else { "s" }
        );
        if !self.by_rule.is_empty() {
            let parts: Vec<String> = self
                .by_rule
                .iter()
                .map(|(r, n)| format!("{n} by {}", r.as_str()))
                .collect();
            let _ = write!(msg, " ({})", parts.join(", "));
        }
        if self.ambiguous > 0 {
            let _ = write!(
                msg,
                "; {} ambiguous, kept as missing ({}), e.g. {}",
                self.ambiguous,
                MissingReason::AmbiguousDecimal.as_str(),
                self.examples.join("; ")
            );
        }
        if let Some(note) = &self.note {
            let _ = write!(msg, "; {note}");
        }
        msg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_count_rules_and_ambiguous_values() {
        let mut s = RepairStats::default();
        s.decoded(DecimalRule::Range);
        s.decoded(DecimalRule::Range);
        s.decoded(DecimalRule::CrossCheck);
        s.ambiguous(|| "BU00340101 raw 23".into());
        let m = s.message(1);
        assert!(m.starts_with("4 values"), "{m}");
        assert!(
            m.contains("3 decoded (2 by range, 1 by cross_check)"),
            "{m}"
        );
        assert!(
            m.contains("1 ambiguous")
                && m.contains("ambiguous_decimal")
                && m.contains("BU00340101 raw 23"),
            "{m}"
        );
        assert_eq!(s.total(), 4);
        assert_eq!(s.ambiguous_count(), 1);
    }
}
