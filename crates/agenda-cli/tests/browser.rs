//! Browser tests of the public pages: the real `agenda serve --demo` on SQLite and (when
//! `AGENDA_TEST_POSTGRES_URL` is set) PostgreSQL, driven through
//! chromedriver and headless Chromium, with axe-core checking WCAG 2.1 A/AA on every page type.
//!
//! Needs `chromedriver` (`AGENDA_CHROMEDRIVER` or on `PATH`), Chromium (`AGENDA_CHROME` or on
//! `PATH`) and axe-core's `axe.min.js` (`AGENDA_AXE_JS`, else `target/ci-tools/node_modules/
//! axe-core/axe.min.js`). Without them each test prints `SKIPPED browser tests: <why>` and
//! passes, unless `AGENDA_REQUIRE_BROWSER=1`, then it fails.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

mod common;

const BIN: &str = env!("CARGO_BIN_EXE_agenda");

/// Every page type, each checked in every language.
const PAGES: &[&str] = &[
    "/",
    "/pillars",
    "/action-lines",
    "/action-lines/AL-1.1",
    "/kpis",
    "/kpis/KPI-01",
    "/kpis/KPI-29",
    // No recent figure (counts as its last one); rated by growth rate with a flagged figure.
    "/kpis/KPI-15",
    "/kpis/KPI-24",
    // Figures by region on the demo's map.
    "/kpis/KPI-12",
    "/methodology",
    "/reporting",
    "/organisations/DGA",
    "/sdgs",
    "/sdgs/16",
    "/frameworks",
    "/frameworks/eu-digital-decade-2030",
    "/roadmap",
    "/regulatory-plan",
    // Resources: totals, who funds what, a partner's commitments and what they delivered.
    "/funding",
    "/funding?year=2026",
    "/funding/RDB",
    "/open-data",
    "/organisations",
    "/services",
    "/services/SVC-001",
    // Start now, an office with its map link, and a search hit that can be done online.
    "/services/SVC-043",
    "/search?q=passport&for=agencies",
    "/search?q=renew+my+passport",
    "/services?audience=government",
    "/life-events/LE-CHILD",
    "/building-blocks/BB-ID",
    "/analysis/once-only",
    "/analysis/roadmap",
    "/analysis/priorities",
    "/analysis/standard",
    "/analysis/freshness",
    // Systems by the work they do; a search within the list; a KPI computed from the catalogue;
    // an organisation whose services' figures are side by side.
    "/analysis/systems",
    "/services?q=driving+licence",
    "/kpis/KPI-02",
    "/organisations/MOI",
    "/history/kpis/KPI-01",
    "/consultations",
    "/consultations/CONS-NDA-2023",
    "/acknowledgements",
    "/versions",
    "/versions/1.0/current",
    "/login",
    "/subscribe",
    "/subscribe?scope=action-line:AL-1.1",
    "/subscribe/sent?scope=pillar:P1",
    // Governance that follows up, shared building blocks governed, taking part in one's own
    // name.
    "/governance",
    "/governance/GOV-SC",
    "/governance/decisions",
    "/governance/decisions?state=overdue",
    "/building-blocks",
    "/building-blocks/BB-PAY",
    "/consultations/CONS-ODD-2026",
    "/consultations/CONS-ODD-2026/take-part",
    "/take-part/sent",
    NOT_FOUND,
];
const NOT_FOUND: &str = "/action-lines/AL-9.9";
/// URL prefixes of the languages; English has none.
const LANGUAGES: &[&str] = &["", "/fr", "/es"];

const CHROME_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,1024",
];

const AXE_RUN: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } })
  .then(r => done({ violations: r.violations.map(v => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.length,
    targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
  })) }))
  .catch(e => done({ error: String(e && e.stack || e) }));
"#;

/// A page with faults axe must find: the check is only worth something if it bites.
const PLANTED_FAULTS: &str = "<!doctype html><html lang=\"en\"><head><title>planted</title></head>\
    <body><main><h1>Planted</h1><img src=\"x.png\"><label>Name</label><input type=\"text\">\
    </main></body></html>";

// ---------------------------------------------------------------------------------------------
// Tools

struct Tools {
    chromedriver: PathBuf,
    chrome: PathBuf,
    axe_js: String,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// The file `var` names, else what `fallback` finds (described by `where_not` when it finds
/// nothing).
fn from_env_or(
    var: &str,
    fallback: impl FnOnce() -> Option<PathBuf>,
    where_not: &str,
) -> Result<PathBuf, String> {
    match std::env::var_os(var).filter(|v| !v.is_empty()) {
        Some(v) => {
            let p = PathBuf::from(v);
            if p.is_file() {
                Ok(p)
            } else {
                Err(format!("{var}={} does not exist", p.display()))
            }
        }
        None => fallback().ok_or_else(|| format!("{var} is not set and {where_not}")),
    }
}

fn find_tools() -> Result<Tools, String> {
    let chromedriver = from_env_or(
        "AGENDA_CHROMEDRIVER",
        || on_path(&["chromedriver"]),
        "no chromedriver is on PATH",
    )?;
    let chrome = from_env_or(
        "AGENDA_CHROME",
        || on_path(&["chromium", "chromium-browser", "google-chrome"]),
        "no chromium is on PATH",
    )?;
    let axe = from_env_or(
        "AGENDA_AXE_JS",
        || {
            let p = repo().join("target/ci-tools/node_modules/axe-core/axe.min.js");
            p.is_file().then_some(p)
        },
        "target/ci-tools has no axe-core (see .ci/run)",
    )?;
    let axe_js =
        std::fs::read_to_string(&axe).map_err(|e| format!("cannot read {}: {e}", axe.display()))?;
    Ok(Tools {
        chromedriver,
        chrome,
        axe_js,
    })
}

/// The browser tools, or `None` after printing why the test is skipped.
fn tools_or_skip() -> Option<Tools> {
    match find_tools() {
        Ok(t) => Some(t),
        Err(why) if std::env::var("AGENDA_REQUIRE_BROWSER").as_deref() == Ok("1") => {
            panic!("AGENDA_REQUIRE_BROWSER=1 but the browser tests cannot run: {why}")
        }
        Err(why) => {
            println!("SKIPPED browser tests: {why}");
            None
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Processes, each stopped when dropped (also when a test panics)

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// chromedriver in its own process group, so that the browsers it starts go with it.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(tools: &Tools) -> Driver {
        let port = free_port();
        let child = Command::new(&tools.chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", tools.chromedriver.display()));
        let driver = Driver { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        driver
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        // Ask chromedriver to end its sessions (and so quit the browsers), then make sure.
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) {
            let _ = s.set_read_timeout(Some(Duration::from_secs(5)));
            let _ = s.write_all(
                b"GET /shutdown HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            );
            let _ = std::io::Read::read_to_end(&mut s, &mut Vec::new());
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `agenda serve --demo` on a fresh SQLite file.
struct Server {
    child: Child,
    base: String,
    url: String,
    _dir: tempfile::TempDir,
}

impl Server {
    /// The demo served on the database at `url`, with extra arguments such as `--today`.
    fn start_on(url: &str, args: &[&str]) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let url = url.to_owned();
        let mut child = Command::new(BIN)
            .args(["serve", "--demo", "--addr", "127.0.0.1:0"])
            .args(args)
            .current_dir(dir.path())
            .env("AGENDA_DATABASE_URL", &url)
            .env_remove("AGENDA_CONFIG")
            .env("AGENDA_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start agenda serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("agenda listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Server {
            child,
            base,
            url,
            _dir: dir,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

// ---------------------------------------------------------------------------------------------
// Browser

async fn browser(driver: &Driver, tools: &Tools, profile: &Path) -> Client {
    let mut args: Vec<String> = CHROME_ARGS.iter().map(|a| a.to_string()).collect();
    args.push(format!("--user-data-dir={}", profile.display()));
    let caps = json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": tools.chrome, "args": args },
    });
    let Value::Object(caps) = caps else {
        unreachable!()
    };
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&driver.url())
        .await
        .expect("open a Chromium session through chromedriver");
    client
        .update_timeouts(TimeoutConfiguration::new(
            Some(Duration::from_secs(60)),
            Some(Duration::from_secs(30)),
            Some(Duration::ZERO),
        ))
        .await
        .unwrap();
    client
}

/// One axe finding, as printed when the test fails.
#[derive(Debug)]
struct Violation {
    page: String,
    id: String,
    impact: String,
    help: String,
    nodes: u64,
    targets: Vec<String>,
}

/// Runs axe (WCAG 2.0 A/AA and 2.1 AA rules) on the page the browser shows.
async fn axe(client: &Client, axe_js: &str, page: &str) -> Result<Vec<Violation>, String> {
    let loaded = client
        .execute(&format!("{axe_js}\n;return typeof window.axe;"), vec![])
        .await
        .map_err(|e| format!("inject axe-core: {e}"))?;
    if loaded != "object" {
        return Err(format!("axe-core did not load (typeof axe = {loaded})"));
    }
    let result = client
        .execute_async(AXE_RUN, vec![])
        .await
        .map_err(|e| format!("axe.run: {e}"))?;
    if let Some(e) = result.get("error") {
        return Err(format!("axe.run failed: {e}"));
    }
    let str_of = |v: &Value, k: &str| v[k].as_str().unwrap_or("?").to_owned();
    Ok(result["violations"]
        .as_array()
        .ok_or_else(|| format!("unexpected axe result {result}"))?
        .iter()
        .map(|v| Violation {
            page: page.to_owned(),
            id: str_of(v, "id"),
            impact: str_of(v, "impact"),
            help: str_of(v, "help"),
            nodes: v["nodes"].as_u64().unwrap_or(0),
            targets: v["targets"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| t.as_str().unwrap_or("?").to_owned())
                .collect(),
        })
        .collect())
}

async fn status(url: &str) -> u16 {
    reqwest::get(url)
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"))
        .status()
        .as_u16()
}

/// Clicks the first element matching `css` and waits until the browser shows the page it
/// links to; returns that page's path.
async fn follow_first(client: &Client, css: &str) -> String {
    let here = client.current_url().await.unwrap();
    let link = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css} on {here}: {e}"));
    let href = link.prop("href").await.unwrap().expect("link has an href");
    link.click().await.unwrap();
    let target = here.join(&href).unwrap();
    client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_url(&target)
        .await
        .unwrap_or_else(|e| panic!("clicking {css} on {here} did not reach {href}: {e}"));
    target.path().to_owned()
}

/// Leaves feedback on a service sheet as a person does (the form, then the button) and returns
/// the private page of the ticket it became: `/feedback/<id>?key=<key>`.
async fn leave_feedback(client: &Client, base: &str) -> String {
    client
        .goto(&format!("{base}/services/SVC-001"))
        .await
        .unwrap();
    client
        .find(Locator::Css("#fb-no"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .find(Locator::Css("#fb-comment"))
        .await
        .unwrap()
        .send_keys("The PDF form cannot be found.")
        .await
        .unwrap();
    client
        .find(Locator::Css(".feedback button[type=submit]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    client
        .wait()
        .at_most(Duration::from_secs(15))
        .for_element(Locator::Css(".private-link"))
        .await
        .expect("sent to the ticket's private page");
    let url = client.current_url().await.unwrap();
    assert!(url.path().starts_with("/feedback/"), "{url}");
    format!("{}?{}", url.path(), url.query().unwrap_or_default())
}

fn localised(prefix: &str, path: &str) -> String {
    match path {
        "/" => format!("{prefix}/"),
        _ => format!("{prefix}{path}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Tests

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_type_has_no_accessibility_violations() {
    let Some(tools) = tools_or_skip() else { return };
    for db in common::databases_async().await {
        let server = Server::start_on(&db.url, &[]);

        let driver = Driver::start(&tools);
        let profile = tempfile::tempdir().unwrap();
        let client = browser(&driver, &tools, profile.path()).await;

        // The check must find planted faults before its silence on the real pages means anything.
        client
            .goto(&format!("data:text/html,{}", urlencode(PLANTED_FAULTS)))
            .await
            .unwrap();
        let planted = axe(&client, &tools.axe_js, "planted").await.unwrap();
        let ids: Vec<&str> = planted.iter().map(|v| v.id.as_str()).collect();
        assert!(
            ids.contains(&"image-alt") && ids.contains(&"label"),
            "axe missed the planted faults: {planted:?}"
        );

        // A person's private ticket page, whose address only the form's answer gives.
        let ticket = leave_feedback(&client, &server.base).await;

        let mut problems = Vec::new();
        let mut violations = Vec::new();
        let mut checked = 0;
        // Every page is checked as a 360-pixel-wide phone shows it: nothing may need sideways
        // scrolling (wide tables scroll inside their own box).
        client.set_window_size(360, 800).await.unwrap();
        for prefix in LANGUAGES {
            for path in PAGES.iter().copied().chain([ticket.as_str()]) {
                let page = localised(prefix, path);
                let expected = if path == NOT_FOUND { 404 } else { 200 };
                check_page(
                    &client,
                    &tools.axe_js,
                    &server.base,
                    &page,
                    expected,
                    &mut problems,
                    &mut violations,
                )
                .await;
                checked += 1;
            }
        }
        // The pages of a person taking part in their own name, signed in through the page a
        // mailed link opens.
        let token = participant_link(&db.url).await;
        client
            .goto(&format!(
                "{}/take-part/sign-in?token={token}&next=CONS-ODD-2026",
                server.base
            ))
            .await
            .unwrap();
        client
            .find(Locator::Css("main form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        if let Err(e) = client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css("#tp-text"))
            .await
        {
            let at = client.current_url().await.unwrap();
            let html = client.source().await.unwrap_or_default();
            let main = html.split("<main").nth(1).unwrap_or(&html);
            panic!("signed in, on the contribution form: {e} at {at}: {main}");
        }
        for prefix in LANGUAGES {
            // The status is probed without the browser's session: the person's own page
            // answers 401 to anyone else.
            for (path, anyone) in [
                ("/consultations/CONS-ODD-2026/take-part", 200),
                ("/take-part/me", 401),
            ] {
                let page = localised(prefix, path);
                check_page(
                    &client,
                    &tools.axe_js,
                    &server.base,
                    &page,
                    anyone,
                    &mut problems,
                    &mut violations,
                )
                .await;
                checked += 1;
            }
        }
        let _ = client.close().await;

        assert_accessible(&violations, &problems, checked);
    }
}

/// Opens `page` as the browser is set up (a 360-pixel phone), and notes a wrong status, any
/// sideways scrolling and every axe-core violation.
async fn check_page(
    client: &Client,
    axe_js: &str,
    base: &str,
    page: &str,
    expected: u16,
    problems: &mut Vec<String>,
    violations: &mut Vec<Violation>,
) {
    let url = format!("{base}{page}");
    let got = status(&url).await;
    if got != expected {
        problems.push(format!("{page}: HTTP {got}, expected {expected}"));
    }
    if let Err(e) = client.goto(&url).await {
        problems.push(format!("{page}: the browser could not open it: {e}"));
        return;
    }
    let widths = client
        .execute(
            "return [document.documentElement.clientWidth, document.documentElement.scrollWidth];",
            vec![],
        )
        .await
        .unwrap();
    if let (Some(client_w), Some(scroll_w)) = (widths[0].as_i64(), widths[1].as_i64())
        && scroll_w > client_w
    {
        problems.push(format!(
            "{page}: {scroll_w} px wide in a {client_w} px phone screen"
        ));
    }
    match axe(client, axe_js, page).await {
        Ok(v) => violations.extend(v),
        Err(e) => problems.push(format!("{page}: {e}")),
    }
}

/// A sign-in link's token for a person taking part in their own name, asked for in the
/// database directly (the mail is tested in `participation.rs`).
async fn participant_link(url: &str) -> String {
    let store = agenda_store::Store::open(url, Default::default())
        .await
        .unwrap();
    let agenda_store::participants::LinkRequested::Mail { token, .. } = store
        .request_participation(
            "browser@example.org",
            Some("Zoë"),
            "citizen",
            "en",
            chrono::Utc::now(),
        )
        .await
        .unwrap()
    else {
        panic!("a first request mails a link");
    };
    store.close().await;
    token
}

/// Fails with every violation and problem listed, unless there are none.
fn assert_accessible(violations: &[Violation], problems: &[String], checked: usize) {
    let mut report = String::new();
    for v in violations {
        report.push_str(&format!(
            "{}: {} ({}) {} — {} node(s): {}\n",
            v.page,
            v.id,
            v.impact,
            v.help,
            v.nodes,
            v.targets.join(" | ")
        ));
    }
    for p in problems {
        report.push_str(&format!("{p}\n"));
    }
    println!(
        "axe checked {checked} pages: {} violation(s)",
        violations.len()
    );
    assert!(
        violations.is_empty() && problems.is_empty(),
        "{} accessibility violation(s), {} other problem(s):\n{report}",
        violations.len(),
        problems.len()
    );
}

/// Administration pages as an administrator sees them, signed in through the form.
const ADMIN_PAGES: &[&str] = &[
    "/admin",
    "/admin/data/services",
    "/admin/data/services/new",
    "/admin/data/services/SVC-001",
    "/admin/data/contact-points/CP-PAS-HQ",
    "/admin/data/systems/SYS-NID",
    "/admin/data/service-figures/new",
    "/admin/data/kpis/KPI-01",
    "/admin/data/progress-reports",
    "/admin/data/budgets?status=submitted",
    "/admin/data/budgets/AL-1.2:2026:loan:RDB",
    "/admin/reports",
    "/admin/reports/AL-1.1:2026-Q3",
    "/admin/dashboard",
    "/admin/tokens",
    "/admin/users",
    "/admin/consultations",
    "/admin/consultations/CONS-NDA-2023",
    "/admin/versions",
    "/admin/decisions/DEC-2026-S1",
    "/admin/data/decisions/DEC-2026-S1",
    "/admin/data/building-blocks/BB-PAY",
    "/admin/translations",
    "/admin/translations/fr/services",
    "/admin/translations/fr/services/SVC-001",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_administration_has_no_accessibility_violations() {
    let Some(tools) = tools_or_skip() else { return };
    for db in common::databases_async().await {
        let server = Server::start_on(&db.url, &[]);

        add_user(&server, "root", "admin", None);
        let driver = Driver::start(&tools);
        let profile = tempfile::tempdir().unwrap();
        let client = browser(&driver, &tools, profile.path()).await;

        // Sign in as a person would: the form, then the button.
        client
            .goto(&format!("{}/login", server.base))
            .await
            .unwrap();
        let mut problems = Vec::new();
        let mut violations = axe(&client, &tools.axe_js, "/login").await.unwrap();
        type_into(&client, "#username", "root").await;
        type_into(&client, "#password", "a long enough password").await;
        let admin = client.current_url().await.unwrap().join("/admin").unwrap();
        click(&client, "form.admin button[type=submit]").await;
        client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_url(&admin)
            .await
            .expect("signed in and sent to /admin");

        // A ticket to handle: the queue and the ticket's page are checked with it.
        let ticket = leave_feedback(&client, &server.base).await;
        let id = ticket
            .trim_start_matches("/feedback/")
            .split('?')
            .next()
            .unwrap()
            .to_owned();
        let ticket_admin = format!("/admin/feedback/{id}");

        let mut checked = 1;
        for prefix in LANGUAGES {
            let extra = ["/admin/feedback", ticket_admin.as_str()];
            for path in ADMIN_PAGES.iter().copied().chain(extra) {
                let page = localised(prefix, path);
                if let Err(e) = client.goto(&format!("{}{page}", server.base)).await {
                    problems.push(format!("{page}: the browser could not open it: {e}"));
                    continue;
                }
                let here = client.current_url().await.unwrap();
                if here.path() == "/login" {
                    problems.push(format!("{page}: sent back to sign in"));
                    continue;
                }
                match axe(&client, &tools.axe_js, &page).await {
                    Ok(v) => violations.extend(v),
                    Err(e) => problems.push(format!("{page}: {e}")),
                }
                checked += 1;
            }
        }
        // A form refused with its errors next to the fields.
        client
            .goto(&format!("{}/admin/data/services/SVC-001", server.base))
            .await
            .unwrap();
        // The maturity is a list of its four levels now; the English title is required.
        let title = client.find(Locator::Css("#f-title_en")).await.unwrap();
        title.clear().await.unwrap();
        client
            .find(Locator::Css("form.admin button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        // The answer comes back at the same address: wait for it rather than read the page
        // being left (bounded; a missing summary is then reported below).
        let start = Instant::now();
        let mut source = client.source().await.unwrap_or_default();
        while !source.contains("href=\"#f-title_en\"") && start.elapsed() < Duration::from_secs(15)
        {
            tokio::time::sleep(Duration::from_millis(100)).await;
            source = client.source().await.unwrap_or_default();
        }
        if !source.contains("aria-invalid") || !source.contains("href=\"#f-title_en\"") {
            problems.push(
                "a missing title was not reported next to its field and in the summary".into(),
            );
        }
        match axe(&client, &tools.axe_js, "form with errors").await {
            Ok(v) => violations.extend(v),
            Err(e) => problems.push(format!("form with errors: {e}")),
        }
        checked += 1;
        // The ticket's form refused: "answered" without an answer.
        client
            .goto(&format!("{}{ticket_admin}", server.base))
            .await
            .unwrap();
        client
            .find(Locator::Css("#t-status-answered"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .find(Locator::Css("#t-answer"))
            .await
            .unwrap()
            .clear()
            .await
            .unwrap();
        client
            .find(Locator::Css("#ticket-form button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(Locator::Css("#t-answer-error"))
            .await
            .expect("the missing answer reported next to its field");
        let source = client.source().await.unwrap();
        if !source.contains("aria-invalid") {
            problems.push("a missing answer was not reported next to its field".into());
        }
        match axe(&client, &tools.axe_js, "ticket form with errors").await {
            Ok(v) => violations.extend(v),
            Err(e) => problems.push(format!("ticket form with errors: {e}")),
        }
        checked += 1;
        let _ = client.close().await;
        assert_accessible(&violations, &problems, checked);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_visitor_goes_from_home_to_a_kpi_csv_and_switches_language() {
    let Some(tools) = tools_or_skip() else { return };
    for db in common::databases_async().await {
        let server = Server::start_on(&db.url, &[]);

        let driver = Driver::start(&tools);
        let profile = tempfile::tempdir().unwrap();
        let client = browser(&driver, &tools, profile.path()).await;

        client.goto(&format!("{}/", server.base)).await.unwrap();
        let action_line = follow_first(&client, r#"a[href^="/action-lines/AL-"]"#).await;
        assert!(
            action_line.starts_with("/action-lines/AL-"),
            "{action_line}"
        );
        let kpi = follow_first(&client, r#"a[href^="/kpis/KPI-"]"#).await;
        assert!(kpi.starts_with("/kpis/KPI-"), "{kpi}");

        let csv_link = client
            .find(Locator::Css(r#"a[href$=".csv"]"#))
            .await
            .unwrap_or_else(|e| panic!("no CSV link on {kpi}: {e}"));
        let csv_url = csv_link.prop("href").await.unwrap().expect("CSV href");
        let response = reqwest::get(&csv_url).await.unwrap();
        assert_eq!(response.status().as_u16(), 200, "{csv_url}");
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert!(
            content_type.starts_with("text/csv"),
            "{csv_url}: content type {content_type:?}"
        );
        let body = response.text().await.unwrap();
        let header = body.lines().next().unwrap_or_default();
        assert!(
            header.trim_start_matches('\u{feff}').starts_with("Year") && header.contains("Value"),
            "{csv_url}: first line {header:?}"
        );

        let french = follow_first(&client, r#"a[hreflang="fr"]"#).await;
        assert!(french.starts_with("/fr/kpis/"), "{french}");
        let lang = client
            .execute("return document.documentElement.lang;", vec![])
            .await
            .unwrap();
        assert_eq!(lang, "fr", "<html lang> on {french}");
        let _ = client.close().await;
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Adds an account to the server's database, as an administrator would from the command line.
fn add_user(server: &Server, name: &str, role: &str, organisation: Option<&str>) {
    let mut cmd = Command::new(BIN);
    cmd.args(["user", "add", name, "--role", role]);
    if let Some(o) = organisation {
        cmd.args(["--organisation", o]);
    }
    let added = cmd
        .env("AGENDA_DATABASE_URL", &server.url)
        .env("AGENDA_PASSWORD", "a long enough password")
        .env("AGENDA_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
}

/// Signs in through the sign-in form, as a person does.
async fn sign_in(client: &Client, base: &str, user: &str) {
    client.goto(&format!("{base}/login")).await.unwrap();
    type_into(client, "#username", user).await;
    type_into(client, "#password", "a long enough password").await;
    let login = client.current_url().await.unwrap();
    click(client, "form.admin button[type=submit]").await;
    wait_until_not(client, login.path()).await;
}

async fn type_into(client: &Client, css: &str, text: &str) {
    let field = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Waits until the page holds `text`.
async fn wait_for_text(client: &Client, text: &str) {
    let start = Instant::now();
    while !client.source().await.unwrap_or_default().contains(text) {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "{text} not shown after 15 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the browser has left `path` (compared with `%3A` read as `:`, as browsers
/// report either); returns the path it is on.
async fn wait_until_not(client: &Client, path: &str) -> String {
    let plain = |p: &str| p.replace("%3A", ":").replace("%3a", ":");
    let start = Instant::now();
    loop {
        let here = client.current_url().await.unwrap();
        if plain(here.path()) != plain(path) {
            return here.path().to_owned();
        }
        if start.elapsed() > Duration::from_secs(15) {
            let page = client.source().await.unwrap_or_default();
            let main = page.split("<main").nth(1).unwrap_or(&page);
            panic!(
                "still on {path} after 15 s: {}",
                &main[..main.len().min(1500)]
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// An entity user reports its quarter from its task list on a phone (task list → report →
/// figures → confirmation); an editor approves the report; the entity sees it accepted. Every
/// page of the way is checked by axe-core at 360 pixels.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organisation_reports_its_quarter_and_an_editor_approves_it() {
    let Some(tools) = tools_or_skip() else { return };
    for db in common::databases_async().await {
        let server = Server::start_on(&db.url, &["--today", "2026-11-26"]);

        add_user(&server, "dga", "entity", Some("DGA"));
        add_user(&server, "editor", "editor", None);
        let driver = Driver::start(&tools);
        let mut violations = Vec::new();
        let mut problems = Vec::new();
        let mut checked = 0;
        let report = "/admin/reports/AL-3.4%3A2026-Q3";

        let profile = tempfile::tempdir().unwrap();
        let entity = browser(&driver, &tools, profile.path()).await;
        entity.set_window_size(360, 800).await.unwrap();
        sign_in(&entity, &server.base, "dga").await;
        // The entity's home is its task list.
        let home = entity.current_url().await.unwrap();
        assert_eq!(
            home.path(),
            "/admin/tasks",
            "an entity user lands on its tasks"
        );
        let tasks = entity.source().await.unwrap();
        assert!(
            tasks.contains("Digital Government Authority"),
            "its own tasks"
        );
        let mut check = async |client: &Client, what: &str| {
            match axe(client, &tools.axe_js, what).await {
                Ok(v) => violations.extend(v),
                Err(e) => problems.push(format!("{what}: {e}")),
            }
            checked += 1;
        };
        check(&entity, "task list, 360 px").await;

        // 1. The report, one click from the task list, already set to DGA and 2026-Q3.
        click(&entity, &format!("a[href=\"{report}\"]")).await;
        let form = entity.source().await.unwrap();
        assert!(form.contains("2026-Q3") && form.contains("Digital Government Authority"));
        check(&entity, "report form, 360 px").await;
        type_into(
            &entity,
            "textarea[name=\"narrative_en\"]",
            "Consent registry piloted with two ministries.",
        )
        .await;
        click(&entity, "button[name=\"action\"][value=\"submit\"]").await;
        // 2. The figures it owes for the quarter.
        let figures = wait_until_not(&entity, "/admin/reports/AL-3.4:2026-Q3").await;
        assert_eq!(figures, "/admin/tasks/2026-Q3/figures");
        check(&entity, "figures, 360 px").await;
        type_into(&entity, "input[name=\"figure:KPI-15:2026-Q3\"]", "1234.5").await;
        type_into(&entity, "input[name=\"figure:KPI-20:2026-Q3\"]", "7").await;
        click(&entity, "form.figures button[type=submit]").await;
        // 3. The confirmation of what was sent.
        let done = wait_until_not(&entity, &figures).await;
        assert_eq!(done, "/admin/tasks/2026-Q3/done");
        let confirmation = entity.source().await.unwrap();
        assert!(
            confirmation.contains("1234.5") || confirmation.contains("1,234.5"),
            "the figure sent is confirmed"
        );
        check(&entity, "confirmation, 360 px").await;

        // The editor reviews and approves it.
        let profile = tempfile::tempdir().unwrap();
        let editor = browser(&driver, &tools, profile.path()).await;
        sign_in(&editor, &server.base, "editor").await;
        editor
            .goto(&format!("{}/admin/reports", server.base))
            .await
            .unwrap();
        check(&editor, "reports to review").await;
        click(&editor, &format!("a[href=\"{report}\"]")).await;
        let review = editor.source().await.unwrap();
        assert!(review.contains("Consent registry piloted with two ministries."));
        check(&editor, "report under review").await;
        click(&editor, "button[name=\"action\"][value=\"approve\"]").await;
        // The report's page again, now approved.
        wait_for_text(&editor, "<strong>Approved</strong>").await;

        // The entity sees its report accepted.
        entity
            .goto(&format!("{}/admin/tasks", server.base))
            .await
            .unwrap();
        let tasks = entity.source().await.unwrap();
        let row = tasks
            .split("<li")
            .find(|r| r.contains(report))
            .expect("the report is still listed");
        assert!(row.contains("Accepted"), "{row}");
        let _ = entity.close().await;
        let _ = editor.close().await;
        assert_accessible(&violations, &problems, checked);
    }
}

/// The languages added to English, French and Spanish, each checked on every public and
/// administration page type: its URL prefix, the direction its pages carry and the window
/// widths. Arabic, which mirrors the layout, is seen on a phone and on a wide screen;
/// Portuguese, laid out as the other left-to-right languages, on a phone.
const OTHER_SCRIPTS: &[(&str, &str, &[u32])] =
    &[("/ar", "rtl", &[360, 1280]), ("/pt", "ltr", &[360])];

/// Opens `page` at the window's width and notes a wrong direction, sideways scrolling and
/// every axe-core violation.
async fn check_direction(
    client: &Client,
    axe_js: &str,
    base: &str,
    (page, dir): (&str, &str),
    problems: &mut Vec<String>,
    violations: &mut Vec<Violation>,
) {
    if let Err(e) = client.goto(&format!("{base}{page}")).await {
        problems.push(format!("{page}: the browser could not open it: {e}"));
        return;
    }
    if client.current_url().await.unwrap().path() == "/login" {
        problems.push(format!("{page}: sent back to sign in"));
        return;
    }
    let seen = client
        .execute(
            "const d = document.documentElement; \
             return [d.dir, d.lang, d.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let lang = page.trim_start_matches('/').split('/').next().unwrap_or("");
    if seen[0] != dir || seen[1] != lang {
        problems.push(format!(
            "{page}: dir={} lang={}, expected {dir} and {lang}",
            seen[0], seen[1]
        ));
    }
    if let (Some(scroll), Some(inner)) = (seen[2].as_i64(), seen[3].as_i64())
        && scroll > inner
    {
        problems.push(format!("{page}: {scroll} px wide in a {inner} px window"));
    }
    match axe(client, axe_js, page).await {
        Ok(v) => violations.extend(v),
        Err(e) => problems.push(format!("{page}: {e}")),
    }
}

/// Arabic pages read right to left and Portuguese ones left to right, whole, on a phone and on
/// a wide screen, public and administration alike. One database: the storage does not change
/// how a page is laid out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arabic_reads_right_to_left_and_portuguese_left_to_right_on_every_page_type() {
    let Some(tools) = tools_or_skip() else { return };
    let db = common::databases_async()
        .await
        .into_iter()
        .next()
        .expect("a database");
    let server = Server::start_on(&db.url, &[]);
    add_user(&server, "root", "admin", None);
    let driver = Driver::start(&tools);
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, &tools, profile.path()).await;

    let mut problems = Vec::new();
    let mut violations = Vec::new();
    let mut checked = 0;
    let public: Vec<&str> = PAGES.iter().copied().filter(|p| *p != NOT_FOUND).collect();
    let mut visit = async |pages: &[&str]| {
        for width in [360, 1280] {
            client.set_window_size(width, 900).await.unwrap();
            let inner = client
                .execute("return window.innerWidth;", vec![])
                .await
                .unwrap();
            assert!(
                inner.as_u64().is_some_and(|w| w <= u64::from(width)),
                "a {width} px window is {inner} px wide inside"
            );
            for &(prefix, dir, widths) in OTHER_SCRIPTS {
                if !widths.contains(&width) {
                    continue;
                }
                for path in pages {
                    let page = localised(prefix, path);
                    check_direction(
                        &client,
                        &tools.axe_js,
                        &server.base,
                        (&page, dir),
                        &mut problems,
                        &mut violations,
                    )
                    .await;
                    checked += 1;
                }
            }
        }
    };
    visit(&public).await;
    sign_in(&client, &server.base, "root").await;
    visit(ADMIN_PAGES).await;
    let _ = client.close().await;
    assert_accessible(&violations, &problems, checked);
}

/// A PNG's width, height and pixels (RGBA), for the 8-bit, non-interlaced RGB(A) images
/// Chromium takes.
fn decode_png(bytes: &[u8]) -> (usize, usize, Vec<[u8; 4]>) {
    use std::io::Read;
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let (mut at, mut width, mut height, mut channels) = (8, 0, 0, 0);
    let mut data = Vec::new();
    while at + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        let kind = &bytes[at + 4..at + 8];
        let body = &bytes[at + 8..at + 8 + len];
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(body[0..4].try_into().unwrap()) as usize;
                height = u32::from_be_bytes(body[4..8].try_into().unwrap()) as usize;
                assert_eq!((body[8], body[12]), (8, 0), "8-bit, non-interlaced");
                channels = match body[9] {
                    2 => 3,
                    6 => 4,
                    other => panic!("colour type {other}"),
                };
            }
            b"IDAT" => data.extend_from_slice(body),
            _ => {}
        }
        at += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&data[..])
        .read_to_end(&mut raw)
        .expect("the image data inflates");
    let stride = width * channels;
    let mut prev = vec![0u8; stride];
    let mut pixels = Vec::with_capacity(width * height);
    for row in raw.chunks(stride + 1).take(height) {
        let (filter, line) = (row[0], &row[1..]);
        let mut cur = vec![0u8; stride];
        for i in 0..stride {
            let a = if i >= channels { cur[i - channels] } else { 0 };
            let (b, c) = (prev[i], if i >= channels { prev[i - channels] } else { 0 });
            let predicted = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => ((u16::from(a) + u16::from(b)) / 2) as u8,
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let (pa, pb, pc) = (
                        (p - i16::from(a)).abs(),
                        (p - i16::from(b)).abs(),
                        (p - i16::from(c)).abs(),
                    );
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                other => panic!("filter {other}"),
            };
            cur[i] = line[i].wrapping_add(predicted);
        }
        pixels.extend(
            cur.chunks(channels)
                .map(|p| [p[0], p[1], p[2], *p.get(3).unwrap_or(&255)]),
        );
        prev = cur;
    }
    assert_eq!(pixels.len(), width * height, "every row of the image");
    (width, height, pixels)
}

/// The home, a KPI page with its chart and a service sheet in Arabic and in Portuguese,
/// photographed at 360 and 1280 px (in `target/screenshots/`): each image is the window's size
/// and shows a page, not a blank; the KPI's chart is drawn where the page puts it, its line of
/// figures in its colour.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arabic_and_portuguese_pages_are_drawn() {
    let Some(tools) = tools_or_skip() else { return };
    let db = common::databases_async()
        .await
        .into_iter()
        .next()
        .expect("a database");
    let server = Server::start_on(&db.url, &[]);
    let driver = Driver::start(&tools);
    let profile = tempfile::tempdir().unwrap();
    let client = browser(&driver, &tools, profile.path()).await;
    let out = repo().join("target/screenshots");
    std::fs::create_dir_all(&out).unwrap();
    for (prefix, _, _) in OTHER_SCRIPTS {
        for width in [360u32, 1280] {
            client.set_window_size(width, 900).await.unwrap();
            for (name, path) in [
                ("home", "/"),
                ("kpi", "/kpis/KPI-01"),
                ("service", "/services/SVC-001"),
            ] {
                let page = localised(prefix, path);
                client
                    .goto(&format!("{}{page}", server.base))
                    .await
                    .unwrap();
                // The KPI's chart in view, and where the window shows it.
                let chart = if name == "kpi" {
                    let r = client
                        .execute(
                            "const c = document.querySelector('svg.chart');
                             c.scrollIntoView({ block: 'center' });
                             const r = c.getBoundingClientRect();
                             return [r.left, r.top, r.right, r.bottom, window.devicePixelRatio];",
                            vec![],
                        )
                        .await
                        .unwrap();
                    let f = |i: usize| r[i].as_f64().unwrap();
                    Some([f(0) * f(4), f(1) * f(4), f(2) * f(4), f(3) * f(4)])
                } else {
                    None
                };
                let png = client.screenshot().await.unwrap();
                let file = out.join(format!(
                    "{}-{name}-{width}.png",
                    prefix.trim_start_matches('/')
                ));
                std::fs::write(&file, &png).unwrap();
                let (w, h, pixels) = decode_png(&png);
                assert!(w >= width as usize / 2 && h > 200, "{page}: {w}×{h}");
                let colours: std::collections::HashSet<[u8; 4]> = pixels.iter().copied().collect();
                let ink = pixels
                    .iter()
                    .filter(|p| p[..3].iter().any(|c| *c < 128))
                    .count();
                assert!(
                    colours.len() > 50 && ink * 200 > pixels.len(),
                    "{page} at {width} px looks blank: {} colours, {ink} dark pixels",
                    colours.len()
                );
                if let Some([l, t, r, b]) = chart {
                    // The line of observed figures (#005a9c): blue well above red and green,
                    // unlike the path to target (purple), the grid (grey) and the paper.
                    let blue = |p: &[u8; 4]| {
                        u16::from(p[2]) > u16::from(p[0]) + 80
                            && u16::from(p[2]) > u16::from(p[1]) + 30
                    };
                    let drawn = (t.max(0.0) as usize..(b as usize).min(h))
                        .flat_map(|y| {
                            (l.max(0.0) as usize..(r as usize).min(w)).map(move |x| y * w + x)
                        })
                        .filter(|i| blue(&pixels[*i]))
                        .count();
                    assert!(
                        drawn > 20,
                        "{page} at {width} px: the chart's line is not drawn"
                    );
                }
            }
        }
    }
    let _ = client.close().await;
}
