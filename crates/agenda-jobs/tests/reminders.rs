//! E-mail reminders sent to a real SMTP listener on 127.0.0.1, on SQLite and PostgreSQL.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::time::Duration;

use agenda_core::model::{ActionLine, ActionLineStatus, Kpi, ProgressReport};
use agenda_core::reporting::ReportingCycle;
use agenda_core::{Code, Date, Priority, Snapshot, Text};
use agenda_jobs::reminders::send_reminders;
use agenda_jobs::testing::SmtpListener;
use agenda_jobs::{ReminderSettings, RunOutcome, SmtpSecurity, SmtpSettings};
use agenda_store::Store;
use agenda_store::testing::insert_account;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn code(s: &str) -> Code {
    Code::parse(s).unwrap()
}

fn line(c: &str, lead: &str) -> ActionLine {
    ActionLine {
        code: code(c),
        pillar_code: code("P1"),
        title: Text::en(format!("Line {c}")).unwrap(),
        description: None,
        lead_org: code(lead),
        contributing_orgs: Vec::new(),
        start: d("2026-01-01"),
        end: d("2028-12-31"),
        priority: Priority::parse("2").unwrap(),
        status: ActionLineStatus::InProgress,
        sdg_targets: Vec::new(),
        needs_legal_instrument: false,
    }
}

fn submitted(al: &str, period: &str, on: &str) -> ProgressReport {
    // From JSON, as stored, so that fields added later take their defaults.
    serde_json::from_value(serde_json::json!({
        "action_line": al,
        "period": period,
        "submitted_by_org": "DGA",
        "status": "submitted",
        "narrative": null,
        "submitted_on": on,
    }))
    .unwrap()
}

fn kpi() -> Kpi {
    serde_json::from_value(serde_json::json!({
        "code": "KPI-01",
        "action_line": null,
        "title": {"en": "Online services"},
        "unit": "count",
        "direction": "increase",
        "baseline_value": 0.0,
        "baseline_date": "2026-06-30",
        "target_value": 10.0,
        "target_date": "2028-12-31",
        "frequency": "quarterly",
        "owner_org": "DGA",
        "method": null,
        "sdg_indicator": null,
        "targets": [],
    }))
    .unwrap()
}

/// On 2026-10-12: MOI's AL-1.1 report for 2026-Q2 is overdue and the one for 2026-Q3 is due on
/// 2026-10-15; DGA owes AL-2.1's 2026-Q3 report and KPI-01's 2026-Q3 figure by then; NOB owes
/// AL-3.1's but has no address.
fn snapshot() -> Snapshot {
    let mut s = Snapshot::default();
    for (al, lead) in [("AL-1.1", "MOI"), ("AL-2.1", "DGA"), ("AL-3.1", "NOB")] {
        s.upsert(line(al, lead).into());
        s.upsert(submitted(al, "2026-Q1", "2026-04-10").into());
        if al != "AL-1.1" {
            s.upsert(submitted(al, "2026-Q2", "2026-07-10").into());
        }
    }
    s.upsert(kpi().into());
    s
}

async fn add_users(store: &Store) {
    // Only enabled entity accounts of the organisation, with an address, receive reminders.
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
        (
            "erin",
            Some("erin@dga.example"),
            "entity",
            Some("DGA"),
            false,
        ),
        (
            "frank",
            Some("frank@dga.example"),
            "entity",
            Some("DGA"),
            false,
        ),
        ("gina", Some(""), "entity", Some("NOB"), false),
    ] {
        insert_account(store, user, email, role, org, disabled)
            .await
            .unwrap();
    }
}

/// The reminders recorded as sent, as `ORG ITEM PERIOD KIND`, sorted.
async fn recorded(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for org in ["DGA", "MOI", "NOB"] {
        for r in store.reminders_sent_to(org).await.unwrap() {
            out.push(format!("{org} {} {} {}", r.item, r.period, r.kind));
        }
    }
    out.sort();
    out
}

fn settings(addr: SocketAddr) -> ReminderSettings {
    ReminderSettings {
        smtp: SmtpSettings {
            host: addr.ip().to_string(),
            port: addr.port(),
            from: "Digital Agenda <agenda@gov.example>".into(),
            security: SmtpSecurity::None,
            username: None,
            password: None,
        },
        cycle: ReportingCycle::default(),
        days_before: 7,
        interval: Duration::from_secs(3600),
    }
}

#[tokio::test]
async fn reminders_reach_the_right_addresses_once() {
    for db in agenda_store::testing::test_databases().await {
        let backend = db.backend();
        let store = db.open().await.unwrap();
        add_users(&store).await;
        let smtp = SmtpListener::start().await;
        let settings = settings(smtp.addr);
        let s = snapshot();

        let first = send_reminders(&store, &s, &settings, d("2026-10-12"))
            .await
            .unwrap();
        assert_eq!(
            first,
            RunOutcome {
                messages: 2,
                reminders: 4,
                without_address: vec![code("NOB")],
                failed: Vec::new(),
                claimed_elsewhere: Vec::new(),
            },
            "{backend:?}"
        );
        let mail = smtp.messages();
        assert_eq!(mail.len(), 2, "{backend:?}");
        // Organisations in code order: DGA, then MOI.
        assert_eq!(mail[0].from, "agenda@gov.example");
        assert_eq!(mail[0].to, ["erin@dga.example", "frank@dga.example"]);
        assert_eq!(mail[1].to, ["alice@moi.example"]);
        let dga = &mail[0].data;
        assert!(
            dga.contains("Subject: National Digital Agenda: 2 item(s)"),
            "{dga}"
        );
        assert!(
            dga.contains("progress report of action line AL-2.1 (Line AL-2.1), for 2026-Q3: due on 2026-10-15"),
            "{dga}"
        );
        assert!(
            dga.contains(
                "figure of indicator KPI-01 (Online services), for 2026-Q3: due on 2026-10-15"
            ),
            "{dga}"
        );
        assert!(!dga.contains("Overdue"), "{dga}");
        let moi = &mail[1].data;
        assert!(moi.contains("Overdue (the deadline has passed):\n  - progress report of action line AL-1.1 (Line AL-1.1), for 2026-Q2: due on 2026-07-15"), "{moi}");
        assert!(moi.contains("Due soon:\n  - progress report of action line AL-1.1 (Line AL-1.1), for 2026-Q3: due on 2026-10-15"), "{moi}");
        assert!(!moi.contains("AL-2.1") && !moi.contains("AL-3.1"), "{moi}");
        assert_eq!(
            recorded(&store).await,
            [
                "DGA AL-2.1 2026-Q3 before",
                "DGA KPI-01 2026-Q3 before",
                "MOI AL-1.1 2026-Q2 after",
                "MOI AL-1.1 2026-Q3 before",
            ],
            "{backend:?}"
        );

        // Again, the same day or the next: nothing new is due, nothing is sent.
        for day in ["2026-10-12", "2026-10-13"] {
            let again = send_reminders(&store, &s, &settings, d(day)).await.unwrap();
            assert_eq!(again.messages, 0, "{backend:?}");
            assert_eq!(again.without_address, [code("NOB")]);
        }
        assert_eq!(smtp.messages().len(), 2, "{backend:?}");

        // Past the deadline the Q3 items become overdue. A server that refuses the messages
        // leaves nothing recorded, so they go out at the next run.
        smtp.refuse.store(true, Ordering::SeqCst);
        let refused = send_reminders(&store, &s, &settings, d("2026-10-16"))
            .await
            .unwrap();
        assert_eq!(refused.messages, 0);
        assert_eq!(refused.failed, [code("DGA"), code("MOI")]);
        assert_eq!(recorded(&store).await.len(), 4, "{backend:?}");
        smtp.refuse.store(false, Ordering::SeqCst);
        let later = send_reminders(&store, &s, &settings, d("2026-10-16"))
            .await
            .unwrap();
        assert_eq!((later.messages, later.reminders), (2, 3), "{backend:?}");
        let mail = smtp.messages();
        assert_eq!(mail.len(), 4);
        let moi = &mail[3].data;
        assert!(moi.contains("AL-1.1 (Line AL-1.1), for 2026-Q3"), "{moi}");
        assert!(
            !moi.contains("2026-Q2"),
            "already reminded after its deadline: {moi}"
        );
        assert!(!moi.contains("Due soon"), "{moi}");
        assert_eq!(recorded(&store).await.len(), 7, "{backend:?}");
    }
}

/// One server, as on SQLite (a single node is the only deployment it has): an organisation's
/// message claimed by another run is left to it, and sent by a later run once released.
#[tokio::test]
async fn a_message_claimed_by_another_run_is_left_to_it() {
    for db in agenda_store::testing::test_databases().await {
        let backend = db.backend();
        let store = db.open().await.unwrap();
        add_users(&store).await;
        let smtp = SmtpListener::start().await;
        let settings = settings(smtp.addr);
        let s = snapshot();
        let held = store
            .claim_reminders("MOI", chrono::Utc::now(), agenda_jobs::CLAIM_LEASE)
            .await
            .unwrap()
            .expect("claimed");
        let first = send_reminders(&store, &s, &settings, d("2026-10-12"))
            .await
            .unwrap();
        assert_eq!(first.claimed_elsewhere, [code("MOI")], "{backend:?}");
        assert_eq!(first.messages, 1, "{backend:?}");
        let mail = smtp.messages();
        assert_eq!(mail.len(), 1, "{backend:?}");
        assert_eq!(mail[0].to, ["erin@dga.example", "frank@dga.example"]);
        // The other run's mail server refused: it gives the message up, the next run sends it.
        assert!(store.release(held.claim).await.unwrap());
        let next = send_reminders(&store, &s, &settings, d("2026-10-12"))
            .await
            .unwrap();
        assert_eq!((next.messages, next.reminders), (1, 2), "{backend:?}");
        assert!(next.claimed_elsewhere.is_empty(), "{backend:?}");
        let mail = smtp.messages();
        assert_eq!(mail.len(), 2, "{backend:?}");
        assert_eq!(mail[1].to, ["alice@moi.example"]);
    }
}
