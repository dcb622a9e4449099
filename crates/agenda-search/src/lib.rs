//! `agenda-search`: the service finder. Citizens ask in their own words — "renew my passport",
//! "my mother died", "perdí mi trabajo" — and get the services, life events and organisations
//! of the catalogue that answer, best first, each with a short reason.
//!
//! [`Finder::build`] indexes a [`Snapshot`] in memory (tantivy, one set of fields per language
//! with that language's analyser: see [`analysis`]). A question is analysed into groups of
//! alternative terms — the word itself, what a typo most likely meant, its synonyms — searched
//! with field boosts (title > summary > steps and outcome > life event titles > organisation),
//! and each candidate is scored by how much of the question it covers. Questions that describe
//! a situation rather than a service are matched against the situations of
//! `data/finder/situations.<lang>.toml`, which bring needs of a standard life-event taxonomy
//! (`data/finder/life-events.toml`). Needs are described in words, in every language, and found
//! in the catalogue when it is indexed: a country's own codes and titles need no phrase of their
//! own, and a question in one language finds a service whose sheet is only in another.

pub mod analysis;
pub mod arabic;
mod live;
pub mod situations;

use std::collections::{HashMap, HashSet};

use agenda_core::{Snapshot, Text};
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{FAST, Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, TantivyDocument, Term};

pub use analysis::SearchLang;
pub use live::LiveFinder;
use situations::Messages;

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HitKind {
    /// A service.
    Service,
    /// A life or business event.
    LifeEvent,
    /// An organisation.
    Organisation,
}

impl HitKind {
    /// Its name in answers: `service`, `life_event`, `organisation`.
    pub fn as_str(self) -> &'static str {
        match self {
            HitKind::Service => "service",
            HitKind::LifeEvent => "life_event",
            HitKind::Organisation => "organisation",
        }
    }
}

/// One answer to a question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The code of the service, life event or organisation.
    pub code: String,
    /// What it is.
    pub kind: HitKind,
    /// Its title (or name) in the question's language, else in English.
    pub title: String,
    /// Relevance, higher is better; comparable within one answer only.
    pub score: f32,
    /// Why it was found, in the question's language.
    pub why: String,
    /// The language of its sheet, when it has none in the question's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet_lang: Option<SearchLang>,
}

/// The answer to a question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    /// The hits, best first.
    pub hits: Vec<Hit>,
    /// The language the question was read in.
    pub lang: SearchLang,
    /// Whether that language was detected rather than given.
    pub detected: bool,
    /// What to do when there is no hit.
    pub message: Option<String>,
}

/// The fields indexed in each language, in order of importance.
const FIELDS: [&str; 5] = ["title", "summary", "body", "events", "org"];
const TITLE: usize = 0;
const SUMMARY: usize = 1;
const BODY: usize = 2;
const EVENTS: usize = 3;
const ORG: usize = 4;
/// BM25 boost of each field.
const BOOSTS: [f32; 5] = [3.0, 1.6, 1.0, 0.7, 0.5];
/// How much a word found in each field counts towards covering the question.
const COVER: [f32; 5] = [1.0, 0.8, 0.6, 0.45, 0.35];
/// Weight of an alternative that is a synonym, and of one that corrects a typo.
const SYNONYM: f32 = 0.85;
const TYPO: [f32; 3] = [1.0, 0.75, 0.6];
/// Candidates read from the index per language.
const CANDIDATES: usize = 60;
/// Services of a life event lifted by a situation without the question naming them.
const EVENT_SERVICES: usize = 8;
/// Hits scoring less are not shown.
const MIN_SCORE: f32 = 0.2;
/// How much a word of a need's description counts in each field of a service: the title and
/// summary say what a service is; its steps, life events and owner do not.
const NEED_COVER: [f32; 5] = [1.0, 0.75, 0.5, 0.0, 0.0];
/// A service answers a need when it covers this much of one of its descriptions…
const NEED_FIT: f32 = 0.5;
/// … and at most this many services answer one need (the best fitting).
const NEED_SERVICES: usize = 3;

/// An indexed service, life event or organisation.
struct Doc {
    code: String,
    kind: HitKind,
    /// Title in each language (falling back to English).
    titles: [String; analysis::N],
    /// Whether it has a title of its own in each language.
    has_title: [bool; analysis::N],
    /// Terms of each field in each language.
    terms: [[HashSet<String>; 5]; analysis::N],
    /// Life events of a service, as document numbers.
    events: Vec<u32>,
    /// Use relative to the busiest service, 0–1 (a tie-breaker).
    popularity: f32,
    /// Whether people or businesses use it (false for a service only for other agencies).
    for_public: bool,
    /// Whether government agencies use it (true for anything that is not a service).
    for_agencies: bool,
}

/// Whose services a search looks among.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    /// People and businesses: a service only for other government agencies (G2G) is left out.
    #[default]
    Public,
    /// Government agencies: only the services for them, with life events and organisations.
    Agencies,
}

impl Scope {
    /// `agencies` (also `government`, `g2g`) or anything else: the public.
    pub fn parse(s: &str) -> Scope {
        match s.trim().to_ascii_lowercase().as_str() {
            "agencies" | "government" | "g2g" => Scope::Agencies,
            _ => Scope::Public,
        }
    }

    fn admits(self, d: &Doc) -> bool {
        match self {
            Scope::Public => d.for_public,
            Scope::Agencies => d.for_agencies,
        }
    }
}

/// A situation phrase, analysed.
struct Phrase {
    /// Each term of the phrase with its one-word synonyms.
    alts: Vec<Vec<String>>,
    /// The needs it brings, most needed first, as indexes of `Finder::needs`.
    needs: Vec<usize>,
    /// The life event of the taxonomy.
    life_event: String,
    text: String,
    terms: Vec<String>,
}

/// A need of the taxonomy and the services of this catalogue that answer it.
struct NeedIndex {
    /// (service's document number, how well it fits the need's description, 0–1), best first.
    services: Vec<(u32, f32)>,
}

/// What the finder knows of one language.
struct LangIndex {
    lang: SearchLang,
    analyzer: TextAnalyzer,
    extra_stop: HashSet<String>,
    /// Term → number of documents with it, in any field.
    vocab: HashMap<String, u32>,
    /// Term → the word most often written for it (to show corrections).
    surface: HashMap<String, String>,
    /// Terms of situations and synonyms, with their number of phrases.
    known: HashMap<String, u32>,
    /// Analysed synonym: terms said → alternatives meant, each the terms of one phrase.
    synonyms: Vec<(Vec<String>, String, Vec<Vec<String>>)>,
    phrases: Vec<Phrase>,
    messages: Messages,
    fields: [Field; 5],
    /// Term → the services with it in their title, summary or steps (while building).
    postings: HashMap<String, Vec<u32>>,
    /// Life event of the taxonomy → its name in this language.
    event_names: HashMap<String, String>,
}

/// The service finder over one snapshot.
pub struct Finder {
    reader: IndexReader,
    docs: Vec<Doc>,
    /// For each segment, the document number of each tantivy document.
    segment_docs: Vec<Vec<u32>>,
    langs: Vec<LangIndex>,
    events_services: HashMap<u32, Vec<u32>>,
    needs: Vec<NeedIndex>,
    /// The snapshot version indexed.
    pub version: u64,
}

/// One word of the question and its alternatives.
#[derive(Debug, Clone)]
struct Group {
    said: String,
    alts: Vec<Alt>,
    idf: f32,
}

#[derive(Debug, Clone)]
struct Alt {
    /// The term, or the terms that must all be found (a synonym of several words).
    terms: Vec<String>,
    weight: f32,
    /// The word it corrects, when it corrects a typo.
    typo_of: Option<String>,
}

fn text_in(t: &Text, lang: SearchLang) -> Option<&str> {
    t.langs()
        .find(|l| l.as_str() == lang.as_str())
        .and_then(|l| t.exact(l))
}

fn idf(n: usize, df: u32) -> f32 {
    let n = n as f32;
    let df = df as f32;
    (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
}

impl Finder {
    /// Indexes the services, life events and organisations of `s` in English, French and
    /// Spanish, with the compiled-in taxonomy and situations.
    pub fn build(s: &Snapshot) -> Finder {
        Self::build_with(
            s,
            &situations::taxonomy(),
            SearchLang::ALL.map(situations::builtin),
        )
    }

    /// As [`Finder::build`], with the taxonomy and the language data given (English, French,
    /// Spanish).
    pub fn build_with(
        s: &Snapshot,
        taxonomy: &situations::Taxonomy,
        data: [situations::LanguageData; analysis::N],
    ) -> Finder {
        let need_no: HashMap<&str, usize> = taxonomy
            .need
            .keys()
            .enumerate()
            .map(|(i, k)| (k.as_str(), i))
            .collect();
        let mut schema = Schema::builder();
        let mut fields = Vec::new();
        for lang in SearchLang::ALL {
            let opts = TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(lang.as_str())
                    .set_index_option(IndexRecordOption::WithFreqsAndPositions),
            );
            let f: Vec<Field> = FIELDS
                .iter()
                .map(|name| {
                    schema.add_text_field(&format!("{name}_{}", lang.as_str()), opts.clone())
                })
                .collect();
            fields.push([f[0], f[1], f[2], f[3], f[4]]);
        }
        let ord = schema.add_u64_field("ord", FAST);
        let index = Index::create_in_ram(schema.build());

        let mut langs: Vec<LangIndex> = SearchLang::ALL
            .iter()
            .zip(data)
            .map(|(&lang, d)| {
                let extra_stop = analysis::extra_stop_words(&d.stop_words);
                let analyzer = analysis::analyzer(lang, &extra_stop);
                index.tokenizers().register(lang.as_str(), analyzer.clone());
                LangIndex {
                    lang,
                    analyzer,
                    extra_stop,
                    vocab: HashMap::new(),
                    surface: HashMap::new(),
                    known: HashMap::new(),
                    synonyms: Vec::new(),
                    phrases: Vec::new(),
                    messages: d.messages.clone(),
                    fields: fields[lang.index()],
                    postings: HashMap::new(),
                    event_names: taxonomy
                        .life_event
                        .iter()
                        .map(|(k, e)| (k.clone(), e.name(lang).to_owned()))
                        .collect(),
                }
                .with_data(d, taxonomy, &need_no)
            })
            .collect();

        // Documents: life events first (services refer to them), then services, organisations.
        let mut docs: Vec<Doc> = Vec::new();
        let mut event_no: HashMap<String, u32> = HashMap::new();
        let mut texts: Vec<[[String; 5]; analysis::N]> = Vec::new();
        for e in s.life_events.values() {
            event_no.insert(e.code.to_string(), docs.len() as u32);
            let t = SearchLang::ALL.map(|l| {
                let mut f: [String; 5] = Default::default();
                f[TITLE] = text_in(&e.title, l).unwrap_or_default().to_owned();
                f
            });
            docs.push(Doc::new(e.code.to_string(), HitKind::LifeEvent, &e.title));
            texts.push(t);
        }
        let busiest = s
            .services
            .values()
            .filter_map(|v| v.annual_transactions)
            .max()
            .unwrap_or(1)
            .max(1) as f32;
        let mut events_services: HashMap<u32, Vec<u32>> = HashMap::new();
        for v in s.services.values() {
            let no = docs.len() as u32;
            let owner = s.organisations.get(v.owner_code.as_str());
            let t = SearchLang::ALL.map(|l| {
                let mut f: [String; 5] = Default::default();
                f[TITLE] = text_in(&v.title, l).unwrap_or_default().to_owned();
                f[SUMMARY] = v
                    .summary
                    .as_ref()
                    .and_then(|x| text_in(x, l))
                    .unwrap_or_default()
                    .to_owned();
                f[BODY] = [&v.steps, &v.outcome]
                    .iter()
                    .filter_map(|x| x.as_ref().and_then(|x| text_in(x, l)))
                    .collect::<Vec<_>>()
                    .join("\n");
                f[EVENTS] = v
                    .life_event
                    .iter()
                    .filter_map(|c| s.life_events.get(c.as_str()))
                    .filter_map(|e| text_in(&e.title, l))
                    .collect::<Vec<_>>()
                    .join("\n");
                f[ORG] = owner
                    .and_then(|o| text_in(&o.name, l))
                    .unwrap_or_default()
                    .to_owned();
                f
            });
            let mut d = Doc::new(v.code.to_string(), HitKind::Service, &v.title);
            d.for_public = v.for_the_public();
            d.for_agencies = v.for_agencies();
            d.events = v
                .life_event
                .iter()
                .filter_map(|c| event_no.get(c.as_str()).copied())
                .collect();
            for e in &d.events {
                events_services.entry(*e).or_default().push(no);
            }
            // Logarithmic, so that it only separates otherwise equal answers.
            d.popularity = v
                .annual_transactions
                .map(|n| ((n as f32 + 1.0).ln() / (busiest + 1.0).ln()).clamp(0.0, 1.0))
                .unwrap_or(0.0);
            docs.push(d);
            texts.push(t);
        }
        for services in events_services.values_mut() {
            services.sort_by(|a, b| {
                docs[*b as usize]
                    .popularity
                    .total_cmp(&docs[*a as usize].popularity)
                    .then(a.cmp(b))
            });
        }
        for o in s.organisations.values() {
            let t = SearchLang::ALL.map(|l| {
                let mut f: [String; 5] = Default::default();
                f[TITLE] = text_in(&o.name, l).unwrap_or_default().to_owned();
                f
            });
            docs.push(Doc::new(o.code.to_string(), HitKind::Organisation, &o.name));
            texts.push(t);
        }

        // The index, single-threaded so that it is one segment in insertion order (the
        // mapping below does not rely on it, but it keeps the index small).
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(1, 50_000_000)
            .unwrap_or_else(|e| panic!("an in-memory index writer: {e}"));
        for (no, t) in texts.iter().enumerate() {
            let mut doc = TantivyDocument::default();
            doc.add_u64(ord, no as u64);
            for (l, lang) in langs.iter_mut().enumerate() {
                for (f, text) in t[l].iter().enumerate() {
                    if text.is_empty() {
                        continue;
                    }
                    doc.add_text(lang.fields[f], text);
                    let terms = lang.learn(text);
                    docs[no].terms[l][f].extend(terms);
                }
            }
            for lang in langs.iter_mut() {
                let l = lang.lang.index();
                let all: HashSet<&String> = docs[no].terms[l].iter().flatten().collect();
                for term in all {
                    *lang.vocab.entry(term.clone()).or_default() += 1;
                }
                if docs[no].kind == HitKind::Service {
                    let said: HashSet<&String> =
                        docs[no].terms[l][..=BODY].iter().flatten().collect();
                    for term in said {
                        lang.postings
                            .entry(term.clone())
                            .or_default()
                            .push(no as u32);
                    }
                }
            }
            writer
                .add_document(doc)
                .unwrap_or_else(|e| panic!("indexing in memory: {e}"));
        }
        writer
            .commit()
            .unwrap_or_else(|e| panic!("committing in memory: {e}"));
        let reader = index
            .reader()
            .unwrap_or_else(|e| panic!("an in-memory index reader: {e}"));
        let searcher = reader.searcher();
        let segment_docs = searcher
            .segment_readers()
            .iter()
            .map(|seg| {
                let col = seg.fast_fields().u64("ord").ok();
                (0..seg.max_doc())
                    .map(|d| col.as_ref().and_then(|c| c.first(d)).unwrap_or_default() as u32)
                    .collect()
            })
            .collect();

        let needs = taxonomy
            .need
            .values()
            .map(|need| NeedIndex {
                services: find_need(&docs, &langs, need),
            })
            .collect();
        for lang in langs.iter_mut() {
            lang.postings = HashMap::new();
        }
        Finder {
            reader,
            docs,
            segment_docs,
            langs,
            events_services,
            needs,
            version: s.version,
        }
    }

    /// The hits for `query` in `lang` (`en`, `fr`, `es`; `auto` or anything else: detected),
    /// at most `limit`, best first. Never fails: a question with nothing to find has no hit.
    pub fn search(&self, query: &str, lang: &str, limit: usize) -> Vec<Hit> {
        self.find(query, lang, limit).hits
    }

    /// As [`Finder::search`], with the language used and a message when there is no hit.
    pub fn find(&self, query: &str, lang: &str, limit: usize) -> Answer {
        self.find_in(query, lang, limit, Scope::Public)
    }

    /// As [`Finder::find`], among the services of `scope`.
    pub fn find_in(&self, query: &str, lang: &str, limit: usize, scope: Scope) -> Answer {
        let query: String = query.chars().take(500).collect();
        let (langs, detected) = match SearchLang::parse(lang) {
            Some(l) if lang.trim().len() <= 5 => (vec![l], false),
            _ => (self.detect(&query), true),
        };
        let first = langs[0];
        let mut best: HashMap<u32, (f32, String)> = HashMap::new();
        let mut any_word = false;
        for l in &langs {
            let (scored, had_words) = self.langs[l.index()].score(self, &query);
            any_word |= had_words;
            for (no, score, why) in scored {
                let e = best.entry(no).or_insert((f32::MIN, String::new()));
                if score > e.0 {
                    *e = (score, why);
                }
            }
        }
        let mut hits: Vec<(u32, f32, String)> = best
            .into_iter()
            .filter(|(_, (s, _))| *s >= MIN_SCORE)
            .filter(|(no, _)| scope.admits(&self.docs[*no as usize]))
            .map(|(no, (s, why))| (no, s, why))
            .collect();
        hits.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        hits.truncate(limit);
        let messages = &self.langs[first.index()].messages;
        let hits: Vec<Hit> = hits
            .into_iter()
            .map(|(no, score, mut why)| {
                let d = &self.docs[no as usize];
                let sheet_lang = if d.has_title[first.index()] {
                    None
                } else {
                    SearchLang::ALL.into_iter().find(|l| d.has_title[l.index()])
                };
                if let Some(l) = sheet_lang {
                    let name = messages
                        .language_names
                        .get(l.as_str())
                        .map_or(l.as_str(), String::as_str);
                    if !why.is_empty() {
                        why.push_str("; ");
                    }
                    why.push_str(&messages.sheet_in.replace("{language}", name));
                }
                Hit {
                    code: d.code.clone(),
                    kind: d.kind,
                    title: d.titles[first.index()].clone(),
                    score: (score * 1000.0).round() / 1000.0,
                    why,
                    sheet_lang,
                }
            })
            .collect();
        let message = if !hits.is_empty() || limit == 0 {
            None
        } else if !any_word {
            Some(messages.empty.clone())
        } else {
            Some(messages.nothing.replace("{query}", query.trim()))
        };
        Answer {
            hits,
            lang: first,
            detected,
            message,
        }
    }

    /// The languages a question is most likely in: by its stop words and the words the
    /// catalogue knows in each language; all of them when nothing tells them apart.
    pub fn detect(&self, query: &str) -> Vec<SearchLang> {
        let mut scores = [0usize; analysis::N];
        for lang in &self.langs {
            let mut a = lang.analyzer.clone();
            for (word, term) in analysis::words(&mut a, query) {
                if analysis::is_stop_word(lang.lang, &lang.extra_stop, &word) {
                    scores[lang.lang.index()] += 1;
                } else if let Some(t) = term
                    && (lang.vocab.contains_key(&t) || lang.known.contains_key(&t))
                {
                    scores[lang.lang.index()] += 2;
                }
            }
        }
        let top = scores.iter().copied().max().unwrap_or(0);
        let best: Vec<SearchLang> = SearchLang::ALL
            .into_iter()
            .filter(|l| scores[l.index()] == top)
            .collect();
        best
    }

    /// The document number of a tantivy hit.
    fn doc_no(&self, addr: tantivy::DocAddress) -> Option<u32> {
        self.segment_docs
            .get(addr.segment_ord as usize)
            .and_then(|s| s.get(addr.doc_id as usize))
            .copied()
    }

    /// The number of documents indexed.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }
}

impl Doc {
    fn new(code: String, kind: HitKind, title: &Text) -> Doc {
        Doc {
            code,
            kind,
            titles: SearchLang::ALL.map(|l| title.get(l.as_str()).to_owned()),
            has_title: SearchLang::ALL.map(|l| text_in(title, l).is_some_and(|t| !t.is_empty())),
            terms: Default::default(),
            events: Vec::new(),
            popularity: 0.0,
            for_public: true,
            for_agencies: true,
        }
    }
}

impl LangIndex {
    fn with_data(
        mut self,
        d: situations::LanguageData,
        taxonomy: &situations::Taxonomy,
        need_no: &HashMap<&str, usize>,
    ) -> LangIndex {
        for (said, meant) in &d.synonyms {
            let key = analysis::terms(&mut self.analyzer, said);
            let value: Vec<Vec<String>> = meant
                .iter()
                .map(|m| analysis::terms(&mut self.analyzer, m))
                .filter(|t| !t.is_empty())
                .collect();
            if !key.is_empty() && !value.is_empty() {
                for t in &key {
                    self.known.entry(t.clone()).or_insert(0);
                }
                self.synonyms.push((key, said.clone(), value));
            }
        }
        // The situations, then each need's own descriptions in this language: a question that
        // says one finds the services that answer it, whatever language their sheet is in.
        let mut said: Vec<(Vec<usize>, String)> = Vec::new();
        for s in d.situations {
            let needs: Vec<usize> = s
                .needs
                .iter()
                .filter_map(|n| need_no.get(n.as_str()).copied())
                .collect();
            if needs.is_empty() {
                continue;
            }
            said.extend(s.phrases.into_iter().map(|p| (needs.clone(), p)));
        }
        for (name, need) in &taxonomy.need {
            if let Some(no) = need_no.get(name.as_str()) {
                said.extend(
                    need.described(self.lang)
                        .iter()
                        .map(|p| (vec![*no], p.clone())),
                );
            }
        }
        let life_events: Vec<&String> = taxonomy.need.values().map(|n| &n.life_event).collect();
        for (needs, p) in said {
            let terms = analysis::terms(&mut self.analyzer, &p);
            if terms.is_empty() {
                continue;
            }
            let distinct: HashSet<&String> = terms.iter().collect();
            for t in distinct {
                *self.known.entry(t.clone()).or_default() += 1;
            }
            let alts = terms
                .iter()
                .map(|t| {
                    let mut a = vec![t.clone()];
                    // Only one-word equivalences: a word with several meanings would
                    // let the phrase match what it does not say.
                    for (key, _, value) in &self.synonyms {
                        if let ([k], [v]) = (key.as_slice(), value.as_slice())
                            && k == t
                            && v.len() == 1
                        {
                            a.push(v[0].clone());
                        }
                    }
                    a
                })
                .collect();
            self.phrases.push(Phrase {
                alts,
                life_event: life_events[needs[0]].clone(),
                needs,
                text: p,
                terms,
            });
        }
        self
    }
}

/// The services of the catalogue that answer `need`: those whose title (or summary, or steps)
/// says most of one of its descriptions, in any language — the best few.
fn find_need(docs: &[Doc], langs: &[LangIndex], need: &situations::Need) -> Vec<(u32, f32)> {
    let mut fit: HashMap<u32, f32> = HashMap::new();
    for lang in langs {
        for text in need.described(lang.lang) {
            let mut a = lang.analyzer.clone();
            let seq: Vec<(String, String)> = analysis::words(&mut a, text)
                .into_iter()
                .filter_map(|(w, t)| t.filter(|t| t.chars().count() > 1).map(|t| (w, t)))
                .collect();
            let groups = lang.groups(&seq, docs.len(), false);
            let mut candidates: HashSet<u32> = HashSet::new();
            for g in &groups {
                for a in &g.alts {
                    for t in &a.terms {
                        if let Some(p) = lang.postings.get(t) {
                            candidates.extend(p.iter().copied());
                        }
                    }
                }
            }
            for no in candidates {
                let (cover, _, _) = lang.coverage(&docs[no as usize], &groups, &NEED_COVER);
                if cover >= NEED_FIT {
                    let e = fit.entry(no).or_default();
                    *e = e.max(cover);
                }
            }
        }
    }
    let mut found: Vec<(u32, f32)> = fit.into_iter().collect();
    found.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(
                docs[b.0 as usize]
                    .popularity
                    .total_cmp(&docs[a.0 as usize].popularity),
            )
            .then(a.0.cmp(&b.0))
    });
    let best = found.first().map_or(0.0, |f| f.1);
    found.retain(|f| f.1 >= 0.8 * best);
    found.truncate(NEED_SERVICES);
    found
}

impl LangIndex {
    /// The terms of `text`, remembering how each was written.
    fn learn(&mut self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (word, term) in analysis::words(&mut self.analyzer, text) {
            if let Some(t) = term {
                self.surface
                    .entry(t.clone())
                    .or_insert_with(|| analysis::fold(&word));
                out.push(t);
            }
        }
        out
    }

    fn is_known(&self, term: &str) -> bool {
        self.vocab.contains_key(term) || self.known.contains_key(term)
    }

    /// The known terms closest to an unknown one, within `budget` edits: the nearest, the
    /// most frequent first, at most three.
    fn corrections(&self, term: &str, budget: usize) -> Vec<(String, usize)> {
        let mut found: Vec<(usize, u32, &String)> = self
            .vocab
            .iter()
            .chain(self.known.iter())
            .filter_map(|(t, df)| analysis::distance(term, t, budget).map(|d| (d, *df, t)))
            .collect();
        found.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(b.2)));
        found.dedup_by(|a, b| a.2 == b.2);
        let Some(nearest) = found.first().map(|f| f.0) else {
            return Vec::new();
        };
        found
            .into_iter()
            .filter(|f| f.0 == nearest)
            .take(3)
            .map(|(d, _, t)| (t.clone(), d))
            .collect()
    }

    /// The question's words as groups of alternatives.
    fn groups(&self, seq: &[(String, String)], n: usize, typos: bool) -> Vec<Group> {
        let mut groups: Vec<Group> = seq
            .iter()
            .map(|(said, term)| {
                let mut alts = Vec::new();
                if self.is_known(term) {
                    alts.push(Alt {
                        terms: vec![term.clone()],
                        weight: 1.0,
                        typo_of: None,
                    });
                } else {
                    let len = term.chars().count().min(said.chars().count());
                    let budget = analysis::typo_budget(len);
                    if budget > 0 && typos {
                        for (t, d) in self.corrections(term, budget) {
                            alts.push(Alt {
                                terms: vec![t],
                                weight: TYPO[d.min(2)],
                                typo_of: Some(said.clone()),
                            });
                        }
                    }
                }
                Group {
                    said: said.clone(),
                    alts,
                    idf: 0.0,
                }
            })
            .collect();
        // Synonyms, on what each word was read as; a phrase's words become one group.
        let canon: Vec<String> = groups
            .iter()
            .map(|g| g.alts.first().map(|a| a.terms.concat()).unwrap_or_default())
            .collect();
        let mut absorbed = vec![false; groups.len()];
        for (key, said, value) in &self.synonyms {
            if key.len() > canon.len() {
                continue;
            }
            for start in 0..=canon.len() - key.len() {
                if canon[start..start + key.len()] != key[..]
                    || absorbed[start..start + key.len()].iter().any(|a| *a)
                {
                    continue;
                }
                if key.len() > 1 {
                    // The words of the phrase become one group: the phrase itself (all its
                    // words), or what it means.
                    for k in 1..key.len() {
                        absorbed[start + k] = true;
                    }
                    groups[start].said = said.clone();
                    groups[start].alts = vec![Alt {
                        terms: key.clone(),
                        weight: 1.0,
                        typo_of: None,
                    }];
                }
                for v in value {
                    if !groups[start].alts.iter().any(|a| &a.terms == v) {
                        groups[start].alts.push(Alt {
                            terms: v.clone(),
                            weight: SYNONYM,
                            typo_of: None,
                        });
                    }
                }
            }
        }
        let rare = idf(n, 1);
        groups
            .into_iter()
            .zip(absorbed)
            .filter(|(g, a)| !a && !g.alts.is_empty())
            .map(|(mut g, _)| {
                // A word no document has still counts: what it asks for is not there.
                g.idf = g
                    .alts
                    .iter()
                    .map(|a| {
                        a.terms
                            .iter()
                            .map(|t| self.vocab.get(t).map_or(rare, |df| idf(n, *df)))
                            .fold(0.0, f32::max)
                    })
                    .fold(0.0, f32::max);
                g
            })
            .collect()
    }

    /// How much of the question `d` covers (0–1), with the words it matched.
    fn coverage<'g>(
        &self,
        d: &Doc,
        groups: &'g [Group],
        weights: &[f32; 5],
    ) -> (f32, Vec<&'g Group>, Vec<&'g Alt>) {
        let l = self.lang.index();
        let total: f32 = groups.iter().map(|g| g.idf).sum();
        let mut got = 0.0;
        let mut matched = Vec::new();
        let mut typos = Vec::new();
        for g in groups {
            let mut best: Option<(f32, &Alt)> = None;
            for a in &g.alts {
                // Each term in its best field; the alternative counts as its weakest term.
                let mut v = a.weight;
                for t in &a.terms {
                    let field = d.terms[l].iter().position(|terms| terms.contains(t));
                    v *= field.map_or(0.0, |f| weights[f]);
                }
                if v > 0.0 && best.is_none_or(|(b, _)| v > b) {
                    best = Some((v, a));
                }
            }
            if let Some((v, a)) = best {
                got += g.idf * v;
                matched.push(g);
                if a.typo_of.is_some() {
                    typos.push(a);
                }
            }
        }
        let cover = if total > 0.0 { got / total } else { 0.0 };
        (cover, matched, typos)
    }

    /// Every document the question finds in this language, scored, with the reason; and
    /// whether the question had any meaningful word.
    fn score(&self, f: &Finder, query: &str) -> (Vec<(u32, f32, String)>, bool) {
        let mut a = self.analyzer.clone();
        let seq: Vec<(String, String)> = analysis::words(&mut a, query)
            .into_iter()
            .filter_map(|(w, t)| t.filter(|t| t.chars().count() > 1).map(|t| (w, t)))
            .collect();
        if seq.is_empty() {
            return (Vec::new(), false);
        }
        let groups = self.groups(&seq, f.docs.len(), true);
        if groups.is_empty() {
            return (Vec::new(), true);
        }

        // BM25 with field boosts, plus the question's word pairs as phrases of the title.
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for g in &groups {
            for a in &g.alts {
                for t in a.terms.iter().filter(|t| self.vocab.contains_key(*t)) {
                    for (fi, field) in self.fields.iter().enumerate() {
                        let q = TermQuery::new(
                            Term::from_field_text(*field, t),
                            IndexRecordOption::WithFreqs,
                        );
                        clauses.push((
                            Occur::Should,
                            Box::new(BoostQuery::new(Box::new(q), BOOSTS[fi] * a.weight)),
                        ));
                    }
                }
            }
        }
        for w in groups.windows(2) {
            if let (Some([x]), Some([y])) = (
                w[0].alts.first().map(|a| a.terms.as_slice()),
                w[1].alts.first().map(|a| a.terms.as_slice()),
            ) && self.vocab.contains_key(x)
                && self.vocab.contains_key(y)
                && x != y
            {
                let mut pq = PhraseQuery::new(vec![
                    Term::from_field_text(self.fields[TITLE], x),
                    Term::from_field_text(self.fields[TITLE], y),
                ]);
                pq.set_slop(2);
                clauses.push((Occur::Should, Box::new(BoostQuery::new(Box::new(pq), 2.0))));
            }
        }
        let mut bm25: HashMap<u32, f32> = HashMap::new();
        if !clauses.is_empty() {
            let searcher = f.reader.searcher();
            let top = searcher
                .search(
                    &BooleanQuery::new(clauses),
                    &TopDocs::with_limit(CANDIDATES).order_by_score(),
                )
                .unwrap_or_default();
            for (s, addr) in top {
                if let Some(no) = f.doc_no(addr) {
                    bm25.insert(no, s);
                }
            }
        }
        let bm_max = bm25.values().copied().fold(0.0, f32::max);

        // Situations: how much of a phrase the question says, and how much of the question
        // the phrase explains.
        let total_idf: f32 = groups.iter().map(|g| g.idf).sum();
        let n_phrases = self.phrases.len();
        let mut events: HashMap<u32, (f32, &Phrase)> = HashMap::new();
        let mut lifts: HashMap<u32, (f32, &Phrase)> = HashMap::new();
        for p in &self.phrases {
            let mut tot = 0.0;
            let mut got = 0.0;
            // Each word of the question stands for one word of the phrase at most.
            let mut used = vec![false; groups.len()];
            let mut seen: HashSet<&String> = HashSet::new();
            for (t, said) in p.terms.iter().zip(&p.alts) {
                if !seen.insert(t) {
                    continue;
                }
                let w = idf(n_phrases, self.known.get(t).copied().unwrap_or(1));
                tot += w;
                let mut best: Option<(f32, usize)> = None;
                for (gi, g) in groups.iter().enumerate().filter(|(gi, _)| !used[*gi]) {
                    for a in g
                        .alts
                        .iter()
                        .filter(|a| a.terms.iter().all(|t| said.contains(t)))
                    {
                        if best.is_none_or(|(b, _)| a.weight > b) {
                            best = Some((a.weight, gi));
                        }
                    }
                }
                if let Some((v, gi)) = best {
                    used[gi] = true;
                    got += w * v;
                }
            }
            if tot <= 0.0 || got <= 0.0 {
                continue;
            }
            let phrase_cov = got / tot;
            // Most of the phrase must be said: one word of two is a coincidence.
            if phrase_cov < 0.6 {
                continue;
            }
            let query_cov: f32 = groups
                .iter()
                .zip(&used)
                .filter(|(_, u)| **u)
                .map(|(g, _)| g.idf)
                .sum::<f32>()
                / total_idf.max(f32::EPSILON);
            let s = phrase_cov * (0.2 + 0.8 * query_cov);
            // The services that answer the needs, the first needs the most; then the other
            // services of their life events in the catalogue, less: the busiest few here, any
            // other when the question's words found it too (below), so that an event of
            // thousands of services costs no more than one of ten.
            let mut lift = |no: u32, v: f32| {
                let e = lifts.entry(no).or_insert((0.0, p));
                if v > e.0 {
                    *e = (v, p);
                }
            };
            let mut catalogue_events: Vec<u32> = Vec::new();
            for (i, need) in p.needs.iter().enumerate() {
                let k = 1.0 - 0.1 * (i as f32).min(5.0);
                for (no, fit) in &f.needs[*need].services {
                    lift(*no, s * k * (0.5 + 0.5 * fit));
                    for e in &f.docs[*no as usize].events {
                        if !catalogue_events.contains(e) {
                            catalogue_events.push(*e);
                        }
                    }
                }
            }
            for ev in catalogue_events {
                let e = events.entry(ev).or_insert((0.0, p));
                if s > e.0 {
                    *e = (s, p);
                }
                let all = f.events_services.get(&ev).map(Vec::as_slice).unwrap_or(&[]);
                for no in all.iter().take(EVENT_SERVICES) {
                    lift(*no, s * 0.4);
                }
            }
        }

        let mut candidates: HashSet<u32> = bm25.keys().copied().collect();
        candidates.extend(events.keys().copied());
        candidates.extend(lifts.keys().copied());
        let m = &self.messages;
        let l = self.lang.index();
        let mut out = Vec::new();
        for no in candidates {
            let d = &f.docs[no as usize];
            let (cover, matched, typos) = self.coverage(d, &groups, &COVER);
            let bm = if bm_max > 0.0 {
                bm25.get(&no).copied().unwrap_or(0.0) / bm_max
            } else {
                0.0
            };
            let text = if cover > 0.0 {
                0.75 * cover + 0.25 * bm
            } else {
                0.0
            };
            let mut why: Vec<String> = Vec::new();
            let from_event = d
                .events
                .iter()
                .filter_map(|e| events.get(e))
                .map(|(s, p)| (s * 0.4, *p))
                .max_by(|a, b| a.0.total_cmp(&b.0));
            let lifted = match (lifts.get(&no).copied(), from_event) {
                (Some(a), Some(b)) => Some(if a.0 >= b.0 { a } else { b }),
                (a, b) => a.or(b),
            };
            let situation = match d.kind {
                HitKind::Service => lifted.as_ref(),
                HitKind::LifeEvent => events.get(&no),
                HitKind::Organisation => None,
            };
            if let Some((_, p)) = situation {
                // The catalogue's own life event when it has one, else the taxonomy's.
                let event = match d.kind {
                    HitKind::LifeEvent => Some(&d.titles[l]),
                    _ => d.events.first().map(|e| &f.docs[*e as usize].titles[l]),
                };
                let event = event
                    .or_else(|| self.event_names.get(&p.life_event))
                    .map_or("", String::as_str);
                why.push(
                    m.situation
                        .replace("{event}", event)
                        .replace("{phrase}", &p.text),
                );
            }
            if !matched.is_empty() {
                let words: Vec<String> = matched.iter().map(|g| format!("“{}”", g.said)).collect();
                why.push(m.matches.replace("{words}", &words.join(", ")));
            }
            for a in typos {
                let typed = a.typo_of.as_deref().unwrap_or_default();
                let term = a.terms.concat();
                let word = self.surface.get(&term).unwrap_or(&term);
                why.push(m.typo.replace("{typed}", typed).replace("{word}", word));
            }
            let lift = situation.map_or(0.0, |(s, _)| *s);
            let score = match d.kind {
                HitKind::Service => text + lift + 0.03 * d.popularity,
                HitKind::LifeEvent => 0.9 * text.max(lift),
                HitKind::Organisation => 0.8 * text,
            };
            if score > 0.0 {
                out.push((no, score, why.join("; ")));
            }
        }
        (out, true)
    }
}

#[cfg(test)]
mod tests;
