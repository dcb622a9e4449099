//! Backups and restores, on SQLite and (when configured) PostgreSQL.

use std::path::Path;

use agenda_core::{Change, Kind};

use crate::testing::{TestDb, test_databases};
use crate::tests::org;
use crate::{BackupError, Store};

/// Entities with a history (creates, updates, a delete) and a row in every other table,
/// with NULLs, quotes and non-ASCII text.
async fn fill(store: &Store) {
    let orgs = (0..40)
        .map(|i| Change::Upsert(org(&format!("ORG-{i:03}"), None)))
        .collect();
    store.apply("import", orgs).await.unwrap();
    store
        .apply(
            "ana",
            vec![
                Change::Upsert(org("CHILD", Some("ORG-001"))),
                Change::Delete(Kind::Organisation, "ORG-007".into()),
            ],
        )
        .await
        .unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(
        "INSERT INTO users (username, display_name, email, role, organisation, password_hash, \
         disabled, created_at) VALUES \
         ('ana', 'Ana \"Q\" Pérez — 東京', 'ana@example.org', 'admin', NULL, '$argon2id$x', 0, \
          '2026-01-01T00:00:00Z'), \
         ('bo', 'Bo', NULL, 'entity', 'ORG-001', '$argon2id$y', 1, '2026-01-02T00:00:00Z'); \
         INSERT INTO api_tokens (id, organisation, name, secret_hash, created_by, created_at, \
         revoked_at) VALUES ('tok1', 'ORG-001', 'feed', 'abc', 'ana', '2026-01-03T00:00:00Z', \
         NULL); \
         INSERT INTO reminders_sent (organisation, item, period, kind, sent_at) VALUES \
         ('ORG-001', 'KPI-01', '2026-Q1', 'before', '2026-03-20T08:00:00Z'); \
         INSERT INTO sessions (id_hash, username, csrf, created_at, expires_at) VALUES \
         ('s1', 'ana', 'c', '2026-01-01T00:00:00Z', '2099-01-01T00:00:00Z'); \
         INSERT INTO login_failures (username, at) VALUES ('bo', '2026-01-01T00:00:00Z'); \
         INSERT INTO feedback (id, service, useful, comment, lang, created_at, status, answer, \
         answered_at) VALUES \
         ('f1', 'SVC-001', 1, 'Très \"clair\" — 東京', 'fr', '2026-01-04T00:00:00Z', 'new', NULL, \
          NULL), \
         ('f2', 'SVC-001', 0, NULL, 'en', '2026-01-05T00:00:00Z', 'answered', 'Thanks', \
          '2026-01-06T00:00:00Z'); \
         INSERT INTO feedback_events (feedback_id, seq, at, actor, status_from, status_to, \
         answer) VALUES ('f2', 1, '2026-01-06T00:00:00Z', 'bo', 'new', 'answered', 'Thanks'); \
         INSERT INTO secrets (name, value, created_at) VALUES ('form-key', 'k', \
         '2026-01-01T00:00:00Z'); \
         INSERT INTO form_posts (client, at) VALUES ('c', '2026-01-01T00:00:00Z'); \
         INSERT INTO subscriptions (id, email, email_key, scope, lang, created_at, confirm_hash, \
         notice_sent_at, confirmed_at, last_seq, last_digest_at) VALUES \
         ('s1', 'Zoë@example.org', 'zoë@example.org', 'agenda', 'fr', '2026-01-01T00:00:00Z', \
          NULL, '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', 42, '2026-01-03T00:00:00Z'), \
         ('s2', 'bo@example.org', 'bo@example.org', 'kpi:KPI-01', 'en', '2026-01-04T00:00:00Z', \
          'abc', '2026-01-04T00:00:00Z', NULL, 0, NULL); \
         INSERT INTO participants (id, email, email_key, display_name, sector, lang, created_at, \
         confirmed_at, link_hash, link_expires_at, link_sent_at) VALUES \
         ('p1', 'Zoë@example.org', 'zoë@example.org', 'Zoë \"Z\"', 'citizen', 'fr', \
          '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', NULL, NULL, '2026-01-01T00:00:00Z'), \
         ('p2', 'bo@example.org', 'bo@example.org', NULL, 'private', 'en', \
          '2026-01-02T00:00:00Z', NULL, 'def', '2026-01-02T01:00:00Z', '2026-01-02T00:00:00Z'); \
         INSERT INTO participant_sessions (hash, participant, expires_at) VALUES \
         ('h1', 'p1', '2099-01-01T00:00:00Z'); \
         INSERT INTO participant_contributions (contribution, participant) VALUES \
         ('CONS-1-C1', 'p1')",
    ))
    .execute(store.pool())
    .await
    .unwrap();
    let content = |_: &agenda_core::Snapshot| {
        let mut c = agenda_core::versions::VersionContent::default();
        let row = [("title_en".to_owned(), "Plan — 東京 \"1\"".to_owned())].into();
        c.tables
            .insert("pillars".into(), [("P1".to_owned(), row)].into());
        c
    };
    let on = agenda_core::Date::parse("2026-01-07").unwrap();
    store
        .publish_version("ana", on, None, false, content)
        .await
        .unwrap();
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The rows of a backup file: every line but the header and the end marker, whose hash covers
/// the header (and its time).
fn rows(path: &Path) -> Vec<String> {
    let all = lines(path);
    all[1..all.len() - 1].to_vec()
}

async fn count(store: &Store, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(store.pool())
        .await
        .unwrap()
}

/// Nothing at all in the tables a restore fills, and the head at 0.
async fn assert_empty(store: &Store, on: &str) {
    for table in crate::backup_tables().filter(|t| *t != "audit_head") {
        assert_eq!(count(store, table).await, 0, "{on}: {table}");
    }
    let head: i64 = sqlx::query_scalar("SELECT seq FROM audit_head WHERE id = 1")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(head, 0, "{on}");
    assert_eq!(store.snapshot().version, 0, "{on}");
}

#[tokio::test]
async fn a_restored_backup_holds_the_same_rows_and_its_chain_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        fill(&store).await;
        let file = dir.path().join(format!("{on}.agenda-backup"));
        let written = store.backup(&file).await.unwrap();
        assert_eq!(written.audit_seq, 43, "{on}");
        assert_eq!(
            written.rows,
            vec![
                ("records", 40),
                ("audit_log", 43),
                ("audit_head", 1),
                ("users", 2),
                ("api_tokens", 1),
                ("reminders_sent", 1),
                ("feedback", 2),
                ("agenda_versions", 1),
                ("subscriptions", 2),
                ("participants", 2),
                ("participant_sessions", 1),
                ("participant_contributions", 1),
                ("feedback_events", 1)
            ],
            "{on}"
        );
        // Nothing but the file is left in the directory.
        assert!(
            std::fs::read_dir(dir.path()).unwrap().all(|e| !e
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('.')),
            "{on}"
        );

        let target: TestDb = test_databases()
            .await
            .into_iter()
            .find(|t| t.backend() == on)
            .unwrap();
        let restored = target.open().await.unwrap();
        let read = restored.restore(&file).await.unwrap();
        assert_eq!(read, written, "{on}");
        assert_eq!(restored.snapshot().version, 43, "{on}");
        assert_eq!(
            restored.snapshot().count(Kind::Organisation),
            store.snapshot().count(Kind::Organisation),
            "{on}"
        );
        assert_eq!(restored.verify_audit().await.unwrap(), None, "{on}");
        // Transient tables are not carried over.
        assert_eq!(count(&restored, "sessions").await, 0, "{on}");
        assert_eq!(count(&restored, "login_failures").await, 0, "{on}");
        assert_eq!(count(&restored, "secrets").await, 0, "{on}");
        assert_eq!(count(&restored, "form_posts").await, 0, "{on}");

        let again = dir.path().join(format!("{on}-again.agenda-backup"));
        restored.backup(&again).await.unwrap();
        assert_eq!(rows(&again), rows(&file), "{on}");

        // The restored database takes writes that continue the chain.
        let out = restored
            .apply("ana", vec![Change::Upsert(org("NEW", None))])
            .await
            .unwrap();
        assert_eq!(out.version, 44, "{on}");
        assert_eq!(restored.verify_audit().await.unwrap(), None, "{on}");
        // And a fresh store on it loads what was restored.
        let reopened = target.open().await.unwrap();
        assert_eq!(reopened.snapshot().version, 44, "{on}");
        reopened.close().await;
        restored.close().await;
        store.close().await;
    }
}

#[tokio::test]
async fn a_sqlite_backup_restores_into_every_backend() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sqlite.agenda-backup");
    let mut dbs = test_databases().await.into_iter();
    let source = dbs.next().unwrap();
    let store = source.open().await.unwrap();
    fill(&store).await;
    store.backup(&file).await.unwrap();
    for db in test_databases().await {
        let on = db.backend();
        let target = db.open().await.unwrap();
        target.restore(&file).await.unwrap();
        assert_eq!(target.verify_audit().await.unwrap(), None, "{on}");
        let again = dir.path().join(format!("{on}.agenda-backup"));
        target.backup(&again).await.unwrap();
        // The same rows, in the order each backend sorts them.
        let mut a = rows(&file);
        let mut b = rows(&again);
        a.sort();
        b.sort();
        assert_eq!(a, b, "{on}");
        target.close().await;
    }
    store.close().await;
}

#[tokio::test]
async fn a_backup_taken_during_writes_is_consistent() {
    let dir = tempfile::tempdir().unwrap();
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        fill(&store).await;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let (store, stop) = (store.clone(), stop.clone());
            tokio::spawn(async move {
                let mut i = 0u64;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    // Each write touches several entities: a torn copy would show.
                    let changes = (0..5)
                        .map(|j| {
                            Change::Upsert(crate::tests::renamed(
                                &format!("ORG-{:03}", (i * 5 + j) % 40),
                                None,
                                &format!("Renamed {i}"),
                            ))
                        })
                        .collect();
                    store.apply("writer", changes).await.unwrap();
                    i += 1;
                }
                i
            })
        };
        let mut overlapped = 0;
        for n in 0..20 {
            let before = store.snapshot().version;
            let file = dir.path().join(format!("{on}-{n}.agenda-backup"));
            let written = store.backup(&file).await.unwrap();
            if store.snapshot().version > before {
                overlapped += 1;
            }
            let target = test_databases()
                .await
                .into_iter()
                .find(|t| t.backend() == on)
                .unwrap();
            let restored = target.open().await.unwrap();
            // The restore verifies the chain and the head against the log.
            restored.restore(&file).await.unwrap();
            assert_eq!(restored.snapshot().version, written.audit_seq, "{on}");
            // The entities are exactly what the audit log says they became.
            let log = restored.audit_len().await.unwrap();
            assert_eq!(log, written.audit_seq, "{on}");
            let mut last: std::collections::BTreeMap<String, Option<String>> = Default::default();
            let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(
                "SELECT seq, code, after FROM audit_log \
                     WHERE kind <> 'agenda_version' ORDER BY seq",
            )
            .fetch_all(restored.pool())
            .await
            .unwrap();
            for (_, code, after) in rows {
                last.insert(code, after);
            }
            let records: Vec<(String, String)> =
                sqlx::query_as("SELECT code, body FROM records ORDER BY code")
                    .fetch_all(restored.pool())
                    .await
                    .unwrap();
            let expected: Vec<(String, String)> = last
                .into_iter()
                .filter_map(|(code, after)| after.map(|a| (code, a)))
                .collect();
            assert_eq!(records, expected, "{on}: backup {n}");
            restored.close().await;
            if overlapped >= 3 {
                break;
            }
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let writes = writer.await.unwrap();
        assert!(writes > 0, "{on}");
        assert!(
            overlapped > 0,
            "{on}: no backup ran while a write committed"
        );
        store.close().await;
    }
}

/// `text` with its line `n` (from 1) replaced by `f(line)`.
fn edit_line(text: &str, n: usize, f: impl Fn(&str) -> String) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| if i + 1 == n { f(l) } else { l.to_owned() })
        .map(|l| l + "\n")
        .collect()
}

#[tokio::test]
async fn a_bad_file_or_a_non_empty_database_is_refused_and_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        fill(&store).await;
        let good = dir.path().join(format!("{on}.agenda-backup"));
        store.backup(&good).await.unwrap();
        let text = std::fs::read_to_string(&good).unwrap();
        let n = text.lines().count();

        // Into a database that holds data: refused, and it is as it was.
        match store.restore(&good).await {
            Err(BackupError::NotEmpty(why)) => {
                assert!(why.contains("records holds 40 rows"), "{why}")
            }
            other => panic!("{on}: {other:?}"),
        }
        assert_eq!(count(&store, "records").await, 40, "{on}");
        assert_eq!(count(&store, "audit_log").await, 43, "{on}");
        assert_eq!(store.verify_audit().await.unwrap(), None, "{on}");

        // A chain edited before the backup is refused at restore.
        sqlx::query("UPDATE audit_log SET actor = 'eve' WHERE seq = 41")
            .execute(store.pool())
            .await
            .unwrap();
        let tampered = dir.path().join(format!("{on}-tampered.agenda-backup"));
        store.backup(&tampered).await.unwrap();

        let cut = text.len() - text.lines().last().unwrap().len() - 1;
        let body_line = text
            .lines()
            .position(|l| l.contains("\"table\":\"records\""))
            .unwrap()
            + 1;
        let bad: Vec<(&str, String, usize, &str)> = vec![
            ("empty", String::new(), 1, "empty"),
            (
                "cut mid-line",
                text[..text.len() - 10].to_owned(),
                n,
                "cut short",
            ),
            (
                "no end marker",
                text[..cut].to_owned(),
                n,
                "without its end marker",
            ),
            (
                "a changed value",
                edit_line(&text, body_line, |l| {
                    l.replacen("Organisation", "Organisatiom", 1)
                }),
                n,
                "checksum",
            ),
            (
                "a broken line",
                edit_line(&text, 5, |l| l[..l.len() - 2].to_owned()),
                5,
                "not a valid backup line",
            ),
            (
                "a missing value",
                edit_line(&text, body_line, |l| l.replacen(",1,", ",", 1)),
                body_line,
                "values, expected 5",
            ),
            (
                "a duplicated row",
                edit_line(&text, 2, |l| format!("{l}\n{l}")),
                2,
                "the database refused the rows of lines 2 to ",
            ),
            (
                "not a backup",
                "kind,code\n".to_owned(),
                1,
                "not a valid backup line",
            ),
            (
                "another format version",
                edit_line(&text, 1, |l| l.replace("\"version\":1", "\"version\":9")),
                1,
                "format version",
            ),
        ];
        for (what, content, line, says) in bad {
            let file = dir.path().join("bad.agenda-backup");
            std::fs::write(&file, &content).unwrap();
            let target = test_databases()
                .await
                .into_iter()
                .find(|t| t.backend() == on)
                .unwrap();
            let restored = target.open().await.unwrap();
            let err = restored.restore(&file).await.unwrap_err();
            let message = err.to_string();
            match &err {
                BackupError::Format { line: l, .. } => {
                    // Cut mid-line: the line is wherever the cut fell.
                    if line > 0 {
                        assert_eq!(*l, line as u64, "{on}: {what}: {message}");
                    }
                }
                other => panic!("{on}: {what}: {other:?}"),
            }
            assert!(message.contains(says), "{on}: {what}: {message}");
            assert!(message.contains("nothing was restored"), "{message}");
            assert_empty(&restored, &format!("{on}: {what}")).await;
            // The refusal left nothing behind: the good file restores.
            restored.restore(&good).await.unwrap();
            restored.close().await;
        }

        let target = test_databases()
            .await
            .into_iter()
            .find(|t| t.backend() == on)
            .unwrap();
        let restored = target.open().await.unwrap();
        match restored.restore(&tampered).await {
            Err(BackupError::Chain(fault)) => assert_eq!(fault.seq, 41, "{on}"),
            other => panic!("{on}: {other:?}"),
        }
        assert_empty(&restored, &format!("{on}: tampered")).await;
        restored.close().await;
        store.close().await;
    }
}

#[tokio::test]
async fn a_failed_backup_leaves_no_file() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        fill(&store).await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("missing-dir").join("x.agenda-backup");
        assert!(
            matches!(store.backup(&file).await, Err(BackupError::Write { .. })),
            "{on}"
        );
        // A backup over an existing file replaces it whole.
        let file = dir.path().join("x.agenda-backup");
        std::fs::write(&file, "old").unwrap();
        store.backup(&file).await.unwrap();
        assert!(
            lines(&file)[0].contains("\"format\":\"agenda-backup\""),
            "{on}"
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "{on}");
        store.close().await;
    }
}
