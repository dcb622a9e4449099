//! A minimal SMTP server on 127.0.0.1 for tests: it accepts what a real relay would and keeps
//! the messages, for the tests of the jobs and the end-to-end tests of the binary.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// One message as the listener received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// The envelope's sender.
    pub from: String,
    /// The envelope's recipients.
    pub to: Vec<String>,
    /// The message, headers and body, with quoted-printable decoded.
    pub data: String,
}

impl Received {
    /// The value of header `name` (the first line of it), if the message has one.
    pub fn header(&self, name: &str) -> Option<&str> {
        let head = self.data.split("\n\n").next().unwrap_or("");
        head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// A minimal SMTP server: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT. Keeps what it
/// accepts; refuses every message (554 after DATA) while `refuse` is set; waits `delay_ms`
/// before answering a message, as a busy relay does, while it is above 0.
pub struct SmtpListener {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The messages accepted, in order.
    pub received: Arc<Mutex<Vec<Received>>>,
    /// Whether messages are refused.
    pub refuse: Arc<AtomicBool>,
    /// Milliseconds waited before the answer to a message.
    pub delay_ms: Arc<AtomicU64>,
}

#[derive(Clone)]
struct Shared {
    received: Arc<Mutex<Vec<Received>>>,
    refuse: Arc<AtomicBool>,
    delay_ms: Arc<AtomicU64>,
}

impl SmtpListener {
    /// Starts listening on a free port of 127.0.0.1, in the current runtime.
    ///
    /// # Panics
    ///
    /// When no port can be bound.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a free port on 127.0.0.1");
        let addr = listener.local_addr().expect("the bound address");
        let shared = Shared {
            received: Arc::new(Mutex::new(Vec::new())),
            refuse: Arc::new(AtomicBool::new(false)),
            delay_ms: Arc::new(AtomicU64::new(0)),
        };
        let s = shared.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(session(socket, s.clone()));
            }
        });
        Self {
            addr,
            received: shared.received,
            refuse: shared.refuse,
            delay_ms: shared.delay_ms,
        }
    }

    /// The messages accepted so far.
    pub fn messages(&self) -> Vec<Received> {
        self.received
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

async fn session(socket: tokio::net::TcpStream, shared: Shared) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 test ESMTP\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let upper = command.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-test\r\n250 8BITMIME\r\n"
        } else if upper.starts_with("HELO") || upper == "NOOP" {
            b"250 OK\r\n"
        } else if let Some(a) = upper.strip_prefix("MAIL FROM:") {
            from = address(&command[command.len() - a.len()..]);
            to.clear();
            b"250 OK\r\n"
        } else if let Some(a) = upper.strip_prefix("RCPT TO:") {
            to.push(address(&command[command.len() - a.len()..]));
            b"250 OK\r\n"
        } else if upper == "DATA" {
            write.write_all(b"354 go ahead\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            let delay = shared.delay_ms.load(Ordering::SeqCst);
            if delay > 0 {
                tokio::time::sleep(Duration::from_millis(delay)).await;
            }
            if shared.refuse.load(Ordering::SeqCst) {
                b"554 refused\r\n"
            } else {
                let mut received = shared
                    .received
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                received.push(Received {
                    from: from.clone(),
                    to: std::mem::take(&mut to),
                    data: quoted_printable(&data.replace("\r\n", "\n")),
                });
                b"250 queued\r\n"
            }
        } else if upper == "RSET" {
            to.clear();
            b"250 OK\r\n"
        } else if upper == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"502 not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}

/// The message with quoted-printable soft breaks and `=XX` escapes decoded (headers and
/// 7-bit text pass unchanged).
fn quoted_printable(s: &str) -> String {
    let s = s.replace("=\n", "");
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(b)) => {
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

/// `<a@b.example> SIZE=…` → `a@b.example`.
fn address(s: &str) -> String {
    let s = s.trim();
    let end = s.find('>').unwrap_or(s.len());
    s[..end].trim_start_matches('<').to_owned()
}
