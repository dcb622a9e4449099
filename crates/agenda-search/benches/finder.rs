//! The finder against a baseline, SQLite FTS5 (bm25 ranking, `porter unicode61
//! remove_diacritics 2` tokenizer, the same field weights), measured in the same run:
//!
//! - top-1 / top-3 accuracy, per language and kind, on the evaluation questions of
//!   `tests/eval/` — development and frozen test halves — for the demo country (90 services)
//!   and for another country's catalogue that no finder data was written for; and on the
//!   smoke-test questions of `tests/fixtures/`;
//! - p50 / p99 latency of one question on a national catalogue: the demo country plus
//!   10,000 generated services, every question asked in turn; the index's build time and the
//!   memory it holds (resident set growth; 100,000 services with `AGENDA_BENCH_LARGE=1`).
//!
//! `cargo bench -p agenda-search --bench finder`
//! (`AGENDA_BENCH_SERVICES` changes the number of generated services).

use std::time::{Duration, Instant};

#[path = "../tests/eval/harness.rs"]
mod harness;

use agenda_core::{Snapshot, Text};
use agenda_search::Finder;
use rusqlite::Connection;

const SAMPLE: &str = include_str!("../tests/fixtures/finder-sample.tsv");
const EXTRA: &str = include_str!("../tests/fixtures/finder-extra.tsv");
const LANGS: [&str; 5] = ["en", "fr", "es", "ar", "pt"];
/// bm25 weights of the FTS5 columns, per language: title, summary, body, events, org — the
/// finder's own field boosts.
const WEIGHTS: [f64; 5] = [3.0, 1.6, 1.0, 0.7, 0.5];

fn exact<'a>(t: &'a Text, lang: &str) -> &'a str {
    t.langs()
        .find(|l| l.as_str() == lang)
        .and_then(|l| t.exact(l))
        .unwrap_or_default()
}

/// The services of `s` in an in-memory FTS5 table, one column per field and language.
fn fts5(s: &Snapshot) -> Connection {
    let db = Connection::open_in_memory().expect("sqlite");
    let cols: Vec<String> = LANGS
        .iter()
        .flat_map(|l| ["title", "summary", "body", "events", "org"].map(|f| format!("{f}_{l}")))
        .collect();
    db.execute_batch(&format!(
        "CREATE VIRTUAL TABLE svc USING fts5(code UNINDEXED, {}, \
         tokenize = 'porter unicode61 remove_diacritics 2');",
        cols.join(", ")
    ))
    .expect("FTS5 is compiled in");
    let tx = db.unchecked_transaction().expect("tx");
    {
        let marks = vec!["?"; cols.len() + 1].join(", ");
        let mut ins = tx
            .prepare(&format!("INSERT INTO svc VALUES ({marks})"))
            .expect("insert");
        for v in s.services.values() {
            let mut row: Vec<String> = vec![v.code.to_string()];
            for l in LANGS {
                let opt = |t: &Option<Text>| -> String {
                    t.as_ref()
                        .map(|t| exact(t, l))
                        .unwrap_or_default()
                        .to_owned()
                };
                row.push(exact(&v.title, l).to_owned());
                row.push(opt(&v.summary));
                row.push(format!("{}\n{}", opt(&v.steps), opt(&v.outcome)));
                row.push(
                    v.life_event
                        .iter()
                        .filter_map(|e| s.life_events.get(e.as_str()))
                        .map(|e| exact(&e.title, l))
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
                row.push(
                    s.organisations
                        .get(v.owner_code.as_str())
                        .map(|o| exact(&o.name, l))
                        .unwrap_or_default()
                        .to_owned(),
                );
            }
            ins.execute(rusqlite::params_from_iter(row)).expect("row");
        }
    }
    tx.commit().expect("commit");
    db
}

/// The FTS5 answer: any of the question's words (all of them would answer almost no natural
/// question) in the language's columns, ranked by bm25.
fn fts5_search(db: &Connection, query: &str, lang: &str, limit: usize) -> Vec<String> {
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{}\"", w.to_lowercase()))
        .collect();
    if words.is_empty() {
        return Vec::new();
    }
    let l = LANGS.iter().position(|x| *x == lang).unwrap_or(0);
    let cols: Vec<String> = ["title", "summary", "body", "events", "org"]
        .iter()
        .map(|f| format!("{f}_{lang}"))
        .collect();
    // bm25 takes one weight per column, in table order: the other languages' are 0.
    let mut weights = [0.0; LANGS.len() * 5];
    weights[l * 5..l * 5 + 5].copy_from_slice(&WEIGHTS);
    let sql = format!(
        "SELECT code FROM svc WHERE svc MATCH ?1 ORDER BY bm25(svc, 0.0, {}) LIMIT ?2",
        weights
            .iter()
            .map(|w| format!("{w:.1}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let matched = format!("{{{}}} : ({})", cols.join(" "), words.join(" OR "));
    let mut st = db.prepare_cached(&sql).expect("query");
    st.query_map(rusqlite::params![matched, limit as i64], |r| r.get(0))
        .expect("search")
        .filter_map(Result::ok)
        .collect()
}

fn finder_search(f: &Finder, query: &str, lang: &str, limit: usize) -> Vec<String> {
    f.search(query, lang, limit)
        .into_iter()
        .map(|h| h.code)
        .collect()
}

fn percentiles(mut d: Vec<Duration>) -> (f64, f64) {
    d.sort();
    let at = |p: f64| d[((d.len() as f64 * p).ceil() as usize).clamp(1, d.len()) - 1];
    let ms = |x: Duration| x.as_secs_f64() * 1000.0;
    (ms(at(0.50)), ms(at(0.99)))
}

fn main() {
    // `cargo test --benches` runs this with `--test`: one quick pass is enough there.
    let quick = std::env::args().any(|a| a == "--test");
    let n: usize = std::env::var("AGENDA_BENCH_SERVICES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if quick { 200 } else { 10_000 });
    let demo = harness::demo();
    let other = harness::other_country();
    let eval_demo = harness::questions(harness::DEMO);
    let eval_other = harness::questions(harness::OTHER);
    let mut all = harness::questions(SAMPLE);
    let sample_len = all.len();
    all.extend(harness::questions(EXTRA));

    println!("accuracy: top-1 / top-3 %, then per language and kind");
    for (name, snapshot, qs) in [
        ("demo country", &demo, &eval_demo),
        ("other country", &other, &eval_other),
    ] {
        let finder = Finder::build(snapshot);
        let db = fts5(snapshot);
        println!("{name} ({} services)", snapshot.services.len());
        for half in ["dev", "test"] {
            let part: Vec<&harness::Question> = qs.iter().filter(|q| q.half == half).collect();
            let f = harness::evaluate(part.iter().copied(), |q, l| finder_search(&finder, q, l, 3));
            let b = harness::evaluate(part.iter().copied(), |q, l| fts5_search(&db, q, l, 3));
            println!("  {half:4}  finder {}", harness::line(&f));
            println!("  {half:4}  FTS5   {}", harness::line(&b));
        }
    }
    let finder = Finder::build(&demo);
    let db = fts5(&demo);
    for (name, qs) in [
        ("sample", &all[..sample_len]),
        ("extra", &all[sample_len..]),
    ] {
        let f = harness::evaluate(qs, |q, l| finder_search(&finder, q, l, 3));
        let b = harness::evaluate(qs, |q, l| fts5_search(&db, q, l, 3));
        println!(
            "smoke {name:6} ({:2} questions)  finder {:5.1} / {:5.1}   |   FTS5 {:5.1} / {:5.1}",
            qs.len(),
            f.all.top1(),
            f.all.top3(),
            b.all.top1(),
            b.all.top3()
        );
    }
    all.extend(eval_demo);

    let national = agenda_io::generate::national(&demo, n, 0, 7);
    let before = resident_bytes();
    let t = Instant::now();
    let finder = Finder::build(&national);
    let build_finder = t.elapsed();
    let held = resident_bytes().saturating_sub(before);
    let t = Instant::now();
    let db = fts5(&national);
    let build_fts = t.elapsed();
    let rounds = if quick { 1 } else { 20 };
    let (mut lf, mut lb) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        for q in &all {
            let t = Instant::now();
            std::hint::black_box(finder.search(&q.query, &q.lang, 10));
            lf.push(t.elapsed());
            let t = Instant::now();
            std::hint::black_box(fts5_search(&db, &q.query, &q.lang, 10));
            lb.push(t.elapsed());
        }
    }
    let (f50, f99) = percentiles(lf);
    let (b50, b99) = percentiles(lb);
    println!(
        "latency on {} services ({} questions × {rounds}, limit 10)",
        national.services.len(),
        all.len()
    );
    println!(
        "  finder  p50 {f50:.3} ms  p99 {f99:.3} ms  (index built in {:.0} ms)",
        build_finder.as_secs_f64() * 1000.0
    );
    println!(
        "  FTS5    p50 {b50:.3} ms  p99 {b99:.3} ms  (index built in {:.0} ms)",
        build_fts.as_secs_f64() * 1000.0
    );
    println!(
        "  finder memory: {:.0} MB resident added by the index",
        held as f64 / 1e6
    );
    drop(finder);
    if std::env::var_os("AGENDA_BENCH_LARGE").is_some() && !quick {
        let large = agenda_io::generate::national(&demo, 100_000, 0, 7);
        let before = resident_bytes();
        let t = Instant::now();
        let finder = Finder::build(&large);
        let took = t.elapsed();
        let held = resident_bytes().saturating_sub(before);
        println!(
            "  {} services: index built in {:.1} s, {:.0} MB resident added",
            large.services.len(),
            took.as_secs_f64(),
            held as f64 / 1e6
        );
        drop(finder);
    }
    println!(
        "  finder / FTS5: p50 × {:.2}, p99 × {:.2}",
        f50 / b50,
        f99 / b99
    );
}

/// The resident set of this process, from `/proc/self/statm` (0 where there is none).
fn resident_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .nth(1)
                .and_then(|p| p.parse::<u64>().ok())
        })
        .map_or(0, |pages| pages * 4096)
}
