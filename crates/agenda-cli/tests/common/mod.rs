//! What the end-to-end tests share: starting the real `agenda` binary and talking HTTP to it.

#![allow(dead_code, reason = "each test binary uses a part of these helpers")]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

pub mod session;

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_agenda");

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A running `agenda serve`, stopped when dropped.
pub struct Server {
    child: Child,
    /// Its working directory, where it keeps its files (the snapshot file of a PostgreSQL
    /// node): never the source tree.
    _cwd: tempfile::TempDir,
    /// `http://127.0.0.1:PORT`.
    pub base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The path (without `base`) of the first link to `path` with a `token` in the text of a mail.
pub fn mailed_link(text: &str, base: &str, path: &str) -> String {
    let start = format!("{base}{path}?token=");
    let at = text
        .find(&start)
        .unwrap_or_else(|| panic!("no {path} link in {text}"));
    let rest = &text[at + base.len()..];
    rest[..rest
        .find(|c: char| c.is_whitespace() || c == '>')
        .unwrap_or(rest.len())]
        .to_owned()
}

/// Runs `agenda` with `args` on `database_url`, in an empty working directory.
pub fn run(database_url: &str, args: &[&str]) -> std::process::Output {
    let cwd = tempfile::tempdir().expect("a working directory");
    Command::new(BIN)
        .args(args)
        .current_dir(cwd.path())
        .env("AGENDA_DATABASE_URL", database_url)
        .env_remove("AGENDA_CONFIG")
        .env("AGENDA_LOG", "warn")
        .output()
        .expect("run agenda")
}

/// [`run`], failing the test with its output unless it succeeds; its standard output.
pub fn run_ok(database_url: &str, args: &[&str]) -> String {
    let out = run(database_url, args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "agenda {args:?}:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Starts `agenda serve` on a random port with `database_url` and extra arguments, and waits
/// for the line that names the port.
pub fn serve(database_url: &str, args: &[&str]) -> Server {
    let cwd = tempfile::tempdir().expect("a working directory");
    let mut child = Command::new(BIN)
        .current_dir(cwd.path())
        .arg("serve")
        .args(["--addr", "127.0.0.1:0"])
        .args(args)
        .env("AGENDA_DATABASE_URL", database_url)
        .env("AGENDA_LOG", "warn")
        .env_remove("AGENDA_TODAY")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start agenda serve");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("first line");
    let base = line
        .trim()
        .strip_prefix("agenda listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_owned();
    Server {
        child,
        _cwd: cwd,
        base,
    }
}

/// A response read whole.
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Headers.
    pub headers: reqwest::header::HeaderMap,
    /// Body as text.
    pub text: String,
}

impl Reply {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text).unwrap_or(serde_json::Value::Null)
    }

    /// A header's value as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// `GET base + path` with extra request headers.
pub fn get_with(s: &Server, path: &str, headers: &[(&str, &str)]) -> Reply {
    request(s, reqwest::Method::GET, path, headers)
}

/// `HEAD base + path` with extra request headers.
pub fn head_with(s: &Server, path: &str, headers: &[(&str, &str)]) -> Reply {
    request(s, reqwest::Method::HEAD, path, headers)
}

/// A request of `method` to `base + path` with extra request headers.
pub fn request(s: &Server, method: reqwest::Method, path: &str, headers: &[(&str, &str)]) -> Reply {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let client = reqwest::Client::new();
        let mut req = client.request(method, format!("{}{path}", s.base));
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let r = req.send().await.expect("request");
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let text = r.text().await.expect("body");
        Reply {
            status,
            headers,
            text,
        }
    })
}

/// `GET base + path`.
pub fn get(s: &Server, path: &str) -> Reply {
    get_with(s, path, &[])
}

/// A fresh database for one test (dropped at the end), with its backend's name for messages.
pub struct Db {
    /// Its URL.
    pub url: String,
    /// `sqlite` or `postgres`.
    pub label: &'static str,
    _db: Option<agenda_store::testing::TestDb>,
}

impl Db {
    /// A database at `url` that the test manages itself.
    pub fn at(url: String, label: &'static str) -> Self {
        Self {
            url,
            label,
            _db: None,
        }
    }
}

/// Runs `f` to completion on a runtime of its own.
pub fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// One fresh empty database per backend: SQLite, and PostgreSQL when
/// `AGENDA_TEST_POSTGRES_URL` is set (the test harness says when it is not).
pub fn databases() -> Vec<Db> {
    block_on(databases_async())
}

/// [`databases`], for async tests.
pub async fn databases_async() -> Vec<Db> {
    agenda_store::testing::test_databases()
        .await
        .into_iter()
        .map(|db| Db {
            url: db.url().to_owned(),
            label: db.backend().as_str(),
            _db: Some(db),
        })
        .collect()
}

/// Runs `test` once per backend; `fresh()` gives it a new empty database of that backend each
/// time it is called.
pub fn each_backend(mut test: impl FnMut(&dyn Fn() -> Db)) {
    let backends = databases().len();
    for i in 0..backends {
        test(&|| databases().swap_remove(i));
    }
}
