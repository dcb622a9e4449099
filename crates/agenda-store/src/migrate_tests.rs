//! Upgrading a database that already holds a country: a database at the first schema,
//! holding the demo country and its audit trail, is opened by the current code; every
//! migration since runs, every record and the audit chain come through intact, and the
//! upgraded database takes writes and accounts.

use std::sync::Arc;

use agenda_core::{Change, Kind, Record, Role};
use sqlx::any::AnyPoolOptions;
use sqlx::{AnyPool, Row};

use crate::migrate::{MIGRATIONS, run_up_to};
use crate::testing::{TestDb, test_databases};
use crate::{Backend, NewAccount, Store};

/// A pool on `db` with only the first migration applied.
async fn at_first_schema(db: &TestDb) -> (AnyPool, Backend) {
    let backend = Backend::from_url(db.url()).unwrap();
    let url = match backend {
        Backend::Sqlite => format!("{}?mode=rwc", db.url()),
        Backend::Postgres => db.url().to_owned(),
    };
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    assert_eq!(run_up_to(&pool, backend, 1).await.unwrap(), 1);
    (pool, backend)
}

/// Copies the tables of the first schema — records, the audit trail and its head — from
/// `from` into `to`, row by row, as a deployment of the first version would hold them.
async fn copy_first_schema_tables(from: &Store, to: &AnyPool) {
    let mut tx = to.begin().await.unwrap();
    let records = sqlx::query("SELECT kind, code, body, version, updated_at FROM records")
        .fetch_all(from.pool())
        .await
        .unwrap();
    for r in &records {
        sqlx::query(
            "INSERT INTO records (kind, code, body, version, updated_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(r.get::<String, _>(0))
        .bind(r.get::<String, _>(1))
        .bind(r.get::<String, _>(2))
        .bind(r.get::<i64, _>(3))
        .bind(r.get::<String, _>(4))
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    let audit = sqlx::query(
        "SELECT seq, at, actor, kind, code, action, before, after, prev_hash, hash \
         FROM audit_log ORDER BY seq",
    )
    .fetch_all(from.pool())
    .await
    .unwrap();
    for r in &audit {
        sqlx::query(
            "INSERT INTO audit_log (seq, at, actor, kind, code, action, before, after, \
             prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(r.get::<i64, _>(0))
        .bind(r.get::<String, _>(1))
        .bind(r.get::<String, _>(2))
        .bind(r.get::<String, _>(3))
        .bind(r.get::<String, _>(4))
        .bind(r.get::<String, _>(5))
        .bind(r.get::<Option<String>, _>(6))
        .bind(r.get::<Option<String>, _>(7))
        .bind(r.get::<String, _>(8))
        .bind(r.get::<String, _>(9))
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    let head = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
        .fetch_one(from.pool())
        .await
        .unwrap();
    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(head.get::<i64, _>(0))
        .bind(head.get::<String, _>(1))
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(records.len() > 500 && audit.len() > records.len());
}

#[tokio::test]
async fn a_database_of_the_first_schema_holding_the_demo_is_upgraded_intact() {
    let sources = test_databases().await;
    let targets = test_databases().await;
    let sdg = Arc::new(agenda_core::sdg::SdgFramework::default());
    for (source, target) in sources.iter().zip(&targets) {
        // The demo country, then a figure corrected and a record removed, so that the trail
        // holds every kind of change.
        let original = source.open().await.unwrap();
        let tables = agenda_io::embedded::demo_tables().unwrap();
        let plan = agenda_io::plan_import(&original.snapshot(), &tables).unwrap();
        original.apply("import", plan.changes).await.unwrap();
        let s = original.snapshot();
        let mut figure = s.observations.values().next().unwrap().clone();
        figure.value += 1.0;
        let gone = s.releases.values().next().unwrap().clone();
        original
            .apply(
                "editor",
                vec![
                    Change::Upsert(figure.into()),
                    Change::Delete(Kind::Release, gone.code.to_string()),
                ],
            )
            .await
            .unwrap();
        let expected = original.snapshot();

        let (old, _) = at_first_schema(target).await;
        copy_first_schema_tables(&original, &old).await;
        old.close().await;

        let upgraded = Store::open(target.url(), sdg.clone()).await.unwrap();
        let versions: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations ORDER BY 1")
            .fetch_all(upgraded.pool())
            .await
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        let all: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
        assert_eq!(versions, all, "{}", target.url());

        let got = upgraded.snapshot();
        assert_eq!(got.version, expected.version);
        for kind in Kind::ALL {
            let a: Vec<_> = expected.entities(*kind).collect();
            let b: Vec<_> = got.entities(*kind).collect();
            assert_eq!(a.len(), b.len(), "{} count", kind.as_str());
            assert!(a == b, "{} differ after the upgrade", kind.as_str());
        }
        assert!(got.releases.get(gone.code.as_str()).is_none());
        assert_eq!(upgraded.verify_audit().await.unwrap(), None);

        // The upgraded database works: a write, an account and a sign-in.
        let mut again = got.observations.values().next().unwrap().clone();
        again.value += 1.0;
        upgraded
            .apply("editor", vec![Change::Upsert(again.clone().into())])
            .await
            .unwrap();
        assert_eq!(
            upgraded.snapshot().observations[&again.key()].value,
            again.value
        );
        upgraded
            .add_account(
                "test",
                &NewAccount {
                    username: "ed".into(),
                    display_name: "Ed".into(),
                    email: None,
                    role: Role::Editor,
                    organisation: None,
                },
                "a long enough password",
            )
            .await
            .unwrap();
        assert!(
            upgraded
                .login("ed", "a long enough password", "127.0.0.1")
                .await
                .unwrap()
                .is_ok()
        );
        assert_eq!(upgraded.verify_audit().await.unwrap(), None);
    }
}
