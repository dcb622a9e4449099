//! Participants on SQLite and (when configured) PostgreSQL: a mailed link signs in once and
//! only in time, a session names its person, and a person's data is exported and forgotten.

use chrono::{Duration, Utc};

use crate::participants::{LINK_MAX_AGE_MINUTES, LinkRequested, RESEND_AFTER_MINUTES};
use crate::testing::test_databases;

#[tokio::test]
async fn a_link_signs_in_once_and_only_before_it_expires() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        let now = Utc::now();
        let LinkRequested::Mail { id, token } = store
            .request_participation("Ana@Example.org", Some(" Ana "), "citizen", "fr", now)
            .await
            .unwrap()
        else {
            panic!("{on}: a first request mails a link");
        };
        // Asked again at once, by whatever spelling: nothing more is mailed.
        assert_eq!(
            store
                .request_participation("ana@example.ORG", None, "citizen", "fr", now)
                .await
                .unwrap(),
            LinkRequested::Throttled,
            "{on}"
        );
        // Only the token's hash is kept.
        let stored: Vec<Option<String>> = sqlx::query_scalar("SELECT link_hash FROM participants")
            .fetch_all(store.pool())
            .await
            .unwrap();
        assert_eq!(stored.len(), 1, "{on}");
        assert_ne!(stored[0].as_deref(), Some(token.as_str()), "{on}");

        let (p, cookie) = store
            .use_participation_link(&token, now)
            .await
            .unwrap()
            .expect("the link signs in");
        assert_eq!(
            (p.id.as_str(), p.email.as_str()),
            (id.as_str(), "Ana@Example.org")
        );
        assert_eq!(p.display_name.as_deref(), Some("Ana"), "{on}");
        assert!(p.confirmed_at.is_some(), "{on}: the address is confirmed");
        assert_eq!(
            store
                .participant_session(&cookie, now)
                .await
                .unwrap()
                .map(|x| x.id),
            Some(id.clone()),
            "{on}"
        );
        // A link works once.
        assert!(
            store
                .use_participation_link(&token, now)
                .await
                .unwrap()
                .is_none(),
            "{on}"
        );
        assert!(
            store
                .use_participation_link("forged", now)
                .await
                .unwrap()
                .is_none()
        );

        // A later link, used too late, signs nobody in; asking again replaces it and keeps
        // the person (and takes the name they give now: none, anonymous).
        let later = now + Duration::minutes(RESEND_AFTER_MINUTES + 1);
        let LinkRequested::Mail {
            id: same,
            token: t2,
        } = store
            .request_participation("ana@example.org", None, "citizen", "en", later)
            .await
            .unwrap()
        else {
            panic!("{on}: a later request mails a new link");
        };
        assert_eq!(same, id, "{on}");
        let too_late = later + Duration::minutes(LINK_MAX_AGE_MINUTES + 1);
        assert!(
            store
                .use_participation_link(&t2, too_late)
                .await
                .unwrap()
                .is_none(),
            "{on}"
        );
        assert_eq!(
            store.participant(&id).await.unwrap().unwrap().display_name,
            None
        );

        // A session ends when asked.
        store.end_participant_session(&cookie).await.unwrap();
        assert!(
            store
                .participant_session(&cookie, now)
                .await
                .unwrap()
                .is_none(),
            "{on}"
        );
        store.close().await;
    }
}

#[tokio::test]
async fn a_participant_exports_and_forgets_everything_held_about_them() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        let now = Utc::now();
        let LinkRequested::Mail { id, token } = store
            .request_participation("bo@example.org", None, "private", "en", now)
            .await
            .unwrap()
        else {
            panic!("{on}");
        };
        let (_, cookie) = store
            .use_participation_link(&token, now)
            .await
            .unwrap()
            .unwrap();
        store.link_contribution(&id, "CONS-1-C7").await.unwrap();
        store.link_contribution(&id, "CONS-1-C9").await.unwrap();
        let (p, mine) = store.participant_data(&id).await.unwrap().unwrap();
        assert_eq!(p.sector, "private", "{on}");
        assert_eq!(mine, ["CONS-1-C7", "CONS-1-C9"], "{on}");

        assert_eq!(
            store.forget_participant(&id).await.unwrap(),
            ["CONS-1-C7", "CONS-1-C9"]
        );
        assert!(store.participant_data(&id).await.unwrap().is_none(), "{on}");
        assert!(
            store
                .participant_session(&cookie, now)
                .await
                .unwrap()
                .is_none(),
            "{on}"
        );
        for count in [
            "SELECT COUNT(*) FROM participants",
            "SELECT COUNT(*) FROM participant_sessions",
            "SELECT COUNT(*) FROM participant_contributions",
        ] {
            let n: i64 = sqlx::query_scalar(count)
                .fetch_one(store.pool())
                .await
                .unwrap();
            assert_eq!(n, 0, "{on}: {count}");
        }
        store.close().await;
    }
}
