//! `buurt serve`: the map service on a tokio runtime, until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use buurt_diagnose::Atlas;
use buurt_diagnose::diagnose::Engine;
use buurt_server::{AppState, Loaded, ViewerConfig};

/// How long requests in flight may take to finish after a shutdown signal.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(10);

pub fn run(
    atlas: Atlas,
    engine: Engine,
    addr: SocketAddr,
    viewer: ViewerConfig,
    tile_cache_bytes: usize,
    data_dir: &Path,
    cache_dir: &Path,
) -> anyhow::Result<()> {
    let loaded =
        Loaded::with_engine(atlas, engine, tile_cache_bytes).context("preparing the service")?;
    let state = AppState::new(loaded).with_viewer_config(viewer);
    let app = buurt_server::router(state.clone());
    let (data_dir, cache_dir) = (data_dir.to_path_buf(), cache_dir.to_path_buf());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the tokio runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("binding {addr}"))?;
        #[cfg(unix)]
        tokio::spawn(reload_on_hangup(
            state,
            data_dir,
            cache_dir,
            tile_cache_bytes,
        ));
        #[cfg(not(unix))]
        let _ = (state, data_dir, cache_dir, tile_cache_bytes);
        tracing::info!(%addr, "serving");
        eprintln!("buurt serves the map on http://{addr}/ (Ctrl-C stops)");
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

/// On SIGHUP: open the atlas again (from the cache when the data did not change, else rebuilt
/// and validated) beside the one being served, and swap it in only when that succeeded.
#[cfg(unix)]
async fn reload_on_hangup(
    state: AppState,
    data_dir: PathBuf,
    cache_dir: PathBuf,
    tile_cache_bytes: usize,
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
            let (atlas, engine, _) = buurt_diagnose::atlas::open_indexed(
                &data,
                Some(&cache),
                catalogue,
                &buurt_io::registry::NoProgress,
            )?;
            Ok(Loaded::with_engine(atlas, engine, tile_cache_bytes)?)
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
