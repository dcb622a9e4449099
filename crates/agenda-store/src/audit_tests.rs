//! What the audit chain check finds after the database was edited by hand, on SQLite and (when
//! configured) PostgreSQL.

use agenda_core::Change;

use crate::testing::test_databases;
use crate::tests::org;
use crate::{AuditProblem, Store};

/// Five writes, one record each: sequence numbers 1 to 5, organisations ORG-1 to ORG-5.
async fn five_records(store: &Store) {
    for i in 1..=5 {
        store
            .apply("ana", vec![Change::Upsert(org(&format!("ORG-{i}"), None))])
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn every_kind_of_edit_is_found_at_the_first_record_it_touches() {
    use AuditProblem::*;
    // (edit, first seq at fault, what is wrong, whether the row still exists)
    let cases: &[(&str, u64, AuditProblem, bool)] = &[
        (
            "UPDATE audit_log SET after = '{\"code\":\"ORG-3\"}' WHERE seq = 3",
            3,
            Altered,
            true,
        ),
        (
            "UPDATE audit_log SET actor = 'eve' WHERE seq = 1",
            1,
            Altered,
            true,
        ),
        (
            "UPDATE audit_log SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = 4",
            4,
            Altered,
            true,
        ),
        (
            "UPDATE audit_log SET before = '' WHERE seq = 2",
            2,
            Altered,
            true,
        ),
        (
            "UPDATE audit_log SET hash = (SELECT hash FROM audit_log WHERE seq = 1) WHERE seq = 3",
            3,
            Altered,
            true,
        ),
        (
            "UPDATE audit_log SET prev_hash = (SELECT hash FROM audit_log WHERE seq = 1) \
             WHERE seq = 3",
            3,
            Unlinked,
            true,
        ),
        ("DELETE FROM audit_log WHERE seq = 3", 3, Missing, false),
        ("DELETE FROM audit_log WHERE seq = 1", 1, Missing, false),
        (
            "UPDATE audit_log SET seq = 9 WHERE seq = 2",
            2,
            Missing,
            false,
        ),
        ("DELETE FROM audit_log WHERE seq = 5", 5, Missing, false),
        ("DELETE FROM audit_log", 1, Missing, false),
        // The last record removed and the head moved back by its number only.
        (
            "DELETE FROM audit_log WHERE seq = 5; UPDATE audit_head SET seq = 4",
            4,
            HeadMismatch,
            true,
        ),
        // The head moved back to an earlier record, whole.
        (
            "UPDATE audit_head SET seq = 4, hash = (SELECT hash FROM audit_log WHERE seq = 4)",
            5,
            BeyondHead,
            true,
        ),
        (
            "UPDATE audit_head SET hash = (SELECT hash FROM audit_log WHERE seq = 4)",
            5,
            HeadMismatch,
            true,
        ),
    ];
    for (edit, seq, problem, row) in cases {
        for db in test_databases().await {
            let on = db.backend();
            let store = db.open().await.unwrap();
            five_records(&store).await;
            let intact = store.check_audit().await.unwrap();
            assert_eq!((intact.records, intact.head_seq), (5, 5), "{on}");
            assert_eq!(intact.fault, None, "{on}");

            sqlx::raw_sql(sqlx::AssertSqlSafe(*edit))
                .execute(store.pool())
                .await
                .unwrap();
            let fault = store
                .check_audit()
                .await
                .unwrap()
                .fault
                .unwrap_or_else(|| panic!("{on}: {edit}: not detected"));
            assert_eq!(
                (fault.seq, &fault.problem, fault.row.is_some()),
                (*seq, problem, *row),
                "{on}: {edit}"
            );
            assert_eq!(store.verify_audit().await.unwrap(), Some(*seq), "{on}");
            if *problem == Altered {
                let r = fault.row.as_ref().unwrap();
                assert_eq!(
                    (r.kind.as_str(), r.code.clone()),
                    ("organisation", format!("ORG-{seq}"))
                );
                let message = fault.to_string();
                assert!(
                    message.starts_with(&format!("record {seq} (organisation ORG-{seq} at ")),
                    "{message}"
                );
            }
            store.close().await;
        }
    }
}

#[tokio::test]
async fn a_value_of_the_wrong_type_is_a_fault_not_an_error() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        five_records(&store).await;
        // SQLite keeps the integer as it is; PostgreSQL stores its text, which changes the hash.
        sqlx::query("UPDATE audit_log SET after = 5 WHERE seq = 2")
            .execute(store.pool())
            .await
            .unwrap();
        let fault = store.check_audit().await.unwrap().fault.unwrap();
        assert_eq!(fault.seq, 2, "{on}");
        assert!(
            matches!(&fault.problem, AuditProblem::Unreadable(c) if c == "after")
                || fault.problem == AuditProblem::Altered,
            "{on}: {fault:?}"
        );
        store.close().await;
    }
}
