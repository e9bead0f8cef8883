//! The stylesheet and the little JavaScript we write, embedded in the binary: no CDN.

use axum::{Router, http::header, response::IntoResponse, routing::get};

use crate::App;

const CSS: &str = include_str!("../assets/app.css");
const JS: &str = include_str!("../assets/app.js");
const CARTO_CSS: &str = include_str!("../assets/carto.css");
const CARTO_JS: &str = include_str!("../assets/carto.js");

pub fn router() -> Router<App> {
    Router::new()
        .route(
            "/assets/app.css",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                        (header::CACHE_CONTROL, "public, max-age=3600"),
                    ],
                    CSS,
                )
                    .into_response()
            }),
        )
        .route(
            "/assets/app.js",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                        (header::CACHE_CONTROL, "public, max-age=3600"),
                    ],
                    JS,
                )
                    .into_response()
            }),
        )
        .route(
            "/assets/carto.css",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                        (header::CACHE_CONTROL, "public, max-age=3600"),
                    ],
                    CARTO_CSS,
                )
                    .into_response()
            }),
        )
        .route(
            "/assets/carto.js",
            get(|| async {
                (
                    [
                        (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
                        (header::CACHE_CONTROL, "public, max-age=3600"),
                    ],
                    CARTO_JS,
                )
                    .into_response()
            }),
        )
}
