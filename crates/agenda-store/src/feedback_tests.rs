//! Feedback on service sheets, the form key and the rate limit, on SQLite and (when
//! configured) PostgreSQL.

use std::net::IpAddr;

use agenda_core::Code;
use agenda_core::ticket::{MoveRefused, TicketStatus};

use crate::feedback::{
    COMMENT_MAX_CHARS, FormKey, NewFeedback, RATE_LIMIT_POSTS, TOKEN_MAX_AGE_SECONDS,
    TicketRefusal, TokenCheck,
};
use crate::testing::test_databases;

fn code(s: &str) -> Code {
    Code::parse(s).unwrap()
}

#[tokio::test]
async fn the_form_key_is_one_per_database_and_signs_tokens_that_expire() {
    for db in test_databases().await {
        let on = db.backend();
        let one = db.open().await.unwrap();
        let other = db.open().await.unwrap();
        let key = one.form_key().await.unwrap();
        // Every server on the database verifies what another signed.
        let now = 1_800_000_000;
        let token = key.token("feedback:SVC-001", now);
        let again = other.form_key().await.unwrap();
        assert_eq!(
            again.check("feedback:SVC-001", &token, now + 60),
            TokenCheck::Valid,
            "{on}"
        );
        assert_eq!(
            key.check("feedback:SVC-002", &token, now),
            TokenCheck::Invalid,
            "{on}: another form's token"
        );
        let (stamp, mac) = token.split_once('.').unwrap();
        for forged in [
            String::new(),
            "nonsense".into(),
            format!("{}.{mac}", now + 1),
            format!("{stamp}.{}", "0".repeat(32)),
            format!("{stamp}.{mac}0"),
        ] {
            assert_eq!(
                key.check("feedback:SVC-001", &forged, now),
                TokenCheck::Invalid,
                "{on}: {forged:?}"
            );
        }
        assert_eq!(
            key.check("feedback:SVC-001", &token, now + TOKEN_MAX_AGE_SECONDS + 1),
            TokenCheck::Expired,
            "{on}"
        );
        assert_eq!(
            key.check("feedback:SVC-001", &token, now - 3600),
            TokenCheck::Expired,
            "{on}: dated in the future"
        );
        // Another database has another key.
        let elsewhere = FormKey::from_hex(&"ab".repeat(32)).unwrap();
        assert_eq!(
            elsewhere.check("feedback:SVC-001", &token, now),
            TokenCheck::Invalid,
            "{on}"
        );
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM secrets")
            .fetch_one(one.pool())
            .await
            .unwrap();
        assert_eq!(n, 1, "{on}");
    }
}

#[tokio::test]
async fn answers_are_stored_listed_newest_first_and_counted_per_service() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        let answers = [
            ("SVC-001", true, Some("Clear — merci « très » 'bien'"), "fr"),
            ("SVC-001", false, Some("   "), "en"),
            ("SVC-002", true, None, "es"),
            ("SVC-001", true, None, "en"),
        ];
        for (service, useful, comment, lang) in answers {
            let new = NewFeedback::new(code(service), useful, comment, lang).unwrap();
            store.add_feedback(&new).await.unwrap();
        }
        assert_eq!(
            NewFeedback::new(
                code("SVC-001"),
                true,
                Some(&"é".repeat(COMMENT_MAX_CHARS + 1)),
                "en"
            ),
            Err(COMMENT_MAX_CHARS + 1),
            "{on}"
        );
        assert!(
            NewFeedback::new(
                code("SVC-001"),
                true,
                Some(&"é".repeat(COMMENT_MAX_CHARS)),
                "en"
            )
            .is_ok(),
            "{on}"
        );

        let all = store.feedback(None, None, 100).await.unwrap();
        assert_eq!(all.len(), 4, "{on}");
        assert!(
            all.windows(2).all(|w| w[0].created_at >= w[1].created_at),
            "{on}: newest first"
        );
        let first = store
            .feedback(Some(&[code("SVC-001")]), None, 100)
            .await
            .unwrap();
        assert_eq!(first.len(), 3, "{on}");
        assert_eq!(
            first.last().unwrap().comment.as_deref(),
            Some("Clear — merci « très » 'bien'"),
            "{on}"
        );
        assert_eq!(first.last().unwrap().lang, "fr", "{on}");
        assert_eq!(first[1].comment, None, "{on}: a blank comment is none");
        assert!(first.iter().all(|f| f.status == TicketStatus::New), "{on}");
        assert_eq!(
            store.feedback(None, None, 2).await.unwrap().len(),
            2,
            "{on}"
        );
        assert!(
            store
                .feedback(Some(&[]), None, 10)
                .await
                .unwrap()
                .is_empty()
        );

        let counts = store.feedback_counts(None).await.unwrap();
        let got: Vec<(&str, u64, u64)> = counts
            .iter()
            .map(|c| (c.service.as_str(), c.useful, c.total))
            .collect();
        // The service answered last first.
        assert_eq!(got, vec![("SVC-001", 2, 3), ("SVC-002", 1, 1)], "{on}");
        let only = store
            .feedback_counts(Some(&[code("SVC-002"), code("SVC-404")]))
            .await
            .unwrap();
        assert_eq!(only.len(), 1, "{on}");
        assert_eq!(only[0].service, "SVC-002", "{on}");
        assert!(store.feedback_counts(Some(&[])).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_client_is_refused_beyond_the_limit_within_the_window_and_others_are_not() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        let key = store.form_key().await.unwrap();
        let ip = |s: &str| Some(s.parse::<IpAddr>().unwrap());
        let client = key.client(ip("203.0.113.7"));
        assert!(!client.contains("203.0"), "{on}: the address is not kept");
        // A post from before the window neither counts nor stays.
        sqlx::query("INSERT INTO form_posts (client, at) VALUES ($1, '2000-01-01T00:00:00Z')")
            .bind(&client)
            .execute(store.pool())
            .await
            .unwrap();
        for n in 1..=RATE_LIMIT_POSTS {
            assert!(
                store.note_form_post(&client).await.unwrap(),
                "{on}: post {n}"
            );
        }
        assert!(!store.note_form_post(&client).await.unwrap(), "{on}");
        let old: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM form_posts WHERE at < '2001'")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(old, 0, "{on}");
        let other = key.client(ip("203.0.113.8"));
        assert!(store.note_form_post(&other).await.unwrap(), "{on}");
        // One IPv6 /64 is one client.
        assert_eq!(
            key.client(ip("2001:db8:1:2::1")),
            key.client(ip("2001:db8:1:2:ffff::9")),
            "{on}"
        );
        assert_ne!(
            key.client(ip("2001:db8:1:2::1")),
            key.client(ip("2001:db8:1:3::1")),
            "{on}"
        );
    }
}

#[tokio::test]
async fn a_ticket_is_moved_only_as_allowed_and_every_move_is_recorded() {
    use TicketStatus::*;
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        let new = |svc: &str| NewFeedback::new(code(svc), false, Some("Le lien est cassé"), "fr");
        let id = store.add_feedback(&new("SVC-001").unwrap()).await.unwrap();
        let other = store.add_feedback(&new("SVC-002").unwrap()).await.unwrap();
        let t = store.ticket(&id).await.unwrap().unwrap();
        assert_eq!((t.status, t.answer.clone()), (New, None), "{on}");
        assert!(store.ticket_events(&id).await.unwrap().is_empty(), "{on}");
        assert_eq!(store.ticket("nope").await.unwrap(), None, "{on}");

        // Refused moves change nothing.
        let refusals = [
            (
                New,
                Answered,
                None,
                TicketRefusal::Refused(MoveRefused::AnswerRequired),
            ),
            (
                New,
                New,
                None,
                TicketRefusal::Refused(MoveRefused::NotAllowed { from: New, to: New }),
            ),
            (InProgress, Closed, None, TicketRefusal::Stale(New)),
        ];
        for (seen, to, answer, why) in refusals {
            assert_eq!(
                store
                    .move_ticket(&id, seen, to, answer, "ana")
                    .await
                    .unwrap(),
                Err(why),
                "{on}: {seen} → {to}"
            );
        }
        assert_eq!(
            store
                .move_ticket("nope", New, InProgress, None, "ana")
                .await
                .unwrap(),
            Err(TicketRefusal::NotFound),
            "{on}"
        );
        assert_eq!(store.ticket(&id).await.unwrap(), Some(t.clone()), "{on}");
        assert!(store.ticket_events(&id).await.unwrap().is_empty(), "{on}");

        let t = store
            .move_ticket(&id, New, InProgress, None, "ana")
            .await
            .unwrap()
            .unwrap();
        assert_eq!((t.status, t.answer.as_deref()), (InProgress, None), "{on}");
        let answer = "Merci : le lien « formulaire » est corrigé.";
        let t = store
            .move_ticket(
                &id,
                InProgress,
                Answered,
                Some(&format!("  {answer}\n")),
                "bo",
            )
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (t.status, t.answer.as_deref()),
            (Answered, Some(answer)),
            "{on}"
        );
        let answered_at = t.answered_at.clone().expect("answered_at");
        // Closing with the same answer (the form sends it back) keeps its date.
        let t = store
            .move_ticket(&id, Answered, Closed, Some(answer), "bo")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(t.status, Closed, "{on}");
        assert_eq!(t.answered_at.as_deref(), Some(answered_at.as_str()), "{on}");
        // Reopened, the answer stays until another is written.
        let t = store
            .move_ticket(&id, Closed, InProgress, None, "ana")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (t.status, t.answer.as_deref()),
            (InProgress, Some(answer)),
            "{on}"
        );

        let events = store.ticket_events(&id).await.unwrap();
        let got: Vec<(&str, TicketStatus, TicketStatus, Option<&str>)> = events
            .iter()
            .map(|e| (e.actor.as_str(), e.from, e.to, e.answer.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("ana", New, InProgress, None),
                ("bo", InProgress, Answered, Some(answer)),
                ("bo", Answered, Closed, None),
                ("ana", Closed, InProgress, None),
            ],
            "{on}"
        );
        assert!(events.windows(2).all(|w| w[0].at <= w[1].at), "{on}");
        // The other ticket was not touched.
        let o = store.ticket(&other).await.unwrap().unwrap();
        assert_eq!((o.status, o.answer), (New, None), "{on}");
        assert!(
            store.ticket_events(&other).await.unwrap().is_empty(),
            "{on}"
        );

        // The queue filters by status and counts each.
        let open = store.feedback(None, Some(InProgress), 10).await.unwrap();
        assert_eq!(
            open.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(),
            vec![id.as_str()],
            "{on}"
        );
        let mine = store
            .feedback(Some(&[code("SVC-002")]), Some(InProgress), 10)
            .await
            .unwrap();
        assert!(mine.is_empty(), "{on}");
        assert_eq!(
            store.ticket_counts(None).await.unwrap(),
            vec![(New, 1), (InProgress, 1)],
            "{on}"
        );
        assert_eq!(
            store.ticket_counts(Some(&[code("SVC-002")])).await.unwrap(),
            vec![(New, 1)],
            "{on}"
        );
        assert!(
            store.ticket_counts(Some(&[])).await.unwrap().is_empty(),
            "{on}"
        );
    }
}

#[tokio::test]
async fn only_this_database_makes_the_key_of_a_tickets_private_link() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        let key = store.form_key().await.unwrap();
        let k = key.ticket_key("abc");
        assert_eq!(k.len(), 32, "{on}");
        assert!(key.opens_ticket("abc", &k), "{on}");
        assert!(!key.opens_ticket("abd", &k), "{on}: another ticket");
        assert!(!key.opens_ticket("abc", ""), "{on}");
        assert!(!key.opens_ticket("abc", &k[..31]), "{on}");
        assert_ne!(k, key.client(None), "{on}");
        let elsewhere = FormKey::from_hex(&"ab".repeat(32)).unwrap();
        assert!(!elsewhere.opens_ticket("abc", &k), "{on}");
    }
}
