//! `buurt serve`: the map service, until Ctrl-C or SIGTERM.
//!
//! One serving thread per core, each with a single-threaded tokio runtime, as actix-web (and
//! so martin) does. The main thread accepts and hands each connection to the serving thread
//! with the fewest open ([`crate::accept`]); the connection then lives on that thread: no work
//! stealing, no hand-offs between threads per request, and its memory is freed on the thread
//! that allocated it. That serves more cached tiles per second than one work-stealing runtime
//! (see `benches/README.md`). Rendering runs on each runtime's blocking pool, so a slow tile
//! never stalls the other connections of its thread.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use axum::Router;
use buurt_diagnose::Atlas;
use buurt_server::{AppState, Loaded, ViewerConfig};
use tokio::sync::{mpsc, watch};

/// How long requests in flight may take to finish after a shutdown signal.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

/// How `buurt serve` serves.
pub struct Options {
    /// The address to listen on (port 0: any free port).
    pub addr: SocketAddr,
    /// What the web viewer is told.
    pub viewer: ViewerConfig,
    /// Memory for rendered tiles (0: no cache).
    pub tile_cache_bytes: usize,
    /// Serving threads (at least one).
    pub workers: usize,
    /// The base URL TileJSON names (default: the listening address).
    pub public_url: Option<buurt_server::PublicUrl>,
    /// Close a connection on which nothing is read or written for this long (`None`: never).
    pub idle_timeout: Option<std::time::Duration>,
    /// Connections open at most (`None`: what the file descriptor limit leaves).
    pub max_connections: Option<usize>,
    /// The pool for profiles, areas, peers, hot spots and harmonisation.
    pub compute: buurt_server::PoolSize,
    /// Memory for computed profiles.
    pub profile_cache_bytes: usize,
}

pub fn run(
    atlas: Atlas,
    options: Options,
    data_dir: &Path,
    cache_dir: &Path,
) -> anyhow::Result<()> {
    let Options {
        addr,
        viewer,
        tile_cache_bytes,
        workers: threads,
        public_url,
        idle_timeout,
        max_connections,
        compute,
        profile_cache_bytes,
    } = options;
    let max_connections = max_connections.unwrap_or_else(crate::accept::default_max_connections);
    let loaded = Loaded::new(atlas, tile_cache_bytes)
        .context("preparing the service")?
        .with_profile_cache_bytes(profile_cache_bytes);
    let (data_dir, cache_dir) = (data_dir.to_path_buf(), cache_dir.to_path_buf());
    // Accepting, signals and reloads run on a small runtime of their own, on this thread.
    let control = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    let listener = control
        .block_on(async { listen(addr) })
        .with_context(|| format!("binding {addr}"))?;
    let addr = listener.local_addr().unwrap_or(addr);
    if public_url.is_none() && addr.ip().is_unspecified() {
        tracing::warn!(
            %addr,
            "listening on every interface without --public-url: TileJSON names the loopback address"
        );
    }
    let public_url = public_url.unwrap_or_else(|| buurt_server::PublicUrl::local(addr));
    tracing::info!(%public_url, "TileJSON base URL");
    let state = AppState::new(loaded)
        .with_viewer_config(viewer)
        .with_public_url(public_url)
        .with_pools(compute, buurt_server::PoolSize::render_default());
    let app = buurt_server::router(state.clone());

    let (stop, stopped) = watch::channel(false);
    let (exited, mut exits) = mpsc::unbounded_channel();
    let limits = crate::accept::Limits {
        idle: idle_timeout,
        max_connections,
    };
    let (spreader, thread_listeners) = crate::accept::spread(threads, addr, limits);
    let mut workers = Vec::with_capacity(threads);
    for (i, listener) in thread_listeners.into_iter().enumerate() {
        let (app, stopped, exited) = (app.clone(), stopped.clone(), exited.clone());
        let worker = std::thread::Builder::new()
            .name(format!("buurt-serve-{i}"))
            .spawn(move || {
                let result = serve_on(listener, app, stopped);
                // The control loop stops the others when one thread ends on its own.
                let _ = exited.send(());
                result
            })
            .context("starting a serving thread")?;
        workers.push(worker);
    }

    let controlled = control.block_on(async move {
        #[cfg(unix)]
        tokio::spawn(reload_on_hangup(
            state,
            data_dir,
            cache_dir,
            (tile_cache_bytes, profile_cache_bytes),
        ));
        #[cfg(not(unix))]
        let _ = (state, data_dir, cache_dir, tile_cache_bytes, profile_cache_bytes);
        tracing::info!(%addr, threads, max_connections, compute_threads = compute.threads, "serving");
        eprintln!("buurt serves the map on http://{addr}/ (Ctrl-C stops)");
        tokio::select! {
            () = shutdown_signal() => {},
            _ = exits.recv() => {},
            () = spreader.run(listener) => {},
        }
        anyhow::Ok(())
    });
    let _ = stop.send(true);
    let mut result = controlled;
    for worker in workers {
        let outcome = worker
            .join()
            .map_err(|_| anyhow::anyhow!("a serving thread panicked"))
            .and_then(|r| r);
        if result.is_ok() {
            result = outcome;
        }
    }
    control.shutdown_timeout(SHUTDOWN_GRACE);
    result
}

/// Connections the kernel queues until they are accepted: the usual `somaxconn` (as Go and
/// nginx take), not std's 128. Past the queue the kernel answers with SYN cookies and the
/// connection reaches the server only when the client sends again, a retry of a second or
/// more: a burst of 1 024 connections waited that long.
const LISTEN_BACKLOG: u32 = 4096;

/// A listening socket on `addr` with [`LISTEN_BACKLOG`] (within a tokio runtime).
fn listen(addr: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    // As std's bind does on Unix: a restart need not wait for the old connections' TIME_WAIT.
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// Serve `app` on this thread until `stopped` turns true, then let requests in flight finish.
fn serve_on(
    listener: crate::accept::ThreadListener,
    app: Router,
    mut stopped: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    // Request log lines are written in batches, whenever the thread runs out of work.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .on_thread_park(crate::log_lines::flush_this_thread)
        .build()
        .context("starting the tokio runtime")?;
    let served = runtime.block_on(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            })
            .await
            .context("serving")
    });
    // Renders still running after the signal get a bounded time to finish.
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    crate::log_lines::flush_this_thread();
    served
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "Ctrl-C handler unavailable");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "SIGTERM handler unavailable");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// On SIGHUP: open the atlas again (from the cache when the data did not change, else rebuilt
/// and validated) beside the one being served, and swap it in only when that succeeded.
#[cfg(unix)]
async fn reload_on_hangup(
    state: AppState,
    data_dir: PathBuf,
    cache_dir: PathBuf,
    (tile_cache_bytes, profile_cache_bytes): (usize, usize),
) {
    let mut hangup = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, "SIGHUP handler unavailable; no reloads");
            return;
        }
    };
    while hangup.recv().await.is_some() {
        tracing::info!("SIGHUP: reloading the data");
        let (data, cache) = (data_dir.clone(), cache_dir.clone());
        let built = tokio::task::spawn_blocking(move || -> anyhow::Result<Loaded> {
            let catalogue = buurt_core::Catalogue::builtin()?;
            let (atlas, _) = buurt_diagnose::atlas::open(
                &data,
                Some(&cache),
                catalogue,
                &buurt_io::registry::NoProgress,
            )?;
            Ok(Loaded::new(atlas, tile_cache_bytes)?.with_profile_cache_bytes(profile_cache_bytes))
        })
        .await;
        match built {
            Ok(Ok(loaded)) => {
                state.replace(loaded);
                tracing::info!("reloaded; serving the new data");
            }
            Ok(Err(e)) => {
                tracing::error!(error = %format!("{e:#}"), "reload failed; still serving the data loaded before");
            }
            Err(e) => {
                tracing::error!(error = %e, "reload task failed; still serving the data loaded before");
            }
        }
    }
}
