//! Profiles as CSV rows (one per indicator, every field flattened) and as a one-page Markdown
//! profile for a sociale wijktafel.

use std::fmt::Write as _;

use buurt_core::Theme;
use serde::Serialize;

use super::aandachtspunten::format_value;
use super::bands::Band;
use super::profile::{IndicatorProfile, Profile};

/// One CSV row: the profile's region and one indicator, flattened.
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
    /// Value (empty when missing).
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
    /// Index (gemeente = 100).
    pub index_gemeente: Option<f64>,
    /// z against the gemeente.
    pub z_gemeente: Option<f64>,
    /// Percentile rank within the gemeente.
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
    /// Slope per year.
    pub trend_slope_per_year: Option<f64>,
    /// Trend period.
    pub trend_years: Option<String>,
    /// Source dataset.
    pub dataset: &'a str,
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
        .map(|i| CsvRow {
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
            value: i.value,
            missing_reason: i.missing_reason.map(buurt_core::MissingReason::as_str),
            unit: key(&i.unit),
            benchmark_wijk: i.benchmarks.wijk,
            benchmark_gemeente: i.benchmarks.gemeente,
            benchmark_nl: i.benchmarks.nl,
            index_gemeente: i.index_gemeente,
            z_gemeente: i.z_gemeente,
            rank_gemeente: i.rank_gemeente,
            band: i.band.map(|b| key(&b)),
            interval_low: i.interval.map(|c| c.low),
            interval_high: i.interval.map(|c| c.high),
            significant: i.significant,
            eb_value: i.eb_value,
            trend: i.trend.as_ref().map(|t| t.direction.as_str()),
            trend_slope_per_year: i.trend.as_ref().map(|t| t.slope_per_year),
            trend_years: i
                .trend
                .as_ref()
                .map(|t| format!("{}-{}", t.from_year, t.to_year)),
            dataset: &i.dataset,
        })
        .collect()
}

/// Write profiles as CSV.
pub fn write_csv<W: std::io::Write>(profiles: &[Profile], out: W) -> Result<(), csv::Error> {
    let mut w = csv::Writer::from_writer(out);
    for p in profiles {
        for row in csv_rows(p) {
            w.serialize(row)?;
        }
    }
    w.flush()?;
    Ok(())
}

fn fmt_opt(v: Option<f64>, unit: buurt_core::Unit) -> String {
    v.map_or_else(|| "–".to_owned(), |x| format_value(x, unit))
}

/// A readable profile in the wijkpact's sections: what stands out, then per theme
/// (demografie, zorgbehoefte, jeugd en jeugdzorg, mantelzorg en Wmo, then wonen, werk en
/// inkomen and leefstijl) a sentence, its key figures with their series over all years, and the
/// composite score.
#[must_use]
pub fn markdown(p: &Profile) -> String {
    let mut out = String::new();
    let is_gemeente = p.level == buurt_core::Level::Gemeente;
    // The benchmark column: the gemeente, or Nederland on a gemeente's own profile.
    let benchmark_name = if is_gemeente {
        "Nederland"
    } else {
        p.parents
            .gemeente
            .as_ref()
            .map_or("de gemeente", |g| g.name.as_str())
    };
    let _ = writeln!(out, "# {} ({})", p.name, p.code);
    let mut context = vec![format!("{} in indeling {}", p.level, p.indeling)];
    if let Some(w) = &p.parents.wijk {
        context.push(format!("wijk {} ({})", w.name, w.code));
    }
    if let Some(g) = &p.parents.gemeente {
        context.push(format!("gemeente {} ({})", g.name, g.code));
    }
    if !p.buurten.is_empty() {
        context.push(format!("buurten {}", p.buurten.join(", ")));
    }
    if let Some(y) = p.requested_year {
        context.push(format!("stand van {y}"));
    }
    let _ = writeln!(out, "\n{}\n", context.join(" · "));

    let _ = writeln!(out, "## Wat valt op\n");
    if p.aandachtspunten.is_empty() {
        let _ = writeln!(
            out,
            "Geen indicator wijkt duidelijk ongunstig af van {benchmark_name}.\n"
        );
    }
    for a in &p.aandachtspunten {
        let _ = writeln!(out, "- **{}**: {}", a.theme.label_nl(), a.text);
    }
    if let Some(o) = p.scores.overall {
        let _ = writeln!(
            out,
            "\nSamengestelde score zorgbehoefte: **{}** (0 = gemiddeld, hoger = meer zorgbehoefte dan {benchmark_name}).",
            signed(o)
        );
    }

    for theme in Theme::ALL {
        let rows: Vec<&IndicatorProfile> = p
            .indicators
            .iter()
            .filter(|i| i.theme == theme && shown_in_section(p, i))
            .collect();
        if rows.is_empty() {
            continue;
        }
        let _ = writeln!(out, "\n## {}\n", theme.label_nl());
        let _ = writeln!(out, "{}\n", theme_sentence(p, theme, benchmark_name));
        let wijk = if p.parents.wijk.is_some() {
            " wijk |"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "| indicator | jaar | waarde |{wijk} {benchmark_name} | positie | reeks | trend |"
        );
        let wijk_rule = if p.parents.wijk.is_some() { "---|" } else { "" };
        let _ = writeln!(out, "|---|---|---|{wijk_rule}---|---|---|---|");
        for i in rows {
            let value = match (i.value, i.missing_reason) {
                (Some(v), _) => format_value(v, i.unit),
                (None, Some(r)) => r.dutch().to_owned(),
                (None, None) => "–".to_owned(),
            };
            let trend = i.trend.as_ref().map_or_else(
                || "–".to_owned(),
                |t| format!("{} {}–{}", t.direction, t.from_year, t.to_year),
            );
            let benchmark = if is_gemeente {
                i.benchmarks.nl
            } else {
                i.benchmarks.gemeente
            };
            let wijk = if p.parents.wijk.is_some() {
                format!(" {} |", fmt_opt(i.benchmarks.wijk, i.unit))
            } else {
                String::new()
            };
            // No band, no position: counts get none (the standing kernel).
            let position = i.band.map_or("–", |b| b.dutch());
            let _ = writeln!(
                out,
                "| {} | {} | {} |{wijk} {} | {} | {} | {} |",
                i.label_with_age(),
                i.year,
                value,
                fmt_opt(benchmark, i.unit),
                position,
                series(i),
                trend
            );
        }
    }

    let _ = writeln!(
        out,
        "\n---\nBronnen: CBS Kerncijfers wijken en buurten; RIVM, GGD'en en CBS, Gezondheidsmonitor Volwassenen en Ouderen (modelschattingen per buurt, zonder marge). \
Ontbrekende waarden zijn door de bron onderdrukt, nog niet gepubliceerd of niet gemeten. Gemaakt met buurt."
    );
    out
}

/// Whether an indicator has a row in its theme's section: headline indicators, the
/// aandachtspunten, and in leefstijl (which has no headline) the adult figures that stand
/// unfavourably.
fn shown_in_section(p: &Profile, i: &IndicatorProfile) -> bool {
    if is_headline(i) || p.aandachtspunten.iter().any(|a| a.indicator == i.id) {
        return true;
    }
    i.theme == Theme::Leefstijl
        && i.age_group == "18+"
        && i.band.is_some_and(|b| {
            let sign = i.polarity.need_sign();
            (sign > 0.0 && matches!(b, Band::Above | Band::WellAbove))
                || (sign < 0.0 && matches!(b, Band::Below | Band::WellBelow))
        })
}

/// One sentence per section: its composite score and its aandachtspunten.
fn theme_sentence(p: &Profile, theme: Theme, benchmark_name: &str) -> String {
    let points: Vec<String> = p
        .aandachtspunten
        .iter()
        .filter(|a| a.theme == theme)
        .filter_map(|a| p.indicators.iter().find(|i| i.id == a.indicator))
        .map(|i| i.label_with_age().to_lowercase())
        .collect();
    let score = p.scores.themes.iter().find(|t| t.theme == theme);
    let level = score.map(|t| match t.score {
        s if s >= 0.5 => "duidelijk meer zorgbehoefte dan",
        s if s >= 0.2 => "iets meer zorgbehoefte dan",
        s if s > -0.2 => "een zorgbehoefte vergelijkbaar met",
        s if s > -0.5 => "iets minder zorgbehoefte dan",
        _ => "duidelijk minder zorgbehoefte dan",
    });
    let mut text = match (level, score) {
        (Some(words), Some(t)) => {
            let mut parts = t.contributions.clone();
            parts.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
            let top: Vec<String> = parts
                .iter()
                .take(3)
                .map(|c| format!("{} {}", c.label, signed(c.contribution)))
                .collect();
            format!(
                "Samen genomen {words} {benchmark_name} (score {}; vooral {}).",
                signed(t.score),
                top.join(", ")
            )
        }
        _ => String::new(),
    };
    if theme == Theme::Leefstijl {
        text.push_str(" Leefstijl staat apart: het telt niet mee in de aandachtspunten.");
    } else if points.is_empty() {
        text.push_str(" Geen aandachtspunt in dit thema.");
    } else {
        let _ = write!(text, " Aandacht voor: {}.", points.join(", "));
    }
    text.trim_start().to_owned()
}

/// "2012: 40 % · 2016: 42 % · 2020: –": every year, comparable or not.
fn series(i: &IndicatorProfile) -> String {
    if i.series.len() < 2 {
        return "–".to_owned();
    }
    i.series
        .iter()
        .map(|s| format!("{}: {}", s.year, fmt_opt(s.value, i.unit)))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn signed(x: f64) -> String {
    format!("{x:+.2}").replace('.', ",")
}

fn is_headline(i: &IndicatorProfile) -> bool {
    // The 18-64 variants of RIVM headline indicators repeat the 18+ story on one page.
    i.headline && i.age_group != "18-64"
}
