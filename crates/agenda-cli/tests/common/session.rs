//! Talking to the real server as a person: an HTTP client that signs in through the form,
//! keeps its session cookie and anti-forgery token, and posts forms back as a browser would.

use std::process::{Command, Stdio};

use super::{BIN, Server};

/// The password of every account the tests add.
pub const PASSWORD: &str = "a long enough password";

/// Adds an account with the CLI, against the server's database.
pub fn add_user(url: &str, name: &str, role: &str, org: Option<&str>) {
    add_named_user(url, name, role, org, None);
}

/// Adds an account with the name shown for it (`--name`).
pub fn add_named_user(url: &str, name: &str, role: &str, org: Option<&str>, display: Option<&str>) {
    let mut cmd = Command::new(BIN);
    cmd.args(["user", "add", name, "--role", role])
        .args(["--email", &format!("{name}@example.org")])
        .env("AGENDA_DATABASE_URL", url)
        .env("AGENDA_PASSWORD", PASSWORD)
        .env("AGENDA_LOG", "warn")
        .stdout(Stdio::null());
    if let Some(o) = org {
        cmd.args(["--organisation", o]);
    }
    if let Some(d) = display {
        cmd.args(["--name", d]);
    }
    let out = cmd.output().expect("agenda user add");
    assert!(
        out.status.success(),
        "user add {name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// An HTTP client acting as one person (or anonymous), not following redirects.
#[derive(Clone)]
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub cookie: Option<String>,
    pub csrf: String,
}

pub struct Answer {
    pub status: u16,
    pub text: String,
    pub cookies: Vec<String>,
    /// Where a redirect sends (empty otherwise).
    pub location: String,
}

pub fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{}={}", enc(k), enc(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The value of the hidden or text input `name` in a page.
pub fn input(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!("name=\"{name}\" value=\""))?;
    let rest = &page[at + name.len() + 15..];
    Some(html_unescape(&rest[..rest.find('"')?]))
}

/// The API token shown once on the tokens page after it was made.
pub fn shown_token(page: &str) -> String {
    page.split("<code>")
        .nth(1)
        .and_then(|t| t.split('<').next())
        .expect("a token shown on the page")
        .to_owned()
}

/// The value of select `name`: its selected option, else its first.
pub fn select(page: &str, name: &str) -> Option<String> {
    let at = page
        .find(&format!("<select id=\"f-{name}\" name=\"{name}\""))
        .or_else(|| {
            page.find(&format!("name=\"{name}\"")).filter(|at| {
                page[..*at]
                    .rfind('<')
                    .is_some_and(|lt| page[lt..].starts_with("<select"))
            })
        })?;
    let rest = &page[at..];
    let options = &rest[..rest.find("</select>")?];
    let value = |o: &str| {
        let v = o.split_once("value=\"")?.1;
        Some(html_unescape(&v[..v.find('"')?]))
    };
    let all: Vec<&str> = options.split("<option ").skip(1).collect();
    all.iter()
        .find(|o| {
            o.split('>')
                .next()
                .is_some_and(|tag| tag.contains(" selected"))
        })
        .or(all.first())
        .and_then(|o| value(o))
}

/// The text of textarea `name`.
pub fn textarea(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!("name=\"{name}\""))?;
    let rest = &page[at..];
    let start = rest.find('>')? + 1;
    Some(html_unescape(&rest[start..rest.find("</textarea>")?]))
}

pub fn html_unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

impl Client {
    pub fn anonymous(s: &Server) -> Client {
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

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Answer {
        let req = match &self.cookie {
            Some(c) => req.header("cookie", c),
            None => req,
        };
        let r = req.send().await.expect("request");
        let status = r.status().as_u16();
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let cookies = r
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_owned)
            .collect();
        Answer {
            status,
            text: r.text().await.unwrap_or_default(),
            cookies,
            location,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    /// Posts a form with this session's anti-forgery token.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all).await
    }

    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Answer {
        self.send(
            self.http
                .post(format!("{}{path}", self.base))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(form_body(fields)),
        )
        .await
    }

    pub async fn login(s: &Server, user: &str) -> Client {
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
            .post_raw(
                "/login",
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
        assert!(
            r.cookies
                .iter()
                .any(|c| c.contains("HttpOnly") && c.contains("SameSite"))
        );
        c.cookie = Some(format!("agenda_session={session}"));
        let mut home = c.get("/admin").await;
        if home.status == 303 {
            // An entity's home is its task list; every administration page carries the token.
            home = c.get("/admin/consultations").await;
        }
        assert_eq!(home.status, 200);
        c.csrf = input(&home.text, "csrf").expect("session token");
        c
    }

    /// The snapshot version: it moves with every committed change.
    pub async fn version(&self) -> u64 {
        let r = self.get("/healthz").await;
        let v: serde_json::Value = serde_json::from_str(&r.text).unwrap();
        v["version"].as_u64().unwrap()
    }

    pub async fn json(&self, path: &str) -> serde_json::Value {
        serde_json::from_str(&self.get(path).await.text).unwrap_or_default()
    }
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap()
}

/// Edits the form at `path` (as shown to `c`) with `changes`, and posts it back.
pub async fn edit(c: &Client, path: &str, changes: &[(&str, &str)]) -> Answer {
    let admin_view = c.get(path).await;
    if admin_view.status != 200 {
        return admin_view;
    }
    post_form(c, path, &admin_view.text, changes).await
}

/// Posts back the form `page` with `changes` applied.
pub async fn post_form(c: &Client, path: &str, page: &str, changes: &[(&str, &str)]) -> Answer {
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find("name=\"") {
        rest = &rest[at + 6..];
        let name = rest[..rest.find('"').unwrap()].to_owned();
        if name == "csrf" || fields.iter().any(|(n, _)| *n == name) {
            continue;
        }
        let value = input(page, &name)
            .or_else(|| select(page, &name))
            .or_else(|| textarea(page, &name))
            .unwrap_or_default();
        fields.push((name, value));
    }
    for (k, v) in changes {
        match fields.iter_mut().find(|(n, _)| n == k) {
            Some(f) => f.1 = (*v).to_owned(),
            None => fields.push(((*k).to_owned(), (*v).to_owned())),
        }
    }
    let borrowed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post(path, &borrowed).await
}
