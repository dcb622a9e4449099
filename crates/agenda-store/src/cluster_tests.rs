//! Several servers on one database: two stores opened on the same database stand for two
//! `agenda serve` processes, each with its own connections and snapshot. Every write must be
//! decided on the latest committed state, whichever server took it, and every server must
//! see the others' writes.

use std::sync::Arc;
use std::time::Duration;

use agenda_core::policy::Actor;
use agenda_core::{Change, Code, Entity, Kind, Role};
use serde_json::json;

use crate::testing::test_databases;
use crate::tests::org;
use crate::{Store, StoreError, Writer};

fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).unwrap()
}

/// MOH leads AL-1 and owns KPI-1; MOF exists too.
fn plan() -> Vec<Change> {
    vec![
        Change::Upsert(org("MOH", None)),
        Change::Upsert(org("MOF", None)),
        Change::Upsert(Entity::Pillar(parse(json!({
            "code": "P1", "title": {"en": "A pillar"}, "description": null
        })))),
        Change::Upsert(Entity::ActionLine(parse(json!({
            "code": "AL-1", "pillar_code": "P1", "title": {"en": "A line"}, "description": null,
            "lead_org": "MOH", "contributing_orgs": [], "start": "2024-01-01",
            "end": "2028-12-31", "priority": 1, "status": "in_progress", "sdg_targets": []
        })))),
        Change::Upsert(Entity::Kpi(parse(json!({
            "code": "KPI-1", "action_line": "AL-1", "title": {"en": "A KPI"}, "unit": "%",
            "direction": "increase", "baseline_value": 1.0, "baseline_date": "2024-01-01",
            "target_value": 2.0, "target_date": "2028-12-31", "frequency": "yearly",
            "owner_org": "MOH", "method": null, "sdg_indicator": null, "targets": []
        })))),
    ]
}

fn service(code: &str, owner: &str) -> Entity {
    Entity::Service(parse(json!({
        "code": code, "title": {"en": "A service"}, "summary": null, "audience": "citizen",
        "life_event": [], "owner_code": owner, "maturity": 2, "channels": [],
        "annual_transactions": null, "digital_share_pct": null, "satisfaction_pct": null,
        "completion_rate_pct": null, "cost_per_transaction": null, "evidence": [],
        "evidence_fetched": [], "building_blocks": [], "cross_border": false,
        "last_reviewed": null
    })))
}

fn observation(period: &str, value: f64, status: &str) -> Entity {
    Entity::Observation(parse(json!({
        "kpi": "KPI-1", "period": period, "value": value, "status": status,
        "disaggregation": null, "note": null
    })))
}

fn entity_user(org: &str) -> Actor {
    Actor::User {
        role: Role::Entity,
        organisation: Some(Code::parse(org).unwrap()),
    }
}

fn token(org: &str) -> Actor {
    Actor::Token {
        organisation: Code::parse(org).unwrap(),
    }
}

fn editor() -> Actor {
    Actor::User {
        role: Role::Editor,
        organisation: None,
    }
}

async fn as_(store: &Store, name: &str, actor: Actor, change: Change) -> Result<u64, StoreError> {
    let out = store
        .apply_as(Writer::actor(name, actor, None), vec![change], Vec::new())
        .await?;
    Ok(out.version)
}

#[tokio::test]
async fn a_server_behind_decides_every_write_on_the_latest_committed_state() {
    for db in test_databases().await {
        let on = db.backend();
        let a = db.open().await.unwrap();
        let b = db.open().await.unwrap();
        a.apply("setup", plan()).await.unwrap();
        a.apply("setup", vec![Change::Upsert(service("SVC-1", "MOH"))])
            .await
            .unwrap();
        // B opened before: it has not seen any of it and follows nothing in this test.
        assert_eq!(b.snapshot().count(Kind::Service), 0, "{on}");

        // Takeover: the service moved to MOF on A; MOH, through B, cannot move it back.
        as_(&a, "ed", editor(), Change::Upsert(service("SVC-1", "MOF")))
            .await
            .unwrap();
        let b_before = b.snapshot().version;
        let refused = as_(
            &b,
            "moh",
            entity_user("MOH"),
            Change::Upsert(service("SVC-1", "MOH")),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(refused, StoreError::Denied(_)),
            "{on}: {refused:?}"
        );
        // Deciding caught B up, and nothing was written.
        assert_eq!(b.snapshot().version, a.snapshot().version, "{on}");
        assert!(b.snapshot().version > b_before, "{on}");
        match b.snapshot().get(Kind::Service, "SVC-1") {
            Some(Entity::Service(s)) => assert_eq!(s.owner_code.as_str(), "MOF", "{on}"),
            other => panic!("{on}: {other:?}"),
        }

        // Policy bypass: a figure validated on A is no longer the ministry's, through B either.
        as_(
            &a,
            "moh-api",
            token("MOH"),
            Change::Upsert(observation("2026", 1.2, "submitted")),
        )
        .await
        .unwrap();
        as_(
            &a,
            "ed",
            editor(),
            Change::Upsert(observation("2026", 1.2, "validated")),
        )
        .await
        .unwrap();
        let refused = as_(
            &b,
            "moh-api",
            token("MOH"),
            Change::Upsert(observation("2026", 9.9, "submitted")),
        )
        .await
        .unwrap_err();
        assert!(
            matches!(refused, StoreError::Denied(_)),
            "{on}: {refused:?}"
        );

        // Integrity: an organisation removed on A cannot receive a service through B.
        a.apply("ed", vec![Change::Delete(Kind::Organisation, "MOF".into())])
            .await
            .unwrap_err(); // MOF owns SVC-1: refused on A itself
        a.apply("setup", vec![Change::Upsert(org("MOJ", None))])
            .await
            .unwrap();
        let b2 = db.open().await.unwrap(); // knows MOJ
        a.apply("ed", vec![Change::Delete(Kind::Organisation, "MOJ".into())])
            .await
            .unwrap();
        let refused = b2
            .apply("ed", vec![Change::Upsert(service("SVC-2", "MOJ"))])
            .await
            .unwrap_err();
        assert!(
            matches!(refused, StoreError::Invalid(_)),
            "{on}: {refused:?}"
        );

        // Lost update: a write that a stale snapshot would take for a no-op is written.
        as_(&a, "ed", editor(), Change::Upsert(service("SVC-1", "MOH")))
            .await
            .unwrap();
        let c = db.open().await.unwrap(); // sees SVC-1 with MOH
        as_(&a, "ed", editor(), Change::Upsert(service("SVC-1", "MOF")))
            .await
            .unwrap();
        let out = c
            .apply_as(
                Writer::actor("ed", editor(), None),
                vec![Change::Upsert(service("SVC-1", "MOH"))],
                Vec::new(),
            )
            .await
            .unwrap();
        assert_eq!(out.updated, 1, "{on}: the change back is a change");
        let fresh = db.open().await.unwrap();
        match fresh.snapshot().get(Kind::Service, "SVC-1") {
            Some(Entity::Service(s)) => assert_eq!(s.owner_code.as_str(), "MOH", "{on}"),
            other => panic!("{on}: {other:?}"),
        }

        // True history: the audit record of that write names what was stored before it.
        let last = fresh
            .audit_records(Some(Kind::Service), Some("SVC-1"), 1)
            .await
            .unwrap();
        assert!(
            last[0].before.as_deref().unwrap_or("").contains("\"MOF\""),
            "{on}: {:?}",
            last[0].before
        );
        assert_eq!(fresh.verify_audit().await.unwrap(), None, "{on}");
        assert_eq!(
            fresh.snapshot().version,
            a.catch_up().await.unwrap(),
            "{on}: every server reaches the same head"
        );
    }
}

#[tokio::test]
async fn every_server_sees_another_servers_write_within_a_second() {
    for db in test_databases().await {
        let on = db.backend();
        let a = db.open().await.unwrap();
        let b = db.open().await.unwrap();
        let _following = b.follow(Duration::from_millis(500));
        a.apply("setup", vec![Change::Upsert(org("MOH", None))])
            .await
            .unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(1);
        while b.snapshot().count(Kind::Organisation) == 0 {
            assert!(
                std::time::Instant::now() < deadline,
                "{on}: the other server's write is not visible after a second"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(b.snapshot().version, a.snapshot().version, "{on}");
        // An edit form on B shows the latest content with its version.
        a.apply(
            "setup",
            vec![Change::Upsert(crate::tests::renamed("MOH", None, "Health"))],
        )
        .await
        .unwrap();
        let (e, v) = b.versioned(Kind::Organisation, "MOH").await.unwrap();
        assert_eq!(v, 2, "{on}");
        assert_eq!(
            e,
            Some(crate::tests::renamed("MOH", None, "Health")),
            "{on}"
        );
    }
}

/// 32 clients write through two servers at once: the chain verifies, every client's last
/// acknowledged value is the stored one, and each answer's version is the writer's own.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_on_two_servers_keep_one_chain_and_lose_nothing() {
    const CLIENTS: usize = 32;
    const WRITES: usize = 6;
    for db in test_databases().await {
        let on = db.backend();
        let a = db.open().await.unwrap();
        let b = db.open().await.unwrap();
        a.apply("setup", plan()).await.unwrap();
        let nodes = Arc::new([a, b]);
        let mut clients = Vec::new();
        for client in 0..CLIENTS {
            let nodes = nodes.clone();
            clients.push(tokio::spawn(async move {
                // Each client owns one period and checks the version it is answered.
                let period = format!("{}", 2000 + client);
                let mut version = 0;
                let mut last = None;
                for i in 0..WRITES {
                    let node = &nodes[(client + i) % 2];
                    let value = client as f64 + i as f64 / 10.0;
                    let out = node
                        .apply_as(
                            Writer::actor("api", token("MOH"), None),
                            vec![Change::Upsert(observation(&period, value, "submitted"))],
                            vec![(Kind::Observation, format!("KPI-1:{period}"), version)],
                        )
                        .await
                        .unwrap();
                    let key = format!("KPI-1:{period}");
                    let got = out.record_version(Kind::Observation, &key).unwrap();
                    assert_eq!(got, version + 1, "the answer carries this client's version");
                    version = got;
                    last = Some(value);
                }
                (period, last.unwrap())
            }));
        }
        let mut expected = Vec::new();
        for c in clients {
            expected.push(c.await.unwrap());
        }
        let fresh = db.open().await.unwrap();
        for (period, value) in expected {
            match fresh
                .snapshot()
                .get(Kind::Observation, &format!("KPI-1:{period}"))
            {
                Some(Entity::Observation(o)) => assert_eq!(o.value, value, "{on} {period}"),
                other => panic!("{on} {period}: {other:?}"),
            }
        }
        assert_eq!(fresh.verify_audit().await.unwrap(), None, "{on}");
        assert_eq!(
            fresh.audit_len().await.unwrap(),
            (plan().len() + CLIENTS * WRITES) as u64,
            "{on}"
        );
        for node in nodes.iter() {
            assert_eq!(
                node.catch_up().await.unwrap(),
                fresh.snapshot().version,
                "{on}"
            );
        }
    }
}
