//! The RGS's decision on a herregistratie request: what the specialist declared, the portal's
//! proposal and why, the invoice, and the decision (docs/domain/registers.md). Every handler takes
//! `RoleUser<Rgs>`: anyone else gets 404.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use uuid::Uuid;

use crate::platform::state::AppState;
use crate::registers::entries::{self, Application, Entry, Period, months_label};
use crate::registers::reregistration::{self, DecideError};
use crate::web::action::Action;
use crate::web::current_user::{Rgs, RoleUser};
use crate::web::decision::{self as confirm, Check, Done};
use crate::web::error::{AppError, AppResult};
use crate::web::form::FormErrors;
use crate::web::layout::Layout;
use crate::web::tasks::Link;
use rules::reregistration::{self as reregistration_rules, Declaration, Verdict};

/// The routes of the herregistratie decision.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rgs/herregistraties/{id}", get(show))
        .route("/rgs/herregistraties/{id}/besluit", post(decide))
}

/// What the decision form posts.
#[derive(Deserialize, Default, Debug)]
pub struct VerdictForm {
    #[serde(default)]
    besluit: String,
    #[serde(default)]
    maanden: String,
    #[serde(default)]
    toelichting: String,
    /// Set by the check page (`web::decision`).
    #[serde(default)]
    bevestigd: String,
}

/// One year of the declaration, as shown.
pub struct DeclaredYear {
    label: String,
    hours: u32,
}

/// A herregistratie request as the RGS sees it.
#[derive(Template, WebTemplate)]
#[template(path = "registers/reregistration_decision.html")]
pub struct ReregistrationPage {
    layout: Layout,
    application: Application,
    entry: Entry,
    periods: Vec<Period>,
    declaration: Declaration,
    years: Vec<DeclaredYear>,
    form: VerdictForm,
    errors: FormErrors,
}

impl ReregistrationPage {
    fn yes_no(value: &bool) -> &'static str {
        if *value { "Ja" } else { "Nee" }
    }

    fn granted(&self) -> String {
        self.application
            .granted_months
            .map(|m| months_label(i32::from(m)))
            .unwrap_or_default()
    }
}

async fn page(
    state: &AppState,
    id: Uuid,
    layout: Layout,
    form: Option<VerdictForm>,
    errors: FormErrors,
) -> AppResult<ReregistrationPage> {
    let mut conn = state.db.acquire().await?;
    let application = entries::application(&mut conn, id)
        .await?
        .filter(|a| a.is_reregistration())
        .ok_or(AppError::NotFound)?;
    let declaration = application.declared().ok_or(AppError::NotFound)?;
    let entry_id = application.entry_id.ok_or(AppError::NotFound)?;
    let entry = entries::entry_of(&mut conn, application.user_id, entry_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let years = reregistration::reference_years(application.extends_from.unwrap_or(entry.ends_on))
        .into_iter()
        .zip(declaration.hours_per_year)
        .map(|((from, to), hours)| DeclaredYear {
            label: format!(
                "{} tot en met {}",
                rules::person::format_date(from),
                rules::person::format_date(rules::register_entry::last_day(to))
            ),
            hours,
        })
        .collect();
    // Nothing is chosen for the RGS: the proposal is shown, the decision is theirs.
    let form = form.unwrap_or_else(|| VerdictForm {
        besluit: String::new(),
        bevestigd: String::new(),
        maanden: application
            .proposed_months
            .map(|m| m.to_string())
            .unwrap_or_default(),
        toelichting: String::new(),
    });
    Ok(ReregistrationPage {
        periods: entries::periods_of(&mut conn, entry.id).await?,
        layout,
        application,
        entry,
        declaration,
        years,
        form,
        errors,
    })
}

async fn show(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    layout: Layout,
) -> AppResult<ReregistrationPage> {
    page(&state, id, layout, None, FormErrors::new()).await
}

async fn decide(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<Uuid>,
    layout: Layout,
    Form(form): Form<VerdictForm>,
) -> AppResult<Response> {
    let application = {
        let mut conn = state.db.acquire().await?;
        entries::application(&mut conn, id)
            .await?
            .filter(|a| a.is_reregistration())
            .ok_or(AppError::NotFound)?
    };
    let proposed = application
        .proposed_months
        .and_then(|m| u32::try_from(m).ok());
    let (verdict, note) = match reregistration_rules::parse_verdict(
        &form.besluit,
        &form.maanden,
        &form.toelichting,
        proposed,
    ) {
        Ok(parsed) => parsed,
        Err(problems) => {
            let mut errors = FormErrors::new();
            for (field, message) in problems {
                errors.add(field, message);
            }
            let page = page(&state, id, layout, Some(form), errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let specialist = &application.user_name;
    if !confirm::confirmed(&form.bevestigd) {
        let mut facts = vec![
            ("Specialist".to_owned(), specialist.clone()),
            (
                "Register".to_owned(),
                format!(
                    "{}: {}",
                    application.register.0.label(),
                    application.specialty_name
                ),
            ),
            (
                "Huidige inschrijving".to_owned(),
                application.current_until(),
            ),
            (
                "Voorstel uit de opgave".to_owned(),
                application.proposal_label(),
            ),
        ];
        let (decision, consequences, button) = match verdict {
            Verdict::Grant(months) => {
                let months = months_label(i32::try_from(months).unwrap_or(60));
                facts.push(("Besluit".to_owned(), format!("Toekennen voor {months}")));
                (
                    format!("U kent de herregistratie van {specialist} toe voor {months}."),
                    vec![
                        "De inschrijving loopt daarna een nieuwe periode van die duur.".to_owned(),
                        format!("{specialist} krijgt het besluit per e-mail en als brief (PDF)."),
                    ],
                    "Ja, herregistratie toekennen",
                )
            }
            Verdict::Refuse => {
                facts.push(("Besluit".to_owned(), "Afwijzen".to_owned()));
                (
                    format!("U wijst de herregistratie van {specialist} af."),
                    vec![
                        "De inschrijving wordt doorgehaald aan het einde van de huidige \
                         periode, of meteen als die al voorbij is."
                            .to_owned(),
                        format!(
                            "{specialist} krijgt het besluit per e-mail en als brief (PDF), met \
                             de mogelijkheid van bezwaar."
                        ),
                    ],
                    "Ja, herregistratie afwijzen",
                )
            }
        };
        if !note.is_empty() {
            facts.push(("Toelichting".to_owned(), note.clone()));
        }
        return Ok(Check {
            decision,
            facts,
            consequences,
            action: format!("/rgs/herregistraties/{id}/besluit"),
            fields: vec![
                ("besluit".to_owned(), form.besluit.clone()),
                ("maanden".to_owned(), form.maanden.clone()),
                ("toelichting".to_owned(), form.toelichting.clone()),
            ],
            button: button.to_owned(),
            destructive: verdict == Verdict::Refuse,
            back: Link::new(
                format!("/rgs/herregistraties/{id}"),
                "Terug naar de aanvraag, zonder te beslissen",
            ),
        }
        .page(layout));
    }
    let refusal = match reregistration::decide(&state, &meta, clerk.id, id, verdict, &note).await {
        Ok(decided) => {
            let message = match (verdict, decided.ends_on) {
                (Verdict::Grant(months), Some(ends)) => format!(
                    "De herregistratie is toegekend voor {}; de inschrijving loopt nu tot en met \
                     {}. De specialist is gemaild.",
                    months_label(i32::try_from(months).unwrap_or(60)),
                    rules::person::format_date(rules::register_entry::last_day(ends))
                ),
                _ if decided.struck_off => "De herregistratie is afgewezen en de inschrijving \
                                            is doorgehaald, omdat de periode al verlopen was. De \
                                            specialist is gemaild."
                    .to_owned(),
                _ => "De herregistratie is afgewezen; de inschrijving wordt doorgehaald aan het \
                      einde van de periode. De specialist is gemaild."
                    .to_owned(),
            };
            let title = match verdict {
                Verdict::Grant(_) => "Herregistratie toegekend",
                Verdict::Refuse => "Herregistratie afgewezen",
            };
            return Done {
                title: title.to_owned(),
                lines: vec![format!("{specialist}: {message}")],
                next: None,
                back: Link::new("/rgs/werkvoorraad", "Terug naar de werkvoorraad"),
            }
            .show(&session)
            .await;
        }
        Err(DecideError::Database(error)) => return Err(error.into()),
        Err(DecideError::NotOpen) => "Over deze aanvraag is al besloten.",
        Err(DecideError::Unpaid) => {
            "De factuur van deze aanvraag is nog niet betaald. Toekennen kan pas na betaling; \
             afwijzen kan wel."
        }
        Err(DecideError::EntryChanged) => {
            "De inschrijving is intussen gewijzigd of doorgehaald; deze aanvraag past er niet \
             meer bij."
        }
    };
    let mut errors = FormErrors::new();
    errors.add("besluit", refusal);
    let page = page(&state, id, layout, Some(form), errors).await?;
    Ok((StatusCode::CONFLICT, page).into_response())
}
