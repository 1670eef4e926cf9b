//! LISA cluster labels for the tiles (`<id>_cluster`): local Moran's I of an indicator over a
//! fixed set of neighbours per layer, computed once per (indicator, year, level, area) on
//! first use and kept for the life of one loaded atlas.
//!
//! The area a region's cluster is computed over ([`cluster_area`]):
//!
//! - a buurt: the buurten of its gemeente (a wijkpact's question: where in this gemeente);
//! - a wijk: all wijken of the Netherlands (many gemeenten have too few wijken for a test of
//!   their own; a gemeente's border is no border for its wijken's neighbours);
//! - a gemeente: all gemeenten of the Netherlands.
//!
//! The year is the newest year up to the one asked for with a value in that area
//! ([`hotspots::newest_year`]); the settings are [`HotspotOptions::default`] (999 permutations,
//! seed 1, α = 0.05, no FDR), so a tile and `GET /api/v1/hotspots` with the same area, level,
//! indicator and year give the same labels.
//!
//! A region gets no label when it was not analysed (no published value in that year, a
//! suppressed one, no polygon), when it has no neighbour among those analysed (an island: never
//! tested), when its drawing on the map is not the region analysed (a redrawn code), or when
//! the statistic is undefined in its area (fewer than 3 values, all equal).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use buurt_core::{Indeling, Level, RegionCode};
use buurt_diagnose::Atlas;
use buurt_diagnose::diagnose::hotspots::{self, HotspotOptions};
use buurt_diagnose::stats::moran::Cluster;

use super::values::IndicatorIx;
use crate::lru::{ByteLru, Weigh};

/// The area whose regions of the same level a region's cluster is computed over (see the
/// module documentation); `None` for a level without clusters (the country).
///
/// ```
/// use buurt_core::RegionCode;
/// use buurt_tiles::choropleth::cluster_area;
/// let buurt: RegionCode = "BU03440101".parse()?;
/// assert_eq!(cluster_area(buurt), Some("GM0344".parse()?));
/// assert_eq!(cluster_area("WK034401".parse()?), Some(RegionCode::Nederland));
/// assert_eq!(cluster_area(RegionCode::Nederland), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[must_use]
pub fn cluster_area(code: RegionCode) -> Option<RegionCode> {
    match code {
        RegionCode::Buurt(b) => Some(b.gemeente().into()),
        RegionCode::Wijk(_) | RegionCode::Gemeente(_) => Some(RegionCode::Nederland),
        RegionCode::Nederland => None,
    }
}

/// The labels of one analysis: per region tested (islands left out) its cluster.
#[derive(Debug)]
pub struct AreaClusters {
    /// The year of the values.
    pub year: u16,
    /// The indeling of the regions analysed.
    pub indeling: Indeling,
    /// Global Moran's I over the area.
    pub moran_i: f64,
    labels: HashMap<RegionCode, Cluster>,
}

impl AreaClusters {
    /// The label of `code`, if it was tested.
    #[must_use]
    pub fn label(&self, code: RegionCode) -> Option<Cluster> {
        self.labels.get(&code).copied()
    }

    /// Number of regions with a label.
    #[must_use]
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether no region has a label.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }
}

/// (indicator, year asked for, level, area): what a tile request names.
type AskedKey = (IndicatorIx, Option<u16>, Level, RegionCode);
/// (indicator, year of the values, level, area): one analysis.
type AnalysisKey = (IndicatorIx, u16, Level, RegionCode);
/// An analysis, computed by the first request that needs it while later ones wait for it;
/// `None` when it is undefined.
type Slot = Arc<OnceLock<Option<Arc<AreaClusters>>>>;

/// Memory for analyses and the years they were asked for: 32 MiB. Every indicator, year and
/// gemeente of the national atlas would be some 150 000 analyses, several hundred MB; a
/// client asking for ever other ones must not be able to make the process hold them all.
pub const CLUSTERS_BYTES: usize = 32 << 20;

/// A finished analysis, as kept.
#[derive(Debug)]
struct Done(Option<Arc<AreaClusters>>);

impl Weigh for Done {
    fn weight(&self) -> usize {
        // A label: the code (16 bytes), the cluster and the map's slot.
        self.0.as_ref().map_or(0, |a| a.labels.len() * 40)
    }
}

/// The newest year with values for what a request asked.
#[derive(Debug)]
struct YearFound(Option<u16>);

impl Weigh for YearFound {
    fn weight(&self) -> usize {
        0
    }
}

impl Weigh for AskedKey {
    fn weight(&self) -> usize {
        0
    }
}

impl Weigh for AnalysisKey {
    fn weight(&self) -> usize {
        0
    }
}

/// The analyses computed so far, the least recently used dropped past [`CLUSTERS_BYTES`].
#[derive(Debug)]
pub struct Clusters {
    years: ByteLru<AskedKey, YearFound>,
    done: ByteLru<AnalysisKey, Done>,
    /// Analyses being computed, so that requests for one wait for it.
    running: Mutex<HashMap<AnalysisKey, Slot>>,
}

impl Default for Clusters {
    fn default() -> Self {
        Self {
            years: ByteLru::new(CLUSTERS_BYTES / 8),
            done: ByteLru::new(CLUSTERS_BYTES),
            running: Mutex::default(),
        }
    }
}

impl Clusters {
    /// The analysis of `indicator` over the regions of `level` within `area`, in the newest
    /// year up to `year` with values there; computed now if it is not kept. `None` when there
    /// is no such year or the statistic is undefined.
    pub fn get(
        &self,
        atlas: &Atlas,
        indicator: IndicatorIx,
        year: Option<u16>,
        level: Level,
        area: RegionCode,
    ) -> Option<Arc<AreaClusters>> {
        let id = indicator.id(atlas.catalogue());
        let asked = (indicator, year, level, area);
        let values_year = match self.years.get(&asked) {
            Some(found) => found.0?,
            None => {
                // A scan of the indicator's cells of one level: cheap next to the analysis, but
                // not per feature, so kept too.
                let y = hotspots::newest_year(atlas, area, level, id, year).ok();
                self.years.insert(asked, Arc::new(YearFound(y)));
                y?
            }
        };
        let key = (indicator, values_year, level, area);
        if let Some(done) = self.done.get(&key) {
            return done.0.clone();
        }
        let slot = Arc::clone(lock(&self.running).entry(key).or_default());
        // Outside the map's lock: other analyses go on meanwhile; requests for this one wait
        // for the first instead of computing it again.
        let result = slot
            .get_or_init(|| analyse(atlas, id, values_year, level, area))
            .clone();
        self.done.insert(key, Arc::new(Done(result.clone())));
        let mut running = lock(&self.running);
        if running.get(&key).is_some_and(|s| Arc::ptr_eq(s, &slot)) {
            running.remove(&key);
        }
        result
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// One analysis with the default settings; `None` (logged) when it cannot be made.
fn analyse(
    atlas: &Atlas,
    indicator: &str,
    year: u16,
    level: Level,
    area: RegionCode,
) -> Option<Arc<AreaClusters>> {
    let started = std::time::Instant::now();
    match hotspots::hotspots(
        atlas,
        area,
        level,
        indicator,
        year,
        HotspotOptions::default(),
    ) {
        Ok(h) => {
            let islands: std::collections::HashSet<&str> =
                h.islands.iter().map(String::as_str).collect();
            let labels: HashMap<RegionCode, Cluster> = h
                .regions
                .iter()
                .filter(|r| !islands.contains(r.code.as_str()))
                .filter_map(|r| Some((r.code.parse().ok()?, r.cluster)))
                .collect();
            tracing::info!(
                indicator,
                year,
                %level,
                %area,
                regions = labels.len(),
                ms = started.elapsed().as_secs_f64() * 1e3,
                "tile clusters computed"
            );
            Some(Arc::new(AreaClusters {
                year,
                indeling: Indeling::new(h.indeling),
                moran_i: h.global.i,
                labels,
            }))
        }
        Err(e) => {
            tracing::debug!(indicator, year, %level, %area, error = %e, "no tile clusters");
            None
        }
    }
}

/// The cluster label of region `code` for `indicator` at `year` (see the module
/// documentation), when it has one.
#[must_use]
pub fn cluster_of(
    atlas: &Atlas,
    clusters: &Clusters,
    indicator: IndicatorIx,
    year: Option<u16>,
    code: RegionCode,
) -> Option<Cluster> {
    let area = cluster_area(code)?;
    let analysis = clusters.get(atlas, indicator, year, code.level(), area)?;
    let label = analysis.label(code)?;
    // The map draws the newest shape of a code; a code redrawn since the analysed indeling is
    // another region there, and gets no label.
    let newest = atlas.latest_indeling(code)?;
    atlas
        .comparability()
        .same_region(code, newest, analysis.indeling)
        .then_some(label)
}
