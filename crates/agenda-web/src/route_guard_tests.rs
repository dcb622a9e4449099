//! Every route that changes state is guarded before its handler runs, and every role the
//! policy forbids is refused with nothing changed.
//!
//! The routes are read from the crate's own source (every `.route(…)` with a `post`, `put`,
//! `patch` or `delete`), so a route added later is checked too: one missing from the table
//! below fails the test until someone says how it is guarded, and one guarded by hand instead
//! of by the extractor fails because its refusal lacks the extractor's mark.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use agenda_core::policy::{Actor, may_change};
use agenda_core::{Kind, Role, Snapshot};
use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::error::REFUSED_HEADER;
use crate::testkit::{Client, TestApp};

/// How a state-changing route is guarded.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Guard {
    /// A form of a signed-in person: session and anti-forgery token ([`crate::extract::SignedForm`]).
    Session,
    /// A JSON write: an API token, or a session with its token in `X-CSRF-Token`.
    Api,
    /// The sign-in form: the anti-forgery cookie set with the form.
    Login,
    /// Open to anyone by design, with the reason: there is no one's authority to borrow.
    Open(&'static str),
}

/// Every state-changing route pattern (with its mount prefix) and its guard.
fn guards() -> BTreeMap<&'static str, Guard> {
    use Guard::*;
    let open_citizen = Open("citizens' channels: anonymous, change only the conversation");
    BTreeMap::from([
        ("/login", Login),
        ("/logout", Session),
        ("/logout-everywhere", Session),
        ("/admin/data/{collection}/new", Session),
        ("/admin/data/{collection}/{key}", Session),
        ("/admin/data/{collection}/{key}/archive", Session),
        ("/admin/reports/{key}", Session),
        ("/admin/tasks/{period}/figures", Session),
        ("/admin/decisions/{code}", Session),
        ("/admin/consultations/{code}/contribute", Session),
        ("/admin/contributions/{code}/endorse", Session),
        ("/admin/contributions/{code}/moderate", Session),
        ("/admin/contributions/{code}/respond", Session),
        ("/admin/versions", Session),
        ("/admin/feedback/{id}", Session),
        ("/admin/translations/upload", Session),
        ("/admin/translations/{lang}/{collection}/{key}", Session),
        ("/admin/tokens", Session),
        ("/admin/tokens/{id}/revoke", Session),
        ("/admin/users", Session),
        ("/admin/users/{name}/disable", Session),
        ("/api/v1/kpis/{code}/observations", Api),
        ("/api/v1/services/{code}/figures", Api),
        ("/api/v1/chat", open_citizen),
        ("/chat", open_citizen),
        ("/channels/ussd", open_citizen),
        ("/channels/voice", open_citizen),
        ("/channels/voice.vxml", open_citizen),
        (
            "/services/{code}/feedback",
            Open("anonymous feedback on a service: moderated, and sent as no one"),
        ),
        (
            "/subscribe",
            Open("a subscription does nothing until confirmed from the mailbox"),
        ),
        (
            "/take-part/link",
            Open(
                "asking for a sign-in link changes nothing until the link comes back from the mailbox",
            ),
        ),
        (
            "/take-part/sign-in",
            Open("authenticated by the one-time secret in the mailed link"),
        ),
        (
            "/consultations/{code}/take-part",
            Open(
                "a person's contribution: their session cookie and the signed form token, rate-limited",
            ),
        ),
        (
            "/take-part/me/delete",
            Open("a person deletes their own data: their session cookie and the signed form token"),
        ),
        (
            "/take-part/sign-out",
            Open("ends the browser's own session, same-site only"),
        ),
        (
            "/subscriptions/confirm",
            Open("authenticated by the secret key in the mailed link"),
        ),
        (
            "/subscriptions/unsubscribe",
            Open("authenticated by the secret key in the mailed link"),
        ),
        (
            "/subscriptions/delete",
            Open("authenticated by the secret key in the mailed link"),
        ),
    ])
}

/// The mount prefix of the routers defined in `file` by function `function`.
fn prefix_of(file: &str, function: &str) -> Option<&'static str> {
    match (file, function) {
        (
            "api.rs" | "write_api.rs" | "analysis_api.rs" | "catalogue_api.rs" | "finder_api.rs",
            _,
        ) => Some("/api/v1"),
        ("channels/http.rs", "api_router") => Some("/api/v1"),
        ("lib.rs" | "channels/http.rs", _) => Some(""),
        (f, _) if f.starts_with("site/") => Some(""),
        _ => None,
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source directory") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text of the call starting at `from` (just after an opening parenthesis), up to its
/// closing parenthesis.
fn call_text(src: &str, from: usize) -> &str {
    let mut depth = 1;
    for (i, c) in src[from..].char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &src[from..from + i];
                }
            }
            _ => {}
        }
    }
    &src[from..]
}

/// Every route of the crate whose method changes state: (full pattern, source file).
fn state_changing_routes() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut routes = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(&src)
            .expect("under src")
            .to_string_lossy()
            .replace('\\', "/");
        if rel.ends_with("_tests.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("source");
        let mut function = "";
        let mut at = 0;
        while let Some(i) = text[at..].find(".route(") {
            let start = at + i + ".route(".len();
            // The router function the call is in: the last `fn name(` before it.
            if let Some(f) = text[..start].rfind("fn ") {
                function = text[f + 3..]
                    .split(|c: char| !c.is_alphanumeric() && c != '_')
                    .next()
                    .unwrap_or(function);
            }
            let call = call_text(&text, start);
            at = start;
            let Some(path) = call.split('"').nth(1).filter(|p| p.starts_with('/')) else {
                continue;
            };
            let changes = ["post(", "put(", "patch(", "delete("]
                .iter()
                .any(|m| call.contains(m));
            if !changes {
                continue;
            }
            let prefix = prefix_of(&rel, function).unwrap_or_else(|| {
                panic!("{rel}: say where the routers of `{function}` are mounted")
            });
            routes.push((format!("{prefix}{path}"), rel.clone()));
        }
    }
    routes.sort();
    routes.dedup();
    routes
}

/// `pattern` with its parameters replaced by values of the demo.
fn concrete(pattern: &str, s: &Snapshot) -> String {
    let first = |kind: Kind| {
        s.entities(kind)
            .next()
            .map(|e| e.key())
            .unwrap_or_else(|| panic!("the demo has a {}", kind.as_str()))
    };
    pattern
        .replace("{collection}", Kind::Service.collection())
        .replace("{key}", &first(Kind::Service))
        .replace(
            "{code}",
            &if pattern.contains("/kpis/") {
                first(Kind::Kpi)
            } else if pattern.contains("/contributions/") {
                first(Kind::Contribution)
            } else if pattern.contains("/consultations/") {
                first(Kind::Consultation)
            } else {
                first(Kind::Service)
            },
        )
        .replace("{id}", "1")
        .replace("{name}", "nobody")
}

async fn post_raw(
    app: &TestApp,
    path: &str,
    cookie: Option<&str>,
    body: &str,
    json: bool,
) -> crate::testkit::Reply {
    let mut req = Request::post(path).header(
        "content-type",
        if json {
            "application/json"
        } else {
            "application/x-www-form-urlencoded"
        },
    );
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    app.send(req.body(Body::from(body.to_owned())).expect("request"))
        .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_state_changing_route_refuses_forged_and_unsigned_requests() {
    let routes = state_changing_routes();
    assert!(routes.len() >= 20, "only {} routes found", routes.len());
    let table = guards();
    let undeclared: Vec<_> = routes
        .iter()
        .filter(|(p, _)| !table.contains_key(p.as_str()))
        .collect();
    assert!(
        undeclared.is_empty(),
        "state-changing routes with no declared guard (add them to `guards`): {undeclared:?}"
    );
    let gone: Vec<_> = table
        .keys()
        .filter(|p| !routes.iter().any(|(r, _)| r == *p))
        .collect();
    assert!(
        gone.is_empty(),
        "declared routes not in the router: {gone:?}"
    );

    for db in agenda_store::testing::test_databases().await {
        let app = TestApp::demo(db).await;
        let s = app.state.store.snapshot();
        let editor = app.with_user(Role::Editor, None).await;
        let session = editor.cookie().expect("signed in").to_owned();
        for (pattern, file) in &routes {
            let path = concrete(pattern, &s);
            let before = app.state.store.snapshot().version;
            match table[pattern.as_str()] {
                Guard::Session => {
                    // Signed in, but no token and then a wrong one: refused by the extractor.
                    for body in ["name=x", "name=x&csrf=forged"] {
                        let r = post_raw(&app, &path, Some(&session), body, false).await;
                        assert_eq!(
                            r.status,
                            StatusCode::FORBIDDEN,
                            "{pattern} ({file}) with {body}: {}",
                            r.body
                        );
                        assert_eq!(
                            r.headers.get(REFUSED_HEADER).and_then(|v| v.to_str().ok()),
                            Some("csrf"),
                            "{pattern} ({file}) was refused, but not by the anti-forgery extractor"
                        );
                    }
                    // Not signed in at all.
                    let r = post_raw(&app, &path, None, "csrf=forged", false).await;
                    assert_eq!(
                        r.status,
                        StatusCode::UNAUTHORIZED,
                        "{pattern} unsigned: {}",
                        r.body
                    );
                }
                Guard::Api => {
                    let r = post_raw(&app, &path, None, "{}", true).await;
                    assert_eq!(
                        r.status,
                        StatusCode::UNAUTHORIZED,
                        "{pattern} with no token"
                    );
                    assert!(r.body.contains("\"unauthorized\""), "{pattern}: {}", r.body);
                    // A browser session without its token in the header cannot write.
                    let r = post_raw(&app, &path, Some(&session), "{}", true).await;
                    assert_eq!(
                        r.status,
                        StatusCode::FORBIDDEN,
                        "{pattern} with a session only"
                    );
                }
                Guard::Login => {
                    let r = post_raw(
                        &app,
                        &path,
                        None,
                        "username=ed&password=x&csrf=forged",
                        false,
                    )
                    .await;
                    assert_eq!(
                        r.status,
                        StatusCode::FORBIDDEN,
                        "{pattern} without its cookie"
                    );
                }
                Guard::Open(_) => continue,
            }
            assert_eq!(
                app.state.store.snapshot().version,
                before,
                "{pattern}: a refused request changed the agenda"
            );
        }
    }
}

/// The forms of an HTML page: (action, fields), fields as a browser would send them with
/// the first submit button.
fn forms(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let pat = format!(" {name}=\"");
        let i = tag.find(&pat)? + pat.len();
        let j = tag[i..].find('"')? + i;
        Some(unescape(&tag[i..j]))
    };
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find("<form") {
        let end = rest[i..].find("</form>").map_or(rest.len(), |j| i + j);
        let form = &rest[i..end];
        rest = &rest[end..];
        let head = &form[..form.find('>').unwrap_or(form.len())];
        let Some(action) = attr(head, "action") else {
            continue;
        };
        let mut fields = Vec::new();
        let mut submitted = false;
        let mut pos = 0;
        while let Some(k) = form[pos..].find('<') {
            let start = pos + k;
            let close = form[start..].find('>').map_or(form.len(), |j| start + j);
            let tag = &form[start..close];
            pos = close;
            let name = attr(tag, "name");
            if tag.starts_with("<input") {
                let kind = attr(tag, "type").unwrap_or_else(|| "text".into());
                let Some(name) = name else { continue };
                match kind.as_str() {
                    "checkbox" | "radio" if !tag.contains(" checked") => {}
                    "submit" if submitted => {}
                    _ => {
                        submitted |= kind == "submit";
                        fields.push((name, attr(tag, "value").unwrap_or_default()));
                    }
                }
            } else if tag.starts_with("<button") {
                if let (Some(name), false) = (name, submitted) {
                    submitted = true;
                    fields.push((name, attr(tag, "value").unwrap_or_default()));
                }
            } else if tag.starts_with("<textarea") {
                if let Some(name) = name {
                    let body_end = form[close..]
                        .find("</textarea>")
                        .map_or(close, |j| close + j);
                    fields.push((name, unescape(&form[(close + 1).min(body_end)..body_end])));
                }
            } else if tag.starts_with("<select")
                && let Some(name) = name
            {
                let sel_end = form[close..].find("</select>").map_or(close, |j| close + j);
                let options = &form[close..sel_end];
                let chosen = options
                    .split("<option")
                    .skip(1)
                    .find(|o| o.contains(" selected"))
                    .or_else(|| options.split("<option").nth(1))
                    .and_then(|o| attr(&format!(" {o}"), "value"))
                    .unwrap_or_default();
                fields.push((name, chosen));
            }
        }
        out.push((unescape(&action), fields));
    }
    out
}

/// `s` with its percent-escapes decoded.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match (
            bytes[i],
            s.get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok()),
        ) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// Replays, as `as_whom`, the form with `action` that the administrator is shown on `page`
/// (or, failing that, on the page at `action` itself: a confirmation step), with
/// `as_whom`'s own anti-forgery token.
async fn replay(
    app: &TestApp,
    admin: &Client,
    page: &str,
    action: &str,
    as_whom: &Client,
) -> crate::testkit::Reply {
    let mut found = None;
    for at in [page, action] {
        let html = app.get(admin, at).await.body;
        found = forms(&html)
            .into_iter()
            .find(|(a, _)| decode(a) == decode(action));
        if found.is_some() {
            break;
        }
    }
    let (_, fields) = found.unwrap_or_else(|| panic!("no form posting to {action} on {page}"));
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(k, _)| k != "csrf")
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    app.post_form(as_whom, action, &fields).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_the_policy_forbids_is_refused_and_nothing_changes() {
    for db in agenda_store::testing::test_databases().await {
        let app = TestApp::demo(db).await;
        let s = app.state.store.snapshot();
        let admin = app.with_user(Role::Admin, None).await;
        let editor = app.with_user(Role::Editor, None).await;
        let legal = app.with_user(Role::Legal, None).await;
        let orgs: Vec<String> = s.organisations.keys().cloned().collect();
        let stakeholder = app.with_user(Role::Stakeholder, Some(&orgs[0])).await;

        // Record forms: every kind, its first record, saved and archived by each role; the
        // policy says who may.
        let mut strangers: BTreeMap<String, Client> = BTreeMap::new();
        for kind in Kind::ALL {
            let Some(entity) = s.entities(*kind).next() else {
                continue;
            };
            let key = entity.key();
            let page = format!("/admin/data/{}/{key}", kind.collection());
            // An entity user of an organisation that does not own the record.
            let owner = agenda_core::policy::owner_of(&s, &entity);
            let stranger_org = orgs
                .iter()
                .find(|o| Some(o.as_str()) != owner.as_ref().map(|c| c.as_str()))
                .expect("another organisation");
            if !strangers.contains_key(stranger_org) {
                let c = app.with_user(Role::Entity, Some(stranger_org)).await;
                strangers.insert(stranger_org.clone(), c);
            }
            let stranger = strangers[stranger_org].clone();
            let people: [(&str, &Client, Actor); 4] = [
                (
                    "legal",
                    &legal,
                    Actor::User {
                        role: Role::Legal,
                        organisation: None,
                    },
                ),
                (
                    "stakeholder",
                    &stakeholder,
                    Actor::User {
                        role: Role::Stakeholder,
                        organisation: agenda_core::Code::parse(&orgs[0]).ok(),
                    },
                ),
                (
                    "entity of another organisation",
                    &stranger,
                    Actor::User {
                        role: Role::Entity,
                        organisation: agenda_core::Code::parse(stranger_org).ok(),
                    },
                ),
                (
                    "editor",
                    &editor,
                    Actor::User {
                        role: Role::Editor,
                        organisation: None,
                    },
                ),
            ];
            for (who, client, actor) in &people {
                let allowed = may_change(actor, &s, *kind, &key, Some(&entity)).is_ok();
                let before = app.state.store.snapshot().version;
                let r = replay(&app, &admin, &page, &page, client).await;
                if allowed {
                    // The replayed form is a valid one: whoever may, saves it.
                    assert!(
                        r.status.is_success() || r.status.is_redirection(),
                        "{who} may save {page}: {} {}",
                        r.status,
                        r.body
                    );
                } else {
                    assert_eq!(
                        r.status,
                        StatusCode::FORBIDDEN,
                        "{who} saving {page}: {}",
                        r.body
                    );
                    assert_eq!(
                        app.state.store.snapshot().version,
                        before,
                        "{who} changed {page}"
                    );
                    let archive = format!("{page}/archive");
                    let r = replay(&app, &admin, &page, &archive, client).await;
                    assert_eq!(
                        r.status,
                        StatusCode::FORBIDDEN,
                        "{who} archiving {page}: {}",
                        r.body
                    );
                    assert_eq!(
                        app.state.store.snapshot().version,
                        before,
                        "{who} archived {page}"
                    );
                }
            }
        }

        // Accounts, tokens and publication: administrators (and reviewers for publication).
        let entity = match strangers.get(&orgs[0]) {
            Some(c) => c.clone(),
            None => app.with_user(Role::Entity, Some(&orgs[0])).await,
        };
        for (who, client) in [
            ("editor", &editor),
            ("legal", &legal),
            ("stakeholder", &stakeholder),
            ("entity", &entity),
        ] {
            let before = app.state.store.snapshot().version;
            let r = replay(&app, &admin, "/admin/users", "/admin/users", client).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{who} adding an account: {}",
                r.body
            );
            let r = app
                .post_form(
                    client,
                    &format!("/admin/users/{}/disable", "admin-all"),
                    &[],
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{who} disabling an account"
            );
            if who != "editor" {
                let r = replay(&app, &admin, "/admin/versions", "/admin/versions", client).await;
                assert_eq!(
                    r.status,
                    StatusCode::FORBIDDEN,
                    "{who} publishing: {}",
                    r.body
                );
            }
            assert_eq!(
                app.state.store.snapshot().version,
                before,
                "{who} changed something"
            );
        }
        // The accounts are all still there and able to sign in.
        assert!(
            app.state
                .store
                .login("admin-all", crate::testkit::PASSWORD, "127.0.0.1")
                .await
                .unwrap()
                .is_ok()
        );
    }
}
