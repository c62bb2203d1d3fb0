//! The aios's pages of their trainings (docs/domain/README.md, docs/domain/trainings.md): trainings
//! and their registration, the schedule editor and change requests. Every handler takes
//! `RoleUser<Aios>` and finds only the aios's own trainings: someone else's answers 404.

use axum::Router;
use uuid::Uuid;

use crate::platform::state::AppState;
use crate::trainings::{self, Training};
use crate::web::error::{AppError, AppResult};
use rules::schedule::model::SpecialtyRules;

/// The aios routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(crate::trainings::training_pages::router())
        .merge(crate::trainings::schedule_editor_pages::router())
}

/// Training `id` of aios `aios`, or 404.
pub(crate) async fn own_training(state: &AppState, aios: Uuid, id: Uuid) -> AppResult<Training> {
    let mut conn = state.db.acquire().await?;
    trainings::of_trainee(&mut conn, id, aios)
        .await?
        .ok_or(AppError::NotFound)
}

/// Training `id` of `aios` with its specialty's rules, or 404 (someone else's).
pub(crate) async fn own_training_with_rules(
    state: &AppState,
    aios: Uuid,
    id: Uuid,
) -> AppResult<(Training, SpecialtyRules)> {
    let mut conn = state.db.acquire().await?;
    trainings::of_trainee_with_rules(&mut conn, id, aios)
        .await?
        .ok_or(AppError::NotFound)
}

/// Where a training's page is.
pub(crate) fn training_path(id: Uuid) -> String {
    format!("/aios/opleidingen/{id}")
}
