//! Subscriptions on SQLite and (when configured) PostgreSQL: double opt-in, the same answer
//! whatever the address's state, expiry, what a subscriber is told of, export and deletion.

use agenda_core::{Change, Kind};
use chrono::{Duration, Utc};

use crate::subscriptions::{CONFIRM_MAX_AGE_HOURS, RESEND_AFTER_MINUTES, Requested, check_email};
use crate::testing::test_databases;
use crate::tests::{org, renamed};

#[test]
fn addresses_are_checked_like_the_form_does() {
    assert_eq!(
        check_email("  ana@example.org "),
        Some("ana@example.org".into())
    );
    for bad in [
        "",
        "ana",
        "@example.org",
        "ana@",
        "ana@localhost",
        "ana@.org",
        "a b@example.org",
        "ana@example.org, bo@example.org",
        "Ana <ana@example.org>",
        "ana@ex@ample.org",
    ] {
        assert_eq!(check_email(bad), None, "{bad:?}");
    }
    assert_eq!(
        check_email(&format!("{}@example.org", "a".repeat(250))),
        None
    );
}

#[tokio::test]
async fn a_request_is_confirmed_once_by_its_token_and_the_answer_never_tells_the_state() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        let now = Utc::now();
        let Requested::Confirm { id, token } = store
            .request_subscription("Ana@Example.org", "kpi:KPI-01", "fr", now)
            .await
            .unwrap()
        else {
            panic!("{on}: a new request asks for confirmation");
        };
        // Asked again at once, by whatever spelling: nothing more is mailed.
        assert_eq!(
            store
                .request_subscription("ana@example.ORG", "kpi:KPI-01", "en", now)
                .await
                .unwrap(),
            Requested::Throttled,
            "{on}"
        );
        // Only the token's hash is stored.
        let stored: Vec<String> = sqlx::query_scalar("SELECT confirm_hash FROM subscriptions")
            .fetch_all(store.pool())
            .await
            .unwrap();
        assert_eq!(stored.len(), 1, "{on}");
        assert_ne!(stored[0], token, "{on}");
        assert!(!stored[0].contains(&token), "{on}");
        // Unconfirmed: not among those told of changes.
        store
            .apply("ana", vec![Change::Upsert(org("DGA", None))])
            .await
            .unwrap();
        assert!(
            store.subscriptions_behind(1).await.unwrap().is_empty(),
            "{on}"
        );

        // Asked again later: a new link, which replaces the first.
        let later = now + Duration::minutes(RESEND_AFTER_MINUTES + 1);
        let Requested::Confirm {
            id: same,
            token: second,
        } = store
            .request_subscription("ana@example.org", "kpi:KPI-01", "es", later)
            .await
            .unwrap()
        else {
            panic!("{on}: still unconfirmed");
        };
        assert_eq!(same, id, "{on}");
        assert!(
            store
                .confirm_subscription(&token, later)
                .await
                .unwrap()
                .is_none(),
            "{on}"
        );
        assert!(
            store
                .confirm_subscription("nonsense", later)
                .await
                .unwrap()
                .is_none()
        );
        let sub = store
            .confirm_subscription(&second, later)
            .await
            .unwrap()
            .expect("confirmed");
        assert_eq!(sub.id, id, "{on}");
        assert_eq!(sub.email, "Ana@Example.org", "{on}: kept as given");
        assert_eq!(sub.lang, "es", "{on}: the language asked last");
        // Told of changes made after confirming only.
        assert_eq!(sub.last_seq, store.audit_head_seq().await.unwrap(), "{on}");
        assert_eq!(sub.last_seq, 1, "{on}");
        assert!(
            store
                .confirm_subscription(&second, later)
                .await
                .unwrap()
                .is_none(),
            "{on}: used"
        );

        // Confirmed: asking again reminds (after a while), never asks to confirm again.
        let much_later = later + Duration::minutes(RESEND_AFTER_MINUTES + 1);
        assert_eq!(
            store
                .request_subscription("ana@example.org", "kpi:KPI-01", "en", much_later)
                .await
                .unwrap(),
            Requested::AlreadyConfirmed { id: id.clone() },
            "{on}"
        );

        // A change: the subscription is behind until told.
        store
            .apply(
                "ana",
                vec![Change::Upsert(renamed("DGA", None, "Digital Agency"))],
            )
            .await
            .unwrap();
        let head = store.audit_head_seq().await.unwrap();
        assert_eq!(head, 2, "{on}");
        let behind = store.subscriptions_behind(head).await.unwrap();
        assert_eq!(behind.len(), 1, "{on}");
        let changes = store
            .audit_changes(&[Kind::Organisation], behind[0].last_seq, head, 10, true)
            .await
            .unwrap();
        assert_eq!(changes.len(), 1, "{on}");
        assert_eq!(changes[0].seq, 2, "{on}");
        assert!(
            store
                .audit_changes(&[Kind::Kpi], 0, head, 10, true)
                .await
                .unwrap()
                .is_empty(),
            "{on}: only the kinds asked for"
        );
        let newest = store
            .audit_changes(&[Kind::Organisation], 0, head, 1, false)
            .await
            .unwrap();
        assert_eq!(newest[0].seq, 2, "{on}: newest first");
        store
            .subscription_told(&id, head, Some(much_later))
            .await
            .unwrap();
        assert!(
            store.subscriptions_behind(head).await.unwrap().is_empty(),
            "{on}"
        );
        let sub = store.subscription(&id).await.unwrap().unwrap();
        assert!(sub.last_digest_at.is_some(), "{on}");
        // Never moved back.
        store.subscription_told(&id, 1, None).await.unwrap();
        assert_eq!(
            store.subscription(&id).await.unwrap().unwrap().last_seq,
            head
        );
    }
}

#[tokio::test]
async fn unconfirmed_requests_expire_and_a_subscriber_can_export_and_delete_everything() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        let now = Utc::now();
        let mut ids = Vec::new();
        for (email, scope) in [
            ("bo@example.org", "agenda"),
            ("BO@example.org", "pillar:P1"),
            ("cy@example.org", "agenda"),
        ] {
            match store
                .request_subscription(email, scope, "en", now)
                .await
                .unwrap()
            {
                Requested::Confirm { id, token } => {
                    if scope == "agenda" {
                        store
                            .confirm_subscription(&token, now)
                            .await
                            .unwrap()
                            .unwrap();
                    }
                    ids.push(id);
                }
                other => panic!("{on}: {other:?}"),
            }
        }
        // Everything held about bo, whichever of their subscriptions the link came from.
        let held = store.subscriptions_of_address(&ids[1]).await.unwrap();
        let scopes: Vec<&str> = held.iter().map(|s| s.scope.as_str()).collect();
        assert_eq!(scopes.len(), 2, "{on}");
        assert!(
            scopes.contains(&"agenda") && scopes.contains(&"pillar:P1"),
            "{on}"
        );
        assert!(
            held.iter()
                .all(|s| s.email.eq_ignore_ascii_case("bo@example.org"))
        );
        assert!(
            store
                .subscriptions_of_address("nobody")
                .await
                .unwrap()
                .is_empty()
        );

        // The unconfirmed pillar request expires; confirmed ones stay.
        let expired = store
            .expire_unconfirmed(now + Duration::hours(CONFIRM_MAX_AGE_HOURS) + Duration::minutes(1))
            .await
            .unwrap();
        assert_eq!(expired, 1, "{on}");
        assert_eq!(
            store.subscriptions_of_address(&ids[0]).await.unwrap().len(),
            1
        );

        // Unsubscribing deletes the row; forgetting deletes every row of the address.
        assert!(store.unsubscribe(&ids[0]).await.unwrap(), "{on}");
        assert!(!store.unsubscribe(&ids[0]).await.unwrap(), "{on}");
        assert!(store.subscription(&ids[0]).await.unwrap().is_none(), "{on}");
        for scope in ["kpi:KPI-01", "organisation:DGA"] {
            store
                .request_subscription("cy@example.org", scope, "en", now)
                .await
                .unwrap();
        }
        assert_eq!(store.forget_address(&ids[2]).await.unwrap(), 3, "{on}");
        assert_eq!(store.forget_address(&ids[2]).await.unwrap(), 0, "{on}");
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM subscriptions")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(left, 0, "{on}");
        // No address ever reaches the audit chain.
        let audited: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE after LIKE '%example.org%'")
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!(audited, 0, "{on}");
    }
}
