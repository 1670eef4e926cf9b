//! The wijkpact's sections of a profile: per theme (demografie, zorgbehoefte, jeugd en
//! jeugdzorg, mantelzorg en Wmo, then wonen, werk en inkomen and leefstijl) one sentence that
//! summarises it, its key figures, what is not yet published, and the figures that exist only
//! for the whole gemeente (CBS 85994NED publishes Utrecht's jeugdhulp and Wmo clients as a
//! gemeente total). JSON, Markdown, the viewer and print read the same sections.

use std::fmt::Write as _;

use buurt_core::{AgeGroup, Level, MissingReason, Theme};

use buurt_atlas::Atlas;

use super::aandachtspunten::format_value;
use super::bands::Band;
use super::profile::{GemeenteFigure, IndicatorProfile, Profile, Section};

/// The figures of indicators the profile has no cell for at all, at their latest year up to
/// `year` for the profile's gemeente. Empty for a gemeente's own profile.
pub(crate) fn gemeente_figures(atlas: &Atlas, p: &Profile) -> Vec<(Theme, GemeenteFigure)> {
    let Some(gemeente) = p.parents.gemeente.as_ref() else {
        return Vec::new();
    };
    if p.level == Level::Gemeente {
        return Vec::new();
    }
    let Ok(code) = gemeente.code.parse() else {
        return Vec::new();
    };
    let catalogue = atlas.catalogue().indicators();
    let cells = atlas.cells();
    let mut out = Vec::new();
    for (ix, ind) in catalogue.iter().enumerate() {
        // The wijkpact themes' headline figures, and all of jeugd and Wmo (where 85994NED's
        // gemeente totals are all there is for Utrecht); not every gemeente-wide survey item.
        let key = ind.theme.is_wijkpact()
            && (ind.headline || matches!(ind.theme, Theme::Jeugdzorg | Theme::Mantelzorg));
        if !key || p.indicators.iter().any(|i| i.id == ind.id) {
            continue;
        }
        let Ok(ix) = u16::try_from(ix) else { continue };
        let latest = cells.cells_of(code, ix).into_iter().rfind(|(g, c)| {
            p.requested_year.is_none_or(|y| g.year <= y) && cells.cell_value(*c).0.is_finite()
        });
        let Some((g, c)) = latest else { continue };
        out.push((
            ind.theme,
            GemeenteFigure {
                id: ind.id.clone(),
                label: match ind.age_group {
                    AgeGroup::Totaal => ind.label_nl.clone(),
                    age => format!("{} ({})", ind.label_nl, age.as_str()),
                },
                unit: ind.unit,
                kind: ind.kind,
                dataset: cells.datasets()[usize::from(g.dataset)].clone(),
                year: g.year,
                value: cells.cell_value(c).0,
                gemeente: gemeente.clone(),
            },
        ));
    }
    out
}

/// The sections of a finished profile, in [`Theme::ALL`] order; a theme without any figure is
/// left out.
pub(crate) fn build(
    p: &Profile,
    figures: &[(Theme, GemeenteFigure)],
    benchmark_name: &str,
) -> Vec<Section> {
    Theme::ALL
        .into_iter()
        .filter_map(|theme| {
            let indicators: Vec<String> = p
                .indicators
                .iter()
                .filter(|i| i.theme == theme && shown_in_section(p, i))
                .map(|i| i.id.clone())
                .collect();
            let gemeente_figures: Vec<GemeenteFigure> = figures
                .iter()
                .filter(|(t, _)| *t == theme)
                .map(|(_, f)| f.clone())
                .collect();
            if indicators.is_empty() && gemeente_figures.is_empty() {
                return None;
            }
            let summary = summary(p, theme, benchmark_name, &gemeente_figures);
            Some(Section {
                theme,
                label: theme.label_nl().to_owned(),
                summary,
                score: p
                    .scores
                    .themes
                    .iter()
                    .find(|t| t.theme == theme)
                    .map(|t| t.score),
                indicators,
                gemeente_figures,
            })
        })
        .collect()
}

/// Whether an indicator is a key figure of its theme's section: headline indicators, the
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

fn is_headline(i: &IndicatorProfile) -> bool {
    // The 18-64 variants of RIVM headline indicators repeat the 18+ story on one page.
    i.headline && i.age_group != "18-64"
}

/// The section's sentence: its composite score and drivers, its aandachtspunten, the headline
/// figures not yet published, and the figures known only for the gemeente.
fn summary(
    p: &Profile,
    theme: Theme,
    benchmark_name: &str,
    gemeente_figures: &[GemeenteFigure],
) -> String {
    let points: Vec<String> = p
        .aandachtspunten
        .iter()
        .filter(|a| a.theme == theme)
        .filter_map(|a| p.indicators.iter().find(|i| i.id == a.indicator))
        .map(|i| lower_first(&i.label_with_age()))
        .collect();
    let score = p.scores.themes.iter().find(|t| t.theme == theme);
    let mut text = String::new();
    if let Some(t) = score {
        let words = match t.score {
            s if s >= 0.5 => "duidelijk meer zorgbehoefte dan",
            s if s >= 0.2 => "iets meer zorgbehoefte dan",
            s if s > -0.2 => "een zorgbehoefte vergelijkbaar met",
            s if s > -0.5 => "iets minder zorgbehoefte dan",
            _ => "duidelijk minder zorgbehoefte dan",
        };
        let mut parts = t.contributions.clone();
        parts.sort_by(|a, b| b.contribution.abs().total_cmp(&a.contribution.abs()));
        let top: Vec<String> = parts
            .iter()
            .take(3)
            .map(|c| format!("{} {}", c.label, signed(c.contribution)))
            .collect();
        let _ = write!(
            text,
            "Samen genomen {words} {benchmark_name} (score {}; vooral {}).",
            signed(t.score),
            top.join(", ")
        );
    }
    if theme == Theme::Leefstijl {
        text.push_str(" Leefstijl staat apart: het telt niet mee in de aandachtspunten.");
    } else if points.is_empty() {
        text.push_str(" Geen aandachtspunt in dit thema.");
    } else {
        let _ = write!(text, " Aandacht voor: {}.", points.join(", "));
    }
    let unpublished: Vec<String> = p
        .indicators
        .iter()
        .filter(|i| {
            i.theme == theme
                && is_headline(i)
                && i.missing_reason == Some(MissingReason::NotPublished)
        })
        .map(|i| format!("{} ({})", lower_first(&i.label_with_age()), i.year))
        .collect();
    if !unpublished.is_empty() {
        let _ = write!(
            text,
            " Nog niet gepubliceerd (voorlopige cijfers van het CBS): {}.",
            unpublished.join(", ")
        );
    }
    if let [first, rest @ ..] = gemeente_figures {
        let others = match rest.len() {
            0 => String::new(),
            1 => " en 1 ander cijfer".to_owned(),
            n => format!(" en {n} andere cijfers"),
        };
        let _ = write!(
            text,
            " Voor de hele gemeente {} wel bekend: {} {} ({}){others}.",
            first.gemeente.name,
            lower_first(&first.label),
            format_value(first.value, first.unit),
            first.year
        );
    }
    text.trim_start().to_owned()
}

/// A signed number with a decimal comma: "+0,31".
pub(crate) fn signed(x: f64) -> String {
    format!("{x:+.2}").replace('.', ",")
}

/// "Wmo-cliënten" stays, "Eenzaam" becomes "eenzaam": only a capital followed by a lowercase
/// letter is a sentence capital, not an abbreviation.
fn lower_first(label: &str) -> String {
    // Wmo and Zvw are names of laws, written with a capital mid-sentence too.
    if label.starts_with("Wmo") || label.starts_with("Zvw") {
        return label.to_owned();
    }
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => a
            .to_lowercase()
            .chain(std::iter::once(b))
            .chain(chars)
            .collect(),
        _ => label.to_owned(),
    }
}
