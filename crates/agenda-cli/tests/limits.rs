//! What the real server holds against clients that hold it: connections that send nothing or
//! send a request halfway are closed after the configured timeouts, one address cannot take
//! every connection, and failed sign-ins slow the client that fails without locking the
//! account's owner out (on SQLite and, when configured, PostgreSQL).

mod common;

use std::time::Duration;

use agenda_store::testing::test_databases;
use common::session::{Client, PASSWORD, add_user, input, runtime};
use common::{Server, serve};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// Longer than any timeout these tests configure, by far: a connection still open after this
/// was not closed by the server.
const PATIENCE: Duration = Duration::from_secs(30);

/// A server on a fresh SQLite database with `[server]` settings `settings`.
fn serve_with(settings: &str) -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("agenda.toml");
    std::fs::write(&config, format!("[server]\n{settings}\n")).unwrap();
    let url = format!("sqlite://{}", dir.path().join("a.db").display());
    let s = serve(&url, &["--config", config.to_str().unwrap()]);
    (s, dir)
}

fn addr(s: &Server) -> std::net::SocketAddr {
    s.base.strip_prefix("http://").unwrap().parse().unwrap()
}

/// Reads until the server closes the connection; `None` if it is still open after
/// [`PATIENCE`]. A reset counts as closed.
async fn read_until_closed(c: &mut TcpStream) -> Option<String> {
    let mut got = Vec::new();
    let read = tokio::time::timeout(PATIENCE, async {
        let mut buf = [0u8; 4096];
        loop {
            match c.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    read.ok()
        .map(|()| String::from_utf8_lossy(&got).into_owned())
}

const HEALTH: &[u8] = b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n";

/// Sends one health check on `c` and reads its whole answer, leaving the connection open.
async fn health_on(c: &mut TcpStream) -> String {
    c.write_all(HEALTH).await.unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = tokio::time::timeout(PATIENCE, c.read(&mut buf))
            .await
            .expect("an answer")
            .unwrap();
        assert!(n > 0, "closed before answering");
        got.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&got);
        if let Some(end) = text.find("\r\n\r\n") {
            let len: usize = text[..end]
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().ok())?
                })
                .expect("content-length");
            if got.len() >= end + 4 + len {
                return text.into_owned();
            }
        }
    }
}

#[test]
fn idle_and_half_sent_connections_are_closed_after_the_configured_timeouts() {
    let (s, _dir) =
        serve_with("header_timeout = \"2s\"\nbody_timeout = \"2s\"\nkeep_alive_timeout = \"1s\"");
    let at = addr(&s);
    runtime().block_on(async {
        // A connection that never sends anything.
        let mut empty = TcpStream::connect(at).await.unwrap();
        // One that has been answered and then keeps the connection open.
        let mut kept = TcpStream::connect(at).await.unwrap();
        assert!(health_on(&mut kept).await.starts_with("HTTP/1.1 200"));
        // Half a request's headers.
        let mut half_head = TcpStream::connect(at).await.unwrap();
        half_head
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
            .await
            .unwrap();
        // Whole headers, half the body they announce.
        let mut half_body = TcpStream::connect(at).await.unwrap();
        half_body
            .write_all(
                b"POST /login HTTP/1.1\r\nHost: localhost\r\n\
                  Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n\
                  username=root",
            )
            .await
            .unwrap();
        for (what, c) in [
            ("an empty connection", &mut empty),
            ("an idle kept-alive connection", &mut kept),
            ("half-sent headers", &mut half_head),
        ] {
            let got = read_until_closed(c).await;
            assert!(got.is_some(), "{what} is still open");
        }
        // The half-sent body is not answered as if it were whole, and the connection closes.
        let got = read_until_closed(&mut half_body).await;
        let got = got.expect("a half-sent body is still open");
        assert!(
            !got.starts_with("HTTP/1.1 2") && !got.starts_with("HTTP/1.1 3"),
            "{got}"
        );
        // The server still serves.
        let mut fresh = TcpStream::connect(at).await.unwrap();
        assert!(health_on(&mut fresh).await.starts_with("HTTP/1.1 200"));
    });
}

/// A connection to `at` from the local address `from`.
async fn connect_from(from: &str, at: std::net::SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(format!("{from}:0").parse().unwrap()).unwrap();
    socket.connect(at).await.unwrap()
}

#[test]
fn one_address_cannot_take_more_than_its_share_of_connections() {
    let (s, _dir) = serve_with("max_connections_per_client = 4");
    let at = addr(&s);
    runtime().block_on(async {
        let mut held = Vec::new();
        for _ in 0..4 {
            let mut c = connect_from("127.0.0.1", at).await;
            assert!(health_on(&mut c).await.starts_with("HTTP/1.1 200"));
            held.push(c);
        }
        // One more from the same address is refused at once …
        let mut over = connect_from("127.0.0.1", at).await;
        let got = read_until_closed(&mut over).await;
        let got = got.expect("the connection over the cap is held open");
        assert!(got.is_empty() || got.starts_with("HTTP/1.1 503"), "{got}");
        // … while another address is served, health check included.
        let mut other = connect_from("127.0.0.2", at).await;
        assert!(health_on(&mut other).await.starts_with("HTTP/1.1 200"));
        // A connection closed frees its place.
        drop(held.pop());
        let mut again = None;
        for _ in 0..50 {
            let mut c = connect_from("127.0.0.1", at).await;
            c.write_all(HEALTH).await.unwrap();
            let mut buf = [0u8; 16];
            let n = tokio::time::timeout(PATIENCE, c.read(&mut buf))
                .await
                .expect("an answer")
                .unwrap_or(0);
            if buf[..n].starts_with(b"HTTP/1.1 200") {
                again = Some(c);
                break;
            }
            // The server may not have seen the close yet.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(again.is_some(), "a freed place is not given back");
    });
}

/// A browser at `ip` (as the local reverse proxy reports it in `X-Forwarded-For`).
fn client_at(s: &Server, ip: &str) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-forwarded-for", ip.parse().unwrap());
    Client {
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .default_headers(headers)
            .build()
            .unwrap(),
        base: s.base.clone(),
        cookie: None,
        csrf: String::new(),
    }
}

/// One sign-in through the form: the status (303 signed in, 401 refused, 429 slowed down) and
/// the `Retry-After` seconds when slowed down.
async fn sign_in(c: &Client, user: &str, password: &str) -> (u16, Option<u64>) {
    let form = c
        .http
        .get(format!("{}/login", c.base))
        .send()
        .await
        .unwrap();
    let pre = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix("agenda_login_csrf="))
        .and_then(|v| v.split(';').next())
        .expect("sign-in cookie")
        .to_owned();
    let token = input(&form.text().await.unwrap(), "csrf").expect("sign-in token");
    let r = c
        .http
        .post(format!("{}/login", c.base))
        .header("cookie", format!("agenda_login_csrf={pre}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(common::session::form_body(&[
            ("csrf", &token),
            ("username", user),
            ("password", password),
            ("next", "/admin"),
        ]))
        .send()
        .await
        .unwrap();
    let retry = r
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok()?.parse().ok());
    (r.status().as_u16(), retry)
}

#[test]
fn an_attacker_failing_on_the_admin_account_is_slowed_while_the_admin_signs_in_elsewhere() {
    let rt = runtime();
    for db in rt.block_on(test_databases()) {
        let on = db.backend();
        let s = serve(db.url(), &[]);
        add_user(db.url(), "root", "admin", None);
        rt.block_on(async {
            let attacker = client_at(&s, "203.0.113.9");
            let mut answers = Vec::new();
            for _ in 0..10 {
                let (status, retry) = sign_in(&attacker, "root", "not the password").await;
                answers.push(status);
                if status == 429 {
                    assert!(retry.is_some_and(|r| r > 0), "[{on}] no Retry-After");
                    break;
                }
                assert_eq!(status, 401, "[{on}]");
            }
            assert_eq!(
                answers.last(),
                Some(&429),
                "[{on}] never slowed: {answers:?}"
            );
            assert!(answers.len() > 1, "[{on}] slowed from the first failure");
            // Slowed even with the right password: it is not checked while the client waits.
            assert_eq!(sign_in(&attacker, "root", PASSWORD).await.0, 429, "[{on}]");
            // The administrator, from another address, signs in meanwhile.
            let admin = client_at(&s, "198.51.100.7");
            assert_eq!(sign_in(&admin, "root", PASSWORD).await.0, 303, "[{on}]");
            // And the attacker is still made to wait.
            assert_eq!(
                sign_in(&attacker, "root", "another guess").await.0,
                429,
                "[{on}]"
            );
        });
    }
}
