//! CBS region codes (`GM0344`, `WK034401`, `BU03440111`), parsed once at the edge.
//!
//! Accepted spellings: padded StatLine keys (`'GM0344    '`), kwb `gwb_code_8` without prefix
//! (`03440111`), PDOK/cartomap `jrstatcode` with a year in front (`2024BU03440111`), lower case, and
//! Amsterdam's letter codes since 2023 (`WK0363MA`). Anything else is a [`CodeError`].

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::level::Level;

/// Why a string is not a region code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodeError {
    /// The text matches no known code shape.
    #[error("'{input}' is not a CBS region code (expected GM + 4 digits, WK + 6, BU + 8, or NL01)")]
    Unrecognised {
        /// The text as given, untrimmed.
        input: String,
    },
    /// The text is a valid code, but of another level than asked for.
    #[error("'{input}' is a {found} code, expected a {expected} code")]
    WrongLevel {
        /// The text as given.
        input: String,
        /// The level that was asked for.
        expected: Level,
        /// The level the text has.
        found: Level,
    },
}

fn ascii_str(bytes: &[u8]) -> &str {
    // Codes are built from validated ASCII only, so this cannot fail.
    std::str::from_utf8(bytes).unwrap_or("")
}

fn is_code_char(b: u8) -> bool {
    b.is_ascii_digit() || b.is_ascii_uppercase()
}

macro_rules! code_type {
    ($(#[$doc:meta])* $name:ident, $variant:ident, $prefix:literal, $len:literal, $level:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name([u8; $len]);

        impl $name {
            /// The code as text, with its prefix (e.g. `GM0344`).
            #[must_use]
            pub fn as_str(&self) -> &str {
                ascii_str(&self.0)
            }

            /// The code without its two-letter prefix, as CBS `gwb_code_8` writes it.
            #[must_use]
            pub fn digits(&self) -> &str {
                ascii_str(&self.0[2..])
            }

            /// The level of this kind of code.
            #[must_use]
            pub const fn level() -> Level {
                $level
            }

            fn from_body(body: &[u8]) -> Option<Self> {
                if body.len() != $len - 2 {
                    return None;
                }
                let mut out = [0u8; $len];
                out[..2].copy_from_slice($prefix.as_bytes());
                out[2..].copy_from_slice(body);
                Some(Self(out))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = CodeError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match RegionCode::from_str(s)? {
                    RegionCode::$variant(code) => Ok(code),
                    other => Err(CodeError::WrongLevel {
                        input: s.to_owned(),
                        expected: $level,
                        found: other.level(),
                    }),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

code_type!(
    /// A gemeente: `GM` and four digits.
    ///
    /// ```
    /// use buurt_core::GemeenteCode;
    /// let gm: GemeenteCode = "GM0344    ".parse()?;
    /// assert_eq!(gm.as_str(), "GM0344");
    /// assert_eq!(gm.digits(), "0344");
    /// # Ok::<(), buurt_core::CodeError>(())
    /// ```
    GemeenteCode, Gemeente, "GM", 6, Level::Gemeente
);
code_type!(
    /// A wijk: `WK`, the gemeente's four digits and two wijk characters (digits, or letters in
    /// Amsterdam since 2023).
    ///
    /// ```
    /// use buurt_core::WijkCode;
    /// let wk: WijkCode = "WK034405".parse()?;
    /// assert_eq!(wk.gemeente().as_str(), "GM0344");
    /// let amsterdam: WijkCode = "WK0363MA".parse()?;
    /// assert_eq!(amsterdam.gemeente().as_str(), "GM0363");
    /// # Ok::<(), buurt_core::CodeError>(())
    /// ```
    WijkCode, Wijk, "WK", 8, Level::Wijk
);
code_type!(
    /// A buurt: `BU`, the wijk's six characters and two buurt characters.
    ///
    /// ```
    /// use buurt_core::BuurtCode;
    /// let bu: BuurtCode = "2024BU03440111".parse()?;
    /// assert_eq!(bu.wijk().as_str(), "WK034401");
    /// assert_eq!(bu.gemeente().as_str(), "GM0344");
    /// let from_kwb: BuurtCode = "03440111".parse()?;
    /// assert_eq!(from_kwb, bu);
    /// # Ok::<(), buurt_core::CodeError>(())
    /// ```
    BuurtCode, Buurt, "BU", 10, Level::Buurt
);

impl WijkCode {
    /// The gemeente this wijk lies in (follows from the code).
    #[must_use]
    pub fn gemeente(&self) -> GemeenteCode {
        let mut out = *b"GM0000";
        out[2..].copy_from_slice(&self.0[2..6]);
        GemeenteCode(out)
    }
}

impl BuurtCode {
    /// The wijk this buurt lies in (follows from the code).
    #[must_use]
    pub fn wijk(&self) -> WijkCode {
        let mut out = *b"WK000000";
        out[2..].copy_from_slice(&self.0[2..8]);
        WijkCode(out)
    }

    /// The gemeente this buurt lies in.
    #[must_use]
    pub fn gemeente(&self) -> GemeenteCode {
        self.wijk().gemeente()
    }
}

/// Any region code: the country, a gemeente, a wijk or a buurt.
///
/// ```
/// use buurt_core::{Level, RegionCode};
/// let code: RegionCode = "NL01  ".parse()?;
/// assert_eq!(code, RegionCode::Nederland);
/// let bu: RegionCode = "bu03441041".parse()?;
/// assert_eq!(bu.level(), Level::Buurt);
/// assert_eq!(bu.to_string(), "BU03441041");
/// assert!("GM344".parse::<RegionCode>().is_err());
/// # Ok::<(), buurt_core::CodeError>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RegionCode {
    /// Nederland (`NL01`; `NL00` in some tables).
    Nederland,
    /// A gemeente.
    Gemeente(GemeenteCode),
    /// A wijk.
    Wijk(WijkCode),
    /// A buurt.
    Buurt(BuurtCode),
}

impl RegionCode {
    /// The level of the region.
    #[must_use]
    pub fn level(&self) -> Level {
        match self {
            Self::Nederland => Level::Land,
            Self::Gemeente(_) => Level::Gemeente,
            Self::Wijk(_) => Level::Wijk,
            Self::Buurt(_) => Level::Buurt,
        }
    }

    /// The code as text (`NL01`, `GM0344`, …).
    #[must_use]
    pub fn as_str(&self) -> &str {
        match self {
            Self::Nederland => "NL01",
            Self::Gemeente(c) => c.as_str(),
            Self::Wijk(c) => c.as_str(),
            Self::Buurt(c) => c.as_str(),
        }
    }

    /// The gemeente this region is or lies in (`None` for Nederland).
    #[must_use]
    pub fn gemeente(&self) -> Option<GemeenteCode> {
        match self {
            Self::Nederland => None,
            Self::Gemeente(c) => Some(*c),
            Self::Wijk(c) => Some(c.gemeente()),
            Self::Buurt(c) => Some(c.gemeente()),
        }
    }

    /// The wijk this region is or lies in (`None` above wijk level).
    #[must_use]
    pub fn wijk(&self) -> Option<WijkCode> {
        match self {
            Self::Wijk(c) => Some(*c),
            Self::Buurt(c) => Some(c.wijk()),
            _ => None,
        }
    }

    /// The direct parent: buurt → wijk → gemeente → Nederland.
    #[must_use]
    pub fn parent(&self) -> Option<RegionCode> {
        match self {
            Self::Nederland => None,
            Self::Gemeente(_) => Some(Self::Nederland),
            Self::Wijk(c) => Some(Self::Gemeente(c.gemeente())),
            Self::Buurt(c) => Some(Self::Wijk(c.wijk())),
        }
    }

    /// Whether `self` lies within (or is) `other`.
    #[must_use]
    pub fn is_within(&self, other: &RegionCode) -> bool {
        let mut cur = Some(*self);
        while let Some(code) = cur {
            if code == *other {
                return true;
            }
            cur = code.parent();
        }
        false
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegionCode({})", self.as_str())
    }
}

impl FromStr for RegionCode {
    type Err = CodeError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let unrecognised = || CodeError::Unrecognised {
            input: input.to_owned(),
        };
        let upper = input.trim().to_ascii_uppercase();
        let mut bytes = upper.as_bytes();
        // `jrstatcode` style: a four-digit year in front of a prefixed code.
        if bytes.len() > 6
            && bytes[..4].iter().all(u8::is_ascii_digit)
            && bytes[4].is_ascii_alphabetic()
        {
            bytes = &bytes[4..];
        }
        if bytes == b"NL01" || bytes == b"NL00" || bytes == b"NL" {
            return Ok(Self::Nederland);
        }
        let (prefix, body) = if bytes.len() >= 2 && bytes[..2].iter().all(u8::is_ascii_alphabetic) {
            (Some(&bytes[..2]), &bytes[2..])
        } else {
            (None, bytes)
        };
        // The gemeente part is always four digits; wijk and buurt parts may hold letters (Amsterdam).
        if body.len() < 4
            || !body[..4].iter().all(u8::is_ascii_digit)
            || !body.iter().all(|b| is_code_char(*b))
        {
            return Err(unrecognised());
        }
        let code = match (prefix, body.len()) {
            (Some(b"GM") | None, 4) => GemeenteCode::from_body(body).map(Self::Gemeente),
            (Some(b"WK") | None, 6) => WijkCode::from_body(body).map(Self::Wijk),
            (Some(b"BU") | None, 8) => BuurtCode::from_body(body).map(Self::Buurt),
            _ => None,
        };
        // Unprefixed codes are digits only; letters only occur behind an explicit prefix.
        if prefix.is_none() && !body.iter().all(u8::is_ascii_digit) {
            return Err(unrecognised());
        }
        code.ok_or_else(unrecognised)
    }
}

impl Serialize for RegionCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RegionCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl From<GemeenteCode> for RegionCode {
    fn from(c: GemeenteCode) -> Self {
        Self::Gemeente(c)
    }
}

impl From<WijkCode> for RegionCode {
    fn from(c: WijkCode) -> Self {
        Self::Wijk(c)
    }
}

impl From<BuurtCode> for RegionCode {
    fn from(c: BuurtCode) -> Self {
        Self::Buurt(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_spelling() {
        for text in ["GM0344", "GM0344    ", "gm0344", "0344", "2024GM0344"] {
            assert_eq!(
                text.parse::<RegionCode>().unwrap().as_str(),
                "GM0344",
                "{text}"
            );
        }
        for text in ["BU03440111", "03440111", "2024BU03440111", " BU03440111 "] {
            assert_eq!(
                text.parse::<RegionCode>().unwrap().as_str(),
                "BU03440111",
                "{text}"
            );
        }
        assert_eq!("034405".parse::<RegionCode>().unwrap().as_str(), "WK034405");
        assert_eq!(
            "WK0363MA".parse::<WijkCode>().unwrap().gemeente().as_str(),
            "GM0363"
        );
        assert_eq!(
            "BU0363MA01".parse::<BuurtCode>().unwrap().wijk().as_str(),
            "WK0363MA"
        );
    }

    #[test]
    fn rejects_everything_else() {
        for text in [
            "",
            "GM",
            "GM344",
            "GM03445",
            "XX0344",
            "BU0344011",
            "0363MA",
            "GMABCD",
            "WK03440",
            "BU0344-111",
            "NL02",
        ] {
            let err = text.parse::<RegionCode>().unwrap_err();
            assert!(err.to_string().contains(text.trim()), "{err}");
        }
        let err = "WK034401".parse::<BuurtCode>().unwrap_err();
        assert!(matches!(
            err,
            CodeError::WrongLevel {
                found: Level::Wijk,
                ..
            }
        ));
    }

    #[test]
    fn parents_follow_from_codes() {
        let bu: RegionCode = "BU03440511".parse().unwrap();
        assert_eq!(bu.parent().unwrap().as_str(), "WK034405");
        assert_eq!(bu.gemeente().unwrap().as_str(), "GM0344");
        assert!(bu.is_within(&"GM0344".parse().unwrap()));
        assert!(bu.is_within(&RegionCode::Nederland));
        assert!(!bu.is_within(&"WK034404".parse().unwrap()));
    }

    #[test]
    fn serde_round_trip() {
        let bu: BuurtCode = "BU03440111".parse().unwrap();
        let json = serde_json_like(&bu);
        assert_eq!(json, "BU03440111");
    }

    fn serde_json_like(code: &BuurtCode) -> String {
        // toml is our only serde format in core; a value must sit in a table there.
        #[derive(Serialize, Deserialize)]
        struct Holder {
            code: BuurtCode,
        }
        let text = toml::to_string(&Holder { code: *code }).unwrap();
        let back: Holder = toml::from_str(&text).unwrap();
        back.code.to_string()
    }
}
