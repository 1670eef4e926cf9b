//! Gemeente names to codes, for sources that name gemeenten without a code (Vektis writes
//! `S GRAVENHAGE`, `HENGELO`, `SUDWEST-FRYSLAN` where CBS writes `'s-Gravenhage`,
//! `Hengelo (O.)`, `Súdwest-Fryslân`).

use std::collections::HashMap;

use buurt_core::GemeenteCode;

/// A name as a lookup key: upper case, accents dropped, punctuation as spaces, spaces collapsed.
///
/// ```
/// use buurt_io::tables::gemeente_name_key;
/// assert_eq!(gemeente_name_key("'s-Gravenhage"), "S GRAVENHAGE");
/// assert_eq!(gemeente_name_key("Súdwest-Fryslân"), "SUDWEST FRYSLAN");
/// assert_eq!(gemeente_name_key("Bergen (NH.)"), "BERGEN NH");
/// ```
#[must_use]
pub fn gemeente_name_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_uppercase) {
        let c = fold_accent(c);
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    out.trim_end().to_owned()
}

/// The base letter of the accented capitals that occur in Dutch and Frisian place names.
fn fold_accent(c: char) -> char {
    match c {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
        'Ç' => 'C',
        'È' | 'É' | 'Ê' | 'Ë' => 'E',
        'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'Ñ' => 'N',
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => 'O',
        'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
        'Ý' | 'Ÿ' => 'Y',
        other => other,
    }
}

/// The name without a trailing parenthesised qualifier: `Hengelo (O.)` → `Hengelo`.
fn without_qualifier(name: &str) -> Option<&str> {
    let trimmed = name.trim_end();
    if !trimmed.ends_with(')') {
        return None;
    }
    trimmed
        .rfind('(')
        .map(|i| trimmed[..i].trim_end())
        .filter(|s| !s.is_empty())
}

/// Gemeente names (as CBS/PDOK write them) to codes, forgiving spelling.
///
/// A name matches by [`gemeente_name_key`]; a name with a province qualifier (`Hengelo (O.)`)
/// also matches without it, unless two gemeenten share the bare name (`Bergen (L.)`,
/// `Bergen (NH.)`).
///
/// ```
/// use buurt_io::tables::GemeenteNames;
/// let names = GemeenteNames::new([
///     ("Hengelo (O.)", "GM0164".parse()?),
///     ("Bergen (NH.)", "GM0373".parse()?),
///     ("Bergen (L.)", "GM0893".parse()?),
/// ]);
/// assert_eq!(names.get("HENGELO").map(|c| c.to_string()), Some("GM0164".into()));
/// assert_eq!(names.get("BERGEN NH").map(|c| c.to_string()), Some("GM0373".into()));
/// assert_eq!(names.get("BERGEN"), None);
/// # Ok::<(), buurt_core::CodeError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct GemeenteNames {
    exact: HashMap<String, GemeenteCode>,
    bare: HashMap<String, Option<GemeenteCode>>,
}

impl GemeenteNames {
    /// An index over `(name, code)` pairs.
    pub fn new<S: AsRef<str>>(pairs: impl IntoIterator<Item = (S, GemeenteCode)>) -> Self {
        let mut names = Self::default();
        for (name, code) in pairs {
            let name = name.as_ref();
            names.exact.insert(gemeente_name_key(name), code);
            if let Some(bare) = without_qualifier(name) {
                names
                    .bare
                    .entry(gemeente_name_key(bare))
                    .and_modify(|c| {
                        if *c != Some(code) {
                            *c = None;
                        }
                    })
                    .or_insert(Some(code));
            }
        }
        names
    }

    /// The code of the gemeente called `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<GemeenteCode> {
        let key = gemeente_name_key(name);
        self.exact
            .get(&key)
            .copied()
            .or_else(|| self.bare.get(&key).copied().flatten())
    }

    /// Number of names.
    #[must_use]
    pub fn len(&self) -> usize {
        self.exact.len()
    }

    /// Whether there are no names.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty()
    }
}

impl<S: AsRef<str>> FromIterator<(S, GemeenteCode)> for GemeenteNames {
    fn from_iter<I: IntoIterator<Item = (S, GemeenteCode)>>(iter: I) -> Self {
        Self::new(iter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_case_accents_and_punctuation() {
        assert_eq!(
            gemeente_name_key("  Nuenen, Gerwen en Nederwetten "),
            "NUENEN GERWEN EN NEDERWETTEN"
        );
        assert_eq!(
            gemeente_name_key("NOARDEAST-FRYSLAN"),
            gemeente_name_key("Noardeast-Fryslân")
        );
        assert_eq!(without_qualifier("Rijswijk (ZH.)"), Some("Rijswijk"));
        assert_eq!(without_qualifier("Utrecht"), None);
    }

    #[test]
    fn exact_names_win_over_bare_ones() {
        let gm = |s: &str| s.parse::<GemeenteCode>().unwrap();
        let names: GemeenteNames = [("Laren (NH.)", gm("GM0417")), ("Laren", gm("GM9999"))]
            .into_iter()
            .collect();
        assert_eq!(names.get("LAREN"), Some(gm("GM9999")));
        assert_eq!(names.get("laren (nh.)"), Some(gm("GM0417")));
        assert_eq!(names.len(), 2);
        assert!(GemeenteNames::default().is_empty());
    }
}
