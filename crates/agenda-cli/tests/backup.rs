//! `agenda backup`, `agenda restore` and `agenda audit verify` through the real binary, on
//! SQLite and — when `AGENDA_TEST_POSTGRES_URL` is set — on fresh PostgreSQL databases.

use std::path::Path;
use std::process::Output;

use agenda_store::Backend;
use agenda_store::testing::{TestDb, test_databases};

mod common;

use common::repo;

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

/// A fresh database of `backend`, or `None` when that backend is not configured.
fn fresh(backend: Backend) -> Option<TestDb> {
    block_on(test_databases())
        .into_iter()
        .find(|db| db.backend() == backend)
}

fn backends() -> Vec<Backend> {
    block_on(test_databases())
        .iter()
        .map(TestDb::backend)
        .collect()
}

fn agenda(db: &TestDb, args: &[&str]) -> Output {
    common::run(db.url(), args)
}

fn ok(db: &TestDb, args: &[&str]) -> String {
    let out = agenda(db, args);
    assert!(
        out.status.success(),
        "[{}] agenda {args:?} failed:\n{}",
        db.backend(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn read_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Runs SQL on the database behind the binary's back, as someone editing it by hand would.
fn sql(db: &TestDb, statement: &str) {
    block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::AnyConnection::connect(db.url()).await.unwrap();
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_owned()))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
    });
}

/// The kind and code of audit record `seq`.
fn audit_row(db: &TestDb, seq: i64) -> (String, String) {
    block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::AnyConnection::connect(db.url()).await.unwrap();
        let row: (String, String) =
            sqlx::query_as("SELECT kind, code FROM audit_log WHERE seq = $1")
                .bind(seq)
                .fetch_one(&mut conn)
                .await
                .unwrap();
        conn.close().await.unwrap();
        row
    })
}

/// A database with the demo country imported, and its CSV export.
fn demo(backend: Backend, out: &Path) -> TestDb {
    let db = fresh(backend).unwrap();
    ok(&db, &["import", path(&repo().join("data/demo"))]);
    ok(&db, &["export", "--format", "csv", "--out", path(out)]);
    db
}

#[test]
fn a_restored_backup_exports_byte_for_byte_what_the_original_did() {
    for on in backends() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b, c) = (
            tmp.path().join("a"),
            tmp.path().join("b"),
            tmp.path().join("c"),
        );
        let file = tmp.path().join("agenda.backup");
        let first = demo(on, &a);
        let said = ok(&first, &["backup", path(&file)]);
        assert!(
            said.starts_with(&format!("wrote {}", file.display())),
            "{said}"
        );

        let second = fresh(on).unwrap();
        let said = ok(&second, &["restore", path(&file)]);
        assert!(said.contains("audit chain verified"), "[{on}] {said}");
        ok(&second, &["export", "--format", "csv", "--out", path(&b)]);
        assert_eq!(read_dir(&a), read_dir(&b), "[{on}] backup → restore → csv");
        let said = ok(&second, &["audit", "verify"]);
        assert!(said.starts_with("audit chain intact: "), "[{on}] {said}");

        // Restoring into a database that holds data is refused and changes nothing.
        let out = agenda(&second, &["restore", path(&file)]);
        assert_eq!(out.status.code(), Some(1), "[{on}]");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("the database is not empty (records holds")
                && stderr.contains("nothing was restored"),
            "[{on}] {stderr}"
        );
        ok(&second, &["export", "--format", "csv", "--out", path(&c)]);
        assert_eq!(read_dir(&a), read_dir(&c), "[{on}] after the refusal");
        ok(&second, &["audit", "verify"]);
    }
}

#[test]
fn a_sqlite_backup_restores_into_postgresql() {
    if !backends().contains(&Backend::Postgres) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    let file = tmp.path().join("agenda.backup");
    let sqlite = demo(Backend::Sqlite, &a);
    ok(&sqlite, &["backup", path(&file)]);
    let postgres = fresh(Backend::Postgres).unwrap();
    ok(&postgres, &["restore", path(&file)]);
    ok(&postgres, &["export", "--format", "csv", "--out", path(&b)]);
    assert_eq!(read_dir(&a), read_dir(&b), "sqlite → postgres");
    ok(&postgres, &["audit", "verify"]);
}

#[test]
fn audit_verify_names_the_record_altered_or_removed() {
    for on in backends() {
        let tmp = tempfile::tempdir().unwrap();
        let db = demo(on, &tmp.path().join("a"));
        let said = ok(&db, &["audit", "verify"]);
        let records: u64 = said
            .strip_prefix("audit chain intact: ")
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("[{on}] {said}"));
        assert!(records > 500, "[{on}] {said}");

        let (kind, code) = audit_row(&db, 120);
        sql(
            &db,
            "UPDATE audit_log SET after = '{\"forged\":true}' WHERE seq = 120",
        );
        let out = agenda(&db, &["audit", "verify"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "[{on}] {stdout}");
        assert!(
            stdout.contains(&format!("record 120 ({kind} {code} at "))
                && stdout.contains("was altered"),
            "[{on}] {stdout}"
        );

        // A row removed in the middle, or the last one.
        for seq in [300, records] {
            let db = demo(on, &tmp.path().join(format!("d{seq}")));
            sql(&db, &format!("DELETE FROM audit_log WHERE seq = {seq}"));
            let out = agenda(&db, &["audit", "verify"]);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert_eq!(out.status.code(), Some(1), "[{on}] {stdout}");
            assert!(
                stdout.contains(&format!("record {seq} was removed")),
                "[{on}] {stdout}"
            );
        }
    }
}
