//! Published versions, on SQLite and (when configured) PostgreSQL.

use agenda_core::versions::{VersionContent, VersionNumber};
use agenda_core::{Change, Date, Lang, Snapshot, Text};

use crate::Published;
use crate::testing::test_databases;
use crate::tests::{org, renamed};

/// A plan made of the organisations' names: enough to see what the store keeps.
fn names(s: &Snapshot) -> VersionContent {
    let mut c = VersionContent::default();
    let rows = s
        .organisations
        .values()
        .map(|o| {
            let row = [("title_en".to_owned(), o.name.get("en").to_owned())].into();
            (o.code.to_string(), row)
        })
        .collect();
    c.tables.insert("pillars".into(), rows);
    c
}

fn day(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn v(s: &str) -> VersionNumber {
    VersionNumber::parse(s).unwrap()
}

#[tokio::test]
async fn versions_are_numbered_in_order_kept_whole_and_chained() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        assert!(store.versions().await.unwrap().is_empty(), "{on}");
        assert_eq!(store.version_content(v("1.0")).await.unwrap(), None);

        store
            .apply("ana", vec![Change::Upsert(org("ORG-A", None))])
            .await
            .unwrap();
        let note = Text::new([
            (Lang::parse("en").unwrap(), "Launch".to_owned()),
            (Lang::parse("fr").unwrap(), "Lancement".to_owned()),
        ])
        .unwrap();
        let before = store.snapshot().version;
        let first = store
            .publish_version("ana", day("2024-03-12"), Some(&note), false, names)
            .await
            .unwrap();
        let Published::New(first) = first else {
            panic!("{on}: {first:?}")
        };
        assert_eq!(first.number, v("1.0"), "{on}");
        assert_eq!(first.snapshot_version, before, "{on}");
        // The publication moves the snapshot's version, so cached pages are renewed.
        assert_eq!(store.snapshot().version, before + 1, "{on}");
        let kept = store.version_content(v("1.0")).await.unwrap().unwrap();
        assert_eq!(kept, names(&store.snapshot()), "{on}");

        // The same plan again records nothing.
        let again = store
            .publish_version("ana", day("2024-04-01"), None, false, names)
            .await
            .unwrap();
        assert_eq!(again, Published::Unchanged(v("1.0")), "{on}");
        assert_eq!(store.snapshot().version, before + 1, "{on}");

        // A change, then a minor and a major version; the old content stays as it was.
        store
            .apply(
                "ana",
                vec![Change::Upsert(renamed("ORG-A", None, "Renamed"))],
            )
            .await
            .unwrap();
        let Published::New(second) = store
            .publish_version("bo", day("2025-01-15"), None, false, names)
            .await
            .unwrap()
        else {
            panic!("{on}")
        };
        assert_eq!(second.number, v("1.1"), "{on}");
        store
            .apply("ana", vec![Change::Upsert(org("ORG-B", None))])
            .await
            .unwrap();
        let Published::New(third) = store
            .publish_version("bo", day("2026-01-15"), None, true, names)
            .await
            .unwrap()
        else {
            panic!("{on}")
        };
        assert_eq!(third.number, v("2.0"), "{on}");
        assert_eq!(
            kept,
            store.version_content(v("1.0")).await.unwrap().unwrap(),
            "{on}"
        );
        let old = store.version_content(v("1.1")).await.unwrap().unwrap();
        assert_eq!(old.row("pillars", "ORG-A").unwrap()["title_en"], "Renamed");

        let all = store.versions().await.unwrap();
        let numbers: Vec<String> = all.iter().map(|i| i.number.to_string()).collect();
        assert_eq!(numbers, ["1.0", "1.1", "2.0"], "{on}");
        assert_eq!(all[0].note.as_ref(), Some(&note), "{on}");
        assert_eq!(all[0].published_on, day("2024-03-12"), "{on}");
        assert_eq!(all[1].note, None, "{on}");

        // Each publication is in the chain, which stays intact, but not among the records'
        // changes.
        let published: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE kind = 'agenda_version' AND action = 'create'",
        )
        .fetch_one(store.pool())
        .await
        .unwrap();
        assert_eq!(published, 3, "{on}");
        assert_eq!(store.verify_audit().await.unwrap(), None, "{on}");
        let records = store.audit_records(None, None, 100).await.unwrap();
        assert_eq!(records.len(), 3, "{on}: the three records' changes only");
    }
}
