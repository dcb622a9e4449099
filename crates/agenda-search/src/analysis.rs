//! The analysers: one per language, the same for indexing and for questions, so a word is
//! reduced to the same term on both sides. Lower-case, the language's stop words (as written
//! and without accents, since people often type without them), the finder's own extra stop
//! words (`data/finder/`), accents folded, then the language's stemmer. Arabic has its own
//! normalisation and light stemmer ([`crate::arabic`]) in place of accent folding and Snowball.

use std::collections::HashSet;

use crate::arabic::ArabicFilter;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};

/// A language the finder understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchLang {
    /// English.
    En,
    /// French.
    Fr,
    /// Spanish.
    Es,
    /// Arabic.
    Ar,
    /// Portuguese.
    Pt,
}

impl SearchLang {
    /// Every language, in index order.
    pub const ALL: [SearchLang; N] = [
        SearchLang::En,
        SearchLang::Fr,
        SearchLang::Es,
        SearchLang::Ar,
        SearchLang::Pt,
    ];

    /// Its tag: `en`, `fr`, `es`, `ar`, `pt`.
    pub fn as_str(self) -> &'static str {
        match self {
            SearchLang::En => "en",
            SearchLang::Fr => "fr",
            SearchLang::Es => "es",
            SearchLang::Ar => "ar",
            SearchLang::Pt => "pt",
        }
    }

    /// Parses a tag (`en`, `FR`, `es-MX`, `pt-BR`, `ar-MA` …); `None` for any other language.
    pub fn parse(s: &str) -> Option<SearchLang> {
        let s = s.trim().to_ascii_lowercase();
        match s.get(..2)? {
            "en" => Some(SearchLang::En),
            "fr" => Some(SearchLang::Fr),
            "es" => Some(SearchLang::Es),
            "ar" => Some(SearchLang::Ar),
            "pt" => Some(SearchLang::Pt),
            _ => None,
        }
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    fn tantivy(self) -> Language {
        match self {
            SearchLang::En => Language::English,
            SearchLang::Fr => Language::French,
            SearchLang::Es => Language::Spanish,
            SearchLang::Ar => Language::Arabic,
            SearchLang::Pt => Language::Portuguese,
        }
    }
}

/// The number of languages the finder understands.
pub const N: usize = 5;

/// Folds accents and case the way the analyser does (`Décès` → `deces`), and Arabic spelling
/// variants (`مدرسة` → `مدرسه`).
pub fn fold(word: &str) -> String {
    let mut a = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(ArabicFilter { stemming: false })
        .build();
    let mut out = String::new();
    a.token_stream(word).process(&mut |t| {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&t.text);
    });
    out
}

/// The finder's extra stop words of a language, as written and with accents folded.
pub fn extra_stop_words(extra: &[String]) -> HashSet<String> {
    extra
        .iter()
        .flat_map(|w| [w.to_lowercase(), fold(w)])
        .collect()
}

/// Whether `word` is one of the stop words of `lang` (tantivy's or `extra`).
pub fn is_stop_word(lang: SearchLang, extra: &HashSet<String>, word: &str) -> bool {
    let lower = word.to_lowercase();
    if extra.contains(&lower) || extra.contains(&fold(&lower)) {
        return true;
    }
    let Some(filter) = StopWordFilter::new(lang.tantivy()) else {
        return false;
    };
    let mut a = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(filter)
        .build();
    let mut kept = false;
    a.token_stream(&lower).process(&mut |_| kept = true);
    !kept
}

/// The analyser of `lang`: lower-case, the language's stop words and `extra` (as built by
/// [`extra_stop_words`]), accents folded, stemmed; words over 40 bytes are dropped.
pub fn analyzer(lang: SearchLang, extra: &HashSet<String>) -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(StopWordFilter::remove(extra.iter().cloned()));
    let builder = match StopWordFilter::new(lang.tantivy()) {
        Some(stop) => builder.filter_dynamic(stop),
        None => builder.dynamic(),
    };
    if lang == SearchLang::Ar {
        // Tantivy has no Arabic stop words (the finder's data has them). Snowball's Arabic
        // stemmer expects ة, which the normalisation writes ه: it then reduces `شهادة` and
        // `الشهادة` to different terms. Light10 is written for normalised text.
        return builder
            .filter_dynamic(ArabicFilter { stemming: false })
            .filter_dynamic(StopWordFilter::remove(extra.iter().cloned()))
            .filter_dynamic(ArabicFilter { stemming: true })
            .build();
    }
    builder
        .filter_dynamic(AsciiFoldingFilter)
        // Again once folded: "tres" typed for "très".
        .filter_dynamic(StopWordFilter::remove(extra.iter().cloned()))
        .filter_dynamic(Stemmer::new(lang.tantivy()))
        .build()
}

/// The terms `text` is reduced to, in order; one-letter terms are dropped (elided articles
/// such as the `l` of `l'étranger`).
pub fn terms(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    analyzer.token_stream(text).process(&mut |t| {
        if t.text.chars().count() > 1 {
            out.push(t.text.clone());
        }
    });
    out
}

/// The words of `text` as typed, lower-cased and folded, with their term (`None` when the
/// word is a stop word): what the question said, to explain matches and to choose a language.
pub fn words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<(String, Option<String>)> {
    let mut raw = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .build();
    let mut out = Vec::new();
    raw.token_stream(text).process(&mut |t| {
        let term = terms(analyzer, &t.text).into_iter().next();
        out.push((t.text.clone(), term));
    });
    out
}

/// The optimal-string-alignment distance between `a` and `b` (an adjacent transposition counts
/// one), or `None` when it exceeds `max`.
pub fn distance(a: &str, b: &str, max: usize) -> Option<usize> {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let w = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * w];
    for (j, cell) in d.iter_mut().take(w).enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        d[i * w] = i;
        let mut row_min = usize::MAX;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[(i - 1) * w + j] + 1)
                .min(d[i * w + j - 1] + 1)
                .min(d[(i - 1) * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[(i - 2) * w + j - 2] + 1);
            }
            d[i * w + j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
    }
    let v = d[a.len() * w + b.len()];
    (v <= max).then_some(v)
}

/// The typos tolerated in a word of `len` characters: none under 5, one from 5, two from 9.
pub fn typo_budget(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}
