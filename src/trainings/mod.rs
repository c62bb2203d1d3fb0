//! Trainings (docs/domain/trainings.md): what the aios does with a training and its schedule,
//! and the records every other feature reads about a training.
//!
//! - `training`: a training and its registration, read for the user who may see it.
//! - `schedule`: schedule versions: the concept, submitting, change requests.
//! - `training_records`: what a training's pages show beside the schedule.
//! - `schedule_view`, `training_pages`, `schedule_editor_pages`: the aios's pages;
//!   `own_training` finds the training a page is about.
//! - `interventions`: the RGS's own decisions on a registration (its pages are in the back
//!   office).
//! - `mails`: the mails these send, rendered from `templates/mail/trainings/`.

pub mod interventions;
pub(crate) mod mails;
pub mod own_training;
pub mod schedule;
pub mod schedule_editor_pages;
pub mod schedule_view;
pub mod training;
pub mod training_pages;
pub mod training_records;
pub mod waiting;

/// The aios's pages of their trainings. Every handler takes `RoleUser<Aios>` and finds only the
/// aios's own trainings: someone else's answers 404.
pub fn router() -> axum::Router<crate::platform::state::AppState> {
    axum::Router::new()
        .merge(training_pages::router())
        .merge(schedule_editor_pages::router())
}
