//! The background jobs end to end: three `agenda serve` nodes on one PostgreSQL database, each
//! running the reminders and the digests, and a real SMTP listener that every due reminder and
//! every digest reaches exactly once.
//!
//! SQLite is a single-machine database: a deployment on it has one node, so the multi-node
//! part does not apply there; the same scenario runs with one node to pin its behaviour.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::Ordering;
use std::time::Duration;

use agenda_core::reporting::{Owed, ReminderKind, ReportingCycle, reminders_due};
use agenda_core::{Date, Kind};
use agenda_jobs::testing::{Received, SmtpListener};
use agenda_store::subscriptions::Requested;
use agenda_store::testing::test_databases;
use agenda_store::{Backend, ReminderKey};

mod common;

use common::serve;
use common::session::{Client, add_user, input};

const TODAY: &str = "2026-11-26";
const DAYS_BEFORE: u32 = 7;

/// The configuration of node `i`: the jobs run every second, and each node signs its mail
/// with its own sender so that the test can tell which node sent what.
fn node_config(dir: &std::path::Path, smtp: &SmtpListener, i: usize) -> String {
    let path = dir.join(format!("node{i}.toml"));
    std::fs::write(
        &path,
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\n\
             from = \"Node {i} <node{i}@gov.example>\"\n\
             [reminders]\ndays_before = {DAYS_BEFORE}\ninterval = \"1s\"\n\
             [subscriptions]\nbase_url = \"https://agenda.test.example\"\n\
             digest_interval = \"1s\"\n",
            smtp.addr.port()
        ),
    )
    .unwrap();
    path.to_str().unwrap().to_owned()
}

fn is_reminder(m: &Received) -> bool {
    m.header("Subject")
        .is_some_and(|s| s.starts_with("National Digital Agenda:"))
}

#[test]
fn each_due_reminder_and_digest_reaches_the_mail_server_once_whatever_the_nodes() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let smtp = rt.block_on(SmtpListener::start());
    // A relay that takes its time: the nodes' runs overlap while a message is in flight.
    smtp.delay_ms.store(150, Ordering::SeqCst);
    let dir = tempfile::tempdir().unwrap();
    for db in rt.block_on(test_databases()) {
        let on = db.backend().as_str();
        let nodes = match db.backend() {
            Backend::Postgres => 3,
            // One machine, one node: see the module's documentation.
            Backend::Sqlite => 1,
        };
        let before = smtp.messages().len();

        // The demo country, loaded by a node that sends no mail, with a report approved after
        // the subscribers confirmed.
        let setup = serve(db.url(), &["--demo", "--today", TODAY]);
        add_user(db.url(), "ed", "editor", None);
        let (subscribers, quiet) = rt.block_on(async {
            let anon = Client::anonymous(&setup);
            let line: serde_json::Value =
                serde_json::from_str(&anon.get("/api/v1/action-lines/AL-1.1").await.text).unwrap();
            let pillar = line["pillar_code"].as_str().expect("pillar").to_owned();
            let lead = line["lead_org"].as_str().expect("lead").to_owned();
            let store = db.open().await.unwrap();
            let now = chrono::Utc::now();
            let mut subscribers = Vec::new();
            let mut quiet = String::new();
            for scope in [
                "agenda".to_owned(),
                "action-line:AL-1.1".to_owned(),
                format!("pillar:{pillar}"),
                format!("organisation:{lead}"),
                // A scope the approval does not concern: nothing to tell.
                "action-line:AL-9.9".to_owned(),
            ] {
                let email = format!("sub-{}-{on}@example.org", subscribers.len());
                let Requested::Confirm { token, .. } = store
                    .request_subscription(&email, &scope, "en", now)
                    .await
                    .unwrap()
                else {
                    panic!("[{on}] a new request");
                };
                store.confirm_subscription(&token, now).await.unwrap();
                if scope.ends_with("AL-9.9") {
                    quiet = email;
                } else {
                    subscribers.push(email);
                }
            }
            store.close().await;
            let ed = Client::login(&setup, "ed").await;
            let key = "/admin/reports/AL-1.1%3A2026-Q3";
            let page = ed.get(key).await.text;
            let version = input(&page, "version").expect("report version");
            let r = ed
                .post(key, &[("action", "approve"), ("version", &version)])
                .await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            (subscribers, quiet)
        });
        drop(setup);

        // What is due, computed from the stored data; one focal point per organisation that
        // owes something, so that every due reminder has an address.
        let due = rt.block_on(async {
            let store = db.open().await.unwrap();
            let today = Date::parse(TODAY).unwrap();
            let due = reminders_due(
                &store.snapshot(),
                &ReportingCycle::default(),
                today,
                DAYS_BEFORE,
            );
            assert!(
                store.snapshot().count(Kind::ProgressReport) > 0,
                "[{on}] the demo is loaded"
            );
            store.close().await;
            due
        });
        let mut expected: BTreeMap<String, BTreeSet<ReminderKey>> = BTreeMap::new();
        for r in &due {
            expected
                .entry(r.organisation.to_string())
                .or_default()
                .insert(ReminderKey {
                    item: r.item.to_string(),
                    period: r.period.to_string(),
                    kind: r.kind.as_str().to_owned(),
                });
        }
        assert!(
            expected.len() > 1,
            "[{on}] the demo owes reminders from several organisations on {TODAY}: {expected:?}"
        );
        for org in expected.keys() {
            add_user(
                db.url(),
                &format!("focal-{}-{on}", org.to_lowercase()),
                "entity",
                Some(org),
            );
        }

        // The nodes, started together on the same data: each runs every job at once.
        let servers: Vec<_> = (0..nodes)
            .map(|i| {
                let config = node_config(dir.path(), &smtp, i);
                serve(db.url(), &["--today", TODAY, "--config", &config])
            })
            .collect();
        let wanted = expected.len() + subscribers.len();
        let mut waited = 0;
        while smtp.messages().len() - before < wanted {
            waited += 1;
            assert!(
                waited < 1200,
                "[{on}] {} of {wanted} messages arrived",
                smtp.messages().len() - before
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        // Let every node run its jobs a few more times: nothing more may arrive.
        std::thread::sleep(Duration::from_secs(4));
        drop(servers);
        let mail: Vec<Received> = smtp.messages().split_off(before);

        let mut by_node: BTreeMap<String, usize> = BTreeMap::new();
        for m in &mail {
            *by_node.entry(m.from.clone()).or_default() += 1;
        }
        println!(
            "[{on}] {nodes} node(s): {} messages, by sender {by_node:?}",
            mail.len()
        );

        // Reminders: one message per organisation, listing each of its due reminders once.
        let reminders: Vec<&Received> = mail.iter().filter(|m| is_reminder(m)).collect();
        for (org, keys) in &expected {
            let to = format!("focal-{}-{on}@example.org", org.to_lowercase());
            let got: Vec<&&Received> = reminders.iter().filter(|m| m.to.contains(&to)).collect();
            assert_eq!(got.len(), 1, "[{on}] {org}: messages {got:#?}");
            let text = &got[0].data;
            let lines = text.lines().filter(|l| l.starts_with("  - ")).count();
            assert_eq!(lines, keys.len(), "[{on}] {org}: {text}");
            for r in due.iter().filter(|r| r.organisation.as_str() == org) {
                // "… action line AL-1.1 (Its title), for 2026-Q3: due on 2026-10-15"
                let (titled, bare) = (format!(" {} (", r.item), format!(" {},", r.item));
                // A decision's follow-up has a due date, not a period.
                let when = match r.owed {
                    Owed::Decision => format!(": due on {}", r.deadline),
                    _ => format!("for {}: due on {}", r.period, r.deadline),
                };
                let found = text
                    .lines()
                    .filter(|l| (l.contains(&titled) || l.contains(&bare)) && l.contains(&when))
                    .count();
                assert_eq!(found, 1, "[{on}] {org} {} {}: {text}", r.item, r.period);
                let section = if r.kind == ReminderKind::After {
                    "Overdue"
                } else {
                    "Due soon"
                };
                assert!(text.contains(section), "[{on}] {org}: {text}");
            }
        }
        assert_eq!(reminders.len(), expected.len(), "[{on}]");

        // Digests: one to each subscriber the approval concerns, none to the other.
        for email in &subscribers {
            let got: Vec<&Received> = mail.iter().filter(|m| m.to.contains(email)).collect();
            assert_eq!(got.len(), 1, "[{on}] {email}: {got:#?}");
            assert!(
                got[0].data.contains("Progress report AL-1.1 2026-Q3"),
                "[{on}] {}",
                got[0].data
            );
        }
        assert!(
            !mail.iter().any(|m| m.to.contains(&quiet)),
            "[{on}] nothing to tell"
        );
        assert_eq!(mail.len(), expected.len() + subscribers.len(), "[{on}]");

        // And the database agrees: every due reminder recorded as sent, once.
        rt.block_on(async {
            let store = db.open().await.unwrap();
            for (org, keys) in &expected {
                let sent: BTreeSet<ReminderKey> = store
                    .reminders_sent_to(org)
                    .await
                    .unwrap()
                    .into_iter()
                    .collect();
                assert_eq!(&sent, keys, "[{on}] {org}");
            }
            store.close().await;
        });
    }
}
