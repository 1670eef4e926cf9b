//! `buurt serve`: the map service on a tokio runtime, until Ctrl-C or SIGTERM.

use std::net::SocketAddr;

use anyhow::Context as _;
use buurt_diagnose::Atlas;
use buurt_server::{AppState, DEFAULT_TILE_CACHE_BYTES, Loaded};

/// How long requests in flight may take to finish after a shutdown signal.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

pub fn run(atlas: Atlas, addr: SocketAddr) -> anyhow::Result<()> {
    let loaded = Loaded::new(atlas, DEFAULT_TILE_CACHE_BYTES).context("preparing the service")?;
    let app = buurt_server::router(AppState::new(loaded));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding {addr}"))?;
        tracing::info!(%addr, "serving");
        eprintln!("buurt serves on http://{addr} (Ctrl-C stops)");
        let server = axum::serve(listener, app).with_graceful_shutdown(shutdown_signal());
        server.await.context("serving")
    })?;
    // Requests still running after the signal get a bounded time to finish.
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    Ok(())
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
