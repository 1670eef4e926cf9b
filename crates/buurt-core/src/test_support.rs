//! A small hand-written catalogue for tests, independent of the shipped `indicators.toml`.
//!
//! Compiled for this crate's tests and, in other crates, with the `test-support` feature (as a
//! dev-dependency: `buurt-core = { workspace = true, features = ["test-support"] }`). Each test
//! picks the entries it needs, in the order it wants their indices, with [`small_catalogue`] or
//! [`small_catalogue_toml`] (to edit the text first).

use crate::catalogue::Catalogue;

/// Every entry the tests use, one source per table that a loader test reads.
pub const SMALL_CATALOGUE: &str = r#"
[[indicator]]
id = "inwoners"
label_nl = "Inwoners"
label_en = "Residents"
theme = "demografie"
unit = "count"
polarity = "neutral"
aggregation = "sum"
[[indicator.source]]
table = "cbs_kwb"
column = "a_inw"
[[indicator.source]]
table = "cbs_kwb_statline"
column = "AantalInwoners"
[[indicator.source]]
table = "cbs_kwb_gpkg"
column = "aantal_inwoners"

[[indicator]]
id = "jeugdzorg"
label_nl = "Jongeren met jeugdzorg"
label_en = "Young people in youth care"
theme = "jeugdzorg"
unit = "percent"
polarity = "higher_is_need"
age_group = "0-22"
aggregation = "weighted_mean"
weight = "inwoners"
[[indicator.source]]
table = "cbs_kwb"
column = "p_jz_tn"
[[indicator.source]]
table = "cbs_kwb_statline"
column = "PercentageJongerenMetJeugdzorg"
decimals = 1

[[indicator]]
id = "huishoudensgrootte"
label_nl = "Gemiddelde huishoudensgrootte"
label_en = "Mean household size"
theme = "demografie"
unit = "number"
polarity = "neutral"
aggregation = "weighted_mean"
weight = "inwoners"
[[indicator.source]]
table = "cbs_kwb_statline"
column = "GemiddeldeHuishoudensgrootte"
decimals = 1
[[indicator.source]]
table = "cbs_kwb_gpkg"
column = "gemiddelde_huishoudsgrootte"

[[indicator]]
id = "mantelzorger"
label_nl = "Mantelzorgers"
label_en = "Informal carers"
theme = "mantelzorg"
unit = "percent"
polarity = "neutral"
age_groups = ["18+", "65+", "16-25"]
aggregation = "published_parent"
weight = "inwoners"
[[indicator.source]]
table = "rivm_50090"
column = "Mantelzorger"
[[indicator.source]]
table = "rivm_50140"
column = "Mantelzorger"

[[indicator]]
id = "eenzaam"
label_nl = "Eenzaam"
label_en = "Lonely"
theme = "zorgbehoefte"
unit = "percent"
polarity = "higher_is_need"
age_groups = ["18+", "65+"]
aggregation = "published_parent"
weight = "inwoners"
[[indicator.source]]
table = "rivm_50090"
column = "Eenzaam"

[[indicator]]
id = "clienten_alleen_jeugd"
label_nl = "Cliënten alleen Jeugdwet"
label_en = "Clients youth care only"
theme = "jeugdzorg"
unit = "count"
polarity = "neutral"
aggregation = "sum"
[[indicator.source]]
table = "cbs_85994"
column = "clienten_met_voorzieningen"
filter = { soort_voorziening_sociaal_domein = "Alleen Jeugd", aantal_voorzieningen = "Totaal" }

[[indicator]]
id = "afstand_huisarts"
label_nl = "Afstand tot huisarts"
label_en = "Distance to GP"
theme = "zorgbehoefte"
unit = "km"
polarity = "higher_is_need"
aggregation = "none"
[[indicator.source]]
table = "cbs_nabijheid"
column = "Afstand tot huisartsenpraktijk (km)"

[[indicator]]
id = "zvw_huisarts_per_verzekerde"
label_nl = "Zvw-kosten huisarts per verzekerdejaar"
label_en = "GP cost per insured year"
theme = "zorgbehoefte"
unit = "euro"
polarity = "higher_is_need"
aggregation = "none"
[[indicator.source]]
table = "vektis_zvw"
column = "actual_cost_per_insured_year"
filter = { care_category = "General practice" }

[[indicator]]
id = "zvw_kosten_per_verzekerde"
label_nl = "Zvw-kosten per verzekerdejaar"
label_en = "Zvw cost per insured year"
theme = "zorgbehoefte"
unit = "euro"
polarity = "higher_is_need"
aggregation = "none"
[[indicator.source]]
table = "vektis_zvw"
column = "actual_cost_per_insured_year"
"#;

const ENTRY: &str = "[[indicator]]\n";

/// The TOML of the entries `ids` of [`SMALL_CATALOGUE`], in the order given; each starts with
/// `[[indicator]]\nid = "…"`.
///
/// # Panics
/// When an id is not an entry of [`SMALL_CATALOGUE`].
#[must_use]
pub fn small_catalogue_toml(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| {
            let head = format!("id = \"{id}\"\n");
            let body = SMALL_CATALOGUE
                .split(ENTRY)
                .find(|entry| entry.starts_with(&head))
                .unwrap_or_else(|| panic!("'{id}' is not in the small test catalogue"));
            format!("{ENTRY}{}\n", body.trim_end())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The catalogue of the entries `ids` of [`SMALL_CATALOGUE`], indices in the order given (an
/// entry with age groups takes one index per group).
///
/// # Panics
/// When an id is unknown or the entries do not validate (a weight that is not picked too).
#[must_use]
pub fn small_catalogue(ids: &[&str]) -> Catalogue {
    Catalogue::from_toml_str(&small_catalogue_toml(ids))
        .unwrap_or_else(|e| panic!("the small test catalogue of {ids:?}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entry_validates_and_picks_keep_their_order() {
        let all = Catalogue::from_toml_str(SMALL_CATALOGUE).expect("valid");
        assert_eq!(all.len(), 12);
        let two = small_catalogue(&["eenzaam", "inwoners"]);
        let ids: Vec<&str> = two.indicators().iter().map(|i| i.id.as_str()).collect();
        assert_eq!(ids, ["eenzaam_18plus", "eenzaam_65plus", "inwoners"]);
        let text = small_catalogue_toml(&["inwoners"]);
        assert!(
            text.starts_with("[[indicator]]\nid = \"inwoners\"\n"),
            "{text}"
        );
        assert!(!text.contains("jeugdzorg"), "{text}");
    }
}
