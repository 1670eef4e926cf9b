//! Profiles as an Excel workbook for partners: an overview sheet (the region, what stands out,
//! each section's summary, the sources) and a sheet per wijkpact theme with every indicator of
//! that theme, numbers as numbers rounded to the source's precision, missing values in words.
//!
//! ```
//! use buurt_diagnose::diagnose::xlsx_export::workbook;
//! // No profiles still make a valid (zip) workbook with its overview sheet.
//! let bytes = workbook(&[])?;
//! assert!(bytes.starts_with(b"PK"));
//! # Ok::<(), buurt_diagnose::DiagnoseError>(())
//! ```

use buurt_core::Theme;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::csv_export::decimals;
use super::profile::{IndicatorProfile, Profile};
use super::render::sources;
use crate::error::Result;

const COLUMNS: [(&str, f64); 16] = [
    ("Regio", 12.0),
    ("Naam", 24.0),
    ("Indicator", 48.0),
    ("Leeftijd", 9.0),
    ("Jaar", 6.0),
    ("Waarde", 10.0),
    ("Eenheid", 9.0),
    ("Wijk", 10.0),
    ("Gemeente", 10.0),
    ("Nederland", 10.0),
    ("Index (gemeente = 100)", 10.0),
    ("Positie", 12.0),
    ("Trend", 22.0),
    ("Toelichting trend", 48.0),
    ("Bron", 48.0),
    ("Voorlopig", 9.0),
];

/// The workbook of one or more profiles, as the bytes of an `.xlsx` file.
pub fn workbook(profiles: &[Profile]) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    overview(book.add_worksheet(), profiles)?;
    for theme in Theme::ALL {
        let rows: Vec<(&Profile, &IndicatorProfile)> = profiles
            .iter()
            .flat_map(|p| p.indicators.iter().map(move |i| (p, i)))
            .filter(|(_, i)| i.theme == theme)
            .collect();
        if rows.is_empty() {
            continue;
        }
        theme_sheet(book.add_worksheet(), theme, &rows, profiles)?;
    }
    Ok(book.save_to_buffer()?)
}

fn overview(sheet: &mut Worksheet, profiles: &[Profile]) -> Result<(), XlsxError> {
    sheet.set_name("Overzicht")?;
    sheet.set_column_width(0, 28)?;
    sheet.set_column_width(1, 110)?;
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let mut row = 0;
    for p in profiles {
        sheet.write_string_with_format(row, 0, format!("{} ({})", p.name, p.code), &bold)?;
        row += 1;
        let mut context = vec![format!("{} in indeling {}", p.level, p.indeling)];
        if let Some(g) = &p.parents.gemeente {
            context.push(format!("gemeente {} ({})", g.name, g.code));
        }
        if let Some(y) = p.requested_year {
            context.push(format!("stand van {y}"));
        }
        sheet.write_string(row, 0, context.join(" · "))?;
        row += 2;
        sheet.write_string_with_format(row, 0, "Wat valt op", &bold)?;
        row += 1;
        if p.aandachtspunten.is_empty() {
            sheet.write_string(row, 1, "Geen indicator wijkt duidelijk ongunstig af.")?;
            row += 1;
        }
        for a in &p.aandachtspunten {
            sheet.write_string(row, 0, a.theme.label_nl())?;
            sheet.write_string_with_format(row, 1, &a.text, &wrap)?;
            row += 1;
        }
        row += 1;
        for s in &p.sections {
            sheet.write_string_with_format(row, 0, &s.label, &bold)?;
            sheet.write_string_with_format(row, 1, &s.summary, &wrap)?;
            row += 1;
            for f in &s.gemeente_figures {
                sheet.write_string(
                    row,
                    1,
                    format!(
                        "Alleen voor de hele gemeente {}: {} {} ({}, {})",
                        f.gemeente.name,
                        f.label,
                        super::aandachtspunten::format_value(f.value, f.unit),
                        f.year,
                        buurt_core::source::citation(&f.dataset)
                    ),
                )?;
                row += 1;
            }
        }
        row += 1;
        sheet.write_string_with_format(row, 0, "Bronnen", &bold)?;
        sheet.write_string_with_format(row, 1, sources(p).join("; "), &wrap)?;
        row += 3;
    }
    sheet.write_string(
        row,
        0,
        "Gemaakt met buurt. Voorlopig = uit een voorlopige CBS-publicatie (kan nog wijzigen).",
    )?;
    Ok(())
}

/// An Excel sheet name: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(label: &str) -> String {
    label
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

fn theme_sheet(
    sheet: &mut Worksheet,
    theme: Theme,
    rows: &[(&Profile, &IndicatorProfile)],
    profiles: &[Profile],
) -> Result<(), XlsxError> {
    sheet.set_name(sheet_name(theme.label_nl()))?;
    let header = Format::new().set_bold().set_text_wrap();
    let number_formats = ["0", "0.0", "0.00"].map(|f| Format::new().set_num_format(f));
    for (c, (name, width)) in (0u16..).zip(COLUMNS) {
        sheet.write_string_with_format(0, c, name, &header)?;
        sheet.set_column_width(c, width)?;
    }
    let mut r = 1;
    for (p, i) in rows {
        let format = &number_formats[decimals(i.unit, i.kind).min(2) as usize];
        let number = |sheet: &mut Worksheet, c: u16, v: Option<f64>| -> Result<(), XlsxError> {
            if let Some(v) = v {
                sheet.write_number_with_format(r, c, v, format)?;
            }
            Ok(())
        };
        sheet.write_string(r, 0, &p.code)?;
        sheet.write_string(r, 1, &p.name)?;
        sheet.write_string(r, 2, &i.label)?;
        sheet.write_string(r, 3, &i.age_group)?;
        sheet.write_number(r, 4, f64::from(i.year))?;
        match (i.value, i.missing_reason) {
            (Some(v), _) => sheet
                .write_number_with_format(r, 5, v, format)
                .map(|_| ())?,
            (None, Some(m)) => sheet.write_string(r, 5, m.dutch()).map(|_| ())?,
            (None, None) => {}
        }
        sheet.write_string(r, 6, i.unit.symbol())?;
        number(sheet, 7, i.benchmarks.wijk)?;
        number(sheet, 8, i.benchmarks.gemeente)?;
        number(sheet, 9, i.benchmarks.nl)?;
        if let Some(x) = i.index_gemeente {
            sheet.write_number_with_format(r, 10, x, &number_formats[1])?;
        }
        if let Some(b) = i.band {
            sheet.write_string(r, 11, b.dutch())?;
        }
        if let Some(t) = &i.trend {
            sheet.write_string(
                r,
                12,
                format!("{} {}–{}", t.direction, t.from_year, t.to_year),
            )?;
        }
        // Why years were left out, or which were carried over from an older indeling.
        if let Some(note) = i.trend.as_ref().and_then(|t| t.break_note.as_deref()) {
            sheet.write_string(r, 13, note)?;
        }
        sheet.write_string(r, 14, buurt_core::source::citation(&i.dataset))?;
        sheet.write_string(r, 15, if i.provisional { "ja" } else { "nee" })?;
        r += 1;
    }
    // The section's figures known only for the whole gemeente, under the table.
    let figures: Vec<_> = profiles
        .iter()
        .flat_map(|p| &p.sections)
        .filter(|s| s.theme == theme)
        .flat_map(|s| &s.gemeente_figures)
        .collect();
    if !figures.is_empty() {
        r += 1;
        sheet.write_string_with_format(r, 2, "Alleen voor de hele gemeente bekend", &header)?;
        r += 1;
        for f in figures {
            let format = &number_formats[decimals(f.unit, f.kind).min(2) as usize];
            sheet.write_string(r, 0, &f.gemeente.code)?;
            sheet.write_string(r, 1, &f.gemeente.name)?;
            sheet.write_string(r, 2, &f.label)?;
            sheet.write_number(r, 4, f64::from(f.year))?;
            sheet.write_number_with_format(r, 5, f.value, format)?;
            sheet.write_string(r, 6, f.unit.symbol())?;
            sheet.write_string(r, 14, buurt_core::source::citation(&f.dataset))?;
            r += 1;
        }
    }
    sheet.set_freeze_panes(1, 3)?;
    Ok(())
}
