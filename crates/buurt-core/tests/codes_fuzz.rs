//! Fuzzing the text parsers of buurt-core that every file reader and every request goes
//! through: region codes (`RegionCode`, `GemeenteCode`, `WijkCode`, `BuurtCode`), level words
//! and CBS cell values. Arbitrary text must never panic; a refused code must be named in the
//! error; an accepted code must print as its canonical spelling and read back as itself.

use buurt_core::{BuurtCode, GemeenteCode, Level, MissingReason, RegionCode, Value, WijkCode};
use proptest::prelude::*;

/// Cases per property, or `PROPTEST_CASES`: `buurt_core::test_support::fuzz::cases`, which this
/// crate's own integration tests do not see without the `test-support` feature.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Text near the shape of a code: a prefix (or none), digits and letters, padding, a year.
fn code_like() -> impl Strategy<Value = String> {
    "(20[0-9]{2})?(GM|WK|BU|NL|gm|wk|bu|Bu|XX|)?[0-9]{0,10}[A-Z0-9a-z]{0,3}[ \t]{0,3}"
}

/// A valid code, canonically spelled, with its level.
fn valid_code() -> impl Strategy<Value = (String, Level)> {
    prop_oneof![
        "[0-9]{4}".prop_map(|d| (format!("GM{d}"), Level::Gemeente)),
        "[0-9]{4}([0-9]{2}|[A-Z]{2})".prop_map(|d| (format!("WK{d}"), Level::Wijk)),
        "[0-9]{4}([0-9]{2}|[A-Z]{2})[0-9A-Z]{2}".prop_map(|d| (format!("BU{d}"), Level::Buurt)),
        Just(("NL01".to_owned(), Level::Land)),
    ]
}

/// Parse with every code type; check what the parsers promise for `text`.
fn check_code_text(text: &str) -> Result<(), TestCaseError> {
    match text.parse::<RegionCode>() {
        Ok(code) => {
            let shown = code.to_string();
            prop_assert_eq!(shown.parse::<RegionCode>(), Ok(code), "{:?}", text);
            prop_assert!(
                shown
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()),
                "{:?} printed as {:?}",
                text,
                shown
            );
            // The typed parsers agree with the level of the code.
            let level = code.level();
            prop_assert_eq!(
                text.parse::<GemeenteCode>().is_ok(),
                level == Level::Gemeente
            );
            prop_assert_eq!(text.parse::<WijkCode>().is_ok(), level == Level::Wijk);
            prop_assert_eq!(text.parse::<BuurtCode>().is_ok(), level == Level::Buurt);
            if let Ok(bu) = text.parse::<BuurtCode>() {
                prop_assert!(RegionCode::from(bu).is_within(&RegionCode::from(bu.gemeente())));
                prop_assert_eq!(bu.wijk().gemeente(), bu.gemeente());
            }
        }
        Err(err) => {
            prop_assert!(
                err.to_string().contains(text),
                "{:?}: the error does not name the text: {}",
                text,
                err
            );
            for typed in [
                text.parse::<GemeenteCode>().err(),
                text.parse::<WijkCode>().err(),
                text.parse::<BuurtCode>().err(),
            ] {
                let typed = typed.expect("a typed parser accepts what RegionCode refuses");
                prop_assert!(typed.to_string().contains(text), "{}", typed);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(512)))]

    /// Any text at all: no panic, and the promises of `check_code_text`.
    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check_code_text(&text)?;
        let _ = text.parse::<Level>();
    }

    /// Text shaped like a code, where the interesting cases are.
    #[test]
    fn code_like_text_is_parsed_or_named(text in code_like()) {
        check_code_text(&text)?;
    }

    /// Every spelling of a valid code reads as that code: padded, lower case, with a year in
    /// front (`jrstatcode`), without prefix (`gwb_code_8`, digits only).
    #[test]
    fn valid_codes_round_trip(
        (canonical, level) in valid_code(),
        pad in "[ \t]{0,4}",
        year in 1990u16..2100,
    ) {
        let code: RegionCode = canonical.parse().map_err(|e| TestCaseError::fail(format!("{e}")))?;
        prop_assert_eq!(code.to_string(), canonical.clone());
        prop_assert_eq!(code.level(), level);
        for spelling in [
            format!("{canonical}{pad}"),
            format!("{pad}{}", canonical.to_ascii_lowercase()),
            format!("{year}{canonical}"),
        ] {
            prop_assert_eq!(spelling.parse::<RegionCode>(), Ok(code), "{:?}", spelling);
        }
        let digits = &canonical[2..];
        if level != Level::Land && digits.bytes().all(|b| b.is_ascii_digit()) {
            prop_assert_eq!(digits.parse::<RegionCode>(), Ok(code));
        }
    }

    /// CBS cells: any text is a number, a missing marker or invalid, never a panic or a
    /// non-finite number; `.` is always suppressed.
    #[test]
    fn cbs_values_never_panic(text in any::<String>(), pad in "[ ]{0,8}") {
        match Value::parse_cbs(&text) {
            Value::Number(v) => prop_assert!(v.is_finite(), "{:?} read as {}", text, v),
            Value::Missing(_) | Value::Invalid => {}
        }
        prop_assert_eq!(
            Value::parse_cbs(&format!("{pad}.")),
            Value::Missing(MissingReason::Suppressed)
        );
    }

    /// A number as Rust or a Dutch spreadsheet writes it reads back as itself (or as a CBS
    /// special value); huge and `NaN` texts are invalid, not infinite.
    #[test]
    fn numbers_read_back(v in any::<f64>()) {
        let written = v.to_string();
        let read = Value::parse_cbs(&written);
        if v.is_finite() {
            prop_assert_eq!(read, Value::from_number(v));
            prop_assert_eq!(Value::parse_cbs(&written.replace('.', ",")), Value::from_number(v));
        } else {
            prop_assert!(read.is_invalid(), "{} read as {:?}", written, read);
        }
    }
}
