//! Starting and stopping the portal: database first, then the HTTP server, and a graceful
//! shutdown on SIGTERM or SIGINT.

use std::net::SocketAddr;

use anyhow::Context;
use tokio::net::TcpListener;
use tower_sessions::ExpiredDeletion;

use crate::platform::auth::session_store::PgSessionStore;
use crate::platform::config::Config;
use crate::platform::state::AppState;
use crate::platform::{db, mail};
use crate::{SESSION_CLEANUP_INTERVAL, app, dispatcher, seed};

/// Prepares the database: creates it when missing and applies the migrations.
pub async fn prepare_database(config: &Config) -> anyhow::Result<sqlx::PgPool> {
    let shown = redacted(&config.database_url);
    let created = db::ensure_database_exists(&config.database_url)
        .await
        .with_context(|| format!("cannot reach PostgreSQL at DATABASE_URL={shown}"))?;
    if created {
        tracing::info!(database = %db::database_name(&config.database_url), "created the database");
    }
    let pool = db::connect(&config.database_url, config.database_max_connections)
        .await
        .with_context(|| format!("cannot connect to DATABASE_URL={shown}"))?;
    db::migrate(&pool)
        .await
        .context("applying the database migrations failed")?;
    Ok(pool)
}

/// Runs the portal until SIGTERM or SIGINT; requests in flight are finished first.
/// With `demo_data`, whatever demo data is missing is loaded first.
pub async fn serve(config: Config, demo_data: bool) -> anyhow::Result<()> {
    let pool = prepare_database(&config).await?;
    if demo_data {
        let report = seed::seed_demo(&pool, &config)
            .await
            .context("loading the demo data failed")?;
        tracing::info!(?report, "demo data is in place");
    }

    let listener = TcpListener::bind(config.listen_addr)
        .await
        .with_context(|| format!("cannot listen on LISTEN_ADDR={}", config.listen_addr))?;
    let local = listener.local_addr()?;

    let cleanup = tokio::spawn(
        PgSessionStore::new(pool.clone()).continuously_delete_expired(SESSION_CLEANUP_INTERVAL),
    );

    let state = AppState::new(pool.clone(), config)?;
    let mail_worker = mail::spawn_worker(
        state.db.clone(),
        state.mailer.clone(),
        state.config.mail.from.clone(),
        state.clock.clone(),
    );
    let job_worker = dispatcher::spawn_worker(state.clone());
    tracing::info!(address = %local, "MijnRGS is listening");
    println!("MijnRGS draait: open http://{local}/ in uw browser (stoppen met Ctrl+C).");

    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await
    .context("the HTTP server stopped with an error")?;

    cleanup.abort();
    mail_worker.abort();
    job_worker.abort();
    pool.close().await;
    tracing::info!("MijnRGS stopped");
    Ok(())
}

/// Runs only the workers (mail and scheduled jobs), without the HTTP server, until SIGTERM or
/// SIGINT: `mijnrgs worker`, for a separate worker process beside the web instances.
pub async fn work(config: Config) -> anyhow::Result<()> {
    let pool = prepare_database(&config).await?;
    let state = AppState::new(pool.clone(), config)?;
    let mail_worker = mail::spawn_worker(
        state.db.clone(),
        state.mailer.clone(),
        state.config.mail.from.clone(),
        state.clock.clone(),
    );
    let job_worker = dispatcher::spawn_worker(state.clone());
    tracing::info!("MijnRGS worker is running");
    println!("MijnRGS-worker draait: e-mail en geplande taken (stoppen met Ctrl+C).");
    shutdown_signal().await;
    mail_worker.abort();
    job_worker.abort();
    pool.close().await;
    tracing::info!("MijnRGS worker stopped");
    Ok(())
}

/// Completes on SIGINT (Ctrl+C) or SIGTERM (what orchestrators send), whichever comes first.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for SIGINT");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received, finishing requests in flight"),
        () = terminate => tracing::info!("SIGTERM received, finishing requests in flight"),
    }
}

/// The URL without its password, for messages.
pub fn redacted(url: &url::Url) -> String {
    let mut shown = url.clone();
    if shown.password().is_some() {
        let _ = shown.set_password(Some("***"));
    }
    shown.to_string()
}
