//! The finder's evaluation: the questions of this folder, the catalogues they are asked of,
//! and top-1 / top-3 accuracy per language and kind. Shared by the accuracy tests (development
//! half) and the benchmark (both halves, beside SQLite FTS5).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use agenda_core::Snapshot;

/// One question and the services that answer it.
pub struct Question {
    pub query: String,
    pub lang: String,
    pub expected: Vec<String>,
    pub kind: String,
    /// `dev` (may be looked at while improving the finder) or `test` (frozen: only measured).
    pub half: String,
}

/// The questions of a `query, lang, expected, kind, half` file.
pub fn questions(tsv: &str) -> Vec<Question> {
    tsv.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.split('\t').collect();
            Question {
                query: c[0].to_owned(),
                lang: c[1].to_owned(),
                expected: c[2].split(';').map(str::to_owned).collect(),
                kind: c.get(3).copied().unwrap_or("direct").to_owned(),
                half: c.get(4).copied().unwrap_or("dev").to_owned(),
            }
        })
        .collect()
}

/// The questions about the demo country.
pub const DEMO: &str = include_str!("demo.tsv");
/// The questions about the other country (`other-country/`).
pub const OTHER: &str = include_str!("other.tsv");

/// The demo country.
pub fn demo() -> Snapshot {
    let sdg = Arc::new(agenda_io::embedded::sdg().expect("sdg"));
    let empty = Snapshot::empty(sdg);
    let plan = agenda_io::plan_import(&empty, &agenda_io::embedded::demo_tables().expect("demo"))
        .expect("the demo imports");
    agenda_io::apply_in_memory(&empty, &plan)
}

/// Another country's catalogue, imported like any country's: its own codes, life events and
/// wording, French for some services and Spanish for about half.
pub fn other_country() -> Snapshot {
    let files: [(&str, &[u8]); 3] = [
        (
            "organisations",
            include_bytes!("other-country/organisations.csv"),
        ),
        (
            "life_events",
            include_bytes!("other-country/life_events.csv"),
        ),
        ("services", include_bytes!("other-country/services.csv")),
    ];
    let tables: Vec<_> = files
        .iter()
        .map(|(name, bytes)| {
            agenda_io::table::read_csv(bytes, name, &format!("{name}.csv")).expect("csv")
        })
        .collect();
    let sdg = Arc::new(agenda_io::embedded::sdg().expect("sdg"));
    let empty = Snapshot::empty(sdg);
    let plan = agenda_io::plan_import(&empty, &tables).expect("the other country imports");
    agenda_io::apply_in_memory(&empty, &plan)
}

/// Questions answered in the first place and in the first three.
#[derive(Default, Clone, Copy)]
pub struct Tally {
    pub n: usize,
    pub top1: usize,
    pub top3: usize,
}

impl Tally {
    pub fn top1(&self) -> f64 {
        pct(self.top1, self.n)
    }
    pub fn top3(&self) -> f64 {
        pct(self.top3, self.n)
    }
}

fn pct(a: usize, n: usize) -> f64 {
    if n == 0 {
        0.0
    } else {
        100.0 * a as f64 / n as f64
    }
}

/// Accuracy overall, per language and per kind, and the questions missed.
#[derive(Default)]
pub struct Report {
    pub all: Tally,
    pub by_lang: BTreeMap<String, Tally>,
    pub by_kind: BTreeMap<String, Tally>,
    pub misses: Vec<String>,
}

/// Asks every question of `qs` with `search` (question, language → codes, best first).
pub fn evaluate<'q>(
    qs: impl IntoIterator<Item = &'q Question>,
    search: impl Fn(&str, &str) -> Vec<String>,
) -> Report {
    let mut r = Report::default();
    for q in qs {
        let got = search(&q.query, &q.lang);
        let first = got.first().is_some_and(|c| q.expected.contains(c));
        let any = got.iter().take(3).any(|c| q.expected.contains(c));
        for t in [
            &mut r.all,
            r.by_lang.entry(q.lang.clone()).or_default(),
            r.by_kind.entry(q.kind.clone()).or_default(),
        ] {
            t.n += 1;
            t.top1 += usize::from(first);
            t.top3 += usize::from(any);
        }
        if !first {
            let top: Vec<&String> = got.iter().take(3).collect();
            r.misses.push(format!(
                "{} [{}/{}] {:?} → {top:?}, expected {:?}",
                if any { "top-3 only" } else { "MISSED    " },
                q.kind,
                q.lang,
                q.query,
                q.expected
            ));
        }
    }
    r
}

/// One line: `top-1 / top-3` overall, then per language and kind.
pub fn line(r: &Report) -> String {
    let mut s = format!(
        "{:5.1} / {:5.1}  (n={})",
        r.all.top1(),
        r.all.top3(),
        r.all.n
    );
    for (k, t) in r.by_lang.iter().chain(&r.by_kind) {
        s.push_str(&format!("  {k} {:.0}/{:.0}", t.top1(), t.top3()));
    }
    s
}
