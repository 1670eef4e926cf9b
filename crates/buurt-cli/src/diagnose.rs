//! `buurt diagnose`: the profile of a region, or the table for all regions within one.

use std::io::{IsTerminal as _, Write as _};
use std::path::Path;

use anyhow::Context as _;
use buurt_core::{Level, RegionCode};
use buurt_diagnose::Atlas;
use buurt_diagnose::diagnose::csv_export::{self, CsvDialect};
use buurt_diagnose::diagnose::{Diagnose, pdf_export, render, xlsx_export};

use crate::ProfileFormat;

/// Which profiles.
pub struct Query<'a> {
    pub code: Option<&'a str>,
    pub within: Option<&'a str>,
    pub level: Level,
    pub year: Option<u16>,
}

/// How and where to write them.
pub struct Output<'a> {
    pub format: ProfileFormat,
    pub csv_dialect: CsvDialect,
    pub path: Option<&'a Path>,
}

pub fn run(atlas: &Atlas, query: &Query, output: &Output) -> anyhow::Result<()> {
    let diagnose = Diagnose::new(atlas);
    let profiles = match (query.code, query.within) {
        (Some(code), None) => vec![diagnose.profile(code, query.year)?],
        (None, Some(within)) => {
            let within: RegionCode = within.parse()?;
            diagnose.profiles_within(within, query.level, query.year)?
        }
        _ => anyhow::bail!("give a region CODE or --within CODE (not both)"),
    };
    let mut bytes = Vec::new();
    match output.format {
        ProfileFormat::Json => {
            if profiles.len() == 1 {
                serde_json::to_writer_pretty(&mut bytes, &profiles[0])?;
            } else {
                serde_json::to_writer_pretty(&mut bytes, &profiles)?;
            }
            writeln!(bytes)?;
        }
        ProfileFormat::Csv => csv_export::write_csv(&profiles, output.csv_dialect, &mut bytes)?,
        ProfileFormat::Md => {
            for p in &profiles {
                writeln!(bytes, "{}", render::markdown(p))?;
            }
        }
        ProfileFormat::Xlsx => bytes = xlsx_export::workbook(&profiles)?,
        ProfileFormat::Pdf => {
            let [p] = profiles.as_slice() else {
                anyhow::bail!(
                    "a PDF is the profile of one region: give a CODE, not --within (or use --format xlsx)"
                );
            };
            bytes = pdf_export::pdf(atlas, p, &pdf_export::dutch_date_today());
        }
    }
    let binary = matches!(output.format, ProfileFormat::Xlsx | ProfileFormat::Pdf);
    match output.path {
        Some(path) => {
            std::fs::write(path, &bytes).with_context(|| format!("writing {}", path.display()))?;
        }
        None => {
            let stdout = std::io::stdout();
            if binary && stdout.is_terminal() {
                anyhow::bail!(
                    "not writing a binary file to the terminal: give --out FILE or redirect (> profiel.{})",
                    if output.format == ProfileFormat::Pdf {
                        "pdf"
                    } else {
                        "xlsx"
                    }
                );
            }
            stdout.lock().write_all(&bytes)?;
        }
    }
    Ok(())
}
