use std::sync::{Arc, OnceLock};

use super::*;
use crate::analysis::{SearchLang, analyzer, distance, extra_stop_words, terms, typo_budget};

fn demo() -> Snapshot {
    let sdg = Arc::new(agenda_io::embedded::sdg().expect("sdg"));
    let empty = Snapshot::empty(sdg);
    let plan = agenda_io::plan_import(&empty, &agenda_io::embedded::demo_tables().expect("demo"))
        .expect("the demo imports");
    agenda_io::apply_in_memory(&empty, &plan)
}

fn finder() -> &'static Finder {
    static F: OnceLock<Finder> = OnceLock::new();
    F.get_or_init(|| Finder::build(&demo()))
}

fn analyse(lang: SearchLang, text: &str) -> Vec<String> {
    let data = situations::builtin(lang);
    terms(
        &mut analyzer(lang, &extra_stop_words(&data.stop_words)),
        text,
    )
}

fn top(q: &str, lang: &str, n: usize) -> Vec<String> {
    finder()
        .search(q, lang, n)
        .into_iter()
        .map(|h| h.code)
        .collect()
}

#[test]
fn english_is_stemmed_lower_cased_and_stripped_of_stop_words() {
    assert_eq!(
        analyse(SearchLang::En, "Registering the Births"),
        ["regist", "birth"]
    );
    assert_eq!(
        analyse(SearchLang::En, "register a birth"),
        ["regist", "birth"]
    );
    assert_eq!(
        analyse(SearchLang::En, "How do I renew my passport?"),
        ["renew", "passport"]
    );
}

#[test]
fn french_folds_accents_and_elisions() {
    // Typed with or without accents, the same terms.
    assert_eq!(
        analyse(SearchLang::Fr, "Décès"),
        analyse(SearchLang::Fr, "deces")
    );
    assert_eq!(
        analyse(SearchLang::Fr, "changement d'adresse"),
        analyse(SearchLang::Fr, "changements adresses")
    );
    assert_eq!(
        analyse(SearchLang::Fr, "je veux le permis"),
        analyse(SearchLang::Fr, "permis")
    );
}

#[test]
fn spanish_folds_accents_and_stems() {
    assert_eq!(
        analyse(SearchLang::Es, "pensión de jubilación"),
        analyse(SearchLang::Es, "pension jubilacion")
    );
    assert_eq!(
        analyse(SearchLang::Es, "matricular"),
        analyse(SearchLang::Es, "matriculé")
    );
    assert_eq!(
        analyse(SearchLang::Es, "quiero renovar el pasaporte"),
        analyse(SearchLang::Es, "renovar pasaporte")
    );
}

#[test]
fn typos_are_tolerated_by_word_length() {
    assert_eq!(typo_budget(4), 0);
    assert_eq!(typo_budget(5), 1);
    assert_eq!(typo_budget(9), 2);
    assert_eq!(distance("benifit", "benefit", 1), Some(1));
    assert_eq!(distance("pasport", "passport", 1), Some(1));
    assert_eq!(
        distance("recieve", "receive", 1),
        Some(1),
        "a transposition is one edit"
    );
    assert_eq!(distance("licence", "vehicle", 2), None);
    assert_eq!(top("housing benifit", "en", 1), ["SVC-026"]);
    assert_eq!(top("pasport renewal", "en", 1), ["SVC-043"]);
    assert_eq!(top("renovar pasaprte", "es", 1), ["SVC-043"]);
    let why = &finder().search("housing benifit", "en", 1)[0].why;
    assert!(why.contains("“benifit” read as “benefit"), "{why}");
    // Short words are not corrected: "cat" is not "car".
    assert!(top("cat", "en", 3).is_empty());
}

#[test]
fn situations_lift_the_services_of_their_needs() {
    assert_eq!(top("my mum passed away", "en", 2), ["SVC-068", "SVC-069"]);
    assert_eq!(top("we just had a baby", "en", 1), ["SVC-001"]);
    assert_eq!(top("je me marie", "fr", 1), ["SVC-048"]);
    let mut jobless = top("perdí mi trabajo", "es", 2);
    jobless.sort();
    assert_eq!(jobless, ["SVC-021", "SVC-022"]);
    let hits = finder().search("my dad died", "en", 10);
    assert!(
        hits.iter()
            .any(|h| h.kind == HitKind::LifeEvent && h.code == "LE-DEATH")
    );
    assert!(
        hits[0].why.contains("Death of a relative"),
        "{}",
        hits[0].why
    );
}

#[test]
fn every_situation_names_needs_of_the_taxonomy_and_every_need_is_found_in_the_demo() {
    let taxonomy = situations::taxonomy();
    for need in taxonomy.need.values() {
        assert!(
            taxonomy.life_event.contains_key(&need.life_event),
            "{}",
            need.life_event
        );
    }
    for lang in SearchLang::ALL {
        let data = situations::builtin(lang);
        assert_eq!(data.language, lang.as_str());
        let mut events = std::collections::BTreeSet::new();
        for sit in &data.situations {
            assert!(!sit.needs.is_empty() && !sit.phrases.is_empty());
            for n in &sit.needs {
                let need = taxonomy.need.get(n);
                assert!(need.is_some(), "{lang:?}: no need {n}");
                events.extend(need.map(|n| n.life_event.clone()));
            }
        }
        assert_eq!(
            events.len(),
            taxonomy.life_event.len(),
            "{lang:?}: every life event has situations"
        );
    }
    // The demo country was not written for the taxonomy, nor the taxonomy for its codes: each
    // need is still found among its services by its description.
    let f = finder();
    for (name, found) in taxonomy.need.keys().zip(&f.needs) {
        assert!(
            !found.services.is_empty(),
            "no demo service for the need {name}"
        );
    }
}

#[test]
fn a_question_in_one_language_finds_a_sheet_only_in_another() {
    let mut s = demo();
    let mut v = s
        .services
        .get("SVC-087")
        .cloned()
        .expect("the fishing licence");
    v.title = agenda_core::Text::en("Buy a fishing licence").expect("a title");
    v.summary = None;
    s.services.insert(v.code.to_string(), v);
    let f = Finder::build(&s);
    let hits = f.search("licencia de pesca", "es", 3);
    let hit = hits
        .iter()
        .find(|h| h.code == "SVC-087")
        .expect("found in English");
    assert_eq!(hit.sheet_lang, Some(SearchLang::En));
    assert!(hit.why.contains("inglés"), "{}", hit.why);
    // With its sheet in the question's language, nothing is said.
    let hit = &finder().search("licencia de pesca", "es", 1)[0];
    assert_eq!((hit.code.as_str(), hit.sheet_lang), ("SVC-087", None));
}

#[test]
fn the_index_is_rebuilt_in_the_background_while_questions_use_the_previous_one() {
    let first = Arc::new(demo());
    let live = LiveFinder::default();
    assert_eq!(live.get(&first).version, first.version);

    // A new version of the catalogue, whose index cannot be finished until the test says so:
    // a question that waited for it would never return.
    let mut changed = (*first).clone();
    changed.version += 1;
    let mut v = changed.services.get("SVC-087").cloned().expect("a service");
    v.title = agenda_core::Text::en("Buy a salmon angling permit").expect("a title");
    changed.services.insert(v.code.to_string(), v);
    let changed = Arc::new(changed);
    let (go, wait) = std::sync::mpsc::channel::<()>();
    let f = live.get_with(&changed, move |s| {
        wait.recv().ok();
        Finder::build(s)
    });
    assert_eq!(
        f.version, first.version,
        "answered at once by the previous index"
    );
    assert!(f.search("salmon", "en", 3).is_empty());
    // Questions asked meanwhile start no second build and still get the previous index.
    assert_eq!(live.get(&changed).version, first.version);

    go.send(()).expect("the build waits");
    let later = loop {
        let f = live.get(&changed);
        if f.version == changed.version {
            break f;
        }
        std::thread::yield_now();
    };
    assert_eq!(later.search("salmon angling", "en", 1)[0].code, "SVC-087");
}

#[test]
fn an_empty_or_absurd_question_has_no_hit_and_a_message() {
    for (q, lang) in [
        ("", "en"),
        ("   ", "fr"),
        ("the and of", "en"),
        ("?!", "es"),
    ] {
        let a = finder().find(q, lang, 5);
        assert!(a.hits.is_empty(), "{q:?}");
        assert!(a.message.as_deref().is_some_and(|m| !m.is_empty()), "{q:?}");
    }
    let a = finder().find("xqzvbw plorkt", "en", 5);
    assert!(a.hits.is_empty());
    assert!(a.message.unwrap().contains("xqzvbw plorkt"));
    let long = "passport ".repeat(10_000);
    assert!(!finder().search(&long, "en", 3).is_empty());
}

#[test]
fn the_language_is_detected_when_not_given() {
    let a = finder().find("je veux renouveler mon passeport", "auto", 3);
    assert_eq!((a.lang, a.detected), (SearchLang::Fr, true));
    assert_eq!(a.hits[0].code, "SVC-043");
    let a = finder().find("quiero cambiar mi domicilio", "", 3);
    assert_eq!(a.lang, SearchLang::Es);
    assert_eq!(a.hits[0].code, "SVC-025");
    assert_eq!(
        finder().find("register a birth", "xx", 1).lang,
        SearchLang::En
    );
}

#[test]
fn titles_outrank_summaries_and_hits_come_best_first() {
    let hits = finder().search("passport", "en", 10);
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    // "passport" is in the titles of SVC-043 and SVC-007, only in the summary of SVC-002.
    let pos = |c: &str| hits.iter().position(|h| h.code == c);
    assert!(pos("SVC-043") < pos("SVC-002") || pos("SVC-002").is_none());
    assert!(
        hits.iter()
            .any(|h| h.kind == HitKind::Organisation && h.code == "PAS")
    );
    assert_eq!(finder().search("passport", "en", 2).len(), 2);
}

#[test]
fn an_empty_catalogue_finds_nothing() {
    let f = Finder::build(&Snapshot::default());
    assert!(f.is_empty());
    assert!(f.search("passport", "en", 5).is_empty());
}

#[test]
fn services_only_for_agencies_are_found_only_when_asked_for() {
    let mut s = demo();
    let mut g2g = s.services["SVC-043"].clone();
    g2g.audience = vec![agenda_core::Audience::Government];
    s.upsert(g2g.into());
    let f = Finder::build(&s);
    let codes = |scope: Scope, n: usize| -> Vec<String> {
        f.find_in("passport", "en", n, scope)
            .hits
            .into_iter()
            .filter(|h| h.kind == HitKind::Service)
            .map(|h| h.code)
            .collect()
    };
    let public = codes(Scope::Public, 10);
    assert!(!public.is_empty());
    assert!(!public.contains(&"SVC-043".to_owned()), "{public:?}");
    assert_eq!(codes(Scope::Agencies, 10), ["SVC-043"]);
    // The limit counts what is left, not what was filtered out.
    assert_eq!(f.find_in("passport", "en", 2, Scope::Public).hits.len(), 2);
    assert_eq!(f.search("passport", "en", 10).len(), {
        f.find_in("passport", "en", 10, Scope::Public).hits.len()
    });
}
