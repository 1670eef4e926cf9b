//! A profile as a printable A4 PDF for wijkpact partners: title, a small location map, what
//! stands out, the wijkpact's sections with their summaries, key figures and trend lines, the
//! figures known only for the whole gemeente, the sources and the date.
//!
//! Written with `pdf-writer` in the PDF base font Helvetica (WinAnsi encoding, no font to
//! embed), so the file is small and opens everywhere.
//!
//! ```
//! use buurt_core::{Catalogue, Indeling, RegionKey};
//! use buurt_diagnose::atlas::{Atlas, Cell};
//! use buurt_diagnose::diagnose::{Diagnose, pdf_export};
//! let key = |code: &str| RegionKey::new(code.parse().unwrap(), Indeling::new(2020));
//! let cell = |code: &str, v: f64| Cell::new("rivm_50090", key(code), "eenzaam_65plus", 2020, Some(v));
//! let atlas = Atlas::from_cells(
//!     Catalogue::builtin()?,
//!     [cell("GM0001", 34.0), cell("BU00010101", 30.0), cell("BU00010104", 50.0)],
//! )?;
//! let profile = Diagnose::new(&atlas).profile("BU00010104", None)?;
//! let bytes = pdf_export::pdf(&atlas, &profile, "5 december 2026");
//! assert!(bytes.starts_with(b"%PDF-"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::time::{SystemTime, UNIX_EPOCH};

use buurt_core::{Level, RegionCode, RegionKey};
use geo_types::MultiPolygon;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::aandachtspunten::format_value;
use super::profile::{IndicatorProfile, Profile, benchmark_name, profile_title};
use super::render::{CARRIED_OVER, carried_over, sources};
use crate::atlas::Atlas;

const PAGE_W: f32 = 595.0;
const PAGE_H: f32 = 842.0;
const MARGIN: f32 = 42.0;
const MAP_SIZE: f32 = 150.0;
/// Left edges of the key-figure columns: indicator, year, value, benchmark, position, series.
const TABLE_COLS: [f32; 6] = [
    MARGIN,
    MARGIN + 210.0,
    MARGIN + 245.0,
    MARGIN + 315.0,
    MARGIN + 370.0,
    MARGIN + 430.0,
];
const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");
/// The orange of "more need" in the viewer's ramp (PuOr), and its neutral grey.
const ORANGE: (f32, f32, f32) = (0.702, 0.345, 0.024);
const GREY: (f32, f32, f32) = (0.85, 0.85, 0.85);

/// Today's date in Dutch ("5 december 2026"), for the PDF's footer.
#[must_use]
pub fn dutch_date_today() -> String {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    dutch_date(i64::try_from(days).unwrap_or(0))
}

/// The Dutch date of a day count since 1970-01-01 (the civil calendar of H. Hinnant).
fn dutch_date(days: i64) -> String {
    const MONTHS: [&str; 12] = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ];
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let name = usize::try_from(month - 1)
        .ok()
        .and_then(|m| MONTHS.get(m))
        .copied()
        .unwrap_or("");
    format!("{day} {name} {year}")
}

/// The profile as the bytes of a PDF file.
#[must_use]
pub fn pdf(atlas: &Atlas, p: &Profile, made_on: &str) -> Vec<u8> {
    let mut doc = Layout::new();
    let title = profile_title(p.level);
    let text_width = PAGE_W - 2.0 * MARGIN - MAP_SIZE - 16.0;
    doc.paragraph(title, 10.0, false, text_width);
    doc.paragraph(&format!("{} ({})", p.name, p.code), 18.0, true, text_width);
    let mut context = vec![format!("{} in indeling {}", p.level, p.indeling)];
    if let Some(w) = &p.parents.wijk {
        context.push(format!("wijk {}", w.name));
    }
    if let Some(g) = &p.parents.gemeente {
        context.push(format!("gemeente {}", g.name));
    }
    if let Some(y) = p.requested_year {
        context.push(format!("stand van {y}"));
    }
    doc.paragraph(&context.join(" · "), 9.0, false, text_width);
    location_map(&mut doc, atlas, p);
    doc.gap(6.0);
    doc.paragraph("Wat valt op", 13.0, true, text_width);
    if p.aandachtspunten.is_empty() {
        doc.paragraph(
            "Geen indicator wijkt duidelijk ongunstig af.",
            9.0,
            false,
            text_width,
        );
    }
    for a in &p.aandachtspunten {
        doc.paragraph(
            &format!("• {}: {}", a.theme.label_nl(), a.text),
            9.0,
            false,
            text_width,
        );
    }
    // Below the map from here on.
    doc.y = doc.y.min(PAGE_H - MARGIN - MAP_SIZE - 24.0);
    let full = PAGE_W - 2.0 * MARGIN;
    for section in &p.sections {
        doc.ensure(60.0);
        doc.gap(8.0);
        doc.paragraph(&section.label, 13.0, true, full);
        doc.paragraph(&section.summary, 9.0, false, full);
        let rows: Vec<&IndicatorProfile> = section
            .indicators
            .iter()
            .filter_map(|id| p.indicators.iter().find(|i| &i.id == id))
            .collect();
        if !rows.is_empty() {
            table(&mut doc, p, &rows);
        }
        if let Some(first) = section.gemeente_figures.first() {
            doc.ensure(24.0);
            doc.gap(3.0);
            doc.paragraph(
                &format!(
                    "Alleen voor de hele gemeente {} bekend",
                    first.gemeente.name
                ),
                8.0,
                true,
                full,
            );
            for f in &section.gemeente_figures {
                doc.ensure(11.0);
                let top = doc.y - 8.0;
                doc.text_at(TABLE_COLS[0], top, &f.label, 8.0, false);
                doc.text_at(TABLE_COLS[1], top, &f.year.to_string(), 8.0, false);
                doc.text_at(
                    TABLE_COLS[2],
                    top,
                    &format_value(f.value, f.unit),
                    8.0,
                    false,
                );
                doc.text_at(
                    TABLE_COLS[3],
                    top,
                    buurt_core::source::citation(&f.dataset),
                    7.0,
                    false,
                );
                doc.y -= 10.0;
            }
        }
    }
    doc.gap(10.0);
    doc.paragraph(
        &format!(
            "Bronnen: {}. RIVM-cijfers per buurt en wijk zijn modelschattingen. Voorlopig: uit een voorlopige CBS-publicatie.",
            sources(p).join("; ")
        ),
        7.5,
        false,
        full,
    );
    doc.finish(&format!("{title} {} ({})", p.name, p.code), made_on)
}

/// The key figures: label, year, value, benchmark, position, and the series as a small line.
fn table(doc: &mut Layout, p: &Profile, rows: &[&IndicatorProfile]) {
    let is_gemeente = p.level == Level::Gemeente;
    let benchmark_name = benchmark_name(p.level, &p.parents);
    let cols = TABLE_COLS;
    // The header with at least the first row.
    doc.ensure(40.0);
    doc.gap(3.0);
    for (x, h) in cols.iter().zip([
        "indicator",
        "jaar",
        "waarde",
        benchmark_name,
        "positie",
        "reeks",
    ]) {
        doc.text_at(*x, doc.y - 8.0, h, 7.5, true);
    }
    doc.y -= 11.0;
    for i in rows {
        let value = match (i.value, i.missing_reason) {
            (Some(v), _) => format_value(v, i.unit),
            (None, Some(r)) => r.dutch().to_owned(),
            (None, None) => "–".to_owned(),
        };
        let benchmark = if is_gemeente {
            i.benchmarks.nl
        } else {
            i.benchmarks.gemeente
        };
        let label = i.label_with_age();
        let label_lines = wrap(&label, 8.0, false, 205.0);
        let value_lines = wrap(&value, 8.0, false, 120.0);
        let height = 10.0 * label_lines.len().max(value_lines.len()).max(2) as f32;
        doc.ensure(height + 2.0);
        let top = doc.y - 8.0;
        for (k, line) in label_lines.iter().enumerate() {
            doc.text_at(cols[0], top - 10.0 * k as f32, line, 8.0, false);
        }
        doc.text_at(cols[1], top, &i.year.to_string(), 8.0, false);
        if i.value.is_some() {
            doc.text_at(cols[2], top, &value, 8.0, false);
            doc.text_at(
                cols[3],
                top,
                &benchmark.map_or_else(|| "–".to_owned(), |b| format_value(b, i.unit)),
                8.0,
                false,
            );
            doc.text_at(cols[4], top, i.band.map_or("–", |b| b.dutch()), 8.0, false);
        } else {
            // The reason in words over the value and benchmark columns.
            for (k, line) in value_lines.iter().enumerate() {
                doc.text_at(cols[2], top - 10.0 * k as f32, line, 8.0, false);
            }
        }
        sparkline(doc, i, cols[5], top - 8.0, PAGE_W - MARGIN - cols[5], 14.0);
        doc.y -= height;
    }
    let carried = carried_over(rows);
    if !carried.is_empty() {
        doc.gap(2.0);
        doc.paragraph(
            &format!(
                "Open punten in de reeks: {}. {}.",
                CARRIED_OVER.to_lowercase(),
                carried.join("; ")
            ),
            7.0,
            false,
            PAGE_W - 2.0 * MARGIN,
        );
    }
}

/// The series as a small trend line with its first and last year; gaps stay gaps. A value
/// carried over from an older indeling is an open square, the region's own a filled one.
fn sparkline(doc: &mut Layout, i: &IndicatorProfile, x: f32, y: f32, w: f32, h: f32) {
    let points: Vec<(u16, f64, bool)> = i
        .series
        .iter()
        .filter_map(|s| s.value.map(|v| (s.year, v, s.harmonised.is_some())))
        .collect();
    let (Some(first), Some(last)) = (points.first(), points.last()) else {
        return;
    };
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), (_, v, _)| {
            (a.min(*v), b.max(*v))
        });
    let span_v = if hi > lo { hi - lo } else { 1.0 };
    let span_y = f32::from(last.0.saturating_sub(first.0).max(1));
    let chart_w = w - 44.0;
    let px = |year: u16| x + 18.0 + chart_w * f32::from(year - first.0) / span_y;
    let py = |v: f64| y + h * ((v - lo) / span_v) as f32;
    doc.text_at(x, y + 2.0, &first.0.to_string(), 6.0, false);
    doc.text_at(x + chart_w + 22.0, y + 2.0, &last.0.to_string(), 6.0, false);
    let c = doc.content();
    c.save_state();
    c.set_stroke_rgb(ORANGE.0, ORANGE.1, ORANGE.2);
    c.set_fill_rgb(ORANGE.0, ORANGE.1, ORANGE.2);
    c.set_line_width(1.0);
    if points.len() > 1 {
        c.move_to(px(first.0), py(first.1));
        for (year, v, _) in &points[1..] {
            c.line_to(px(*year), py(*v));
        }
        c.stroke();
    }
    for (year, v, _) in points.iter().filter(|p| !p.2) {
        c.rect(px(*year) - 1.2, py(*v) - 1.2, 2.4, 2.4);
    }
    c.fill_nonzero();
    if points.iter().any(|p| p.2) {
        // Open: white inside an orange edge, over the line.
        c.set_fill_rgb(1.0, 1.0, 1.0);
        c.set_line_width(0.6);
        for (year, v, _) in points.iter().filter(|p| p.2) {
            c.rect(px(*year) - 1.5, py(*v) - 1.5, 3.0, 3.0);
        }
        c.fill_nonzero_and_stroke();
    }
    c.restore_state();
}

/// The gemeente's regions of the profile's level in grey, the profile's own in orange, in the
/// top right corner (EPSG:28992 metres scaled to the box, north up).
fn location_map(doc: &mut Layout, atlas: &Atlas, p: &Profile) {
    let Ok(code) = p.code.parse::<RegionCode>() else {
        return; // an area: its buurten are drawn below
    };
    let indeling = buurt_core::Indeling::new(p.indeling);
    let gemeente = code.gemeente().map_or(code, RegionCode::Gemeente);
    let level = if p.level == Level::Gemeente {
        Level::Wijk
    } else {
        p.level
    };
    let others: Vec<&MultiPolygon<f64>> = atlas
        .regions_within(gemeente, level, indeling)
        .into_iter()
        .filter_map(|r| atlas.geometry_rd(&r.key))
        .collect();
    let own = atlas.geometry_rd(&RegionKey::new(code, indeling));
    let Some(own) = own else { return };
    let all: Vec<&MultiPolygon<f64>> = others.iter().copied().chain(std::iter::once(own)).collect();
    let mut bounds = (
        f64::INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NEG_INFINITY,
    );
    for mp in &all {
        for poly in &mp.0 {
            for c in poly.exterior().coords() {
                bounds = (
                    bounds.0.min(c.x),
                    bounds.1.min(c.y),
                    bounds.2.max(c.x),
                    bounds.3.max(c.y),
                );
            }
        }
    }
    let (x0, y0) = (PAGE_W - MARGIN - MAP_SIZE, PAGE_H - MARGIN - MAP_SIZE);
    let scale = f64::from(MAP_SIZE) / (bounds.2 - bounds.0).max(bounds.3 - bounds.1).max(1.0);
    let to_page = |x: f64, y: f64| {
        (
            x0 + ((x - bounds.0) * scale) as f32,
            y0 + ((y - bounds.1) * scale) as f32,
        )
    };
    let c = doc.content();
    c.save_state();
    c.set_line_width(0.3);
    c.set_stroke_rgb(1.0, 1.0, 1.0);
    for (mp, fill) in others
        .iter()
        .map(|m| (*m, GREY))
        .chain(std::iter::once((own, ORANGE)))
    {
        c.set_fill_rgb(fill.0, fill.1, fill.2);
        for poly in &mp.0 {
            for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
                let mut coords = ring.coords();
                if let Some(first) = coords.next() {
                    let (x, y) = to_page(first.x, first.y);
                    c.move_to(round_pt(x), round_pt(y));
                    let mut last = (x, y);
                    for pt in coords {
                        // Points closer than a quarter point print as one: skip them (Utrecht's
                        // detailed buurten have 9 301 vertices in a map of 150 points).
                        let (x, y) = to_page(pt.x, pt.y);
                        if (x - last.0).hypot(y - last.1) >= 0.25 {
                            c.line_to(round_pt(x), round_pt(y));
                            last = (x, y);
                        }
                    }
                    c.close_path();
                }
            }
        }
        c.fill_nonzero_and_stroke();
    }
    c.restore_state();
}

/// A coordinate to a tenth of a point, finer than print resolution and short in the file.
fn round_pt(v: f32) -> f32 {
    (v * 10.0).round() / 10.0
}

/// A top-down page layout: text at a cursor, new pages when full.
struct Layout {
    pages: Vec<Content>,
    y: f32,
}

impl Layout {
    fn new() -> Self {
        Self {
            pages: vec![Content::new()],
            y: PAGE_H - MARGIN,
        }
    }

    fn content(&mut self) -> &mut Content {
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn gap(&mut self, h: f32) {
        self.y -= h;
    }

    /// Room for `h` points, else a new page.
    fn ensure(&mut self, h: f32) {
        if self.y - h < MARGIN + 18.0 {
            self.pages.push(Content::new());
            self.y = PAGE_H - MARGIN;
        }
    }

    fn text_at(&mut self, x: f32, y: f32, text: &str, size: f32, bold: bool) {
        let c = self.content();
        c.begin_text();
        c.set_font(if bold { BOLD } else { REGULAR }, size);
        c.next_line(x, y);
        c.show(Str(&win_ansi(text)));
        c.end_text();
    }

    /// Wrapped text at the left margin, moving the cursor down.
    fn paragraph(&mut self, text: &str, size: f32, bold: bool, width: f32) {
        let leading = size * 1.3;
        for line in wrap(text, size, bold, width) {
            self.ensure(leading);
            self.y -= leading;
            self.text_at(MARGIN, self.y + size * 0.3, &line, size, bold);
        }
    }

    /// The document: fonts, pages with a footer each, the document info.
    fn finish(self, title: &str, made_on: &str) -> Vec<u8> {
        let mut pdf = Pdf::new();
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let regular = Ref::new(3);
        let bold = Ref::new(4);
        let info = Ref::new(5);
        let n = self.pages.len();
        let page_ids: Vec<Ref> = (0..n).map(|k| Ref::new(6 + 2 * k as i32)).collect();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_ids.iter().copied())
            .count(i32::try_from(n).unwrap_or(i32::MAX));
        for (base, f) in [(regular, "Helvetica"), (bold, "Helvetica-Bold")] {
            pdf.type1_font(base)
                .base_font(Name(f.as_bytes()))
                .encoding_predefined(Name(b"WinAnsiEncoding"));
        }
        for (k, mut content) in self.pages.into_iter().enumerate() {
            let footer = format!("buurt · {title} · {made_on} · pagina {} van {n}", k + 1);
            content.begin_text();
            content.set_font(REGULAR, 7.0);
            content.next_line(MARGIN, MARGIN - 14.0);
            content.show(Str(&win_ansi(&footer)));
            content.end_text();
            let page_id = page_ids[k];
            let content_id = Ref::new(page_id.get() + 1);
            let mut page = pdf.page(page_id);
            page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
            page.parent(tree);
            page.contents(content_id);
            page.resources()
                .fonts()
                .pair(REGULAR, regular)
                .pair(BOLD, bold);
            page.finish();
            pdf.stream(content_id, &content.finish());
        }
        pdf.document_info(info)
            .title(TextStr(title))
            .producer(TextStr("buurt"));
        pdf.finish()
    }
}

/// `text` in lines no wider than `width` points.
fn wrap(text: &str, size: f32, bold: bool, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_owned()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && text_width(&candidate, size, bold) > width {
            lines.push(std::mem::replace(&mut line, word.to_owned()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The width of `text` in Helvetica (Adobe's AFM widths, per 1000 em; bold about 5 % wider).
fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    let units: u32 = text.chars().map(char_width).sum();
    let w = units as f32 * size / 1000.0;
    if bold { w * 1.06 } else { w }
}

fn char_width(c: char) -> u32 {
    // Helvetica widths of printable ASCII, from the space (32) to the tilde (126).
    const ASCII: [u16; 95] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
        556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
        722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
        667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
        556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
        500, 334, 260, 334, 584,
    ];
    let base = match c {
        'à'..='å' => 'a',
        'è'..='ë' => 'e',
        'ì'..='ï' => 'i',
        'ò'..='ö' => 'o',
        'ù'..='ü' => 'u',
        'É' | 'È' | 'Ë' => 'E',
        '–' | '€' => '0',
        '·' | '•' => '.',
        '—' => 'M',
        other => other,
    };
    let code = u32::from(base);
    if (32..127).contains(&code) {
        u32::from(ASCII[(code - 32) as usize])
    } else {
        556
    }
}

/// Text in the WinAnsi encoding of the base fonts: Latin-1 as is, the dashes, quotes, bullet
/// and euro from their Windows-1252 places, `?` for anything else.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '€' => 0x80,
            '…' => 0x85,
            '‰' => 0x89,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            c => u8::try_from(u32::from(c))
                .ok()
                .filter(|b| !(0x80..0xa0).contains(b))
                .unwrap_or(b'?'),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_dutch() {
        assert_eq!(dutch_date(0), "1 januari 1970");
        // 2026-12-05 is day 20 792.
        assert_eq!(dutch_date(20_792), "5 december 2026");
        assert_eq!(dutch_date(19_782), "29 februari 2024");
    }

    #[test]
    fn win_ansi_keeps_dutch_letters_and_dashes() {
        assert_eq!(win_ansi("cliënten – 5 €"), b"cli\xebnten \x96 5 \x80");
        assert_eq!(win_ansi("ĳ"), b"?");
    }

    #[test]
    fn wrapping_keeps_lines_within_the_width() {
        let text = "Samen genomen duidelijk meer zorgbehoefte dan Utrecht (score +0,67; vooral Eenpersoonshuishoudens +0,70).";
        let lines = wrap(text, 9.0, false, 200.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| text_width(l, 9.0, false) <= 200.0));
        assert_eq!(lines.join(" "), text);
    }
}
