//! Finding the training a page is about: the aios's own (someone else's answers 404), with the
//! rules of its specialty, and where its page is.

use crate::platform::ids::{TrainingId, UserId};
use crate::platform::state::AppState;
use crate::trainings::training::{self, Training};
use crate::web::error::{AppError, AppResult};
use rules::schedule::model::SpecialtyRules;

/// Training `id` of aios `aios`, or 404.
pub(crate) async fn own_training(
    state: &AppState,
    aios: UserId,
    id: TrainingId,
) -> AppResult<Training> {
    let mut conn = state.db.acquire().await?;
    training::of_trainee(&mut conn, id, aios)
        .await?
        .ok_or(AppError::NotFound)
}

/// Training `id` of `aios` with its specialty's rules, or 404 (someone else's).
pub(crate) async fn own_training_with_rules(
    state: &AppState,
    aios: UserId,
    id: TrainingId,
) -> AppResult<(Training, SpecialtyRules)> {
    let mut conn = state.db.acquire().await?;
    training::of_trainee_with_rules(&mut conn, id, aios)
        .await?
        .ok_or(AppError::NotFound)
}

/// Where a training's page is.
pub(crate) fn training_path(id: TrainingId) -> String {
    format!("/aios/opleidingen/{id}")
}

/// The definition of `training`'s specialty, which every schedule check needs.
pub(crate) async fn training_rules(
    state: &AppState,
    training: &Training,
) -> AppResult<SpecialtyRules> {
    crate::reference_data::lookup::specialty_rules(&state.db, training.specialty_id)
        .await?
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("specialty of a training is missing")))
}
