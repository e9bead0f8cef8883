//! The web side of Part'Innov: HTML pages (askama templates, forms that work without
//! JavaScript, CSRF-protected), the JSON API under `/api/v1` (bearer tokens, problem+json
//! errors, OpenAPI at `/api/v1/openapi.json`), sessions and the catalogue.
//!
//! Handlers are thin: they parse input into domain types, call the store with the caller's
//! scope, and render. `router` is apart from `serve` so tests can build the app.

pub mod api;
mod assets;
pub mod auth;
pub mod carto;
pub mod documents;
pub mod duplicates;
pub mod error;
pub mod exports;
mod forms;
pub mod i18n;
pub mod importing;
pub mod pages;

use std::net::SocketAddr;

use axum::{Router, extract::State, http::StatusCode, routing::get};
use partinnov_store::Store;
use tokio::net::TcpListener;

/// Shared state: the store (a pool inside) and settings. Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub store: Store,
    /// Adds `Secure` to the session cookie; on when served behind HTTPS.
    pub secure_cookies: bool,
}

pub fn router(app: App) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .merge(assets::router())
        .merge(pages::router())
        .merge(duplicates::page_router())
        .nest("/api/v1", api::router())
        .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024))
        .layer(axum::middleware::from_fn(with_lang))
        .with_state(app)
}

tokio::task_local! {
    /// The language of the request being served, so that errors rendered far from the
    /// handler (problem titles, error pages, field messages) speak it too.
    pub static REQUEST_LANG: partinnov_domain::lang::Lang;
}

async fn with_lang(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let lang = auth::lang(req.headers()).lang;
    REQUEST_LANG.scope(lang, next.run(req)).await
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(State(app): State<App>) -> (StatusCode, &'static str) {
    match app.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check: database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Serves until Ctrl-C or SIGTERM, finishing requests in flight.
pub async fn serve(app: App, listener: TcpListener) -> std::io::Result<()> {
    let addr: SocketAddr = listener.local_addr()?;
    tracing::info!(%addr, "serving");
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown())
        .await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}
