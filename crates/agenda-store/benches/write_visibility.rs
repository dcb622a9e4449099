//! How long a committed write takes to become visible to the next read, on an empty-ish
//! database (the demo country) and at national scale (100,000 services, 1,000,000 observations),
//! on SQLite and — when `AGENDA_TEST_POSTGRES_URL` is set — PostgreSQL.
//!
//! `cargo bench -p agenda-store --bench write_visibility`
//! (`AGENDA_BENCH_SERVICES` / `AGENDA_BENCH_OBSERVATIONS` change the national scale).

use std::sync::Arc;

use agenda_core::{Change, Entity, Percent, Snapshot};
use agenda_store::testing::test_databases;
use criterion::{Criterion, criterion_group, criterion_main};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn datasets() -> Vec<(&'static str, Snapshot)> {
    let sdg = Arc::new(agenda_io::embedded::sdg().expect("sdg"));
    let empty = Snapshot::empty(sdg);
    let plan = agenda_io::plan_import(&empty, &agenda_io::embedded::demo_tables().expect("demo"))
        .expect("demo imports");
    let demo = agenda_io::apply_in_memory(&empty, &plan);
    let national = agenda_io::generate::national(
        &demo,
        env_usize("AGENDA_BENCH_SERVICES", 100_000),
        env_usize("AGENDA_BENCH_OBSERVATIONS", 1_000_000),
        7,
    );
    vec![("demo", demo), ("national", national)]
}

fn all_changes(s: &Snapshot) -> Vec<Change> {
    agenda_core::Kind::ALL
        .iter()
        .flat_map(|&k| s.entities(k).collect::<Vec<_>>())
        .map(Change::Upsert)
        .collect()
}

fn write_then_read(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let mut group = c.benchmark_group("write_visible_to_next_read");
    group.sample_size(30);
    for (name, data) in datasets() {
        for db in rt.block_on(test_databases()) {
            let store = rt.block_on(async {
                let store = agenda_store::Store::open(db.url(), data.sdg.clone())
                    .await
                    .expect("open");
                store
                    .apply("bench", all_changes(&data))
                    .await
                    .expect("load");
                store
            });
            let mut service = data.services.get("SVC-001").cloned().expect("SVC-001");
            let mut n = 0u32;
            group.bench_function(format!("{}/{name}", db.backend()), |b| {
                b.iter(|| {
                    n += 1;
                    service.satisfaction_pct = Percent::new(f64::from(n % 100)).ok();
                    rt.block_on(store.apply(
                        "bench",
                        vec![Change::Upsert(Entity::Service(service.clone()))],
                    ))
                    .expect("write");
                    let seen = store
                        .snapshot()
                        .services
                        .get("SVC-001")
                        .and_then(|s| s.satisfaction_pct);
                    assert_eq!(seen, service.satisfaction_pct);
                });
            });
            rt.block_on(store.close());
        }
    }
    group.finish();
}

criterion_group!(benches, write_then_read);
criterion_main!(benches);
