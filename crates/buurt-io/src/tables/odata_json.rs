//! StatLine OData JSON (`{"value": [{…}, …]}`) as rows of cells, for the StatLine engine.

use std::borrow::Cow;
use std::path::Path;

use crate::error::IoError;

use super::cell::Cell;
use super::header::Header;
use super::year_columns::Rows;

/// A JSON feed as rows of cells.
pub(crate) struct JsonTable {
    /// The keys of the records, in order of first appearance.
    pub header: Header,
    records: Vec<Vec<Cell<'static>>>,
    /// The `odata.nextLink` of a paged feed.
    pub next_link: Option<String>,
}

impl JsonTable {
    /// Read a feed; metadata keys (`odata.*`, `@odata.*`) are left out of the header.
    pub(crate) fn read(path: &Path) -> Result<Self, IoError> {
        let bytes = std::fs::read(path).map_err(|source| IoError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
        let json_error = |message: String| IoError::Json {
            path: path.to_path_buf(),
            message,
        };
        let root: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|source| IoError::JsonSyntax {
                path: path.to_path_buf(),
                source,
            })?;
        let values = root
            .get("value")
            .and_then(serde_json::Value::as_array)
            .ok_or_else(|| json_error("expected an OData object with a \"value\" array".into()))?;
        let next_link = ["odata.nextLink", "@odata.nextLink"]
            .iter()
            .find_map(|k| root.get(*k).and_then(serde_json::Value::as_str))
            .map(str::to_owned);
        let mut names: Vec<String> = Vec::new();
        let mut objects = Vec::with_capacity(values.len());
        for (i, record) in values.iter().enumerate() {
            let object = record
                .as_object()
                .ok_or_else(|| json_error(format!("record {} is not an object", i + 1)))?;
            for key in object.keys() {
                if !key.starts_with('@') && !key.starts_with("odata.") && !names.contains(key) {
                    names.push(key.clone());
                }
            }
            objects.push(object);
        }
        let records = objects
            .into_iter()
            .map(|object| {
                names
                    .iter()
                    .map(|n| match object.get(n) {
                        None | Some(serde_json::Value::Null) => Cell::Empty,
                        Some(serde_json::Value::String(s)) => Cell::Text(s.clone().into()),
                        Some(serde_json::Value::Number(v)) => v
                            .as_f64()
                            .map_or_else(|| Cell::Other(v.to_string()), Cell::Number),
                        Some(other) => Cell::Other(other.to_string()),
                    })
                    .collect()
            })
            .collect();
        Ok(Self {
            header: Header::new(path, &names),
            records,
            next_link,
        })
    }
}

impl Rows for JsonTable {
    fn len(&self) -> usize {
        self.records.len()
    }

    fn cell(&self, row: usize, col: usize) -> Cell<'_> {
        match self.records[row].get(col) {
            Some(Cell::Text(t)) => Cell::Text(Cow::Borrowed(t.as_ref())),
            Some(other) => other.clone(),
            None => Cell::Empty,
        }
    }

    fn row_number(&self, row: usize) -> usize {
        row + 1
    }
}
