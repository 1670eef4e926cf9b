//! When may a code in one indeling be joined to the same code in another?
//!
//! CBS reuses codes after a redivision (Almere reissued `WK003401`…`WK003406` in 2022 for other
//! areas), so a code alone is not an identity. buurt treats a gemeente's wijk/buurt codes as
//! comparable between two indelingen only when the gemeente's **set** of codes is identical in
//! both, at every level both sides know (buurt and wijk). A redivision always changes that set
//! (new codes appear or old ones vanish), so identical sets are strong evidence of an unchanged
//! indeling. Boundary shifts that keep all codes (CBS `IND_WBI` = 3) are not detected.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use buurt_core::{GemeenteCode, Indeling, Level, RegionCode};
use serde::{Deserialize, Serialize};

/// The code sets per gemeente and indeling, and the comparability they imply.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(from = "Vec<Entry>", into = "Vec<Entry>")]
pub struct Comparability {
    /// (gemeente, indeling year) → wijk and buurt codes seen in any dataset.
    sets: BTreeMap<(GemeenteCode, u16), CodeSets>,
    /// Every answer of [`Comparability::comparable`] for two different indelingen, worked out
    /// on first use: maps ask it for every feature, and each answer compares two code sets.
    answers: OnceLock<HashMap<(GemeenteCode, u16, u16), bool>>,
}

/// The serialised form: JSON maps need string keys, so one entry per (gemeente, indeling).
#[derive(Serialize, Deserialize)]
struct Entry {
    gemeente: GemeenteCode,
    indeling: u16,
    #[serde(flatten)]
    sets: CodeSets,
}

impl From<Vec<Entry>> for Comparability {
    fn from(entries: Vec<Entry>) -> Self {
        Self {
            sets: entries
                .into_iter()
                .map(|e| ((e.gemeente, e.indeling), e.sets))
                .collect(),
            answers: OnceLock::new(),
        }
    }
}

impl From<Comparability> for Vec<Entry> {
    fn from(c: Comparability) -> Self {
        c.sets
            .into_iter()
            .map(|((gemeente, indeling), sets)| Entry {
                gemeente,
                indeling,
                sets,
            })
            .collect()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct CodeSets {
    wijken: BTreeSet<RegionCode>,
    buurten: BTreeSet<RegionCode>,
}

impl Comparability {
    /// Record that `code` exists in `indeling`.
    pub fn add(&mut self, code: RegionCode, indeling: Indeling) {
        let Some(gm) = code.gemeente() else { return };
        self.answers = OnceLock::new();
        let sets = self.sets.entry((gm, indeling.year())).or_default();
        match code.level() {
            Level::Wijk => {
                sets.wijken.insert(code);
            }
            Level::Buurt => {
                sets.buurten.insert(code);
            }
            Level::Land | Level::Gemeente => {}
        }
    }

    /// Whether the wijk/buurt codes of `gemeente` mean the same areas in both indelingen.
    /// Gemeenten themselves (and Nederland) are always comparable by code; see the module docs.
    #[must_use]
    pub fn comparable(&self, gemeente: GemeenteCode, a: Indeling, b: Indeling) -> bool {
        if a == b {
            return true;
        }
        let answers = self.answers.get_or_init(|| {
            let mut answers = HashMap::new();
            for &(gm, x) in self.sets.keys() {
                for &(_, y) in self.sets.range((gm, 0)..=(gm, u16::MAX)).map(|(k, _)| k) {
                    if x != y {
                        answers.insert((gm, x, y), self.compare_sets(gm, x, y));
                    }
                }
            }
            answers
        });
        answers
            .get(&(gemeente, a.year(), b.year()))
            .copied()
            // A side that knows no wijken or buurten of this gemeente has nothing to contradict.
            .unwrap_or(true)
    }

    fn compare_sets(&self, gemeente: GemeenteCode, a: u16, b: u16) -> bool {
        let (Some(x), Some(y)) = (self.sets.get(&(gemeente, a)), self.sets.get(&(gemeente, b)))
        else {
            return true;
        };
        let same = |p: &BTreeSet<RegionCode>, q: &BTreeSet<RegionCode>| {
            p.is_empty() || q.is_empty() || p == q
        };
        same(&x.wijken, &y.wijken) && same(&x.buurten, &y.buurten)
    }

    /// Whether region `code` in indeling `a` is the same area as `code` in indeling `b`.
    #[must_use]
    pub fn same_region(&self, code: RegionCode, a: Indeling, b: Indeling) -> bool {
        match code.level() {
            Level::Land | Level::Gemeente => true,
            Level::Wijk | Level::Buurt => {
                code.gemeente().is_none_or(|gm| self.comparable(gm, a, b))
            }
        }
    }

    /// How many wijken and buurten of `gemeente` the data knows in `indeling`.
    #[must_use]
    pub fn counts(&self, gemeente: GemeenteCode, indeling: Indeling) -> Option<(usize, usize)> {
        self.sets
            .get(&(gemeente, indeling.year()))
            .map(|s| (s.wijken.len(), s.buurten.len()))
    }

    /// The indelingen known for a gemeente, oldest first.
    #[must_use]
    pub fn indelingen(&self, gemeente: GemeenteCode) -> Vec<Indeling> {
        self.sets
            .range((gemeente, 0)..=(gemeente, u16::MAX))
            .map(|((_, y), _)| Indeling::new(*y))
            .collect()
    }

    /// One line per gemeente and pair of consecutive indelingen whose codes differ.
    #[must_use]
    pub fn changes(&self) -> Vec<String> {
        let mut out = Vec::new();
        let gemeenten: BTreeSet<GemeenteCode> = self.sets.keys().map(|(g, _)| *g).collect();
        for gm in gemeenten {
            let years = self.indelingen(gm);
            for pair in years.windows(2) {
                if !self.comparable(gm, pair[0], pair[1]) {
                    let x = &self.sets[&(gm, pair[0].year())];
                    let y = &self.sets[&(gm, pair[1].year())];
                    out.push(format!(
                        "{gm}: {} → {}: {} → {} wijken, {} → {} buurten; codes are not joined across these years",
                        pair[0].year(),
                        pair[1].year(),
                        x.wijken.len(),
                        y.wijken.len(),
                        x.buurten.len(),
                        y.buurten.len()
                    ));
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> RegionCode {
        s.parse().unwrap()
    }

    #[test]
    fn serialises_to_json() {
        let mut c = Comparability::default();
        c.add(code("WK003401"), Indeling::new(2021));
        let json = serde_json::to_string(&c).unwrap();
        let back: Comparability = serde_json::from_str(&json).unwrap();
        assert_eq!(
            back.indelingen("GM0034".parse().unwrap()),
            vec![Indeling::new(2021)]
        );
    }

    #[test]
    fn almere_redivision_breaks_and_utrecht_stays() {
        let mut c = Comparability::default();
        let (y21, y22) = (Indeling::new(2021), Indeling::new(2022));
        for w in ["WK003401", "WK003402"] {
            c.add(code(w), y21);
        }
        for w in ["WK003401", "WK003402", "WK003410"] {
            c.add(code(w), y22);
        }
        let almere: GemeenteCode = "GM0034".parse().unwrap();
        assert!(!c.comparable(almere, y21, y22));
        assert!(!c.same_region(code("WK003401"), y21, y22));
        assert!(c.same_region(code("GM0034"), y21, y22));
        assert_eq!(c.changes().len(), 1);

        for y in [2013, 2024] {
            c.add(code("BU03440111"), Indeling::new(y));
            c.add(code("WK034401"), Indeling::new(y));
        }
        // Only wijken known in 2020: nothing contradicts.
        c.add(code("WK034401"), Indeling::new(2020));
        let utrecht: GemeenteCode = "GM0344".parse().unwrap();
        assert!(c.comparable(utrecht, Indeling::new(2013), Indeling::new(2024)));
        assert!(c.comparable(utrecht, Indeling::new(2020), Indeling::new(2024)));
        assert_eq!(c.indelingen(utrecht).len(), 3);
    }
}
