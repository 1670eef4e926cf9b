//! A profile as one readable Markdown page for a sociale wijktafel, in the wijkpact's sections.

use std::fmt::Write as _;

use super::aandachtspunten::format_value;
use super::peers::Peers;
use super::profile::{IndicatorProfile, Profile, Section, benchmark_name};
use super::sections::signed;

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
    let benchmark_name = benchmark_name(p.level, &p.parents);
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
    for note in &p.not_comparable {
        let _ = writeln!(out, "> Niet vergelijkbaar: {}\n", note.text);
    }

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
        // Say what the mean rests on: a theme without figures (jeugdzorg not yet published)
        // is left out, and "0" should not read as "everything average".
        let themes: Vec<String> = p
            .scores
            .themes
            .iter()
            .filter(|t| t.theme.is_wijkpact())
            .map(|t| format!("{} {}", t.theme.label_nl().to_lowercase(), signed(t.score)))
            .collect();
        let _ = writeln!(
            out,
            "\nSamengestelde score zorgbehoefte: **{}** (0 = gemiddeld, hoger = meer zorgbehoefte dan {benchmark_name}; het gemiddelde van {}: {}).",
            signed(o),
            if themes.len() == 1 {
                "1 thema".to_owned()
            } else {
                format!("{} thema's", themes.len())
            },
            themes.join(", ")
        );
    }

    for section in &p.sections {
        let rows: Vec<&IndicatorProfile> = section
            .indicators
            .iter()
            .filter_map(|id| p.indicators.iter().find(|i| &i.id == id))
            .collect();
        let _ = writeln!(out, "\n## {}\n", section.label);
        let _ = writeln!(out, "{}\n", section.summary);
        if rows.is_empty() {
            gemeente_figures(&mut out, section);
            continue;
        }
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
        for i in &rows {
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
        let carried = carried_over(&rows);
        if !carried.is_empty() {
            let _ = writeln!(out, "\n\\* {CARRIED_OVER}: {}.", carried.join("; "));
        }
        if !section.gemeente_figures.is_empty() {
            let _ = writeln!(out);
            gemeente_figures(&mut out, section);
        }
    }

    if let Some(peers) = &p.peers {
        peers_block(&mut out, peers);
    }

    let _ = writeln!(
        out,
        "\n---\nBronnen: {}. RIVM-cijfers per buurt en wijk zijn modelschattingen (zonder marge). \
Ontbrekende waarden zijn door de bron onderdrukt, nog niet gepubliceerd of niet gemeten. Gemaakt met buurt.",
        sources(p).join("; ")
    );
    out
}

/// What the documents say of values carried over from an older indeling, before the notes of
/// [`carried_over`].
pub(crate) const CARRIED_OVER: &str =
    "Omgerekend naar deze indeling (de gemeente deelde haar wijken of buurten opnieuw in)";

/// Per row whose series goes on over values carried over from an older indeling (see
/// [`crate::diagnose::harmonise`]): "label: the trend's note" (which years, from which
/// indeling, how and on how much of the area). The Markdown page and the PDF list these under
/// their tables, and the workbook and the CSV carry every trend's note in a column of its own,
/// so no partner reads a carried-over value as the region's own.
pub(crate) fn carried_over(rows: &[&IndicatorProfile]) -> Vec<String> {
    rows.iter()
        .filter(|i| i.series.iter().any(|s| s.harmonised.is_some()))
        .filter_map(|i| {
            let note = i.trend.as_ref()?.break_note.as_deref()?;
            Some(format!("{}: {note}", i.label_with_age()))
        })
        .collect()
}

/// "2012: 40 % · 2016: 42 % · 2020: –": every year, comparable or not; a value carried over
/// from an older indeling is starred ("2021: 8,1 %*").
fn series(i: &IndicatorProfile) -> String {
    if i.series.len() < 2 {
        return "–".to_owned();
    }
    i.series
        .iter()
        .map(|s| {
            let star = if s.harmonised.is_some() { "\\*" } else { "" };
            format!("{}: {}{star}", s.year, fmt_opt(s.value, i.unit))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The citations of the datasets the profile's numbers come from, each once, in order.
#[must_use]
pub fn sources(p: &Profile) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let datasets = p
        .indicators
        .iter()
        .filter(|i| i.value.is_some())
        .map(|i| i.dataset.as_str())
        .chain(
            p.sections
                .iter()
                .flat_map(|s| &s.gemeente_figures)
                .map(|f| f.dataset.as_str()),
        );
    for d in datasets {
        let c = buurt_core::source::citation(d);
        if !out.contains(&c) {
            out.push(c);
        }
    }
    out
}

/// The figures known only for the whole gemeente, as a small table under the section's text.
fn gemeente_figures(out: &mut String, section: &Section) {
    let Some(first) = section.gemeente_figures.first() else {
        return;
    };
    let _ = writeln!(
        out,
        "| alleen voor de hele gemeente {} | jaar | waarde | bron |\n|---|---|---|---|",
        first.gemeente.name
    );
    for f in &section.gemeente_figures {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            f.label,
            f.year,
            format_value(f.value, f.unit),
            buurt_core::source::citation(&f.dataset)
        );
    }
    let _ = writeln!(out);
}

/// "Vergelijkbare buurten": the nearest regions with their distance and what differs most.
fn peers_block(out: &mut String, peers: &Peers) {
    let title = match peers.level {
        buurt_core::Level::Buurt => "Vergelijkbare buurten",
        buurt_core::Level::Wijk => "Vergelijkbare wijken",
        _ => "Vergelijkbare gemeenten",
    };
    let _ = writeln!(out, "\n## {title}\n\n{}\n", peers.note);
    if peers.peers.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "| regio | gemeente | afstand | gedeelde indicatoren | grootste verschil |\n|---|---|---|---|---|"
    );
    let indicator = |id: &str| peers.indicators.iter().find(|i| i.id == id);
    for peer in &peers.peers {
        let biggest = peer.contributions.first().map_or_else(
            || "–".to_owned(),
            |c| match indicator(&c.indicator) {
                Some(i) => format!(
                    "{} ({} tegen {})",
                    i.label,
                    format_value(c.value, i.unit),
                    format_value(c.subject_value, i.unit)
                ),
                None => c.indicator.clone(),
            },
        );
        let _ = writeln!(
            out,
            "| {} ({}) | {} | {:.2} | {} | {} |",
            peer.name,
            peer.code,
            peer.gemeente.as_ref().map_or("–", |g| g.name.as_str()),
            peer.distance,
            peer.shared,
            biggest
        );
    }
}
