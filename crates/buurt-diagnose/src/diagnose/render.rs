//! Profiles as CSV rows (one per indicator, every field flattened) and as a one-page Markdown
//! profile for a sociale wijktafel.

use std::fmt::Write as _;

use buurt_core::Theme;
use serde::Serialize;

use super::aandachtspunten::format_value;
use super::profile::Profile;

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

/// A readable one-page profile.
#[must_use]
pub fn markdown(p: &Profile) -> String {
    let mut out = String::new();
    let gm = p
        .parents
        .gemeente
        .as_ref()
        .map_or("de gemeente", |g| g.name.as_str());
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
    let _ = writeln!(out, "\n{}\n", context.join(" · "));

    let _ = writeln!(out, "## Wat valt op\n");
    if p.aandachtspunten.is_empty() {
        let _ = writeln!(
            out,
            "Geen indicator wijkt duidelijk ongunstig af van {gm}.\n"
        );
    }
    for a in &p.aandachtspunten {
        let _ = writeln!(out, "- {}", a.text);
    }

    let _ = writeln!(out, "\n## Kerncijfers\n");
    let _ = writeln!(
        out,
        "| indicator | jaar | waarde | wijk | {gm} | Nederland | positie | trend |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|");
    let headline: Vec<_> = p.indicators.iter().filter(|i| is_headline(i)).collect();
    for i in headline {
        let value = match (i.value, i.missing_reason) {
            (Some(v), _) => format_value(v, i.unit),
            (None, Some(r)) => r.dutch().to_owned(),
            (None, None) => "–".to_owned(),
        };
        let trend = i.trend.as_ref().map_or_else(
            || "–".to_owned(),
            |t| format!("{} sinds {}", t.direction, t.from_year),
        );
        let _ = writeln!(
            out,
            "| {}{} | {} | {} | {} | {} | {} | {} | {} |",
            i.label,
            age_suffix(&i.age_group),
            i.year,
            value,
            fmt_opt(i.benchmarks.wijk, i.unit),
            fmt_opt(i.benchmarks.gemeente, i.unit),
            fmt_opt(i.benchmarks.nl, i.unit),
            i.band.map_or("–", |b| b.dutch()),
            trend
        );
    }

    if !p.scores.themes.is_empty() {
        let _ = writeln!(
            out,
            "\n## Samengestelde score (0 = gemiddeld, hoger = meer zorgbehoefte)\n"
        );
        if let Some(o) = p.scores.overall {
            let _ = writeln!(
                out,
                "Totaal: **{}**\n",
                format!("{o:+.2}").replace('.', ",")
            );
        }
        for t in &p.scores.themes {
            let top: Vec<String> = {
                let mut c = t.contributions.clone();
                c.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
                c.iter()
                    .take(3)
                    .map(|c| {
                        let label = p
                            .indicators
                            .iter()
                            .find(|i| i.id == c.indicator)
                            .map_or(c.indicator.as_str(), |i| i.label.as_str());
                        format!(
                            "{label} ({})",
                            format!("{:+.2}", c.contribution).replace('.', ",")
                        )
                    })
                    .collect()
            };
            let _ = writeln!(
                out,
                "- {}: {} — vooral {}",
                theme_label(t.theme),
                format!("{:+.2}", t.score).replace('.', ","),
                top.join(", ")
            );
        }
    }

    let _ = writeln!(
        out,
        "\n---\nBronnen: CBS Kerncijfers wijken en buurten; RIVM, GGD'en en CBS, Gezondheidsmonitor Volwassenen en Ouderen (modelschattingen per buurt, zonder marge). \
Ontbrekende waarden zijn door de bron onderdrukt of niet gemeten. Gemaakt met buurt."
    );
    out
}

fn is_headline(i: &super::profile::IndicatorProfile) -> bool {
    // The 18-64 variants of RIVM headline indicators repeat the 18+ story on one page.
    i.headline && i.age_group != "18-64"
}

fn age_suffix(key: &str) -> String {
    match key {
        "totaal" => String::new(),
        other => format!(" ({other})"),
    }
}

fn theme_label(t: Theme) -> &'static str {
    t.label_nl()
}
