//! The RGS's decision page for one training registration: the schedule, its history and
//! invoice, and the decisions only the RGS takes: doorhalen or beëindigen with a reason, and
//! an extension or interruption entered as a new schedule version (docs/domain/README.md,
//! docs/domain/trainings.md). Every handler takes `RoleUser<Rgs>`: anyone else gets 404.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use rules::code::Coded;
use serde::Deserialize;

use crate::billing::invoices::Invoice;
use crate::platform::ids::{TrainingId, UserId};
use crate::platform::state::AppState;
use crate::trainings::interventions::{self, Amendment, ClosureRecord, InterveneError};
use crate::trainings::schedule::{self, LoadedVersion, Versions};
use crate::trainings::schedule_editor_pages::{InterruptionForm, parse_interruption_form};
use crate::trainings::schedule_view::{self, HistoryEntry, ScheduleView};
use crate::trainings::training::Training;
use crate::web::action::Action;
use crate::web::current_user::{Rgs, RoleUser};
use crate::web::decision::{self as confirm, Check, Done};
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind};
use crate::web::form::{FormErrors, Posted, SelectOption, complete};
use crate::web::layout::Layout;
use crate::web::tasks::Link;
use rules::intervention::{self, Closure, InterventionRefusal};
use rules::reason::{Length, parse_reason};
use rules::schedule::model::SpecialtyRules;

/// The routes of the RGS's decision page.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rgs/opleidingen/{id}", get(show))
        .route("/rgs/opleidingen/{id}/afsluiten", post(close))
        .route("/rgs/opleidingen/{id}/verlenging", post(extend))
        .route("/rgs/opleidingen/{id}/onderbreking", post(interrupt))
}

/// What the three forms post; each form sends its own fields.
#[derive(Deserialize, Default, Debug)]
pub struct DecisionForm {
    #[serde(default)]
    afsluiting: String,
    #[serde(default)]
    afsluitreden: String,
    #[serde(default)]
    onderdeel: String,
    #[serde(default)]
    maanden: String,
    #[serde(default)]
    verlengingsreden: String,
    /// Set by the check page of a closure (`web::decision`).
    #[serde(default)]
    bevestigd: String,
}

/// One training as the RGS sees it.
#[derive(Template, WebTemplate)]
#[template(path = "back_office/training.html")]
pub struct TrainingPage {
    layout: Layout,
    training: Training,
    closure: Option<ClosureRecord>,
    invoice: Option<Invoice>,
    /// The current version's number and view.
    current: Option<(i32, ScheduleView)>,
    /// The number of a version waiting for the opleider.
    waiting: Option<i32>,
    /// The number of the aios's concept.
    concept: Option<i32>,
    entries: Vec<HistoryEntry>,
    /// The closures the status allows.
    closures: Vec<Closure>,
    /// Why the schedule cannot be amended now, if it cannot.
    amend_blocked: Option<String>,
    parts: Vec<SelectOption>,
    kinds: Vec<SelectOption>,
    institutions: Vec<SelectOption>,
    form: DecisionForm,
    interruption: InterruptionForm,
    errors: FormErrors,
    /// The errors an amendment would have caused.
    broken: Vec<String>,
}

impl TrainingPage {
    fn submitted(&self) -> Option<String> {
        self.training.submitted_at.map(rules::person::format_when)
    }
}

fn blocked_message(refusal: &InterventionRefusal, waiting: Option<i32>) -> String {
    match refusal {
        InterventionRefusal::Closed => {
            "De registratie is afgesloten; het schema wordt niet meer gewijzigd.".to_owned()
        }
        InterventionRefusal::ChangeWaiting => format!(
            "Er wacht een wijzigingsverzoek{} op de opleider. Voer de verlenging of onderbreking \
             in nadat daarover is besloten: anders gaat uw wijziging verloren als het verzoek \
             wordt goedgekeurd.",
            waiting
                .map(|n| format!(" (versie {n})"))
                .unwrap_or_default()
        ),
        _ => "Er is nog geen goedgekeurd schema. Een verlenging of onderbreking kan worden \
              ingevoerd zodra de opleider het eerste schema heeft goedgekeurd."
            .to_owned(),
    }
}

fn kind_options(rules: &SpecialtyRules) -> Vec<SelectOption> {
    rules
        .interruption_types
        .iter()
        .map(|(code, kind)| SelectOption::new(code, kind.name.clone()))
        .collect()
}

/// An interruption names an institution that already appears in the schedule.
fn institution_options(loaded: &LoadedVersion) -> Vec<SelectOption> {
    loaded
        .institutions()
        .into_iter()
        .map(|(id, name)| SelectOption::new(id, name))
        .collect()
}

/// What the clerk typed into the page's two forms, shown again when one of them is refused.
#[derive(Default)]
struct Typed {
    form: DecisionForm,
    interruption: InterruptionForm,
}

/// Why a form of the page was refused: the messages at its fields, and the errors the schedule
/// would get from the change.
#[derive(Default)]
struct Refusal {
    errors: FormErrors,
    broken: Vec<String>,
}

async fn page(
    state: &AppState,
    id: TrainingId,
    layout: Layout,
    Typed { form, interruption }: Typed,
    Refusal { errors, broken }: Refusal,
) -> AppResult<TrainingPage> {
    let mut conn = state.db.acquire().await?;
    let (training, rules) = interventions::find_with_rules(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let all = schedule::versions_with_items(&mut conn, id).await?;
    let versions = Versions::of(&all);
    let today = state.clock.today();
    let mut institutions = Vec::new();
    let current = match versions.current() {
        Some(version) => {
            let context = schedule::context(&training, version, today);
            let loaded = all
                .iter()
                .find(|l| l.version.id == version.id)
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("current version not loaded")))?;
            institutions = institution_options(loaded);
            let (view, _) = schedule_view::build(
                loaded,
                &rules,
                &context,
                false,
                format!("/rgs/opleidingen/{id}"),
            );
            Some((loaded.version.number, view))
        }
        None => None,
    };
    let waiting = versions.submitted().map(|v| v.number);
    let amend_blocked =
        intervention::may_amend(training.status, current.is_some(), waiting.is_some())
            .err()
            .map(|refusal| blocked_message(&refusal, waiting));
    let records = crate::trainings::training_records::records_of(&mut conn, id).await?;
    Ok(TrainingPage {
        closure: records.closure,
        invoice: records.invoice,
        entries: schedule_view::history_of(&all, &rules),
        concept: versions.concept().map(|v| v.number),
        closures: Closure::ALL
            .iter()
            .copied()
            .filter(|c| intervention::may_close(training.status, *c).is_ok())
            .collect(),
        parts: rules
            .parts
            .iter()
            .enumerate()
            .map(|(i, part)| SelectOption::new(i, part.name.clone()))
            .collect(),
        kinds: kind_options(&rules),
        institutions,
        amend_blocked,
        waiting,
        current,
        training,
        layout,
        form,
        interruption,
        errors,
        broken,
    })
}

async fn show(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Path(id): Path<TrainingId>,
    layout: Layout,
) -> AppResult<TrainingPage> {
    page(&state, id, layout, Typed::default(), Refusal::default()).await
}

/// The page again with what was typed and what is wrong with it (422).
async fn refused(
    state: &AppState,
    id: TrainingId,
    layout: Layout,
    typed: Typed,
    refusal: Refusal,
) -> AppResult<Response> {
    let page = page(state, id, layout, typed, refusal).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The page again after a refused closure or extension form, with that form as typed.
async fn refused_decision(
    state: &AppState,
    id: TrainingId,
    layout: Layout,
    form: DecisionForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let typed = Typed {
        form,
        ..Typed::default()
    };
    let refusal = Refusal {
        errors,
        ..Refusal::default()
    };
    refused(state, id, layout, typed, refusal).await
}

async fn training_of(state: &AppState, id: TrainingId) -> AppResult<Training> {
    let mut conn = state.db.acquire().await?;
    interventions::find(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn close(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<TrainingId>,
    layout: Layout,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    let training = training_of(&state, id).await?;
    let mut errors = FormErrors::new();
    let closure = Closure::from_code(&form.afsluiting);
    if closure.is_none() {
        errors.add(
            "afsluiting-doorgehaald",
            "Kies of de registratie wordt doorgehaald of beëindigd.",
        );
    }
    let reason = intervention::parse_reason(&form.afsluitreden)
        .map_err(|m| errors.add("afsluitreden", m))
        .ok();
    let (Some(closure), Some(reason)) = (closure, reason) else {
        return refused_decision(&state, id, layout, form, errors).await;
    };
    let trainee = &training.trainee_name;
    let back = |without: &str| {
        Link::new(
            format!("/rgs/opleidingen/{id}"),
            format!("Terug naar de registratie van {trainee}{without}"),
        )
    };
    if !confirm::confirmed(&form.bevestigd) {
        let (decision, choice, button) = match closure {
            Closure::StrikeOff => (
                format!("U haalt de opleidingsregistratie van {trainee} door."),
                "Doorhalen",
                "Ja, registratie doorhalen",
            ),
            Closure::End => (
                format!("U beëindigt de opleidingsregistratie van {trainee}."),
                "Beëindigen",
                "Ja, registratie beëindigen",
            ),
        };
        return Ok(Check {
            decision,
            facts: vec![
                ("Aios".to_owned(), trainee.clone()),
                ("Opleiding".to_owned(), training.specialty_name.clone()),
                ("Opleider".to_owned(), training.supervisor_name.clone()),
                ("Besluit".to_owned(), choice.to_owned()),
                ("Reden".to_owned(), reason.clone()),
            ],
            consequences: vec![
                format!(
                    "De registratie wordt {}; daarna kan niemand het schema nog wijzigen of \
                     indienen.",
                    closure.done()
                ),
                format!(
                    "{trainee} en {} krijgen hierover een e-mail, met de reden.",
                    training.supervisor_name
                ),
            ],
            action: format!("/rgs/opleidingen/{id}/afsluiten"),
            fields: vec![
                ("afsluiting".to_owned(), form.afsluiting.clone()),
                ("afsluitreden".to_owned(), form.afsluitreden.clone()),
            ],
            button: button.to_owned(),
            destructive: true,
            back: back(", zonder iets te wijzigen"),
        }
        .page(layout));
    }
    match interventions::close(&state, &meta, clerk.id, &training, closure, &reason).await {
        Ok(()) => {
            Done {
                title: format!("Registratie {}", closure.done()),
                lines: vec![
                    format!(
                        "De opleidingsregistratie van {trainee} ({}) is {}.",
                        training.specialty_name,
                        closure.done()
                    ),
                    format!(
                        "{trainee} en {} krijgen hierover een e-mail.",
                        training.supervisor_name
                    ),
                ],
                next: None,
                back: back(""),
            }
            .show(&session)
            .await
        }
        Err(InterveneError::Refused(refusal)) => {
            let message = match refusal {
                InterventionRefusal::Closed => "De registratie is al afgesloten.",
                InterventionRefusal::NotSubmitted => {
                    "De aanvraag staat nog op concept en heeft geen gevolgen; er valt niets af \
                     te sluiten."
                }
                _ => {
                    "Alleen een registratie die de opleider heeft goedgekeurd kan worden \
                     beëindigd. Een aanvraag die nog wacht, kunt u doorhalen."
                }
            };
            errors.add("afsluiting-doorgehaald", message);
            refused_decision(&state, id, layout, form, errors).await
        }
        Err(InterveneError::Database(e)) => Err(e.into()),
    }
}

/// Records `amendment` and answers with the page: a redirect with a message, or the page with
/// why it was refused.
async fn amend(
    (clerk, training): (UserId, &Training),
    action: Action,
    layout: Layout,
    typed: Typed,
    (amendment, field): (&Amendment, &'static str),
) -> AppResult<Response> {
    let Action {
        state,
        session,
        origin: meta,
    } = &action;
    let id = training.id;
    let rules = crate::trainings::own_training::training_rules(state, training).await?;
    match interventions::amend(state, meta, clerk, training, &rules, amendment).await {
        Ok(amended) => {
            let carried = amended
                .carried_concept
                .map(|n| {
                    format!(
                        " Het concept waaraan de aios werkte, staat nu als versie {n} klaar, met \
                         deze wijziging erin."
                    )
                })
                .unwrap_or_default();
            flash::push(
                session,
                FlashKind::Success,
                format!(
                    "De wijziging is vastgelegd als versie {} van het schema. De aios en de \
                     opleider krijgen hierover een e-mail.{carried}",
                    amended.version
                ),
            )
            .await?;
            Ok(Redirect::to(&format!("/rgs/opleidingen/{id}")).into_response())
        }
        Err(InterveneError::Refused(InterventionRefusal::NewErrors(broken))) => {
            let mut errors = FormErrors::new();
            errors.add(
                field,
                "Met deze wijziging krijgt het schema fouten die het nu niet heeft; zie hieronder.",
            );
            refused(state, id, layout, typed, Refusal { errors, broken }).await
        }
        Err(InterveneError::Refused(refusal)) => {
            let mut errors = FormErrors::new();
            let waiting = {
                let mut conn = state.db.acquire().await?;
                Versions {
                    all: schedule::versions(&mut conn, id).await?,
                }
                .submitted()
                .map(|v| v.number)
            };
            errors.add(field, blocked_message(&refusal, waiting));
            let refusal = Refusal {
                errors,
                ..Refusal::default()
            };
            refused(state, id, layout, typed, refusal).await
        }
        Err(InterveneError::Database(e)) => Err(e.into()),
    }
}

async fn extend(
    clerk: RoleUser<Rgs>,
    action: Action,
    Path(id): Path<TrainingId>,
    layout: Layout,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    let state = &action.state;
    let training = training_of(state, id).await?;
    let rules = crate::trainings::own_training::training_rules(state, &training).await?;
    let mut errors = FormErrors::new();
    let part = form
        .onderdeel
        .parse::<i16>()
        .ok()
        .filter(|p| usize::try_from(*p).is_ok_and(|p| p < rules.parts.len()));
    if part.is_none() {
        errors.add(
            "onderdeel",
            "Kies het opleidingsonderdeel dat wordt verlengd.",
        );
    }
    let months = intervention::parse_extension_months(&form.maanden)
        .map_err(|m| errors.add("maanden", m))
        .ok();
    let reason = parse_reason(&form.verlengingsreden, Length::between(5, 1000))
        .map_err(|problem| {
            errors.add(
                "verlengingsreden",
                problem
                    .message("Geef de reden van de verlenging: de aios en de opleider lezen die."),
            )
        })
        .unwrap_or_default();
    let (Some(part), Some(months), true) = (part, months, errors.is_empty()) else {
        return refused_decision(state, id, layout, form, errors).await;
    };
    let amendment = Amendment::Extension {
        part,
        months,
        reason,
    };
    let typed = Typed {
        form,
        ..Typed::default()
    };
    amend(
        (clerk.id, &training),
        action,
        layout,
        typed,
        (&amendment, "maanden"),
    )
    .await
}

async fn interrupt(
    clerk: RoleUser<Rgs>,
    action: Action,
    Path(id): Path<TrainingId>,
    layout: Layout,
    interruption: Posted<InterruptionForm>,
) -> AppResult<Response> {
    let state = &action.state;
    let training = training_of(state, id).await?;
    let interruption = match complete(interruption) {
        Ok(interruption) => interruption,
        Err(incomplete) => return Ok(incomplete.into_response()),
    };
    // The choices the page offers: the types, and the institutions of the current schedule.
    let rules = crate::trainings::own_training::training_rules(state, &training).await?;
    let mut conn = state.db.acquire().await?;
    let current = Versions {
        all: schedule::versions(&mut conn, id).await?,
    }
    .current()
    .cloned();
    let institutions = match current {
        Some(version) => institution_options(&schedule::load_version(&mut conn, version).await?),
        None => Vec::new(),
    };
    drop(conn);
    let parsed = parse_interruption_form(
        &interruption,
        &kind_options(&rules),
        &institutions,
        "Kies een opleidingsinrichting die al in het schema staat.",
    );
    let input = match parsed {
        Ok(input) => input,
        Err(errors) => {
            let typed = Typed {
                interruption,
                ..Typed::default()
            };
            let refusal = Refusal {
                errors,
                ..Refusal::default()
            };
            return refused(state, id, layout, typed, refusal).await;
        }
    };
    let typed = Typed {
        interruption,
        ..Typed::default()
    };
    amend(
        (clerk.id, &training),
        action,
        layout,
        typed,
        (&Amendment::Interruption(input), "soort"),
    )
    .await
}
