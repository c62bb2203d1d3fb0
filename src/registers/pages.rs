//! "Mijn registratie": the aios requests registration as specialist or profielarts after a
//! positive eindverklaring; the specialist sees each register entry with its countdown,
//! downloads the decisions and the proof of registration, and applies for herregistratie
//! after seeing the portal's proposal (docs/domain/registers.md). Only aios and specialists have
//! the page; someone else's entry or request answers 404.

use crate::platform::ids::{RegisterEntryId, TrainingId};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::platform::audit::Origin;
use crate::platform::auth::user::Role;
use crate::platform::state::AppState;
use crate::registers::documents;
use crate::registers::entries::{
    self, Application, Completed, Entry, Period, RequestError, months_label,
};
use crate::registers::reregistration::{self, ApplyError};
use crate::web::action::Action;
use crate::web::current_user::CurrentUser;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind};
use crate::web::form::FormErrors;
use crate::web::layout::Layout;
use rules::code::Coded;
use rules::money::Money;
use rules::person::format_date;
use rules::register_entry::{self, ApplicationStatus, Reregistration, Window};
use rules::reregistration::{self as reregistration_rules, Declaration, HOURS_FIELDS, Proposal};

/// The routes of "Mijn registratie".
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/registratie", get(overview))
        .route("/registratie/opleidingen/{id}/aanvragen", post(request))
        .route("/registratie/inschrijvingen/{id}/bewijs", get(proof))
        .route(
            "/registratie/inschrijvingen/{id}/herregistratie",
            get(reregistration_form).post(reregistration_submit),
        )
        .route("/registratie/aanvragen/{id}/besluit", get(decision_letter))
}

/// The page is for aios and specialists; anyone else gets 404.
fn registrant(user: &CurrentUser) -> AppResult<()> {
    if user.has(Role::Aios) || user.has(Role::Specialist) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// A completed training and what can be done with it now.
pub struct CompletedRow {
    completed: Completed,
    /// The request made, if any.
    application: Option<Application>,
    /// Whether the request button shows.
    can_request: bool,
    /// What the registration costs, shown with the request button.
    fee: Option<Money>,
    /// Why not, or what happens next.
    message: String,
}

/// An entry with what the specialist can do about its period.
pub struct EntryRow {
    entry: Entry,
    countdown: String,
    periods: Vec<Period>,
    /// The herregistratie request for the current period, if any.
    application: Option<Application>,
    /// Whether the herregistratie link shows.
    can_apply: bool,
    /// What the specialist needs to know about herregistratie now.
    message: String,
}

/// "Mijn registratie".
#[derive(Template, WebTemplate)]
#[template(path = "registers/overview.html")]
pub struct OverviewPage {
    layout: Layout,
    completed: Vec<CompletedRow>,
    entries: Vec<EntryRow>,
    applications: Vec<Application>,
}

fn window_message(completed: &Completed, today: NaiveDate) -> (bool, String) {
    match completed.window(today) {
        Window::InTime => (
            true,
            format!(
                "Uw opleider gaf een positieve eindverklaring af; de opleiding loopt tot en met {}. \
                 U kunt nu registratie aanvragen. Uw inschrijving begint op de dag na het einde \
                 van de opleiding, of op de dag dat de aanvraag compleet is (betaald) als dat \
                 later is: nooit met terugwerkende kracht.",
                completed.last_day()
            ),
        ),
        Window::TooEarly { from } => (
            false,
            format!(
                "U kunt registratie aanvragen vanaf {}: drie maanden voor het einde van uw \
                 opleiding. U krijgt geen herinnering; zet de datum in uw agenda.",
                format_date(from)
            ),
        ),
        Window::Late { until } => (
            false,
            format!(
                "De termijn om registratie aan te vragen liep tot en met {}: drie maanden na het \
                 einde van uw opleiding. Een latere aanvraag beoordeelt de RGS zelf, met de eisen \
                 voor herregistratie. Neem contact op met de RGS (zie Contact).",
                format_date(until)
            ),
        ),
    }
}

fn entry_message(
    entry: &Entry,
    application: Option<&Application>,
    today: NaiveDate,
) -> (bool, String) {
    if !entry.is_registered() {
        return (
            false,
            format!(
                "Doorgehaald op {}. {}",
                entry
                    .struck_off_at
                    .map(rules::person::format_when)
                    .unwrap_or_default(),
                entry.struck_off_reason.clone().unwrap_or_default()
            ),
        );
    }
    if let Some(application) = application {
        return (
            false,
            match application.status.0 {
                ApplicationStatus::Submitted if !application.is_paid() => format!(
                    "U vroeg herregistratie aan op {}. Betaal factuur {}: daarna beoordeelt de \
                     RGS uw aanvraag.",
                    application.submitted(),
                    application.invoice_number
                ),
                ApplicationStatus::Submitted => format!(
                    "U vroeg herregistratie aan op {}. De RGS beoordeelt uw aanvraag; u blijft \
                     ingeschreven tot het besluit.",
                    application.submitted()
                ),
                _ => format!(
                    "De RGS heeft uw aanvraag voor herregistratie afgewezen. Uw inschrijving \
                     loopt tot en met {}.",
                    entry.until()
                ),
            },
        );
    }
    match register_entry::reregistration(entry.ends_on, today) {
        Reregistration::Open => (
            true,
            format!(
                "Vraag herregistratie aan vóór het einde van de periode ({}). Zonder \
                 herregistratie wordt uw inschrijving daarna doorgehaald.",
                entry.until()
            ),
        ),
        Reregistration::NotYet { from } => (
            false,
            format!(
                "U kunt herregistratie aanvragen vanaf {}. U krijgt daarover ongeveer vier \
                 maanden voor het einde een e-mail.",
                format_date(from)
            ),
        ),
        Reregistration::Expired => (
            false,
            "De periode is verlopen zonder aanvraag voor herregistratie; de inschrijving wordt \
             doorgehaald."
                .to_owned(),
        ),
    }
}

async fn overview(
    user: CurrentUser,
    State(state): State<AppState>,
    layout: Layout,
) -> AppResult<OverviewPage> {
    registrant(&user)?;
    let today = state.clock.today();
    let mut conn = state.db.acquire().await?;
    let applications = entries::applications_of(&mut conn, user.id).await?;
    let entries = entries::entries_with_periods_of(&mut conn, user.id).await?;
    let mut completed: Vec<CompletedRow> = entries::completed_of(&mut conn, user.id)
        .await?
        .into_iter()
        .filter(|c| {
            !entries
                .iter()
                .any(|(e, _)| e.specialty_id == c.specialty_id)
        })
        .map(|completed| {
            let application = applications
                .iter()
                .find(|a| {
                    a.training_id == Some(completed.training_id)
                        && a.status.0 != ApplicationStatus::Refused
                })
                .cloned();
            let (can_request, message) = match &application {
                Some(application) => (
                    false,
                    format!(
                        "U vroeg registratie aan op {}. Betaal factuur {}: zodra de betaling \
                         binnen is, staat u ingeschreven.",
                        application.submitted(),
                        application.invoice_number
                    ),
                ),
                None => window_message(&completed, today),
            };
            CompletedRow {
                completed,
                application,
                can_request,
                fee: None,
                message,
            }
        })
        .collect();
    // The fee only where the button shows: a completed training waits for its request.
    for row in completed.iter_mut().filter(|row| row.can_request) {
        row.fee = crate::reference_data::lookup::fee_for_specialty(
            &mut *conn,
            today.year(),
            "eerste_registratie",
            row.completed.specialty_id,
        )
        .await?;
    }
    let mut rows = Vec::new();
    for (entry, periods) in entries {
        let application = applications
            .iter()
            .find(|a| a.entry_id == Some(entry.id) && a.extends_from == Some(entry.ends_on))
            .cloned();
        let (can_apply, message) = entry_message(&entry, application.as_ref(), today);
        rows.push(EntryRow {
            countdown: entry.countdown(&today),
            periods,
            entry,
            application,
            can_apply,
            message,
        });
    }
    Ok(OverviewPage {
        layout,
        completed,
        entries: rows,
        applications,
    })
}

async fn request(
    user: CurrentUser,
    State(state): State<AppState>,
    session: Session,
    meta: Origin,
    Path(id): Path<TrainingId>,
) -> AppResult<Response> {
    registrant(&user)?;
    let message = match entries::request_registration(&state, &meta, user.id, id).await {
        Ok(invoice) => {
            flash::push(
                &session,
                FlashKind::Success,
                format!(
                    "Uw aanvraag voor registratie is ingediend. Betaal factuur {} ({}); zodra de \
                     betaling binnen is, staat u ingeschreven.",
                    invoice.number,
                    invoice.amount()
                ),
            )
            .await?;
            return Ok(Redirect::to(&format!("/facturen/{}", invoice.id)).into_response());
        }
        Err(RequestError::NotFound) => return Err(AppError::NotFound),
        Err(RequestError::Window(_)) => {
            "Registratie aanvragen kan alleen van drie maanden voor tot drie maanden na het \
             einde van de opleiding."
        }
        Err(RequestError::AlreadyRequested) => {
            "U heeft voor deze opleiding al registratie aangevraagd."
        }
        Err(RequestError::Issue(error)) => {
            tracing::error!(%error, "no fee for a registration request");
            "Er is voor dit jaar geen tarief vastgesteld. Neem contact op met de RGS."
        }
        Err(RequestError::Database(error)) => return Err(error.into()),
    };
    flash::push(&session, FlashKind::Error, message).await?;
    Ok(Redirect::to("/registratie").into_response())
}

async fn proof(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<RegisterEntryId>,
) -> AppResult<Response> {
    registrant(&user)?;
    let mut conn = state.db.acquire().await?;
    let entry = entries::entry_of(&mut conn, user.id, id)
        .await?
        .filter(|entry| entry.is_registered())
        .ok_or(AppError::NotFound)?;
    let recipient = documents::recipient(&mut conn, user.id).await?;
    drop(conn);
    let document = documents::proof(
        &entry,
        &recipient,
        state.clock.today(),
        &state.config.base_url,
    );
    let name = format!("bewijs-van-inschrijving-{}.pdf", state.clock.today());
    letter_download(&state, document, &name).await
}

/// `document` rendered as a PDF download named `name`.
async fn letter_download(
    state: &AppState,
    document: crate::platform::pdf::LetterDocument,
    name: &str,
) -> AppResult<Response> {
    let renderer = state.pdf.clone();
    let bytes = crate::web::off_request_thread(move || renderer.letter(&document)).await?;
    Ok((crate::web::attachment("application/pdf", name), bytes).into_response())
}

async fn decision_letter(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
) -> AppResult<Response> {
    registrant(&user)?;
    let mut conn = state.db.acquire().await?;
    let application = entries::application_of(&mut conn, user.id, id)
        .await?
        .filter(|a| !a.is_open())
        .ok_or(AppError::NotFound)?;
    let period = entries::period_of_application(&mut conn, id).await?;
    let entry_id = match application.entry_id {
        Some(entry) => Some(entry),
        None => entries::entries_of(&mut conn, user.id)
            .await?
            .into_iter()
            .find(|e| e.specialty_id == application.specialty_id)
            .map(|e| e.id),
    };
    let until = match entry_id {
        Some(entry) => entries::entry_of(&mut conn, user.id, entry)
            .await?
            .map(|e| e.until())
            .unwrap_or_default(),
        None => String::new(),
    };
    let recipient = documents::recipient(&mut conn, user.id).await?;
    drop(conn);
    let document = documents::decision_letter(&application, period.as_ref(), &recipient, &until);
    let name = format!(
        "besluit-{}-{}.pdf",
        application.kind.0.code(),
        application
            .decided_at
            .map(|at| at.date_naive().to_string())
            .unwrap_or_default()
    );
    letter_download(&state, document, &name).await
}

/// What the herregistratie form posts.
#[derive(Deserialize, Default, Debug, Clone)]
pub struct DeclarationForm {
    #[serde(default)]
    uren1: String,
    #[serde(default)]
    uren2: String,
    #[serde(default)]
    uren3: String,
    #[serde(default)]
    uren4: String,
    #[serde(default)]
    uren5: String,
    #[serde(default)]
    deskundigheidsbevordering: String,
    eif: Option<String>,
    eke: Option<String>,
    onderbreking: Option<String>,
    /// `berekenen` shows the proposal; `indienen` submits.
    #[serde(default)]
    stap: String,
}

impl DeclarationForm {
    fn hours(&self) -> [&str; reregistration_rules::REFERENCE_YEARS] {
        [
            &self.uren1,
            &self.uren2,
            &self.uren3,
            &self.uren4,
            &self.uren5,
        ]
    }

    fn parse(&self, entry: &Entry) -> Result<Declaration, FormErrors> {
        reregistration_rules::parse_declaration(
            self.hours(),
            &self.deskundigheidsbevordering,
            self.eif.is_some(),
            self.eke.is_some(),
            self.onderbreking.is_some(),
            entry.evaluation_shortened,
        )
        .map_err(|errors| {
            let mut form = FormErrors::new();
            for (field, message) in errors {
                form.add(field, message);
            }
            form
        })
    }
}

/// One year of the reference period in the form.
pub struct YearField {
    field: &'static str,
    label: String,
    value: String,
}

/// The proposal as shown.
pub struct ProposalView {
    refused: bool,
    months: String,
    ends: Option<String>,
    reasons: Vec<String>,
}

/// The herregistratie form, and the proposal once computed.
#[derive(Template, WebTemplate)]
#[template(path = "registers/reregistration.html")]
pub struct ReregistrationPage {
    layout: Layout,
    entry: Entry,
    years: Vec<YearField>,
    form: DeclarationForm,
    errors: FormErrors,
    proposal: Option<ProposalView>,
    fee: Option<Money>,
    /// Why a request cannot be made now.
    blocked: Option<String>,
}

async fn form_page(
    state: &AppState,
    user: &CurrentUser,
    id: RegisterEntryId,
    layout: Layout,
    form: DeclarationForm,
    errors: FormErrors,
    proposal: Option<&Proposal>,
) -> AppResult<ReregistrationPage> {
    registrant(user)?;
    let mut conn = state.db.acquire().await?;
    let entry = entries::entry_of(&mut conn, user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let today = state.clock.today();
    let applications = entries::applications_of(&mut conn, user.id).await?;
    let application = applications
        .iter()
        .find(|a| a.entry_id == Some(entry.id) && a.extends_from == Some(entry.ends_on));
    let (can_apply, message) = entry_message(&entry, application, today);
    let fee = crate::reference_data::lookup::fee_cents(
        &mut *conn,
        i16::try_from(today.year()).unwrap_or(i16::MAX),
        "herregistratie",
        entry.specialty_cluster,
    )
    .await?
    .map(|cents| Money::cents(i64::from(cents)));
    let years = reregistration::reference_years(entry.ends_on)
        .into_iter()
        .zip(HOURS_FIELDS)
        .zip(form.hours().map(str::to_owned))
        .map(|(((from, to), field), value)| YearField {
            field,
            label: format!(
                "Uren gewerkt van {} tot en met {}",
                format_date(from),
                format_date(register_entry::last_day(to))
            ),
            value,
        })
        .collect();
    let proposal = proposal.map(|proposal| ProposalView {
        refused: proposal.months().is_none(),
        months: proposal
            .months()
            .map(|m| months_label(i32::try_from(m).unwrap_or(60)))
            .unwrap_or_default(),
        ends: proposal.months().map(|m| {
            format_date(register_entry::last_day(
                rules::schedule::months::add_months(entry.ends_on, i32::try_from(m).unwrap_or(60)),
            ))
        }),
        reasons: proposal.reasons().to_vec(),
    });
    Ok(ReregistrationPage {
        layout,
        years,
        form,
        errors,
        proposal,
        fee,
        blocked: (!can_apply).then_some(message),
        entry,
    })
}

async fn reregistration_form(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<RegisterEntryId>,
    layout: Layout,
) -> AppResult<ReregistrationPage> {
    form_page(
        &state,
        &user,
        id,
        layout,
        DeclarationForm::default(),
        FormErrors::new(),
        None,
    )
    .await
}

async fn reregistration_submit(
    user: CurrentUser,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<RegisterEntryId>,
    layout: Layout,
    Form(form): Form<DeclarationForm>,
) -> AppResult<Response> {
    registrant(&user)?;
    let entry = {
        let mut conn = state.db.acquire().await?;
        entries::entry_of(&mut conn, user.id, id)
            .await?
            .ok_or(AppError::NotFound)?
    };
    let declaration = match form.parse(&entry) {
        Ok(declaration) => declaration,
        Err(errors) => {
            let page = form_page(&state, &user, id, layout, form, errors, None).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    if form.stap != "indienen" {
        let proposal = reregistration_rules::propose(&declaration);
        let page = form_page(
            &state,
            &user,
            id,
            layout,
            form,
            FormErrors::new(),
            Some(&proposal),
        )
        .await?;
        return Ok(page.into_response());
    }
    let refusal = match reregistration::apply(&state, &meta, user.id, id, &declaration).await {
        Ok((_, proposal, invoice)) => {
            let outcome = match proposal.months() {
                Some(months) => format!(
                    "Het voorstel is herregistratie voor {}.",
                    months_label(i32::try_from(months).unwrap_or(60))
                ),
                None => "Het voorstel is afwijzing; de RGS beoordeelt uw aanvraag.".to_owned(),
            };
            flash::push(
                &session,
                FlashKind::Success,
                format!(
                    "Uw aanvraag voor herregistratie is ingediend. {outcome} Betaal factuur {} \
                     ({}); daarna neemt de RGS binnen acht weken een besluit.",
                    invoice.number,
                    invoice.amount()
                ),
            )
            .await?;
            return Ok(Redirect::to(&format!("/facturen/{}", invoice.id)).into_response());
        }
        Err(ApplyError::NotFound) => return Err(AppError::NotFound),
        Err(ApplyError::Database(error)) => return Err(error.into()),
        Err(ApplyError::StruckOff) => "Deze inschrijving is doorgehaald.",
        Err(ApplyError::NotOpen(Reregistration::NotYet { .. })) => {
            "Herregistratie aanvragen kan vanaf zes maanden voor het einde van de periode."
        }
        Err(ApplyError::NotOpen(_)) => {
            "De periode is verlopen; herregistratie aanvragen kan niet meer."
        }
        Err(ApplyError::AlreadyApplied) => {
            "U heeft voor deze periode al herregistratie aangevraagd."
        }
        Err(ApplyError::Issue(error)) => {
            tracing::error!(%error, "no fee for a herregistratie");
            "Er is voor dit jaar geen tarief vastgesteld. Neem contact op met de RGS."
        }
    };
    flash::push(&session, FlashKind::Error, refusal).await?;
    Ok(Redirect::to("/registratie").into_response())
}
