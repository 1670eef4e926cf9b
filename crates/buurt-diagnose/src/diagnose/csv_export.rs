//! Profiles as CSV: one row per region and indicator, every field flattened, with the source
//! cited, the year, the unit and whether the release is provisional. Numbers are rounded to
//! what the source publishes (no 16-digit floats). Two dialects: RFC 4180 (`,`, decimal
//! point; the default, for scripts) and Dutch Excel (`;`, decimal comma, a UTF-8 byte order
//! mark so that "cliënten" opens unharmed).
//!
//! ```
//! use buurt_diagnose::diagnose::csv_export::{CsvDialect, write_csv};
//! let mut out = Vec::new();
//! write_csv(&[], CsvDialect::Nl, &mut out)?;
//! // Only the byte order mark and the header: no profiles.
//! assert!(out.starts_with("\u{feff}code;name;level".as_bytes()));
//! # Ok::<(), csv::Error>(())
//! ```

use buurt_core::{Kind, Unit};
use serde::Serialize;

use super::profile::Profile;

/// Which CSV to write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum CsvDialect {
    /// RFC 4180: `,` between fields, a decimal point, no byte order mark.
    #[default]
    Rfc4180,
    /// What Dutch Excel opens directly: `;` between fields, a decimal comma, a UTF-8 byte
    /// order mark.
    Nl,
}

impl CsvDialect {
    /// The dialect for a name: `rfc4180` (also `rfc`, `en`) or `nl`.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "rfc4180" | "rfc" | "en" => Some(Self::Rfc4180),
            "nl" => Some(Self::Nl),
            _ => None,
        }
    }
}

/// One CSV row: the profile's region and one indicator, flattened and rounded.
#[derive(Debug, Clone, Serialize)]
pub struct CsvRow<'a> {
    /// Region code.
    pub code: &'a str,
    /// Region name.
    pub name: &'a str,
    /// Level.
    pub level: &'a str,
    /// Wijk code.
    pub wijk: Option<&'a str>,
    /// Gemeente code.
    pub gemeente: Option<&'a str>,
    /// Indicator id.
    pub id: &'a str,
    /// Label.
    pub label: &'a str,
    /// Theme.
    pub theme: &'a str,
    /// Age group.
    pub age_group: &'a str,
    /// Year.
    pub year: u16,
    /// Value (empty when missing), rounded to the source's precision.
    pub value: Option<f64>,
    /// Why it is missing.
    pub missing_reason: Option<&'a str>,
    /// Unit.
    pub unit: String,
    /// Benchmark wijk.
    pub benchmark_wijk: Option<f64>,
    /// Benchmark gemeente.
    pub benchmark_gemeente: Option<f64>,
    /// Benchmark NL.
    pub benchmark_nl: Option<f64>,
    /// Index (gemeente = 100), one decimal.
    pub index_gemeente: Option<f64>,
    /// z against the gemeente, two decimals.
    pub z_gemeente: Option<f64>,
    /// Percentile rank within the gemeente, one decimal.
    pub rank_gemeente: Option<f64>,
    /// Band.
    pub band: Option<String>,
    /// Interval low.
    pub interval_low: Option<f64>,
    /// Interval high.
    pub interval_high: Option<f64>,
    /// Significant difference with the gemeente.
    pub significant: Option<bool>,
    /// EB-smoothed value.
    pub eb_value: Option<f64>,
    /// Trend direction.
    pub trend: Option<&'a str>,
    /// Slope per year, in the unit per year.
    pub trend_slope_per_year: Option<f64>,
    /// Trend period.
    pub trend_years: Option<String>,
    /// Why years were left out of the trend, or which were carried over from an older
    /// indeling (`reeks loopt door: 2018–2021 omgerekend van de indeling 2021 …`).
    pub trend_note: Option<&'a str>,
    /// Source dataset id.
    pub dataset: &'a str,
    /// The source as a partner cites it.
    pub source: &'a str,
    /// Whether the value's release is provisional.
    pub provisional: bool,
}

/// The decimals a value of this unit and kind is published with: whole counts, euros and
/// per-1000 rates, one decimal for shares and means (CBS and RIVM publish shares as whole
/// percentages; a ratio of sums over buurten gets one more).
#[must_use]
pub fn decimals(unit: Unit, kind: Kind) -> u32 {
    match (unit, kind) {
        (Unit::Count | Unit::Euro, _) | (_, Kind::Count) => 0,
        (Unit::Number, Kind::Score) => 2,
        _ => 1,
    }
}

fn round(v: Option<f64>, decimals: u32) -> Option<f64> {
    let scale = 10f64.powi(i32::try_from(decimals).unwrap_or(0));
    // `+ 0.0` turns a rounded -0 into 0.
    v.map(|x| (x * scale).round() / scale + 0.0)
}

fn key<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|j| j.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The rows of a profile.
#[must_use]
pub fn csv_rows(p: &Profile) -> Vec<CsvRow<'_>> {
    p.indicators
        .iter()
        .map(|i| {
            let d = decimals(i.unit, i.kind);
            CsvRow {
                code: &p.code,
                name: &p.name,
                level: p.level.as_str(),
                wijk: p.parents.wijk.as_ref().map(|w| w.code.as_str()),
                gemeente: p.parents.gemeente.as_ref().map(|g| g.code.as_str()),
                id: &i.id,
                label: &i.label,
                theme: i.theme.as_str(),
                age_group: &i.age_group,
                year: i.year,
                value: round(i.value, d),
                missing_reason: i.missing_reason.map(buurt_core::MissingReason::as_str),
                unit: key(&i.unit),
                benchmark_wijk: round(i.benchmarks.wijk, d),
                benchmark_gemeente: round(i.benchmarks.gemeente, d),
                benchmark_nl: round(i.benchmarks.nl, d),
                index_gemeente: round(i.index_gemeente, 1),
                z_gemeente: round(i.z_gemeente, 2),
                rank_gemeente: round(i.rank_gemeente, 1),
                band: i.band.map(|b| key(&b)),
                interval_low: round(i.interval.map(|c| c.low), d),
                interval_high: round(i.interval.map(|c| c.high), d),
                significant: i.significant,
                eb_value: round(i.eb_value, d),
                trend: i.trend.as_ref().map(|t| t.direction.as_str()),
                trend_slope_per_year: round(i.trend.as_ref().map(|t| t.slope_per_year), d + 1),
                trend_years: i
                    .trend
                    .as_ref()
                    .map(|t| format!("{}-{}", t.from_year, t.to_year)),
                trend_note: i.trend.as_ref().and_then(|t| t.break_note.as_deref()),
                dataset: &i.dataset,
                source: buurt_core::source::citation(&i.dataset),
                provisional: i.provisional,
            }
        })
        .collect()
}

/// The column names, in row order.
pub const HEADER: [&str; 31] = [
    "code",
    "name",
    "level",
    "wijk",
    "gemeente",
    "id",
    "label",
    "theme",
    "age_group",
    "year",
    "value",
    "missing_reason",
    "unit",
    "benchmark_wijk",
    "benchmark_gemeente",
    "benchmark_nl",
    "index_gemeente",
    "z_gemeente",
    "rank_gemeente",
    "band",
    "interval_low",
    "interval_high",
    "significant",
    "eb_value",
    "trend",
    "trend_slope_per_year",
    "trend_years",
    "trend_note",
    "dataset",
    "source",
    "provisional",
];

impl CsvRow<'_> {
    /// The row's fields as text, numbers with `decimal` as the decimal mark; in [`HEADER`]
    /// order.
    #[must_use]
    pub fn fields(&self, decimal: char) -> [String; 31] {
        let text = |s: Option<&str>| s.unwrap_or_default().to_owned();
        let num = |v: Option<f64>| {
            v.map(|x| {
                let s = x.to_string();
                if decimal == '.' {
                    s
                } else {
                    s.replace('.', &decimal.to_string())
                }
            })
            .unwrap_or_default()
        };
        let flag = |b: Option<bool>| b.map(|b| b.to_string()).unwrap_or_default();
        [
            self.code.to_owned(),
            self.name.to_owned(),
            self.level.to_owned(),
            text(self.wijk),
            text(self.gemeente),
            self.id.to_owned(),
            self.label.to_owned(),
            self.theme.to_owned(),
            self.age_group.to_owned(),
            self.year.to_string(),
            num(self.value),
            text(self.missing_reason),
            self.unit.clone(),
            num(self.benchmark_wijk),
            num(self.benchmark_gemeente),
            num(self.benchmark_nl),
            num(self.index_gemeente),
            num(self.z_gemeente),
            num(self.rank_gemeente),
            text(self.band.as_deref()),
            num(self.interval_low),
            num(self.interval_high),
            flag(self.significant),
            num(self.eb_value),
            text(self.trend),
            num(self.trend_slope_per_year),
            text(self.trend_years.as_deref()),
            text(self.trend_note),
            self.dataset.to_owned(),
            self.source.to_owned(),
            self.provisional.to_string(),
        ]
    }
}

/// Write profiles as CSV in the given dialect.
pub fn write_csv<W: std::io::Write>(
    profiles: &[Profile],
    dialect: CsvDialect,
    mut out: W,
) -> Result<(), csv::Error> {
    let (delimiter, decimal) = match dialect {
        CsvDialect::Rfc4180 => (b',', '.'),
        CsvDialect::Nl => {
            out.write_all("\u{feff}".as_bytes())?;
            (b';', ',')
        }
    };
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .from_writer(out);
    w.write_record(HEADER)?;
    for p in profiles {
        for row in csv_rows(p) {
            w.write_record(row.fields(decimal))?;
        }
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_names_the_serialized_fields_in_order() {
        // `fields` is written by hand; it must follow the struct serde writes.
        let row = CsvRow {
            code: "BU1",
            name: "n",
            level: "buurt",
            wijk: None,
            gemeente: None,
            id: "x",
            label: "l",
            theme: "t",
            age_group: "totaal",
            year: 2024,
            value: Some(1.5),
            missing_reason: None,
            unit: "percent".into(),
            benchmark_wijk: None,
            benchmark_gemeente: None,
            benchmark_nl: None,
            index_gemeente: None,
            z_gemeente: None,
            rank_gemeente: None,
            band: None,
            interval_low: None,
            interval_high: None,
            significant: Some(true),
            eb_value: None,
            trend: None,
            trend_slope_per_year: None,
            trend_years: None,
            trend_note: Some("reeks breekt; definitie gewijzigd in 2022"),
            dataset: "d",
            source: "s",
            provisional: false,
        };
        let mut w = csv::Writer::from_writer(Vec::new());
        w.serialize(&row).unwrap();
        let serde_csv = String::from_utf8(w.into_inner().unwrap()).unwrap();
        let mut lines = serde_csv.lines();
        assert_eq!(lines.next().unwrap(), HEADER.join(","));
        assert_eq!(lines.next().unwrap(), row.fields('.').join(","));
    }

    #[test]
    fn rounding_to_published_precision() {
        assert_eq!(round(Some(47.468_312), 1), Some(47.5));
        assert_eq!(round(Some(33_510.000_000_01), 0), Some(33_510.0));
        assert_eq!(round(Some(-0.04), 1), Some(0.0));
        assert_eq!(round(None, 1), None);
        assert_eq!(decimals(Unit::Count, Kind::Count), 0);
        assert_eq!(decimals(Unit::Percent, Kind::Share), 1);
    }
}
