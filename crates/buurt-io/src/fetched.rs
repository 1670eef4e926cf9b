//! Folders made by `buurt fetch`: the manifest that lists every file fetched
//! ([`FetchManifest`], `fetch-manifest.json`), and the datasets it describes, read with the
//! loaders of their formats.
//!
//! | kind | files | loader |
//! |---|---|---|
//! | [`FetchedKind::CbsKwb`] | StatLine `TypedDataSet` rows of one kwb table, its `DataProperties` | [`tables::load_statline_json`] (`cbs_kwb_statline`, the table's year) |
//! | [`FetchedKind::Rivm50090`] | 50090NED `UntypedDataSet` rows (estimate `MW00000`), its `DataProperties` | [`tables::load_rivm_50090_json`] |
//! | [`FetchedKind::PdokBoundaries`] | one OGC API Features collection (`buurten`, `wijken`, `gemeenten`) as one FeatureCollection | [`read_geojson_layer`] |
//!
//! The manifest is shared by the writer (`buurt-fetch`) and this reader, so both agree on it.
//! A file whose sha256 differs from the manifest's is still read, with a problem saying so.
//!
//! ```
//! use buurt_io::fetched::{FetchManifest, MANIFEST_FILE};
//! let dir = tempfile::tempdir()?;
//! assert!(FetchManifest::read(dir.path())?.is_none());
//! FetchManifest::new().write(dir.path())?;
//! assert!(dir.path().join(MANIFEST_FILE).is_file());
//! assert!(FetchManifest::read(dir.path())?.is_some_and(|m| m.files.is_empty()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Component, Path, PathBuf};

use buurt_core::{Catalogue, GemeenteCode, Indeling, Level, SourceTable};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::boundary_geojson::{GeoJsonLayerOptions, read_geojson_layer};
use crate::dataset::{BoundaryLayer, Problem, TableDataset};
use crate::error::IoError;
use crate::tables::{self, Vintage};

/// The manifest's file name, in the top of the fetched folder.
pub const MANIFEST_FILE: &str = "fetch-manifest.json";

/// The manifest format this version writes and reads.
pub const MANIFEST_FORMAT: u32 = 1;

/// Which source a fetched file comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FetchedKind {
    /// CBS Kerncijfers wijken en buurten, StatLine OData v3 (`opendata.cbs.nl`).
    CbsKwb,
    /// RIVM Gezondheid per wijk en buurt 50090NED, the third-party catalogue (`dataderden.cbs.nl`).
    Rivm50090,
    /// CBS wijk- en buurtgrenzen from PDOK's OGC API Features.
    PdokBoundaries,
}

impl FetchedKind {
    /// Whether the kind holds indicator values (else boundaries).
    #[must_use]
    pub fn is_table(self) -> bool {
        !matches!(self, Self::PdokBoundaries)
    }
}

/// What a fetched file holds within its dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FetchedPart {
    /// Data rows (`TypedDataSet`, `UntypedDataSet`), every page in one `value` array.
    Rows,
    /// The table's `DataProperties`: key, title, unit and decimals of every column.
    DataProperties,
    /// GeoJSON features, every page in one FeatureCollection.
    Features,
}

/// One file of a fetched folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchedFile {
    /// Path relative to the folder, with `/` between parts.
    pub path: String,
    /// The dataset the file belongs to (`cbs_kwb_gm0307_2023`); its files load together.
    pub dataset: String,
    /// The source.
    pub kind: FetchedKind,
    /// What the file holds.
    pub part: FetchedPart,
    /// The gemeente the rows or features were filtered to.
    pub gemeente: GemeenteCode,
    /// The StatLine table (`85618NED`, `50090NED`), for OData files.
    pub table: Option<String>,
    /// The OGC API collection (`buurten`, `wijken`, `gemeenten`), for PDOK files.
    pub collection: Option<String>,
    /// The year: of a kwb table, of a PDOK indeling; none for 50090NED (its rows name theirs).
    pub year: Option<u16>,
    /// Every URL fetched for the file, pages in order.
    pub urls: Vec<String>,
    /// When the last page arrived, RFC 3339 in UTC.
    pub fetched_at: String,
    /// Size of the file in bytes.
    pub bytes: u64,
    /// SHA-256 of the file, lower-case hex.
    pub sha256: String,
    /// Rows or features in the file.
    pub records: usize,
}

/// `fetch-manifest.json`: what `buurt fetch` put in a folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchManifest {
    /// [`MANIFEST_FORMAT`] when written.
    pub format: u32,
    /// The program that wrote it (`buurt 0.1.0`).
    pub generator: String,
    /// Every file, in the order fetched.
    pub files: Vec<FetchedFile>,
}

impl Default for FetchManifest {
    fn default() -> Self {
        Self::new()
    }
}

impl FetchManifest {
    /// An empty manifest of the current format.
    #[must_use]
    pub fn new() -> Self {
        Self {
            format: MANIFEST_FORMAT,
            generator: format!("buurt {}", env!("CARGO_PKG_VERSION")),
            files: Vec::new(),
        }
    }

    /// The manifest of `dir`, or `None` when the folder has none. A manifest that cannot be
    /// read, or of another format, is an error.
    pub fn read(dir: &Path) -> Result<Option<Self>, IoError> {
        let path = dir.join(MANIFEST_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(IoError::Read { path, source }),
        };
        let manifest: Self =
            serde_json::from_slice(&bytes).map_err(|source| IoError::JsonSyntax {
                path: path.clone(),
                source,
            })?;
        if manifest.format != MANIFEST_FORMAT {
            return Err(IoError::Invalid {
                path,
                message: format!(
                    "manifest format {} (this buurt reads format {MANIFEST_FORMAT}); fetch again",
                    manifest.format
                ),
            });
        }
        for file in &manifest.files {
            checked_relative(&path, &file.path)?;
        }
        Ok(Some(manifest))
    }

    /// Write the manifest to `dir` atomically (a temporary file renamed over the old one), so an
    /// interrupted writer leaves the previous manifest whole.
    pub fn write(&self, dir: &Path) -> Result<(), IoError> {
        let path = dir.join(MANIFEST_FILE);
        let mut text = serde_json::to_string_pretty(self).map_err(|e| IoError::Json {
            path: path.clone(),
            message: e.to_string(),
        })?;
        text.push('\n');
        write_atomically(&path, text.as_bytes())
    }

    /// The entry of `path`, if listed.
    #[must_use]
    pub fn file(&self, path: &str) -> Option<&FetchedFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// Add `file`, replacing an entry of the same path.
    pub fn upsert(&mut self, file: FetchedFile) {
        match self.files.iter_mut().find(|f| f.path == file.path) {
            Some(old) => *old = file,
            None => self.files.push(file),
        }
    }

    /// The datasets of the manifest, files grouped by [`FetchedFile::dataset`], in the order
    /// each dataset first appears.
    #[must_use]
    pub fn datasets(&self) -> Vec<FetchedDataset> {
        let mut out: Vec<FetchedDataset> = Vec::new();
        for file in &self.files {
            match out.iter_mut().find(|d| d.id == file.dataset) {
                Some(d) => d.files.push(file.clone()),
                None => out.push(FetchedDataset {
                    id: file.dataset.clone(),
                    kind: file.kind,
                    files: vec![file.clone()],
                }),
            }
        }
        out
    }
}

/// Write `bytes` to `path` through a temporary sibling that is renamed into place.
///
/// # Errors
/// When the file cannot be written or renamed.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), IoError> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    let staging = path.with_file_name(name);
    let write_error = |source| IoError::Write {
        path: path.to_path_buf(),
        source,
    };
    std::fs::write(&staging, bytes).map_err(write_error)?;
    std::fs::rename(&staging, path).map_err(write_error)
}

/// SHA-256 of `bytes`, lower-case hex.
///
/// ```
/// assert_eq!(
///     buurt_io::fetched::sha256_hex(b"abc"),
///     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
/// );
/// ```
#[must_use]
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// SHA-256 of a file, lower-case hex.
///
/// # Errors
/// When the file cannot be read.
pub fn sha256_file(path: &Path) -> Result<String, IoError> {
    let read_error = |source| IoError::Read {
        path: path.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(read_error)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut buf).map_err(read_error)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// A manifest path as a relative path inside the folder; absolute paths and `..` are refused.
fn checked_relative(manifest: &Path, path: &str) -> Result<PathBuf, IoError> {
    let p = PathBuf::from(path);
    if p.as_os_str().is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(IoError::Invalid {
            path: manifest.to_path_buf(),
            message: format!("file path '{path}' is not a plain path inside the folder"),
        });
    }
    Ok(p)
}

/// One dataset of a fetched folder: its files and how to read them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedDataset {
    /// Dataset id, e.g. `cbs_kwb_gm0307_2023`, `rivm_50090_gm0307`, `pdok_gm0307_buurt_2023`.
    pub id: String,
    /// The source.
    pub kind: FetchedKind,
    /// Its files.
    pub files: Vec<FetchedFile>,
}

impl FetchedDataset {
    /// The files read, relative to the folder: the dataset's own and the manifest.
    #[must_use]
    pub fn paths(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = self.files.iter().map(|f| PathBuf::from(&f.path)).collect();
        out.push(PathBuf::from(MANIFEST_FILE));
        out
    }

    fn part(&self, part: FetchedPart) -> Result<&FetchedFile, IoError> {
        self.files
            .iter()
            .find(|f| f.part == part)
            .ok_or_else(|| IoError::Invalid {
                path: PathBuf::from(MANIFEST_FILE),
                message: format!("dataset {} lists no {part:?} file", self.id),
            })
    }

    /// Load a [`FetchedKind::CbsKwb`] or [`FetchedKind::Rivm50090`] dataset from `dir`.
    pub fn load_table(&self, dir: &Path, catalogue: &Catalogue) -> Result<TableDataset, IoError> {
        let rows = self.part(FetchedPart::Rows)?;
        let properties = self.part(FetchedPart::DataProperties)?;
        let mut problems = Vec::new();
        let rows_path = verified(dir, rows, &mut problems)?;
        let properties_path = verified(dir, properties, &mut problems)?;
        let mut table = match self.kind {
            FetchedKind::CbsKwb => {
                let year = rows.year.ok_or_else(|| IoError::Invalid {
                    path: dir.join(MANIFEST_FILE),
                    message: format!("{}: a kwb table without a year", rows.path),
                })?;
                tables::load_statline_json(
                    &rows_path,
                    SourceTable::CbsKwbStatline,
                    Vintage::new(year),
                    catalogue,
                )?
            }
            FetchedKind::Rivm50090 => tables::load_rivm_50090_json(&rows_path, catalogue)?,
            FetchedKind::PdokBoundaries => {
                return Err(IoError::Invalid {
                    path: dir.join(MANIFEST_FILE),
                    message: format!("dataset {} holds boundaries, not a table", self.id),
                });
            }
        };
        problems.extend(check_data_properties(&rows_path, &properties_path)?);
        table.problems.extend(problems);
        self.id.clone_into(&mut table.id);
        table.paths.push(properties_path);
        Ok(table)
    }

    /// Load a [`FetchedKind::PdokBoundaries`] dataset from `dir`.
    pub fn load_layer(&self, dir: &Path) -> Result<BoundaryLayer, IoError> {
        let features = self.part(FetchedPart::Features)?;
        let manifest_error = |message: String| IoError::Invalid {
            path: dir.join(MANIFEST_FILE),
            message: format!("{}: {message}", features.path),
        };
        let level = match features.collection.as_deref() {
            Some("buurten") => Level::Buurt,
            Some("wijken") => Level::Wijk,
            Some("gemeenten") => Level::Gemeente,
            other => {
                return Err(manifest_error(format!(
                    "collection {other:?} is not buurten, wijken or gemeenten"
                )));
            }
        };
        let year = features
            .year
            .ok_or_else(|| manifest_error("boundaries without a year".into()))?;
        let mut problems = Vec::new();
        let path = verified(dir, features, &mut problems)?;
        let options = GeoJsonLayerOptions::new(Indeling::new(year), level).with_id(&self.id);
        let mut layer = read_geojson_layer(&path, &options)?;
        layer.problems.extend(problems);
        Ok(layer)
    }
}

/// The file's full path; a file that changed since it was fetched gets a problem.
fn verified(
    dir: &Path,
    file: &FetchedFile,
    problems: &mut Vec<Problem>,
) -> Result<PathBuf, IoError> {
    let path = dir.join(checked_relative(&dir.join(MANIFEST_FILE), &file.path)?);
    let sha256 = sha256_file(&path)?;
    if sha256 != file.sha256 {
        problems.push(Problem {
            location: path.display().to_string(),
            message: format!(
                "differs from what was fetched (sha256 {sha256}, the manifest says {}); `buurt fetch` again fetches it anew",
                file.sha256
            ),
        });
    }
    Ok(path)
}

/// Every column of the rows must be described in DataProperties (the keys' numeric suffixes
/// change from table to table, so the rows and their description must come from one table).
fn check_data_properties(rows: &Path, properties: &Path) -> Result<Vec<Problem>, IoError> {
    let described: BTreeSet<String> = odata_values(properties)?
        .iter()
        .filter_map(|p| p.get("Key").and_then(serde_json::Value::as_str))
        .map(str::to_owned)
        .collect();
    if described.is_empty() {
        return Err(IoError::Json {
            path: properties.to_path_buf(),
            message: "DataProperties describe no column (no \"Key\")".into(),
        });
    }
    let mut columns = BTreeSet::new();
    for record in &odata_values(rows)? {
        if let Some(object) = record.as_object() {
            columns.extend(
                object
                    .keys()
                    .filter(|k| *k != "ID" && !k.starts_with("odata.") && !k.starts_with('@'))
                    .cloned(),
            );
        }
    }
    let undescribed: Vec<String> = columns.difference(&described).cloned().collect();
    Ok(if undescribed.is_empty() {
        Vec::new()
    } else {
        vec![Problem {
            location: rows.display().to_string(),
            message: format!(
                "{} columns are not in {}: {} (rows and DataProperties of different tables?)",
                undescribed.len(),
                properties.display(),
                undescribed.join(", ")
            ),
        }]
    })
}

/// The `value` array of an OData JSON file.
fn odata_values(path: &Path) -> Result<Vec<serde_json::Value>, IoError> {
    let bytes = std::fs::read(path).map_err(|source| IoError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut root: serde_json::Value =
        serde_json::from_slice(&bytes).map_err(|source| IoError::JsonSyntax {
            path: path.to_path_buf(),
            source,
        })?;
    match root.get_mut("value").map(serde_json::Value::take) {
        Some(serde_json::Value::Array(values)) => Ok(values),
        _ => Err(IoError::Json {
            path: path.to_path_buf(),
            message: "expected an OData object with a \"value\" array".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, dataset: &str, part: FetchedPart) -> FetchedFile {
        FetchedFile {
            path: path.into(),
            dataset: dataset.into(),
            kind: FetchedKind::CbsKwb,
            part,
            gemeente: "GM0307".parse().unwrap(),
            table: Some("85618NED".into()),
            collection: None,
            year: Some(2023),
            urls: vec!["http://127.0.0.1/x".into()],
            fetched_at: "2025-01-01T00:00:00Z".into(),
            bytes: 2,
            sha256: sha256_hex(b"{}"),
            records: 0,
        }
    }

    #[test]
    fn manifests_round_trip_and_group_by_dataset() {
        let dir = tempfile::tempdir().unwrap();
        let mut m = FetchManifest::new();
        m.upsert(file(
            "a/rows.json",
            "cbs_kwb_gm0307_2023",
            FetchedPart::Rows,
        ));
        m.upsert(file("b.json", "other", FetchedPart::Rows));
        m.upsert(file(
            "a/props.json",
            "cbs_kwb_gm0307_2023",
            FetchedPart::DataProperties,
        ));
        let mut again = file("b.json", "other", FetchedPart::Rows);
        again.bytes = 9;
        m.upsert(again);
        assert_eq!(m.files.len(), 3);
        assert_eq!(m.file("b.json").unwrap().bytes, 9);
        m.write(dir.path()).unwrap();
        let read = FetchManifest::read(dir.path()).unwrap().unwrap();
        assert_eq!(read, m);
        let datasets = read.datasets();
        assert_eq!(datasets.len(), 2);
        assert_eq!(datasets[0].files.len(), 2);
        assert_eq!(
            datasets[0].paths().last().unwrap(),
            Path::new(MANIFEST_FILE)
        );
        let text = std::fs::read_to_string(dir.path().join(MANIFEST_FILE)).unwrap();
        assert!(text.contains("\"kind\": \"cbs_kwb\"") && text.contains("\"part\": \"rows\""));
    }

    #[test]
    fn bad_manifests_are_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(MANIFEST_FILE), "{\"format\": 1").unwrap();
        let err = FetchManifest::read(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains(MANIFEST_FILE) && err.contains("not valid JSON"),
            "{err}"
        );
        let mut m = FetchManifest::new();
        m.upsert(file("../etc/passwd", "x", FetchedPart::Rows));
        m.write(dir.path()).unwrap();
        let err = FetchManifest::read(dir.path()).unwrap_err().to_string();
        assert!(err.contains("'../etc/passwd' is not a plain path"), "{err}");
        let mut m = FetchManifest::new();
        m.format = 99;
        m.write(dir.path()).unwrap();
        let err = FetchManifest::read(dir.path()).unwrap_err().to_string();
        assert!(err.contains("format 99"), "{err}");
    }

    #[test]
    fn rows_and_data_properties_of_different_tables_are_a_problem() {
        let dir = tempfile::tempdir().unwrap();
        let rows = dir.path().join("rows.json");
        let props = dir.path().join("props.json");
        std::fs::write(
            &rows,
            r#"{"value": [{"ID": 0, "WijkenEnBuurten": "GM0307    ", "AantalInwoners_5": 1}]}"#,
        )
        .unwrap();
        std::fs::write(
            &props,
            r#"{"value": [{"Key": "WijkenEnBuurten"}, {"Key": "AantalInwoners_5"}]}"#,
        )
        .unwrap();
        assert!(check_data_properties(&rows, &props).unwrap().is_empty());
        std::fs::write(
            &props,
            r#"{"value": [{"Key": "WijkenEnBuurten"}, {"Key": "AantalInwoners_6"}]}"#,
        )
        .unwrap();
        let problems = check_data_properties(&rows, &props).unwrap();
        assert!(
            problems[0].message.contains("AantalInwoners_5"),
            "{problems:?}"
        );
        std::fs::write(&props, r#"{"value": []}"#).unwrap();
        assert!(check_data_properties(&rows, &props).is_err());
    }
}
