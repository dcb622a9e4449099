//! The finder's language data (`data/finder/situations.<lang>.toml`, compiled in): extra stop
//! words, synonyms, the messages shown when nothing is found, and the situations people
//! describe, each mapped to a life event and, optionally, to the services they need first.

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
}

/// A situation people are in, in their own words.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Situation {
    /// The life event's code.
    pub event: String,
    /// The services people in this situation need first (all of the event's otherwise).
    #[serde(default)]
    pub services: Vec<String>,
    /// How people say it.
    pub phrases: Vec<String>,
}

const EN: &str = include_str!("../../../data/finder/situations.en.toml");
const FR: &str = include_str!("../../../data/finder/situations.fr.toml");
const ES: &str = include_str!("../../../data/finder/situations.es.toml");

/// The compiled-in data of `lang`.
pub fn builtin(lang: SearchLang) -> LanguageData {
    let text = match lang {
        SearchLang::En => EN,
        SearchLang::Fr => FR,
        SearchLang::Es => ES,
    };
    // The files are part of the source and checked by the tests: a broken one is a build defect.
    toml::from_str(text)
        .unwrap_or_else(|e| panic!("data/finder/situations.{}.toml: {e}", lang.as_str()))
}
