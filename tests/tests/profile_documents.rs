//! The partner documents of a profile on the real data (issue 12): the A4 PDF, checked by
//! rendering it with poppler (`pdftoppm`, `pdftotext`, `pdfinfo`, Debian's poppler-utils, which
//! `.ci/run` installs) and reading the picture and the text back, and the Excel workbook, read
//! back with calamine.

use std::process::Command;

use buurt_diagnose::diagnose::csv_export::{self, CsvDialect};
use buurt_diagnose::diagnose::harmonise::SourceShare;
use buurt_diagnose::diagnose::profile::HarmonisedPoint;
use buurt_diagnose::diagnose::{Diagnose, pdf_export, render, xlsx_export};
use buurt_tests::{indicator, real_atlas};
use calamine::{Data, Reader, Xlsx};

fn poppler(tool: &str, args: &[&str]) -> Vec<u8> {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} is needed to check the PDF (apt-get install poppler-utils): {e}")
    });
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A binary PPM (P6) as (width, height, RGB bytes).
fn read_ppm(bytes: &[u8]) -> (usize, usize, &[u8]) {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..at]).expect("ASCII header"));
    }
    assert_eq!(fields[0], "P6");
    let w: usize = fields[1].parse().expect("width");
    let h: usize = fields[2].parse().expect("height");
    (w, h, &bytes[at + 1..])
}

/// The PDF written to a file in a temporary folder (kept while the folder lives).
fn pdf_file(bytes: &[u8], name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join(name);
    std::fs::write(&file, bytes).expect("written");
    (dir, file)
}

/// The first row of a sheet, as text.
fn header(sheet: &calamine::Range<Data>) -> Vec<String> {
    sheet
        .rows()
        .next()
        .expect("header")
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn is_orange(px: &[u8]) -> bool {
    px[0] > 150 && (60..150).contains(&px[1]) && px[2] < 60
}

fn is_grey(px: &[u8]) -> bool {
    (200..230).contains(&px[0]) && px[0] == px[1] && px[1] == px[2]
}

#[test]
fn the_pdf_of_oost_is_an_a4_diagnose_with_map_sections_and_trends() {
    let atlas = real_atlas();
    let oost = Diagnose::new(atlas)
        .profile("WK034405", None)
        .expect("profile");
    let bytes = pdf_export::pdf(atlas, &oost, "5 december 2026");
    let (_dir, file) = pdf_file(&bytes, "oost.pdf");
    let path = file.to_str().expect("UTF-8 path");

    let info = String::from_utf8(poppler("pdfinfo", &[path])).expect("UTF-8");
    assert!(info.contains("595 x 842 pts (A4)"), "{info}");
    assert!(
        info.contains("Wijkprofiel Wijk 05 Oost (WK034405)"),
        "{info}"
    );

    // The text, read back from the rendered file (so the encoding of ë and – is right).
    let text = String::from_utf8(poppler("pdftotext", &[path, "-"])).expect("UTF-8");
    for expected in [
        "Wijkprofiel",
        "Wijk 05 Oost (WK034405)",
        "Wat valt op",
        "Demografie",
        "Zorgbehoefte",
        "Jeugd en jeugdzorg",
        "Mantelzorg en Wmo",
        "nog niet gepubliceerd",
        "Cliënten met alleen jeugdhulp",
        "8.970",
        "Bronnen: CBS, Kerncijfers wijken en buurten",
        "5 december 2026",
    ] {
        assert!(
            text.contains(expected) || text.replace('\n', " ").contains(expected),
            "{expected:?} not in\n{text}"
        );
    }
    // The four wijkpact sections come in order, leefstijl after them.
    let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(at("Demografie\n") < at("Zorgbehoefte\n"));
    assert!(at("Zorgbehoefte\n") < at("Jeugd en jeugdzorg\n"));
    assert!(at("Jeugd en jeugdzorg\n") < at("Mantelzorg en Wmo\n"));
    assert!(at("Mantelzorg en Wmo\n") < at("Leefstijl\n"));
    // What stands out holds no lifestyle item.
    let points = &text[at("Wat valt op")..at("Demografie\n")];
    for word in ["alcohol", "drinker", "gewicht", "rookt", "sport"] {
        assert!(!points.to_lowercase().contains(word), "{points}");
    }

    // The picture of page 1: the location map in the top right corner (Oost orange among grey
    // wijken), and orange trend lines beside the key figures.
    let ppm = poppler(
        "pdftoppm",
        &["-r", "50", "-f", "1", "-l", "1", "-singlefile", path],
    );
    let (w, h, rgb) = read_ppm(&ppm);
    assert_eq!((w, h), (414, 585), "A4 (595 × 842 pt) at 50 dpi");
    let count = |x0: usize, x1: usize, y0: usize, y1: usize, test: fn(&[u8]) -> bool| {
        (y0..y1)
            .flat_map(|y| (x0..x1).map(move |x| (y * w + x) * 3))
            .filter(|&i| test(&rgb[i..i + 3]))
            .count()
    };
    // The map box: 150 pt square at the top right, inside the margin of 42 pt (50/72 px per pt).
    let px = |pt: f32| (pt * 50.0 / 72.0).round() as usize;
    let (map_x0, map_x1, map_y0, map_y1) = (
        px(595.0 - 42.0 - 150.0),
        px(595.0 - 42.0),
        px(42.0),
        px(42.0 + 150.0),
    );
    let orange = count(map_x0, map_x1, map_y0, map_y1, is_orange);
    let grey = count(map_x0, map_x1, map_y0, map_y1, is_grey);
    assert!(
        orange > 100,
        "Oost is drawn in the map: {orange} orange pixels"
    );
    assert!(
        grey > 4 * orange,
        "the other wijken around it: {grey} grey pixels"
    );
    // Trend lines: orange in the series column below the map, nowhere in the text column.
    let below_map = map_y1 + 20;
    let trends = count(px(42.0 + 430.0), px(595.0 - 42.0), below_map, h, is_orange);
    assert!(trends > 50, "trend lines drawn: {trends} orange pixels");
    assert_eq!(
        count(px(42.0), px(42.0 + 200.0), below_map, h, is_orange),
        0
    );
}

#[test]
fn the_workbook_of_oost_has_a_sheet_per_theme_with_numbers() {
    let atlas = real_atlas();
    let oost = Diagnose::new(atlas)
        .profile("WK034405", None)
        .expect("profile");
    let bytes = xlsx_export::workbook(std::slice::from_ref(&oost)).expect("workbook");
    let mut book = Xlsx::new(std::io::Cursor::new(bytes)).expect("an xlsx file");
    let names = book.sheet_names();
    assert_eq!(
        names[..5],
        [
            "Overzicht",
            "Demografie",
            "Zorgbehoefte",
            "Jeugd en jeugdzorg",
            "Mantelzorg en Wmo"
        ],
        "{names:?}"
    );
    assert!(names.iter().any(|n| n == "Leefstijl"));
    let demografie = book.worksheet_range("Demografie").expect("sheet");
    let header = header(&demografie);
    assert_eq!(header[2], "Indicator");
    let value_col = header.iter().position(|h| h == "Waarde").expect("Waarde");
    let inwoners = demografie
        .rows()
        .find(|r| r[2] == Data::String("Inwoners".into()))
        .expect("Inwoners");
    assert_eq!(inwoners[value_col], Data::Float(33510.0));
    // Unpublished jeugdzorg says so in words; 85994NED's gemeente total is under the table.
    let jeugd = book.worksheet_range("Jeugd en jeugdzorg").expect("sheet");
    let cells: Vec<String> = jeugd.cells().map(|(_, _, d)| d.to_string()).collect();
    assert!(
        cells
            .iter()
            .any(|c| c == "nog niet gepubliceerd (voorlopige cijfers)")
    );
    let total = jeugd
        .rows()
        .find(|r| r[2] == Data::String("Cliënten met alleen jeugdhulp".into()))
        .expect("the gemeente total");
    assert_eq!(total[value_col], Data::Float(8970.0));
    assert_eq!(total[0], Data::String("GM0344".into()));
    let overzicht = book.worksheet_range("Overzicht").expect("sheet");
    assert!(
        overzicht
            .cells()
            .any(|(_, _, d)| d.to_string().starts_with("Wijk 05 Oost (WK034405)"))
    );
}

/// A year carried over from an older indeling (a gemeente whose new wijk is made of old ones)
/// is flagged in the JSON; the Markdown page stars it, and the PDF, the workbook and the CSV
/// must say it too, so that no partner reads it as the wijk's own figure. No profile of the
/// real data carries a year over any more (Almere's 2022 wijken are pieces of the old ones, or
/// their people lived elsewhere: tests/tests/harmonise.rs), so Oost's profile gets one here.
#[test]
fn the_pdf_the_workbook_and_the_csv_say_which_years_were_carried_over() {
    let atlas = real_atlas();
    let mut wijk = Diagnose::new(atlas)
        .profile("WK034405", None)
        .expect("profile");
    let note = "reeks loopt door: 2019 omgerekend van de indeling 2019 naar die van 2024 (naar oppervlakteaandeel verdeeld, dekking ten minste 100 %)";
    let inwoners = wijk
        .indicators
        .iter_mut()
        .find(|i| i.id == "inwoners")
        .expect("inwoners");
    let first = inwoners.series.first_mut().expect("a series");
    assert!(first.value.is_some(), "{first:?}");
    first.harmonised = Some(HarmonisedPoint {
        from_indeling: first.year,
        method: "extensive".into(),
        weight: None,
        coverage: 1.0,
        sources: vec![SourceShare {
            code: "WK034405".into(),
            share: 1.0,
        }],
    });
    inwoners.trend.as_mut().expect("a trend").break_note = Some(note.into());
    let inwoners = indicator(&wijk, "inwoners");

    let md = render::markdown(&wijk);
    assert!(md.contains("\\* Omgerekend naar deze indeling"), "{md}");

    let bytes = pdf_export::pdf(atlas, &wijk, "5 december 2026");
    let (_dir, file) = pdf_file(&bytes, "oost.pdf");
    let text = String::from_utf8(poppler(
        "pdftotext",
        &[file.to_str().expect("UTF-8 path"), "-"],
    ))
    .expect("UTF-8")
    .replace('\n', " ");
    assert!(
        text.contains("Open punten in de reeks: omgerekend naar deze indeling"),
        "{text}"
    );
    assert!(
        text.contains("Inwoners: reeks loopt door: 2019 omgerekend van de indeling 2019"),
        "{text}"
    );

    let book = xlsx_export::workbook(std::slice::from_ref(&wijk)).expect("workbook");
    let mut book = Xlsx::new(std::io::Cursor::new(book)).expect("an xlsx file");
    let sheet = book.worksheet_range("Demografie").expect("sheet");
    let column = header(&sheet)
        .iter()
        .position(|h| h == "Toelichting trend")
        .expect("a column for the trend's note");
    let row = sheet
        .rows()
        .find(|r| r[2] == Data::String(inwoners.label.clone()))
        .expect("the inwoners row");
    assert_eq!(row[column], Data::String(note.to_owned()));

    // And the CSV, in a column of its own.
    let mut csv = Vec::new();
    csv_export::write_csv(std::slice::from_ref(&wijk), CsvDialect::Rfc4180, &mut csv)
        .expect("CSV writes");
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let header = reader.headers().expect("header").clone();
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    let row = reader
        .records()
        .map(|r| r.expect("a row"))
        .find(|r| &r[at("id")] == "inwoners")
        .expect("the inwoners row");
    assert_eq!(&row[at("trend_note")], note);
}
