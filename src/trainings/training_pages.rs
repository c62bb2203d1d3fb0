//! "Mijn opleiding": the overview of the aios's trainings, creating a new one, a training's
//! page with its schedule, the version history, submitting, and change requests.

use crate::platform::ids::{TrainingId, UserId};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::Datelike;
use rules::code::Coded;
use rules::money::Money;
use rules::register_entry::Register;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::accounts::basisgegevens;
use crate::billing::invoices::{self, REGISTRATION_PRODUCT, RegistrationCost};
use crate::platform::audit::Origin;
use crate::platform::auth::session_store;
use crate::platform::state::AppState;
use crate::reference_data::lookup::fee_for_specialty;
use crate::supervision::shortening_view;
use crate::trainings::own_training::{own_training, own_training_with_rules, training_path};
use crate::trainings::schedule::{self, ChangeError, Submitted, Version, Versions};
use crate::trainings::schedule_view::{self, HistoryEntry, ScheduleView};
use crate::trainings::training::{self, CreateError, NewTraining, Training};
use crate::web::action::Action;
use crate::web::current_user::{Aios, RoleUser};
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind};
use crate::web::form::{FormErrors, SelectOption};
use crate::web::layout::Layout;
use rules::shortening::Proposer;
use rules::training::{Invoicing, Refusal, VersionStatus};

/// The routes of trainings.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/aios/opleidingen", get(overview))
        .route("/aios/opleidingen/nieuw", get(new_form).post(create))
        .route("/aios/opleidingen/{id}", get(show))
        .route("/aios/opleidingen/{id}/versies", get(history))
        .route(
            "/aios/opleidingen/{id}/indienen",
            get(submit_form).post(submit),
        )
        .route("/aios/opleidingen/{id}/wijzigen", post(start_change))
        .route("/aios/opleidingen/{id}/intrekken", post(withdraw))
}

/// One row of the overview.
pub struct TrainingRow {
    training: training::OverviewEntry,
    /// A change request is still a concept.
    concept_change: bool,
}

/// The overview of trainings.
#[derive(Template, WebTemplate)]
#[template(path = "trainings/overview.html")]
pub struct OverviewPage {
    layout: Layout,
    trainings: Vec<TrainingRow>,
    missing: Vec<&'static str>,
}

async fn overview(
    aios: RoleUser<Aios>,
    State(state): State<AppState>,
    layout: Layout,
) -> AppResult<OverviewPage> {
    // On the connection the session was read on (one of PAGES_ON_THE_SESSIONS_CONNECTION),
    // back in the pool before the page is rendered.
    let mut db = session_store::session_connection_or_acquire(&state.db).await?;
    let (details, trainings) = training::overview_of_trainee(&mut db, aios.id).await?;
    drop(db);
    let rows = trainings
        .into_iter()
        .map(|training| TrainingRow {
            concept_change: training.status.accepts_change_requests() && training.has_concept,
            training,
        })
        .collect();
    Ok(OverviewPage {
        layout,
        trainings: rows,
        missing: details.missing_for_training(),
    })
}

/// "Nieuwe opleiding": what must be in place, then the choices.
#[derive(Template, WebTemplate)]
#[template(path = "trainings/new_training.html")]
pub struct NewTrainingPage {
    layout: Layout,
    missing: Vec<&'static str>,
    specialties: Vec<SelectOption>,
    /// The chosen specialty, once chosen (step 2).
    chosen: Option<training::SpecialtyOption>,
    institutes: Vec<SelectOption>,
    supervisors: Vec<SelectOption>,
    invoicing: Vec<(Invoicing, bool)>,
    /// What the registration costs this year, for the chosen specialty.
    fee: Option<Money>,
    form: NewTrainingForm,
    errors: FormErrors,
}

/// The choices posted (and the specialty chosen in step 1, as a query).
#[derive(Deserialize, Default, Debug)]
pub struct NewTrainingForm {
    #[serde(default)]
    specialisme: String,
    #[serde(default)]
    instituut: String,
    #[serde(default)]
    opleider: String,
    #[serde(default)]
    facturering: String,
}

async fn new_page(
    state: &AppState,
    aios: UserId,
    layout: Layout,
    form: NewTrainingForm,
    mut errors: FormErrors,
) -> AppResult<NewTrainingPage> {
    // Each statement on a connection that is back in the pool before the next is taken.
    let (details, _) = basisgegevens::load(&mut *state.db.acquire().await?, aios).await?;
    let all = training::specialties(&state.db).await?;
    let chosen = all
        .iter()
        .find(|s| s.id.to_string() == form.specialisme)
        .cloned();
    if chosen.is_none() && !form.specialisme.is_empty() {
        errors.add(
            "specialisme",
            "Kies een specialisme of profiel uit de lijst.",
        );
    }
    let (institutes, supervisors, fee) = match &chosen {
        Some(s) => {
            let choices = training::choices_for(&state.db, s.id, aios).await?;
            let fee = fee_for_specialty(
                &state.db,
                state.clock.today().year(),
                REGISTRATION_PRODUCT,
                s.id,
            )
            .await?;
            (choices.institutes, choices.supervisors, fee)
        }
        None => (Vec::new(), Vec::new(), None),
    };
    let options = |choices: Vec<training::Choice>| {
        choices
            .into_iter()
            .map(|c| SelectOption::new(c.id, c.label))
            .collect()
    };
    Ok(NewTrainingPage {
        layout,
        missing: details.missing_for_training(),
        specialties: all
            .iter()
            .map(|s| {
                let kind = match s.register.0 {
                    Register::Profile => "profiel",
                    Register::Specialist => "specialisme",
                };
                SelectOption::new(s.id, format!("{} ({kind})", s.name))
            })
            .collect(),
        chosen,
        institutes: options(institutes),
        supervisors: options(supervisors),
        invoicing: [Invoicing::OnSubmission, Invoicing::OnStartDate]
            .into_iter()
            .map(|i| (i, i.code() == form.facturering))
            .collect(),
        fee,
        form,
        errors,
    })
}

async fn new_form(
    aios: RoleUser<Aios>,
    State(state): State<AppState>,
    layout: Layout,
    Query(form): Query<NewTrainingForm>,
) -> AppResult<NewTrainingPage> {
    new_page(&state, aios.id, layout, form, FormErrors::new()).await
}

fn parse_new(page: &NewTrainingPage) -> Result<NewTraining, FormErrors> {
    let mut errors = FormErrors::new();
    let form = &page.form;
    let Some(specialty) = &page.chosen else {
        errors.add(
            "specialisme",
            "Kies een specialisme of profiel uit de lijst.",
        );
        return Err(errors);
    };
    let pick = |options: &[SelectOption], value: &str| {
        options
            .iter()
            .find(|o| o.value == value)
            .and_then(|o| o.value.parse::<Uuid>().ok())
    };
    let institute = if specialty.institute_based {
        let found = pick(&page.institutes, &form.instituut);
        if found.is_none() {
            errors.add(
                "instituut",
                "Kies het opleidingsinstituut van uw opleiding.",
            );
        }
        found
    } else {
        None
    };
    let supervisor = pick(&page.supervisors, &form.opleider).map(UserId);
    if supervisor.is_none() {
        errors.add(
            "opleider",
            "Kies uw oordelend opleider uit de lijst van erkende opleiders.",
        );
    }
    let invoicing = Invoicing::from_code(&form.facturering);
    if invoicing.is_none() {
        errors.add(
            "facturering-bij_indienen",
            "Kies hoe u de factuur wilt ontvangen.",
        );
    }
    match (supervisor, invoicing) {
        (Some(supervisor_id), Some(invoicing)) if errors.is_empty() => Ok(NewTraining {
            specialty_id: specialty.id,
            institute_id: institute,
            supervisor_id,
            invoicing,
        }),
        _ => Err(errors),
    }
}

async fn create(
    aios: RoleUser<Aios>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    layout: Layout,
    Form(form): Form<NewTrainingForm>,
) -> AppResult<Response> {
    let page = new_page(&state, aios.id, layout, form, FormErrors::new()).await?;
    if !page.missing.is_empty() {
        // The task list on the page says what to finish first; nothing is created.
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
    }
    let errors = match parse_new(&page) {
        Ok(new) => match training::create(&state, &meta, aios.id, &new).await {
            Ok(id) => {
                flash::push(
                    &session,
                    FlashKind::Success,
                    "De opleiding is aangemaakt. Voeg nu de periodes van uw opleidingsschema toe.",
                )
                .await?;
                return Ok(Redirect::to(&training_path(id)).into_response());
            }
            Err(CreateError::Duplicate) => {
                let mut errors = FormErrors::new();
                errors.add(
                    "specialisme",
                    "U heeft al een lopende opleiding in dit specialisme of profiel. Werk het \
                     schema van die opleiding bij.",
                );
                errors
            }
            Err(CreateError::Database(e)) => return Err(e.into()),
        },
        Err(errors) => errors,
    };
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        NewTrainingPage { errors, ..page },
    )
        .into_response())
}

/// A training with its schedule.
#[derive(Template, WebTemplate)]
#[template(path = "trainings/training.html")]
pub struct TrainingPage {
    layout: Layout,
    training: Training,
    shown: Version,
    current_number: Option<i32>,
    concept_change: bool,
    waiting: bool,
    rejection: Option<String>,
    can_start_change: bool,
    schedule: ScheduleView,
    shortening_section: shortening_view::Section,
    /// The registration invoice, once issued.
    invoice: Option<crate::billing::invoices::Invoice>,
}

/// The newest rejection that has not been answered by a later approval.
fn open_rejection(versions: &Versions) -> Option<String> {
    versions
        .all
        .iter()
        .take_while(|v| v.status != VersionStatus::Approved)
        .find(|v| v.status == VersionStatus::Rejected)
        .map(|v| v.decision_reason.clone().unwrap_or_default())
}

async fn show(
    aios: RoleUser<Aios>,
    State(state): State<AppState>,
    Path(id): Path<TrainingId>,
    layout: Layout,
) -> AppResult<TrainingPage> {
    let (training, rules) = own_training_with_rules(&state, aios.id, id).await?;
    let mut conn = state.db.acquire().await?;
    let all = schedule::versions_with_items(&mut conn, id).await?;
    let versions = Versions::of(&all);
    let shown = versions
        .shown()
        .cloned()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("training without versions")))?;
    let context = schedule::context(&training, &shown, state.clock.today());
    let loaded = schedule::take_loaded(all, &shown)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("shown version not loaded")))?;
    let editable = shown.status == VersionStatus::Concept;
    let (view, _) = schedule_view::build(&loaded, &rules, &context, editable, training_path(id));
    let records = crate::trainings::training_records::records_of(&mut conn, id).await?;
    Ok(TrainingPage {
        shortening_section: shortening_view::section(
            &records.shortenings,
            &training,
            &rules,
            Proposer::Trainee,
        ),
        invoice: records.invoice,
        current_number: versions.current().map(|v| v.number),
        concept_change: editable && training.status.accepts_change_requests(),
        waiting: versions.submitted().is_some(),
        rejection: open_rejection(&versions),
        can_start_change: rules::training::may_start_change(
            training.status,
            versions.concept().is_some(),
            versions.submitted().is_some(),
        )
        .is_ok(),
        layout,
        training,
        shown,
        schedule: view,
    })
}

/// The version history of a training.
#[derive(Template, WebTemplate)]
#[template(path = "trainings/history.html")]
pub struct HistoryPage {
    layout: Layout,
    training: Training,
    entries: Vec<HistoryEntry>,
}

async fn history(
    aios: RoleUser<Aios>,
    State(state): State<AppState>,
    Path(id): Path<TrainingId>,
    layout: Layout,
) -> AppResult<HistoryPage> {
    let (training, rules) = own_training_with_rules(&state, aios.id, id).await?;
    let mut conn = state.db.acquire().await?;
    let entries = schedule_view::history(&mut conn, id, &rules).await?;
    Ok(HistoryPage {
        layout,
        training,
        entries,
    })
}

/// Submitting: the findings once more, the acknowledgement of warnings, the button.
#[derive(Template, WebTemplate)]
#[template(path = "trainings/submit.html")]
pub struct SubmitPage {
    layout: Layout,
    training: Training,
    schedule: ScheduleView,
    change_request: bool,
    /// What the registration costs and when the invoice comes, before a first submission.
    cost: Option<String>,
    errors: FormErrors,
}

/// What a first submission of `training` costs and when its invoice comes; `None` for a
/// change request, which costs nothing.
async fn cost_of_submitting(
    conn: &mut sqlx::PgConnection,
    training: &Training,
    year: i32,
) -> Result<Option<String>, sqlx::Error> {
    if training.status.accepts_change_requests() {
        return Ok(None);
    }
    let cost =
        invoices::registration_cost(&mut *conn, training.id, training.specialty_id, year).await?;
    let fee = match cost {
        Some(RegistrationCost::Issued(invoice)) => {
            return Ok(Some(format!(
                "Uw factuur {} van {} is al uitgegeven; u betaalt niet opnieuw.",
                invoice.number,
                invoice.amount()
            )));
        }
        Some(RegistrationCost::Fee(fee)) => Some(fee),
        None => None,
    };
    Ok(fee.map(|fee| match training.invoicing {
        Invoicing::OnSubmission => format!(
            "De inschrijving in het opleidingsregister kost {fee} (inclusief btw). U krijgt de \
             factuur zodra u indient en betaalt die meteen met iDEAL."
        ),
        Invoicing::OnStartDate => format!(
            "De inschrijving in het opleidingsregister kost {fee} (inclusief btw). U krijgt de \
             factuur per e-mail op de startdatum van uw opleiding."
        ),
    }))
}

async fn submit_page(
    state: &AppState,
    aios: UserId,
    id: TrainingId,
    layout: Layout,
    errors: FormErrors,
) -> AppResult<Result<SubmitPage, Training>> {
    let (training, rules) = own_training_with_rules(state, aios, id).await?;
    let mut conn = state.db.acquire().await?;
    let all = schedule::versions_with_items(&mut conn, id).await?;
    let Some(concept) = Versions::of(&all).concept().cloned() else {
        return Ok(Err(training));
    };
    let context = schedule::context(&training, &concept, state.clock.today());
    let Some(loaded) = schedule::take_loaded(all, &concept) else {
        return Ok(Err(training));
    };
    let (view, _) = schedule_view::build(&loaded, &rules, &context, false, training_path(id));
    let cost = cost_of_submitting(&mut conn, &training, state.clock.today().year()).await?;
    Ok(Ok(SubmitPage {
        layout,
        cost,
        change_request: training.status.accepts_change_requests(),
        training,
        schedule: view,
        errors,
    }))
}

async fn submit_form(
    aios: RoleUser<Aios>,
    State(state): State<AppState>,
    Path(id): Path<TrainingId>,
    session: Session,
    layout: Layout,
) -> AppResult<Response> {
    match submit_page(&state, aios.id, id, layout, FormErrors::new()).await? {
        Ok(page) => Ok(page.into_response()),
        Err(_) => {
            flash::push(
                &session,
                FlashKind::Info,
                "Er is geen concept om in te dienen.",
            )
            .await?;
            Ok(Redirect::to(&training_path(id)).into_response())
        }
    }
}

/// What the submit form posts.
#[derive(Deserialize, Debug)]
pub struct SubmitForm {
    #[serde(default)]
    revisie: i32,
    #[serde(default)]
    waarschuwingen_gelezen: Option<String>,
}

async fn submit(
    aios: RoleUser<Aios>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<TrainingId>,
    layout: Layout,
    Form(form): Form<SubmitForm>,
) -> AppResult<Response> {
    let (training, rules) = own_training_with_rules(&state, aios.id, id).await?;
    let acknowledged = form.waarschuwingen_gelezen.is_some();
    let result = schedule::submit(
        &state,
        &meta,
        aios.id,
        &training,
        &rules,
        form.revisie,
        acknowledged,
    )
    .await;
    let (status, field, message) = match result {
        Ok(Submitted::Now(_)) => {
            let message = match training.invoicing {
                _ if training.status.accepts_change_requests() => {
                    "Uw wijzigingsverzoek is ingediend. Uw opleider beoordeelt het; u krijgt een \
                     e-mail zodra er een besluit is."
                }
                Invoicing::OnSubmission => {
                    "Uw aanvraag is ingediend. Uw opleider beoordeelt het schema. Betaal nu de \
                     factuur met iDEAL: pas na betaling is de inschrijving definitief."
                }
                Invoicing::OnStartDate => {
                    "Uw aanvraag is ingediend. Uw opleider beoordeelt het schema; de factuur \
                     volgt op de startdatum van uw opleiding."
                }
            };
            flash::push(&session, FlashKind::Success, message).await?;
            // Factureren bij indienen: straight on to paying the invoice just issued.
            if !training.status.accepts_change_requests()
                && training.invoicing == Invoicing::OnSubmission
            {
                let mut conn = state.db.acquire().await?;
                if let Some(invoice) = invoices::of_training(&mut conn, training.id).await?
                    && invoice.is_open()
                {
                    return Ok(Redirect::to(&format!("/facturen/{}", invoice.id)).into_response());
                }
            }
            return Ok(Redirect::to(&training_path(id)).into_response());
        }
        Ok(Submitted::Already) => {
            flash::push(&session, FlashKind::Info, "Dit schema was al ingediend.").await?;
            return Ok(Redirect::to(&training_path(id)).into_response());
        }
        Err(ChangeError::Refused(Refusal::HasErrors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "fouten",
            "Het schema bevat fouten. Los de fouten hieronder op; daarna kunt u indienen.",
        ),
        Err(ChangeError::Refused(Refusal::WarningsNotAcknowledged)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            "waarschuwingen_gelezen",
            "Bevestig dat u de waarschuwingen heeft gelezen.",
        ),
        Err(ChangeError::Refused(Refusal::Stale)) => (
            StatusCode::CONFLICT,
            "controle",
            "Het schema is gewijzigd nadat u deze pagina opende. Bekijk de controle hieronder \
             opnieuw en dien dan in.",
        ),
        Err(ChangeError::Refused(_)) | Err(ChangeError::NotFound) => {
            flash::push(
                &session,
                FlashKind::Info,
                "Dit schema kan niet (meer) worden ingediend.",
            )
            .await?;
            return Ok(Redirect::to(&training_path(id)).into_response());
        }
        Err(ChangeError::Database(e)) => return Err(e.into()),
        Err(ChangeError::Invoice(e)) => return Err(AppError::Internal(e.into())),
    };
    let mut errors = FormErrors::new();
    errors.add(field, message);
    match submit_page(&state, aios.id, id, layout, errors).await? {
        Ok(page) => Ok((status, page).into_response()),
        Err(_) => Ok(Redirect::to(&training_path(id)).into_response()),
    }
}

/// A form that carries only the revision it was based on.
#[derive(Deserialize, Debug)]
pub struct RevisionForm {
    #[serde(default)]
    pub(super) revisie: i32,
}

async fn start_change(
    aios: RoleUser<Aios>,
    State(state): State<AppState>,
    Path(id): Path<TrainingId>,
    session: Session,
    meta: Origin,
) -> AppResult<Response> {
    let training = own_training(&state, aios.id, id).await?;
    let (kind, message) = match schedule::start_change(&state, &meta, aios.id, &training).await {
        Ok(()) => (
            FlashKind::Info,
            "U werkt nu in een concept van uw schema. Uw wijziging wordt pas verwerkt als u die \
             indient.",
        ),
        Err(ChangeError::Refused(_)) | Err(ChangeError::NotFound) => (
            FlashKind::Info,
            "U kunt nu geen wijziging starten: er staat al een wijziging open, of het schema \
             van deze opleiding kan niet meer worden gewijzigd.",
        ),
        Err(ChangeError::Database(e)) => return Err(e.into()),
        Err(ChangeError::Invoice(e)) => return Err(AppError::Internal(e.into())),
    };
    flash::push(&session, kind, message).await?;
    Ok(Redirect::to(&training_path(id)).into_response())
}

async fn withdraw(
    aios: RoleUser<Aios>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<TrainingId>,
    Form(form): Form<RevisionForm>,
) -> AppResult<Response> {
    let training = own_training(&state, aios.id, id).await?;
    let (kind, message) =
        match schedule::withdraw(&state, &meta, aios.id, &training, form.revisie).await {
            Ok(()) => (
                FlashKind::Success,
                "Uw concept-wijziging is ingetrokken. Het goedgekeurde schema blijft geldig.",
            ),
            Err(ChangeError::Refused(Refusal::Stale)) => (
                FlashKind::Error,
                "Het concept is gewijzigd nadat u de pagina opende. Bekijk het en trek het zo \
                 nodig opnieuw in.",
            ),
            Err(ChangeError::Refused(_)) | Err(ChangeError::NotFound) => (
                FlashKind::Info,
                "Er is geen concept-wijziging om in te trekken.",
            ),
            Err(ChangeError::Database(e)) => return Err(e.into()),
            Err(ChangeError::Invoice(e)) => return Err(AppError::Internal(e.into())),
        };
    flash::push(&session, kind, message).await?;
    Ok(Redirect::to(&training_path(id)).into_response())
}
