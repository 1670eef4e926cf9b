//! Opening the atlas: the one way in, from its cache when that is fresh, else built from the
//! data files and cached.

use std::path::Path;

use buurt_core::Catalogue;

use crate::atlas::Atlas;
use crate::build::Progress;
use crate::cache::CacheStatus;
use crate::error::Result;

/// Open the atlas for `data_dir`: from `cache_dir` when that cache is fresh, else built from
/// the data (all-or-nothing) and written to the cache. Either way the atlas is whole: regions,
/// geometry and the cell index. The status says what the cache was before.
///
/// ```no_run
/// use buurt_core::Catalogue;
/// let (atlas, status) = buurt_atlas::open(
///     "../shared/data".as_ref(),
///     Some(".buurt-cache".as_ref()),
///     Catalogue::builtin()?,
///     &buurt_io::registry::NoProgress,
/// )?;
/// println!("{} regions ({status:?})", atlas.regions().len());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn open(
    data_dir: &Path,
    cache_dir: Option<&Path>,
    catalogue: Catalogue,
    progress: &dyn Progress,
) -> Result<(Atlas, CacheStatus)> {
    let status = cache_dir.map_or(CacheStatus::Missing, |dir| {
        Atlas::cache_status(dir, data_dir, &catalogue)
    });
    if let (Some(dir), CacheStatus::Fresh) = (cache_dir, &status) {
        match Atlas::load_cache(dir, catalogue.clone()) {
            Ok(atlas) => return Ok((atlas, status)),
            Err(e) => {
                tracing::warn!(error = %e, "atlas cache unreadable; rebuilding from the data");
            }
        }
    }
    let loaded = buurt_io::registry::load_all(data_dir, &catalogue, progress);
    let atlas = Atlas::build(catalogue, loaded)?;
    if let Some(dir) = cache_dir
        && let Err(e) = atlas.save_cache(dir)
    {
        tracing::warn!(error = %e, "atlas cache not written");
    }
    Ok((atlas, status))
}
