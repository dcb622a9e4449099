//! The languages of the public site (and of the mails that link to it), and how a page's URL
//! names its language: English pages have no prefix, every other language `/` and its code
//! (`/fr/…`, `/pt/…`, `/ar/…`).

/// The interface languages, English (the default, unprefixed) first.
pub const LANGS: &[&str] = &["en", "fr", "es", "pt", "ar"];

/// The interface languages written right to left.
const RTL: &[&str] = &["ar"];

/// `lang` if it is one of [`LANGS`], else English.
pub fn known(lang: &str) -> &'static str {
    LANGS.iter().find(|l| **l == lang).copied().unwrap_or("en")
}

/// The direction `lang` is written in, as HTML's `dir` names it: `rtl` or `ltr`. Only the
/// primary subtag counts (`ar-MA` is right to left), so it serves content languages too.
pub fn direction(lang: &str) -> &'static str {
    let primary = lang.split(['-', '_']).next().unwrap_or(lang);
    // Other scripts written right to left, for content in a language the interface lacks.
    const OTHER_RTL: &[&str] = &["he", "fa", "ur", "ps", "dv", "yi", "ckb", "sd", "ug"];
    if RTL.contains(&primary) || OTHER_RTL.contains(&primary) {
        "rtl"
    } else {
        "ltr"
    }
}

/// The prefix of the site's URLs in `lang`: `""` for English (and for a language the site does
/// not have), else `/` and the language (`/fr`).
pub fn url_prefix(lang: &str) -> &'static str {
    // One prefix per language, made once: the prefixes live as long as the program.
    static PREFIXES: std::sync::LazyLock<Vec<(&'static str, &'static str)>> =
        std::sync::LazyLock::new(|| {
            LANGS
                .iter()
                .skip(1)
                .map(|l| {
                    let prefix: &'static str = format!("/{l}").leak();
                    (*l, prefix)
                })
                .collect()
        });
    let lang = known(lang);
    PREFIXES
        .iter()
        .find(|(l, _)| *l == lang)
        .map_or("", |(_, p)| p)
}

/// The language a site path names by its prefix, and the path without it (`/fr/kpis` →
/// `("fr", "/kpis")`, `/fr` → `("fr", "/")`); `None` for an unprefixed (English) path.
pub fn split_url_prefix(path: &str) -> Option<(&'static str, &str)> {
    LANGS.iter().find_map(|&l| {
        let prefix = url_prefix(l);
        let rest = path.strip_prefix(prefix).filter(|_| !prefix.is_empty())?;
        match rest {
            "" => Some((l, "/")),
            _ if rest.starts_with('/') => Some((l, rest)),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_but_english_prefixes_its_urls() {
        assert_eq!(url_prefix("en"), "");
        assert_eq!(url_prefix("fr"), "/fr");
        assert_eq!(url_prefix("es"), "/es");
        assert_eq!(url_prefix("pt"), "/pt");
        assert_eq!(url_prefix("ar"), "/ar");
        assert_eq!(url_prefix("de"), "");
        for l in LANGS.iter().skip(1) {
            assert_eq!(url_prefix(l), format!("/{l}"));
        }
        assert_eq!(known("es"), "es");
        assert_eq!(known("de"), "en");
    }

    #[test]
    fn arabic_is_written_right_to_left() {
        assert_eq!(direction("ar"), "rtl");
        assert_eq!(direction("ar-MA"), "rtl");
        assert_eq!(direction("he"), "rtl");
        for l in ["en", "fr", "es", "pt", "pt-BR", "sw"] {
            assert_eq!(direction(l), "ltr", "{l}");
        }
    }

    #[test]
    fn a_prefixed_path_gives_its_language_and_the_path_without_it() {
        assert_eq!(
            split_url_prefix("/fr/kpis/KPI-01"),
            Some(("fr", "/kpis/KPI-01"))
        );
        assert_eq!(split_url_prefix("/es"), Some(("es", "/")));
        assert_eq!(split_url_prefix("/fr/"), Some(("fr", "/")));
        assert_eq!(split_url_prefix("/ar/services"), Some(("ar", "/services")));
        assert_eq!(split_url_prefix("/pt"), Some(("pt", "/")));
        assert_eq!(split_url_prefix("/kpis"), None);
        assert_eq!(split_url_prefix("/"), None);
        // A path that only starts with the same letters is not prefixed.
        assert_eq!(split_url_prefix("/french"), None);
        assert_eq!(split_url_prefix("/es-mx/x"), None);
        assert_eq!(split_url_prefix("/api/v1"), None);
        assert_eq!(split_url_prefix("/arabic"), None);
        for l in LANGS {
            let page = format!("{}/kpis", url_prefix(l));
            let lang = split_url_prefix(&page).map_or("en", |(l, _)| l);
            assert_eq!(lang, *l);
        }
    }
}

// --- The country's content languages ----------------------------------------------------------

use std::sync::{Mutex, OnceLock, PoisonError};

use crate::values::{Expected, ExpectedKind, Lang};

/// The languages a country writes its content in, the default first, and where a text missing
/// in one language is looked for next (`wo → fr`). Every translatable text must have the
/// default language when it is written (imported, typed in a form, sent to the API, checked);
/// reading never requires it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentLanguages {
    langs: Vec<Lang>,
    fallback: Vec<(Lang, Vec<Lang>)>,
}

impl Default for ContentLanguages {
    /// English the default, then French and Spanish: the demo country's.
    fn default() -> Self {
        Self {
            langs: ["en", "fr", "es"]
                .iter()
                .filter_map(|l| Lang::parse(l).ok())
                .collect(),
            fallback: Vec::new(),
        }
    }
}

impl ContentLanguages {
    /// The languages (default first, each once) and the fallbacks of some of them, each an
    /// ordered list of other languages. The default language always comes last in a chain, so
    /// it need not be named.
    pub fn new(langs: Vec<Lang>, fallback: Vec<(Lang, Vec<Lang>)>) -> Result<Self, String> {
        if langs.is_empty() {
            return Err("at least one content language is needed".into());
        }
        for (i, l) in langs.iter().enumerate() {
            if langs[..i].contains(l) {
                return Err(format!("{l} is named twice"));
            }
        }
        for (from, to) in &fallback {
            if let Some(l) = to.iter().find(|l| *l == from) {
                return Err(format!("{from} cannot fall back to itself ({l})"));
            }
        }
        Ok(Self { langs, fallback })
    }

    /// Only `default`, with no other language.
    pub fn only(default: Lang) -> Self {
        Self {
            langs: vec![default],
            fallback: Vec::new(),
        }
    }

    /// The default language, which every text must have.
    pub fn default_lang(&self) -> &Lang {
        &self.langs[0]
    }

    /// The content languages, default first.
    pub fn langs(&self) -> &[Lang] {
        &self.langs
    }

    /// Where a text in `lang` is looked for, in order: `lang`, its configured fallbacks, the
    /// default language; each once.
    pub fn chain<'a>(&'a self, lang: &'a str) -> Vec<&'a str> {
        let mut out: Vec<&str> = vec![lang];
        let configured = self
            .fallback
            .iter()
            .find(|(l, _)| l.as_str() == lang)
            .map(|(_, to)| to.as_slice())
            .unwrap_or_default();
        for l in configured
            .iter()
            .chain(std::iter::once(self.default_lang()))
        {
            if !out.contains(&l.as_str()) {
                out.push(l.as_str());
            }
        }
        out
    }

    /// The error of a text without the default language.
    pub fn missing_default(&self) -> Expected {
        Expected::new(ExpectedKind::DefaultLanguage(intern(
            self.default_lang().as_str(),
        )))
    }

    /// The configured fallbacks, language by language.
    pub fn fallbacks(&self) -> &[(Lang, Vec<Lang>)] {
        &self.fallback
    }
}

static PROCESS: OnceLock<ContentLanguages> = OnceLock::new();

/// Sets the content languages that [`crate::Text::get`] falls back along in this process; the
/// first call wins. Called once at start-up by the program that read the configuration;
/// libraries and tests pass their languages explicitly instead, so that they never depend on
/// the order tests run in.
pub fn set_process_content(langs: ContentLanguages) {
    let _ = PROCESS.set(langs);
}

/// The process's content languages: those set at start-up, else [`ContentLanguages::default`].
pub fn process_content() -> &'static ContentLanguages {
    PROCESS.get_or_init(ContentLanguages::default)
}

/// A language tag kept for the life of the process, for [`ExpectedKind`], which is `Copy`.
/// A process names few languages, so the set stays small.
pub fn intern(tag: &str) -> &'static str {
    static TAGS: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
    let mut tags = TAGS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(t) = tags.iter().find(|t| **t == tag) {
        return t;
    }
    let t: &'static str = Box::leak(tag.to_owned().into_boxed_str());
    tags.push(t);
    t
}

/// The English name of a language, for messages in English; `None` for a tag not listed.
pub fn english_name(tag: &str) -> Option<&'static str> {
    let primary = tag.split(['-', '_']).next().unwrap_or(tag);
    Some(match primary {
        "en" => "English",
        "fr" => "French",
        "es" => "Spanish",
        "pt" => "Portuguese",
        "ar" => "Arabic",
        "sw" => "Swahili",
        "wo" => "Wolof",
        "ha" => "Hausa",
        "yo" => "Yoruba",
        "ig" => "Igbo",
        "am" => "Amharic",
        "so" => "Somali",
        "rw" => "Kinyarwanda",
        "mg" => "Malagasy",
        "de" => "German",
        "it" => "Italian",
        "nl" => "Dutch",
        "ru" => "Russian",
        "zh" => "Chinese",
        "hi" => "Hindi",
        "bn" => "Bengali",
        "id" => "Indonesian",
        "ms" => "Malay",
        "tr" => "Turkish",
        "fa" => "Persian",
        "ur" => "Urdu",
        "uk" => "Ukrainian",
        "ro" => "Romanian",
        "pl" => "Polish",
        "ln" => "Lingala",
        "ff" => "Fula",
        "bm" => "Bambara",
        "zu" => "Zulu",
        "xh" => "Xhosa",
        "af" => "Afrikaans",
        "ti" => "Tigrinya",
        "ne" => "Nepali",
        "km" => "Khmer",
        "lo" => "Lao",
        "vi" => "Vietnamese",
        "th" => "Thai",
        "ht" => "Haitian Creole",
        _ => return None,
    })
}

#[cfg(test)]
mod content_tests {
    use super::*;

    fn l(s: &str) -> Lang {
        Lang::parse(s).unwrap()
    }

    #[test]
    fn a_chain_goes_through_the_configured_fallbacks_to_the_default() {
        let c = ContentLanguages::new(
            vec![l("fr"), l("wo"), l("en")],
            vec![(l("wo"), vec![l("en")])],
        )
        .unwrap();
        assert_eq!(c.default_lang().as_str(), "fr");
        assert_eq!(c.chain("wo"), ["wo", "en", "fr"]);
        assert_eq!(c.chain("en"), ["en", "fr"]);
        assert_eq!(c.chain("fr"), ["fr"]);
        assert_eq!(ContentLanguages::default().chain("es"), ["es", "en"]);
        assert!(ContentLanguages::new(vec![], vec![]).is_err());
        assert!(ContentLanguages::new(vec![l("fr"), l("fr")], vec![]).is_err());
        assert!(ContentLanguages::new(vec![l("fr")], vec![(l("fr"), vec![l("fr")])]).is_err());
    }

    #[test]
    fn the_missing_default_is_named_in_the_message() {
        let fr = ContentLanguages::only(l("fr"));
        assert_eq!(
            fr.missing_default().to_string(),
            "expected a text in French (fr, the default language, is required)"
        );
        assert_eq!(
            ContentLanguages::only(l("xx-yy"))
                .missing_default()
                .phrase(),
            "a text in xx-yy (the default language, is required)"
        );
        assert!(std::ptr::eq(intern("fr"), intern("fr")));
    }
}
