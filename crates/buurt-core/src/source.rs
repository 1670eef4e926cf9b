//! How a partner cites the dataset a value comes from: the publisher and the StatLine table,
//! in Dutch, for CSV, xlsx, PDF and Markdown.

/// Dataset id prefixes and their citation; the first match wins.
const CITATIONS: &[(&str, &str)] = &[
    ("cbs_kwb", "CBS, Kerncijfers wijken en buurten"),
    ("cbs_nabijheid", "CBS, Nabijheid voorzieningen"),
    (
        "rivm_50090",
        "RIVM, GGD'en en CBS, Gezondheid per wijk en buurt (50090NED)",
    ),
    (
        "rivm_50140",
        "RIVM en GGD'en, Gezondheidsmonitor Jongvolwassenen (50140NED)",
    ),
    (
        "cbs_85994",
        "CBS, Gebruik voorzieningen sociaal domein (85994NED)",
    ),
    ("vektis_zvw", "Vektis, Zvw-zorgkosten per gemeente"),
    (
        "cbs_maatwerk_inkomen",
        "CBS, maatwerktabel Inkomen per gemeente en wijk 2020",
    ),
    (
        "cbs_maatwerk_autobezit",
        "CBS/RDW, maatwerktabel Autobezit per huishouden 1 januari 2023",
    ),
    ("tmap", "CBS, Kerncijfers wijken en buurten"),
];

/// The citation of a dataset id (`cbs_kwb_utrecht_2024` → "CBS, Kerncijfers wijken en
/// buurten"); the id itself for a dataset buurt does not know.
///
/// ```
/// assert_eq!(
///     buurt_core::source::citation("cbs_85994_utrecht"),
///     "CBS, Gebruik voorzieningen sociaal domein (85994NED)"
/// );
/// assert_eq!(buurt_core::source::citation("eigen_telling"), "eigen_telling");
/// ```
#[must_use]
pub fn citation(dataset: &str) -> &str {
    CITATIONS
        .iter()
        .find(|(prefix, _)| dataset.starts_with(prefix))
        .map_or(dataset, |(_, text)| text)
}
