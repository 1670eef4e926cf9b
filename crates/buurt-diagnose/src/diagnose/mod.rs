//! The diagnose: from the atlas, where a region stands, how that changes, and what stands out.
//!
//! A profile on a small atlas made by hand (the real one comes from
//! [`atlas::open`](crate::atlas::open)):
//!
//! ```
//! use buurt_core::{Catalogue, Indeling, RegionKey};
//! use buurt_diagnose::atlas::{Atlas, Cell};
//! use buurt_diagnose::diagnose::Diagnose;
//! let key = |code: &str| RegionKey::new(code.parse().unwrap(), Indeling::new(2020));
//! let eenzaam = |code: &str, v: f64| Cell::new("rivm_50090", key(code), "eenzaam_65plus", 2020, Some(v));
//! let atlas = Atlas::from_cells(
//!     Catalogue::builtin()?,
//!     [
//!         eenzaam("GM0001", 34.0),
//!         eenzaam("BU00010101", 30.0),
//!         eenzaam("BU00010102", 31.0),
//!         eenzaam("BU00010103", 30.0),
//!         eenzaam("BU00010104", 50.0),
//!     ],
//! )?;
//! let profile = Diagnose::new(&atlas).profile("BU00010104", None)?;
//! let punt = &profile.aandachtspunten[0];
//! assert_eq!(punt.indicator, "eenzaam_65plus");
//! println!("{}", punt.text);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod aandachtspunten;
pub(crate) mod aggregate;
pub mod bands;
pub mod csv_export;
pub mod full;
pub mod harmonise;
pub mod hotspots;
pub mod pdf_export;
pub mod peers;
pub mod profile;
pub mod render;
pub mod scores;
pub mod sections;
pub mod standing;
pub mod xlsx_export;

use buurt_core::{BuurtCode, Indeling, Level, RegionCode, RegionKey};

pub use buurt_atlas::{CellIndex, GroupKey};
pub use profile::{
    Aandachtspunt, Benchmarks, GemeenteFigure, HarmonisedPoint, IndicatorProfile, Parents, Profile,
    RegionRef, Scores, Section, SeriesPoint, Trend,
};
pub use scores::Weights;

use self::aggregate::Subject;
use self::profile::indicator_profiles;
use crate::atlas::Atlas;
use crate::error::{DiagnoseError, Result};

/// A region code as a caller spells it (trimmed), or [`DiagnoseError::UnknownRegion`].
pub(crate) fn parse_region(code: &str) -> Result<RegionCode> {
    code.trim()
        .parse()
        .map_err(|_| DiagnoseError::UnknownRegion {
            code: code.to_owned(),
        })
}

/// The diagnose of an atlas: answers profile queries from its cell index.
#[derive(Debug, Clone)]
pub struct Diagnose<'a> {
    atlas: &'a Atlas,
}

impl<'a> Diagnose<'a> {
    /// The diagnose of `atlas`.
    #[must_use]
    pub fn new(atlas: &'a Atlas) -> Self {
        Self { atlas }
    }

    /// The atlas this diagnose reads.
    #[must_use]
    pub fn atlas(&self) -> &'a Atlas {
        self.atlas
    }

    /// The profile of a region (any spelling of its code), with each indicator at its latest
    /// year up to `year`, and the default weights.
    pub fn profile(&self, code: &str, year: Option<u16>) -> Result<Profile> {
        self.profile_with(code, year, &Weights::default())
    }

    /// As [`Diagnose::profile`], with caller-chosen weights for the composite scores.
    pub fn profile_with(
        &self,
        code: &str,
        year: Option<u16>,
        weights: &Weights,
    ) -> Result<Profile> {
        let code = parse_region(code)?;
        let indeling =
            self.atlas
                .latest_indeling(code)
                .ok_or_else(|| DiagnoseError::UnknownRegion {
                    code: code.to_string(),
                })?;
        let key = RegionKey::new(code, indeling);
        let keys = self.comparable_keys(key);
        if keys.is_empty() {
            return Err(DiagnoseError::UnknownRegion {
                code: code.to_string(),
            });
        }
        let subject = Subject::Region { key, keys };
        // Where the gemeente redrew its wijken or buurten, older years are carried over to
        // this region by areal interpolation, so that its series goes on.
        let bridge = harmonise::Bridge::for_region(self.atlas, key);
        let target = bridge
            .as_ref()
            .and_then(|b| b.target_index(code).map(|t| (b, t)));
        let indicators = indicator_profiles(self.atlas, &subject, year, target);
        self.check_year(year, &indicators)?;
        let parents = Parents {
            wijk: code
                .wijk()
                .filter(|_| code.level() == Level::Buurt)
                .map(|w| self.region_ref(RegionCode::Wijk(w), indeling)),
            gemeente: code
                .gemeente()
                .filter(|_| code.level() != Level::Gemeente)
                .map(|g| self.region_ref(RegionCode::Gemeente(g), indeling)),
        };
        let name = self.region_ref(code, indeling).name;
        let mut profile = self.finish(
            code.to_string(),
            name,
            code.level(),
            indeling,
            parents,
            Vec::new(),
            year,
            indicators,
            weights,
        );
        profile.not_comparable = self.indeling_notes(key);
        let options = peers::PeerOptions {
            year,
            ..peers::PeerOptions::default()
        };
        // A profile without peers is still a profile: say why in the log, not as an error.
        profile.peers = match peers::peers(self.atlas, code.as_str(), &options) {
            Ok(p) => Some(p),
            Err(e) => {
                tracing::debug!(%code, error = %e, "no peers for the profile");
                None
            }
        };
        Ok(profile)
    }

    /// The diagnose of a user-defined area (e.g. the buurten of a wijkpact), compared like a
    /// wijk: counts summed, rates as ratio of sums, model estimates weighted by population.
    pub fn area(
        &self,
        name: &str,
        buurten: &[BuurtCode],
        year: Option<u16>,
        weights: &Weights,
    ) -> Result<Profile> {
        if buurten.is_empty() {
            return Err(DiagnoseError::Parameter {
                name: "buurten",
                message: "an area needs at least one buurt code".into(),
            });
        }
        // A code twice would count its people twice: past the minimum population, and a
        // difference of two areas would show one buurt alone.
        let mut seen = std::collections::HashSet::new();
        if let Some(twice) = buurten.iter().find(|b| !seen.insert(**b)) {
            return Err(DiagnoseError::Parameter {
                name: "buurten",
                message: format!("{twice} is given more than once"),
            });
        }
        let gemeente = buurten[0].gemeente();
        if let Some(other) = buurten.iter().find(|b| b.gemeente() != gemeente) {
            return Err(DiagnoseError::Parameter {
                name: "buurten",
                message: format!(
                    "{other} lies outside {gemeente}; an area must lie within one gemeente"
                ),
            });
        }
        let mut keys = Vec::new();
        let mut indeling = Indeling::new(0);
        for b in buurten {
            let code = RegionCode::Buurt(*b);
            let ind =
                self.atlas
                    .latest_indeling(code)
                    .ok_or_else(|| DiagnoseError::UnknownRegion {
                        code: b.to_string(),
                    })?;
            indeling = indeling.max(ind);
            keys.push(self.comparable_keys(RegionKey::new(code, ind)));
        }
        let subject = Subject::Area { buurten: keys };
        let indicators = indicator_profiles(self.atlas, &subject, year, None);
        self.check_year(year, &indicators)?;
        let parents = Parents {
            wijk: None,
            gemeente: Some(self.region_ref(RegionCode::Gemeente(gemeente), indeling)),
        };
        let codes = buurten.iter().map(ToString::to_string).collect();
        Ok(self.finish(
            "AREA".into(),
            name.to_owned(),
            Level::Wijk,
            indeling,
            parents,
            codes,
            year,
            indicators,
            weights,
        ))
    }

    /// Profiles of every region of `level` within `within` (newest indeling).
    pub fn profiles_within(
        &self,
        within: RegionCode,
        level: Level,
        year: Option<u16>,
    ) -> Result<Vec<Profile>> {
        if within.level() >= level {
            return Err(DiagnoseError::Parameter {
                name: "within",
                message: format!(
                    "{within} is a {}: it holds no {level} regions",
                    within.level()
                ),
            });
        }
        let mut codes: Vec<RegionCode> = self
            .atlas
            .regions()
            .iter()
            .filter(|r| r.level == level && r.key.code.is_within(&within))
            .map(|r| r.key.code)
            .collect();
        codes.sort();
        codes.dedup();
        if codes.is_empty() {
            return Err(DiagnoseError::UnknownRegion {
                code: within.to_string(),
            });
        }
        codes
            .iter()
            .map(|c| self.profile(c.as_str(), year))
            .collect()
    }

    /// A profile "as of" a year before all of its data would be empty: an error that names the
    /// years there are, not an empty profile that reads as "nothing stands out".
    fn check_year(&self, year: Option<u16>, indicators: &[IndicatorProfile]) -> Result<()> {
        let Some(year) = year else { return Ok(()) };
        if !indicators.is_empty() {
            return Ok(());
        }
        let years = self.atlas.cells().years_with_cells(None);
        let listed: Vec<String> = years.iter().map(ToString::to_string).collect();
        Err(DiagnoseError::Parameter {
            name: "year",
            message: format!(
                "no values in or before {year}; years with values: {}",
                listed.join(", ")
            ),
        })
    }

    /// Why values under `key`'s code in other indelingen are not in its profile.
    fn indeling_notes(&self, key: RegionKey) -> Vec<profile::IndelingNote> {
        let Some(gemeente) = key.code.gemeente() else {
            return Vec::new();
        };
        let gemeente_name = self
            .region_ref(RegionCode::Gemeente(gemeente), key.indeling)
            .name;
        let (unit, plural) = match key.code.level() {
            Level::Buurt => ("buurtindeling", "buurten"),
            _ => ("wijkindeling", "wijken"),
        };
        let count = |i: Indeling| {
            self.atlas
                .comparability()
                .counts(gemeente, i)
                .map(|(w, b)| {
                    if key.code.level() == Level::Buurt {
                        b
                    } else {
                        w
                    }
                })
                .filter(|n| *n > 0)
        };
        self.atlas
            .not_comparable_sources(key)
            .into_iter()
            .map(|(indeling, datasets)| {
                let mut sources: Vec<String> = datasets
                    .iter()
                    .map(|d| buurt_core::source::citation(d).to_owned())
                    .collect();
                sources.dedup();
                let (from, to) = (indeling.year().min(key.indeling.year()), indeling.year().max(key.indeling.year()));
                let counts = match (count(Indeling::new(from)), count(Indeling::new(to))) {
                    (Some(a), Some(b)) => format!(" ({a} → {b} {plural})"),
                    _ => String::new(),
                };
                let text = format!(
                    "De {unit} van {gemeente_name} is tussen {from} en {to} gewijzigd{counts}. De cijfers van {} onder deze code gaan over de indeling van {}, dus over een ander gebied, en staan daarom niet in dit profiel.",
                    sources.join(" en "),
                    indeling.year()
                );
                profile::IndelingNote {
                    indeling: indeling.year(),
                    sources,
                    text,
                }
            })
            .collect()
    }

    fn comparable_keys(&self, key: RegionKey) -> Vec<u32> {
        self.atlas.comparable_regions(key)
    }

    fn region_ref(&self, code: RegionCode, indeling: Indeling) -> RegionRef {
        let name = self
            .atlas
            .region(&RegionKey::new(code, indeling))
            .or_else(|| {
                self.atlas
                    .latest_indeling(code)
                    .and_then(|i| self.atlas.region(&RegionKey::new(code, i)))
            })
            .map_or_else(|| code.to_string(), |r| r.name.clone());
        RegionRef {
            code: code.to_string(),
            name,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        code: String,
        name: String,
        level: Level,
        indeling: Indeling,
        parents: Parents,
        buurten: Vec<String>,
        year: Option<u16>,
        indicators: Vec<IndicatorProfile>,
        weights: &Weights,
    ) -> Profile {
        let catalogue = self.atlas.catalogue();
        let benchmark_name = profile::benchmark_name(level, &parents).to_owned();
        let base_id = |id: &str| {
            catalogue
                .get(id)
                .map_or_else(|| id.to_owned(), |i| i.base_id.clone())
        };
        let age_words = |key: &str| {
            buurt_core::AgeGroup::from_key(key)
                .filter(|a| *a != buurt_core::AgeGroup::Totaal)
                .map(|a| a.dutch().to_owned())
                .unwrap_or_default()
        };
        let aandachtspunten =
            aandachtspunten::rank(&indicators, &base_id, &benchmark_name, &age_words);
        let scores = scores::composite(&indicators, &|id| catalogue.get(id).cloned(), weights);
        let mut profile = Profile {
            code,
            name,
            level,
            indeling: indeling.year(),
            parents,
            buurten,
            requested_year: year,
            indicators,
            aandachtspunten,
            scores,
            sections: Vec::new(),
            not_comparable: Vec::new(),
            peers: None,
        };
        let figures = sections::gemeente_figures(self.atlas, &profile);
        profile.sections = sections::build(&profile, &figures, &benchmark_name);
        profile
    }
}
