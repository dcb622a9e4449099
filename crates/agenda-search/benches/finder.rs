//! The finder against a baseline, SQLite FTS5 (bm25 ranking, `porter unicode61
//! remove_diacritics 2` tokenizer, the same field weights), measured in the same run:
//!
//! - top-1 / top-3 accuracy on the demo country (90 services) for the questions of
//!   `tests/fixtures/` (the shared sample and this crate's own);
//! - p50 / p99 latency of one question on a national catalogue: the demo country plus
//!   10,000 generated services, every question asked in turn.
//!
//! `cargo bench -p agenda-search --bench finder`
//! (`AGENDA_BENCH_SERVICES` changes the number of generated services).

use std::sync::Arc;
use std::time::{Duration, Instant};

use agenda_core::{Snapshot, Text};
use agenda_search::Finder;
use rusqlite::Connection;

const SAMPLE: &str = include_str!("../tests/fixtures/finder-sample.tsv");
const EXTRA: &str = include_str!("../tests/fixtures/finder-extra.tsv");
const LANGS: [&str; 3] = ["en", "fr", "es"];
/// bm25 weights of the FTS5 columns, per language: title, summary, body, events, org — the
/// finder's own field boosts.
const WEIGHTS: [f64; 5] = [3.0, 1.6, 1.0, 0.7, 0.5];

fn demo() -> Snapshot {
    let sdg = Arc::new(agenda_io::embedded::sdg().expect("sdg"));
    let empty = Snapshot::empty(sdg);
    let plan = agenda_io::plan_import(&empty, &agenda_io::embedded::demo_tables().expect("demo"))
        .expect("the demo imports");
    agenda_io::apply_in_memory(&empty, &plan)
}

struct Question {
    query: String,
    lang: String,
    expected: Vec<String>,
}

fn questions(tsv: &str) -> Vec<Question> {
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            Question {
                query: c[0].to_owned(),
                lang: c[1].to_owned(),
                expected: c[2].split(';').map(str::to_owned).collect(),
            }
        })
        .collect()
}

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
    let mut weights = [0.0; 15];
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

fn accuracy(qs: &[Question], search: impl Fn(&str, &str) -> Vec<String>) -> (f64, f64) {
    let (mut t1, mut t3) = (0, 0);
    for q in qs {
        let got = search(&q.query, &q.lang);
        t1 += usize::from(got.first().is_some_and(|c| q.expected.contains(c)));
        t3 += usize::from(got.iter().take(3).any(|c| q.expected.contains(c)));
    }
    (t1 as f64 / qs.len() as f64, t3 as f64 / qs.len() as f64)
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
    let demo = demo();
    let mut all = questions(SAMPLE);
    let sample_len = all.len();
    all.extend(questions(EXTRA));

    println!(
        "accuracy on the demo country ({} services)",
        demo.services.len()
    );
    let finder = Finder::build(&demo);
    let db = fts5(&demo);
    for (name, qs) in [
        ("sample", &all[..sample_len]),
        ("extra", &all[sample_len..]),
    ] {
        let (f1, f3) = accuracy(qs, |q, l| finder_search(&finder, q, l, 3));
        let (b1, b3) = accuracy(qs, |q, l| fts5_search(&db, q, l, 3));
        println!(
            "  {name:6} ({:2} questions)  finder top-1 {:5.1} %  top-3 {:5.1} %   |   FTS5 top-1 {:5.1} %  top-3 {:5.1} %",
            qs.len(),
            f1 * 100.0,
            f3 * 100.0,
            b1 * 100.0,
            b3 * 100.0
        );
    }

    let national = agenda_io::generate::national(&demo, n, 0, 7);
    let t = Instant::now();
    let finder = Finder::build(&national);
    let build_finder = t.elapsed();
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
        "  finder / FTS5: p50 × {:.2}, p99 × {:.2}",
        f50 / b50,
        f99 / b99
    );
}
