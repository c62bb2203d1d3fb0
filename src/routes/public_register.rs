//! The public register lookup (SPEC §6): anyone, without logging in, searches by name or
//! BIG-nummer and sees the name, the register, the start and end date and the status; never
//! private data. Searching is limited per client address and paginated.

use std::sync::Arc;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use tower_governor::GovernorLayer;
use tower_governor::governor::GovernorConfigBuilder;

use crate::error::AppResult;
use crate::registers::public::{self, PublicEntry};
use crate::state::AppState;
use crate::web::form::FormErrors;
use crate::web::layout::Layout;

/// The lookup: 30 searches at once from one address, then one a second (429 beyond).
pub fn router() -> Router<AppState> {
    let limit = Arc::new(
        GovernorConfigBuilder::default()
            .per_second(1)
            .burst_size(super::burst(30))
            .finish()
            .unwrap_or_else(|| unreachable!("1 s per token and a burst of 30 are valid")),
    );
    Router::new().route("/register", get(search).layer(GovernorLayer::new(limit)))
}

#[derive(Deserialize, Default)]
struct SearchQuery {
    #[serde(default)]
    zoek: String,
    #[serde(default)]
    pagina: String,
}

/// The search form and its results.
#[derive(Template, WebTemplate)]
#[template(path = "public/register.html")]
pub struct RegisterPage {
    layout: Layout,
    zoek: String,
    errors: FormErrors,
    searched: bool,
    entries: Vec<PublicEntry>,
    page: i64,
    previous: Option<String>,
    next: Option<String>,
}

fn page_link(zoek: &str, page: i64) -> String {
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("zoek", zoek)
        .append_pair("pagina", &page.to_string())
        .finish();
    format!("/register?{query}")
}

async fn search(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
    layout: Layout,
) -> AppResult<Response> {
    let mut page = RegisterPage {
        layout,
        zoek: query.zoek.chars().take(200).collect(),
        errors: FormErrors::new(),
        searched: false,
        entries: Vec::new(),
        page: 1,
        previous: None,
        next: None,
    };
    let number = match query.pagina.trim() {
        "" => Some(1),
        typed => typed
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=public::MAX_PAGE).contains(n)),
    };
    let Some(number) = number else {
        page.errors.add(
            "zoek",
            format!(
                "Er zijn hoogstens {} pagina's met resultaten.",
                public::MAX_PAGE
            ),
        );
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let search = match public::parse_search(&page.zoek) {
        Ok(Some(search)) => search,
        Ok(None) => return Ok(page.into_response()),
        Err(message) => {
            page.errors.add("zoek", message);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let (entries, more) = public::find(&state.db, &search, number).await?;
    page.searched = true;
    page.page = number;
    page.entries = entries;
    page.previous = (number > 1).then(|| page_link(&page.zoek, number - 1));
    page.next = more.then(|| page_link(&page.zoek, number + 1));
    Ok(page.into_response())
}
