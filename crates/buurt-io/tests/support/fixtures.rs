//! The small hand-written fixtures of the table loaders, as a user's file would hold them: read
//! as they are by `tables_fixtures.rs`, and damaged on purpose by `tables_fuzz.rs`.

use buurt_io::tables::GemeenteNames;

use super::X;

/// A CBS kwb flat sheet (`a_inw`, `p_jz_tn`): a gemeente, a wijk and the buurt `code` whose
/// inhabitants cell is `inw_buurt`.
pub fn kwb_rows<'a>(inw_buurt: X<'a>, code: &'a str) -> Vec<Vec<X<'a>>> {
    vec![
        vec![
            X::S("gwb_code_10"),
            X::S("regio"),
            X::S("recs"),
            X::S("a_inw"),
            X::S("p_jz_tn"),
            X::S("a_man"),
        ],
        vec![
            X::S("GM0344"),
            X::S("Utrecht"),
            X::S("Gemeente"),
            X::N(374_238.0),
            X::S("."),
            X::N(1.0),
        ],
        vec![
            X::S("WK034401"),
            X::S("Wijk 01 West "),
            X::S("Wijk"),
            X::S("29710"),
            X::N(9.6),
            X::N(1.0),
        ],
        vec![
            X::S(code),
            X::S("Welgelegen, Den Hommel"),
            X::S("Buurt"),
            inw_buurt,
            X::E,
            X::N(1.0),
        ],
    ]
}

/// A RIVM 50090 sheet of age group `age`: Nederland, Utrecht (carers `mantelzorger`) and a
/// suppressed buurt.
pub fn rivm_rows<'a>(age: &'a str, mantelzorger: X<'a>) -> Vec<Vec<X<'a>>> {
    let head = [
        "ID",
        "Leeftijd",
        "Marges",
        "WijkenEnBuurten",
        "Perioden",
        "Gemeentenaam_1",
        "SoortRegio_2",
        "Codering_3",
        "Eenzaam_28",
        "Mantelzorger_32",
    ];
    vec![
        head.iter().map(|h| X::S(h)).collect(),
        vec![
            X::N(1.0),
            X::S(age),
            X::S("MW00000"),
            X::S("NL01      "),
            X::S("2020JJ00"),
            X::S("Nederland   "),
            X::S("Land      "),
            X::S("NL01"),
            X::S("    49.5"),
            X::S("    14.6"),
        ],
        vec![
            X::N(2.0),
            X::S(age),
            X::S("MW00000"),
            X::S("GM0344    "),
            X::S("2020JJ00"),
            X::S("Utrecht     "),
            X::S("Gemeente  "),
            X::S("GM0344"),
            X::S("    53.3"),
            mantelzorger,
        ],
        vec![
            X::N(3.0),
            X::S(age),
            X::S("MW00000"),
            X::S("BU03440111"),
            X::S("2020JJ00"),
            X::S("Utrecht     "),
            X::S("Buurt     "),
            X::S("BU03440111"),
            X::S("       ."),
            X::E,
        ],
    ]
}

/// A StatLine TypedDataSet export (`;`, byte-order mark, padded keys).
pub const TYPED: &str = "\u{feff}ID;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;AantalInwoners_5;PercentageJongerenMetJeugdzorg_92;Mannen_6\n\
0;GM0344    ;Utrecht                                 ;Gemeente  ;374238;7.6;1\n\
1;WK034401  ;Utrecht                                 ;Wijk      ;29710;;1\n\
2;BU03440111;Utrecht                                 ;Buurt     ;1800;8;1\n";

/// The same as OData JSON, with a next link.
pub const JSON: &str = r#"{"odata.metadata":"https://opendata.cbs.nl/ODataApi/odata/85984NED/$metadata#Cbs.OData.WebAPI.TypedDataSet",
      "value":[
        {"ID":0,"WijkenEnBuurten":"GM0344    ","Gemeentenaam_1":"Utrecht   ","SoortRegio_2":"Gemeente  ","AantalInwoners_5":374238,"PercentageJongerenMetJeugdzorg_92":7.6},
        {"ID":1,"WijkenEnBuurten":"BU03440111","Gemeentenaam_1":"Utrecht   ","SoortRegio_2":"Buurt     ","AantalInwoners_5":1800,"PercentageJongerenMetJeugdzorg_92":null}
      ],
      "odata.nextLink":"https://opendata.cbs.nl/ODataApi/odata/85984NED/TypedDataSet?$skip=10000"}"#;

/// A stacked export: two years, each with its own OData suffix, decimal points stripped.
pub const STACKED: &str = "\u{feff}ID;Peildatum;WijkenEnBuurten;Gemeentenaam_1;SoortRegio_2;AantalInwoners_5;k_0Tot15Jaar_8;k_15Tot25Jaar_9;HuishoudensTotaal_29;GemiddeldeHuishoudensgrootte_32;GemiddeldeHuishoudensgrootte_33;JongerenMetJeugdzorgInNatura_84;PercentageJongerenMetJeugdzorg_85;JongerenMetJeugdzorgInNatura_91;PercentageJongerenMetJeugdzorg_92\n\
1;1-1-2018;GM0034    ;Almere                                  ;Gemeente  ;203990;38921;26492;85000;24;;5805;96;;\n\
2;1-1-2018;BU00340101;Almere                                  ;Buurt     ;1000;200;100;450;22;;5;15;;\n\
3;1-1-2018;BU00340102;Almere                                  ;Buurt     ;1000;200;100;500;2;;40;15;;\n\
4;1-1-2018;BU00340103;Almere                                  ;Buurt     ;1000;200;100;400;25;;;15;;\n\
5;1-1-2018;BU00340104;Almere                                  ;Buurt     ;1000;200;100;420;23;;;30;;\n\
6;1-1-2024;GM0034    ;Almere                                  ;Gemeente  ;222000;40000;29000;95000;;23;;;7400;117\n\
7;1-1-2024;BU00340101;Almere                                  ;Buurt     ;900;;;400;;21;;;;228\n";

/// RIVM 50140 (gemeenten, with GGD and CG rows to skip).
pub const RIVM_50140: &str = "\u{feff}ID;Persoonskenmerken;Marges;RegioS;MoeiteMetRondkomen_1;Mantelzorger_127\n\
        0;T009002;MW00000;NL01  ;28.3;4.1\n1;T009002;MW00000;CG01  ;24;\n\
        2;T009002;MW00000;GG0111;30.1;3\n3;T009002;MW00000;GG0106;31;2.5\n\
        4;T009002;MW00000;GM0344;33.4;3.9\n5;T009002;MW00000;GM0014;29;\n";

/// A CBS 85994 excerpt in long form (`,`).
pub const EXCERPT: &str = "tabel,aantal_voorzieningen,soort_voorziening_sociaal_domein,regio,regio_code,perioden,clienten_met_voorzieningen,huishoudens_met_voorzieningen\n\
85994NED,Totaal,Totaal,Utrecht,GM0344,2024,39860,32690\n\
85994NED,Totaal,Alleen Jeugd,Utrecht,GM0344,2024,8970,5780\n\
85994NED,1 maatwerkvoorziening,Alleen Jeugd,Utrecht,GM0344,2024,6150,3380\n\
85994NED,Totaal,Alleen Jeugd,West,WK034401,2024,.,5780\n";

/// CBS Nabijheid with hierarchical quoted headers and padded values.
pub const NABIJHEID: &str = "\u{feff}\"Wijken en buurten\";\"Regioaanduiding/Gemeentenaam (naam)\";\"Regioaanduiding/Soort regio (omschrijving)\";\"Regioaanduiding/Codering (code)\";\"Gezondheid en welzijn/Huisartsenpraktijk/Afstand tot huisartsenpraktijk (km)\";\"Gezondheid en welzijn/Afstand tot apotheek (km)\"\n\
        \"Nederland\";\"Nederland   \";\"Land      \";\"NL00      \";\"       .\";\"     1.0\"\n\
        \"Utrecht\";\"Utrecht     \";\"Gemeente  \";\"GM0344    \";\"     0.7\";\"     0.6\"\n\
        \"Wijk 01 West\";\"Utrecht     \";\"Wijk      \";\"WK034401  \";\"     0.6\";\"     0.5\"\n";

/// Vektis, keyed by gemeente names in capitals.
pub const VEKTIS: &str = "gemeentenaam,care_category,actual_cost_per_insured_year\n\
        UTRECHT,General practice,305.1\nUTRECHT,Pharmacy,400\nS GRAVENHAGE,General practice,290\n\
        HENGELO,General practice,280\nBERGEN LB,General practice,310\nATLANTIS,General practice,1\nATLANTIS,Pharmacy,2\n";

/// The gemeente names the Vektis fixture resolves.
pub fn vektis_names() -> GemeenteNames {
    GemeenteNames::new(
        [
            ("Utrecht", "GM0344"),
            ("'s-Gravenhage", "GM0518"),
            ("Hengelo (O.)", "GM0164"),
            ("Bergen (L.)", "GM0893"),
            ("Bergen (NH.)", "GM0373"),
        ]
        .map(|(name, code)| (name, code.parse().expect("a gemeente code"))),
    )
}

/// A RIVM 50090 OData page: an estimate row and a margin row to skip.
pub const RIVM_50090_JSON: &str = r#"{"value": [
  {"ID": 0, "Leeftijd": "80200", "Marges": "MW00000", "WijkenEnBuurten": "GM0307    ",
   "Perioden": "2020JJ00", "Gemeentenaam_1": "Amersfoort  ", "SoortRegio_2": "Gemeente  ",
   "Eenzaam_28": "    47.5", "Mantelzorger_32": "       ."},
  {"ID": 1, "Leeftijd": "80200", "Marges": "MOG0095", "WijkenEnBuurten": "GM0307    ",
   "Perioden": "2020JJ00", "Gemeentenaam_1": "Amersfoort  ", "SoortRegio_2": "Gemeente  ",
   "Eenzaam_28": "    49.0", "Mantelzorger_32": null}
]}"#;

/// A tmap attribute table of wijken (R's `NA` written as an empty cell).
pub const TMAP_WIJKEN: &str =
    "code,name,population,pop_65plus\nWK030701,Binnenstad,12345,14\nWK030799,Leeg,0,\n";

/// A maatwerk table as exported by hand: title lines, heading row, decimal comma, `.`, footer.
pub const MAATWERK_AUTOBEZIT_GEMEENTE: &str = "\u{feff}Tabel 1. Autobezit;;\n;;\nGemeentenaam;Gemeentecode;Personenauto's per huishouden (afgerond)\nAmersfoort;GM0307  ;0,9\nVlieland;GM0096;.\n;;\nBron: CBS/RDW;;\n";
