//! Vergelijkbare buurten: the regions of the same level that look most like a region on a
//! standardised profile of chosen indicators, with the distance and what makes it up.
//!
//! Per indicator one comparison group is used for every region: the dataset and year in which
//! the region has a value (the newest up to the requested year) that holds the most regions of
//! its level within the scope, so that a wijk is compared across gemeenten where the data
//! allow it. Values are standardised over the regions of that group (z = (x − mean) / sd), and
//! the distance of two regions is the root mean square of their z differences over the
//! indicators both have: comparable whatever the number of shared indicators, which is
//! reported with every peer. A region's missing value (suppressed, not published) is never
//! filled in: the indicator is left out of that pair, and of every pair when it is the
//! region's own value that is missing.
//!
//! ```
//! use buurt_core::{Catalogue, Indeling, RegionKey};
//! use buurt_diagnose::atlas::{Atlas, Cell};
//! use buurt_diagnose::diagnose::peers::{PeerOptions, peers};
//! let key = |code: &str| RegionKey::new(code.parse().unwrap(), Indeling::new(2020));
//! let cell = |code: &str, id: &str, v: f64| Cell::new("rivm_50090", key(code), id, 2020, Some(v));
//! let mut cells = Vec::new();
//! for (code, eenzaam, rondkomen) in [
//!     ("WK000101", 40.0, 10.0),
//!     ("WK000102", 41.0, 11.0),
//!     ("WK000201", 60.0, 30.0),
//!     ("WK000202", 30.0, 5.0),
//! ] {
//!     cells.push(cell(code, "eenzaam_18plus", eenzaam));
//!     cells.push(cell(code, "moeite_rondkomen_18plus", rondkomen));
//! }
//! let atlas = Atlas::from_cells(Catalogue::builtin()?, cells)?;
//! let found = peers(&atlas, "WK000101", &PeerOptions { k: 2, ..PeerOptions::default() })?;
//! assert_eq!(found.peers[0].code, "WK000102");
//! assert_eq!(found.peers[0].shared, 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::HashMap;
use std::fmt::Write as _;

use buurt_atlas::GroupKey;
use buurt_core::{
    AgeGroup, Indicator, Kind, Level, MissingReason, RegionCode, RegionKey, Theme, Unit,
};
use serde::{Deserialize, Serialize};

use crate::atlas::Atlas;
use crate::error::{DiagnoseError, Result};

use super::profile::RegionRef;

/// Most peers a query may ask for.
pub const MAX_K: usize = 50;

/// The settings of a peer search.
#[derive(Debug, Clone, PartialEq)]
pub struct PeerOptions {
    /// How many peers.
    pub k: usize,
    /// Indicator ids; `None`: [`default_indicators`].
    pub indicators: Option<Vec<String>>,
    /// The newest year a value may come from; `None`: the newest of each indicator.
    pub year: Option<u16>,
    /// Only regions within this one (a gemeente); `None`: all of the Netherlands.
    pub within: Option<RegionCode>,
}

impl Default for PeerOptions {
    fn default() -> Self {
        Self {
            k: 5,
            indicators: None,
            year: None,
            within: None,
        }
    }
}

/// The default profile peers are compared on: the headline indicators of the demografie and
/// zorgbehoefte themes that describe a population rather than its size (no counts), each for
/// everyone or all adults only, so that no concept counts three times through its age groups.
#[must_use]
pub fn default_indicators(atlas: &Atlas) -> Vec<String> {
    atlas
        .catalogue()
        .headline()
        .filter(|i| is_default(i))
        .map(|i| i.id.clone())
        .collect()
}

fn is_default(i: &Indicator) -> bool {
    matches!(i.theme, Theme::Demografie | Theme::Zorgbehoefte)
        && i.kind != Kind::Count
        && matches!(i.age_group, AgeGroup::Totaal | AgeGroup::Plus18)
}

/// One indicator of the comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeerIndicator {
    /// Indicator id.
    pub id: String,
    /// Dutch label (with the age group).
    pub label: String,
    /// Unit of the values.
    pub unit: Unit,
    /// Whether it counts in the distances.
    pub used: bool,
    /// Why not, in Dutch, when it does not.
    pub reason: Option<String>,
    /// The dataset of the comparison group.
    pub dataset: Option<String>,
    /// The year of the comparison group.
    pub year: Option<u16>,
    /// The region's own value.
    pub value: Option<f64>,
    /// Why the region's own value is missing.
    pub missing_reason: Option<MissingReason>,
    /// Mean over the regions of the group (unweighted: each region one point).
    pub mean: Option<f64>,
    /// Standard deviation over them (population).
    pub sd: Option<f64>,
    /// Regions with a value in the group.
    pub regions: usize,
}

/// One indicator's part in a peer's distance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PeerContribution {
    /// Indicator id.
    pub indicator: String,
    /// The peer's value.
    pub value: f64,
    /// The region's own value.
    pub subject_value: f64,
    /// The peer's z minus the region's z.
    pub z_difference: f64,
    /// Its share of the squared distance (0–1; the shares sum to 1).
    pub share: f64,
}

/// A region like the one asked about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Peer {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Its gemeente.
    pub gemeente: Option<RegionRef>,
    /// Root mean square of the z differences over the shared indicators (0: identical).
    pub distance: f64,
    /// Indicators both have a value of.
    pub shared: usize,
    /// Used indicators the peer has no value of (suppressed, not published, not measured).
    pub missing: Vec<String>,
    /// Per shared indicator, largest share first.
    pub contributions: Vec<PeerContribution>,
}

/// The regions most like one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Peers {
    /// The region's code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// Its level.
    pub level: Level,
    /// Where peers were looked for (a gemeente code, or NL).
    pub within: String,
    /// The indicators asked for, used or not.
    pub indicators: Vec<PeerIndicator>,
    /// The fewest shared indicators a peer needed: all used ones, unless fewer than `k`
    /// regions have them all.
    pub required_shared: usize,
    /// Regions compared (with at least `required_shared` shared indicators).
    pub compared: usize,
    /// Regions of the level in scope with fewer shared indicators, left out.
    pub too_few_shared: usize,
    /// The nearest regions, nearest first.
    pub peers: Vec<Peer>,
    /// What the comparison rests on, in Dutch.
    pub note: String,
}

/// The `k` regions of the same level most like `code` (see the module docs).
pub fn peers(atlas: &Atlas, code: &str, options: &PeerOptions) -> Result<Peers> {
    let code = super::parse_region(code)?;
    let level = code.level();
    if !matches!(level, Level::Buurt | Level::Wijk | Level::Gemeente) {
        return Err(DiagnoseError::Parameter {
            name: "code",
            message: format!("{code} is not a buurt, wijk or gemeente"),
        });
    }
    if options.k == 0 || options.k > MAX_K {
        return Err(DiagnoseError::Parameter {
            name: "k",
            message: format!("{} is not between 1 and {MAX_K}", options.k),
        });
    }
    let indeling = atlas
        .latest_indeling(code)
        .ok_or_else(|| DiagnoseError::UnknownRegion {
            code: code.to_string(),
        })?;
    if let Some(w) = options.within
        && w.level() >= level
    {
        return Err(DiagnoseError::Parameter {
            name: "within",
            message: format!("{w} does not hold {level} regions"),
        });
    }
    let ids = match &options.indicators {
        Some(ids) if ids.is_empty() => {
            return Err(DiagnoseError::Parameter {
                name: "indicators",
                message: "no indicator given".into(),
            });
        }
        Some(ids) => ids.clone(),
        None => default_indicators(atlas),
    };
    let subject = RegionKey::new(code, indeling);
    let space = Space::new(atlas, level, options.within);
    let mut indicators = Vec::with_capacity(ids.len());
    // Per used indicator: the subject's value and z, and every candidate's z.
    let mut columns: Vec<Column> = Vec::new();
    for id in &ids {
        let Some(ix) = atlas.catalogue().position(id) else {
            return Err(DiagnoseError::Parameter {
                name: "indicators",
                message: format!("unknown indicator '{id}'"),
            });
        };
        if ids.iter().filter(|other| *other == id).count() > 1 {
            return Err(DiagnoseError::Parameter {
                name: "indicators",
                message: format!("'{id}' is given twice"),
            });
        }
        let (pi, column) = space.indicator(atlas, subject, ix, options.year);
        indicators.push(pi);
        if let Some(c) = column {
            columns.push(c);
        }
    }
    if options.indicators.is_none() {
        drop_narrow(&mut indicators, &mut columns, level);
    }
    let used = columns.len();
    let within = options
        .within
        .map_or_else(|| "NL".to_owned(), |w| w.to_string());
    let name_of = |c: RegionCode| region_name(atlas, c);
    if used == 0 {
        return Ok(Peers {
            code: code.to_string(),
            name: name_of(code),
            level,
            within,
            note: format!(
                "Geen vergelijking mogelijk: {} heeft van geen van de gekozen indicatoren een waarde die met andere {} te vergelijken is.",
                name_of(code),
                plural(level)
            ),
            indicators,
            required_shared: 0,
            compared: 0,
            too_few_shared: 0,
            peers: Vec::new(),
        });
    }
    // Every candidate with at least one shared indicator: (shared, sum of squares).
    let mut scored: Vec<(RegionCode, usize, f64)> = space
        .candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| **c != code)
        .filter_map(|(i, &c)| {
            let mut shared = 0;
            let mut ss = 0.0;
            for col in &columns {
                if let Some(z) = col.z[i] {
                    shared += 1;
                    ss += (z - col.subject_z).powi(2);
                }
            }
            (shared > 0).then_some((c, shared, ss))
        })
        .collect();
    // All used indicators, unless fewer than k regions have them all: then one fewer, and so
    // on, and the note says so.
    let mut required = used;
    while required > 1 && scored.iter().filter(|s| s.1 >= required).count() < options.k {
        required -= 1;
    }
    let in_scope = scored.len();
    scored.retain(|s| s.1 >= required);
    let compared = scored.len();
    let distance = |s: &(RegionCode, usize, f64)| (s.2 / s.1 as f64).sqrt();
    scored.sort_by(|a, b| distance(a).total_cmp(&distance(b)).then(a.0.cmp(&b.0)));
    scored.truncate(options.k);
    let peers: Vec<Peer> = scored
        .iter()
        .map(|s| {
            let i = space.position[&s.0];
            let mut contributions: Vec<PeerContribution> = columns
                .iter()
                .filter_map(|col| {
                    let z = col.z[i]?;
                    let dz = z - col.subject_z;
                    Some(PeerContribution {
                        indicator: col.id.clone(),
                        value: col.values[i],
                        subject_value: col.subject_value,
                        z_difference: dz,
                        share: if s.2 > 0.0 { dz * dz / s.2 } else { 0.0 },
                    })
                })
                .collect();
            contributions.sort_by(|a, b| b.share.total_cmp(&a.share));
            Peer {
                code: s.0.to_string(),
                name: name_of(s.0),
                gemeente: s.0.gemeente().map(|g| RegionRef {
                    code: g.to_string(),
                    name: name_of(RegionCode::Gemeente(g)),
                }),
                distance: distance(s),
                shared: s.1,
                missing: columns
                    .iter()
                    .filter(|col| col.z[i].is_none())
                    .map(|col| col.id.clone())
                    .collect(),
                contributions,
            }
        })
        .collect();
    let note = note(
        level,
        &indicators,
        used,
        required,
        compared,
        in_scope - compared,
    );
    tracing::debug!(%code, used, required, compared, "peers found");
    Ok(Peers {
        code: code.to_string(),
        name: name_of(code),
        level,
        within,
        indicators,
        required_shared: required,
        compared,
        too_few_shared: in_scope - compared,
        peers,
        note,
    })
}

/// The default profile compares across gemeenten: an indicator known for fewer than half as
/// many regions as the best-known one (e.g. a figure only Utrecht publishes per wijk) would
/// confine every peer to the few regions that have it, so it is left out, and said so. An
/// indicator the caller chose is always kept.
fn drop_narrow(indicators: &mut [PeerIndicator], columns: &mut Vec<Column>, level: Level) {
    let widest = indicators
        .iter()
        .filter(|i| i.used)
        .map(|i| i.regions)
        .max()
        .unwrap_or(0);
    for i in indicators.iter_mut().filter(|i| i.used) {
        if i.regions * 2 < widest {
            i.used = false;
            i.reason = Some(format!(
                "alleen bekend voor {} {}, tegen {widest} voor de andere indicatoren; weggelaten om over gemeenten heen te vergelijken",
                i.regions,
                plural(level)
            ));
            columns.retain(|c| c.id != i.id);
        }
    }
}

fn plural(level: Level) -> &'static str {
    match level {
        Level::Buurt => "buurten",
        Level::Wijk => "wijken",
        _ => "gemeenten",
    }
}

fn note(
    level: Level,
    indicators: &[PeerIndicator],
    used: usize,
    required: usize,
    compared: usize,
    too_few: usize,
) -> String {
    let labels: Vec<&str> = indicators
        .iter()
        .filter(|i| i.used)
        .map(|i| i.label.as_str())
        .collect();
    let mut text = format!(
        "Vergeleken op {used} van {} indicatoren ({}), gestandaardiseerd over alle {} met een waarde; afstand 0 is gelijk, 1 is gemiddeld een standaardafwijking verschil.",
        indicators.len(),
        labels.join(", "),
        plural(level)
    );
    for i in indicators.iter().filter(|i| !i.used) {
        if let Some(r) = &i.reason {
            let _ = write!(text, " {}: {r}.", i.label);
        }
    }
    if required < used {
        let _ = write!(
            text,
            " Minder dan genoeg {} hebben alle {used}: ook {} met {required} gedeelde indicatoren tellen mee.",
            plural(level),
            plural(level)
        );
    }
    let _ = write!(text, " {compared} {} vergeleken", plural(level));
    if too_few > 0 {
        let _ = write!(text, "; {too_few} met minder gedeelde indicatoren niet");
    }
    text.push('.');
    text
}

fn region_name(atlas: &Atlas, code: RegionCode) -> String {
    atlas
        .latest_indeling(code)
        .and_then(|i| atlas.region(&RegionKey::new(code, i)))
        .map_or_else(|| code.to_string(), |r| r.name.clone())
}

/// The candidates of one level in scope, each by its code in its newest indeling.
struct Space {
    level: Level,
    candidates: Vec<RegionCode>,
    position: HashMap<RegionCode, usize>,
}

/// One used indicator: values and z per candidate position.
struct Column {
    id: String,
    subject_value: f64,
    subject_z: f64,
    values: Vec<f64>,
    z: Vec<Option<f64>>,
}

impl Space {
    fn new(atlas: &Atlas, level: Level, within: Option<RegionCode>) -> Self {
        let mut candidates: Vec<RegionCode> = atlas
            .regions()
            .iter()
            .filter(|r| r.level == level)
            .map(|r| r.key.code)
            .filter(|c| within.is_none_or(|w| c.is_within(&w)))
            .collect();
        candidates.sort();
        candidates.dedup();
        let position = candidates
            .iter()
            .enumerate()
            .map(|(i, c)| (*c, i))
            .collect();
        Self {
            level,
            candidates,
            position,
        }
    }

    /// The candidate a cell's region counts for: its code, when the cell's indeling describes
    /// the same area as the code's newest indeling.
    fn candidate_of(&self, atlas: &Atlas, key: RegionKey) -> Option<usize> {
        let i = *self.position.get(&key.code)?;
        let newest = atlas.latest_indeling(key.code)?;
        atlas
            .comparability()
            .same_region(key.code, key.indeling, newest)
            .then_some(i)
    }

    /// Values per candidate in group `g` (NaN where missing) and how many are present.
    fn values(&self, atlas: &Atlas, g: GroupKey) -> (Vec<f64>, usize) {
        let cells = atlas.cells();
        let mut values = vec![f64::NAN; self.candidates.len()];
        let mut present = 0;
        for c in cells.level_cells(g, self.level) {
            let key = cells.cell_region(c);
            let Some(i) = self.candidate_of(atlas, key) else {
                continue;
            };
            let (v, _) = cells.cell_value(c);
            if v.is_finite() && values[i].is_nan() {
                values[i] = v;
                present += 1;
            }
        }
        (values, present)
    }

    /// The comparison of one indicator: the group chosen for `subject` and its standardised
    /// values, or why it is not used.
    fn indicator(
        &self,
        atlas: &Atlas,
        subject: RegionKey,
        ix: usize,
        year: Option<u16>,
    ) -> (PeerIndicator, Option<Column>) {
        let ind = &atlas.catalogue().indicators()[ix];
        let cells = atlas.cells();
        let mut out = PeerIndicator {
            id: ind.id.clone(),
            label: label_with_age(ind),
            unit: ind.unit,
            used: false,
            reason: None,
            dataset: None,
            year: None,
            value: None,
            missing_reason: None,
            mean: None,
            sd: None,
            regions: 0,
        };
        let Ok(ind_ix) = u16::try_from(ix) else {
            return (out, None);
        };
        let own = atlas.comparable_regions(subject);
        // The subject's cells of this indicator: (group, value, missing).
        let mut groups: Vec<(GroupKey, f64, Option<MissingReason>)> = Vec::new();
        for d in cells.dataset_ids() {
            for &y in cells.years(d, ind_ix) {
                if year.is_some_and(|limit| y > limit) {
                    continue;
                }
                let g = GroupKey {
                    dataset: d,
                    indicator: ind_ix,
                    year: y,
                };
                if let Some(c) = own.iter().find_map(|&r| cells.cell(g, r)) {
                    let (v, m) = cells.cell_value(c);
                    groups.push((g, v, m));
                }
            }
        }
        let with_value: Vec<&(GroupKey, f64, Option<MissingReason>)> =
            groups.iter().filter(|(_, v, _)| v.is_finite()).collect();
        if with_value.is_empty() {
            // The newest missing reason says why (suppressed, not published, …); values only
            // under the code in another indeling, where it named another area, are not
            // comparable.
            let newest = groups.iter().max_by_key(|(g, _, _)| g.year);
            out.missing_reason = newest
                .map(|(_, _, m)| m.unwrap_or(MissingReason::Empty))
                .or_else(|| {
                    (!cells.cells_of(subject.code, ind_ix).is_empty())
                        .then_some(MissingReason::NotComparable)
                });
            out.year = newest.map(|(g, _, _)| g.year);
            out.reason = Some(match out.missing_reason {
                Some(m) => format!("eigen waarde {}", m.dutch()),
                None => "geen eigen waarde".to_owned(),
            });
            return (out, None);
        }
        // The group with most regions in scope, then the newest.
        let mut best: Option<(GroupKey, f64, Vec<f64>, usize)> = None;
        for &&(g, v, _) in &with_value {
            let (values, present) = self.values(atlas, g);
            let better = best
                .as_ref()
                .is_none_or(|b| (present, g.year) > (b.3, b.0.year));
            if better {
                best = Some((g, v, values, present));
            }
        }
        let Some((g, own_value, values, present)) = best else {
            return (out, None);
        };
        out.dataset = Some(cells.datasets()[usize::from(g.dataset)].clone());
        out.year = Some(g.year);
        out.value = Some(own_value);
        out.regions = present;
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let n = finite.len() as f64;
        let mean = finite.iter().sum::<f64>() / n;
        let sd = (finite.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        out.mean = Some(mean);
        out.sd = Some(sd);
        if present < 3 || sd <= 0.0 || !sd.is_finite() {
            out.reason = Some(format!(
                "te weinig verschil om op te vergelijken ({present} {} met een waarde)",
                plural(self.level)
            ));
            return (out, None);
        }
        out.used = true;
        let z = values
            .iter()
            .map(|v| v.is_finite().then(|| (v - mean) / sd))
            .collect();
        let column = Column {
            id: ind.id.clone(),
            subject_value: own_value,
            subject_z: (own_value - mean) / sd,
            values,
            z,
        };
        (out, Some(column))
    }
}

fn label_with_age(ind: &Indicator) -> String {
    if ind.age_group == AgeGroup::Totaal {
        ind.label_nl.clone()
    } else {
        format!("{} ({})", ind.label_nl, ind.age_group.as_str())
    }
}

#[cfg(test)]
mod tests {
    use buurt_atlas::Cell;
    use buurt_core::{Catalogue, Indeling};

    use super::*;

    fn key(code: &str) -> RegionKey {
        RegionKey::new(code.parse().unwrap(), Indeling::new(2020))
    }

    fn cell(code: &str, id: &str, v: Option<f64>) -> Cell {
        Cell::new("rivm_50090", key(code), id, 2020, v)
    }

    /// Five wijken in two gemeenten on two indicators; WK000103 has no value of the second.
    fn atlas() -> Atlas {
        let rows = [
            ("WK000101", Some(40.0), Some(10.0)),
            ("WK000102", Some(42.0), Some(12.0)),
            ("WK000103", Some(40.0), None),
            ("WK000201", Some(60.0), Some(30.0)),
            ("WK000202", Some(20.0), Some(2.0)),
        ];
        let mut cells = Vec::new();
        for (code, a, b) in rows {
            cells.push(cell(code, "eenzaam_18plus", a));
            cells.push(cell(code, "moeite_rondkomen_18plus", b));
        }
        Atlas::from_cells(Catalogue::builtin().unwrap(), cells).unwrap()
    }

    fn options(k: usize) -> PeerOptions {
        PeerOptions {
            k,
            ..PeerOptions::default()
        }
    }

    #[test]
    fn distances_are_root_mean_square_z_differences() {
        let atlas = atlas();
        let p = peers(&atlas, "WK000101", &options(1)).unwrap();
        assert_eq!(p.peers.len(), 1);
        let best = &p.peers[0];
        assert_eq!(best.code, "WK000102");
        // By hand: population sd of (40, 42, 40, 60, 20) and of (10, 12, 30, 2).
        let sd = |xs: &[f64]| {
            let m = xs.iter().sum::<f64>() / xs.len() as f64;
            (xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / xs.len() as f64).sqrt()
        };
        let (sa, sb) = (
            sd(&[40.0, 42.0, 40.0, 60.0, 20.0]),
            sd(&[10.0, 12.0, 30.0, 2.0]),
        );
        let expected = f64::midpoint((2.0 / sa).powi(2), (2.0 / sb).powi(2)).sqrt();
        assert!(
            (best.distance - expected).abs() < 1e-12,
            "{}",
            best.distance
        );
        let shares: f64 = best.contributions.iter().map(|c| c.share).sum();
        assert!((shares - 1.0).abs() < 1e-12);
        assert_eq!(best.gemeente.as_ref().unwrap().code, "GM0001");
    }

    #[test]
    fn a_peer_with_a_missing_value_needs_fewer_shared_only_when_too_few_have_all() {
        let atlas = atlas();
        // Three regions have both indicators: WK000103 (one only) is left out of k = 3.
        let p = peers(&atlas, "WK000101", &options(3)).unwrap();
        assert_eq!(p.required_shared, 2);
        assert_eq!(p.too_few_shared, 1);
        assert!(p.peers.iter().all(|x| x.code != "WK000103"));
        // With k = 4 it has to count, and says what it lacks.
        let p = peers(&atlas, "WK000101", &options(4)).unwrap();
        assert_eq!(p.required_shared, 1);
        let lacking = p.peers.iter().find(|x| x.code == "WK000103").unwrap();
        assert_eq!(lacking.shared, 1);
        assert_eq!(lacking.missing, vec!["moeite_rondkomen_18plus".to_owned()]);
        assert!(p.note.contains("1 gedeelde"), "{}", p.note);
        // Identical on the one shared indicator.
        assert!(lacking.distance.abs() < 1e-12);
    }

    #[test]
    fn a_region_without_its_own_value_is_compared_on_the_rest_and_says_why() {
        let atlas = atlas();
        let p = peers(&atlas, "WK000103", &options(2)).unwrap();
        let rondkomen = p
            .indicators
            .iter()
            .find(|i| i.id == "moeite_rondkomen_18plus")
            .unwrap();
        assert!(!rondkomen.used);
        assert!(rondkomen.reason.is_some());
        assert!(p.peers.iter().all(|x| x.shared == 1));
        assert_eq!(p.peers[0].code, "WK000101");
    }

    #[test]
    fn scope_and_parameters_are_checked() {
        let atlas = atlas();
        let within = PeerOptions {
            within: Some("GM0001".parse().unwrap()),
            ..options(5)
        };
        // Within GM0001 only two wijken have moeite_rondkomen: too few to standardise, so the
        // three are compared on eenzaam alone, where WK000103 equals WK000101.
        let p = peers(&atlas, "WK000101", &within).unwrap();
        assert_eq!(
            p.peers.iter().map(|x| x.code.as_str()).collect::<Vec<_>>(),
            ["WK000103", "WK000102"]
        );
        let rondkomen = p
            .indicators
            .iter()
            .find(|i| i.id == "moeite_rondkomen_18plus")
            .unwrap();
        assert!(
            rondkomen.reason.as_deref().unwrap().contains("te weinig"),
            "{rondkomen:?}"
        );
        for bad in [
            options(0),
            options(MAX_K + 1),
            PeerOptions {
                indicators: Some(vec!["no_such".into()]),
                ..options(2)
            },
            PeerOptions {
                indicators: Some(vec!["eenzaam_18plus".into(), "eenzaam_18plus".into()]),
                ..options(2)
            },
            PeerOptions {
                within: Some("WK000201".parse().unwrap()),
                ..options(2)
            },
        ] {
            assert!(matches!(
                peers(&atlas, "WK000101", &bad),
                Err(DiagnoseError::Parameter { .. })
            ));
        }
        assert!(matches!(
            peers(&atlas, "WK009901", &options(2)),
            Err(DiagnoseError::UnknownRegion { .. })
        ));
    }

    #[test]
    fn the_default_profile_has_one_age_group_per_concept_and_no_counts() {
        let atlas = atlas();
        let ids = default_indicators(&atlas);
        assert!(ids.contains(&"eenzaam_18plus".to_owned()));
        assert!(ids.contains(&"aandeel_65plus".to_owned()));
        assert!(
            !ids.iter()
                .any(|i| i == "inwoners" || i.ends_with("_65plus") && i != "aandeel_65plus")
        );
    }
}
