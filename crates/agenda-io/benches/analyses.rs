//! Time of each catalogue analysis on a national catalogue: the demo country plus 100,000
//! generated services (over the demo's 12 registries and 9 building blocks), each with a
//! planned release, and a service standard of 10 criteria assessed on every third service.
//!
//! `cargo bench -p agenda-io --bench analyses`
//! (`AGENDA_BENCH_SERVICES` changes the number of generated services). With
//! `AGENDA_BENCH_ONCE=1` each analysis runs exactly once, without criterion, so that an
//! instruction counter sees one call of each.

use std::sync::Arc;

use agenda_core::catalogue::{freshness, once_only, priorities, reuse, roadmap, standard};
use agenda_core::*;
use criterion::{Criterion, criterion_group};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn code(s: &str) -> Code {
    Code::parse(s).expect("code")
}

/// The national catalogue.
fn national() -> Snapshot {
    let sdg = Arc::new(agenda_io::embedded::sdg().expect("sdg"));
    let empty = Snapshot::empty(sdg);
    let plan = agenda_io::plan_import(&empty, &agenda_io::embedded::demo_tables().expect("demo"))
        .expect("demo imports");
    let demo = agenda_io::apply_in_memory(&empty, &plan);
    let mut s =
        agenda_io::generate::national(&demo, env_usize("AGENDA_BENCH_SERVICES", 100_000), 0, 7);
    let start = Date::from_ymd(2026, 1, 1).expect("date");
    let level4 = Maturity::parse("4").expect("maturity");
    for i in 1..=10 {
        s.upsert(
            StandardCriterion {
                code: code(&format!("STD-{i:02}")),
                title: Text::en(format!("Criterion {i}")).expect("text"),
                description: None,
            }
            .into(),
        );
    }
    let results = [
        AssessmentResult::Met,
        AssessmentResult::PartlyMet,
        AssessmentResult::NotMet,
    ];
    let services: Vec<Service> = s.services.values().cloned().collect();
    for (n, v) in services.iter().enumerate() {
        s.upsert(
            Release {
                code: code(&format!("{}-R9", v.code)),
                service: v.code.clone(),
                target_maturity: level4,
                target_date: start.add_days((n % 1500) as i64),
                responsible_org: v.owner_code.clone(),
                status: ReleaseStatus::Planned,
            }
            .into(),
        );
        if n % 3 == 0 {
            for c in 1..=10 {
                s.upsert(
                    Assessment {
                        service: v.code.clone(),
                        criterion: code(&format!("STD-{c:02}")),
                        assessed_on: start.add_days((n % 300) as i64),
                        result: results[(n + c) % 3],
                        assessor_org: None,
                        note: None,
                    }
                    .into(),
                );
            }
        }
    }
    s
}

fn analyses(c: &mut Criterion) {
    let s = national();
    let today = Date::from_ymd(2026, 11, 26).expect("date");
    let mut g = c.benchmark_group("analyses_100k_services");
    g.sample_size(20);
    // What walking the catalogue alone costs, for scale.
    g.bench_function("baseline_walk_services", |b| {
        b.iter(|| s.services.values().map(|v| v.evidence.len()).sum::<usize>())
    });
    g.bench_function("once_only", |b| b.iter(|| once_only::once_only(&s)));
    g.bench_function("building_block_reuse", |b| b.iter(|| reuse::reuse(&s)));
    g.bench_function("roadmap_conflicts", |b| b.iter(|| roadmap::conflicts(&s)));
    g.bench_function("roadmap_slip_bb_id_90", |b| {
        b.iter(|| roadmap::slip(&s, "BB-ID", 90))
    });
    g.bench_function("priorities", |b| {
        b.iter(|| priorities::priorities(&s, priorities::PriorityWeights::default()))
    });
    g.bench_function("freshness", |b| {
        b.iter(|| freshness::freshness(&s, today, freshness::DEFAULT_MONTHS))
    });
    g.bench_function("standard", |b| b.iter(|| standard::standard(&s)));
    g.finish();
}

/// Runs `f` once and drops its result: one call to count, drop included (as in criterion),
/// after an uncounted run so that the allocator is in the state criterion's iterations see.
#[inline(never)]
fn once_run<T>(name: &str, f: impl Fn() -> T) {
    warm_up(&f);
    std::hint::black_box(name);
    drop(std::hint::black_box(f()));
}

#[inline(never)]
fn warm_up<T>(f: &impl Fn() -> T) {
    drop(std::hint::black_box(f()));
}

/// Each analysis once, for instruction counts (toggle collection on `analyses::once_run`,
/// which toggles it off again in `analyses::warm_up`).
fn once() {
    let s = national();
    let today = Date::from_ymd(2026, 11, 26).expect("date");
    let run: &[(&str, &dyn Fn())] = &[
        ("once_only", &|| {
            once_run("once_only", || once_only::once_only(&s))
        }),
        ("building_block_reuse", &|| {
            once_run("reuse", || reuse::reuse(&s))
        }),
        ("roadmap_conflicts", &|| {
            once_run("conflicts", || roadmap::conflicts(&s))
        }),
        ("roadmap_slip_bb_id_90", &|| {
            once_run("slip", || roadmap::slip(&s, "BB-ID", 90))
        }),
        ("priorities", &|| {
            once_run("priorities", || {
                priorities::priorities(&s, priorities::PriorityWeights::default())
            })
        }),
        ("freshness", &|| {
            once_run("freshness", || {
                freshness::freshness(&s, today, freshness::DEFAULT_MONTHS)
            })
        }),
        ("standard", &|| {
            once_run("standard", || standard::standard(&s))
        }),
    ];
    let only = std::env::var("AGENDA_BENCH_ONCE").unwrap_or_default();
    for (name, f) in run {
        if only.is_empty() || only == "1" || only == *name {
            f();
        }
    }
}

criterion_group!(benches, analyses);

fn main() {
    if std::env::var_os("AGENDA_BENCH_ONCE").is_some() {
        once();
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
