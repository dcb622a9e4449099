//! Governance end to end, on the real binary, on SQLite and (when `AGENDA_TEST_POSTGRES_URL` is
//! set) PostgreSQL: who may write what by every route, version-checked edits under 64
//! concurrent clients, and a reporting cycle from submission to publication.

use std::sync::Arc;

use agenda_store::testing::test_databases;

mod common;

use common::session::*;
use common::{Server, serve};

use agenda_jobs::testing::SmtpListener;

const TODAY: &str = "2026-11-26";

/// The demo on a fresh database of each backend, with one account per role: `root` (admin),
/// `ed` (editor), `lex` (legal), `sh` (stakeholder), `lead` (entity of AL-1.1's lead
/// organisation, which also owns KPI-01) and `owner` (entity of the organisation that owns
/// SVC-001, another one).
fn each_demo(extra: &[&str], test: impl Fn(&Server, &str, &Orgs)) {
    let rt = runtime();
    for db in rt.block_on(test_databases()) {
        let mut args = vec!["--demo", "--today", TODAY];
        args.extend_from_slice(extra);
        let s = serve(db.url(), &args);
        let anon = Client::anonymous(&s);
        let orgs = rt.block_on(async {
            Orgs {
                lead: anon.json("/api/v1/action-lines/AL-1.1").await["lead_org"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                owner: anon.json("/api/v1/services/SVC-001").await["owner_code"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
                kpi_owner: anon.json("/api/v1/kpis/KPI-01").await["owner_org"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            }
        });
        assert_ne!(orgs.lead, orgs.owner);
        assert_eq!(orgs.lead, orgs.kpi_owner);
        for (u, r, o) in [
            ("root", "admin", None),
            ("ed", "editor", None),
            ("lex", "legal", None),
            ("sh", "stakeholder", None),
            ("lead", "entity", Some(orgs.lead.as_str())),
            ("owner", "entity", Some(orgs.owner.as_str())),
        ] {
            add_user(db.url(), u, r, o);
        }
        test(&s, db.backend().as_str(), &orgs);
    }
}

struct Orgs {
    lead: String,
    owner: String,
    kpi_owner: String,
}

#[test]
fn every_write_is_refused_to_whoever_may_not_make_it_and_changes_nothing() {
    each_demo(&[], |s, on, orgs| {
        runtime().block_on(async {
            let anon = Client::anonymous(s);
            let mut who = std::collections::BTreeMap::new();
            for u in ["root", "ed", "lex", "sh", "lead", "owner"] {
                who.insert(u, Client::login(s, u).await);
            }
            let admin = who["root"].clone();
            // Forms as an editor sees them, to post back as everybody else.
            let service = admin.get("/admin/data/services/SVC-001").await.text;
            let kpi = admin.get("/admin/data/kpis/KPI-01").await.text;
            let law = admin.get("/admin/data/legal-instruments/LEG-01").await.text;
            let new_service = admin.get("/admin/data/services/new").await.text;
            let new_report = admin.get("/admin/data/progress-reports/new").await.text;
            assert!(input(&service, "version").is_some(), "[{on}]");

            struct Case<'a> {
                what: &'a str,
                path: String,
                page: Option<&'a str>,
                fields: Vec<(&'a str, String)>,
                allowed: &'a [&'a str],
            }
            let cases = vec![
                Case {
                    what: "edit a service",
                    path: "/admin/data/services/SVC-001".into(),
                    page: Some(&service),
                    fields: vec![("title_en", "Register a birth (edited)".into())],
                    allowed: &["root", "ed", "owner"],
                },
                Case {
                    what: "create a service",
                    path: "/admin/data/services/new".into(),
                    page: Some(&new_service),
                    fields: vec![
                        ("code", "SVC-NEW".into()),
                        ("title_en", "A new service".into()),
                        ("audience", "citizen".into()),
                        ("owner_code", orgs.owner.clone()),
                        ("maturity", "1".into()),
                    ],
                    allowed: &["root", "ed", "owner"],
                },
                Case {
                    // A report belongs to its line's lead, whichever organisation it names.
                    what: "create a report for a line another organisation leads",
                    path: "/admin/data/progress-reports/new".into(),
                    page: Some(&new_report),
                    fields: vec![
                        ("action_line", "AL-1.1".into()),
                        ("period", "2027-Q1".into()),
                        ("submitted_by_org", orgs.owner.clone()),
                        ("status", "draft".into()),
                    ],
                    allowed: &["root", "ed", "lead"],
                },
                Case {
                    what: "edit a KPI",
                    path: "/admin/data/kpis/KPI-01".into(),
                    page: Some(&kpi),
                    fields: vec![("title_en", "Services fully online (edited)".into())],
                    allowed: &["root", "ed"],
                },
                Case {
                    what: "edit a legal instrument",
                    path: "/admin/data/legal-instruments/LEG-01".into(),
                    page: Some(&law),
                    fields: vec![("title_en", "Digital Identity Act".into())],
                    allowed: &["root", "ed", "lex"],
                },
                Case {
                    what: "archive a service",
                    path: "/admin/data/services/SVC-001/archive".into(),
                    page: None,
                    fields: vec![("version", input(&service, "version").unwrap())],
                    allowed: &["root", "ed", "owner"],
                },
                Case {
                    what: "submit a progress report",
                    path: "/admin/reports/AL-1.1:2026-Q3".into(),
                    page: None,
                    fields: vec![("action", "approve".into()), ("version", "1".into())],
                    allowed: &[],
                },
                Case {
                    what: "create an API token",
                    path: "/admin/tokens".into(),
                    page: None,
                    fields: vec![
                        ("organisation", orgs.lead.clone()),
                        ("name", "refused".into()),
                    ],
                    allowed: &["root", "lead", "owner"],
                },
                Case {
                    what: "create an account",
                    path: "/admin/users".into(),
                    page: None,
                    fields: vec![
                        ("username", "intruder".into()),
                        ("role", "admin".into()),
                        ("password", PASSWORD.into()),
                    ],
                    allowed: &["root"],
                },
            ];
            for case in &cases {
                for user in ["anonymous", "root", "ed", "lex", "sh", "lead", "owner"] {
                    if case.allowed.contains(&user)
                        || (case.allowed.is_empty() && matches!(user, "root" | "ed"))
                    {
                        continue;
                    }
                    let c = if user == "anonymous" {
                        &anon
                    } else {
                        &who[user]
                    };
                    let before = admin.version().await;
                    let fields: Vec<(&str, &str)> =
                        case.fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    let r = match case.page {
                        Some(p) => post_form(c, &case.path, p, &fields).await,
                        None => c.post(&case.path, &fields).await,
                    };
                    let expected = if user == "anonymous" { 401 } else { 403 };
                    assert_eq!(
                        r.status, expected,
                        "[{on}] {} as {user}: {}",
                        case.what, r.text
                    );
                    assert_eq!(
                        admin.version().await,
                        before,
                        "[{on}] {} as {user} changed data",
                        case.what
                    );
                }
            }
            // Whatever was refused left no trace.
            assert!(!admin.get("/admin/users").await.text.contains("intruder"));
            assert!(!admin.get("/admin/tokens").await.text.contains("refused"));
            // A form without the session's token is refused even for an administrator.
            let before = admin.version().await;
            let r = admin
                .post_raw(
                    "/admin/data/services/SVC-001/archive",
                    &[("csrf", "forged"), ("version", "1")],
                )
                .await;
            assert_eq!(r.status, 403, "[{on}]");
            assert_eq!(admin.version().await, before);

            // Allowed writes go through.
            let r = edit(
                &who["owner"],
                "/admin/data/services/SVC-001",
                &[("title_en", "Register a birth online")],
            )
            .await;
            assert_eq!(r.status, 303, "[{on}] owner edits its service: {}", r.text);
            assert_eq!(
                anon.json("/api/v1/services/SVC-001").await["title"]["en"],
                "Register a birth online"
            );
            let r = edit(
                &who["lex"],
                "/admin/data/legal-instruments/LEG-01",
                &[("title_en", "Digital Identity Act")],
            )
            .await;
            assert_eq!(r.status, 303, "[{on}] legal edits a law: {}", r.text);

            // A target revision needs its justification, then shows on the public history.
            let r = edit(
                &who["ed"],
                "/admin/data/kpis/KPI-01",
                &[("target_value", "65")],
            )
            .await;
            assert_eq!(r.status, 422, "[{on}] revision without a reason");
            assert!(r.text.contains("aria-invalid"), "[{on}]");
            assert_eq!(anon.json("/api/v1/kpis/KPI-01").await["target_value"], 60.0);
            let r = edit(
                &who["ed"],
                "/admin/data/kpis/KPI-01",
                &[
                    ("target_value", "65"),
                    ("justification", "Faster uptake after the portal launch"),
                ],
            )
            .await;
            assert_eq!(r.status, 303, "[{on}] revision with a reason: {}", r.text);
            let kpi_page = anon.get("/kpis/KPI-01").await.text;
            assert!(
                kpi_page.contains("Faster uptake after the portal launch")
                    && kpi_page.contains(">65</td>")
                    && kpi_page.contains("/history/kpis/KPI-01"),
                "[{on}] the KPI page shows the revision"
            );
            let history = anon.get("/history/kpis/KPI-01").await;
            assert_eq!(history.status, 200);
            assert!(
                history
                    .text
                    .contains("Faster uptake after the portal launch"),
                "[{on}]"
            );
            assert!(history.text.contains("target_value"), "[{on}]");
            assert!(
                !history.text.contains("ed (test)") && !history.text.contains(">ed<"),
                "[{on}] no account names in public"
            );

            // Tokens: shown once, act for their organisation only, revocable.
            let made = who["lead"]
                .post("/admin/tokens", &[("name", "Statistics system")])
                .await;
            assert_eq!(made.status, 200, "[{on}]");
            let token = shown_token(&made.text);
            assert!(token.starts_with("agt_"), "[{on}] {token}");
            let post_obs = |token: Option<String>, kpi: &'static str| {
                let http = anon.http.clone();
                let base = anon.base.clone();
                async move {
                    let mut req = http
                        .post(format!("{base}/api/v1/kpis/{kpi}/observations"))
                        .header("content-type", "application/json")
                        .body(r#"{"period": "2026-Q3", "value": 42.5, "note": "by machine"}"#);
                    if let Some(t) = token {
                        req = req.header("authorization", format!("Bearer {t}"));
                    }
                    req.send().await.unwrap().status().as_u16()
                }
            };
            let before = admin.version().await;
            assert_eq!(post_obs(None, "KPI-01").await, 401, "[{on}]");
            assert_eq!(
                post_obs(Some("agt_nope_nope".into()), "KPI-01").await,
                401,
                "[{on}]"
            );
            let other_kpi = {
                let all = anon.json("/api/v1/kpis?limit=100").await;
                all["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|k| k["owner_org"] != orgs.lead.as_str())
                    .map(|k| k["code"].as_str().unwrap().to_owned())
                    .unwrap()
            };
            let other: &'static str = Box::leak(other_kpi.into_boxed_str());
            assert_eq!(post_obs(Some(token.clone()), other).await, 403, "[{on}]");
            assert_eq!(admin.version().await, before, "[{on}]");
            // The token's own KPI: accepted by the policy, but the demo already holds a figure
            // for 2026-Q3 and a write that does not name its version is a conflict, not a
            // silent replacement.
            assert_eq!(
                post_obs(Some(token.clone()), "KPI-01").await,
                409,
                "[{on}] an existing figure is not replaced blindly"
            );
            assert_eq!(admin.version().await, before, "[{on}]");
            // The same token sends its own services' figures for a period, and no one else's.
            let post_figures = |token: String, service: String| {
                let http = anon.http.clone();
                let base = anon.base.clone();
                async move {
                    let r = http
                        .post(format!("{base}/api/v1/services/{service}/figures"))
                        .header("content-type", "application/json")
                        .header("authorization", format!("Bearer {token}"))
                        .body(r#"{"period": "2026-Q4", "transactions": 1200, "digital_share_pct": 61.5, "satisfaction_pct": 80}"#)
                        .send()
                        .await
                        .unwrap();
                    (r.status().as_u16(), r.text().await.unwrap())
                }
            };
            let services = anon.json("/api/v1/services?limit=500").await;
            let owned_by = |mine: bool| {
                services["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|v| (v["owner_code"] == orgs.lead.as_str()) == mine)
                    .map(|v| v["code"].as_str().unwrap().to_owned())
            };
            let theirs = owned_by(false).unwrap();
            assert_eq!(post_figures(token.clone(), theirs).await.0, 403, "[{on}]");
            if let Some(mine) = owned_by(true) {
                let (status, body) = post_figures(token.clone(), mine.clone()).await;
                assert_eq!(status, 201, "[{on}] {body}");
                let figure = anon
                    .json(&format!("/api/v1/service-figures/{mine}:2026-Q4"))
                    .await;
                assert_eq!(figure["digital_share_pct"], 61.5, "[{on}] {figure}");
                assert!(
                    anon.get(&format!("/services/{mine}")).await.text.contains("61.5"),
                    "[{on}] the sheet shows the figure"
                );
            }
            let id = token.split('_').nth(1).unwrap().to_owned();
            let r = who["lead"]
                .post(&format!("/admin/tokens/{id}/revoke"), &[])
                .await;
            assert_eq!(r.status, 303, "[{on}]");
            assert_eq!(post_obs(Some(token), "KPI-01").await, 401, "[{on}] revoked");

            // Signing out everywhere ends every session of the account.
            let second = Client::login(s, "owner").await;
            let r = who["owner"].post("/logout-everywhere", &[]).await;
            assert_eq!(r.status, 303);
            assert_eq!(
                second.get("/admin").await.status,
                303,
                "[{on}] other session ended"
            );
        });
    });
}

#[test]
fn sixty_four_concurrent_editors_lose_no_update() {
    each_demo(&[], |s, on, _| {
        runtime().block_on(async {
            let ed = Arc::new(Client::login(s, "ed").await);
            let path = "/admin/data/observations/KPI-01%3A2024-Q1";
            let start: f64 = input(&ed.get(path).await.text, "value")
                .unwrap()
                .parse()
                .unwrap();
            let mut tasks = Vec::new();
            for _ in 0..64 {
                let ed = ed.clone();
                tasks.push(tokio::spawn(async move {
                    let mut conflicts = 0;
                    loop {
                        let page = ed.get(path).await.text;
                        let v: f64 = input(&page, "value").unwrap().parse().unwrap();
                        let r = post_form(&ed, path, &page, &[("value", &format!("{}", v + 1.0))])
                            .await;
                        match r.status {
                            303 => return conflicts,
                            409 => conflicts += 1,
                            other => panic!("unexpected {other}: {}", r.text),
                        }
                    }
                }));
            }
            let mut conflicts = 0;
            for t in tasks {
                conflicts += t.await.unwrap();
            }
            let end: f64 = input(&ed.get(path).await.text, "value")
                .unwrap()
                .parse()
                .unwrap();
            // Every one of the 64 increments is there: each write was applied or refused with
            // 409 and retried, none overwrote another.
            assert_eq!(
                end,
                start + 64.0,
                "[{on}] {conflicts} conflicts answered 409"
            );
            println!("[{on}] 64 concurrent edits applied, {conflicts} stale ones answered 409");
        });
    });
}

#[test]
fn a_reporting_cycle_reminds_returns_resubmits_approves_and_publishes() {
    // A real SMTP listener, and the server configured to send its reminders there.
    let smtp_rt = runtime();
    let smtp = smtp_rt.block_on(SmtpListener::start());
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("agenda.toml");
    std::fs::write(
        &config,
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\n\
             from = \"Digital Agenda <agenda@gov.example>\"\n\
             [reminders]\ndays_before = 7\ninterval = \"1s\"\n",
            smtp.addr.port()
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap().to_owned();
    each_demo(&["--config", &config], |s, on, _| {
        runtime().block_on(async {
            // The lead organisation's focal point is reminded of what it owes (the demo has
            // overdue reports and figures on this day); others' addresses are not used for it.
            let mut waited = 0;
            let reminder = loop {
                let found = smtp
                    .messages()
                    .into_iter()
                    .find(|m| m.to.iter().any(|t| t == "lead@example.org"));
                if let Some(m) = found {
                    break m;
                }
                waited += 1;
                assert!(waited < 600, "[{on}] no reminder reached the listener");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            };
            assert!(!reminder.to.iter().any(|t| t == "owner@example.org" || t == "ed@example.org"), "[{on}]");
            assert!(
                reminder.data.contains("AL-") || reminder.data.contains("KPI-"),
                "[{on}] {}",
                reminder.data
            );
            let anon = Client::anonymous(s);
            let lead = Client::login(s, "lead").await;
            let ed = Client::login(s, "ed").await;
            let key = "/admin/reports/AL-1.1%3A2026-Q3";
            let public = "/api/v1/progress-reports/AL-1.1:2026-Q3";
            assert_eq!(anon.get(public).await.status, 404, "[{on}] submitted is not public");
            // The lead organisation cannot approve its own report.
            let page = lead.get(key).await;
            assert_eq!(page.status, 200, "[{on}]");
            let v = input(&page.text, "version").unwrap_or_else(|| "1".into());
            assert_eq!(lead.post(key, &[("action", "approve"), ("version", &v)]).await.status, 403);
            // Returned without a comment is refused; with one it goes back.
            let page = ed.get(key).await.text;
            let v = input(&page, "version").unwrap();
            assert_eq!(ed.post(key, &[("action", "return"), ("version", &v)]).await.status, 422);
            let r = ed
                .post(key, &[("action", "return"), ("version", &v), ("comment", "Add the call-centre figures.")])
                .await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            let page = lead.get(key).await.text;
            assert!(page.contains("Add the call-centre figures."), "[{on}]");
            let v = input(&page, "version").unwrap();
            let r = lead
                .post(
                    key,
                    &[
                        ("action", "submit"),
                        ("version", &v),
                        ("narrative_en", "The call centre answered 41,000 calls; the voice milestone moved to Q1."),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            assert_eq!(anon.get(public).await.status, 404, "[{on}] resubmitted is not public");
            let page = ed.get(key).await.text;
            let v = input(&page, "version").unwrap();
            let r = ed.post(key, &[("action", "approve"), ("version", &v)]).await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            let published = anon.json(public).await;
            assert_eq!(published["status"], "approved", "[{on}]");
            assert!(published["narrative"]["en"].as_str().unwrap().contains("41,000 calls"));
            let page = anon.get("/action-lines/AL-1.1").await.text;
            assert!(page.contains("41,000 calls"), "[{on}] on the public page");
            // The dashboard counts from deadlines: some report of the demo is overdue.
            // AL-3.4's report for 2026-Q3 was never sent: listed by name, linked to its form.
            let dash = ed.get("/admin/dashboard").await;
            assert_eq!(dash.status, 200);
            assert!(
                dash.text.contains("<a href=\"/admin/reports/AL-3.4%3A2026-Q3\">Data governance and consent</a>"),
                "[{on}] overdue items listed: {}",
                dash.text
            );
            // An organisation is shown its own record, not the others'.
            let own = lead.get("/admin/dashboard").await;
            assert_eq!(own.status, 200, "[{on}]");
            assert!(own.text.contains("AL-3.4%3A2026-Q3"), "[{on}]");
            assert!(!own.text.contains("Civil Registry Agency"), "[{on}]");
        });
    });
}
