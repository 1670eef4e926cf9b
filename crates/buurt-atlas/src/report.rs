//! The validation report that `buurt validate` prints: per dataset what was read and what is
//! wrong, the checks against published parent rows, and join coverage between data and geometry.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use buurt_io::Problem;
use serde::{Deserialize, Serialize};

/// What one dataset contributed, or why it failed.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DatasetReport {
    /// Stable id, e.g. `rivm_50090`.
    pub id: String,
    /// `table` or `geometry`.
    pub kind: String,
    /// Files read, relative to the data directory.
    pub paths: Vec<String>,
    /// `ok`, `failed`, or `absent` (a built-in dataset none of whose files is in the data
    /// directory: skipped, which is not a failure).
    pub status: String,
    /// The error when it failed, naming file and row/column/code.
    pub error: Option<String>,
    /// Data rows or features read.
    pub rows: usize,
    /// Regions per level.
    pub regions: BTreeMap<String, usize>,
    /// Years the values describe.
    pub years: Vec<u16>,
    /// Indelingen (classification years) of the region codes.
    pub indelingen: Vec<u16>,
    /// Catalogue indicators present.
    pub indicators: usize,
    /// Value cells (present + missing).
    pub cells: usize,
    /// Missing cells by reason.
    pub missing: BTreeMap<String, usize>,
    /// Columns the catalogue does not map.
    pub unmapped_columns: Vec<String>,
    /// Non-fatal findings.
    pub problems: Vec<Problem>,
    /// Geometry: polygon areas against the file's own area attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_check: Option<buurt_io::area_check::AreaCheck>,
}

/// A comparison of published parent rows with the sum of their children (counts only).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParentCheck {
    /// The dataset.
    pub dataset: String,
    /// The indicator (a count).
    pub indicator: String,
    /// The year.
    pub year: u16,
    /// `wijk` (Σ buurten vs published wijk) or `gemeente` (Σ wijken vs published gemeente).
    pub parent_level: String,
    /// Parents compared.
    pub parents: usize,
    /// Parents whose difference exceeds CBS rounding (see the rule in the text report).
    pub failures: Vec<String>,
    /// The largest absolute difference seen.
    pub max_abs_difference: f64,
    /// Parents skipped because a child value is missing.
    pub skipped: usize,
}

/// How the regions of a table join to the regions of a geometry layer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct JoinCoverage {
    /// The table dataset.
    pub dataset: String,
    /// Its indeling.
    pub data_indeling: u16,
    /// The geometry layer.
    pub layer: String,
    /// The layer's indeling.
    pub layer_indeling: u16,
    /// The level compared.
    pub level: String,
    /// Codes in both (and comparable across the two indelingen).
    pub joined: usize,
    /// Codes with data but no geometry, within the gemeenten the layer covers.
    pub data_only: Vec<String>,
    /// Codes with geometry but no data.
    pub geometry_only: Vec<String>,
    /// Codes in both whose gemeente changed its indeling between the two years (not joined).
    pub not_comparable: Vec<String>,
}

/// The whole report.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ValidationReport {
    /// The data directory that was read.
    pub data_dir: String,
    /// One entry per dataset.
    pub datasets: Vec<DatasetReport>,
    /// Checks of published parents against their children.
    pub parent_checks: Vec<ParentCheck>,
    /// Join coverage of each table with each geometry layer that overlaps it.
    pub join_coverage: Vec<JoinCoverage>,
    /// Gemeenten whose wijk/buurt codes differ between indelingen (series must break there).
    pub indeling_changes: Vec<String>,
    /// Seconds it took.
    pub seconds: f64,
}

impl ValidationReport {
    /// Whether every dataset present loaded and every parent check passed (absent datasets
    /// are no failure).
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.datasets
            .iter()
            .all(|d| d.status == "ok" || d.status == "absent")
            && self.parent_checks.iter().all(|c| c.failures.is_empty())
    }

    /// Datasets not in the data directory.
    #[must_use]
    pub fn absent(&self) -> Vec<&DatasetReport> {
        self.datasets
            .iter()
            .filter(|d| d.status == "absent")
            .collect()
    }

    /// Number of problems and failures, for a summary line.
    #[must_use]
    pub fn problem_count(&self) -> usize {
        self.datasets
            .iter()
            .map(|d| d.problems.len() + usize::from(d.error.is_some()))
            .sum::<usize>()
            + self
                .parent_checks
                .iter()
                .map(|c| c.failures.len())
                .sum::<usize>()
    }

    /// A plain-text rendering for the terminal.
    #[must_use]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "buurt validate — data directory {}", self.data_dir);
        let _ = writeln!(out);
        for d in self.datasets.iter().filter(|d| d.status != "absent") {
            let mark = if d.status == "ok" { "ok    " } else { "FAILED" };
            let _ = writeln!(out, "[{mark}] {} ({})", d.id, d.kind);
            for p in &d.paths {
                let _ = writeln!(out, "         file: {p}");
            }
            if let Some(err) = &d.error {
                let _ = writeln!(out, "         error: {err}");
                continue;
            }
            let regions: Vec<String> = d.regions.iter().map(|(l, n)| format!("{n} {l}")).collect();
            let _ = writeln!(
                out,
                "         {} rows · regions: {} · years: {} · indeling: {}",
                d.rows,
                if regions.is_empty() {
                    "-".into()
                } else {
                    regions.join(", ")
                },
                join_years(&d.years),
                join_years(&d.indelingen),
            );
            if d.kind == "table" {
                let missing: Vec<String> =
                    d.missing.iter().map(|(r, n)| format!("{n} {r}")).collect();
                let _ = writeln!(
                    out,
                    "         {} indicators · {} cells · missing: {}",
                    d.indicators,
                    d.cells,
                    if missing.is_empty() {
                        "none".into()
                    } else {
                        missing.join(", ")
                    }
                );
                if !d.unmapped_columns.is_empty() {
                    let _ = writeln!(
                        out,
                        "         {} columns not in the catalogue: {}",
                        d.unmapped_columns.len(),
                        shorten(&d.unmapped_columns, 8)
                    );
                }
            }
            if let Some(a) = &d.area_check {
                let _ = writeln!(
                    out,
                    "         areas against '{}': {} compared, median polygon/stated {:.3}, {} beyond ±{:.0} %{}",
                    a.attribute,
                    a.compared,
                    a.median_ratio,
                    a.beyond_tolerance,
                    buurt_io::area_check::AREA_TOLERANCE * 100.0,
                    if a.outliers.is_empty() {
                        String::new()
                    } else {
                        format!(
                            ": {}",
                            shorten(
                                &a.outliers
                                    .iter()
                                    .map(|o| format!(
                                        "{} {:.2}/{:.2} km²",
                                        o.code,
                                        o.polygon_m2 / 1e6,
                                        o.attribute_m2 / 1e6
                                    ))
                                    .collect::<Vec<_>>(),
                                6
                            )
                        )
                    }
                );
            }
            for p in d.problems.iter().take(10) {
                let _ = writeln!(out, "         ! {}: {}", p.location, p.message);
            }
            if d.problems.len() > 10 {
                let _ = writeln!(
                    out,
                    "         ! … and {} more problems (use --format json for all)",
                    d.problems.len() - 10
                );
            }
        }
        let absent = self.absent();
        if !absent.is_empty() {
            let ids: Vec<String> = absent.iter().map(|d| d.id.clone()).collect();
            let _ = writeln!(
                out,
                "[absent] {} built-in datasets are not in this data directory (skipped): {}",
                ids.len(),
                shorten(&ids, 6)
            );
        }
        if !self.parent_checks.is_empty() {
            let _ = writeln!(
                out,
                "\nPublished parent rows vs sum of children (counts; per wijk within rounding, per gemeente the wijken may fall short by persons CBS placed in no wijk):"
            );
            for c in &self.parent_checks {
                let verdict = if c.failures.is_empty() {
                    "ok"
                } else {
                    "MISMATCH"
                };
                let _ = writeln!(
                    out,
                    "  [{verdict}] {} {} {} per {}: {} parents, max |Σ − parent| = {}{}",
                    c.dataset,
                    c.indicator,
                    c.year,
                    c.parent_level,
                    c.parents,
                    c.max_abs_difference,
                    if c.skipped > 0 {
                        format!(", {} skipped (child missing)", c.skipped)
                    } else {
                        String::new()
                    }
                );
                for f in &c.failures {
                    let _ = writeln!(out, "      ! {f}");
                }
            }
        }
        if !self.join_coverage.is_empty() {
            let _ = writeln!(out, "\nJoin coverage (data × geometry):");
            for j in &self.join_coverage {
                let _ = writeln!(
                    out,
                    "  {} (indeling {}) × {} (indeling {}), {}: {} joined, {} data only, {} geometry only, {} not comparable",
                    j.dataset,
                    j.data_indeling,
                    j.layer,
                    j.layer_indeling,
                    j.level,
                    j.joined,
                    j.data_only.len(),
                    j.geometry_only.len(),
                    j.not_comparable.len()
                );
                for (label, codes) in [
                    ("data only", &j.data_only),
                    ("geometry only", &j.geometry_only),
                    ("not comparable", &j.not_comparable),
                ] {
                    if !codes.is_empty() {
                        let _ = writeln!(out, "      {label}: {}", shorten(codes, 12));
                        if codes.len() > 12 {
                            let _ = writeln!(out, "        (all codes: --format json)");
                        }
                    }
                }
            }
        }
        if !self.indeling_changes.is_empty() {
            let _ = writeln!(
                out,
                "\nIndeling changes (codes are not comparable across these years):"
            );
            for c in &self.indeling_changes {
                let _ = writeln!(out, "  {c}");
            }
        }
        let _ = writeln!(
            out,
            "\n{} datasets, {} problems, {} — {:.1} s",
            self.datasets.len() - absent.len(),
            self.problem_count(),
            if self.is_ok() {
                "all datasets valid"
            } else {
                "VALIDATION FAILED"
            },
            self.seconds
        );
        out
    }
}

fn join_years(years: &[u16]) -> String {
    if years.is_empty() {
        return "-".into();
    }
    years
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn shorten(items: &[String], n: usize) -> String {
    let mut s = items.iter().take(n).cloned().collect::<Vec<_>>().join(", ");
    if items.len() > n {
        let _ = write!(s, ", … (+{})", items.len() - n);
    }
    s
}
