//! The snapshot file: used only when it matches the database, and then giving exactly what
//! reading every record gives.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use agenda_core::{Change, Kind, Snapshot};

use crate::Store;
use crate::testing::{TestDb, test_databases};

async fn with_demo(db: &TestDb) -> Store {
    let store = db.open().await.unwrap();
    let tables = agenda_io::embedded::demo_tables().unwrap();
    let plan = agenda_io::plan_import(&store.snapshot(), &tables).unwrap();
    store.apply("import", plan.changes).await.unwrap();
    store
}

async fn open(db: &TestDb, file: &Path) -> Store {
    Store::open_with_file(db.url(), sdg(), Some(file.to_owned()))
        .await
        .unwrap()
}

fn sdg() -> Arc<agenda_core::sdg::SdgFramework> {
    Arc::new(agenda_core::sdg::SdgFramework::default())
}

/// Every entity of every kind, in order, and the version.
fn content(s: &Snapshot) -> (u64, Vec<Vec<agenda_core::Entity>>) {
    (
        s.version,
        Kind::ALL.iter().map(|&k| s.entities(k).collect()).collect(),
    )
}

/// The snapshot as read from every record of the database.
async fn from_database(db: &TestDb) -> (u64, Vec<Vec<agenda_core::Entity>>) {
    content(&db.open().await.unwrap().snapshot())
}

fn file_in(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("agenda.snapshot")
}

/// Some change of the demo: a figure corrected.
fn a_change(s: &Snapshot) -> Change {
    let mut o = s.observations.values().next().unwrap().clone();
    o.value += 1.0;
    Change::Upsert(o.into())
}

#[tokio::test]
async fn a_file_at_the_head_gives_what_the_database_gives() {
    for db in test_databases().await {
        let dir = tempfile::tempdir().unwrap();
        let file = file_in(&dir);
        let writer = Store::open_with_file(db.url(), sdg(), Some(file.clone()))
            .await
            .unwrap();
        let tables = agenda_io::embedded::demo_tables().unwrap();
        let plan = agenda_io::plan_import(&writer.snapshot(), &tables).unwrap();
        writer.apply("import", plan.changes).await.unwrap();
        assert!(writer.snapshot_file_lag() > 0, "{db:?}");
        let written = writer.save_snapshot_file().await.unwrap();
        assert_eq!(written, Some(writer.snapshot().version), "{db:?}");
        assert_eq!(writer.save_snapshot_file().await.unwrap(), None, "{db:?}");

        let reopened = open(&db, &file).await;
        // Lag 0 after opening: the file was used (a load from the database leaves it unsaved).
        assert_eq!(reopened.snapshot_file_lag(), 0, "{db:?}");
        let expected = from_database(&db).await;
        assert!(expected.1.iter().filter(|k| !k.is_empty()).count() > 15);
        assert_eq!(content(&reopened.snapshot()), expected, "{db:?}");
    }
}

#[tokio::test]
async fn a_file_behind_the_database_is_caught_up_from_the_audit_log() {
    for db in test_databases().await {
        let dir = tempfile::tempdir().unwrap();
        let file = file_in(&dir);
        drop(with_demo(&db).await);
        let first = open(&db, &file).await;
        first.save_snapshot_file().await.unwrap();
        let saved_at = first.snapshot().version;
        // Another server (or this one after its last save) writes and deletes.
        let change = a_change(&first.snapshot());
        first.apply("editor", vec![change]).await.unwrap();
        let gone = first.snapshot().services.keys().next().unwrap().clone();
        let result = first
            .apply("editor", vec![Change::Delete(Kind::Service, gone.clone())])
            .await;
        if result.is_err() {
            // A service others refer to: remove an observation instead.
            let key = first
                .snapshot()
                .observations
                .keys()
                .next_back()
                .unwrap()
                .clone();
            first
                .apply("editor", vec![Change::Delete(Kind::Observation, key)])
                .await
                .unwrap();
        }
        drop(first);

        let reopened = open(&db, &file).await;
        assert!(reopened.snapshot().version > saved_at);
        assert_eq!(
            reopened.snapshot_file_lag(),
            reopened.snapshot().version - saved_at,
            "{db:?}: the file was used, then caught up"
        );
        assert_eq!(
            content(&reopened.snapshot()),
            from_database(&db).await,
            "{db:?}"
        );
    }
}

#[tokio::test]
async fn a_damaged_or_foreign_file_is_not_used() {
    for db in test_databases().await {
        let dir = tempfile::tempdir().unwrap();
        let file = file_in(&dir);
        drop(with_demo(&db).await);
        let store = open(&db, &file).await;
        store.save_snapshot_file().await.unwrap();
        let good = std::fs::read(&file).unwrap();
        let expected = from_database(&db).await;

        // One byte of an entity changed, the file cut short, or rubbish.
        let mut flipped = good.clone();
        let at = good.len() - 10;
        flipped[at] ^= 0x20;
        for bad in [
            flipped,
            good[..good.len() / 2].to_vec(),
            b"nonsense".to_vec(),
        ] {
            std::fs::write(&file, &bad).unwrap();
            let s = open(&db, &file).await;
            assert!(s.snapshot_file_lag() > 0, "{db:?}: a bad file was used");
            assert_eq!(content(&s.snapshot()), expected, "{db:?}");
        }

        // The same sequence number on another database with another history: a database
        // restored from elsewhere, or a file copied from another country's server.
        std::fs::write(&file, &good).unwrap();
        let other = test_databases()
            .await
            .into_iter()
            .find(|o| o.backend() == db.backend())
            .unwrap();
        // The same demo imported at another moment: the same records, another chain.
        let other_store = with_demo(&other).await;
        assert_eq!(other_store.snapshot().version, store.snapshot().version);
        let s = open(&other, &file).await;
        assert!(
            s.snapshot_file_lag() > 0,
            "{db:?}: another database's file was used"
        );
        assert_eq!(content(&s.snapshot()), from_database(&other).await);

        // Missing: an ordinary start.
        std::fs::remove_file(&file).unwrap();
        let s = open(&db, &file).await;
        assert_eq!(content(&s.snapshot()), expected);
    }
}
