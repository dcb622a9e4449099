//! Several `agenda serve` processes on one database, end to end, on SQLite (one file shared
//! by two processes) and (when `AGENDA_TEST_POSTGRES_URL` is set) PostgreSQL: a write on one
//! server reaches the other within a second, and 32 clients writing through both leave one
//! audit chain, no lost update, and a consistent database.

use std::sync::Arc;
use std::time::{Duration, Instant};

use agenda_store::testing::test_databases;

mod common;

use common::session::*;
use common::{run as agenda, serve};

const TODAY: &str = "2026-11-26";

#[test]
fn two_servers_on_one_database_see_each_other_and_lose_no_write() {
    let rt = runtime();
    for db in rt.block_on(test_databases()) {
        let on = db.backend().as_str();
        let a = serve(db.url(), &["--demo", "--today", TODAY]);
        let b = serve(db.url(), &["--today", TODAY]);
        rt.block_on(async {
            let anon_a = Client::anonymous(&a);
            let anon_b = Client::anonymous(&b);
            let owner = anon_a.json("/api/v1/kpis/KPI-01").await["owner_org"]
                .as_str()
                .unwrap()
                .to_owned();
            add_user(db.url(), "lead", "entity", Some(&owner));
            add_user(db.url(), "ed", "editor", None);
            let lead = Client::login(&a, "lead").await;
            // Figures are not public before validation: an editor on B looks for them.
            let editor_b = Client::login(&b, "ed").await;
            let made = lead
                .post("/admin/tokens", &[("name", "Statistics system")])
                .await;
            assert_eq!(made.status, 200, "[{on}]");
            let token = shown_token(&made.text);
            let http = reqwest::Client::new();
            let post = move |base: String, period: String, value: f64, version: u64| {
                let http = http.clone();
                let token = token.clone();
                async move {
                    let r = http
                        .post(format!("{base}/api/v1/kpis/KPI-01/observations"))
                        .header("authorization", format!("Bearer {token}"))
                        .json(&serde_json::json!({
                            "period": period, "value": value, "version": version
                        }))
                        .send()
                        .await
                        .unwrap();
                    let status = r.status().as_u16();
                    (
                        status,
                        r.json::<serde_json::Value>().await.unwrap_or_default(),
                    )
                }
            };

            // A write on A is visible on B within a second.
            let (status, _) = post(a.base.clone(), "2009-Q1".into(), 7.0, 0).await;
            assert_eq!(status, 201, "[{on}]");
            let acknowledged = Instant::now();
            loop {
                let form = editor_b
                    .get("/admin/data/observations/KPI-01%3A2009-Q1")
                    .await;
                if form.status == 200 {
                    break;
                }
                assert_eq!(form.status, 404, "[{on}] {}", form.text);
                assert!(
                    acknowledged.elapsed() < Duration::from_secs(1),
                    "[{on}] B does not show A's write after a second"
                );
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            assert_eq!(anon_a.version().await, anon_b.version().await, "[{on}]");

            // 32 clients, each with a period of its own, alternate between the servers and
            // send back the version they were answered.
            let bases = Arc::new([a.base.clone(), b.base.clone()]);
            let mut clients = Vec::new();
            for client in 0..32u32 {
                let bases = bases.clone();
                let post = post.clone();
                clients.push(tokio::spawn(async move {
                    let period = format!("{}-Q{}", 2010 + client / 4, client % 4 + 1);
                    let mut version = 0;
                    let mut last = 0.0;
                    for i in 0..5u32 {
                        let value = f64::from(client) + f64::from(i) / 10.0;
                        let (status, body) = post(
                            bases[((client + i) % 2) as usize].clone(),
                            period.clone(),
                            value,
                            version,
                        )
                        .await;
                        // The first write of a period creates its figure (201); each later
                        // one, sent with the version it was answered, replaces it (200).
                        let created = if version == 0 { 201 } else { 200 };
                        assert_eq!(status, created, "{period}: {body}");
                        assert_eq!(body["key"], format!("KPI-01:{period}"), "{period}: {body}");
                        let got = body["version"].as_u64().unwrap();
                        assert_eq!(got, version + 1, "{period}: another client's version");
                        version = got;
                        last = value;
                    }
                    (period, last, version)
                }));
            }
            let mut written = Vec::new();
            for c in clients {
                written.push(c.await.unwrap());
            }
            // Both servers converge on the head and show every client's last value.
            let deadline = Instant::now() + Duration::from_secs(10);
            while anon_a.version().await != anon_b.version().await {
                assert!(
                    Instant::now() < deadline,
                    "[{on}] the servers do not converge"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            // What is stored is each client's last acknowledged value, at the version it was
            // last answered.
            let store = db.open().await.unwrap();
            let stored = store.snapshot();
            for (period, value, version) in &written {
                let key = format!("KPI-01:{period}");
                let o = stored
                    .observations
                    .get(&key)
                    .unwrap_or_else(|| panic!("[{on}] {period} missing"));
                assert_eq!(o.value, *value, "[{on}] {period}");
                let (_, at) = store
                    .versioned(agenda_core::Kind::Observation, &key)
                    .await
                    .unwrap();
                assert_eq!(at, *version, "[{on}] {period}");
            }
        });
        drop((a, b));
        let verify = agenda(db.url(), &["audit", "verify"]);
        assert!(
            verify.status.success(),
            "[{on}] audit verify: {}",
            String::from_utf8_lossy(&verify.stdout)
        );
        let check = agenda(db.url(), &["check", "--today", TODAY]);
        assert!(
            check.status.success(),
            "[{on}] agenda check: {}",
            String::from_utf8_lossy(&check.stdout)
        );
    }
}
