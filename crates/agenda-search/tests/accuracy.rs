//! Accuracy of the finder on the demo country: the share of questions whose first hit (top-1)
//! or one of whose first three hits (top-3) is an expected service. Printed for each fixture,
//! with the questions missed, so that a change to the method shows what it costs.

use std::sync::Arc;

use agenda_core::Snapshot;
use agenda_search::Finder;

fn demo() -> Snapshot {
    let sdg = Arc::new(agenda_io::embedded::sdg().expect("sdg"));
    let empty = Snapshot::empty(sdg);
    let plan = agenda_io::plan_import(&empty, &agenda_io::embedded::demo_tables().expect("demo"))
        .expect("the demo imports");
    agenda_io::apply_in_memory(&empty, &plan)
}

/// (top-1, top-3) over the questions of `tsv`.
fn accuracy(finder: &Finder, name: &str, tsv: &str) -> (f64, f64) {
    let (mut n, mut top1, mut top3) = (0usize, 0usize, 0usize);
    for line in tsv.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let [query, lang, expected, kind] = cols[..] else {
            panic!("{name}: a row needs 4 columns: {line:?}");
        };
        let expected: Vec<&str> = expected.split(';').collect();
        let hits = finder.search(query, lang, 3);
        let codes: Vec<&str> = hits.iter().map(|h| h.code.as_str()).collect();
        n += 1;
        let first = codes.first().is_some_and(|c| expected.contains(c));
        let any = codes.iter().any(|c| expected.contains(c));
        top1 += usize::from(first);
        top3 += usize::from(any);
        if !first {
            println!(
                "  {name} {}: [{kind}/{lang}] {query:?} → {codes:?}, expected {expected:?}",
                if any { "top-3 only" } else { "MISSED" }
            );
        }
    }
    let (t1, t3) = (top1 as f64 / n as f64, top3 as f64 / n as f64);
    println!(
        "{name}: {n} questions, top-1 {:.1} %, top-3 {:.1} %",
        t1 * 100.0,
        t3 * 100.0
    );
    (t1, t3)
}

#[test]
fn the_finder_answers_citizens_questions() {
    let finder = Finder::build(&demo());
    let (s1, s3) = accuracy(
        &finder,
        "sample",
        include_str!("fixtures/finder-sample.tsv"),
    );
    let (e1, e3) = accuracy(&finder, "extra", include_str!("fixtures/finder-extra.tsv"));
    // Floors well under what the finder reaches, so that a regression shows.
    assert!(
        s3 >= 0.8 && e3 >= 0.8,
        "top-3: sample {s3:.2}, extra {e3:.2}"
    );
    assert!(
        s1 >= 0.7 && e1 >= 0.7,
        "top-1: sample {s1:.2}, extra {e1:.2}"
    );
}
