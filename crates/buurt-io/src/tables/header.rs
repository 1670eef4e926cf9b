//! Header rows: trimmed names, OData key stems, and a `MissingColumn` error that shows what was
//! found (a whole header in one cell usually means a wrong delimiter).

use std::path::{Path, PathBuf};

use crate::error::IoError;

/// How many characters of the found header a `MissingColumn` error shows.
const FOUND_CHARS: usize = 240;

/// The header of one file, names trimmed and the UTF-8 byte-order mark removed.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    path: PathBuf,
    names: Vec<String>,
}

impl Header {
    /// A header from the raw cells of the first row.
    pub(crate) fn new<S: AsRef<str>>(path: &Path, raw: impl IntoIterator<Item = S>) -> Self {
        let names = raw
            .into_iter()
            .map(|s| s.as_ref().trim_start_matches('\u{feff}').trim().to_owned())
            .collect();
        Self {
            path: path.to_path_buf(),
            names,
        }
    }

    /// The column names.
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    /// The name of column `index`.
    pub(crate) fn name(&self, index: usize) -> &str {
        self.names.get(index).map_or("", String::as_str)
    }

    /// The index of the column with exactly this (trimmed) name.
    pub(crate) fn find(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The index of the column, or a `MissingColumn` error listing the header.
    pub(crate) fn require(&self, name: &str) -> Result<usize, IoError> {
        self.find(name).ok_or_else(|| self.missing(name))
    }

    /// The first of `names` that exists, or a `MissingColumn` error naming all of them.
    pub(crate) fn require_any(&self, names: &[&str]) -> Result<usize, IoError> {
        names
            .iter()
            .find_map(|n| self.find(n))
            .ok_or_else(|| self.missing(&names.join("' or '")))
    }

    /// The unique column whose OData stem is `stem` (`Gemeentenaam_1` for `Gemeentenaam`).
    pub(crate) fn find_stem(&self, stem: &str) -> Option<usize> {
        match self.stem_matches(stem).as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    }

    /// All columns whose name is `stem` or `stem` followed by `_` and digits.
    pub(crate) fn stem_matches(&self, stem: &str) -> Vec<usize> {
        self.names
            .iter()
            .enumerate()
            .filter(|(_, n)| odata_stem(n) == stem)
            .map(|(i, _)| i)
            .collect()
    }

    /// Columns of a hierarchical StatLine header (`Theme/Group/Name (unit)`) that end in
    /// `/{tail}`.
    pub(crate) fn path_tail_matches(&self, tail: &str) -> Vec<usize> {
        self.names
            .iter()
            .enumerate()
            .filter(|(_, n)| {
                n.len() > tail.len()
                    && n.ends_with(tail)
                    && n[..n.len() - tail.len()].ends_with('/')
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// A `MissingColumn` error for `column`.
    pub(crate) fn missing(&self, column: &str) -> IoError {
        IoError::MissingColumn {
            path: self.path.clone(),
            column: column.to_owned(),
            found: self.shortened(),
        }
    }

    /// The header as one line, shortened for error messages.
    pub(crate) fn shortened(&self) -> String {
        let joined = self
            .names
            .iter()
            .map(|n| format!("'{n}'"))
            .collect::<Vec<_>>()
            .join(", ");
        if joined.chars().count() <= FOUND_CHARS {
            joined
        } else {
            let cut: String = joined.chars().take(FOUND_CHARS).collect();
            format!("{cut}… ({} columns)", self.names.len())
        }
    }
}

/// An OData key without its numeric suffix: `Mantelzorger_32` → `Mantelzorger`. Keys without a
/// suffix (`ID`, `WijkenEnBuurten`) are returned whole.
///
/// ```
/// use buurt_io::tables::odata_stem;
/// assert_eq!(odata_stem("PercentageJongerenMetJeugdzorg_97"), "PercentageJongerenMetJeugdzorg");
/// assert_eq!(odata_stem("k_0Tot15Jaar_8"), "k_0Tot15Jaar");
/// assert_eq!(odata_stem("WijkenEnBuurten"), "WijkenEnBuurten");
/// ```
#[must_use]
pub fn odata_stem(key: &str) -> &str {
    match key.rfind('_') {
        Some(i)
            if i > 0 && i + 1 < key.len() && key[i + 1..].bytes().all(|b| b.is_ascii_digit()) =>
        {
            &key[..i]
        }
        _ => key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bom_and_padding() {
        let h = Header::new(
            Path::new("x.csv"),
            ["\u{feff}ID", " RegioS ", "Mantelzorger_127"],
        );
        assert_eq!(h.find("ID"), Some(0));
        assert_eq!(h.require("RegioS").unwrap(), 1);
        assert_eq!(h.find_stem("Mantelzorger"), Some(2));
        assert_eq!(h.find_stem("Mantelzorg"), None);
    }

    #[test]
    fn missing_column_lists_the_header() {
        let h = Header::new(Path::new("x.csv"), ["ID,RegioS,Mantelzorger_1"]);
        let err = h
            .require_any(&["WijkenEnBuurten", "RegioS"])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("x.csv") && err.contains("'ID,RegioS,Mantelzorger_1'"),
            "{err}"
        );
        assert!(err.contains("WijkenEnBuurten' or 'RegioS"), "{err}");
        let long = Header::new(Path::new("y.csv"), (0..200).map(|i| format!("Column_{i}")));
        assert!(long.shortened().ends_with("(200 columns)"));
    }

    #[test]
    fn path_tails_match_whole_segments() {
        let h = Header::new(
            Path::new("n.csv"),
            [
                "Zorg/Huisarts/Afstand tot huisartsenpraktijk (km)",
                "Zorg/Afstand tot apotheek (km)",
                "Afstand tot apotheek (km)x",
            ],
        );
        assert_eq!(h.path_tail_matches("Afstand tot apotheek (km)"), vec![1]);
        assert_eq!(
            h.path_tail_matches("Huisarts/Afstand tot huisartsenpraktijk (km)"),
            vec![0]
        );
    }
}
