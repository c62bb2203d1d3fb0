//! CSS, scripts and images from the `static/` folder. Pages link them with `?v=ASSET_VERSION`,
//! so a successful answer may be cached for a year: a new build changes the address.

use std::path::Path;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use tower_http::services::ServeDir;

/// The router for `/static`.
pub fn router<S: Clone + Send + Sync + 'static>(dir: &Path) -> Router<S> {
    Router::new()
        .fallback_service(ServeDir::new(dir))
        .layer(middleware::from_fn(cache_forever))
}

async fn cache_forever(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    if response.status().is_success() || response.status().as_u16() == 304 {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    response
}
