//! Shared helpers for the table tests: a minimal xlsx writer, a small catalogue, the data dir.
#![allow(dead_code)]

pub mod fixtures;
pub mod loaders;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use buurt_core::Catalogue;
use buurt_io::TableDataset;

/// A cell of a generated worksheet.
#[derive(Debug, Clone, Copy)]
pub enum X<'a> {
    /// An inline string.
    S(&'a str),
    /// A number.
    N(f64),
    /// No cell.
    E,
}

/// Write a one-sheet xlsx with inline strings (no shared strings, no styles): enough for
/// calamine, and no xlsx-writing dependency.
pub fn write_xlsx(path: &Path, rows: &[Vec<X<'_>>]) {
    let mut sheet = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, row) in rows.iter().enumerate() {
        write!(sheet, r#"<row r="{}">"#, r + 1).expect("writing to a String");
        for (c, cell) in row.iter().enumerate() {
            let reference = format!("{}{}", column_letters(c), r + 1);
            match cell {
                X::S(s) => write!(
                    sheet,
                    r#"<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                    escape(s)
                )
                .expect("writing to a String"),
                X::N(v) => write!(sheet, r#"<c r="{reference}"><v>{v}</v></c>"#).expect("writing to a String"),
                X::E => {}
            }
        }
        sheet.push_str("</row>");
    }
    sheet.push_str("</sheetData></worksheet>");
    let files: Vec<(&str, String)> = vec![
        (
            "[Content_Types].xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#.into(),
        ),
        (
            "_rels/.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#.into(),
        ),
        (
            "xl/workbook.xml",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="data" sheetId="1" r:id="rId1"/></sheets></workbook>"#.into(),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#.into(),
        ),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    std::fs::write(path, zip_stored(&files)).expect("write the xlsx fixture");
}

fn column_letters(mut c: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A zip archive with uncompressed ("stored") entries.
fn zip_stored(files: &[(&str, String)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, content) in files {
        let data = content.as_bytes();
        let crc = crc32(data);
        let offset = out.len() as u32;
        let header = |sig: u32, central_dir: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central_dir {
                h.extend_from_slice(&20u16.to_le_bytes());
            }
            for v in [20u16, 0, 0, 0, 0x21] {
                h.extend_from_slice(&v.to_le_bytes());
            }
            for v in [crc, data.len() as u32, data.len() as u32] {
                h.extend_from_slice(&v.to_le_bytes());
            }
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes());
            if central_dir {
                for v in [0u16, 0, 0] {
                    h.extend_from_slice(&v.to_le_bytes());
                }
                h.extend_from_slice(&0u32.to_le_bytes());
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend_from_slice(data);
        central.extend(header(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, files.len() as u16, files.len() as u16] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// The entries of the shared test catalogue (`buurt_core::test_support`) the loader tests use:
/// one per source table, independent of the builtin catalogue.
pub const SMALL_IDS: [&str; 7] = [
    "inwoners",
    "jeugdzorg",
    "huishoudensgrootte",
    "mantelzorger",
    "clienten_alleen_jeugd",
    "afstand_huisarts",
    "zvw_huisarts_per_verzekerde",
];

/// The small catalogue of [`SMALL_IDS`].
pub fn small_catalogue() -> Catalogue {
    buurt_core::test_support::small_catalogue(&SMALL_IDS)
}

/// The index of an indicator in a catalogue.
pub fn index(catalogue: &Catalogue, id: &str) -> u16 {
    catalogue
        .indicators()
        .iter()
        .position(|i| i.id == id)
        .unwrap_or_else(|| panic!("indicator {id} not in the catalogue")) as u16
}

/// A folder of the real data, or `None` (with a message) when the data directory is absent.
pub fn data_dir(folder: &str) -> Option<PathBuf> {
    let root = buurt_io::paths::test_data_dir();
    if !root.is_dir() {
        eprintln!("skipping: data directory {} is absent", root.display());
        return None;
    }
    let dir = root.join(folder);
    assert!(
        dir.is_dir(),
        "{} is missing from the data directory",
        dir.display()
    );
    Some(dir)
}

/// Some problem of `t` names every one of `parts`.
pub fn assert_problem(t: &TableDataset, parts: &[&str]) {
    assert!(
        t.problems
            .iter()
            .any(|p| parts.iter().all(|part| p.message.contains(part))),
        "no problem names {parts:?}: {:#?}",
        t.problems
    );
}

/// `t` reports skipped rows in exactly one problem, and that problem names every one of `parts`.
pub fn assert_skipped(t: &TableDataset, parts: &[&str]) {
    let skipped: Vec<_> = t
        .problems
        .iter()
        .filter(|p| p.message.contains("skipped"))
        .collect();
    assert_eq!(skipped.len(), 1, "{:#?}", t.problems);
    let message = &skipped[0].message;
    assert!(parts.iter().all(|part| message.contains(part)), "{message}");
}
