//! `buurt diagnose`: the profile of a region, or the table for all regions within one.

use std::io::Write as _;

use buurt_core::{Level, RegionCode};
use buurt_diagnose::Atlas;
use buurt_diagnose::diagnose::csv_export::{self, CsvDialect};
use buurt_diagnose::diagnose::{Diagnose, render};

use crate::ProfileFormat;

pub fn run(
    atlas: &Atlas,
    code: Option<&str>,
    within: Option<&str>,
    level: Level,
    year: Option<u16>,
    format: ProfileFormat,
    csv_dialect: CsvDialect,
) -> anyhow::Result<()> {
    let diagnose = Diagnose::new(atlas);
    let profiles = match (code, within) {
        (Some(code), None) => vec![diagnose.profile(code, year)?],
        (None, Some(within)) => {
            let within: RegionCode = within.parse()?;
            diagnose.profiles_within(within, level, year)?
        }
        _ => anyhow::bail!("give a region CODE or --within CODE (not both)"),
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match format {
        ProfileFormat::Json => {
            if profiles.len() == 1 {
                serde_json::to_writer_pretty(&mut out, &profiles[0])?;
            } else {
                serde_json::to_writer_pretty(&mut out, &profiles)?;
            }
            writeln!(out)?;
        }
        ProfileFormat::Csv => csv_export::write_csv(&profiles, csv_dialect, out)?,
        ProfileFormat::Md => {
            for p in &profiles {
                writeln!(out, "{}", render::markdown(p))?;
            }
        }
    }
    Ok(())
}
