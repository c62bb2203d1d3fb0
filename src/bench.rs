//! The benchmark's baseline (`cargo build --release --features bench` only; never in the
//! portal people use): the TechEmpower "Fortunes" shape, a small table rendered with askama
//! from one indexed query on the portal's own pool, behind the portal's own middleware. The
//! benchmark (`bench/run`) compares every page with it.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::routing::get;

use crate::platform::state::AppState;
use crate::web::error::AppResult;

/// The baseline page.
#[derive(Template, WebTemplate)]
#[template(path = "bench/fortunes.html")]
struct Fortunes {
    rows: Vec<(String, String)>,
}

/// `/bench/fortunes`.
pub fn router() -> Router<AppState> {
    Router::new().route("/bench/fortunes", get(fortunes))
}

async fn fortunes(State(state): State<AppState>) -> AppResult<Fortunes> {
    let rows = sqlx::query!("SELECT code, name FROM specialties ORDER BY code LIMIT 12")
        .fetch_all(&state.db)
        .await?;
    Ok(Fortunes {
        rows: rows.into_iter().map(|row| (row.code, row.name)).collect(),
    })
}
