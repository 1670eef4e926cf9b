//! Connections spread over the serving threads.
//!
//! One task accepts; each connection goes to the serving thread that holds the fewest open
//! connections, and stays there. Letting every thread accept from the same socket instead
//! leaves the balance to chance: whichever wakes first accepts a whole burst of connections, and
//! with keep-alive that imbalance lasts (in the benchmark its p99 swung between 2.4 and 5.1 ms).
//!
//! The connections open are bounded ([`Limits::max_connections`], by default what the file
//! descriptor limit leaves, see [`default_max_connections`]). At the bound, connections idle for
//! [`SHED_IDLE`] or longer are closed to make room (the least useful first: they hold a
//! descriptor and serve nobody); when none is, the newcomer gets a 503 with a JSON body and is
//! closed. Without that, 20 000 idle connections used up the descriptors and `/health` stopped
//! answering (issue 15).

use std::future::Future as _;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{Notify, futures::OwnedNotified, mpsc};

/// At the connection bound, connections idle this long or longer are closed to make room.
pub const SHED_IDLE: Duration = Duration::from_secs(1);

/// How long a new connection at the bound waits for room before it gets a 503.
const ROOM_WAIT: Duration = Duration::from_millis(250);

/// Descriptors kept back from connections for the process itself (data and cache files read
/// on a reload, the runtime, the log): an eighth of the limit, at least 64.
#[must_use]
pub fn reserved_descriptors(fd_limit: u64) -> u64 {
    (fd_limit / 8).max(64)
}

/// The connection bound when none is given: the soft file descriptor limit (`ulimit -n`) less
/// [`reserved_descriptors`], at least 16. On Linux the limit is read from `/proc/self/limits`;
/// elsewhere 1 024 is assumed.
#[must_use]
pub fn default_max_connections() -> usize {
    let limit = fd_soft_limit().unwrap_or(1024);
    let max = limit.saturating_sub(reserved_descriptors(limit)).max(16);
    usize::try_from(max).unwrap_or(usize::MAX)
}

/// The soft limit on open files, from `/proc/self/limits` (no `unsafe` and no new dependency
/// for a `getrlimit`).
fn fd_soft_limit() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    parse_fd_soft_limit(&text)
}

fn parse_fd_soft_limit(limits: &str) -> Option<u64> {
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let soft = line["Max open files".len()..].split_whitespace().next()?;
    match soft {
        "unlimited" => Some(u64::MAX),
        n => n.parse().ok(),
    }
}

/// What bounds the connections.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Close a connection on which nothing is read or written for this long (`None`: never).
    pub idle: Option<Duration>,
    /// Connections open at most.
    pub max_connections: usize,
}

/// A connection on its way to a serving thread, counted against that thread until it closes.
struct Handoff {
    stream: std::net::TcpStream,
    peer: SocketAddr,
    open: OpenGuard,
}

/// Decrements a thread's count of open connections when the connection is dropped.
struct OpenGuard(Arc<AtomicUsize>);

impl Drop for OpenGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A serving thread as the accepting task sees it.
struct ThreadSide {
    incoming: mpsc::UnboundedSender<Handoff>,
    open: Arc<AtomicUsize>,
    /// Wakes the thread's idle connections to close when room is needed (one per thread, so
    /// connections on different threads never share its lock).
    shed: Arc<Notify>,
}

/// The sending side, kept by the accepting task: one channel and one count per thread.
pub struct Spreader {
    threads: Vec<ThreadSide>,
    max_connections: usize,
    /// When a refusal was last logged (they come in floods).
    last_refusal_log: Option<std::time::Instant>,
    refused: u64,
}

/// A serving thread's side: an [`axum::serve::Listener`] of the connections handed to it.
pub struct ThreadListener {
    incoming: mpsc::UnboundedReceiver<Handoff>,
    addr: SocketAddr,
    idle: Option<Duration>,
    shed: Arc<Notify>,
}

/// A spreader over `threads` serving threads and their listeners (which report `addr`, the
/// address actually bound), bounded by `limits`.
#[must_use]
pub fn spread(threads: usize, addr: SocketAddr, limits: Limits) -> (Spreader, Vec<ThreadListener>) {
    let (sides, listeners) = (0..threads.max(1))
        .map(|_| {
            let (tx, rx) = mpsc::unbounded_channel();
            let shed = Arc::new(Notify::new());
            (
                ThreadSide {
                    incoming: tx,
                    open: Arc::new(AtomicUsize::new(0)),
                    shed: Arc::clone(&shed),
                },
                ThreadListener {
                    incoming: rx,
                    addr,
                    idle: limits.idle,
                    shed,
                },
            )
        })
        .unzip();
    (
        Spreader {
            threads: sides,
            max_connections: limits.max_connections.max(1),
            last_refusal_log: None,
            refused: 0,
        },
        listeners,
    )
}

impl Spreader {
    /// Accept from `listener` for as long as any serving thread listens.
    pub async fn run(mut self, listener: tokio::net::TcpListener) {
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(e) if is_connection_error(&e) => continue,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::error!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            };
            // The serving thread registers it with its own reactor.
            let Ok(stream) = stream.into_std() else {
                continue;
            };
            if !self.room().await {
                self.refuse(&stream, peer);
                continue;
            }
            if !self.hand_off(stream, peer) {
                return;
            }
        }
    }

    /// Connections open on all threads.
    fn open_total(&self) -> usize {
        self.threads
            .iter()
            .map(|t| t.open.load(Ordering::Relaxed))
            .sum()
    }

    /// Whether there is room for one more connection: at the bound, idle connections are
    /// asked to close and the room is awaited for [`ROOM_WAIT`].
    async fn room(&self) -> bool {
        if self.open_total() < self.max_connections {
            return true;
        }
        for side in &self.threads {
            side.shed.notify_waiters();
        }
        let until = tokio::time::Instant::now() + ROOM_WAIT;
        while tokio::time::Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(5)).await;
            if self.open_total() < self.max_connections {
                return true;
            }
        }
        false
    }

    /// Answer a connection there is no room for with a 503 (JSON body, `Retry-After`) and close
    /// it. The socket is new, so its send buffer takes these few bytes at once.
    fn refuse(&mut self, mut stream: &std::net::TcpStream, peer: SocketAddr) {
        // Non-blocking, as accepted: a full buffer loses the answer, never stalls accepting.
        let _ = std::io::Write::write(&mut stream, refusal().as_bytes());
        self.refused += 1;
        let now = std::time::Instant::now();
        if self
            .last_refusal_log
            .is_none_or(|t| now.duration_since(t) >= Duration::from_secs(1))
        {
            tracing::warn!(
                %peer,
                refused = self.refused,
                max_connections = self.max_connections,
                "connection refused: at the connection limit and none idle"
            );
            self.last_refusal_log = Some(now);
        }
    }

    /// Give the connection to the thread with the fewest open; false when none listens.
    fn hand_off(&self, stream: std::net::TcpStream, peer: SocketAddr) -> bool {
        let mut order: Vec<usize> = (0..self.threads.len()).collect();
        order.sort_by_key(|&i| self.threads[i].open.load(Ordering::Relaxed));
        let mut stream = stream;
        for i in order {
            let ThreadSide {
                incoming: tx, open, ..
            } = &self.threads[i];
            open.fetch_add(1, Ordering::Relaxed);
            let handoff = Handoff {
                stream,
                peer,
                open: OpenGuard(Arc::clone(open)),
            };
            match tx.send(handoff) {
                Ok(()) => return true,
                // That thread stopped; its guard, dropped here, gives the count back.
                Err(mpsc::error::SendError(back)) => stream = back.stream,
            }
        }
        false
    }

    /// Open connections per serving thread.
    #[cfg(test)]
    fn open_counts(&self) -> Vec<usize> {
        self.threads
            .iter()
            .map(|t| t.open.load(Ordering::Relaxed))
            .collect()
    }
}

/// The body of the answer to a connection there is no room for.
const REFUSAL_BODY: &str = r#"{"error":"too many connections open to the server; try again soon"}"#;

/// The whole answer to a connection there is no room for: a 503 with a JSON body.
fn refusal() -> String {
    format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\n\
         connection: close\r\ncontent-length: {}\r\n\r\n{REFUSAL_BODY}",
        REFUSAL_BODY.len()
    )
}

/// Errors of one connection (the peer gave up before it was accepted), not of the socket.
fn is_connection_error(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// A TCP connection that gives its thread's count back when it closes, and fails with
/// `TimedOut` when it has been idle too long.
///
/// Idle means no byte read or written: a client that opens a connection and sends nothing,
/// sends a request head a byte a minute, or stops reading a response. Without it every such
/// connection held a file descriptor for good, and 20 000 of them stopped the service
/// (issue 15). hyper's own header timeout is not reachable through `axum::serve`.
///
/// It also closes when room is needed ([`Spreader`] at the connection bound) and it has been
/// idle for [`SHED_IDLE`].
pub struct CountedStream {
    stream: tokio::net::TcpStream,
    _open: OpenGuard,
    idle: Option<Duration>,
    deadline: Pin<Box<tokio::time::Sleep>>,
    last_progress: tokio::time::Instant,
    shed_source: Arc<Notify>,
    shed: Pin<Box<OwnedNotified>>,
    /// Bytes of a rewritten answer still to write ([`crate::parse_errors`]), and how many
    /// are written.
    rewritten: Option<(Vec<u8>, usize)>,
}

impl CountedStream {
    fn new(
        stream: tokio::net::TcpStream,
        open: OpenGuard,
        idle: Option<Duration>,
        shed_source: Arc<Notify>,
    ) -> Self {
        let far = Duration::from_hours(24 * 365);
        Self {
            stream,
            _open: open,
            idle,
            deadline: Box::pin(tokio::time::sleep(idle.unwrap_or(far))),
            last_progress: tokio::time::Instant::now(),
            shed: Box::pin(Arc::clone(&shed_source).notified_owned()),
            shed_source,
            rewritten: None,
        }
    }

    /// Write what is left of a rewritten answer; ready once all of it is written.
    fn drain_rewritten(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, done)) = &mut self.rewritten {
            if *done == bytes.len() {
                self.rewritten = None;
                break;
            }
            let polled = Pin::new(&mut self.stream).poll_write(cx, &bytes[*done..]);
            match self.watch(cx, polled) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => {
                    if let Some((_, done)) = &mut self.rewritten {
                        *done += n;
                    }
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(()))
    }

    /// hyper's own bodiless error answer in `head` becomes one with a JSON body: reports the
    /// whole of hyper's bytes as written once the answer is queued.
    fn rewrite(
        &mut self,
        cx: &mut Context<'_>,
        head: &[u8],
        len: usize,
    ) -> Option<Poll<io::Result<usize>>> {
        let answer = crate::parse_errors::json_answer(head)?;
        self.rewritten = Some((answer, 0));
        Some(match self.drain_rewritten(cx) {
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            // The rest goes out on flush or shutdown, which hyper calls next.
            Poll::Ready(Ok(())) | Poll::Pending => Poll::Ready(Ok(len)),
        })
    }

    /// Progress restarts the idle clock; waiting past it fails the connection, and so does a
    /// call for room after [`SHED_IDLE`] without progress.
    fn watch<T>(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        match polled {
            Poll::Ready(result) => {
                let now = tokio::time::Instant::now();
                self.last_progress = now;
                if let Some(idle) = self.idle {
                    self.deadline.as_mut().reset(now + idle);
                }
                Poll::Ready(result)
            }
            Poll::Pending => {
                if let Some(idle) = self.idle
                    && self.deadline.as_mut().poll(cx).is_ready()
                {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        format!("connection idle for {} s", idle.as_secs_f64()),
                    )));
                }
                // Registers for the next call for room; a call answered while busy re-arms.
                while self.shed.as_mut().poll(cx).is_ready() {
                    if self.last_progress.elapsed() >= SHED_IDLE {
                        return Poll::Ready(Err(io::Error::new(
                            io::ErrorKind::TimedOut,
                            "idle connection closed to make room for a new one",
                        )));
                    }
                    self.shed = Box::pin(Arc::clone(&self.shed_source).notified_owned());
                }
                Poll::Pending
            }
        }
    }
}

impl axum::serve::Listener for ThreadListener {
    type Io = CountedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Some(handoff) = self.incoming.recv().await else {
                // No more connections: serving ends by the shutdown signal.
                return std::future::pending().await;
            };
            match tokio::net::TcpStream::from_std(handoff.stream) {
                Ok(stream) => {
                    let io =
                        CountedStream::new(stream, handoff.open, self.idle, Arc::clone(&self.shed));
                    return (io, handoff.peer);
                }
                Err(e) => {
                    tracing::warn!(error = %e, peer = %handoff.peer, "a connection could not be registered");
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.addr)
    }
}

impl AsyncRead for CountedStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        this.watch(cx, polled)
    }
}

impl AsyncWrite for CountedStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.drain_rewritten(cx)?.is_pending() {
            return Poll::Pending;
        }
        if let Some(answered) = this.rewrite(cx, buf, buf.len()) {
            return answered;
        }
        let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.watch(cx, polled)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.drain_rewritten(cx)?.is_pending() {
            return Poll::Pending;
        }
        if let Some(head) = bufs.iter().find(|b| !b.is_empty()) {
            let len = bufs.iter().map(|b| b.len()).sum();
            if let Some(answered) = this.rewrite(cx, head, len) {
                return answered;
            }
        }
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.watch(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.drain_rewritten(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut this.stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.drain_rewritten(cx)?.is_pending() {
            return Poll::Pending;
        }
        Pin::new(&mut this.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unbounded() -> Limits {
        Limits {
            idle: None,
            max_connections: usize::MAX,
        }
    }

    /// A connected pair of sockets on loopback; the server side is what gets handed off.
    fn connection(listener: &std::net::TcpListener) -> (std::net::TcpStream, std::net::TcpStream) {
        let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (server, _) = listener.accept().unwrap();
        (client, server)
    }

    #[test]
    fn each_connection_goes_to_the_thread_with_the_fewest_open() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (spreader, mut threads) = spread(3, addr, unbounded());
        let mut held = Vec::new();
        for _ in 0..6 {
            let (client, server) = connection(&listener);
            assert!(spreader.hand_off(server, addr));
            held.push(client);
        }
        assert_eq!(spreader.open_counts(), [2, 2, 2]);
        // Two connections of thread 0 close: the next two go there.
        let first = threads[0].incoming.try_recv().unwrap();
        let second = threads[0].incoming.try_recv().unwrap();
        drop((first, second));
        assert_eq!(spreader.open_counts(), [0, 2, 2]);
        for _ in 0..2 {
            let (client, server) = connection(&listener);
            assert!(spreader.hand_off(server, addr));
            held.push(client);
        }
        assert_eq!(spreader.open_counts(), [2, 2, 2]);
        assert_eq!(threads[0].incoming.len(), 2);
    }

    #[test]
    fn a_stopped_thread_gets_no_connections() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (spreader, mut threads) = spread(2, addr, unbounded());
        drop(threads.remove(0));
        let (_client, server) = connection(&listener);
        assert!(spreader.hand_off(server, addr));
        assert_eq!(spreader.open_counts(), [0, 1]);
        assert_eq!(threads[0].incoming.len(), 1);
        drop(threads);
        let (_client, server) = connection(&listener);
        assert!(!spreader.hand_off(server, addr), "nobody listens");
        assert_eq!(spreader.open_counts(), [0, 0]);
    }

    #[tokio::test]
    async fn an_idle_connection_fails_and_a_busy_one_does_not() {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (spreader, mut threads) = spread(
            1,
            addr,
            Limits {
                idle: Some(Duration::from_millis(300)),
                max_connections: 100,
            },
        );
        let (client, server) = connection(&listener);
        server.set_nonblocking(true).unwrap();
        client.set_nonblocking(true).unwrap();
        assert!(spreader.hand_off(server, addr));
        let (mut io, _) = axum::serve::Listener::accept(&mut threads[0]).await;
        let mut client = tokio::net::TcpStream::from_std(client).unwrap();
        let mut buf = [0u8; 8];
        // A byte every 150 ms keeps it open well past the idle time.
        for _ in 0..5 {
            tokio::time::sleep(Duration::from_millis(150)).await;
            client.write_all(b"x").await.unwrap();
            assert_eq!(io.read(&mut buf).await.unwrap(), 1);
        }
        // Then nothing: the read fails once the idle time has passed.
        let started = std::time::Instant::now();
        let err = io.read(&mut buf).await.unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        assert!(
            started.elapsed() >= Duration::from_millis(250),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(spreader.open_counts(), [1]);
        drop(io);
        assert_eq!(spreader.open_counts(), [0], "closing gives the count back");
    }

    #[test]
    fn the_soft_descriptor_limit_is_read_from_proc_limits() {
        let limits = "Limit                     Soft Limit           Hard Limit           Units     \n\
                      Max cpu time              unlimited            unlimited            seconds   \n\
                      Max open files            20000                40000                files     \n";
        assert_eq!(parse_fd_soft_limit(limits), Some(20_000));
        assert_eq!(
            parse_fd_soft_limit("Max open files            unlimited            unlimited  files"),
            Some(u64::MAX)
        );
        assert_eq!(parse_fd_soft_limit("Max processes 10 10"), None);
        assert_eq!(reserved_descriptors(20_000), 2_500);
        assert_eq!(reserved_descriptors(256), 64);
        assert!(default_max_connections() >= 16);
    }

    /// Hands `n` connections to thread 0 and accepts them there, each read by a task that
    /// reports how its read ended.
    async fn idle_connections(
        listener: &std::net::TcpListener,
        spreader: &Spreader,
        thread: &mut ThreadListener,
        n: usize,
    ) -> (
        Vec<std::net::TcpStream>,
        Vec<tokio::task::JoinHandle<io::Result<usize>>>,
    ) {
        use tokio::io::AsyncReadExt as _;
        let addr = listener.local_addr().unwrap();
        let (mut clients, mut reads) = (Vec::new(), Vec::new());
        for _ in 0..n {
            let (client, server) = connection(listener);
            server.set_nonblocking(true).unwrap();
            assert!(spreader.hand_off(server, addr));
            let (mut io, _) = axum::serve::Listener::accept(thread).await;
            reads.push(tokio::spawn(async move {
                let mut buf = [0u8; 8];
                io.read(&mut buf).await
            }));
            clients.push(client);
        }
        (clients, reads)
    }

    #[tokio::test]
    async fn at_the_bound_idle_connections_make_room_and_busy_ones_do_not() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let limits = Limits {
            idle: None,
            max_connections: 2,
        };
        let (spreader, mut threads) = spread(1, addr, limits);
        let (_clients, reads) = idle_connections(&listener, &spreader, &mut threads[0], 2).await;
        // Fresh connections are not idle long enough to go: no room.
        assert!(!spreader.room().await, "two connections of under a second");
        assert_eq!(spreader.open_total(), 2);
        tokio::time::sleep(SHED_IDLE).await;
        // Idle for a second: they close, and there is room.
        assert!(spreader.room().await);
        for read in reads {
            let err = read.await.unwrap().unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::TimedOut);
        }
        assert_eq!(spreader.open_total(), 0);
    }

    #[tokio::test]
    async fn a_connection_without_room_gets_a_503_with_a_json_body() {
        use std::io::Read as _;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (mut spreader, _threads) = spread(1, addr, unbounded());
        let mut client = std::net::TcpStream::connect(addr).unwrap();
        let (server, peer) = listener.accept().unwrap();
        server.set_nonblocking(true).unwrap();
        spreader.refuse(&server, peer);
        drop(server);
        let mut answer = String::new();
        client.read_to_string(&mut answer).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 503 "), "{head}");
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{head}"
        );
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert!(
            json["error"]
                .as_str()
                .unwrap()
                .contains("too many connections")
        );
    }

    /// `buurt serve`'s stack (the spreader, a thread listener, axum and hyper) with one route,
    /// on this runtime; its address.
    async fn serve_health(limits: Limits) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (spreader, mut threads) = spread(1, addr, limits);
        let thread = threads.remove(0);
        let app = axum::Router::new().route("/health", axum::routing::get(|| async { "ok" }));
        tokio::spawn(async move { axum::serve(thread, app).await });
        tokio::spawn(spreader.run(listener));
        addr
    }

    /// Send `request` on a new connection; the status and body of the answer.
    async fn exchange(addr: SocketAddr, request: &[u8]) -> (u16, String) {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        // A peer may close before reading all of a request it rejects.
        let _ = stream.write_all(request).await;
        let mut answer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(10), async {
            let mut buf = [0u8; 4096];
            loop {
                match stream.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        answer.extend_from_slice(&buf[..n]);
                        // Keep-alive answers do not close: stop at a whole 200.
                        if answer.starts_with(b"HTTP/1.1 200") && answer.ends_with(b"ok") {
                            break;
                        }
                    }
                }
            }
        })
        .await;
        assert!(
            read.is_ok(),
            "no answer to {:?}",
            String::from_utf8_lossy(&request[..40.min(request.len())])
        );
        let answer = String::from_utf8(answer).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap_or((&answer, ""));
        let status = head.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
        (status, body.to_owned())
    }

    fn error_of(body: &str) -> String {
        let json: serde_json::Value =
            serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body:?}"));
        json["error"].as_str().unwrap().to_owned()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn requests_hyper_rejects_get_a_json_body() {
        let addr = serve_health(unbounded()).await;
        let (status, body) = exchange(addr, b"GET /health HTTP/1.1\r\nhost: x\r\n\r\n").await;
        assert_eq!((status, body.as_str()), (200, "ok"));
        let long_uri = format!("GET /{} HTTP/1.1\r\nhost: x\r\n\r\n", "a".repeat(70_000));
        let mut many_headers = String::from("GET /health HTTP/1.1\r\n");
        for i in 0..200 {
            std::fmt::Write::write_fmt(&mut many_headers, format_args!("x-h{i}: v\r\n")).unwrap();
        }
        many_headers.push_str("\r\n");
        let huge_header = format!(
            "GET /health HTTP/1.1\r\nx-big: {}\r\n\r\n",
            "v".repeat(600_000)
        );
        for (request, want) in [
            (&b"NOT HTTP AT ALL\r\n\r\n"[..], 400),
            (b"GET /health HTTP/1.1\r\nbad header\r\n\r\n", 400),
            (long_uri.as_bytes(), 414),
            (many_headers.as_bytes(), 431),
            (huge_header.as_bytes(), 431),
        ] {
            let (status, body) = exchange(addr, request).await;
            assert_eq!(status, want, "{body}");
            assert!(!error_of(&body).is_empty());
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn idle_connections_at_the_limit_make_room_for_health() {
        let addr = serve_health(Limits {
            idle: None,
            max_connections: 20,
        })
        .await;
        let mut idle = Vec::new();
        for _ in 0..20 {
            idle.push(tokio::net::TcpStream::connect(addr).await.unwrap());
        }
        // Wait until all twenty are counted (each is handed over on its own).
        tokio::time::sleep(Duration::from_millis(100)).await;
        // All twenty are fresh: none may go yet, the newcomer is told so.
        let (status, body) = exchange(addr, b"GET /health HTTP/1.1\r\nhost: x\r\n\r\n").await;
        assert_eq!(status, 503, "{body}");
        assert!(error_of(&body).contains("too many connections"));
        // Idle for a second: they make room.
        tokio::time::sleep(SHED_IDLE).await;
        let (status, body) = exchange(addr, b"GET /health HTTP/1.1\r\nhost: x\r\n\r\n").await;
        assert_eq!((status, body.as_str()), (200, "ok"));
        drop(idle);
    }
}
