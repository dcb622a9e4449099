//! A governance body's decision followed up end to end, on the real binary, on SQLite and
//! (when `AGENDA_TEST_POSTGRES_URL` is set) PostgreSQL: recorded at a meeting by the
//! secretariat, assigned to a ministry with a due date, on that ministry's task list, overdue
//! the day after, closed by the ministry; each step in the audit chain and on the public
//! decision register, feed and history.

use agenda_core::reporting::{Owed, ReminderKind, ReportingCycle, reminders_due};
use agenda_core::{Date, Kind};
use agenda_store::testing::test_databases;

mod common;

use common::session::*;
use common::{run_ok, serve};

const CODE: &str = "DEC-2026-S9";

#[test]
fn a_decision_goes_from_its_meeting_to_done_by_the_ministry_that_must_act() {
    let rt = runtime();
    for db in rt.block_on(test_databases()) {
        let on = db.backend().as_str();
        // 26 November: the steering committee meets and decides; the ministry starts on it.
        let s = serve(db.url(), &["--demo", "--today", "2026-11-26"]);
        add_user(db.url(), "ed", "editor", None);
        add_user(db.url(), "mof", "entity", Some("MOF"));
        add_user(db.url(), "moj", "entity", Some("MOJ"));
        rt.block_on(async {
            let ed = Client::login(&s, "ed").await;
            let r = ed
                .post(
                    "/admin/data/meetings/new",
                    &[
                        ("code", "GOV-SC-2026-11X"),
                        ("body", "GOV-SC"),
                        ("held_on", "2026-11-26"),
                        ("summary_en", "Extraordinary session on government payments"),
                        ("minutes_url", ""),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}] meeting recorded: {}", r.text);
            let fields = [
                ("code", CODE),
                ("body", "GOV-SC"),
                ("decided_on", "2026-11-26"),
                ("title_en", "Publish the payments platform's fee schedule"),
                ("action_lines", "AL-2.3"),
                ("meeting", "GOV-SC-2026-11X"),
                ("acting_org", "MOF"),
                ("due", "2026-12-15"),
                ("status", "open"),
            ];
            // A decision dated otherwise than its meeting is refused, in words.
            let mut wrong = fields.to_vec();
            wrong[2] = ("decided_on", "2026-11-20");
            let r = ed.post("/admin/data/decisions/new", &wrong).await;
            assert_eq!(r.status, 422, "[{on}]");
            assert!(
                r.text.contains("the day of meeting GOV-SC-2026-11X"),
                "[{on}]"
            );
            let r = ed.post("/admin/data/decisions/new", &fields).await;
            assert_eq!(r.status, 303, "[{on}] decision recorded: {}", r.text);

            let anon = Client::anonymous(&s);
            let register = anon.get("/governance/decisions?org=MOF").await.text;
            assert!(
                register.contains(&format!("id=\"{CODE}\""))
                    && register.contains("Publish the payments platform")
                    && register.contains("badge dec-open"),
                "[{on}] the public register shows the open decision"
            );
            let body = anon.get("/governance/GOV-SC").await.text;
            assert!(
                body.contains("GOV-SC-2026-11X") && body.contains(CODE),
                "[{on}]"
            );

            let mof = Client::login(&s, "mof").await;
            let tasks = mof.get("/admin/tasks").await.text;
            assert!(
                tasks.contains(&format!("/admin/decisions/{CODE}"))
                    && tasks.contains("due 2026-12-15"),
                "[{on}] on the ministry's task list"
            );
            // Another ministry may neither see the follow-up form nor report on it.
            let moj = Client::login(&s, "moj").await;
            assert_eq!(
                moj.get(&format!("/admin/decisions/{CODE}")).await.status,
                403
            );
            let r = moj
                .post(
                    &format!("/admin/decisions/{CODE}"),
                    &[("status", "done"), ("version", "0")],
                )
                .await;
            assert_eq!(r.status, 403, "[{on}]");

            let form = mof.get(&format!("/admin/decisions/{CODE}")).await.text;
            let version = input(&form, "version").expect("version");
            let r = mof
                .post(
                    &format!("/admin/decisions/{CODE}"),
                    &[
                        ("status", "in_progress"),
                        ("done_on", ""),
                        ("follow_up", "Draft schedule with the Treasury"),
                        ("version", &version),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}] in progress: {}", r.text);
            // The same form sent again is now stale: told, and nothing is written.
            let r = mof
                .post(
                    &format!("/admin/decisions/{CODE}"),
                    &[("status", "done"), ("version", &version)],
                )
                .await;
            assert_eq!(r.status, 409, "[{on}]");
            assert!(
                r.text.contains("Someone else reported on this decision"),
                "[{on}]"
            );
            // Through the data forms the ministry may not move its own due date.
            let form = mof.get(&format!("/admin/decisions/{CODE}")).await.text;
            let version = input(&form, "version").expect("version");
            let mut later = fields.to_vec();
            later[7] = ("due", "2027-06-30");
            later[8] = ("status", "in_progress");
            later.push(("follow_up", "Draft schedule with the Treasury"));
            later.push(("version", &version));
            let r = mof
                .post(&format!("/admin/data/decisions/{CODE}"), &later)
                .await;
            assert_eq!(r.status, 403, "[{on}]");
        });
        drop(s);

        // 16 December: past its due date, the decision is overdue everywhere; the ministry is
        // reminded, and closes it.
        let due = rt.block_on(async {
            let store = agenda_store::Store::open(db.url(), Default::default())
                .await
                .unwrap();
            let due = reminders_due(
                &store.snapshot(),
                &ReportingCycle::default(),
                Date::parse("2026-12-16").unwrap(),
                7,
            );
            store.close().await;
            due
        });
        assert!(
            due.iter().any(|r| r.owed == Owed::Decision
                && r.item.as_str() == CODE
                && r.organisation.as_str() == "MOF"
                && r.kind == ReminderKind::After),
            "[{on}] an overdue reminder for the ministry"
        );
        let s = serve(db.url(), &["--today", "2026-12-16"]);
        rt.block_on(async {
            let anon = Client::anonymous(&s);
            let overdue = anon.get("/governance/decisions?state=overdue").await.text;
            assert!(overdue.contains(&format!("id=\"{CODE}\"")), "[{on}]");
            let mof = Client::login(&s, "mof").await;
            let tasks = mof.get("/admin/tasks").await.text;
            assert!(tasks.contains("class=\"overdue\""), "[{on}] overdue on the task list");
            let dashboard = mof.get("/admin/dashboard").await.text;
            assert!(dashboard.contains(CODE), "[{on}] on the ministry's dashboard");

            let form = mof.get(&format!("/admin/decisions/{CODE}")).await.text;
            let version = input(&form, "version").expect("version");
            let r = mof
                .post(
                    &format!("/admin/decisions/{CODE}"),
                    &[
                        ("status", "done"),
                        ("done_on", ""),
                        ("follow_up", "Fee schedule published in the official gazette"),
                        ("version", &version),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}] done: {}", r.text);
            let register = anon.get("/governance/decisions").await.text;
            let row = register
                .split(&format!("<tr id=\"{CODE}\">"))
                .nth(1)
                .and_then(|r| r.split("</tr>").next())
                .expect("the decision's row");
            assert!(
                row.contains("badge dec-done")
                    && row.contains("2026-12-16")
                    && row.contains("published in the official gazette"),
                "[{on}] done on the register: {row}"
            );
            let tasks = mof.get("/admin/tasks").await.text;
            assert!(!tasks.contains(&format!("/admin/decisions/{CODE}")), "[{on}] off the list");
            let feed = anon.get("/feed.atom?scope=decisions").await.text;
            assert!(
                feed.contains("Done: Publish the payments platform")
                    && feed.contains("Decided by Digital Agenda Steering Committee: Publish the payments platform"),
                "[{on}] the decisions feed: {feed}"
            );
            let feed = anon.get("/feed.atom?scope=organisation:MOF").await.text;
            assert!(feed.contains(CODE), "[{on}] the ministry's feed");
            let history = anon.get(&format!("/history/decisions/{CODE}")).await;
            assert_eq!(history.status, 200, "[{on}]");
        });
        drop(s);

        // Each step is a link of the audit chain, by whom it was made.
        let steps = rt.block_on(async {
            let store = agenda_store::Store::open(db.url(), Default::default())
                .await
                .unwrap();
            let mut r = store
                .audit_records(Some(Kind::Decision), Some(CODE), 10)
                .await
                .unwrap();
            store.close().await;
            r.sort_by_key(|a| a.seq);
            r
        });
        let said: Vec<(String, String)> = steps
            .iter()
            .map(|a| {
                let after: serde_json::Value =
                    serde_json::from_str(a.after.as_deref().unwrap_or("null")).unwrap();
                (
                    a.actor.clone(),
                    after["status"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect();
        assert_eq!(
            said,
            [
                ("ed".to_owned(), "open".to_owned()),
                ("mof".to_owned(), "in_progress".to_owned()),
                ("mof".to_owned(), "done".to_owned()),
            ],
            "[{on}]"
        );
        assert!(
            run_ok(db.url(), &["audit", "verify"]).contains("audit chain intact"),
            "[{on}]"
        );
    }
}
