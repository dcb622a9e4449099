//! The finder on the development half of its evaluation questions (`tests/eval/`), for the
//! demo country and for another country's catalogue that no finder data was written for.
//! Prints the questions missed, so that a change to the method shows what it costs. The frozen
//! test half is only measured, by the benchmark (`benches/finder.rs`).

#[path = "eval/harness.rs"]
mod harness;

use agenda_search::{Finder, SearchLang};

fn dev(tsv: &str) -> Vec<harness::Question> {
    harness::questions(tsv)
        .into_iter()
        .filter(|q| q.half == "dev")
        .collect()
}

fn run(name: &str, finder: &Finder, qs: &[harness::Question]) -> harness::Report {
    let r = harness::evaluate(qs, |q, l| {
        finder.search(q, l, 3).into_iter().map(|h| h.code).collect()
    });
    for m in &r.misses {
        println!("  {name}: {m}");
    }
    println!("{name}: {}", harness::line(&r));
    r
}

#[test]
fn the_demo_country_is_found_in_three_languages() {
    let qs: Vec<_> = dev(harness::DEMO)
        .into_iter()
        .filter(|q| ["en", "fr", "es"].contains(&q.lang.as_str()))
        .collect();
    let r = run("demo", &Finder::build(&harness::demo()), &qs);
    // Floors under what the finder reaches, so that a regression shows.
    assert!(
        r.all.top3() >= 85.0 && r.all.top1() >= 70.0,
        "{}",
        harness::line(&r)
    );
}

#[test]
fn the_demo_country_is_found_in_arabic_and_portuguese() {
    let qs: Vec<_> = dev(harness::DEMO)
        .into_iter()
        .filter(|q| ["ar", "pt"].contains(&q.lang.as_str()))
        .collect();
    let r = run("demo ar/pt", &Finder::build(&harness::demo()), &qs);
    for lang in ["ar", "pt"] {
        let t = &r.by_lang[lang];
        assert_eq!(t.n, 32, "{lang}");
        // Floors under what the finder reaches, so that a regression shows.
        assert!(
            t.top3() >= 85.0 && t.top1() >= 70.0,
            "{lang}: {}",
            harness::line(&r)
        );
    }
}

#[test]
fn another_countrys_catalogue_is_found_without_phrases_written_for_it() {
    let s = harness::other_country();
    assert!(s.services.keys().all(|c| c.as_str().starts_with("PS-")));
    let finder = Finder::build(&s);
    let qs = dev(harness::OTHER);
    let r = run("other", &finder, &qs);
    assert!(r.all.top3() >= 75.0, "{}", harness::line(&r));
    // Questions that only describe what happened, in the three languages.
    let situations = &r.by_kind["life_event"];
    assert!(
        situations.top3() >= 75.0,
        "situations: {:.0} %",
        situations.top3()
    );
}

#[test]
fn a_spanish_question_finds_a_service_whose_sheet_is_only_in_english() {
    let finder = Finder::build(&harness::other_country());
    // "Survivors' benefit" has no Spanish title nor summary.
    let hits = finder.search("cobrar la pensión de viudedad", "es", 3);
    let hit = hits
        .iter()
        .find(|h| h.code == "PS-1102")
        .unwrap_or_else(|| panic!("{hits:?}"));
    assert_eq!(hit.sheet_lang, Some(SearchLang::En));
    assert!(hit.why.contains("inglés"), "{}", hit.why);
}
