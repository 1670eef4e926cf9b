//! The indicator catalogue: what each indicator means, where it comes from, and how it aggregates.
//!
//! The catalogue lives in `crates/buurt-core/indicators.toml` (embedded at compile time, see
//! [`Catalogue::builtin`]). One TOML entry may stand for several age groups (RIVM publishes each
//! indicator for 18+, 18–64 and 65+); it is expanded into one [`Indicator`] per age group with the
//! age group as id suffix (`mantelzorger_18plus`, `mantelzorger_65plus`).

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::CatalogueError;

/// The catalogue as shipped with buurt.
const BUILTIN: &str = include_str!("../indicators.toml");

/// The weight of 65+ shares declared with `weight = "inwoners"`, when the catalogue has it.
const AGE_65PLUS_WEIGHT: &str = "inwoners_65plus";

/// Themes of a wijkpact diagnose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Theme {
    /// Who lives here: population, age, households, origin.
    Demografie,
    /// Health, limitations, loneliness: the need for care and support.
    Zorgbehoefte,
    /// Youth care (jeugdhulp / jeugdzorg).
    Jeugdzorg,
    /// Informal care and support (mantelzorg, Wmo).
    Mantelzorg,
    /// Income, benefits, housing, work: the context of the four wijkpact themes.
    SociaalEconomisch,
    /// Lifestyle (exercise, weight, smoking, alcohol, drugs, gaming, gambling): available in its
    /// own section, never among the headline aandachtspunten.
    Leefstijl,
}

impl Theme {
    /// All themes in display order.
    pub const ALL: [Theme; 6] = [
        Theme::Demografie,
        Theme::Zorgbehoefte,
        Theme::Jeugdzorg,
        Theme::Mantelzorg,
        Theme::SociaalEconomisch,
        Theme::Leefstijl,
    ];

    /// The four themes of a wijkpact diagnose ("uitgaand van de demografie, de zorgbehoefte en
    /// de trends in jeugdzorg en mantelzorg"): aandachtspunten come from these.
    pub const WIJKPACT: [Theme; 4] = [
        Theme::Demografie,
        Theme::Zorgbehoefte,
        Theme::Jeugdzorg,
        Theme::Mantelzorg,
    ];

    /// Whether this is one of the four [`Theme::WIJKPACT`] themes.
    #[must_use]
    pub fn is_wijkpact(self) -> bool {
        Self::WIJKPACT.contains(&self)
    }

    /// The snake_case key.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Demografie => "demografie",
            Theme::Zorgbehoefte => "zorgbehoefte",
            Theme::Jeugdzorg => "jeugdzorg",
            Theme::Mantelzorg => "mantelzorg",
            Theme::SociaalEconomisch => "sociaal_economisch",
            Theme::Leefstijl => "leefstijl",
        }
    }

    /// The Dutch label, as the section heading of a profile.
    #[must_use]
    pub fn label_nl(self) -> &'static str {
        match self {
            Theme::Demografie => "Demografie",
            Theme::Zorgbehoefte => "Zorgbehoefte",
            Theme::Jeugdzorg => "Jeugd en jeugdzorg",
            Theme::Mantelzorg => "Mantelzorg en Wmo",
            Theme::SociaalEconomisch => "Wonen, werk en inkomen",
            Theme::Leefstijl => "Leefstijl",
        }
    }
}

impl fmt::Display for Theme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The unit of an indicator's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Unit {
    /// A number of persons, households, dwellings, … (CBS rounds these to 5 below gemeente level).
    Count,
    /// Percent (0–100).
    Percent,
    /// Per 1 000 inhabitants.
    #[serde(rename = "per_1000")]
    Per1000,
    /// Euro.
    Euro,
    /// Thousand euro.
    ThousandEuro,
    /// Persons per km².
    PerKm2,
    /// Kilometres (distances to facilities).
    Km,
    /// Hectares.
    Hectare,
    /// A plain number (averages such as household size).
    Number,
}

impl Unit {
    /// A short symbol for tables and legends.
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Count | Unit::Number => "",
            Unit::Percent => "%",
            Unit::Per1000 => "‰",
            Unit::Euro => "€",
            Unit::ThousandEuro => "k€",
            Unit::PerKm2 => "/km²",
            Unit::Km => "km",
            Unit::Hectare => "ha",
        }
    }
}

/// Which direction means more need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Polarity {
    /// A higher value means more need (e.g. loneliness).
    HigherIsNeed,
    /// A lower value means more need (e.g. good perceived health).
    LowerIsNeed,
    /// Context only; no direction (e.g. number of inhabitants).
    Neutral,
    /// Both a resource and a burden (e.g. the share of mantelzorgers: care given, and carers
    /// who may need support). Shown and compared, but it never raises or lowers a need score.
    Context,
}

impl Polarity {
    /// +1 when a higher value means more need, −1 when a lower one does, 0 otherwise.
    ///
    /// ```
    /// use buurt_core::Polarity;
    /// assert_eq!(Polarity::LowerIsNeed.need_sign(), -1.0);
    /// assert_eq!(Polarity::Context.need_sign(), 0.0);
    /// ```
    #[must_use]
    pub fn need_sign(self) -> f64 {
        match self {
            Polarity::HigherIsNeed => 1.0,
            Polarity::LowerIsNeed => -1.0,
            Polarity::Neutral | Polarity::Context => 0.0,
        }
    }
}

/// What kind of number an indicator is, which decides how it may be compared.
///
/// Counts (inhabitants, clients, hectares) grow with the size of the area: they are shown, and
/// summed into parents, but get no index, band, z-score or rank against their parents. Shares,
/// rates, means and scores are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Kind {
    /// A number of persons, households, dwellings, or another total that grows with the area.
    Count,
    /// A percentage of a population.
    Share,
    /// A number per 1 000 (or per km²).
    Rate,
    /// An average (household size, WOZ value, distance, cost per insured).
    Mean,
    /// A score or class on a fixed scale (stedelijkheid).
    Score,
}

impl Kind {
    /// The kind an entry has unless the catalogue says otherwise: counts by their unit or by
    /// summing into parents, shares by percent, rates per 1 000 or per km², else a mean.
    #[must_use]
    pub fn default_for(unit: Unit, aggregation: Aggregation) -> Self {
        match (unit, aggregation) {
            (Unit::Count, _) | (_, Aggregation::Sum) => Kind::Count,
            (Unit::Percent, _) => Kind::Share,
            (Unit::Per1000 | Unit::PerKm2, _) => Kind::Rate,
            _ => Kind::Mean,
        }
    }

    /// Whether values of this kind are compared with parents and siblings (index, band,
    /// z-score, rank): all but counts.
    #[must_use]
    pub fn is_compared(self) -> bool {
        self != Kind::Count
    }
}

/// The population an indicator describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AgeGroup {
    /// Everyone.
    #[serde(rename = "totaal")]
    Totaal,
    /// Young people under 23 (jeugdzorg).
    #[serde(rename = "0-22")]
    Tot23,
    /// 16 to 25 (Gezondheidsmonitor Jongvolwassenen).
    #[serde(rename = "16-25")]
    Van16Tot25,
    /// 18 and older.
    #[serde(rename = "18+")]
    Plus18,
    /// 18 to 64.
    #[serde(rename = "18-64")]
    Van18Tot64,
    /// 65 and older.
    #[serde(rename = "65+")]
    Plus65,
}

impl AgeGroup {
    /// All age groups.
    pub const ALL: [AgeGroup; 6] = [
        AgeGroup::Totaal,
        AgeGroup::Tot23,
        AgeGroup::Van16Tot25,
        AgeGroup::Plus18,
        AgeGroup::Van18Tot64,
        AgeGroup::Plus65,
    ];

    /// The key used in files (`18+`, `65+`, `totaal`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            AgeGroup::Totaal => "totaal",
            AgeGroup::Tot23 => "0-22",
            AgeGroup::Van16Tot25 => "16-25",
            AgeGroup::Plus18 => "18+",
            AgeGroup::Van18Tot64 => "18-64",
            AgeGroup::Plus65 => "65+",
        }
    }

    /// Parse the key written by [`AgeGroup::as_str`].
    #[must_use]
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == key)
    }

    /// The id suffix for catalogue entries that expand over age groups.
    #[must_use]
    pub fn id_suffix(self) -> &'static str {
        match self {
            AgeGroup::Totaal => "",
            AgeGroup::Tot23 => "_0_22",
            AgeGroup::Van16Tot25 => "_16_25",
            AgeGroup::Plus18 => "_18plus",
            AgeGroup::Van18Tot64 => "_18_64",
            AgeGroup::Plus65 => "_65plus",
        }
    }

    /// Dutch words for sentences ("onder 65-plussers").
    #[must_use]
    pub fn dutch(self) -> &'static str {
        match self {
            AgeGroup::Totaal => "alle inwoners",
            AgeGroup::Tot23 => "jongeren tot 23 jaar",
            AgeGroup::Van16Tot25 => "jongvolwassenen (16-25 jaar)",
            AgeGroup::Plus18 => "volwassenen (18+)",
            AgeGroup::Van18Tot64 => "volwassenen van 18 tot 65 jaar",
            AgeGroup::Plus65 => "65-plussers",
        }
    }
}

impl fmt::Display for AgeGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The source tables buurt reads. Each has its own column naming.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceTable {
    /// CBS Kerncijfers wijken en buurten, flat `kwb-YYYY.xlsx` download (mnemonics `a_inw`, `p_wmo_t`).
    CbsKwb,
    /// CBS Kerncijfers wijken en buurten as StatLine OData keys without the numeric suffix
    /// (`AantalInwoners`, `JongerenMetJeugdzorgInNatura`), as in the stacked Almere export and
    /// TypedDataSet downloads. Also used for the PDOK wijk- en buurtkaart GeoPackage attributes.
    CbsKwbStatline,
    /// CBS/PDOK wijk- en buurtkaart GeoPackage attributes (snake_case names such as
    /// `aantal_inwoners`; `-99997` marks suppressed values).
    CbsKwbGpkg,
    /// CBS Nabijheid voorzieningen (StatLine CSV with hierarchical headers).
    CbsNabijheid,
    /// RIVM 50090NED Gezondheid per wijk en buurt (keys without suffix, e.g. `Mantelzorger`).
    #[serde(rename = "rivm_50090")]
    Rivm50090,
    /// RIVM 50140NED Gezondheidsmonitor Jongvolwassenen (keys without suffix).
    #[serde(rename = "rivm_50140")]
    Rivm50140,
    /// CBS 85994NED Gebruik voorzieningen sociaal domein (long format, filtered by `filter`).
    #[serde(rename = "cbs_85994")]
    Cbs85994,
    /// Vektis Zvw zorgkosten per gemeente (derived tables, keyed by gemeente name).
    VektisZvw,
    /// CBS kwb 2022 per wijk and gemeente of all NL as relabelled by the R package tmap
    /// (`population`, `pop_65plus` as a rounded percentage, `dwelling_value`, …).
    CbsKwbTmap,
    /// CBS maatwerk tables per gemeente and wijk of all NL (income 2020, cars per household
    /// 2023), read with buurt's own column names (see `buurt_io::tables::maatwerk`).
    CbsMaatwerk,
}

impl SourceTable {
    /// The snake_case key.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            SourceTable::CbsKwb => "cbs_kwb",
            SourceTable::CbsKwbStatline => "cbs_kwb_statline",
            SourceTable::CbsKwbGpkg => "cbs_kwb_gpkg",
            SourceTable::CbsNabijheid => "cbs_nabijheid",
            SourceTable::Rivm50090 => "rivm_50090",
            SourceTable::Rivm50140 => "rivm_50140",
            SourceTable::Cbs85994 => "cbs_85994",
            SourceTable::VektisZvw => "vektis_zvw",
            SourceTable::CbsKwbTmap => "cbs_kwb_tmap",
            SourceTable::CbsMaatwerk => "cbs_maatwerk",
        }
    }
}

/// Where an indicator is read from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceColumn {
    /// The source table.
    pub table: SourceTable,
    /// The column (kwb mnemonic, OData key without `_NN` suffix, or a header).
    pub column: String,
    /// For long-format tables: the other columns' values that select this indicator's rows.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub filter: BTreeMap<String, String>,
    /// Decimal places the source publishes; the stacked Almere export lost its decimal points and
    /// needs this to decode (`96` with one decimal is 9.6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
    /// Which of several columns sharing `column` this is (1 = first), counted in suffix order
    /// within one yearly table. StatLine repeats keys under different headings: kwb 2023 has
    /// `Nederland_17` (herkomstland) and `Nederland_20` (geboren in Nederland), and `Appartement`
    /// for both electricity and gas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrence: Option<u8>,
}

/// How an indicator aggregates to a parent or to a user-defined area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// Counts: the parent is the sum of the children.
    Sum,
    /// Rates with known numerator and denominator: Σ numerator / Σ denominator × scale.
    RatioOfSums,
    /// Model estimates (RIVM): use the published parent row; for a user-defined area, a mean
    /// weighted by `weight`.
    PublishedParent,
    /// Averages (e.g. household size, mean income): mean weighted by `weight`.
    WeightedMean,
    /// Does not aggregate (distances, codes).
    None,
}

/// One TOML entry, before expansion over age groups.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    id: String,
    label_nl: String,
    label_en: String,
    theme: Theme,
    unit: Unit,
    polarity: Polarity,
    #[serde(default)]
    kind: Option<Kind>,
    #[serde(default)]
    concept: Option<String>,
    #[serde(default)]
    age_group: Option<AgeGroup>,
    #[serde(default)]
    age_groups: Vec<AgeGroup>,
    aggregation: Aggregation,
    #[serde(default)]
    numerator: Option<String>,
    #[serde(default)]
    denominator: Option<String>,
    #[serde(default)]
    scale: Option<f64>,
    #[serde(default)]
    weight: Option<String>,
    #[serde(default)]
    derived: bool,
    #[serde(default)]
    min_population: u32,
    #[serde(default)]
    rounding: Option<u32>,
    #[serde(default = "yes")]
    additive: bool,
    #[serde(default)]
    headline: bool,
    #[serde(default)]
    description: String,
    #[serde(default)]
    definition_breaks: Vec<u16>,
    #[serde(default, rename = "source")]
    sources: Vec<SourceColumn>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    #[serde(rename = "indicator")]
    indicators: Vec<RawIndicator>,
}

/// One indicator for one age group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Indicator {
    /// Stable snake_case id, including the age-group suffix (`eenzaam_65plus`).
    pub id: String,
    /// The id of the TOML entry it was expanded from (`eenzaam`).
    pub base_id: String,
    /// Dutch label.
    pub label_nl: String,
    /// English label.
    pub label_en: String,
    /// Theme.
    pub theme: Theme,
    /// Unit of the values.
    pub unit: Unit,
    /// Which direction means more need.
    pub polarity: Polarity,
    /// What kind of number it is (counts are not compared with parents).
    pub kind: Kind,
    /// The concept it measures: near-duplicate indicators share one (`eenzaamheid` for
    /// `eenzaam`, `ernstig_eenzaam` and their age groups), and a profile names at most one
    /// aandachtspunt per concept. Defaults to the TOML entry's id.
    pub concept: String,
    /// Population described.
    pub age_group: AgeGroup,
    /// How it aggregates.
    pub aggregation: Aggregation,
    /// For ratios: the indicator id of the numerator.
    pub numerator: Option<String>,
    /// For ratios: the indicator id of the denominator (also the population that the minimum
    /// applies to).
    pub denominator: Option<String>,
    /// For ratios: the factor (100 for percent, 1000 for per 1 000).
    pub scale: f64,
    /// For weighted means and user-defined areas: the indicator id of the weight.
    pub weight: Option<String>,
    /// Computed by buurt from `numerator` / `denominator` rather than read from a source.
    pub derived: bool,
    /// Minimum population (or denominator) for a value to be published.
    pub min_population: u32,
    /// The multiple CBS rounds this count to below gemeente level (5 unless the catalogue says
    /// otherwise, e.g. 100 for income recipients).
    pub rounding: u32,
    /// Whether published parents equal the sum of their children up to rounding. `false` for
    /// counts that CBS estimates per region (education levels), which need not add up.
    pub additive: bool,
    /// Shown by default in maps and profiles.
    pub headline: bool,
    /// What it measures, in Dutch.
    pub description: String,
    /// Years from which the source changed its definition: a trend must not cross them.
    pub definition_breaks: Vec<u16>,
    /// Where it is read from.
    pub sources: Vec<SourceColumn>,
}

impl Indicator {
    /// The source column of this indicator in `table`, if any.
    #[must_use]
    pub fn source(&self, table: SourceTable) -> Option<&SourceColumn> {
        self.sources.iter().find(|s| s.table == table)
    }
}

/// The validated indicator catalogue.
///
/// ```
/// use buurt_core::{AgeGroup, Catalogue, Theme};
/// let catalogue = Catalogue::builtin()?;
/// let eenzaam = catalogue.get("eenzaam_65plus").expect("in the catalogue");
/// assert_eq!(eenzaam.age_group, AgeGroup::Plus65);
/// assert_eq!(eenzaam.theme, Theme::Zorgbehoefte);
/// # Ok::<(), buurt_core::CatalogueError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Catalogue {
    indicators: Vec<Indicator>,
    by_id: HashMap<String, usize>,
}

impl Catalogue {
    /// The catalogue shipped in `crates/buurt-core/indicators.toml`.
    pub fn builtin() -> Result<Self, CatalogueError> {
        Self::from_toml_str(BUILTIN)
    }

    /// Parse and validate a catalogue: ids unique and snake_case, references to other
    /// indicators resolvable, ratio entries complete.
    pub fn from_toml_str(text: &str) -> Result<Self, CatalogueError> {
        let raw: RawCatalogue =
            toml::from_str(text).map_err(|e| CatalogueError::Toml(Box::new(e)))?;
        let mut indicators = Vec::new();
        for entry in raw.indicators {
            let groups: Vec<AgeGroup> = match (&entry.age_group, entry.age_groups.is_empty()) {
                (Some(_), false) => {
                    return Err(CatalogueError::Invalid {
                        id: entry.id,
                        problem: "give either age_group or age_groups, not both".into(),
                    });
                }
                (Some(g), true) => vec![*g],
                (None, false) => entry.age_groups.clone(),
                (None, true) => vec![AgeGroup::Totaal],
            };
            let expand = groups.len() > 1;
            for group in groups {
                let suffix = if expand { group.id_suffix() } else { "" };
                let with_suffix = |s: &Option<String>| s.as_ref().map(|id| format!("{id}{suffix}"));
                indicators.push(Indicator {
                    id: format!("{}{suffix}", entry.id),
                    base_id: entry.id.clone(),
                    label_nl: entry.label_nl.clone(),
                    label_en: entry.label_en.clone(),
                    theme: entry.theme,
                    unit: entry.unit,
                    polarity: entry.polarity,
                    kind: entry
                        .kind
                        .unwrap_or(Kind::default_for(entry.unit, entry.aggregation)),
                    concept: entry.concept.clone().unwrap_or_else(|| entry.id.clone()),
                    age_group: group,
                    aggregation: entry.aggregation,
                    numerator: with_suffix(&entry.numerator),
                    denominator: entry.denominator.clone(),
                    scale: entry.scale.unwrap_or(match entry.unit {
                        Unit::Percent => 100.0,
                        Unit::Per1000 => 1000.0,
                        _ => 1.0,
                    }),
                    weight: entry.weight.clone(),
                    derived: entry.derived,
                    min_population: entry.min_population,
                    rounding: entry.rounding.unwrap_or(5),
                    additive: entry.additive,
                    headline: entry.headline,
                    description: entry.description.clone(),
                    definition_breaks: entry.definition_breaks.clone(),
                    sources: entry.sources.clone(),
                });
            }
        }
        // A 65+ share averages over the 65-plussers of each buurt, not over all its inwoners:
        // a student buurt with many inwoners and few elderly must not weigh in the 65+ mean as
        // if its elderly were many.
        if indicators.iter().any(|i| i.id == AGE_65PLUS_WEIGHT) {
            for ind in &mut indicators {
                if ind.age_group == AgeGroup::Plus65 && ind.weight.as_deref() == Some("inwoners") {
                    ind.weight = Some(AGE_65PLUS_WEIGHT.to_owned());
                }
            }
        }
        let mut by_id = HashMap::new();
        for (i, ind) in indicators.iter().enumerate() {
            if !is_snake_case(&ind.id) {
                return Err(CatalogueError::Invalid {
                    id: ind.id.clone(),
                    problem: "id must be snake_case (a-z, 0-9, _)".into(),
                });
            }
            if by_id.insert(ind.id.clone(), i).is_some() {
                return Err(CatalogueError::Duplicate { id: ind.id.clone() });
            }
        }
        let catalogue = Self { indicators, by_id };
        catalogue.check_references()?;
        Ok(catalogue)
    }

    fn check_references(&self) -> Result<(), CatalogueError> {
        for ind in &self.indicators {
            let invalid = |problem: String| CatalogueError::Invalid {
                id: ind.id.clone(),
                problem,
            };
            for reference in [&ind.numerator, &ind.denominator, &ind.weight]
                .into_iter()
                .flatten()
            {
                if !self.by_id.contains_key(reference) {
                    return Err(invalid(format!(
                        "refers to unknown indicator '{reference}'"
                    )));
                }
            }
            if ind.aggregation == Aggregation::RatioOfSums
                && (ind.numerator.is_none() || ind.denominator.is_none())
            {
                return Err(invalid(
                    "ratio_of_sums needs numerator and denominator".into(),
                ));
            }
            if ind.aggregation == Aggregation::WeightedMean && ind.weight.is_none() {
                return Err(invalid("weighted_mean needs a weight".into()));
            }
            if ind.derived && (ind.numerator.is_none() || ind.denominator.is_none()) {
                return Err(invalid(
                    "a derived indicator needs numerator and denominator".into(),
                ));
            }
            if !ind.derived && ind.sources.is_empty() {
                return Err(invalid(
                    "needs at least one [[indicator.source]] or derived = true".into(),
                ));
            }
            if let Some(source) = ind.sources.iter().find(|s| s.occurrence == Some(0)) {
                return Err(invalid(format!(
                    "source column '{}': occurrence counts from 1",
                    source.column
                )));
            }
        }
        Ok(())
    }

    /// All indicators, in catalogue order.
    #[must_use]
    pub fn indicators(&self) -> &[Indicator] {
        &self.indicators
    }

    /// The indicator with this id.
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Indicator> {
        self.by_id.get(id).map(|&i| &self.indicators[i])
    }

    /// The position of the indicator with this id in [`indicators`](Self::indicators).
    ///
    /// ```
    /// let catalogue = buurt_core::Catalogue::builtin()?;
    /// let i = catalogue.position("eenzaam_65plus").expect("in the catalogue");
    /// assert_eq!(catalogue.indicators()[i].id, "eenzaam_65plus");
    /// assert_eq!(catalogue.position("nope"), None);
    /// # Ok::<(), buurt_core::CatalogueError>(())
    /// ```
    #[must_use]
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The indicator with this id, or an error naming it.
    pub fn require(&self, id: &str) -> Result<&Indicator, CatalogueError> {
        self.get(id)
            .ok_or_else(|| CatalogueError::Unknown { id: id.to_owned() })
    }

    /// The indicators read from `table`, with their column there.
    pub fn from_table(
        &self,
        table: SourceTable,
    ) -> impl Iterator<Item = (&Indicator, &SourceColumn)> {
        self.indicators
            .iter()
            .filter_map(move |ind| ind.source(table).map(|s| (ind, s)))
    }

    /// Headline indicators (shown by default).
    pub fn headline(&self) -> impl Iterator<Item = &Indicator> {
        self.indicators.iter().filter(|i| i.headline)
    }

    /// Number of indicators after expansion.
    #[must_use]
    pub fn len(&self) -> usize {
        self.indicators.len()
    }

    /// Whether the catalogue is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.indicators.is_empty()
    }
}

fn yes() -> bool {
    true
}

fn is_snake_case(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        && id.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> String {
        crate::test_support::small_catalogue_toml(&["inwoners", "eenzaam"])
    }

    #[test]
    fn expands_age_groups() {
        let c = Catalogue::from_toml_str(&small()).unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c.get("eenzaam_65plus").unwrap().age_group, AgeGroup::Plus65);
        assert!((c.get("eenzaam_18plus").unwrap().scale - 100.0).abs() < f64::EPSILON);
        assert!(c.get("eenzaam").is_none());
        assert_eq!(c.from_table(SourceTable::Rivm50090).count(), 2);
    }

    #[test]
    fn shares_of_the_65_plussers_weigh_by_the_65_plussers() {
        let c = Catalogue::builtin().unwrap();
        let weight = |id: &str| c.get(id).unwrap().weight.clone();
        assert_eq!(weight("eenzaam_65plus").as_deref(), Some("inwoners_65plus"));
        assert_eq!(
            weight("mantelzorger_65plus").as_deref(),
            Some("inwoners_65plus")
        );
        assert_eq!(weight("eenzaam_18plus").as_deref(), Some("inwoners"));
        // Without a 65+ population in the catalogue the declared weight stays.
        let small = Catalogue::from_toml_str(&small()).unwrap();
        assert_eq!(
            small.get("eenzaam_65plus").unwrap().weight.as_deref(),
            Some("inwoners")
        );
    }

    #[test]
    fn rejects_bad_references_and_duplicates() {
        let small = small();
        let bad = small.replace("weight = \"inwoners\"", "weight = \"bewoners\"");
        let err = Catalogue::from_toml_str(&bad).unwrap_err().to_string();
        assert!(err.contains("bewoners") && err.contains("eenzaam"), "{err}");
        let dup = format!(
            "{small}{}",
            &small[..small.find("[[indicator]]\nid = \"eenzaam\"").unwrap()]
        );
        let err = Catalogue::from_toml_str(&dup).unwrap_err().to_string();
        assert!(err.contains("inwoners"), "{err}");
        let err = Catalogue::from_toml_str("[[indicator]]\nid = 1")
            .unwrap_err()
            .to_string();
        assert!(err.contains("TOML"), "{err}");
    }

    #[test]
    fn keys_with_digits_keep_their_underscore() {
        // serde's snake_case writes `Rivm50090` as `rivm50090`; the files say `rivm_50090`.
        for table in [
            SourceTable::CbsKwb,
            SourceTable::CbsKwbStatline,
            SourceTable::CbsKwbGpkg,
            SourceTable::CbsNabijheid,
            SourceTable::Rivm50090,
            SourceTable::Rivm50140,
            SourceTable::Cbs85994,
            SourceTable::VektisZvw,
        ] {
            let parsed: SourceTable = toml::Value::String(table.as_str().to_owned())
                .try_into()
                .unwrap();
            assert_eq!(parsed, table);
        }
        let unit: Unit = toml::Value::String("per_1000".to_owned())
            .try_into()
            .unwrap();
        assert_eq!(unit, Unit::Per1000);
    }

    #[test]
    fn reads_repeated_statline_keys_by_occurrence() {
        let small = small();
        let second = small.replace(
            "column = \"a_inw\"",
            "column = \"Nederland\"\noccurrence = 2",
        );
        let c = Catalogue::from_toml_str(&second).unwrap();
        assert_eq!(c.get("inwoners").unwrap().sources[0].occurrence, Some(2));
        assert_eq!(c.get("eenzaam_18plus").unwrap().sources[0].occurrence, None);
        let zero = small.replace(
            "column = \"a_inw\"",
            "column = \"Nederland\"\noccurrence = 0",
        );
        let err = Catalogue::from_toml_str(&zero).unwrap_err().to_string();
        assert!(
            err.contains("occurrence") && err.contains("inwoners"),
            "{err}"
        );
    }

    #[test]
    fn builtin_is_the_file_inside_this_crate() {
        // `cargo package` ships only what is under the crate directory. The directory is read
        // when the test runs (cargo sets it), as a build cache may come from another checkout.
        let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or(env!("CARGO_MANIFEST_DIR").into());
        let path = std::path::Path::new(&dir).join("indicators.toml");
        let on_disk = std::fs::read_to_string(&path).expect("indicators.toml in the crate");
        assert_eq!(on_disk, BUILTIN);
    }

    #[test]
    fn builtin_has_the_ids_others_rely_on() {
        let c = Catalogue::builtin().unwrap();
        for id in [
            "inwoners",
            "aandeel_65plus",
            "eenpersoonshuishoudens",
            "mantelzorger_18plus",
            "eenzaam_65plus",
            "ernstig_eenzaam_18plus",
            "langdurige_aandoening_18plus",
            "moeite_rondkomen_18plus",
            "jeugdzorg",
            "wmo_per_1000",
        ] {
            assert!(c.get(id).is_some(), "missing {id}");
        }
        assert_eq!(
            c.from_table(SourceTable::Rivm50090)
                .map(|(i, _)| &i.base_id)
                .collect::<std::collections::BTreeSet<_>>()
                .len(),
            35
        );
    }
}
