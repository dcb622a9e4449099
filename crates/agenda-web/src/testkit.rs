//! The in-process test app: the whole router over a test database holding the demo country,
//! people of any role signed in, and one way to send requests. Requests go through the router
//! without a socket, so a test can send thousands of them in a second.

use std::sync::Arc;

use agenda_core::{Code, Kind, Role, Snapshot};
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
        let mut settings = WebSettings::new("Demo Republic");
        settings.secure_cookies = false;
        settings.regions = Some(Arc::new(agenda_io::embedded::demo_regions()));
        Self::demo_with(db, settings).await
    }

    /// The demo country imported into `db`, served with `settings`.
    pub async fn demo_with(db: TestDb, settings: WebSettings) -> Self {
        let sdg = Arc::new(agenda_io::embedded::sdg().expect("embedded SDG framework"));
        let frameworks = Arc::new(agenda_io::embedded::frameworks().expect("embedded frameworks"));
        let store = agenda_store::Store::open(db.url(), sdg)
            .await
            .expect("store opens")
            .with_frameworks(frameworks);
        let plan = agenda_io::plan_import(
            &store.snapshot(),
            &agenda_io::embedded::demo_tables().expect("embedded demo"),
        )
        .expect("the demo imports");
        store
            .apply("demo", plan.changes)
            .await
            .expect("demo applied");
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

    /// The demo with `services` more services generated as `agenda generate` makes them: a
    /// catalogue of national size.
    pub async fn national(services: usize) -> Self {
        let app = Self::demo_sqlite().await;
        let demo = app.state.store.snapshot();
        let big = agenda_io::generate::national(&demo, services, 0, 7);
        let changes: Vec<agenda_core::Change> = big
            .services
            .values()
            .filter(|v| !demo.services.contains_key(v.code.as_str()))
            .map(|v| agenda_core::Change::Upsert(v.clone().into()))
            .collect();
        assert_eq!(changes.len(), services, "every generated service is new");
        app.state
            .store
            .apply("generate", changes)
            .await
            .expect("generated services applied");
        app
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

/// The first key of `kind` in the snapshot, if the demo has one.
pub fn first(s: &Snapshot, kind: Kind) -> Option<String> {
    s.entities(kind).next().map(|e| e.key())
}

/// One path of every public page type, codes taken from the demo country.
pub fn public_paths(s: &Snapshot) -> Vec<String> {
    let mut paths: Vec<String> = [
        "/",
        "/pillars",
        "/action-lines",
        "/kpis",
        "/organisations",
        "/sdgs",
        "/frameworks",
        "/frameworks/eu-digital-decade-2030",
        "/roadmap",
        "/services",
        "/analysis/once-only",
        "/analysis/roadmap",
        "/analysis/priorities",
        "/analysis/standard",
        "/analysis/freshness",
        "/analysis/systems",
        "/regulatory-plan",
        "/governance",
        "/governance/decisions",
        "/governance/decisions?state=overdue",
        "/building-blocks",
        "/funding",
        "/funding?year=2026",
        "/consultations",
        "/acknowledgements",
        "/versions",
        "/versions/compare",
        "/versions/1.0/current",
        "/open-data",
        "/methodology",
        "/reporting",
        "/subscribe",
        "/search?q=passport",
        "/search?q=zzzz-nothing",
        "/chat",
        "/feed.atom",
        "/login",
        // Error pages.
        "/no-such-page",
        "/kpis/NO-SUCH-KPI",
        "/services/NO-SUCH-SERVICE",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    let each = [
        (Kind::ActionLine, "/action-lines/"),
        (Kind::Kpi, "/kpis/"),
        (Kind::Organisation, "/organisations/"),
        (Kind::Service, "/services/"),
        (Kind::LifeEvent, "/life-events/"),
        (Kind::BuildingBlock, "/building-blocks/"),
        (Kind::GovernanceBody, "/governance/"),
    ];
    for (kind, prefix) in each {
        let key = first(s, kind).unwrap_or_else(|| panic!("the demo has a {}", kind.as_str()));
        paths.push(format!("{prefix}{key}"));
    }
    paths.push("/sdgs/1".to_owned());
    // The demo's KPI with no recent figure, whose last one counts.
    if s.kpis.contains_key("KPI-15") {
        paths.push("/kpis/KPI-15".to_owned());
    }
    // Figures by region, on the demo's map.
    if s.kpis.contains_key("KPI-12") {
        paths.push("/kpis/KPI-12".to_owned());
    }
    // Rated by growth rate, with a flagged figure.
    if s.kpis.contains_key("KPI-24") {
        paths.push("/kpis/KPI-24".to_owned());
    }
    if let Some(c) = s.consultations.keys().next() {
        paths.push(format!("/consultations/{c}"));
    }
    // The consultation that closes last (the demo's open one) and its form to take part.
    if let Some(c) = s.consultations.values().max_by_key(|c| c.closes) {
        paths.push(format!("/consultations/{}", c.code));
        paths.push(format!("/consultations/{}/take-part", c.code));
    }
    // Every funding partner's page (the demo has a grant-maker and a bank).
    for o in s
        .organisations
        .values()
        .filter(|o| o.kind == agenda_core::OrgKind::International)
    {
        paths.push(format!("/funding/{}", o.code));
    }
    // The change history of one record of every kind.
    for kind in Kind::ALL {
        if let Some(key) = first(s, *kind) {
            paths.push(format!("/history/{}/{key}", kind.collection()));
        }
    }
    paths
}

/// One path of every administration page type.
pub fn admin_paths(s: &Snapshot) -> Vec<String> {
    let mut paths: Vec<String> = [
        "/admin",
        "/admin/reports",
        "/admin/dashboard",
        "/admin/consultations",
        "/admin/versions",
        "/admin/feedback",
        "/admin/tokens",
        "/admin/users",
        "/admin/translations",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    for kind in Kind::ALL {
        let collection = kind.collection();
        paths.push(format!("/admin/data/{collection}"));
        paths.push(format!("/admin/data/{collection}/new"));
        if let Some(key) = first(s, *kind) {
            paths.push(format!("/admin/data/{collection}/{key}"));
        }
    }
    if let Some(e) = agenda_io::translations::entries(s, "en", "fr")
        .into_iter()
        .find(|e| e.target.is_none())
    {
        let collection = e.kind.collection();
        paths.push(format!("/admin/translations/fr/{collection}"));
        paths.push(format!("/admin/translations/fr/{collection}/{}", e.key));
    }
    if let Some(r) = s.progress_reports.keys().next() {
        paths.push(format!("/admin/reports/{r}"));
    }
    if let Some(c) = s.consultations.keys().next() {
        paths.push(format!("/admin/consultations/{c}"));
    }
    // A decision's follow-up form.
    if let Some(d) = s.decisions.values().find(|d| d.acting_org.is_some()) {
        paths.push(format!("/admin/decisions/{}", d.code));
    }
    paths
}
