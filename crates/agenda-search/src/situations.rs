//! The finder's data, compiled in. `data/finder/life-events.toml`: the life events of a
//! standard taxonomy (the EU eGovernment Benchmark's) and the needs people have in them, each
//! described in words — not in any country's codes — so that they are found in whatever
//! catalogue is indexed. `data/finder/situations.<lang>.toml`: extra stop words, synonyms,
//! messages, and the situations people describe, each mapped to the needs it brings.

use serde::Deserialize;

use crate::analysis::SearchLang;

/// One language's data.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageData {
    /// The language tag of the file.
    pub language: String,
    /// Words that carry no meaning in a question to the finder, beyond the language's usual
    /// stop words ("how", "please", "um").
    #[serde(default)]
    pub stop_words: Vec<String>,
    /// Messages of the finder.
    pub messages: Messages,
    /// Word or phrase → words of the catalogue it also means.
    #[serde(default)]
    pub synonyms: std::collections::BTreeMap<String, Vec<String>>,
    /// The situations.
    #[serde(default, rename = "situation")]
    pub situations: Vec<Situation>,
}

/// The messages shown with an empty list.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Messages {
    /// When the question has no meaningful word.
    pub empty: String,
    /// When nothing matches; `{query}` is replaced by the question.
    pub nothing: String,
    /// Why a hit matches the question's words: `{words}`.
    pub matches: String,
    /// Why a hit fits a situation: `{event}`, the life event, and `{phrase}`.
    pub situation: String,
    /// A word read as another: `{typed}`, `{word}`.
    pub typo: String,
    /// A hit whose sheet is not in the question's language: `{language}`, the one it is in.
    pub sheet_in: String,
    /// The name of each language (`en`, `fr`, `es`) in this one.
    pub language_names: std::collections::BTreeMap<String, String>,
}

/// A situation people are in, in their own words.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Situation {
    /// What people in this situation need, first what they need most: needs of the taxonomy.
    pub needs: Vec<String>,
    /// How people say it.
    pub phrases: Vec<String>,
}

/// The life events and needs every country's catalogue is read against.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    /// Life event code → its names.
    pub life_event: std::collections::BTreeMap<String, LifeEvent>,
    /// Need → what it is.
    pub need: std::collections::BTreeMap<String, Need>,
}

/// A life event of the taxonomy.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LifeEvent {
    /// Its name in English, French, Spanish, Arabic and Portuguese.
    pub en: String,
    pub fr: String,
    pub es: String,
    pub ar: String,
    pub pt: String,
}

/// Something people need in a life event, described the ways a catalogue may title the
/// service that answers it, in each language.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Need {
    /// The life event of the taxonomy it belongs to.
    pub life_event: String,
    #[serde(default)]
    pub en: Vec<String>,
    #[serde(default)]
    pub fr: Vec<String>,
    #[serde(default)]
    pub es: Vec<String>,
    #[serde(default)]
    pub ar: Vec<String>,
    #[serde(default)]
    pub pt: Vec<String>,
}

impl Need {
    /// Its descriptions in `lang`.
    pub fn described(&self, lang: SearchLang) -> &[String] {
        match lang {
            SearchLang::En => &self.en,
            SearchLang::Fr => &self.fr,
            SearchLang::Es => &self.es,
            SearchLang::Ar => &self.ar,
            SearchLang::Pt => &self.pt,
        }
    }
}

impl LifeEvent {
    /// Its name in `lang`.
    pub fn name(&self, lang: SearchLang) -> &str {
        match lang {
            SearchLang::En => &self.en,
            SearchLang::Fr => &self.fr,
            SearchLang::Es => &self.es,
            SearchLang::Ar => &self.ar,
            SearchLang::Pt => &self.pt,
        }
    }
}

const TAXONOMY: &str = include_str!("../../../data/finder/life-events.toml");

/// The compiled-in taxonomy.
pub fn taxonomy() -> Taxonomy {
    toml::from_str(TAXONOMY).unwrap_or_else(|e| panic!("data/finder/life-events.toml: {e}"))
}

const EN: &str = include_str!("../../../data/finder/situations.en.toml");
const FR: &str = include_str!("../../../data/finder/situations.fr.toml");
const ES: &str = include_str!("../../../data/finder/situations.es.toml");
const AR: &str = include_str!("../../../data/finder/situations.ar.toml");
const PT: &str = include_str!("../../../data/finder/situations.pt.toml");

/// The compiled-in data of `lang`.
pub fn builtin(lang: SearchLang) -> LanguageData {
    let text = match lang {
        SearchLang::En => EN,
        SearchLang::Fr => FR,
        SearchLang::Es => ES,
        SearchLang::Ar => AR,
        SearchLang::Pt => PT,
    };
    // The files are part of the source and checked by the tests: a broken one is a build defect.
    toml::from_str(text)
        .unwrap_or_else(|e| panic!("data/finder/situations.{}.toml: {e}", lang.as_str()))
}
