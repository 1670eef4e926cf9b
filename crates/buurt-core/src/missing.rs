//! Values that may be missing, with the reason kept.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a value is absent. The reason travels with the value through every output, because
/// "onderdrukt (< 50 inwoners)" means something else to a reader than "niet gemeten in 2012".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MissingReason {
    /// The source published the CBS symbol `.`: unknown, unreliable, secret, or suppressed for
    /// privacy (small regions).
    Suppressed,
    /// A PDOK GeoPackage special value (`-99997` and other `-9999x`): secret or not applicable.
    SpecialValue,
    /// An empty cell where the survey round did not measure the indicator (RIVM xlsx).
    NotMeasured,
    /// An empty field in a typed export, where the source does not distinguish suppressed from
    /// not applicable.
    Empty,
    /// Below the catalogue's minimum population or denominator, suppressed by buurt itself.
    BelowMinimum,
    /// The stacked Almere export lost its decimal points and the value cannot be decoded
    /// unambiguously.
    AmbiguousDecimal,
    /// A derived value whose numerator or denominator is missing or zero.
    NoDenominator,
    /// The source has no value for any region in this table and year: the column is not yet
    /// published (CBS's first, preliminary kwb release leaves jeugdzorg, Wmo and income empty),
    /// not suppressed for small numbers.
    NotPublished,
    /// The source has a value for this code, but in an indeling whose codes mean other areas
    /// (the gemeente redrew its wijken since): joining it on code would describe another area.
    NotComparable,
}

impl MissingReason {
    /// Every reason, in a stable order (for reports).
    pub const ALL: [MissingReason; 9] = [
        MissingReason::Suppressed,
        MissingReason::SpecialValue,
        MissingReason::NotMeasured,
        MissingReason::Empty,
        MissingReason::BelowMinimum,
        MissingReason::AmbiguousDecimal,
        MissingReason::NoDenominator,
        MissingReason::NotPublished,
        MissingReason::NotComparable,
    ];

    /// The snake_case key used in files and APIs.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            MissingReason::Suppressed => "suppressed",
            MissingReason::SpecialValue => "special_value",
            MissingReason::NotMeasured => "not_measured",
            MissingReason::Empty => "empty",
            MissingReason::BelowMinimum => "below_minimum",
            MissingReason::AmbiguousDecimal => "ambiguous_decimal",
            MissingReason::NoDenominator => "no_denominator",
            MissingReason::NotPublished => "not_published",
            MissingReason::NotComparable => "not_comparable",
        }
    }

    /// Parse the snake_case key.
    #[must_use]
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == key)
    }

    /// A short Dutch explanation for partners.
    #[must_use]
    pub fn dutch(self) -> &'static str {
        match self {
            MissingReason::Suppressed => {
                "onderdrukt door de bron (te weinig inwoners, onbetrouwbaar of geheim)"
            }
            MissingReason::SpecialValue => "geheim of niet van toepassing (bronwaarde -9999x)",
            MissingReason::NotMeasured => "niet gemeten in dit jaar",
            MissingReason::Empty => "geen gegevens in de bron",
            MissingReason::BelowMinimum => "onderdrukt: te weinig inwoners",
            MissingReason::AmbiguousDecimal => {
                "niet eenduidig te lezen in de bron (decimaalteken ontbreekt)"
            }
            MissingReason::NoDenominator => "niet te berekenen: noemer ontbreekt of is nul",
            MissingReason::NotPublished => "nog niet gepubliceerd (voorlopige cijfers)",
            MissingReason::NotComparable => {
                "niet vergelijkbaar: de bron gebruikt een oudere, gewijzigde gebiedsindeling"
            }
        }
    }
}

impl fmt::Display for MissingReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A number or the reason it is missing.
///
/// ```
/// use buurt_core::{MissingReason, Value};
/// let v = Value::parse_cbs("   76.1");
/// assert_eq!(v, Value::Number(76.1));
/// assert_eq!(Value::parse_cbs("       ."), Value::Missing(MissingReason::Suppressed));
/// assert_eq!(Value::parse_cbs("12,5"), Value::Number(12.5));
/// assert!(Value::parse_cbs("abc").is_invalid());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    /// A published number.
    Number(f64),
    /// No number, and why.
    Missing(MissingReason),
    /// Text that is neither a number nor a known missing marker (a data error to report).
    #[serde(skip)]
    Invalid,
}

impl Value {
    /// Read a CBS/RIVM cell as text: trims padding; `.` is suppressed, empty is `Empty`, a decimal
    /// comma is accepted, PDOK special values (`-99997`, …) are `SpecialValue`.
    #[must_use]
    pub fn parse_cbs(text: &str) -> Self {
        let t = text.trim();
        match t {
            "." => return Value::Missing(MissingReason::Suppressed),
            "" => return Value::Missing(MissingReason::Empty),
            _ => {}
        }
        let parsed = if t.contains(',') && !t.contains('.') {
            t.replace(',', ".").parse::<f64>()
        } else {
            t.parse::<f64>()
        };
        match parsed {
            Ok(v) if v.is_finite() => Value::from_number(v),
            _ => Value::Invalid,
        }
    }

    /// A number, or `SpecialValue` for PDOK's `-99997`-style markers (and the `-99999999` that
    /// older kwb files use).
    #[must_use]
    pub fn from_number(v: f64) -> Self {
        let marker =
            (-99_999.0..=-99_990.0).contains(&v) || (-99_999_999.0..=-99_999_990.0).contains(&v);
        if marker && v.fract() == 0.0 {
            Value::Missing(MissingReason::SpecialValue)
        } else {
            Value::Number(v)
        }
    }

    /// The number, if there is one.
    #[must_use]
    pub fn number(self) -> Option<f64> {
        match self {
            Value::Number(v) => Some(v),
            _ => None,
        }
    }

    /// The missing reason, if missing.
    #[must_use]
    pub fn missing(self) -> Option<MissingReason> {
        match self {
            Value::Missing(r) => Some(r),
            _ => None,
        }
    }

    /// Whether the cell could not be read at all.
    #[must_use]
    pub fn is_invalid(self) -> bool {
        matches!(self, Value::Invalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_values_are_missing() {
        assert_eq!(
            Value::parse_cbs("-99997"),
            Value::Missing(MissingReason::SpecialValue)
        );
        assert_eq!(
            Value::from_number(-99_995.0),
            Value::Missing(MissingReason::SpecialValue)
        );
        assert_eq!(Value::parse_cbs("-5"), Value::Number(-5.0));
        assert_eq!(
            Value::parse_cbs("-99999999"),
            Value::Missing(MissingReason::SpecialValue)
        );
        assert!(Value::parse_cbs("NaN").is_invalid());
        assert!(Value::parse_cbs("1.234,5").is_invalid());
    }

    #[test]
    fn reason_keys_round_trip() {
        for r in MissingReason::ALL {
            assert_eq!(MissingReason::from_key(r.as_str()), Some(r));
        }
    }
}
