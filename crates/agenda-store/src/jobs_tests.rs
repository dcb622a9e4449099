//! Claims of background work on SQLite and (when configured) PostgreSQL: concurrent claimers,
//! as several servers on one database are, never hold the same item; work given up is claimed
//! again; a lease left by a server that stopped is taken over; what is recorded ends the claim.

use std::collections::BTreeSet;

use agenda_core::Change;
use chrono::{Duration, Utc};

use crate::jobs::{Job, ReminderKey};
use crate::subscriptions::Requested;
use crate::testing::{insert_account, test_databases};
use crate::tests::org;
use crate::{Store, StoreError};

const LEASE: Duration = Duration::minutes(10);

fn key(item: &str, period: &str, kind: &str) -> ReminderKey {
    ReminderKey {
        item: item.into(),
        period: period.into(),
        kind: kind.into(),
    }
}

/// Claims every one of `items` once, in order, as one server's run does; returns those won
/// and how many were found held by another.
async fn claim_all(store: Store, job: Job, items: Vec<String>) -> (Vec<String>, usize) {
    let mut won = Vec::new();
    let mut lost = 0;
    for item in items {
        // Several servers' runs at once: SQLite may answer "busy" past its timeout, which
        // a run treats as not won (the next run tries again).
        match store.claim(job, &item, Utc::now(), LEASE).await {
            Ok(Some(c)) => {
                assert_eq!((c.job(), c.item()), (job, item.as_str()));
                // Not released: the work stays in progress for the whole test.
                won.push(item);
            }
            Ok(None) => lost += 1,
            Err(StoreError::Database(e)) if e.to_string().contains("locked") => {}
            Err(e) => panic!("{e}"),
        }
    }
    (won, lost)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_claimers_never_hold_the_same_item() {
    for db in test_databases().await {
        let on = db.backend();
        // Four servers: four stores, each with its own connections, on one database.
        let mut stores = Vec::new();
        for _ in 0..4 {
            stores.push(db.open().await.unwrap());
        }
        let items: Vec<String> = (0..200).map(|i| format!("ORG-{i:03}")).collect();
        for job in [Job::Reminders, Job::Digest] {
            let runs: Vec<_> = stores
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    // Two servers go through the items in one order and two in the other:
                    // each pair races on every item, and the pairs meet in the middle.
                    let mut mine = items.clone();
                    if i % 2 == 1 {
                        mine.reverse();
                    }
                    tokio::spawn(claim_all(s.clone(), job, mine))
                })
                .collect();
            let mut seen = BTreeSet::new();
            let mut total = 0;
            let mut per_server = Vec::new();
            let mut lost = 0;
            for run in runs {
                let (won, l) = run.await.unwrap();
                lost += l;
                per_server.push(won.len());
                total += won.len();
                seen.extend(won);
            }
            assert_eq!(seen.len(), total, "{on} {job:?}: an item held twice");
            assert_eq!(
                seen.len(),
                items.len(),
                "{on} {job:?}: every item was claimed"
            );
            assert!(
                per_server.iter().filter(|n| **n > 0).count() > 1,
                "{on} {job:?}: the servers really competed: {per_server:?}"
            );
            println!(
                "{on} {job:?}: 200 items claimed by 4 servers as {per_server:?}, \
                 {lost} claims found the item held"
            );
        }
    }
}

#[tokio::test]
async fn released_work_is_claimed_again_and_an_expired_lease_is_taken_over() {
    for db in test_databases().await {
        let on = db.backend();
        let a = db.open().await.unwrap();
        let b = db.open().await.unwrap();
        let now = Utc::now();
        let held = a.claim(Job::Reminders, "MOI", now, LEASE).await.unwrap();
        let held = held.expect("free work is claimed");
        assert!(
            b.claim(Job::Reminders, "MOI", now, LEASE)
                .await
                .unwrap()
                .is_none(),
            "{on}: held"
        );
        // The same item of another job is other work.
        let other = b.claim(Job::Digest, "MOI", now, LEASE).await.unwrap();
        assert!(other.is_some(), "{on}");
        // The mail server refused: released, the next run (here on the other server) has it.
        assert!(a.release(held).await.unwrap(), "{on}");
        let again = b.claim(Job::Reminders, "MOI", now, LEASE).await.unwrap();
        let again = again.expect("released work is claimed again");
        // The server holding it stops; once the lease has run out another takes it over, and
        // the one that stopped can no longer end what is not its claim.
        let later = now + LEASE;
        assert!(
            a.claim(Job::Reminders, "MOI", later - Duration::seconds(1), LEASE)
                .await
                .unwrap()
                .is_none(),
            "{on}: the lease still runs"
        );
        let taken = a.claim(Job::Reminders, "MOI", later, LEASE).await.unwrap();
        assert!(taken.is_some(), "{on}: an expired lease is taken over");
        assert!(!b.release(again).await.unwrap(), "{on}");
        assert!(a.release(taken.unwrap()).await.unwrap(), "{on}");
        let _ = b.release(other.unwrap()).await.unwrap();
    }
}

#[tokio::test]
async fn a_reminder_claim_reads_what_was_sent_and_recording_ends_it() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        let now = Utc::now();
        for (user, email, role, org, disabled) in [
            (
                "alice",
                Some("alice@moi.example"),
                "entity",
                Some("MOI"),
                false,
            ),
            ("bob", Some("bob@moi.example"), "entity", Some("MOI"), true),
            ("carol", Some("carol@moi.example"), "editor", None, false),
            ("dave", None, "entity", Some("MOI"), false),
            ("gina", Some(""), "entity", Some("MOI"), false),
            (
                "erin",
                Some("erin@dga.example"),
                "entity",
                Some("DGA"),
                false,
            ),
            (
                "aaron",
                Some("aaron@moi.example"),
                "entity",
                Some("MOI"),
                false,
            ),
        ] {
            insert_account(&store, user, email, role, org, disabled)
                .await
                .unwrap();
        }
        let to: Vec<String> = store
            .reminder_addresses("MOI")
            .await
            .unwrap()
            .into_iter()
            .map(|a| format!("{} {}", a.username, a.email))
            .collect();
        assert_eq!(
            to,
            ["aaron aaron@moi.example", "alice alice@moi.example"],
            "{on}: enabled entity accounts of the organisation with an address"
        );

        let c = store.claim_reminders("MOI", now, LEASE).await.unwrap();
        let c = c.expect("claimed");
        assert!(c.sent.is_empty(), "{on}");
        let sent = [
            key("AL-1.1", "2026-Q2", "after"),
            key("AL-1.1", "2026-Q3", "before"),
        ];
        assert!(
            store.record_reminders_sent(c, &sent, now).await.unwrap(),
            "{on}"
        );
        // Recording ended the claim: the next run claims at once and sees what was sent.
        let c = store.claim_reminders("MOI", now, LEASE).await.unwrap();
        let c = c.expect("claimed again");
        assert_eq!(c.sent, sent.iter().cloned().collect(), "{on}");
        assert_eq!(
            store.reminders_sent_to("MOI").await.unwrap(),
            c.sent,
            "{on}"
        );
        assert!(store.reminders_sent_to("DGA").await.unwrap().is_empty());
        // Recorded twice (a server whose lease ran out): kept once, and told so.
        let stale = store.claim_reminders("DGA", now, LEASE).await.unwrap();
        let stale = stale.unwrap();
        let thief = store
            .claim_reminders("DGA", now + LEASE, LEASE)
            .await
            .unwrap()
            .unwrap();
        let one = [key("KPI-01", "2026-Q3", "before")];
        assert!(store.record_reminders_sent(thief, &one, now).await.unwrap());
        assert!(!store.record_reminders_sent(stale, &one, now).await.unwrap());
        assert_eq!(store.reminders_sent_to("DGA").await.unwrap().len(), 1);
        store.release(c.claim).await.unwrap();
    }
}

#[tokio::test]
async fn a_digest_is_claimed_only_while_its_subscriber_is_behind() {
    for db in test_databases().await {
        let on = db.backend();
        let store = db.open().await.unwrap();
        let now = Utc::now();
        let Requested::Confirm { id, token } = store
            .request_subscription("ana@example.org", "agenda", "en", now)
            .await
            .unwrap()
        else {
            panic!("{on}: a new request");
        };
        // Not confirmed: nothing to claim.
        store
            .apply("ed", vec![Change::Upsert(org("DGA", None))])
            .await
            .unwrap();
        let head = store.audit_head_seq().await.unwrap();
        assert!(
            store
                .claim_digest(&id, head, now, LEASE)
                .await
                .unwrap()
                .is_none(),
            "{on}"
        );
        store.confirm_subscription(&token, now).await.unwrap();
        // Confirmed at the head: told of nothing yet, nothing behind.
        assert!(
            store
                .claim_digest(&id, head, now, LEASE)
                .await
                .unwrap()
                .is_none(),
            "{on}"
        );
        store
            .apply("ed", vec![Change::Upsert(org("MOI", None))])
            .await
            .unwrap();
        let head = store.audit_head_seq().await.unwrap();
        let c = store.claim_digest(&id, head, now, LEASE).await.unwrap();
        let c = c.expect("behind: claimed");
        assert!(c.subscription.last_seq < head, "{on}");
        assert!(
            store
                .claim_digest(&id, head, now, LEASE)
                .await
                .unwrap()
                .is_none(),
            "{on}: held"
        );
        // The mail server refused: released, and claimed again by the next run.
        store.release(c.claim).await.unwrap();
        let c = store.claim_digest(&id, head, now, LEASE).await.unwrap();
        let c = c.expect("claimed again");
        assert!(store.record_digest_sent(c, head, Some(now)).await.unwrap());
        let sub = store.subscription(&id).await.unwrap().unwrap();
        assert_eq!(sub.last_seq, head, "{on}");
        assert!(sub.last_digest_at.is_some(), "{on}");
        // Told: a server that listed it before it was told finds nothing to claim.
        assert!(
            store
                .claim_digest(&id, head, now, LEASE)
                .await
                .unwrap()
                .is_none(),
            "{on}"
        );
    }
}
