//! Connections spread over the serving threads.
//!
//! One task accepts; each connection goes to the serving thread that holds the fewest open
//! connections, and stays there. Letting every thread accept from the same socket instead
//! leaves the balance to chance: whichever wakes first accepts a whole burst of connections, and
//! with keep-alive that imbalance lasts (in the benchmark its p99 swung between 2.4 and 5.1 ms).

use std::future::Future as _;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc;

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

/// The sending side, kept by the accepting task: one channel and one count per thread.
pub struct Spreader {
    threads: Vec<(mpsc::UnboundedSender<Handoff>, Arc<AtomicUsize>)>,
}

/// A serving thread's side: an [`axum::serve::Listener`] of the connections handed to it.
pub struct ThreadListener {
    incoming: mpsc::UnboundedReceiver<Handoff>,
    addr: SocketAddr,
    idle: Option<Duration>,
}

/// A spreader over `threads` serving threads and their listeners (which report `addr`, the
/// address actually bound). A connection on which nothing is read or written for `idle` is
/// closed (`None`: never).
#[must_use]
pub fn spread(
    threads: usize,
    addr: SocketAddr,
    idle: Option<Duration>,
) -> (Spreader, Vec<ThreadListener>) {
    let (senders, listeners) = (0..threads.max(1))
        .map(|_| {
            let (tx, rx) = mpsc::unbounded_channel();
            (
                (tx, Arc::new(AtomicUsize::new(0))),
                ThreadListener {
                    incoming: rx,
                    addr,
                    idle,
                },
            )
        })
        .unzip();
    (Spreader { threads: senders }, listeners)
}

impl Spreader {
    /// Accept from `listener` for as long as any serving thread listens.
    pub async fn run(self, listener: tokio::net::TcpListener) {
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
            if !self.hand_off(stream, peer) {
                return;
            }
        }
    }

    /// Give the connection to the thread with the fewest open; false when none listens.
    fn hand_off(&self, stream: std::net::TcpStream, peer: SocketAddr) -> bool {
        let mut order: Vec<usize> = (0..self.threads.len()).collect();
        order.sort_by_key(|&i| self.threads[i].1.load(Ordering::Relaxed));
        let mut stream = stream;
        for i in order {
            let (tx, open) = &self.threads[i];
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
            .map(|(_, open)| open.load(Ordering::Relaxed))
            .collect()
    }
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
pub struct CountedStream {
    stream: tokio::net::TcpStream,
    _open: OpenGuard,
    idle: Option<Duration>,
    deadline: Pin<Box<tokio::time::Sleep>>,
}

impl CountedStream {
    fn new(stream: tokio::net::TcpStream, open: OpenGuard, idle: Option<Duration>) -> Self {
        let far = Duration::from_hours(24 * 365);
        Self {
            stream,
            _open: open,
            idle,
            deadline: Box::pin(tokio::time::sleep(idle.unwrap_or(far))),
        }
    }

    /// Progress restarts the idle clock; waiting past it fails the connection.
    fn watch<T>(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        let Some(idle) = self.idle else {
            return polled;
        };
        match polled {
            Poll::Ready(result) => {
                self.deadline
                    .as_mut()
                    .reset(tokio::time::Instant::now() + idle);
                Poll::Ready(result)
            }
            Poll::Pending => match self.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                    io::ErrorKind::TimedOut,
                    format!("connection idle for {} s", idle.as_secs_f64()),
                ))),
                Poll::Pending => Poll::Pending,
            },
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
                    let io = CountedStream::new(stream, handoff.open, self.idle);
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
        let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.watch(cx, polled)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.watch(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let (spreader, mut threads) = spread(3, addr, None);
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
        let (spreader, mut threads) = spread(2, addr, None);
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
        let (spreader, mut threads) = spread(1, addr, Some(Duration::from_millis(300)));
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
}
