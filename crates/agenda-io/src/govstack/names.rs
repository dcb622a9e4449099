//! Organisation names as people write them in a workbook: abbreviated ("Natl", "Min.",
//! "Dept"), with their acronym in parentheses ("National Digital Authority (NDA)"), as an
//! acronym alone ("MoJ"), several in one cell ("MoJ + GIZ"), and the development partners a
//! country works with, whom no catalogue of public bodies lists.

use std::sync::OnceLock;

use agenda_core::OrgKind;

/// Short forms and frequent misspellings people write in organisation names, and the word
/// they stand for (compared lower case, `.` and `'` dropped: "Nat'l" is "natl").
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("natl", "national"),
    ("nat", "national"),
    ("min", "ministry"),
    ("ministery", "ministry"),
    ("minsitry", "ministry"),
    ("minstry", "ministry"),
    ("ministy", "ministry"),
    ("dept", "department"),
    ("dpt", "department"),
    ("govt", "government"),
    ("gvt", "government"),
    ("gov", "government"),
    ("intl", "international"),
    ("auth", "authority"),
    ("mgmt", "management"),
    ("admin", "administration"),
    ("devt", "development"),
    ("dev", "development"),
    ("tech", "technology"),
    ("info", "information"),
    ("telecom", "telecommunications"),
    ("telecoms", "telecommunications"),
    ("telecommunication", "telecommunications"),
    ("org", "organisation"),
    ("organization", "organisation"),
    ("program", "programme"),
    ("center", "centre"),
    ("defense", "defence"),
    ("labor", "labour"),
    ("assoc", "association"),
    ("corp", "corporation"),
    ("univ", "university"),
    ("inst", "institute"),
    ("agcy", "agency"),
];

/// Words that tell no organisation from another ("Ministry of the Interior" is "Ministry of
/// Interior"; "&" is "and").
const STOP_WORDS: &[&str] = &[
    "of", "the", "and", "for", "on", "in", "at", "to", "a", "an", "de", "des", "du", "la", "le",
    "l", "d", "el", "y", "et", "del", "los", "las",
];

/// Words naming what kind of body an organisation is. Any of them makes a part of a cell a
/// name of its own ("Ministry of Health and Ministry of Education" is two); those of
/// [`BODY_WORDS`] may also stand for one another in a name whose initials are the
/// organisation's code ("National Digital Agency" for the "National Digital Authority", NDA).
const TYPE_WORDS: &[&str] = &[
    "ministry",
    "ministère",
    "ministere",
    "ministerio",
    "department",
    "agency",
    "authority",
    "office",
    "bureau",
    "board",
    "commission",
    "council",
    "directorate",
    "institute",
    "service",
    "services",
    "secretariat",
    "unit",
    "division",
    "centre",
    "registry",
    "administration",
    "corporation",
    "company",
    "fund",
    "foundation",
    "bank",
    "programme",
    "academy",
    "university",
    "college",
    "association",
    "alliance",
    "union",
    "organisation",
    "delegation",
    "embassy",
    "court",
    "parliament",
    "presidency",
    "cabinet",
    "government",
    "municipality",
    "police",
    "inspectorate",
    "regulator",
    "network",
];

/// The kinds of public body that one name may say for another.
const BODY_WORDS: &[&str] = &[
    "ministry",
    "department",
    "agency",
    "authority",
    "office",
    "bureau",
    "board",
    "commission",
    "council",
    "directorate",
    "institute",
    "service",
    "secretariat",
    "unit",
    "division",
    "centre",
    "administration",
    "organisation",
];

/// Acronyms that name a subject, a document or a role, never an organisation: "ICT/Telecom
/// Ministry" is one ministry.
const NOT_ORGANISATIONS: &[&str] = &[
    "ICT", "IT", "ID", "AI", "API", "MVP", "PKI", "TA", "HR", "BB", "TBD", "TBC", "NA", "KPI",
    "SOP", "TOR", "UX", "UI", "PM", "QA", "MOU", "SLA", "CIO", "CTO", "DPI", "GOV",
];

/// The development partners that fund or advise digital government programmes, by the names
/// and acronyms people write for them (compared as words, lower case, after
/// [`words_with_stops`]).
const DEVELOPMENT_PARTNERS: &[(&str, &[&str])] = &[
    (
        "GIZ",
        &[
            "giz",
            "deutsche gesellschaft für internationale zusammenarbeit",
            "deutsche gesellschaft fur internationale zusammenarbeit",
        ],
    ),
    (
        "World Bank",
        &[
            "world bank",
            "world bank group",
            "wb",
            "wbg",
            "ibrd",
            "international bank for reconstruction and development",
            "international development association",
        ],
    ),
    ("UNDP", &["undp", "united nations development programme"]),
    ("UNICEF", &["unicef", "united nations children's fund"]),
    ("UNESCO", &["unesco"]),
    (
        "UNCDF",
        &["uncdf", "united nations capital development fund"],
    ),
    (
        "UNECA",
        &["uneca", "united nations economic commission for africa"],
    ),
    ("UNHCR", &["unhcr"]),
    ("UNFPA", &["unfpa"]),
    ("UNOPS", &["unops"]),
    ("UNCTAD", &["unctad"]),
    ("UN DESA", &["undesa", "un desa"]),
    ("United Nations", &["united nations"]),
    ("ITU", &["itu", "international telecommunication union"]),
    ("DIAL", &["dial", "digital impact alliance"]),
    (
        "European Union",
        &[
            "eu",
            "european union",
            "european commission",
            "eu delegation",
            "delegation of the european union",
        ],
    ),
    ("EIB", &["eib", "european investment bank"]),
    (
        "USAID",
        &[
            "usaid",
            "united states agency for international development",
            "us agency for international development",
        ],
    ),
    ("AfDB", &["afdb", "african development bank"]),
    ("IDB", &["idb", "iadb", "inter american development bank"]),
    ("ADB", &["adb", "asian development bank"]),
    ("IsDB", &["isdb", "islamic development bank"]),
    ("IMF", &["imf", "international monetary fund"]),
    ("OECD", &["oecd"]),
    (
        "FCDO",
        &[
            "fcdo",
            "dfid",
            "foreign commonwealth and development office",
        ],
    ),
    ("JICA", &["jica", "japan international cooperation agency"]),
    (
        "KOICA",
        &["koica", "korea international cooperation agency"],
    ),
    (
        "AFD",
        &[
            "afd",
            "agence française de développement",
            "agence francaise de developpement",
            "french development agency",
        ],
    ),
    ("Enabel", &["enabel"]),
    (
        "Sida",
        &[
            "sida",
            "swedish international development cooperation agency",
        ],
    ),
    (
        "Gates Foundation",
        &[
            "gates foundation",
            "bill and melinda gates foundation",
            "bmgf",
        ],
    ),
    ("Mastercard Foundation", &["mastercard foundation"]),
    ("Smart Africa", &["smart africa"]),
    ("GovStack", &["govstack", "gov stack"]),
    (
        "e-Governance Academy",
        &[
            "ega",
            "e governance academy",
            "egovernance academy",
            "estonian e governance academy",
        ],
    ),
    ("DPGA", &["dpga", "digital public goods alliance"]),
    ("World Health Organization", &["world health organization"]),
];

/// A name's words, lower case, split at anything but letters and digits, short forms
/// expanded; stop words kept.
pub(super) fn words_with_stops(name: &str) -> Vec<String> {
    name.to_lowercase()
        .replace(['\'', '’', '.'], "")
        .replace('&', " and ")
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            ABBREVIATIONS
                .iter()
                .find(|(short, _)| *short == w)
                .map_or_else(|| w.to_owned(), |(_, long)| (*long).to_owned())
        })
        .collect()
}

/// The words that tell an organisation apart: [`words_with_stops`] without the stop words.
pub(super) fn words(name: &str) -> Vec<String> {
    words_with_stops(name)
        .into_iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()))
        .collect()
}

/// The key under which spellings of one organisation's name meet: "Nat'l Digital Authority",
/// "National Digital Authority" and "national  digital authority" have the same.
pub(super) fn key(name: &str) -> String {
    words(name).join(" ")
}

/// A name as written in a cell: the name, and the acronym written beside it in parentheses
/// ("National Digital Authority (NDA)", "NDA (National Digital Authority)") or after a dash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Written {
    pub name: String,
    pub acronym: Option<String>,
}

/// Reads "Name (ACR)", "ACR (Name)" and "Name - ACR"; anything else is a name alone.
pub(super) fn written(cell: &str) -> Written {
    let cell = cell.split_whitespace().collect::<Vec<_>>().join(" ");
    let alone = || Written {
        name: cell.clone(),
        acronym: None,
    };
    if let Some((before, rest)) = cell.split_once('(')
        && let Some((inside, after)) = rest.split_once(')')
        && after.trim().is_empty()
    {
        let (before, inside) = (before.trim(), inside.trim());
        if before.is_empty() || inside.is_empty() {
            return alone();
        }
        return match (acronym(inside), acronym(before)) {
            (Some(a), _) if before.contains(' ') => Written {
                name: before.to_owned(),
                acronym: Some(a),
            },
            (_, Some(a)) if inside.contains(' ') => Written {
                name: inside.to_owned(),
                acronym: Some(a),
            },
            _ => alone(),
        };
    }
    for dash in [" - ", " – ", " — "] {
        if let Some((before, after)) = cell.rsplit_once(dash)
            && before.contains(' ')
            && let Some(a) = acronym(after.trim())
        {
            return Written {
                name: before.trim().to_owned(),
                acronym: Some(a),
            };
        }
    }
    alone()
}

/// The acronym a single word is ("MoJ" → `MOJ`, "N.D.A." → `NDA`, "AfDB" → `AFDB`): two to
/// twelve letters or digits, at least two capitals, no space.
pub(super) fn acronym(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() || s.contains(char::is_whitespace) {
        return None;
    }
    let bare: String = s.chars().filter(|c| !matches!(c, '.' | '-')).collect();
    let n = bare.chars().count();
    let capitals = bare.chars().filter(|c| c.is_uppercase()).count();
    ((2..=12).contains(&n) && capitals >= 2 && bare.chars().all(char::is_alphanumeric))
        .then(|| bare.to_uppercase())
}

/// The initials of a name, with and without its stop words ("Ministry of Justice" → `MOJ`,
/// `MJ`; "Ministry of ICT" → `MOICT`, `MICT`: a word written in capitals counts whole).
pub(super) fn initials(name: &str) -> [String; 2] {
    let mut with = String::new();
    let mut without = String::new();
    for raw in name.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’') {
        let raw = raw.trim_matches(['\'', '’']);
        if raw.is_empty() {
            continue;
        }
        let part = if raw.chars().count() >= 2 && raw.chars().all(|c| c.is_uppercase()) {
            raw.to_owned()
        } else {
            let expanded = words_with_stops(raw);
            match expanded.first() {
                Some(w) => w.chars().next().map(|c| c.to_uppercase().to_string()),
                None => None,
            }
            .unwrap_or_default()
        };
        with.push_str(&part);
        if !STOP_WORDS.contains(&raw.to_lowercase().as_str()) {
            without.push_str(&part);
        }
    }
    [with.to_uppercase(), without.to_uppercase()]
}

/// Whether `a` and `b` (both [`words`]) are the same name but for the kind of body it says
/// ("national digital agency", "national digital authority").
pub(super) fn same_but_body_word(a: &[String], b: &[String]) -> bool {
    a.len() == b.len()
        && a != b
        && a.iter().zip(b).all(|(x, y)| {
            x == y || (BODY_WORDS.contains(&x.as_str()) && BODY_WORDS.contains(&y.as_str()))
        })
}

fn contains_words(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Each alias of [`DEVELOPMENT_PARTNERS`] as [`words_with_stops`] and [`words`] read it,
/// with its partner's name: worked out once.
#[expect(clippy::type_complexity, reason = "a private table read in two places")]
fn partner_aliases() -> &'static [(&'static str, Vec<String>, Vec<String>)] {
    static ALIASES: OnceLock<Vec<(&'static str, Vec<String>, Vec<String>)>> = OnceLock::new();
    ALIASES.get_or_init(|| {
        DEVELOPMENT_PARTNERS
            .iter()
            .flat_map(|(name, aliases)| {
                aliases
                    .iter()
                    .map(move |a| (*name, words_with_stops(a), words(a)))
            })
            .collect()
    })
}

/// The development partner a text names anywhere ("USD 45k World Bank TA" → World Bank), by
/// its canonical name; the longest name wins ("European Investment Bank" over "EU").
pub fn development_partner(text: &str) -> Option<&'static str> {
    let hay = words_with_stops(text);
    let mut best: Option<(&'static str, usize)> = None;
    for (name, needle, _) in partner_aliases() {
        if contains_words(&hay, needle) && best.is_none_or(|(_, n)| needle.len() > n) {
            best = Some((name, needle.len()));
        }
    }
    best.map(|(n, _)| n)
}

/// The development partner a whole name is ("EU", "European Union", "the World Bank").
pub(super) fn partner_named(name: &str) -> Option<&'static str> {
    let w = words(name);
    if w.is_empty() {
        return None;
    }
    partner_aliases()
        .iter()
        .find(|(_, _, a)| *a == w)
        .map(|(n, _, _)| *n)
}

fn is_ministry(name: &str, w: &[String]) -> bool {
    // "MoJ", "MoICT": the ministry's acronym as ministries write it.
    let mo = {
        let mut c = name.trim().chars();
        matches!((c.next(), c.next(), c.next()), (Some('M'), Some('o'), Some(x)) if x.is_uppercase())
            && !name.trim().contains(' ')
    };
    mo || w.iter().any(|x| {
        x.starts_with("minist") || x == "ministère" || x == "ministerio" || x == "secretariat"
    })
}

/// The kind of a new organisation, from its name; `default` when the name says nothing. A
/// ministry stays a ministry whatever else its name says ("Ministry of Foreign Affairs and
/// International Cooperation"); development partners are `international`.
pub(super) fn org_kind(name: &str, default: OrgKind) -> OrgKind {
    let w = words_with_stops(&written(name).name);
    let has = |x: &str| w.iter().any(|y| y == x);
    let n = w.join(" ");
    let public = [
        "national",
        "government",
        "agency",
        "department",
        "directorate",
        "office",
    ];
    if is_ministry(name, &w) {
        OrgKind::Ministry
    } else if development_partner(name).is_some()
        || n.contains("united nations")
        || n.contains("development bank")
        || has("embassy")
        || (has("international") && !public.iter().any(|p| has(p)))
    {
        OrgKind::International
    } else if n.contains("municipal") || n.contains("city council") || has("county") {
        OrgKind::Municipality
    } else if has("university") || has("college") || has("academy") || has("school") {
        OrgKind::Academia
    } else if has("authority") || has("commission") || has("regulator") {
        OrgKind::Authority
    } else if [
        "agency",
        "board",
        "office",
        "department",
        "directorate",
        "bureau",
        "service",
        "institute",
        "registry",
        "unit",
        "inspectorate",
    ]
    .iter()
    .any(|x| has(x))
    {
        OrgKind::Agency
    } else if [
        "ltd",
        "limited",
        "plc",
        "inc",
        "llc",
        "gmbh",
        "sarl",
        "company",
        "corporation",
    ]
    .iter()
    .any(|x| has(x))
    {
        OrgKind::Private
    } else if has("association") || has("ngo") || n.contains("civil society") || has("network") {
        OrgKind::CivilSociety
    } else {
        default
    }
}

/// Whether a part of a cell can stand as an organisation's name on its own: an acronym, a
/// development partner, or a name that says what kind of body it is.
pub(super) fn looks_like_organisation(part: &str) -> bool {
    let part = part.trim();
    if written(part).acronym.is_some() || partner_named(part).is_some() {
        return true;
    }
    if let Some(a) = acronym(part) {
        return !NOT_ORGANISATIONS.contains(&a.as_str());
    }
    let w = words_with_stops(part);
    w.len() >= 2 && w.iter().any(|x| TYPE_WORDS.contains(&x.as_str()))
}

/// Splits at `seps` outside parentheses.
fn split_outside_parentheses<'a>(s: &'a str, seps: &[char]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 && seps.contains(&c) => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Splits at " and " and " & " outside parentheses.
fn split_and(s: &str) -> Vec<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut depth, mut i) = (0, 0usize, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        // Separators begin with a space, so every cut falls between characters.
        let at = &bytes[i..];
        let sep = if depth > 0 {
            0
        } else if at.len() >= 5 && at[..5].eq_ignore_ascii_case(b" and ") {
            5
        } else if at.starts_with(b" & ") {
            3
        } else {
            0
        };
        if sep > 0 {
            out.push(s[start..i].trim().to_owned());
            start = i + sep;
            i += sep;
        } else {
            i += 1;
        }
    }
    out.push(s[start..].trim().to_owned());
    out.retain(|p| !p.is_empty());
    out
}

/// The organisations a cell names when it names more than one ("MoJ + GIZ", "NDA / DIAL",
/// "NDA, ITU", "MoJ and GIZ"), in order; `None` when it names one. `known` says whether a
/// name is an organisation the catalogue or the workbook already has.
///
/// `+`, `/`, `;`, `,` and line breaks separate names, then "and" and "&" inside a part; a
/// split is taken only when every part is itself an organisation (known, or
/// [`looks_like_organisation`]), so "Ministry of Posts & Telecommunications" and a known
/// "Ministry of Trade and Industry" stay whole.
pub(super) fn split_names(cell: &str, known: impl Fn(&str) -> bool) -> Option<Vec<String>> {
    let cell = cell.split_whitespace().collect::<Vec<_>>().join(" ");
    if known(&cell) {
        return None;
    }
    let recognisable = |p: &str| known(p) || looks_like_organisation(p);
    let strong = split_outside_parentheses(&cell, &['+', '/', ';', ',', '\n', '|']);
    let mut out: Vec<String> = Vec::new();
    for p in &strong {
        if known(p) {
            out.push((*p).to_owned());
            continue;
        }
        let weak = split_and(p);
        if weak.len() > 1 && weak.iter().all(|w| recognisable(w)) {
            out.extend(weak);
        } else if strong.len() > 1 && recognisable(p) {
            out.push((*p).to_owned());
        } else {
            return None;
        }
    }
    (out.len() > 1).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_one_name_meet_under_one_key() {
        let k = key("National Digital Authority");
        for s in [
            "Natl Digital Authority",
            "Nat'l Digital Authority",
            "national  digital authority",
            "National Digital Auth.",
        ] {
            assert_eq!(key(s), k, "{s}");
        }
        assert_eq!(key("Min. of Justice"), key("Ministry of Justice"));
        assert_eq!(key("Ministery of Justice"), key("Ministry of Justice"));
        assert_eq!(key("Ministry of the Interior"), key("Ministry of Interior"));
        assert_eq!(key("Dept of Finance"), key("Department of Finance"));
        assert_eq!(
            key("Govt Printing Office"),
            key("Government Printing Office")
        );
        assert_eq!(
            key("Ministry of Posts & Telecommunications"),
            key("Ministry of Posts and Telecommunication")
        );
        assert_ne!(key("Ministry of Health"), key("Ministry of Wealth"));
    }

    #[test]
    fn an_acronym_beside_a_name_is_read_as_its_abbreviation() {
        let w = |s: &str| {
            let w = written(s);
            (w.name, w.acronym)
        };
        assert_eq!(
            w("National Digital Authority (NDA)"),
            ("National Digital Authority".into(), Some("NDA".into()))
        );
        assert_eq!(
            w("NDA (National Digital Authority)"),
            ("National Digital Authority".into(), Some("NDA".into()))
        );
        assert_eq!(
            w("Ministry of ICT - MoICT"),
            ("Ministry of ICT".into(), Some("MOICT".into()))
        );
        assert_eq!(w("DIAL (lead)"), ("DIAL (lead)".into(), None));
        assert_eq!(w("Ministry of Health"), ("Ministry of Health".into(), None));
        assert_eq!(acronym("MoJ").as_deref(), Some("MOJ"));
        assert_eq!(acronym("N.D.A.").as_deref(), Some("NDA"));
        assert_eq!(acronym("AfDB").as_deref(), Some("AFDB"));
        assert_eq!(acronym("Telecommunications"), None);
        assert_eq!(acronym("Ministry of Health"), None);
    }

    #[test]
    fn initials_count_capitalised_words_whole() {
        assert_eq!(initials("Ministry of Justice"), ["MOJ", "MJ"]);
        assert_eq!(initials("Ministry of ICT"), ["MOICT", "MICT"]);
        assert_eq!(initials("Natl Digital Agency"), ["NDA", "NDA"]);
        assert!(same_but_body_word(
            &words("National Digital Agency"),
            &words("National Digital Authority")
        ));
        assert!(!same_but_body_word(
            &words("Ministry of Tourism"),
            &words("Ministry of Transport")
        ));
    }

    #[test]
    fn development_partners_are_international_and_ministries_never_are() {
        for p in [
            "GIZ",
            "World Bank",
            "The World Bank",
            "UNDP",
            "ITU",
            "DIAL",
            "EU",
            "European Union",
            "EU Delegation",
            "USAID",
            "AfDB",
            "IDB",
            "UNICEF",
            "GovStack",
            "e-Governance Academy",
            "eGA",
            "International Telecommunication Union",
            "Asian Development Bank",
            "Embassy of Estonia",
        ] {
            assert_eq!(org_kind(p, OrgKind::Agency), OrgKind::International, "{p}");
        }
        for m in [
            "Ministry of Foreign Affairs and International Cooperation",
            "Ministry of EU Integration",
            "MoICT",
            "Min. of Finance",
            "Ministère de l'Économie",
        ] {
            assert_eq!(org_kind(m, OrgKind::Agency), OrgKind::Ministry, "{m}");
        }
        assert_eq!(
            org_kind(
                "National Agency for International Cooperation",
                OrgKind::Private
            ),
            OrgKind::Agency
        );
        assert_eq!(
            org_kind("National Digital Authority (NDA)", OrgKind::Agency),
            OrgKind::Authority
        );
        assert_eq!(
            org_kind("Govt Printing Office", OrgKind::Authority),
            OrgKind::Agency
        );
        assert_eq!(
            org_kind("National University", OrgKind::Agency),
            OrgKind::Academia
        );
        assert_eq!(
            org_kind("Capital City Council", OrgKind::Agency),
            OrgKind::Municipality
        );
        assert_eq!(org_kind("NDA", OrgKind::Agency), OrgKind::Agency);
        assert_eq!(
            development_partner("USD 45k World Bank TA"),
            Some("World Bank")
        );
        assert_eq!(
            development_partner("EIB loan (European Investment Bank)"),
            Some("EIB")
        );
        assert_eq!(development_partner("Grant"), None);
        assert_eq!(partner_named("the World Bank"), Some("World Bank"));
        assert_eq!(partner_named("World Bank TA"), None);
    }

    #[test]
    fn a_cell_is_split_only_where_every_part_is_an_organisation() {
        let known = |p: &str| {
            ["ministry of trade and industry", "moj", "nda"].contains(&p.to_lowercase().as_str())
        };
        let split = |c: &str| split_names(c, known);
        let v = |x: &[&str]| Some(x.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>());
        assert_eq!(split("MoJ + GIZ"), v(&["MoJ", "GIZ"]));
        assert_eq!(split("NDA / DIAL"), v(&["NDA", "DIAL"]));
        assert_eq!(split("NDA, ITU"), v(&["NDA", "ITU"]));
        assert_eq!(split("MoJ and GIZ"), v(&["MoJ", "GIZ"]));
        assert_eq!(split("MoJ & GIZ"), v(&["MoJ", "GIZ"]));
        assert_eq!(
            split("Ministry of Health and Ministry of Education"),
            v(&["Ministry of Health", "Ministry of Education"])
        );
        assert_eq!(
            split("National Digital Authority (NDA, lead) + World Bank"),
            v(&["National Digital Authority (NDA, lead)", "World Bank"])
        );
        assert_eq!(split("Ministry of Posts & Telecommunications"), None);
        assert_eq!(split("Ministry of Trade and Industry"), None);
        assert_eq!(
            split("Ministry of Finance, Planning and Economic Development"),
            None
        );
        assert_eq!(split("ICT/Telecom Ministry"), None);
        assert_eq!(split("DIAL"), None);
        assert_eq!(split("Research and Development"), None);
    }
}
