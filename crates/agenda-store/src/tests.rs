//! Storage tests, each run on SQLite and, when configured, on PostgreSQL.

use std::sync::Arc;

use agenda_core::sdg::SdgFramework;
use agenda_core::{Change, Code, Entity, Kind, OrgKind, Organisation, Snapshot, Text};

use crate::testing::test_databases;
use crate::{AuditAction, Store, StoreError};

pub(crate) fn org(code: &str, parent: Option<&str>) -> Entity {
    Organisation {
        code: Code::parse(code).unwrap(),
        name: Text::en(format!("Organisation {code}")).unwrap(),
        kind: OrgKind::Ministry,
        parent_code: parent.map(|p| Code::parse(p).unwrap()),
        website: None,
    }
    .into()
}

pub(crate) fn renamed(code: &str, parent: Option<&str>, name: &str) -> Entity {
    match org(code, parent) {
        Entity::Organisation(mut o) => {
            o.name = Text::en(name).unwrap();
            o.into()
        }
        _ => unreachable!(),
    }
}

fn contents(s: &Snapshot) -> Vec<Entity> {
    Kind::ALL.iter().flat_map(|&k| s.entities(k)).collect()
}

async fn execute(store: &Store, sql: &'static str) {
    sqlx::query(sql).execute(store.pool()).await.unwrap();
}

#[tokio::test]
async fn the_store_keeps_changes_refuses_invalid_ones_and_detects_tampering() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        assert_eq!(store.backend(), on);
        assert_eq!(store.snapshot().version, 0, "{on}");
        assert_eq!(store.audit_len().await.unwrap(), 0, "{on}");

        // Create.
        let out = store
            .apply(
                "ana",
                vec![
                    Change::Upsert(org("MOI", None)),
                    Change::Upsert(org("CRA", Some("MOI"))),
                    Change::Upsert(org("DGA", None)),
                ],
            )
            .await
            .unwrap();
        assert_eq!(
            (out.created, out.updated, out.deleted, out.version),
            (3, 0, 0, 3),
            "{on}"
        );
        assert_eq!(store.snapshot().count(Kind::Organisation), 3, "{on}");

        // The same content again changes nothing.
        let out = store
            .apply("ana", vec![Change::Upsert(org("MOI", None))])
            .await
            .unwrap();
        assert_eq!((out.changed(), out.version), (0, 3), "{on}");
        assert_eq!(store.audit_len().await.unwrap(), 3, "{on}");

        // Reopening reads back the same snapshot.
        let reopened = db.open().await.unwrap();
        assert_eq!(reopened.snapshot().version, 3, "{on}");
        assert_eq!(
            contents(&reopened.snapshot()),
            contents(&store.snapshot()),
            "{on}"
        );
        reopened.close().await;

        // Update.
        let out = store
            .apply(
                "bo",
                vec![Change::Upsert(renamed(
                    "CRA",
                    Some("MOI"),
                    "Civil Registry",
                ))],
            )
            .await
            .unwrap();
        assert_eq!((out.updated, out.version), (1, 4), "{on}");
        let history = store
            .audit_records(Some(Kind::Organisation), Some("CRA"), 10)
            .await
            .unwrap();
        assert_eq!(history.len(), 2, "{on}");
        assert_eq!(history[0].action, AuditAction::Update, "{on}");
        assert_eq!(history[0].actor, "bo", "{on}");
        assert!(
            history[0]
                .before
                .as_deref()
                .unwrap()
                .contains("Organisation CRA"),
            "{on}"
        );
        assert!(
            history[0]
                .after
                .as_deref()
                .unwrap()
                .contains("Civil Registry"),
            "{on}"
        );
        assert_eq!(history[1].action, AuditAction::Create, "{on}");
        assert_eq!(
            history[0].prev_hash,
            store.audit_records(None, None, 2).await.unwrap()[1].hash
        );
        let version: i64 = sqlx::query_scalar(
            "SELECT version FROM records WHERE kind = 'organisation' AND code = 'CRA'",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(version, 2, "{on}");

        // Delete.
        let out = store
            .apply("bo", vec![Change::Delete(Kind::Organisation, "DGA".into())])
            .await
            .unwrap();
        assert_eq!((out.deleted, out.version), (1, 5), "{on}");
        assert!(
            store.snapshot().get(Kind::Organisation, "DGA").is_none(),
            "{on}"
        );

        // Invalid changes are refused and nothing is written.
        let before = store.snapshot();
        let dangling = store
            .apply("eve", vec![Change::Upsert(org("XYZ", Some("NOPE")))])
            .await;
        match dangling {
            Err(StoreError::Invalid(problems)) => {
                assert_eq!(problems[0].column, "parent_code", "{on}");
                assert_eq!(problems[0].value, "NOPE", "{on}");
            }
            other => panic!("{on}: {other:?}"),
        }
        let referenced = store
            .apply(
                "eve",
                vec![Change::Delete(Kind::Organisation, "MOI".into())],
            )
            .await;
        assert!(matches!(referenced, Err(StoreError::Invalid(_))), "{on}");
        assert!(Arc::ptr_eq(&before, &store.snapshot()), "{on}");
        assert_eq!(store.audit_len().await.unwrap(), 5, "{on}");
        let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM records")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(rows, 2, "{on}");

        // The chain verifies, and an edited record is found.
        assert_eq!(store.verify_audit().await.unwrap(), None, "{on}");
        execute(
            &store,
            "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2",
        )
        .await;
        assert_eq!(store.verify_audit().await.unwrap(), Some(2), "{on}");
        store.close().await;
    }
}

#[tokio::test]
async fn a_change_made_and_undone_in_one_call_is_no_change() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        let out = store
            .apply(
                "ana",
                vec![
                    Change::Upsert(org("TMP", None)),
                    Change::Upsert(renamed("TMP", None, "Temporary")),
                    Change::Delete(Kind::Organisation, "TMP".into()),
                    Change::Delete(Kind::Organisation, "NEVER".into()),
                ],
            )
            .await
            .unwrap();
        assert_eq!((out.changed(), out.version), (0, 0), "{on}");
        assert_eq!(store.audit_len().await.unwrap(), 0, "{on}");
        store.close().await;
    }
}

#[tokio::test]
async fn bulk_writes_span_several_statements_and_load_back() {
    const N: usize = 9_000;
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        let creates = (0..N)
            .map(|i| Change::Upsert(org(&format!("ORG-{i:07}"), None)))
            .collect();
        let out = store.apply("import", creates).await.unwrap();
        assert_eq!((out.created, out.version), (N, N as u64), "{on}");
        let deletes = (0..N)
            .step_by(2)
            .map(|i| Change::Delete(Kind::Organisation, format!("ORG-{i:07}")))
            .collect();
        let out = store.apply("import", deletes).await.unwrap();
        assert_eq!(out.deleted, N / 2, "{on}");
        assert_eq!(store.verify_audit().await.unwrap(), None, "{on}");
        let reopened = db.open().await.unwrap();
        assert_eq!(reopened.snapshot().count(Kind::Organisation), N / 2, "{on}");
        assert_eq!(reopened.snapshot().version, (N + N / 2) as u64, "{on}");
        reopened.close().await;
        store.close().await;
    }
}

#[tokio::test]
async fn an_unreadable_row_is_reported_with_its_kind_and_code() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        execute(
            &store,
            "INSERT INTO records (kind, code, body, version, updated_at) \
             VALUES ('organisation', 'BAD', '{\"code\":', 1, '2026-01-01T00:00:00Z')",
        )
        .await;
        store.close().await;
        match db.open().await {
            Err(StoreError::Corrupt { kind, code, .. }) => {
                assert_eq!(
                    (kind.as_str(), code.as_str()),
                    ("organisation", "BAD"),
                    "{on}"
                );
            }
            other => panic!("{on}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_unknown_scheme_is_refused_without_creating_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let sdg = Arc::new(SdgFramework::default());
    for url in [
        format!("sqllite://{}", dir.path().join("typo.db").display()),
        dir.path().join("bare.db").display().to_string(),
        "mysql://root@localhost/agenda".to_owned(),
    ] {
        let err = Store::open(&url, sdg.clone()).await.unwrap_err();
        assert!(
            matches!(err, StoreError::UnknownScheme { .. }),
            "{url}: {err:?}"
        );
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[tokio::test]
async fn an_absolute_sqlite_url_creates_the_file_and_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join("new.db");
    assert!(path.is_absolute());
    let url = format!("sqlite://{}", path.display());
    assert!(url.starts_with("sqlite:///"));
    let store = Store::open(&url, Arc::new(SdgFramework::default()))
        .await
        .unwrap();
    assert!(path.is_file());
    assert!(format!("{store:?}").contains("sqlite"));
    store.close().await;
}

#[test]
fn debug_output_hides_a_postgres_password() {
    let shown = crate::redact_url("postgres://agenda:hunter2@db/agenda");
    assert!(!shown.contains("hunter2"));
}

#[test]
fn the_store_can_be_shared_between_threads() {
    fn shared<T: Send + Sync + Clone + 'static>() {}
    shared::<Store>();
}

/// A framework of one indicator, `fw-1:A-1`.
fn one_framework() -> Arc<agenda_core::frameworks::Frameworks> {
    use agenda_core::frameworks::{Framework, FrameworkIndicator, Frameworks};
    Arc::new(Frameworks::new(vec![Framework {
        id: "fw-1".into(),
        name: "A framework".into(),
        short: "FW".into(),
        publisher: "Someone".into(),
        edition: "1".into(),
        url: "https://example.org".into(),
        description: String::new(),
        groups: Vec::new(),
        indicators: vec![FrameworkIndicator {
            framework: "fw-1".into(),
            code: "A-1".into(),
            group: None,
            name: "An indicator".into(),
            unit: "count".into(),
            target: None,
            target_year: None,
            definition: String::new(),
            source: String::new(),
        }],
    }]))
}

fn kpi_aligned_to(code: &str) -> Entity {
    Entity::Kpi(
        serde_json::from_value(serde_json::json!({
            "code": "KPI-1", "action_line": null, "title": {"en": "A KPI"}, "unit": "%",
            "direction": "increase", "baseline_value": 1.0, "baseline_date": "2024-01-01",
            "target_value": 2.0, "target_date": "2028-12-31", "frequency": "yearly",
            "owner_org": "MOI", "method": null, "sdg_indicator": null, "targets": [],
            "framework_indicators": [code]
        }))
        .unwrap(),
    )
}

#[tokio::test]
async fn the_frameworks_stay_with_the_snapshot_and_check_every_write() {
    for db in test_databases().await {
        let on = db.backend();
        let frameworks = one_framework();
        let store = db.open().await.unwrap().with_frameworks(frameworks.clone());
        store
            .apply(
                "ana",
                vec![
                    Change::Upsert(org("MOI", None)),
                    Change::Upsert(kpi_aligned_to("fw-1:A-1")),
                ],
            )
            .await
            .unwrap();
        assert_eq!(store.snapshot().frameworks, frameworks, "{on}");
        let refused = store
            .apply("ana", vec![Change::Upsert(kpi_aligned_to("fw-1:A-2"))])
            .await;
        match refused {
            Err(StoreError::Invalid(p)) => {
                assert_eq!(p[0].column, "framework_indicators", "{on}");
            }
            other => panic!("{on}: {other:?}"),
        }
        store.reload().await.unwrap();
        assert_eq!(store.snapshot().frameworks, frameworks, "{on}");
        assert_eq!(store.snapshot().kpis.len(), 1, "{on}");
    }
}
