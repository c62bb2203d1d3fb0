//! The public register lookup (docs/domain/registers.md): anyone, without logging in, searches by
//! name or BIG-nummer and sees the name, the register, the start and end date and the status; never
//! private data. Searching is limited per client address and paginated.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use crate::platform::state::AppState;
use crate::registers::public_register::{self, PublicEntry};
use crate::web::error::AppResult;
use crate::web::form::{FormErrors, SelectOption};
use crate::web::layout::Layout;
use uuid::Uuid;

/// The lookup: 30 searches at once from one address, then one a second (429 beyond).
pub fn router() -> Router<AppState> {
    Router::new().route(
        "/register",
        get(search).layer(crate::web::rate_limit::per_client(1, 30)),
    )
}

#[derive(Deserialize, Default)]
struct SearchQuery {
    #[serde(default)]
    zoek: String,
    #[serde(default)]
    specialisme: String,
    #[serde(default)]
    pagina: String,
}

/// The search form and its results.
#[derive(Template, WebTemplate)]
#[template(path = "registers/public_register.html")]
pub struct RegisterPage {
    layout: Layout,
    zoek: String,
    /// Every specialty and profile, for the filter ("" is all of them).
    specialties: Vec<SelectOption>,
    /// The specialty chosen, as its id, or "".
    specialisme: String,
    errors: FormErrors,
    searched: bool,
    entries: Vec<PublicEntry>,
    page: i64,
    previous: Option<String>,
    next: Option<String>,
}

fn page_link(zoek: &str, specialisme: &str, page: i64) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("zoek", zoek);
    if !specialisme.is_empty() {
        query.append_pair("specialisme", specialisme);
    }
    let query = query.append_pair("pagina", &page.to_string()).finish();
    format!("/register?{query}")
}

/// The page asked for in `pagina` (1 when it is empty), or what is wrong with it.
fn page_number(typed: &str) -> Result<i64, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(1);
    }
    match typed.parse::<i64>() {
        Err(_) if !typed.chars().all(|c| c.is_ascii_digit()) => Err(format!(
            "Het paginanummer in het adres is geen getal. Kies een pagina van 1 tot en met {}.",
            public_register::MAX_PAGE
        )),
        Ok(n) if n < 1 => Err(format!(
            "Pagina's worden geteld vanaf 1. Kies een pagina van 1 tot en met {}.",
            public_register::MAX_PAGE
        )),
        Ok(n) if n <= public_register::MAX_PAGE => Ok(n),
        _ => Err(format!(
            "Er zijn hoogstens {} pagina's met resultaten. Verfijn uw zoekopdracht om te vinden \
             wie u zoekt.",
            public_register::MAX_PAGE
        )),
    }
}

async fn search(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
    layout: Layout,
) -> AppResult<Response> {
    let mut specialties = vec![SelectOption::new("", "Alle specialismen en profielen")];
    specialties.extend(
        crate::trainings::training::specialties(&state.db)
            .await?
            .into_iter()
            .map(|s| SelectOption::new(s.id, s.name)),
    );
    // An id that is no specialty is no filter: refused, not searched without it.
    let specialty = match query.specialisme.trim() {
        "" => Ok(None),
        typed => Uuid::parse_str(typed)
            .ok()
            .filter(|id| specialties.iter().any(|o| o.value == id.to_string()))
            .map(Some)
            .ok_or(()),
    };
    let mut page = RegisterPage {
        layout,
        zoek: query.zoek.chars().take(200).collect(),
        specialties,
        specialisme: specialty
            .ok()
            .flatten()
            .map(|id| id.to_string())
            .unwrap_or_default(),
        errors: FormErrors::new(),
        searched: false,
        entries: Vec::new(),
        page: 1,
        previous: None,
        next: None,
    };
    let number = match page_number(&query.pagina) {
        Ok(number) => number,
        Err(message) => {
            page.errors.add("zoek", message);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let Ok(specialty) = specialty else {
        page.errors.add(
            "specialisme",
            "Kies een specialisme of profiel uit de lijst.",
        );
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    let search = match public_register::parse_search(&page.zoek) {
        Ok(Some(search)) => search,
        Ok(None) => return Ok(page.into_response()),
        Err(message) => {
            page.errors.add("zoek", message);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let (entries, more) = public_register::find(&state.db, &search, specialty, number).await?;
    page.searched = true;
    page.page = number;
    page.entries = entries;
    page.previous = (number > 1).then(|| page_link(&page.zoek, &page.specialisme, number - 1));
    page.next = more.then(|| page_link(&page.zoek, &page.specialisme, number + 1));
    Ok(page.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_number_says_what_is_wrong_with_it() {
        assert_eq!(page_number(""), Ok(1));
        assert_eq!(page_number(" 3 "), Ok(3));
        assert!(page_number("0").unwrap_err().contains("vanaf 1"));
        assert!(page_number("-2").unwrap_err().contains("vanaf 1"));
        assert!(page_number("abc").unwrap_err().contains("geen getal"));
        assert!(page_number("2.5").unwrap_err().contains("geen getal"));
        let far = (public_register::MAX_PAGE + 1).to_string();
        assert!(page_number(&far).unwrap_err().contains("hoogstens"));
        assert!(
            page_number("99999999999999999999")
                .unwrap_err()
                .contains("hoogstens")
        );
    }
}
