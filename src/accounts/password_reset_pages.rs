//! "Wachtwoord vergeten": a single-use reset link by mail, valid for one hour.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use crate::accounts::credentials;
use crate::accounts::sign_up::{self, TokenPurpose};
use crate::platform::audit::Origin;
use crate::platform::ids::UserId;
use crate::platform::state::AppState;
use crate::web::action::Action;
use crate::web::error::AppResult;
use crate::web::flash::{self, FlashKind};
use crate::web::form::FormErrors;
use crate::web::layout::Layout;

/// The reset routes; asking for a link is limited per client address like the login.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/wachtwoord-vergeten",
            get(request_form).post(request_submit.layer(crate::web::rate_limit::per_client(6, 10))),
        )
        .route(
            "/wachtwoord-herstellen/{token}",
            get(reset_form).post(reset_submit),
        )
}

/// Asking for a reset link.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/password_reset/request.html")]
pub struct RequestPage {
    layout: Layout,
    sent: bool,
    errors: FormErrors,
}

async fn request_form(layout: Layout) -> RequestPage {
    RequestPage {
        layout,
        sent: false,
        errors: FormErrors::new(),
    }
}

#[derive(Deserialize)]
struct RequestForm {
    #[serde(default)]
    account: String,
}

async fn request_submit(
    State(state): State<AppState>,
    meta: Origin,
    layout: Layout,
    Form(form): Form<RequestForm>,
) -> AppResult<Response> {
    if form.account.trim().is_empty() {
        let mut errors = FormErrors::new();
        errors.add("account", "Vul uw gebruikersnaam of e-mailadres in.");
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            RequestPage {
                layout,
                sent: false,
                errors,
            },
        )
            .into_response());
    }
    credentials::request_reset(&state, &meta, &form.account).await?;
    Ok(RequestPage {
        layout,
        sent: true,
        errors: FormErrors::new(),
    }
    .into_response())
}

/// Choosing the new password.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/password_reset/reset.html")]
pub struct ResetPage {
    layout: Layout,
    token: String,
    valid: bool,
    errors: FormErrors,
}

async fn reset_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    layout: Layout,
) -> AppResult<Response> {
    let valid = sign_up::peek_token(
        &state.db,
        &token,
        TokenPurpose::PasswordReset,
        state.clock.now(),
    )
    .await?
    .is_some();
    let page = ResetPage {
        layout,
        token,
        valid,
        errors: FormErrors::new(),
    };
    Ok(if valid {
        page.into_response()
    } else {
        (StatusCode::NOT_FOUND, page).into_response()
    })
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    nieuw_wachtwoord: String,
    #[serde(default)]
    herhaling: String,
}

async fn reset_submit(
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(token): Path<String>,
    layout: Layout,
    Form(form): Form<ResetForm>,
) -> AppResult<Response> {
    let user_id = sign_up::peek_token(
        &state.db,
        &token,
        TokenPurpose::PasswordReset,
        state.clock.now(),
    )
    .await?;
    let Some(user_id) = user_id else {
        return Ok((
            StatusCode::NOT_FOUND,
            ResetPage {
                layout,
                token,
                valid: false,
                errors: FormErrors::new(),
            },
        )
            .into_response());
    };
    let user = sqlx::query!(
        "SELECT username, full_name, email FROM users WHERE id = $1",
        user_id as UserId,
    )
    .fetch_one(&state.db)
    .await?;
    let (username, name, email) = (user.username, user.full_name, user.email);
    let mut errors = FormErrors::new();
    let new = errors.new_password(
        ("nieuw_wachtwoord", &form.nieuw_wachtwoord),
        ("herhaling", &form.herhaling),
        &[&username, &name, &email],
    );
    if let Some(new) = new.filter(|_| errors.is_empty()) {
        if credentials::reset_password(&state, &meta, &token, &new).await? {
            flash::push(
                &session,
                FlashKind::Success,
                "Uw nieuwe wachtwoord is ingesteld. Log ermee in.",
            )
            .await?;
            return Ok(Redirect::to("/inloggen").into_response());
        }
        return Ok((
            StatusCode::NOT_FOUND,
            ResetPage {
                layout,
                token,
                valid: false,
                errors,
            },
        )
            .into_response());
    }
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        ResetPage {
            layout,
            token,
            valid: true,
            errors,
        },
    )
        .into_response())
}
