//! The HTTP/1.1 server around the router: timeouts for request headers, bodies and idle
//! keep-alive connections, and a cap on the connections one client address holds at once, so
//! that slow or idle clients cannot exhaust the process's sockets.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::IpAddr;
use std::pin::{Pin, pin};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll, ready};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};
use tower::ServiceExt;

/// How long clients may take, and how many connections one address may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// From the moment the server waits for a request to the end of its headers. The wait
    /// starts when a connection opens and again after each response, so this also bounds how
    /// long a connection may stay idle.
    pub header_timeout: Duration,
    /// From the end of a request's headers to the end of its body.
    pub body_timeout: Duration,
    /// How long a connection may stay open with no request under way (at most
    /// `header_timeout`, which also runs while a connection waits).
    pub keep_alive_timeout: Duration,
    /// Connections one client address may hold at once; `0`: no cap. Behind a reverse proxy
    /// every connection comes from the proxy, which is where to limit clients then.
    pub max_connections_per_client: usize,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(60),
            keep_alive_timeout: Duration::from_secs(30),
            max_connections_per_client: 256,
        }
    }
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes, then lets the open
/// connections finish their requests.
pub async fn serve_app<S>(
    listener: TcpListener,
    app: S,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()>
where
    S: tower::Service<axum::extract::Request, Response = axum::response::Response>
        + Clone
        + Send
        + 'static,
    S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    S::Future: Send + 'static,
{
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let clients = Clients::default();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let mut shutdown = pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was accepted:
                    // pause instead of spinning, and go on.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Some(slot) = clients.take(peer.ip(), limits.max_connections_per_client) else {
            tracing::warn!(client = %peer.ip(), "connection refused: too many from this address");
            refuse(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(IdleTimeout::new(stream, limits.keep_alive_timeout));
        let app = app.clone();
        let body_timeout = limits.body_timeout;
        let service =
            hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let mut req = req.map(|b| Body::new(BodyDeadline::new(b, body_timeout)));
                req.extensions_mut().insert(ConnectInfo(peer));
                app.clone().oneshot(req)
            });
        let conn = graceful.watch(builder.serve_connection(io, service));
        tokio::spawn(async move {
            let _slot = slot;
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, client = %peer, "connection closed");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Answers a connection over the cap and closes it, without waiting on the client.
fn refuse(stream: TcpStream) {
    let _ = stream.try_write(
        b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\n\
          Content-Type: text/plain; charset=utf-8\r\nContent-Length: 39\r\n\r\n\
          too many connections from this address\n",
    );
}

/// Open connections per client address.
#[derive(Clone, Default)]
struct Clients(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One connection counted for its address until dropped.
struct Slot {
    clients: Clients,
    ip: IpAddr,
}

impl Clients {
    fn take(&self, ip: IpAddr, cap: usize) -> Option<Slot> {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let n = map.entry(ip).or_insert(0);
        if cap > 0 && *n >= cap {
            return None;
        }
        *n += 1;
        Some(Slot {
            clients: self.clone(),
            ip,
        })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self
            .clients
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(n) = map.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// A connection closed when nothing has been read from it for `limit` since it opened or since
/// the server last wrote to it — that is, while it waits for a request that does not come.
/// While a request is being read or handled it has just been read from, so it is not idle.
struct IdleTimeout {
    inner: TcpStream,
    limit: Duration,
    /// Since when the connection has waited for its client, if it is waiting.
    waiting_since: Option<Instant>,
    timer: Pin<Box<Sleep>>,
}

impl IdleTimeout {
    fn new(inner: TcpStream, limit: Duration) -> Self {
        let now = Instant::now();
        Self {
            inner,
            limit,
            waiting_since: Some(now),
            timer: Box::pin(tokio::time::sleep_until(now + limit)),
        }
    }
}

impl AsyncRead for IdleTimeout {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.inner).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before {
                    self.waiting_since = None;
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                let Some(since) = self.waiting_since else {
                    return Poll::Pending;
                };
                let deadline = since + self.limit;
                if self.timer.deadline() != deadline {
                    self.timer.as_mut().reset(deadline);
                }
                ready!(self.timer.as_mut().poll(cx));
                Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    "idle connection closed",
                )))
            }
        }
    }
}

impl AsyncWrite for IdleTimeout {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let n = ready!(Pin::new(&mut self.inner).poll_write(cx, buf))?;
        self.waiting_since = Some(Instant::now());
        Poll::Ready(Ok(n))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let n = ready!(Pin::new(&mut self.inner).poll_write_vectored(cx, bufs))?;
        self.waiting_since = Some(Instant::now());
        Poll::Ready(Ok(n))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// A request body that fails once its deadline has passed, so a client that sends headers and
/// then a body slowly or never cannot hold a handler; the connection is then closed.
struct BodyDeadline {
    inner: hyper::body::Incoming,
    deadline: Instant,
    timer: Option<Pin<Box<Sleep>>>,
}

impl BodyDeadline {
    fn new(inner: hyper::body::Incoming, limit: Duration) -> Self {
        Self {
            inner,
            deadline: Instant::now() + limit,
            timer: None,
        }
    }
}

impl http_body::Body for BodyDeadline {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, axum::Error>>> {
        if let Poll::Ready(frame) = Pin::new(&mut self.inner).poll_frame(cx) {
            return Poll::Ready(frame.map(|f| f.map_err(axum::Error::new)));
        }
        let deadline = self.deadline;
        let timer = self
            .timer
            .get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        ready!(timer.as_mut().poll(cx));
        Poll::Ready(Some(Err(axum::Error::new(io::Error::new(
            io::ErrorKind::TimedOut,
            "the request body did not arrive in time",
        )))))
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.inner.size_hint()
    }
}
