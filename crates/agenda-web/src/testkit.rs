//! The in-process test app: the whole router over a test database holding the demo country,
//! people of any role signed in, and one way to send requests. Requests go through the router
//! without a socket, so a test can send thousands of them in a second.

use std::sync::Arc;

use agenda_core::{Code, Role};
use agenda_store::NewAccount;
use agenda_store::testing::TestDb;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

use crate::{AppState, WebSettings};

/// The password of every account the kit creates.
pub const PASSWORD: &str = "a long enough password";

/// The application over one test database holding the demo country.
pub struct TestApp {
    /// What the handlers see.
    pub state: AppState,
    _db: TestDb,
}

/// A reply: status, headers and body as text.
pub struct Reply {
    /// Status.
    pub status: StatusCode,
    /// Headers.
    pub headers: axum::http::HeaderMap,
    /// Body, as text.
    pub body: String,
}

/// Someone sending requests: anonymous, or a signed-in person with its session and
/// anti-forgery token.
#[derive(Clone, Default)]
pub struct Client {
    cookie: Option<String>,
    /// The session's anti-forgery token, when signed in.
    pub csrf: Option<String>,
}

impl Client {
    /// The `Cookie` header of the session, when signed in.
    pub fn cookie(&self) -> Option<&str> {
        self.cookie.as_deref()
    }
}

impl TestApp {
    /// The demo country imported into `db`, served with the default settings.
    pub async fn demo(db: TestDb) -> Self {
        let sdg = Arc::new(agenda_io::embedded::sdg().expect("embedded SDG framework"));
        let store = agenda_store::Store::open(db.url(), sdg)
            .await
            .expect("store opens");
        let plan = agenda_io::plan_import(
            &store.snapshot(),
            &agenda_io::embedded::demo_tables().expect("embedded demo"),
        )
        .expect("the demo imports");
        store
            .apply("demo", plan.changes)
            .await
            .expect("demo applied");
        let mut settings = WebSettings::new("Demo Republic");
        settings.secure_cookies = false;
        Self {
            state: AppState::new(store, settings),
            _db: db,
        }
    }

    /// The demo on the first test database (SQLite).
    pub async fn demo_sqlite() -> Self {
        let db = agenda_store::testing::test_databases()
            .await
            .into_iter()
            .next()
            .expect("SQLite test database");
        Self::demo(db).await
    }

    /// A new account of `role` (bound to `organisation` for an entity or a stakeholder),
    /// signed in; its username is `<role>-<organisation or "all">`.
    pub async fn with_user(&self, role: Role, organisation: Option<&str>) -> Client {
        let username = format!("{}-{}", role.as_str(), organisation.unwrap_or("all"));
        self.with_user_named(&username, role, organisation).await
    }

    /// A new account `username` of `role`, signed in.
    pub async fn with_user_named(
        &self,
        username: &str,
        role: Role,
        organisation: Option<&str>,
    ) -> Client {
        let username = username.to_owned();
        self.state
            .store
            .add_account(
                "test",
                &NewAccount {
                    username: username.clone(),
                    display_name: format!("Test {}", role.as_str()),
                    email: None,
                    role,
                    organisation: organisation.map(|o| Code::parse(o).expect("organisation code")),
                },
                PASSWORD,
            )
            .await
            .expect("account added");
        let session = self
            .state
            .store
            .login(&username, PASSWORD, "127.0.0.1")
            .await
            .expect("login runs")
            .expect("password accepted");
        Client {
            cookie: Some(format!(
                "{}={}",
                crate::site::admin::auth::SESSION_COOKIE,
                session.cookie
            )),
            csrf: Some(session.csrf),
        }
    }

    /// Sends `req` through the whole router.
    pub async fn send(&self, req: Request<Body>) -> Reply {
        // As `serve` does: the language prefix is stripped before routing.
        let app = tower::Layer::layer(
            &axum::middleware::from_fn(crate::site::strip_lang_prefix),
            crate::router(self.state.clone()),
        );
        let r = app.oneshot(req).await.expect("the router answers");
        let status = r.status();
        let headers = r.headers().clone();
        let body = axum::body::to_bytes(r.into_body(), usize::MAX)
            .await
            .expect("body read");
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    /// `GET path` as `client`.
    pub async fn get(&self, client: &Client, path: &str) -> Reply {
        let mut req = Request::get(path);
        if let Some(c) = &client.cookie {
            req = req.header("cookie", c);
        }
        self.send(req.body(Body::empty()).expect("request")).await
    }

    /// `POST path` of a form as `client`; the session's anti-forgery token is added unless
    /// the fields already carry one.
    pub async fn post_form(&self, client: &Client, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        if let Some(csrf) = &client.csrf
            && !fields.iter().any(|(k, _)| *k == "csrf")
        {
            all.push(("csrf", csrf));
        }
        let mut req =
            Request::post(path).header("content-type", "application/x-www-form-urlencoded");
        if let Some(c) = &client.cookie {
            req = req.header("cookie", c);
        }
        let body = serde_urlencoded::to_string(&all).expect("form encodes");
        self.send(req.body(Body::from(body)).expect("request"))
            .await
    }
}
