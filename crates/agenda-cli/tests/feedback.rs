//! "Was this page useful?" end to end, on the real binary, on SQLite and (when
//! `AGENDA_TEST_POSTGRES_URL` is set) PostgreSQL: an answer posted from the service sheet with
//! the sheet's own token reaches the owning organisation's `/admin/feedback` and nobody else's;
//! forged, expired, cross-site and robot posts store nothing; an address is limited to ten
//! posts an hour. Each answer is a ticket: the owning organisation moves it on and answers it,
//! the person reads the answer through the private link they were given, and nobody else sees
//! or changes it.

use std::process::{Command, Stdio};

use agenda_store::feedback::{FormKey, TOKEN_MAX_AGE_SECONDS};
use agenda_store::testing::test_databases;
use sqlx::Connection;

mod common;

use common::session::{form_body, input};
use common::{BIN, Server, serve};

const PASSWORD: &str = "a long enough password";

/// Adds an account with the CLI, against the server's database.
fn add_user(url: &str, name: &str, role: &str, org: Option<&str>) {
    let mut cmd = Command::new(BIN);
    cmd.args(["user", "add", name, "--role", role])
        .env("AGENDA_DATABASE_URL", url)
        .env("AGENDA_PASSWORD", PASSWORD)
        .env("AGENDA_LOG", "warn")
        .stdout(Stdio::null());
    if let Some(o) = org {
        cmd.args(["--organisation", o]);
    }
    let out = cmd.output().expect("agenda user add");
    assert!(
        out.status.success(),
        "user add {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

struct Answer {
    status: u16,
    text: String,
    location: String,
    cookies: Vec<String>,
    cache_control: String,
}

/// An HTTP client that does not follow redirects, anonymous or signed in.
struct Client {
    http: reqwest::Client,
    base: String,
    cookie: Option<String>,
}

impl Client {
    fn anonymous(s: &Server) -> Client {
        Client {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: s.base.clone(),
            cookie: None,
        }
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Answer {
        let req = match &self.cookie {
            Some(c) => req.header("cookie", c),
            None => req,
        };
        let r = req.send().await.expect("request");
        let header = |name: &str| {
            r.headers()
                .get_all(name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let location = header("location").concat();
        let cookies = header("set-cookie");
        let cache_control = header("cache-control").concat();
        Answer {
            status: r.status().as_u16(),
            location,
            cookies,
            cache_control,
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

    /// Posts the feedback form of `service` as a browser on this site does (with `Origin`).
    async fn feedback(&self, lang: &str, service: &str, fields: &[(&str, &str)]) -> Answer {
        let origin = self.base.clone();
        self.post(
            &format!("{lang}/services/{service}/feedback"),
            &[("origin", &origin)],
            fields,
        )
        .await
    }

    async fn login(s: &Server, user: &str) -> Client {
        let mut c = Client::anonymous(s);
        let form = c.get("/login").await;
        let pre = form
            .cookies
            .iter()
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
            .cookies
            .iter()
            .find_map(|v| v.strip_prefix("agenda_session="))
            .and_then(|v| v.split(';').next())
            .expect("session cookie")
            .to_owned();
        c.cookie = Some(format!("agenda_session={session}"));
        c
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// The token in the feedback form of a sheet.
async fn sheet_token(c: &Client, path: &str) -> String {
    let sheet = c.get(path).await;
    assert_eq!(sheet.status, 200, "{path}");
    assert!(sheet.text.contains("<fieldset>"), "{path}: no form");
    input(&sheet.text, "token").expect("the sheet's token")
}

/// What the database holds: answers stored (service, useful, comment, lang).
async fn stored(url: &str) -> Vec<(String, i64, Option<String>, String)> {
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let rows = sqlx::query_as(
        "SELECT service, useful, comment, lang FROM feedback ORDER BY created_at, id",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    rows
}

/// The database's form key, read as another server on the database would.
async fn form_key(url: &str) -> FormKey {
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let hex: String = sqlx::query_scalar("SELECT value FROM secrets WHERE name = 'form-key'")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    FormKey::from_hex(&hex).unwrap()
}

/// The demo on a fresh database of each backend; `test` gets the server, the database URL and
/// the backend's name.
fn each_demo(test: impl Fn(&Server, &str, &str)) {
    let rt = runtime();
    for db in rt.block_on(test_databases()) {
        let s = serve(db.url(), &["--demo"]);
        test(&s, db.url(), db.backend().as_str());
    }
}

#[test]
fn an_answer_from_the_sheet_reaches_the_owning_organisation_and_nobody_else() {
    each_demo(|s, url, on| {
        runtime().block_on(async {
            let anon = Client::anonymous(s);
            let api: serde_json::Value =
                serde_json::from_str(&anon.get("/api/v1/services/SVC-001").await.text).unwrap();
            let owner = api["owner_code"].as_str().unwrap().to_owned();
            let al: serde_json::Value =
                serde_json::from_str(&anon.get("/api/v1/action-lines/AL-1.1").await.text).unwrap();
            let other = al["lead_org"].as_str().unwrap().to_owned();
            assert_ne!(owner, other);
            add_user(url, "owner", "entity", Some(&owner));
            add_user(url, "other", "entity", Some(&other));
            add_user(url, "ed", "editor", None);
            add_user(url, "sh", "stakeholder", None);

            let token = sheet_token(&anon, "/fr/services/SVC-001").await;
            let comment = "Le formulaire <b>PDF</b> est introuvable — marker-7f3a";
            let r = anon
                .feedback(
                    "/fr",
                    "SVC-001",
                    &[
                        ("token", &token),
                        ("useful", "no"),
                        ("comment", comment),
                        ("website", ""),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            assert!(
                r.location.starts_with("/fr/feedback/"),
                "[{on}] {}",
                r.location
            );
            let thanks = anon.get(&r.location).await;
            assert_eq!(thanks.status, 200, "[{on}]");
            assert!(thanks.text.contains("<h1>Votre avis</h1>"), "[{on}]");
            assert!(thanks.text.contains("Merci."), "[{on}]");
            assert_eq!(
                stored(url).await,
                vec![(
                    "SVC-001".to_owned(),
                    0,
                    Some(comment.to_owned()),
                    "fr".to_owned()
                )],
                "[{on}]"
            );

            // Shown, escaped, to the owning organisation and to editors.
            let escaped = "Le formulaire &#60;b&#62;PDF&#60;/b&#62; est introuvable — marker-7f3a";
            for user in ["owner", "ed"] {
                let c = Client::login(s, user).await;
                // The menu of every administration page links to the feedback.
                let home = c.get("/admin/consultations").await;
                assert!(
                    home.text.contains("href=\"/admin/feedback\""),
                    "[{on}] {user}"
                );
                let page = c.get("/admin/feedback").await;
                assert_eq!(page.status, 200, "[{on}] {user}");
                assert!(page.text.contains(escaped), "[{on}] {user}: {}", page.text);
                assert!(page.text.contains("0 of 1 (0\u{a0}%)"), "[{on}] {user}");
            }
            // Not to another organisation, nor to a role without services.
            let c = Client::login(s, "other").await;
            let page = c.get("/admin/feedback").await;
            assert_eq!(page.status, 200, "[{on}]");
            assert!(!page.text.contains("marker-7f3a"), "[{on}]");
            assert!(page.text.contains("No answers yet."), "[{on}]");
            let c = Client::login(s, "sh").await;
            assert_eq!(c.get("/admin/feedback").await.status, 403, "[{on}]");
            assert_eq!(anon.get("/admin/feedback").await.status, 303, "[{on}]");
            // Never public.
            for path in [
                "/services/SVC-001",
                "/fr/services/SVC-001",
                "/api/v1/services/SVC-001",
                "/open-data/agenda.json",
            ] {
                assert!(
                    !anon.get(path).await.text.contains("marker-7f3a"),
                    "[{on}] {path}"
                );
            }
        });
    });
}

#[test]
fn forged_expired_cross_site_and_robot_posts_store_nothing() {
    each_demo(|s, url, on| {
        runtime().block_on(async {
            let anon = Client::anonymous(s);
            let token = sheet_token(&anon, "/services/SVC-001").await;
            let other_service = sheet_token(&anon, "/services/SVC-002").await;
            let (stamp, mac) = token.split_once('.').unwrap();
            let forged = format!("{}.{mac}", stamp.parse::<i64>().unwrap() + 1);
            let key = form_key(url).await;
            let issued = stamp.parse::<i64>().unwrap() - TOKEN_MAX_AGE_SECONDS - 60;
            let expired = key.token("feedback:SVC-001", issued);
            // What is posted, from which origin (this site's when `None`), and what comes back:
            // the status, and a phrase of the page or the end of the redirect.
            type Case<'a> = (
                &'a str,
                Option<&'a str>,
                Vec<(&'a str, &'a str)>,
                u16,
                &'a str,
            );
            let cases: Vec<Case> = vec![
                (
                    "no token",
                    None,
                    vec![("useful", "yes")],
                    403,
                    "was not sent from this site",
                ),
                (
                    "a forged token",
                    None,
                    vec![("token", forged.as_str()), ("useful", "yes")],
                    403,
                    "was not sent from this site",
                ),
                (
                    "another service's token",
                    None,
                    vec![("token", other_service.as_str()), ("useful", "yes")],
                    403,
                    "was not sent from this site",
                ),
                (
                    "an expired token",
                    None,
                    vec![("token", expired.as_str()), ("useful", "yes")],
                    403,
                    "has expired",
                ),
                (
                    "another site",
                    Some("https://elsewhere.example"),
                    vec![("token", token.as_str()), ("useful", "yes")],
                    403,
                    "send it from there",
                ),
                (
                    "a robot filling the hidden field",
                    None,
                    vec![
                        ("token", token.as_str()),
                        ("useful", "yes"),
                        ("comment", "buy now"),
                        ("website", "https://spam.example"),
                    ],
                    303,
                    "/services/SVC-001/feedback/thanks",
                ),
            ];
            for (what, origin, fields, status, says) in cases {
                let origin = origin.map_or_else(|| s.base.clone(), str::to_owned);
                let r = anon
                    .post(
                        "/services/SVC-001/feedback",
                        &[("origin", &origin)],
                        &fields,
                    )
                    .await;
                assert_eq!(r.status, status, "[{on}] {what}: {}", r.text);
                assert!(
                    r.text.contains(says) || r.location.ends_with(says),
                    "[{on}] {what}: {}",
                    r.text
                );
                assert!(stored(url).await.is_empty(), "[{on}] {what}");
            }
            // Refusals are in the visitor's language.
            let r = anon
                .feedback(
                    "/es",
                    "SVC-001",
                    &[("token", expired.as_str()), ("useful", "yes")],
                )
                .await;
            assert_eq!(r.status, 403, "[{on}]");
            assert!(r.text.contains("ha caducado"), "[{on}] {}", r.text);
            assert!(stored(url).await.is_empty(), "[{on}]");
        });
    });
}

#[test]
fn the_eleventh_post_within_an_hour_from_one_address_is_refused() {
    each_demo(|s, url, on| {
        runtime().block_on(async {
            let anon = Client::anonymous(s);
            let token = sheet_token(&anon, "/services/SVC-001").await;
            for n in 1..=10 {
                let r = anon
                    .feedback("", "SVC-001", &[("token", &token), ("useful", "yes")])
                    .await;
                assert_eq!(r.status, 303, "[{on}] post {n}: {}", r.text);
            }
            let r = anon
                .feedback("/fr", "SVC-001", &[("token", &token), ("useful", "yes")])
                .await;
            assert_eq!(r.status, 429, "[{on}]");
            assert!(r.text.contains("dernière heure"), "[{on}] {}", r.text);
            assert_eq!(stored(url).await.len(), 10, "[{on}]");
            // Another visitor, behind a reverse proxy on this machine, is not held back.
            let origin = s.base.clone();
            let r = anon
                .post(
                    "/services/SVC-001/feedback",
                    &[("origin", &origin), ("x-forwarded-for", "198.51.100.20")],
                    &[("token", &token), ("useful", "no")],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            assert_eq!(stored(url).await.len(), 11, "[{on}]");
        });
    });
}

/// A ticket as the database holds it: its status, its answer and how many moves it has had.
async fn ticket_row(url: &str, id: &str) -> (String, Option<String>, i64) {
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let (status, answer): (String, Option<String>) =
        sqlx::query_as("SELECT status, answer FROM feedback WHERE id = $1")
            .bind(id)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    let moves: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM feedback_events WHERE feedback_id = $1")
            .bind(id)
            .fetch_one(&mut conn)
            .await
            .unwrap();
    conn.close().await.unwrap();
    (status, answer, moves)
}

/// The identifier and key of the private link `/<lang>/feedback/<id>?key=<key>`.
fn private_link(location: &str) -> (String, String) {
    let rest = location.split_once("/feedback/").expect("a ticket link").1;
    let (id, key) = rest.split_once("?key=").expect("a key");
    (id.to_owned(), key.to_owned())
}

#[test]
fn a_ticket_goes_to_the_owning_organisation_and_back_to_the_person_with_its_answer() {
    each_demo(|s, url, on| {
        runtime().block_on(async {
            let anon = Client::anonymous(s);
            let api: serde_json::Value =
                serde_json::from_str(&anon.get("/api/v1/services/SVC-001").await.text).unwrap();
            let owner = api["owner_code"].as_str().unwrap().to_owned();
            let al: serde_json::Value =
                serde_json::from_str(&anon.get("/api/v1/action-lines/AL-1.1").await.text).unwrap();
            let other = al["lead_org"].as_str().unwrap().to_owned();
            assert_ne!(owner, other);
            let org: serde_json::Value = serde_json::from_str(
                &anon
                    .get(&format!("/api/v1/organisations/{owner}"))
                    .await
                    .text,
            )
            .unwrap();
            let org_name = org["name"]["es"]
                .as_str()
                .or(org["name"]["en"].as_str())
                .unwrap()
                .to_owned();
            add_user(url, "maria.lopez", "entity", Some(&owner));
            add_user(url, "intruder", "entity", Some(&other));
            add_user(url, "ed", "editor", None);

            // The visitor leaves feedback in Spanish and is sent to its private page.
            let token = sheet_token(&anon, "/es/services/SVC-001").await;
            let comment = "No encuentro el formulario — marker-91c2";
            let r = anon
                .feedback(
                    "/es",
                    "SVC-001",
                    &[
                        ("token", &token),
                        ("useful", "no"),
                        ("comment", comment),
                        ("website", ""),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            assert!(
                r.location.starts_with("/es/feedback/"),
                "[{on}] {}",
                r.location
            );
            let (id, key) = private_link(&r.location);
            let link = r.location.clone();
            let mine = anon.get(&link).await;
            assert_eq!(mine.status, 200, "[{on}]");
            assert_eq!(mine.cache_control, "no-store", "[{on}]");
            assert!(mine.text.contains("<h1>Su opinión</h1>"), "[{on}]");
            assert!(mine.text.contains("marker-91c2"), "[{on}]");
            assert!(mine.text.contains("Estado: Nuevo"), "[{on}]");
            assert!(
                mine.text
                    .contains(&format!("href=\"{}\"", link.replace('&', "&amp;"))),
                "[{on}]: the page gives its own address"
            );
            assert_eq!(
                ticket_row(url, &id).await,
                ("new".into(), None, 0),
                "[{on}]"
            );

            // Without its key, the page says nothing, not even that the ticket exists.
            let wrong = format!(
                "{}{}",
                &key[..31],
                if key.ends_with('0') { '1' } else { '0' }
            );
            for path in [
                format!("/es/feedback/{id}?key={wrong}"),
                format!("/es/feedback/{id}"),
                format!("/es/feedback/{id}?key="),
                format!("/feedback/{}?key={key}", "0".repeat(32)),
            ] {
                let r = anon.get(&path).await;
                assert_eq!(r.status, 404, "[{on}] {path}");
                assert!(!r.text.contains("marker-91c2"), "[{on}] {path}");
                assert!(
                    r.text.contains("No hay ninguna opinión") || path.starts_with("/feedback/"),
                    "[{on}] {path}"
                );
            }

            // The owning organisation finds it in its queue, filtered by status.
            let maria = Client::login(s, "maria.lopez").await;
            let queue = maria.get("/admin/feedback").await;
            assert_eq!(queue.status, 200, "[{on}]");
            let href = format!("href=\"/admin/feedback/{id}\"");
            assert!(queue.text.contains(&href), "[{on}] {}", queue.text);
            assert!(queue.text.contains("marker-91c2"), "[{on}]");
            assert!(
                maria
                    .get("/admin/feedback?status=new")
                    .await
                    .text
                    .contains(&href),
                "[{on}]"
            );
            assert!(
                !maria
                    .get("/admin/feedback?status=closed")
                    .await
                    .text
                    .contains(&href),
                "[{on}]"
            );
            let sheet = maria.get(&format!("/admin/feedback/{id}")).await;
            assert_eq!(sheet.status, 200, "[{on}]");
            assert!(sheet.text.contains("marker-91c2"), "[{on}]");
            let csrf = input(&sheet.text, "csrf").expect("the session's token");
            assert_eq!(
                maria
                    .get(&format!("/admin/feedback/{}", "0".repeat(32)))
                    .await
                    .status,
                404,
                "[{on}]"
            );
            let ticket = format!("/admin/feedback/{id}");

            // Another organisation's user neither sees nor changes it.
            let intruder = Client::login(s, "intruder").await;
            assert!(
                !intruder
                    .get("/admin/feedback")
                    .await
                    .text
                    .contains("marker-91c2"),
                "[{on}]"
            );
            let r = intruder.get(&ticket).await;
            assert_eq!(r.status, 403, "[{on}]");
            assert!(!r.text.contains("marker-91c2"), "[{on}]");
            let their_csrf =
                input(&intruder.get("/admin/consultations").await.text, "csrf").unwrap();
            let r = intruder
                .post(
                    &ticket,
                    &[],
                    &[
                        ("csrf", &their_csrf),
                        ("seen", "new"),
                        ("status", "answered"),
                        ("answer", "Not ours to say"),
                    ],
                )
                .await;
            assert_eq!(r.status, 403, "[{on}]");
            assert_eq!(
                anon.get(&format!("/feedback/{id}?key={key}")).await.status,
                200
            );
            assert_eq!(
                ticket_row(url, &id).await,
                ("new".into(), None, 0),
                "[{on}]"
            );

            // Nor does a form without the session's token, or an impossible move.
            let r = maria
                .post(&ticket, &[], &[("seen", "new"), ("status", "in_progress")])
                .await;
            assert_eq!(r.status, 403, "[{on}]");
            let r = maria
                .post(
                    &ticket,
                    &[],
                    &[
                        ("csrf", &csrf),
                        ("seen", "new"),
                        ("status", "answered"),
                        ("answer", " "),
                    ],
                )
                .await;
            assert_eq!(r.status, 422, "[{on}]");
            assert!(r.text.contains("aria-invalid=\"true\""), "[{on}]");
            assert!(
                r.text
                    .contains("aria-describedby=\"t-answer-hint t-answer-error\""),
                "[{on}]"
            );
            let r = maria
                .post(
                    &ticket,
                    &[],
                    &[("csrf", &csrf), ("seen", "new"), ("status", "new")],
                )
                .await;
            assert_eq!(r.status, 422, "[{on}]");
            assert_eq!(
                ticket_row(url, &id).await,
                ("new".into(), None, 0),
                "[{on}]"
            );

            // In progress, then answered.
            let r = maria
                .post(
                    &ticket,
                    &[],
                    &[("csrf", &csrf), ("seen", "new"), ("status", "in_progress")],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            assert_eq!(r.location, format!("{ticket}?saved=1"), "[{on}]");
            assert!(
                anon.get(&link).await.text.contains("Estado: En curso"),
                "[{on}]"
            );
            let answer = "El formulario está en la sección <Documentos> — answer-5d1e";
            let r = maria
                .post(
                    &ticket,
                    &[],
                    &[
                        ("csrf", &csrf),
                        ("seen", "in_progress"),
                        ("status", "answered"),
                        ("answer", answer),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            assert_eq!(
                ticket_row(url, &id).await,
                ("answered".into(), Some(answer.to_owned()), 2),
                "[{on}]"
            );
            // A form shown before the answer cannot undo it.
            let r = maria
                .post(
                    &ticket,
                    &[],
                    &[
                        ("csrf", &csrf),
                        ("seen", "in_progress"),
                        ("status", "closed"),
                    ],
                )
                .await;
            assert_eq!(r.status, 409, "[{on}]");
            assert_eq!(ticket_row(url, &id).await.0, "answered", "[{on}]");

            // The person reads the answer, in Spanish, with the organisation's name and not
            // the account's.
            let mine = anon.get(&link).await;
            assert_eq!(mine.status, 200, "[{on}]");
            assert!(mine.text.contains("Estado: Respondido"), "[{on}]");
            // Escaped (as `&lt;` or `&#60;`), never as markup.
            assert!(
                mine.text.contains("El formulario está en la sección &")
                    && mine.text.contains("Documentos&")
                    && mine.text.contains("answer-5d1e"),
                "[{on}] {}",
                mine.text
            );
            assert!(!mine.text.contains("<Documentos>"), "[{on}]");
            let from = format!("Respuesta de {org_name}");
            let escaped_from = from.replace('&', "&amp;").replace('\'', "&#39;");
            assert!(
                mine.text.contains(&from) || mine.text.contains(&escaped_from),
                "[{on}]"
            );
            assert!(!mine.text.contains("maria.lopez"), "[{on}]");
            // The organisation sees who did what; editors see the ticket too.
            let sheet = maria.get(&format!("{ticket}?saved=1")).await;
            assert!(sheet.text.contains("maria.lopez"), "[{on}]");
            assert!(sheet.text.contains("role=\"status\""), "[{on}]");
            let ed = Client::login(s, "ed").await;
            assert_eq!(ed.get(&ticket).await.status, 200, "[{on}]");
            assert!(
                ed.get("/admin/feedback?status=answered")
                    .await
                    .text
                    .contains(&href),
                "[{on}]"
            );
            // Neither the comment nor the answer is public.
            for path in [
                "/services/SVC-001",
                "/es/services/SVC-001",
                "/api/v1/services/SVC-001",
            ] {
                let page = anon.get(path).await.text;
                assert!(
                    !page.contains("marker-91c2") && !page.contains("answer-5d1e"),
                    "[{on}] {path}"
                );
            }

            // Closed, then reopened by the editor.
            let r = maria
                .post(
                    &ticket,
                    &[],
                    &[
                        ("csrf", &csrf),
                        ("seen", "answered"),
                        ("status", "closed"),
                        ("answer", answer),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            assert!(
                anon.get(&link).await.text.contains("Estado: Cerrado"),
                "[{on}]"
            );
            let ed_csrf = input(&ed.get(&ticket).await.text, "csrf").unwrap();
            let r = ed
                .post(
                    &ticket,
                    &[],
                    &[
                        ("csrf", &ed_csrf),
                        ("seen", "closed"),
                        ("status", "in_progress"),
                    ],
                )
                .await;
            assert_eq!(r.status, 303, "[{on}] {}", r.text);
            assert_eq!(
                ticket_row(url, &id).await,
                ("in_progress".into(), Some(answer.to_owned()), 4),
                "[{on}]"
            );
        });
    });
}
