//! The CBS/PDOK *wijk- en buurtkaart* GeoPackage (`wijkenbuurten_YYYY_vN.gpkg`): boundaries per
//! level (layers `gemeenten`, `wijken`, `buurten`) and their kwb attributes.
//!
//! Codes come from `gemeentecode` / `wijkcode` / `buurtcode` (older shapefile-era names `gm_code`,
//! `wk_code`, `bu_code` are accepted too), names from `gemeentenaam` / `wijknaam` / `buurtnaam`.
//! Attribute columns are matched to the catalogue through its `cbs_kwb_gpkg` source columns
//! (e.g. `aantal_inwoners`); CBS special values (`-99995`, `-99997`, …, and the older
//! `-99999999`) become [`buurt_core::MissingReason::SpecialValue`].
//!
//! Rows with `water = 'JA'` are the water parts of regions: by default they are skipped (one
//! problem per layer says how many), because a diagnosis is about where people live and because
//! the `gemeenten` layer repeats a gemeente's code for its water part. With
//! [`KwbGpkgOptions::with_water`] they are kept and merged into the land row of the same code.
//!
//! Geometry: the geometry column and its `srs_id` come from `gpkg_geometry_columns`, resolved
//! through `gpkg_spatial_ref_sys`; EPSG:28992 is read as is, EPSG:4326 and EPSG:3857 are
//! transformed, anything else is an error. Geometry blobs (the `GP` header, then WKB
//! Polygon or MultiPolygon in either byte order, Z/M dropped) are decoded here, and every feature
//! goes through [`crate::geometry_check::check_polygons`].
//!
//! ```no_run
//! use buurt_core::{Catalogue, Indeling, Level};
//! use buurt_io::kwb_gpkg::{read_kwb_geopackage, KwbGpkgOptions};
//! let catalogue = Catalogue::builtin()?;
//! let options = KwbGpkgOptions::new(Indeling::new(2023)).with_levels(&[Level::Buurt]);
//! let gpkg = read_kwb_geopackage("wijkenbuurten_2023_v1.gpkg".as_ref(), &options, &catalogue)?;
//! let buurten = gpkg.layer(Level::Buurt).expect("asked for");
//! println!("{} buurten, {} observations", buurten.features.len(), gpkg.table.observations.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use buurt_core::{
    AgeGroup, Catalogue, Indeling, Level, MissingReason, Region, RegionCode, RegionKey,
    SourceTable, Value,
};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};

use crate::boundary_geojson::file_stem;
use crate::crs::Crs;
use crate::dataset::{BoundaryLayer, Observation, Problem, RegionShape, TableDataset};
use crate::error::{IoError, Result};
use crate::geometry_check::{RawPolygon, check_multipolygon, check_polygons};
use crate::gpkg_geometry::parse_gpkg_geometry;

/// What to read from a wijk- en buurtkaart GeoPackage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KwbGpkgOptions {
    /// The indeling of the codes (the year in the file name).
    pub indeling: Indeling,
    /// The levels (layers) to read; each must be present.
    pub levels: Vec<Level>,
    /// Keep `water = 'JA'` rows (merged into the land row of the same code).
    pub include_water: bool,
}

impl KwbGpkgOptions {
    /// Read gemeenten, wijken and buurten, without water rows.
    #[must_use]
    pub fn new(indeling: Indeling) -> Self {
        Self {
            indeling,
            levels: vec![Level::Gemeente, Level::Wijk, Level::Buurt],
            include_water: false,
        }
    }

    /// Read only these levels.
    #[must_use]
    pub fn with_levels(mut self, levels: &[Level]) -> Self {
        self.levels = levels.to_vec();
        self
    }

    /// Keep or skip water rows.
    #[must_use]
    pub fn with_water(mut self, include: bool) -> Self {
        self.include_water = include;
        self
    }
}

/// What a wijk- en buurtkaart GeoPackage holds: one boundary layer per level asked for, and the
/// catalogued attributes of all of them.
#[derive(Debug, Clone)]
pub struct KwbGeoPackage {
    /// Boundary layers, in the order of [`KwbGpkgOptions::levels`].
    pub layers: Vec<BoundaryLayer>,
    /// The attribute cells the catalogue maps (source [`SourceTable::CbsKwbGpkg`]).
    pub table: TableDataset,
}

impl KwbGeoPackage {
    /// The layer of a level, if it was read.
    #[must_use]
    pub fn layer(&self, level: Level) -> Option<&BoundaryLayer> {
        self.layers.iter().find(|l| l.level == level)
    }
}

/// Read the layers and attributes of a wijk- en buurtkaart GeoPackage.
pub fn read_kwb_geopackage(
    path: &Path,
    options: &KwbGpkgOptions,
    catalogue: &Catalogue,
) -> Result<KwbGeoPackage> {
    std::fs::metadata(path).map_err(|source| IoError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let gpkg = Gpkg::open(path)?;
    let feature_tables = gpkg.feature_tables()?;
    let mapped: Vec<(u16, AgeGroup, String)> = catalogue
        .indicators()
        .iter()
        .enumerate()
        .filter_map(|(i, ind)| {
            let source = ind.source(SourceTable::CbsKwbGpkg)?;
            Some((
                u16::try_from(i).ok()?,
                ind.age_group,
                source.column.to_ascii_lowercase(),
            ))
        })
        .collect();
    let stem = file_stem(path);
    let mut table = TableDataset {
        id: stem.clone(),
        source: SourceTable::CbsKwbGpkg,
        paths: vec![path.to_path_buf()],
        regions: Vec::new(),
        observations: Vec::new(),
        rows: 0,
        unmapped_columns: Vec::new(),
        problems: Vec::new(),
    };
    let mut unmapped = BTreeSet::new();
    let mut layers = Vec::with_capacity(options.levels.len());
    for &level in &options.levels {
        let names = LevelNames::of(level).ok_or_else(|| {
            gpkg.error(format!(
                "there is no {level} layer in a wijk- en buurtkaart"
            ))
        })?;
        let Some(feature_table) = pick_table(&feature_tables, names.layer) else {
            let found: Vec<&str> = feature_tables.iter().map(|t| t.name.as_str()).collect();
            return Err(gpkg.error(format!(
                "no layer '{}' (feature tables: {})",
                names.layer,
                found.join(", ")
            )));
        };
        let request = LayerRequest {
            feature_table,
            level,
            names,
        };
        let layer = gpkg.read_layer(&request, options, &mapped, &mut table, &mut unmapped)?;
        layers.push(layer);
    }
    table.unmapped_columns = unmapped.into_iter().collect();
    tracing::debug!(path = %path.display(), layers = layers.len(), observations = table.observations.len(), "read wijk- en buurtkaart GeoPackage");
    Ok(KwbGeoPackage { layers, table })
}

/// Column and layer names of one level.
#[derive(Debug, Clone, Copy)]
struct LevelNames {
    layer: &'static str,
    code: [&'static str; 2],
    name: [&'static str; 2],
}

impl LevelNames {
    fn of(level: Level) -> Option<Self> {
        match level {
            Level::Gemeente => Some(Self {
                layer: "gemeenten",
                code: ["gemeentecode", "gm_code"],
                name: ["gemeentenaam", "gm_naam"],
            }),
            Level::Wijk => Some(Self {
                layer: "wijken",
                code: ["wijkcode", "wk_code"],
                name: ["wijknaam", "wk_naam"],
            }),
            Level::Buurt => Some(Self {
                layer: "buurten",
                code: ["buurtcode", "bu_code"],
                name: ["buurtnaam", "bu_naam"],
            }),
            Level::Land => None,
        }
    }
}

/// Columns that identify rather than measure; never reported as unmapped.
const ID_COLUMNS: [&str; 17] = [
    "buurtcode",
    "buurtnaam",
    "wijkcode",
    "wijknaam",
    "gemeentecode",
    "gemeentenaam",
    "bu_code",
    "bu_naam",
    "wk_code",
    "wk_naam",
    "gm_code",
    "gm_naam",
    "water",
    "jaar",
    "jrstatcode",
    "objectid",
    "indelingswijziging_wijken_en_buurten",
];

/// A feature table registered in `gpkg_contents` / `gpkg_geometry_columns`.
#[derive(Debug, Clone)]
struct FeatureTable {
    name: String,
    geometry_column: String,
    srs_id: i64,
}

/// `layer` itself, else `layer_<digits>` (some re-exports append the year).
fn pick_table<'a>(tables: &'a [FeatureTable], layer: &str) -> Option<&'a FeatureTable> {
    tables
        .iter()
        .find(|t| t.name.eq_ignore_ascii_case(layer))
        .or_else(|| {
            tables.iter().find(|t| {
                let lower = t.name.to_ascii_lowercase();
                lower
                    .strip_prefix(layer)
                    .and_then(|rest| rest.strip_prefix('_'))
                    .is_some_and(|year| {
                        !year.is_empty() && year.bytes().all(|b| b.is_ascii_digit())
                    })
            })
        })
}

/// A layer to read: its table and what its level calls the code and name columns.
#[derive(Debug, Clone, Copy)]
struct LayerRequest<'a> {
    feature_table: &'a FeatureTable,
    level: Level,
    names: LevelNames,
}

/// One region's row(s) while a layer is read: water parts are merged before the geometry check.
struct Pending {
    code: RegionCode,
    name: String,
    location: String,
    polygons: Vec<RawPolygon>,
    /// Attribute values of the land row (or of a water-only region).
    attributes: Option<Vec<(u16, AgeGroup, Value)>>,
    year: u16,
    has_land_row: bool,
}

struct Gpkg<'p> {
    path: &'p Path,
    conn: Connection,
}

impl<'p> Gpkg<'p> {
    fn open(path: &'p Path) -> Result<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| IoError::Sqlite {
            path: path.to_path_buf(),
            doing: "cannot open as SQLite".into(),
            source,
        })?;
        Ok(Self { path, conn })
    }

    fn error(&self, message: String) -> IoError {
        IoError::GeoPackage {
            path: self.path.to_path_buf(),
            message,
        }
    }

    fn sql_error(&self, doing: &str, source: rusqlite::Error) -> IoError {
        IoError::Sqlite {
            path: self.path.to_path_buf(),
            doing: doing.to_owned(),
            source,
        }
    }

    fn feature_tables(&self) -> Result<Vec<FeatureTable>> {
        let sql = "SELECT c.table_name, g.column_name, g.srs_id FROM gpkg_contents c \
                   JOIN gpkg_geometry_columns g ON g.table_name = c.table_name \
                   WHERE c.data_type = 'features' ORDER BY c.table_name";
        let mut statement = self
            .conn
            .prepare(sql)
            .map_err(|e| self.sql_error("listing layers", e))?;
        let rows = statement
            .query_map([], |row| {
                Ok(FeatureTable {
                    name: row.get(0)?,
                    geometry_column: row.get(1)?,
                    srs_id: row.get(2)?,
                })
            })
            .map_err(|e| self.sql_error("listing layers", e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.sql_error("listing layers", e))
    }

    /// The CRS of an `srs_id`, through `gpkg_spatial_ref_sys`.
    fn crs(&self, srs_id: i64, layer: &str) -> Result<Crs> {
        let found: Option<(String, i64)> = self
            .conn
            .query_row(
                "SELECT organization, organization_coordsys_id FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
                [srs_id],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                other => Err(self.sql_error("reading gpkg_spatial_ref_sys", other)),
            })?;
        let (organization, code) = found.unwrap_or_else(|| ("EPSG".into(), srs_id));
        let crs = if organization.eq_ignore_ascii_case("EPSG") {
            u32::try_from(code).ok().and_then(Crs::from_epsg)
        } else {
            None
        };
        crs.ok_or_else(|| {
            self.error(format!(
                "layer {layer}: srs_id {srs_id} ({organization}:{code}) is not supported; buurt reads EPSG:28992, EPSG:4326 and EPSG:3857"
            ))
        })
    }

    /// `(name, is primary key)` of every column of a table.
    fn columns(&self, table: &str) -> Result<Vec<(String, bool)>> {
        let mut statement = self
            .conn
            .prepare("SELECT name, pk FROM pragma_table_info(?1) ORDER BY cid")
            .map_err(|e| self.sql_error("reading columns", e))?;
        let rows = statement
            .query_map([table], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? > 0))
            })
            .map_err(|e| self.sql_error("reading columns", e))?;
        rows.collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.sql_error("reading columns", e))
    }

    // One pass over the rows does codes, water, geometry and attributes; split up, each part would
    // need most of the others' state.
    #[allow(clippy::too_many_lines)]
    fn read_layer(
        &self,
        request: &LayerRequest<'_>,
        options: &KwbGpkgOptions,
        mapped: &[(u16, AgeGroup, String)],
        table: &mut TableDataset,
        unmapped: &mut BTreeSet<String>,
    ) -> Result<BoundaryLayer> {
        let LayerRequest {
            feature_table,
            level,
            names,
        } = *request;
        let layer = feature_table.name.as_str();
        let crs = self.crs(feature_table.srs_id, layer)?;
        let columns = self.columns(layer)?;
        let find = |candidates: &[&str]| {
            columns
                .iter()
                .position(|(c, _)| candidates.iter().any(|k| c.eq_ignore_ascii_case(k)))
        };
        let Some(code_col) = find(&names.code) else {
            return Err(IoError::MissingColumn {
                path: self.path.to_path_buf(),
                column: format!("{layer}.{}", names.code[0]),
                found: columns
                    .iter()
                    .map(|(c, _)| c.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        let name_col = find(&names.name);
        let water_col = find(&["water"]);
        let year_col = find(&["jaar"]);
        let Some(geom_col) = find(&[feature_table.geometry_column.as_str()]) else {
            return Err(self.error(format!(
                "layer {layer}: geometry column '{}' is missing",
                feature_table.geometry_column
            )));
        };
        // Catalogue columns present in this layer, and the layer's columns nobody maps.
        let mut value_cols = Vec::new();
        for (indicator, age_group, column) in mapped {
            match columns
                .iter()
                .position(|(c, _)| c.eq_ignore_ascii_case(column))
            {
                Some(i) => value_cols.push((i, *indicator, *age_group)),
                None => table.problems.push(Problem {
                    location: format!("{}, layer {layer}", self.path.display()),
                    message: format!("catalogue column '{column}' is not in this layer"),
                }),
            }
        }
        for (i, (column, pk)) in columns.iter().enumerate() {
            let lower = column.to_ascii_lowercase();
            if !*pk
                && i != geom_col
                && !ID_COLUMNS.contains(&lower.as_str())
                && !value_cols.iter().any(|(c, _, _)| *c == i)
            {
                unmapped.insert(column.clone());
            }
        }

        let sql = format!("SELECT * FROM \"{}\"", layer.replace('"', "\"\""));
        let mut statement = self
            .conn
            .prepare(&sql)
            .map_err(|e| self.sql_error(&format!("reading layer {layer}"), e))?;
        let mut rows = statement
            .query([])
            .map_err(|e| self.sql_error(&format!("reading layer {layer}"), e))?;
        let mut pending: Vec<Pending> = Vec::new();
        let mut by_code: HashMap<RegionCode, usize> = HashMap::new();
        let mut problems = Vec::new();
        let mut water_skipped = 0usize;
        let mut row_number = 0usize;
        while let Some(row) = rows
            .next()
            .map_err(|e| self.sql_error(&format!("reading layer {layer}"), e))?
        {
            row_number += 1;
            table.rows += 1;
            let cell = |i: usize| {
                row.get_ref(i).map_err(|e| {
                    self.sql_error(&format!("reading layer {layer}, row {row_number}"), e)
                })
            };
            let text = |v: ValueRef<'_>| match v {
                ValueRef::Text(t) => Some(String::from_utf8_lossy(t).trim().to_owned()),
                ValueRef::Integer(i) => Some(i.to_string()),
                _ => None,
            };
            let at = |what: String| self.error(format!("layer {layer}, row {row_number}: {what}"));
            let code_text = text(cell(code_col)?).unwrap_or_default();
            let code: RegionCode = code_text
                .parse()
                .map_err(|source| IoError::GeoPackageCode {
                    path: self.path.to_path_buf(),
                    layer: layer.to_owned(),
                    row: row_number,
                    column: columns[code_col].0.clone(),
                    source,
                })?;
            if code.level() != level {
                return Err(at(format!(
                    "{code} is a {} code in the {level} layer",
                    code.level()
                )));
            }
            let is_water = match water_col {
                Some(i) => text(cell(i)?).is_some_and(|w| w.eq_ignore_ascii_case("JA")),
                None => false,
            };
            if is_water && !options.include_water {
                water_skipped += 1;
                continue;
            }
            let name = match name_col {
                Some(i) => text(cell(i)?).unwrap_or_default(),
                None => String::new(),
            };
            let location = format!(
                "{}, layer {layer}, row {row_number} ({code})",
                self.path.display()
            );
            let polygons = match cell(geom_col)? {
                ValueRef::Blob(blob) => {
                    let geometry = parse_gpkg_geometry(blob)
                        .map_err(|e| at(format!("{code}: geometry blob: {e}")))?;
                    if i64::from(geometry.srs_id) != feature_table.srs_id && geometry.srs_id > 0 {
                        return Err(at(format!(
                            "{code}: geometry srs_id {} differs from the layer's {}",
                            geometry.srs_id, feature_table.srs_id
                        )));
                    }
                    transform(geometry.polygons, crs)
                }
                ValueRef::Null => Vec::new(),
                _ => return Err(at(format!("{code}: the geometry column holds no blob"))),
            };
            let year = match year_col.map(cell).transpose()? {
                Some(ValueRef::Integer(y)) => {
                    u16::try_from(y).ok().filter(|y| (1900..=2200).contains(y))
                }
                _ => None,
            }
            .unwrap_or(options.indeling.year());
            let mut attributes = Vec::with_capacity(value_cols.len());
            for &(i, indicator, age_group) in &value_cols {
                let value = cell_value(cell(i)?).ok_or_else(|| {
                    at(format!(
                        "{code}: column {} is neither a finite number nor empty",
                        columns[i].0
                    ))
                })?;
                attributes.push((indicator, age_group, value));
            }
            match by_code.get(&code) {
                Some(&existing) if is_water || !pending[existing].has_land_row => {
                    let entry = &mut pending[existing];
                    entry.polygons.extend(polygons);
                    if !is_water {
                        entry.has_land_row = true;
                        entry.attributes = Some(attributes);
                        entry.name = name;
                        entry.year = year;
                    }
                }
                Some(_) => return Err(at(format!("{code} occurs more than once"))),
                None => {
                    by_code.insert(code, pending.len());
                    pending.push(Pending {
                        code,
                        name,
                        location,
                        polygons,
                        attributes: Some(attributes),
                        year,
                        has_land_row: !is_water,
                    });
                }
            }
        }
        if water_skipped > 0 {
            problems.push(Problem {
                location: format!("{}, layer {layer}", self.path.display()),
                message: format!("skipped {water_skipped} water rows (water = 'JA')"),
            });
        }

        let mut features = Vec::with_capacity(pending.len());
        for p in pending {
            table.regions.push(Region {
                key: RegionKey::new(p.code, options.indeling),
                name: p.name.clone(),
            });
            for (indicator, age_group, value) in p.attributes.into_iter().flatten() {
                table.observations.push(Observation {
                    region: p.code,
                    indeling: options.indeling,
                    year: p.year,
                    indicator,
                    age_group,
                    value,
                });
            }
            if p.polygons.is_empty() {
                problems.push(Problem {
                    location: p.location,
                    message: "no geometry (NULL or empty); attributes kept, no boundary".into(),
                });
                continue;
            }
            let mut checked = check_polygons(p.polygons, self.path, p.code.as_str())?;
            if checked.geometry.0.len() > 1 {
                // Merged land and water parts may share edges: check the merged whole again.
                let again = check_multipolygon(&checked.geometry, self.path, p.code.as_str())?;
                checked.geometry = again.geometry;
                checked.fixes.extend(again.fixes);
            }
            problems.extend(checked.fixes.into_iter().map(|message| Problem {
                location: p.location.clone(),
                message,
            }));
            features.push(RegionShape {
                code: p.code,
                name: p.name,
                geometry_rd: checked.geometry,
            });
        }
        Ok(BoundaryLayer {
            id: format!("{}_{layer}", file_stem(self.path)),
            paths: vec![self.path.to_path_buf()],
            indeling: options.indeling,
            level,
            features,
            problems,
            area_check: None,
        })
    }
}

/// A numeric attribute cell; `None` for text that is no number, infinities and blobs.
fn cell_value(v: ValueRef<'_>) -> Option<Value> {
    let value = match v {
        ValueRef::Null => Value::Missing(MissingReason::Empty),
        ValueRef::Integer(i) => special_or_number(i as f64),
        ValueRef::Real(f) if f.is_finite() => special_or_number(f),
        ValueRef::Text(t) => match Value::parse_cbs(&String::from_utf8_lossy(t)) {
            Value::Number(n) => special_or_number(n),
            other => other,
        },
        // SQLite stores text such as `1e309` in a REAL column as infinity (found by fuzzing).
        ValueRef::Real(_) | ValueRef::Blob(_) => Value::Invalid,
    };
    (!value.is_invalid()).then_some(value)
}

/// CBS special values (`-99995`…`-99999` since 2020, `-99999999` in older kwb files) are
/// recognised by [`Value::from_number`].
fn special_or_number(v: f64) -> Value {
    Value::from_number(v)
}

fn transform(polygons: Vec<RawPolygon>, crs: Crs) -> Vec<RawPolygon> {
    if crs == Crs::Rd {
        return polygons;
    }
    polygons
        .into_iter()
        .map(|rings| {
            rings
                .into_iter()
                .map(|ring| ring.into_iter().map(|c| crs.coord_to_rd(c)).collect())
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod fuzz;

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use rusqlite::params;

    use super::*;
    use crate::gpkg_geometry::tests::encode;

    pub(super) fn catalogue() -> Catalogue {
        buurt_core::test_support::small_catalogue(&["inwoners", "huishoudensgrootte"])
    }

    pub(super) fn square(x0: f64, y0: f64, size: f64) -> Vec<Vec<(f64, f64)>> {
        vec![vec![
            (x0, y0),
            (x0 + size, y0),
            (x0 + size, y0 + size),
            (x0, y0 + size),
            (x0, y0),
        ]]
    }

    /// A GeoPackage skeleton: the three required metadata tables with RD New and WGS84.
    pub(super) fn skeleton(path: &Path) -> Connection {
        let conn = Connection::open(path).unwrap();
        conn.execute_batch(
            "PRAGMA application_id = 1196444487;
             CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY,
                 organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL,
                 definition TEXT NOT NULL, description TEXT);
             INSERT INTO gpkg_spatial_ref_sys VALUES ('Amersfoort / RD New', 28992, 'EPSG', 28992, 'PROJCS[\"Amersfoort / RD New\"]', NULL);
             INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84', 4326, 'EPSG', 4326, 'GEOGCS[\"WGS 84\"]', NULL);
             INSERT INTO gpkg_spatial_ref_sys VALUES ('Belge 1972', 31370, 'EPSG', 31370, 'PROJCS[\"Belge 1972\"]', NULL);
             CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL,
                 identifier TEXT UNIQUE, description TEXT DEFAULT '', last_change DATETIME,
                 min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
             CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
                 geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL);",
        )
        .unwrap();
        conn
    }

    pub(super) fn add_layer(
        conn: &Connection,
        name: &str,
        srs_id: i64,
        code_column: &str,
        name_column: &str,
    ) {
        conn.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, srs_id) VALUES (?1, 'features', ?1, ?2)",
            params![name, srs_id],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO gpkg_geometry_columns VALUES (?1, 'geom', 'MULTIPOLYGON', ?2, 0, 0)",
            params![name, srs_id],
        )
        .unwrap();
        conn.execute_batch(&format!(
            "CREATE TABLE {name} (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom MULTIPOLYGON, {code_column} TEXT,
                 {name_column} TEXT, gemeentenaam TEXT, water TEXT, aantal_inwoners INTEGER,
                 gemiddelde_huishoudsgrootte REAL, omgevingsadressendichtheid INTEGER)"
        ))
        .unwrap();
    }

    #[allow(clippy::too_many_arguments)] // one argument per column keeps the rows readable
    pub(super) fn add_row(
        conn: &Connection,
        layer: &str,
        code: &str,
        name: &str,
        water: &str,
        inwoners: i64,
        hh: f64,
        geom: &[u8],
    ) {
        let code_column = if layer == "buurten" {
            "buurtcode"
        } else {
            "wijkcode"
        };
        let name_column = if layer == "buurten" {
            "buurtnaam"
        } else {
            "wijknaam"
        };
        conn.execute(
            &format!(
                "INSERT INTO {layer} (geom, {code_column}, {name_column}, gemeentenaam, water, aantal_inwoners,
                     gemiddelde_huishoudsgrootte, omgevingsadressendichtheid) VALUES (?1, ?2, ?3, 'Utrecht', ?4, ?5, ?6, 4321)"
            ),
            params![geom, code, name, water, inwoners, hh],
        )
        .unwrap();
    }

    /// A buurt row with one inhabitant, not water: for the cases where only code, name and
    /// geometry matter.
    fn add_buurt_with_geometry(conn: &Connection, code: &str, name: &str, geom: &[u8]) {
        add_row(conn, "buurten", code, name, "NEE", 1, 1.0, geom);
    }

    /// [`add_buurt_with_geometry`] on a 10 m square.
    fn add_buurt(conn: &Connection, code: &str, name: &str) {
        let geom = encode(28992, &[square(0.0, 300_000.0, 10.0)], true);
        add_buurt_with_geometry(conn, code, name, &geom);
    }

    /// The message of the error that reading `path` must give.
    fn load_err(path: &Path, options: &KwbGpkgOptions) -> String {
        read_kwb_geopackage(path, options, &catalogue())
            .unwrap_err()
            .to_string()
    }

    /// `err` names every one of `parts`.
    fn assert_says(err: &str, parts: &[&str]) {
        assert!(parts.iter().all(|part| err.contains(part)), "{err}");
    }

    /// Three Utrecht buurten in RD, one suppressed (-99997), one a big-endian MultiPolygon.
    pub(super) fn three_buurten(dir: &Path) -> PathBuf {
        let path = dir.join("wijkenbuurten_2023_v1.gpkg");
        let conn = skeleton(&path);
        add_layer(&conn, "buurten", 28992, "buurtcode", "buurtnaam");
        add_row(
            &conn,
            "buurten",
            "BU03440111",
            "Welgelegen, Den Hommel",
            "NEE",
            4_375,
            1.9,
            &encode(28992, &[square(134_000.0, 454_500.0, 1_000.0)], true),
        );
        add_row(
            &conn,
            "buurten",
            "BU03440112",
            "Oog in Al",
            "NEE",
            -99_997,
            -99_997.0,
            &encode(28992, &[square(135_000.0, 454_500.0, 500.0)], true),
        );
        let two_parts = [
            square(136_000.0, 454_500.0, 300.0),
            square(137_000.0, 454_500.0, 100.0),
        ];
        add_row(
            &conn,
            "buurten",
            "BU03440113",
            "Halve Maan-Zuid",
            "NEE",
            2_210,
            2.3,
            &encode(28992, &two_parts, false),
        );
        path
    }

    #[test]
    fn reads_layers_and_attributes_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = three_buurten(dir.path());
        let options = KwbGpkgOptions::new(Indeling::new(2023)).with_levels(&[Level::Buurt]);
        let gpkg = read_kwb_geopackage(&path, &options, &catalogue()).unwrap();
        let buurten = gpkg.layer(Level::Buurt).unwrap();
        assert_eq!(buurten.id, "wijkenbuurten_2023_v1_buurten");
        assert_eq!(buurten.indeling, Indeling::new(2023));
        let codes: Vec<&str> = buurten.features.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["BU03440111", "BU03440112", "BU03440113"]);
        assert_eq!(buurten.features[1].name, "Oog in Al");
        assert!((buurten.features[0].area_m2() - 1_000_000.0).abs() < 1e-6);
        assert_eq!(buurten.features[2].geometry_rd.0.len(), 2);
        assert!((buurten.features[2].area_m2() - 100_000.0).abs() < 1e-6);
        assert!(buurten.problems.is_empty(), "{:?}", buurten.problems);

        let table = &gpkg.table;
        assert_eq!(table.source, SourceTable::CbsKwbGpkg);
        assert_eq!(table.rows, 3);
        assert_eq!(table.regions.len(), 3);
        assert_eq!(table.observations.len(), 6);
        let inwoners = |code: &str| {
            table
                .observations
                .iter()
                .find(|o| o.region.as_str() == code && o.indicator == 0)
                .map(|o| o.value)
                .unwrap()
        };
        assert_eq!(inwoners("BU03440111"), Value::Number(4_375.0));
        assert_eq!(
            inwoners("BU03440112"),
            Value::Missing(MissingReason::SpecialValue)
        );
        assert_eq!(
            table.missing_by_reason().get(&MissingReason::SpecialValue),
            Some(&2)
        );
        assert!(
            table
                .observations
                .iter()
                .all(|o| o.year == 2023 && o.indeling == Indeling::new(2023))
        );
        assert_eq!(table.unmapped_columns, ["omgevingsadressendichtheid"]);
    }

    #[test]
    fn water_rows_are_skipped_or_merged() {
        let dir = tempfile::tempdir().unwrap();
        let path = three_buurten(dir.path());
        let conn = Connection::open(&path).unwrap();
        // The water part of BU03440111, touching its land part along x = 135 000.
        add_row(
            &conn,
            "buurten",
            "BU03440111",
            "Welgelegen, Den Hommel",
            "JA",
            -99_997,
            -99_997.0,
            &encode(28992, &[square(135_000.0, 455_000.0, 500.0)], true),
        );
        drop(conn);
        let options = KwbGpkgOptions::new(Indeling::new(2023)).with_levels(&[Level::Buurt]);
        let land = read_kwb_geopackage(&path, &options, &catalogue()).unwrap();
        let layer = land.layer(Level::Buurt).unwrap();
        assert!((layer.features[0].area_m2() - 1_000_000.0).abs() < 1e-6);
        assert!(
            layer
                .problems
                .iter()
                .any(|p| p.message.contains("skipped 1 water rows")),
            "{:?}",
            layer.problems
        );
        let all = read_kwb_geopackage(&path, &options.with_water(true), &catalogue()).unwrap();
        let layer = all.layer(Level::Buurt).unwrap();
        assert_eq!(layer.features.len(), 3);
        assert!((layer.features[0].area_m2() - 1_250_000.0).abs() < 1e-6);
        // Attributes come from the land row only.
        assert_eq!(all.table.observations.len(), 6);
        assert!(
            all.table
                .observations
                .iter()
                .any(|o| o.value == Value::Number(4_375.0))
        );
    }

    #[test]
    fn wgs84_layers_are_transformed_and_unknown_srs_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("wgs.gpkg");
        let conn = skeleton(&path);
        add_layer(&conn, "wijken", 4326, "wijkcode", "wijknaam");
        let wgs = [vec![vec![
            (5.10, 52.09),
            (5.11, 52.09),
            (5.11, 52.10),
            (5.10, 52.10),
            (5.10, 52.09),
        ]]];
        add_row(
            &conn,
            "wijken",
            "WK034401",
            "West",
            "NEE",
            10,
            2.0,
            &encode(4326, &wgs, true),
        );
        add_layer(&conn, "buurten", 31370, "buurtcode", "buurtnaam");
        add_row(
            &conn,
            "buurten",
            "BU03440111",
            "x",
            "NEE",
            10,
            2.0,
            &encode(31370, &[square(0.0, 0.0, 10.0)], true),
        );
        drop(conn);
        let options = KwbGpkgOptions::new(Indeling::new(2023)).with_levels(&[Level::Wijk]);
        let gpkg = read_kwb_geopackage(&path, &options, &catalogue()).unwrap();
        let wijk = &gpkg.layer(Level::Wijk).unwrap().features[0];
        let area = wijk.area_m2();
        assert!((area - 760_600.0).abs() < 3_000.0, "{area}");
        let centre = crate::crs::wgs84_to_rd(crate::crs::PointWgs84::new(5.105, 52.095));
        assert!(wijk.centroid_rd().unwrap().distance_m(centre) < 5.0);
        let err = load_err(&path, &options.with_levels(&[Level::Buurt]));
        assert_says(&err, &["wgs.gpkg", "31370", "buurten"]);
    }

    #[test]
    fn malformed_files_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let options = KwbGpkgOptions::new(Indeling::new(2023)).with_levels(&[Level::Buurt]);

        let text = dir.path().join("not_sqlite.gpkg");
        std::fs::write(
            &text,
            "this is no database, just some text that is long enough to look like a header",
        )
        .unwrap();
        let err = read_kwb_geopackage(&text, &options, &catalogue()).unwrap_err();
        assert!(
            matches!(&err, IoError::Sqlite { source, .. } if source.sqlite_error_code() == Some(rusqlite::ErrorCode::NotADatabase)),
            "{err}"
        );
        assert_says(
            &err.to_string(),
            &["not_sqlite.gpkg", "not an SQLite database"],
        );

        let missing = dir.path().join("absent.gpkg");
        let err = read_kwb_geopackage(&missing, &options, &catalogue()).unwrap_err();
        assert!(
            matches!(err, IoError::Read { .. }) && err.to_string().contains("absent.gpkg"),
            "{err}"
        );

        let plain = dir.path().join("plain.sqlite");
        Connection::open(&plain)
            .unwrap()
            .execute_batch("CREATE TABLE t (a INTEGER)")
            .unwrap();
        let err = load_err(&plain, &options);
        assert_says(&err, &["plain.sqlite", "not a GeoPackage", "gpkg_contents"]);

        let path = three_buurten(dir.path());
        let err = load_err(&path, &options.clone().with_levels(&[Level::Wijk]));
        assert_says(
            &err,
            &["wijkenbuurten_2023_v1.gpkg", "no layer 'wijken'", "buurten"],
        );

        let conn = Connection::open(&path).unwrap();
        add_buurt_with_geometry(&conn, "BU03440114", "Halve Maan-Noord", b"GP\0\x01garbage");
        drop(conn);
        let err = load_err(&path, &options);
        assert_says(
            &err,
            &["wijkenbuurten_2023_v1.gpkg", "BU03440114", "row 4", "blob"],
        );
    }

    #[test]
    fn bad_codes_and_duplicates_are_errors() {
        let dir = tempfile::tempdir().unwrap();
        let options = KwbGpkgOptions::new(Indeling::new(2023)).with_levels(&[Level::Buurt]);
        let path = three_buurten(dir.path());
        let conn = Connection::open(&path).unwrap();
        add_buurt(&conn, "BU03440111", "again");
        drop(conn);
        let err = load_err(&path, &options);
        assert_says(&err, &["BU03440111 occurs more than once"]);

        let other = dir.path().join("codes.gpkg");
        let conn = skeleton(&other);
        add_layer(&conn, "buurten", 28992, "buurtcode", "buurtnaam");
        add_buurt(&conn, "WK034401", "a wijk");
        drop(conn);
        let err = load_err(&other, &options);
        assert_says(&err, &["codes.gpkg", "row 1", "WK034401 is a wijk code"]);
    }

    #[test]
    fn special_values() {
        assert_eq!(
            special_or_number(-99_999_999.0),
            Value::Missing(MissingReason::SpecialValue)
        );
        assert_eq!(
            special_or_number(-99_995.0),
            Value::Missing(MissingReason::SpecialValue)
        );
        assert_eq!(special_or_number(-12.0), Value::Number(-12.0));
        assert_eq!(
            cell_value(ValueRef::Text(b" 12,5")),
            Some(Value::Number(12.5))
        );
        assert_eq!(
            cell_value(ValueRef::Null),
            Some(Value::Missing(MissingReason::Empty))
        );
        assert_eq!(cell_value(ValueRef::Text(b"veel")), None);
        assert_eq!(cell_value(ValueRef::Real(f64::INFINITY)), None);
    }

    #[test]
    fn an_infinite_attribute_is_an_error_naming_the_row() {
        // Found by kwb_gpkg/fuzz.rs: '1e309' in a REAL column is stored as infinity, and was
        // read as a number.
        let dir = tempfile::tempdir().unwrap();
        let path = three_buurten(dir.path());
        let conn = Connection::open(&path).unwrap();
        conn.execute(
            "UPDATE buurten SET gemiddelde_huishoudsgrootte = '1e309' WHERE buurtcode = 'BU03440112'",
            [],
        )
        .unwrap();
        drop(conn);
        let options = KwbGpkgOptions::new(Indeling::new(2023)).with_levels(&[Level::Buurt]);
        let err = load_err(&path, &options);
        assert_says(
            &err,
            &[
                "wijkenbuurten_2023_v1.gpkg",
                "row 2",
                "BU03440112",
                "gemiddelde_huishoudsgrootte",
            ],
        );
    }
}
