//! The opleider's area. For now: confirming account requests of ondersteuners who name them.
//! Every handler takes `RoleUser<Opleider>`; a request that does not name this opleider is 404.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::accounts::account_requests::{self, DecideError, RequestSummary};
use crate::accounts::delegations::{self, Delegation};
use crate::platform::audit::Origin;
use crate::platform::state::AppState;
use crate::web::action::Action;
use crate::web::current_user::{Opleider, RoleUser};
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind};
use crate::web::form::FormErrors;
use crate::web::layout::Layout;
use rules::reason::{Length, parse_reason};

/// The opleider routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/opleider/ondersteuners", get(requests))
        .route("/opleider/ondersteuners/{id}/bevestigen", post(confirm))
        .route("/opleider/ondersteuners/{id}/afwijzen", post(reject))
        .route(
            "/opleider/ondersteuners/delegaties/{id}/beeindigen",
            post(end_delegation),
        )
}

/// Requests waiting for this opleider.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/account_request_confirmation/support_requests.html")]
pub struct SupportRequestsPage {
    layout: Layout,
    requests: Vec<RequestSummary>,
    delegations: Vec<Delegation>,
    errors: FormErrors,
}

async fn requests(
    opleider: RoleUser<Opleider>,
    State(state): State<AppState>,
    layout: Layout,
) -> AppResult<SupportRequestsPage> {
    Ok(SupportRequestsPage {
        layout,
        requests: account_requests::waiting_for_supervisor(&state.db, opleider.id).await?,
        delegations: delegations::of_supervisor(&state.db, opleider.id).await?,
        errors: FormErrors::new(),
    })
}

async fn decide(
    opleider: RoleUser<Opleider>,
    state: AppState,
    id: Uuid,
    session: Session,
    meta: Origin,
    confirm: bool,
    reason: Option<&str>,
) -> AppResult<Response> {
    match account_requests::supervisor_decides(&state, &meta, opleider.id, id, confirm, reason)
        .await
    {
        Ok(()) => {
            let message = if confirm {
                "U heeft de aanvraag bevestigd. De RGS neemt nu een besluit."
            } else {
                "U heeft de aanvraag afgewezen. De aanvrager krijgt hierover een e-mail."
            };
            flash::push(&session, FlashKind::Success, message).await?;
            Ok(Redirect::to("/opleider/ondersteuners").into_response())
        }
        Err(DecideError::Failed(e)) => Err(e.into()),
        Err(_) => Err(AppError::NotFound),
    }
}

async fn confirm(
    opleider: RoleUser<Opleider>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    session: Session,
    meta: Origin,
) -> AppResult<Response> {
    decide(opleider, state, id, session, meta, true, None).await
}

#[derive(Deserialize)]
struct RejectForm {
    #[serde(default)]
    reden: String,
}

async fn reject(
    opleider: RoleUser<Opleider>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<Uuid>,
    layout: Layout,
    Form(form): Form<RejectForm>,
) -> AppResult<Response> {
    let Ok(reason) = parse_reason(&form.reden, Length::at_least(5)) else {
        let mut errors = FormErrors::new();
        errors.add(
            "reden",
            "Geef een reden op voor de afwijzing; de aanvrager leest die in de e-mail.",
        );
        let page = SupportRequestsPage {
            layout,
            requests: account_requests::waiting_for_supervisor(&state.db, opleider.id).await?,
            delegations: delegations::of_supervisor(&state.db, opleider.id).await?,
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    };
    decide(opleider, state, id, session, meta, false, Some(&reason)).await
}

async fn end_delegation(
    opleider: RoleUser<Opleider>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    session: Session,
    meta: Origin,
) -> AppResult<Response> {
    if !delegations::end(&state, &meta, opleider.id, id).await? {
        return Err(AppError::NotFound);
    }
    flash::push(
        &session,
        FlashKind::Success,
        "De ondersteuner werkt niet langer namens u en ziet uw aios niet meer.",
    )
    .await?;
    Ok(Redirect::to("/opleider/ondersteuners").into_response())
}
