//! Public forms "Account aanvragen" for an opleidingsondersteuner or a contactpersoon, and the
//! invitation link with which an approved person chooses username and password.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::Form;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::account_requests::{
    self, AcceptError, Applicant, InstitutionOption, OpleiderOption, RequestKind, SubmitError,
};
use crate::domain::account::{EmailAddress, FullName, Username};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::flash::{self, FlashKind};
use crate::web::form::FormErrors;
use crate::web::layout::Layout;
use crate::web::request_meta::RequestMeta;

/// The account request routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account-aanvragen", get(choose))
        .route(
            "/account-aanvragen/ondersteuner",
            get(ondersteuner_form).post(ondersteuner_submit),
        )
        .route(
            "/account-aanvragen/contactpersoon",
            get(contact_form).post(contact_submit),
        )
        .route("/account-aanvragen/verstuurd", get(sent))
        .route(
            "/uitnodiging/{token}",
            get(invitation_form).post(invitation_submit),
        )
}

/// Which account to ask for.
#[derive(Template, WebTemplate)]
#[template(path = "account_requests/choose.html")]
pub struct ChoosePage {
    layout: Layout,
}

async fn choose(layout: Layout) -> ChoosePage {
    ChoosePage { layout }
}

/// What both request forms post about the person.
#[derive(Deserialize, Default)]
pub struct PersonFields {
    #[serde(default)]
    naam: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    telefoon: String,
}

fn parse_person(fields: &PersonFields, errors: &mut FormErrors) -> Option<Applicant> {
    let full_name = FullName::parse(&fields.naam)
        .map_err(|m| errors.add("naam", m))
        .ok();
    let email = EmailAddress::parse(&fields.email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let phone: String = fields.telefoon.trim().to_owned();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let phone_ok = (10..=15).contains(&digits)
        && phone
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')'));
    if !phone_ok {
        errors.add(
            "telefoon",
            "Vul een telefoonnummer van 10 cijfers in, zoals 030-123 45 67 of +31 30 123 45 67.",
        );
    }
    Some(Applicant {
        full_name: full_name?,
        email: email?,
        phone,
    })
    .filter(|_| phone_ok)
}

/// The ondersteuner request form.
#[derive(Template, WebTemplate)]
#[template(path = "account_requests/ondersteuner.html")]
pub struct OndersteunerPage {
    layout: Layout,
    form: OndersteunerForm,
    opleiders: Vec<OpleiderOption>,
    errors: FormErrors,
}

/// What the ondersteuner form posts.
#[derive(Deserialize, Default)]
pub struct OndersteunerForm {
    #[serde(flatten)]
    person: PersonFields,
    #[serde(default)]
    opleiders: Vec<String>,
    #[serde(default)]
    motivatie: String,
}

impl OndersteunerPage {
    fn is_chosen(&self, id: &Uuid) -> bool {
        self.form.opleiders.iter().any(|o| o == &id.to_string())
    }
}

async fn ondersteuner_form(
    State(state): State<AppState>,
    layout: Layout,
) -> AppResult<OndersteunerPage> {
    Ok(OndersteunerPage {
        layout,
        form: OndersteunerForm::default(),
        opleiders: account_requests::opleiders(&state.db).await?,
        errors: FormErrors::new(),
    })
}

async fn ondersteuner_submit(
    State(state): State<AppState>,
    meta: RequestMeta,
    layout: Layout,
    Form(form): Form<OndersteunerForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::new();
    let applicant = parse_person(&form.person, &mut errors);
    let supervisors: Vec<Uuid> = form
        .opleiders
        .iter()
        .filter_map(|o| Uuid::parse_str(o).ok())
        .collect();
    if supervisors.is_empty() {
        errors.add(
            "opleiders",
            "Kies de opleider of opleiders voor wie u werkt.",
        );
    }
    let motivation = form.motivatie.trim().to_owned();
    if motivation.chars().count() < 10 {
        errors.add(
            "motivatie",
            "Beschrijf in een paar zinnen welk werk u voor de opleider(s) doet.",
        );
    } else if motivation.chars().count() > 2000 {
        errors.add(
            "motivatie",
            "De toelichting is ten hoogste 2000 tekens lang.",
        );
    }
    if let Some(applicant) = applicant.filter(|_| errors.is_empty()) {
        let kind = RequestKind::Ondersteuner {
            supervisors,
            motivation,
        };
        match account_requests::submit(&state, &meta, applicant, kind).await {
            Ok(_) => return Ok(Redirect::to("/account-aanvragen/verstuurd").into_response()),
            Err(SubmitError::UnknownChoice) => errors.add(
                "opleiders",
                "Een van de gekozen opleiders is niet (meer) bekend. Kies opnieuw.",
            ),
            Err(SubmitError::InstitutionHasContact) => return Err(AppError::NotFound),
            Err(SubmitError::Failed(e)) => return Err(e.into()),
        }
    }
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        OndersteunerPage {
            layout,
            opleiders: account_requests::opleiders(&state.db).await?,
            form,
            errors,
        },
    )
        .into_response())
}

/// The contactpersoon request form.
#[derive(Template, WebTemplate)]
#[template(path = "account_requests/contactpersoon.html")]
pub struct ContactPage {
    layout: Layout,
    form: ContactForm,
    institutions: Vec<InstitutionOption>,
    errors: FormErrors,
}

/// What the contactpersoon form posts.
#[derive(Deserialize, Default)]
pub struct ContactForm {
    #[serde(flatten)]
    person: PersonFields,
    #[serde(default)]
    instelling: String,
    #[serde(default)]
    functie: String,
}

impl ContactPage {
    fn is_chosen(&self, id: &Uuid) -> bool {
        self.form.instelling == id.to_string()
    }
}

async fn contact_form(State(state): State<AppState>, layout: Layout) -> AppResult<ContactPage> {
    Ok(ContactPage {
        layout,
        form: ContactForm::default(),
        institutions: account_requests::institutions(&state.db).await?,
        errors: FormErrors::new(),
    })
}

async fn contact_submit(
    State(state): State<AppState>,
    meta: RequestMeta,
    layout: Layout,
    Form(form): Form<ContactForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::new();
    let applicant = parse_person(&form.person, &mut errors);
    let institution = Uuid::parse_str(&form.instelling).ok();
    if institution.is_none() {
        errors.add(
            "instelling",
            "Kies de opleidingsinrichting waarvoor u contactpersoon wordt.",
        );
    }
    let job_title = form.functie.trim().to_owned();
    if job_title.chars().count() < 2 || job_title.chars().count() > 200 {
        errors.add(
            "functie",
            "Vul uw functie in, bijvoorbeeld medewerker medische opleidingen.",
        );
    }
    if let (Some(applicant), Some(institution)) = (applicant, institution)
        && errors.is_empty()
    {
        let kind = RequestKind::Contactpersoon {
            institution,
            job_title,
        };
        match account_requests::submit(&state, &meta, applicant, kind).await {
            Ok(_) => return Ok(Redirect::to("/account-aanvragen/verstuurd").into_response()),
            Err(SubmitError::InstitutionHasContact) => errors.add(
                "instelling",
                "Deze opleidingsinrichting heeft al een contactpersoon. Per opleidingsinrichting is er één. \
                 Neemt u het over? Vraag de huidige contactpersoon of de helpdesk om het account te beëindigen.",
            ),
            Err(SubmitError::UnknownChoice) => {
                errors.add("instelling", "Kies een opleidingsinrichting uit de lijst.")
            }
            Err(SubmitError::Failed(e)) => return Err(e.into()),
        }
    }
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        ContactPage {
            layout,
            institutions: account_requests::institutions(&state.db).await?,
            form,
            errors,
        },
    )
        .into_response())
}

/// "Your request was received".
#[derive(Template, WebTemplate)]
#[template(path = "account_requests/sent.html")]
pub struct SentPage {
    layout: Layout,
}

async fn sent(layout: Layout) -> SentPage {
    SentPage { layout }
}

/// Choosing username and password after approval.
#[derive(Template, WebTemplate)]
#[template(path = "account_requests/invitation.html")]
pub struct InvitationPage {
    layout: Layout,
    token: String,
    name: Option<String>,
    username: String,
    errors: FormErrors,
}

async fn invitation_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    layout: Layout,
) -> AppResult<Response> {
    let mut conn = state.db.acquire().await?;
    let inv = account_requests::invitation(&mut conn, &token, state.clock.now()).await?;
    let status = if inv.is_some() {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok((
        status,
        InvitationPage {
            layout,
            token,
            name: inv.map(|i| i.full_name),
            username: String::new(),
            errors: FormErrors::new(),
        },
    )
        .into_response())
}

#[derive(Deserialize)]
struct InvitationForm {
    #[serde(default)]
    gebruikersnaam: String,
    #[serde(default)]
    wachtwoord: String,
    #[serde(default)]
    wachtwoord_herhaling: String,
}

async fn invitation_submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    session: Session,
    meta: RequestMeta,
    layout: Layout,
    Form(form): Form<InvitationForm>,
) -> AppResult<Response> {
    let mut conn = state.db.acquire().await?;
    let Some(inv) = account_requests::invitation(&mut conn, &token, state.clock.now()).await?
    else {
        return Ok((
            StatusCode::NOT_FOUND,
            InvitationPage {
                layout,
                token,
                name: None,
                username: String::new(),
                errors: FormErrors::new(),
            },
        )
            .into_response());
    };
    drop(conn);
    let mut errors = FormErrors::new();
    let username = Username::parse(&form.gebruikersnaam)
        .map_err(|m| errors.add("gebruikersnaam", m))
        .ok();
    let password = errors.new_password(
        ("wachtwoord", &form.wachtwoord),
        ("wachtwoord_herhaling", &form.wachtwoord_herhaling),
        &[&form.gebruikersnaam, &inv.full_name, &inv.email],
    );
    if let (Some(username), Some(password)) = (username, password)
        && errors.is_empty()
    {
        match account_requests::accept(&state, &meta, &token, &username, &password).await {
            Ok(_) => {
                flash::push(
                    &session,
                    FlashKind::Success,
                    "Uw account is aangemaakt. Log in en koppel uw authenticator-app.",
                )
                .await?;
                return Ok(Redirect::to("/inloggen").into_response());
            }
            Err(AcceptError::UsernameTaken) => errors.add(
                "gebruikersnaam",
                "Deze gebruikersnaam is al in gebruik. Kies een andere.",
            ),
            Err(AcceptError::EmailInUse) => errors.add(
                "gebruikersnaam",
                "Er bestaat al een account met uw e-mailadres. Neem contact op met de helpdesk om de rol aan dat account toe te voegen.",
            ),
            Err(AcceptError::InstitutionHasContact) => errors.add(
                "gebruikersnaam",
                "Deze opleidingsinrichting heeft inmiddels al een contactpersoon. Neem contact op met de helpdesk.",
            ),
            Err(AcceptError::InvalidLink) => return Err(AppError::NotFound),
            Err(AcceptError::Failed(e)) => return Err(e.into()),
        }
    }
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        InvitationPage {
            layout,
            token,
            name: Some(inv.full_name),
            username: form.gebruikersnaam,
            errors,
        },
    )
        .into_response())
}
