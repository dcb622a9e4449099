//! E-mail subscriptions end to end, on the real binary and a real SMTP listener, on SQLite and
//! (when `AGENDA_TEST_POSTGRES_URL` is set) PostgreSQL: the form mails a confirmation link and
//! nothing else; once confirmed, a change made by an editor arrives in the next digest; an
//! unconfirmed address gets nothing more; every mail can be unsubscribed from in one click; a
//! subscriber exports and deletes what is held about them; robots and floods are refused.

use std::process::{Command, Stdio};

use agenda_store::testing::test_databases;

mod common;

use common::session::{form_body, input};
use common::{BIN, Server, serve};

use agenda_jobs::testing::{Received, SmtpListener};

const PASSWORD: &str = "a long enough password";
const BASE_URL: &str = "https://agenda.test.example";

/// The path of the first link in `mail` to `path` on the platform (without the base URL).
fn link(mail: &Received, path: &str) -> String {
    common::mailed_link(&mail.data, BASE_URL, path)
}

struct Answer {
    status: u16,
    text: String,
    location: String,
    headers: reqwest::header::HeaderMap,
}

struct Client {
    http: reqwest::Client,
    base: String,
    cookie: Option<String>,
    csrf: String,
}

impl Client {
    fn new(s: &Server) -> Client {
        Client {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: s.base.clone(),
            cookie: None,
            csrf: String::new(),
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Answer {
        let req = match &self.cookie {
            Some(c) => req.header("cookie", c),
            None => req,
        };
        let r = req.send().await.expect("request");
        let headers = r.headers().clone();
        Answer {
            status: r.status().as_u16(),
            location: headers
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_owned(),
            headers,
            text: r.text().await.unwrap_or_default(),
        }
    }

    async fn get(&self, path: &str) -> Answer {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    async fn post(&self, path: &str, headers: &[(&str, &str)], fields: &[(&str, &str)]) -> Answer {
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(fields));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        self.send(req).await
    }

    /// Posts the subscription form of `scope` as a browser on this site does.
    async fn subscribe(&self, scope: &str, email: &str, website: &str) -> Answer {
        let page = self.get(&format!("/subscribe?scope={scope}")).await;
        assert_eq!(page.status, 200, "{}", page.text);
        let token = input(&page.text, "token").expect("form token");
        let origin = self.base.clone();
        self.post(
            "/subscribe",
            &[("origin", &origin)],
            &[
                ("token", &token),
                ("scope", scope),
                ("email", email),
                ("website", website),
            ],
        )
        .await
    }

    async fn login(s: &Server, user: &str) -> Client {
        let mut c = Client::new(s);
        let form = c.get("/login").await;
        let pre = form
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("agenda_login_csrf="))
            .and_then(|v| v.split(';').next())
            .expect("sign-in cookie")
            .to_owned();
        let token = input(&form.text, "csrf").expect("sign-in token");
        c.cookie = Some(format!("agenda_login_csrf={pre}"));
        let r = c
            .post(
                "/login",
                &[],
                &[
                    ("csrf", &token),
                    ("username", user),
                    ("password", PASSWORD),
                    ("next", "/admin"),
                ],
            )
            .await;
        assert_eq!(r.status, 303, "sign-in of {user}: {}", r.text);
        let session = r
            .headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("agenda_session="))
            .and_then(|v| v.split(';').next())
            .expect("session cookie")
            .to_owned();
        c.cookie = Some(format!("agenda_session={session}"));
        c.csrf = input(&c.get("/admin").await.text, "csrf").expect("session token");
        c
    }
}

fn to(messages: &[Received], address: &str) -> Vec<Received> {
    messages
        .iter()
        .filter(|m| m.to.iter().any(|t| t == address))
        .cloned()
        .collect()
}

fn agenda(config: &str, url: &str, args: &[&str]) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .args(["--config", config])
        .env("AGENDA_DATABASE_URL", url)
        .env("AGENDA_PASSWORD", PASSWORD)
        .env("AGENDA_LOG", "warn")
        .stdin(Stdio::null())
        .output()
        .expect("run agenda")
}

#[test]
fn subscribe_confirm_digest_unsubscribe_export_and_delete() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let smtp = rt.block_on(SmtpListener::start());
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("agenda.toml");
    std::fs::write(
        &config,
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\n\
             from = \"Digital Agenda <agenda@gov.example>\"\n\
             [reminders]\nenabled = false\n\
             [subscriptions]\nbase_url = \"{BASE_URL}/\"\ndigest_interval = \"7d\"\n",
            smtp.addr.port()
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap().to_owned();
    for db in rt.block_on(test_databases()) {
        let on = db.backend().as_str();
        let s = serve(
            db.url(),
            &["--demo", "--today", "2026-11-26", "--config", &config],
        );
        let out = agenda(
            &config,
            db.url(),
            &["user", "add", "ed", "--role", "editor"],
        );
        assert!(
            out.status.success(),
            "[{on}] {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ana = format!("ana-{on}@example.org");
        let bo = format!("bo-{on}@example.org");
        let robot = format!("robot-{on}@example.org");
        rt.block_on(async {
            let c = Client::new(&s);
            // The pages of a scope link their feed and their subscription form.
            let line = c.get("/action-lines/AL-1.1").await.text;
            assert!(
                line.contains("/subscribe?scope=action-line:AL-1.1"),
                "[{on}]"
            );
            assert!(
                line.contains(
                    "type=\"application/atom+xml\" href=\"/feed.atom?scope=action-line:AL-1.1\""
                ),
                "[{on}]"
            );
            let feed = c.get("/feed.atom?scope=action-line:AL-1.1").await;
            assert_eq!(feed.status, 200, "[{on}]");
            assert!(
                feed.text.contains("Milestone reached: AL-1.1-M1"),
                "[{on}] {}",
                feed.text
            );
            assert!(!feed.text.contains("AL-2."), "[{on}] only its own changes");
            assert_eq!(c.get("/feed.atom?scope=kpi:NOPE-1").await.status, 404);

            // Subscribing: the same answer whatever happens, and only a confirmation mail.
            let first = c.subscribe("action-line:AL-1.1", &ana, "").await;
            assert_eq!(first.status, 303, "[{on}] {}", first.text);
            assert!(
                first
                    .location
                    .ends_with("/subscribe/sent?scope=action-line:AL-1.1")
            );
            let again = c
                .subscribe("action-line:AL-1.1", &ana.to_uppercase(), "")
                .await;
            assert_eq!(
                (again.status, &again.location),
                (303, &first.location),
                "[{on}]"
            );
            let unconfirmed = c.subscribe("agenda", &bo, "").await;
            assert_eq!(unconfirmed.status, 303, "[{on}]");
            let trapped = c
                .subscribe("action-line:AL-1.1", &robot, "https://spam.example")
                .await;
            assert_eq!(
                (trapped.status, &trapped.location),
                (303, &first.location),
                "[{on}]"
            );
            let sent = c.get(&first.location).await;
            assert_eq!(sent.status, 200, "[{on}]");
            let bad = c
                .subscribe("action-line:AL-1.1", "not an address", "")
                .await;
            assert_eq!(bad.status, 400, "[{on}]");
            assert!(bad.text.contains("aria-invalid=\"true\""), "[{on}]");

            let mails = smtp.messages();
            let to_ana = to(&mails, &ana);
            assert_eq!(
                to_ana.len(),
                1,
                "[{on}] one confirmation, however often asked"
            );
            assert_eq!(to(&mails, &bo).len(), 1, "[{on}]");
            assert!(
                to(&mails, &robot).is_empty(),
                "[{on}] the honeypot sends nothing"
            );
            let confirmation = &to_ana[0];
            assert!(confirmation.data.contains("List-Unsubscribe: <"), "[{on}]");
            assert!(
                confirmation
                    .data
                    .contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"),
                "[{on}]"
            );

            // Confirming takes a press of the button, not just opening the link.
            let confirm = link(confirmation, "/subscriptions/confirm");
            let page = c.get(&confirm).await;
            assert_eq!(page.status, 200, "[{on}]");
            assert_eq!(page.headers["cache-control"], "no-store");
            let token = input(&page.text, "token").expect("confirm token");
            let done = c
                .post("/subscriptions/confirm", &[], &[("token", &token)])
                .await;
            assert_eq!(done.status, 200, "[{on}] {}", done.text);
            let twice = c
                .post("/subscriptions/confirm", &[], &[("token", &token)])
                .await;
            assert_eq!(twice.status, 404, "[{on}] a used link");

            // Nothing has changed yet: the digest sends nothing.
            let out = agenda(&config, db.url(), &["digest"]);
            assert!(
                out.status.success(),
                "[{on}] {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(to(&smtp.messages(), &ana).len(), 1, "[{on}]");

            // An editor approves AL-1.1's report: the next digest tells ana, and only ana.
            let ed = Client::login(&s, "ed").await;
            let key = "/admin/reports/AL-1.1%3A2026-Q3";
            let page = ed.get(key).await.text;
            let version = input(&page, "version").expect("report version");
            let r = ed
                .post(
                    key,
                    &[],
                    &[
                        ("csrf", &ed.csrf),
                        ("action", "approve"),
                        ("version", &version),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            let out = agenda(&config, db.url(), &["digest"]);
            assert!(
                out.status.success(),
                "[{on}] {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let mails = smtp.messages();
            let to_ana = to(&mails, &ana);
            assert_eq!(to_ana.len(), 2, "[{on}] one digest");
            let digest = &to_ana[1];
            assert!(
                digest.data.contains("Progress report AL-1.1 2026-Q3"),
                "[{on}] {}",
                digest.data
            );
            assert!(
                digest
                    .data
                    .contains(&format!("{BASE_URL}/action-lines/AL-1.1"))
            );
            assert!(
                digest
                    .data
                    .contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click")
            );
            assert_eq!(to(&mails, &bo).len(), 1, "[{on}] unconfirmed: nothing more");
            // Told once: the next run has nothing new.
            let out = agenda(&config, db.url(), &["digest"]);
            assert!(out.status.success(), "[{on}]");
            assert_eq!(to(&smtp.messages(), &ana).len(), 2, "[{on}]");

            // The links of the digest: unsubscribe page, manage page, export.
            let unsubscribe = link(digest, "/subscriptions/unsubscribe");
            let manage = link(digest, "/subscriptions/manage");
            let page = c.get(&unsubscribe).await;
            assert_eq!(page.status, 200, "[{on}]");
            assert!(page.text.contains("<form method=\"post\""), "[{on}]");
            let forged = unsubscribe.replace("token=", "token=0");
            assert_eq!(c.post(&forged, &[], &[]).await.status, 404, "[{on}]");
            let page = c.get(&manage).await;
            assert_eq!(page.status, 200, "[{on}]");
            assert!(page.text.contains(&ana), "[{on}]");
            let export = c.get(&manage.replace("/manage?", "/export?")).await;
            assert_eq!(export.status, 200, "[{on}]");
            let held: serde_json::Value = serde_json::from_str(&export.text).unwrap();
            assert_eq!(held["email"], ana.as_str(), "[{on}]");
            assert_eq!(
                held["subscriptions"][0]["scope"], "action-line:AL-1.1",
                "[{on}]"
            );
            assert!(
                held["subscriptions"][0]["last_digest_at"].is_string(),
                "[{on}]"
            );
            // The address is never on a public page or in the open data.
            let json = c.get("/open-data/agenda.json").await.text;
            assert!(!json.contains(&ana), "[{on}]");

            // A second subscription, then the one-click unsubscription of the first, as a mail
            // program does it: a POST to the link, with no form token and from no page.
            let more = c.subscribe("agenda", &ana, "").await;
            assert_eq!(more.status, 303, "[{on}]");
            let mails = to(&smtp.messages(), &ana);
            let token = link(&mails[2], "/subscriptions/confirm");
            let token = token.split("token=").nth(1).unwrap().to_owned();
            let done = c
                .post("/subscriptions/confirm", &[], &[("token", &token)])
                .await;
            assert_eq!(done.status, 200, "[{on}]");
            let one_click = c
                .post(&unsubscribe, &[], &[("List-Unsubscribe", "One-Click")])
                .await;
            assert_eq!(one_click.status, 200, "[{on}] {}", one_click.text);
            let left = c.get(&link(&mails[2], "/subscriptions/manage")).await;
            assert_eq!(left.status, 200, "[{on}]");
            assert!(!left.text.contains("AL-1.1"), "[{on}] {}", left.text);
            // Deleting everything held.
            let delete = link(&mails[2], "/subscriptions/manage").replace("/manage?", "/delete?");
            assert_eq!(c.post(&delete, &[], &[]).await.status, 200, "[{on}]");
            let gone = c.get(&link(&mails[2], "/subscriptions/manage")).await;
            assert_eq!(gone.status, 404, "[{on}]");
            let out = agenda(
                &config,
                db.url(),
                &[
                    "backup",
                    dir.path().join(format!("{on}.jsonl")).to_str().unwrap(),
                ],
            );
            assert!(out.status.success(), "[{on}]");
            let backup = std::fs::read_to_string(dir.path().join(format!("{on}.jsonl"))).unwrap();
            assert!(!backup.contains(&ana), "[{on}] deleted means gone");
            assert!(
                backup.contains(&bo),
                "[{on}] the backup keeps subscriptions"
            );

            // Posts from a page of another site, or without the page's token, are refused.
            let origin = [("origin", "https://evil.example")];
            let fields = [("scope", "agenda"), ("email", "x@example.org")];
            assert_eq!(
                c.post("/subscribe", &origin, &fields).await.status,
                403,
                "[{on}]"
            );
            // The rate limit: whatever the form, a client is refused after ten posts an hour.
            let mut refused = None;
            for i in 0..12 {
                let r = c
                    .subscribe("agenda", &format!("flood{i}-{on}@example.org"), "")
                    .await;
                if r.status == 429 {
                    refused = Some(i);
                    break;
                }
                assert_eq!(r.status, 303, "[{on}]");
            }
            let i = refused.expect("a flood is refused");
            let flooded = format!("flood{i}-{on}@example.org");
            assert!(to(&smtp.messages(), &flooded).is_empty(), "[{on}]");
        });
    }
}
