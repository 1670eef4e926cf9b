//! Reading one cell: a region code, a name, or a value with the reason it is missing.

use std::borrow::Cow;
use std::path::Path;

use buurt_core::{Level, MissingReason, RegionCode, Value};
use calamine::DataRef;

use crate::error::IoError;

/// A cell from any of the formats read here.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell<'a> {
    /// Text (CSV field, xlsx string, JSON string).
    Text(Cow<'a, str>),
    /// A typed number (xlsx number, JSON number).
    Number(f64),
    /// No content (empty xlsx cell, JSON null).
    Empty,
    /// Something that is neither text nor a number (xlsx error or boolean, JSON object); the
    /// string says what it was.
    Other(String),
}

impl Cell<'_> {
    /// The cell as trimmed text (numbers formatted as Rust does).
    pub(crate) fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(t) => Cow::Borrowed(t.trim()),
            Cell::Number(v) => Cow::Owned(v.to_string()),
            Cell::Empty => Cow::Borrowed(""),
            Cell::Other(s) => Cow::Borrowed(s.as_str()),
        }
    }

    /// The cell as a value; `empty` says what an empty cell means in this source.
    pub(crate) fn value(&self, empty: MissingReason) -> Value {
        match self {
            Cell::Text(t) => text_value(t, empty),
            Cell::Number(v) if v.is_finite() => Value::from_number(*v),
            Cell::Empty => Value::Missing(empty),
            Cell::Number(_) | Cell::Other(_) => Value::Invalid,
        }
    }
}

/// A text cell as a value: `.` is suppressed, blank means `empty`, else [`Value::parse_cbs`].
pub(crate) fn text_value(text: &str, empty: MissingReason) -> Value {
    if text.trim().is_empty() {
        Value::Missing(empty)
    } else {
        Value::parse_cbs(text)
    }
}

impl<'a> From<&'a DataRef<'a>> for Cell<'a> {
    fn from(data: &'a DataRef<'a>) -> Self {
        match data {
            DataRef::SharedString(s) => Cell::Text(Cow::Borrowed(s)),
            DataRef::String(s) => Cell::Text(Cow::Borrowed(s.as_str())),
            DataRef::Int(i) => Cell::Number(*i as f64),
            DataRef::Float(f) => Cell::Number(*f),
            DataRef::Empty => Cell::Empty,
            DataRef::Error(e) => Cell::Other(e.to_string()),
            DataRef::Bool(b) => Cell::Other(b.to_string()),
            other => Cell::Other(format!("{other:?}")),
        }
    }
}

/// The year in a StatLine period or peildatum: `2020JJ00`, `2024`, `1-1-2018`.
pub(crate) fn year_of(text: &str) -> Option<u16> {
    let t = text.trim();
    let digits = if let Some(rest) = t.strip_prefix("1-1-") {
        rest
    } else if let Some(year) = t.strip_suffix("JJ00") {
        year
    } else {
        t
    };
    if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits.parse().ok()
    } else {
        None
    }
}

/// Where a cell is, for error messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct At<'p> {
    /// The file.
    pub path: &'p Path,
    /// 1-based row, the header being row 1.
    pub row: usize,
}

impl At<'_> {
    /// Parse a region code; the error names file, row, column and the text.
    pub(crate) fn code(&self, column: &str, text: &str) -> Result<RegionCode, IoError> {
        text.parse().map_err(|source| IoError::BadCode {
            path: self.path.to_path_buf(),
            row: self.row,
            column: column.to_owned(),
            source,
        })
    }

    /// A `BadValue` error for this cell.
    pub(crate) fn bad_value(&self, column: &str, text: &str) -> IoError {
        IoError::BadValue {
            path: self.path.to_path_buf(),
            row: self.row,
            column: column.to_owned(),
            text: text.to_owned(),
        }
    }

    /// An `Invalid` error about this row.
    pub(crate) fn invalid(&self, message: impl std::fmt::Display) -> IoError {
        IoError::Invalid {
            path: self.path.to_path_buf(),
            message: format!("row {}: {message}", self.row),
        }
    }

    /// A value cell: numbers and CBS markers pass, anything else is a `BadValue` error.
    pub(crate) fn value(
        &self,
        column: &str,
        cell: &Cell<'_>,
        empty: MissingReason,
    ) -> Result<Value, IoError> {
        match cell.value(empty) {
            Value::Invalid => Err(self.bad_value(column, &cell.text())),
            v => Ok(v),
        }
    }

    /// Check a level column (`Buurt`, `Wijk  `, `Gemeente`, `Land`) against the code's level.
    pub(crate) fn check_level(
        &self,
        column: &str,
        text: &str,
        code: RegionCode,
    ) -> Result<(), IoError> {
        let level: Level = text.parse().map_err(|_| self.bad_value(column, text))?;
        if level == code.level() {
            Ok(())
        } else {
            Err(self.invalid(format_args!(
                "{code} is a {} code but column '{column}' says '{}'",
                code.level(),
                text.trim()
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_keep_the_missing_reason() {
        let nm = MissingReason::NotMeasured;
        assert_eq!(Cell::Text("    76.1".into()).value(nm), Value::Number(76.1));
        assert_eq!(
            Cell::Text("       .".into()).value(nm),
            Value::Missing(MissingReason::Suppressed)
        );
        assert_eq!(Cell::Text("   ".into()).value(nm), Value::Missing(nm));
        assert_eq!(
            Cell::Empty.value(MissingReason::Empty),
            Value::Missing(MissingReason::Empty)
        );
        assert_eq!(Cell::Number(1810.0).value(nm), Value::Number(1810.0));
        assert!(Cell::Other("#Div0".into()).value(nm).is_invalid());
        assert!(Cell::Text("n.v.t.".into()).value(nm).is_invalid());
    }

    #[test]
    fn years_from_periods() {
        assert_eq!(year_of("2020JJ00"), Some(2020));
        assert_eq!(year_of(" 1-1-2018 "), Some(2018));
        assert_eq!(year_of("2024"), Some(2024));
        assert_eq!(year_of("2024KW01"), None);
        assert_eq!(year_of("1-7-2018"), None);
    }

    #[test]
    fn errors_name_row_column_and_text() {
        let at = At {
            path: Path::new("f.csv"),
            row: 7,
        };
        let err = at.code("RegioS", "XX0344").unwrap_err().to_string();
        assert!(
            err.contains("f.csv")
                && err.contains("row 7")
                && err.contains("RegioS")
                && err.contains("XX0344"),
            "{err}"
        );
        let err = at
            .value("a_inw", &Cell::Text("veel".into()), MissingReason::Empty)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("row 7") && err.contains("a_inw") && err.contains("'veel'"),
            "{err}"
        );
        let code: RegionCode = "WK034401".parse().unwrap();
        assert!(at.check_level("recs", "Wijk", code).is_ok());
        let err = at
            .check_level("recs", "Buurt", code)
            .unwrap_err()
            .to_string();
        assert!(err.contains("WK034401") && err.contains("Buurt"), "{err}");
    }
}
