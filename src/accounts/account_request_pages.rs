//! Public forms "Account aanvragen" for an opleidingsondersteuner or a contactpersoon, and the
//! invitation link with which an approved person chooses username and password.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::accounts::account_requests::{
    self, AcceptError, AccountKind, Applicant, InstitutionOption, OPLEIDER_SEARCH_MIN,
    OpleiderOption, RequestKind, SubmitError,
};
use crate::platform::audit::Origin;
use crate::platform::ids::UserId;
use crate::platform::state::AppState;
use crate::web::action::Action;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind};
use crate::web::form::FormErrors;
use crate::web::layout::Layout;
use axum::extract::Query;
use rules::account::{EmailAddress, FullName, Username};
use rules::code::Coded;

/// The account request routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account-aanvragen", get(choose))
        // Per client address: 20 posts at once (a search for the opleider is a post too, so
        // that nothing typed is lost), then one every 30 seconds (docs/security.md).
        .route(
            "/account-aanvragen/ondersteuner",
            get(ondersteuner_form)
                .post(ondersteuner_submit.layer(crate::web::rate_limit::per_client(30, 20))),
        )
        .route(
            "/account-aanvragen/contactpersoon",
            get(contact_form)
                .post(contact_submit.layer(crate::web::rate_limit::per_client(30, 20))),
        )
        .route("/account-aanvragen/verstuurd", get(sent))
        .route(
            "/account-aanvragen/bevestigen/{token}",
            get(confirm_form).post(confirm_submit),
        )
        .route("/account-aanvragen/bevestigd", get(confirmed))
        .route(
            "/uitnodiging/{token}",
            get(invitation_form).post(invitation_submit),
        )
}

/// Which account to ask for.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/account_requests/choose.html")]
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

/// The ondersteuner request form. The opleiders are found by a search (name, institution or
/// city), never listed all at once; the search is a button of the same form, so that what was
/// typed stays, and opleiders already chosen stay chosen.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/account_requests/ondersteuner.html")]
pub struct OndersteunerPage {
    layout: Layout,
    form: OndersteunerForm,
    /// The opleiders chosen so far.
    chosen: Vec<OpleiderOption>,
    /// What the last search found, without those already chosen; `None` before a search.
    found: Option<Vec<OpleiderOption>>,
    /// Whether the search found more than it shows.
    more: bool,
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
    /// The search for an opleider.
    #[serde(default)]
    opleider_zoek: String,
    /// `zoeken` when the search button was used.
    #[serde(default)]
    actie: String,
}

impl OndersteunerForm {
    fn chosen_ids(&self) -> Vec<UserId> {
        let mut ids: Vec<UserId> = self
            .opleiders
            .iter()
            .filter_map(|o| o.parse().ok())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

async fn ondersteuner_form(layout: Layout) -> OndersteunerPage {
    OndersteunerPage {
        layout,
        form: OndersteunerForm::default(),
        chosen: Vec::new(),
        found: None,
        more: false,
        errors: FormErrors::new(),
    }
}

/// The form again, with what was typed, the opleiders chosen and (after a search) what it found.
async fn ondersteuner_page(
    state: &AppState,
    layout: Layout,
    form: OndersteunerForm,
    mut errors: FormErrors,
    search: bool,
) -> AppResult<OndersteunerPage> {
    let chosen = account_requests::chosen_opleiders(&state.db, &form.chosen_ids()).await?;
    let (mut found, mut more) = (None, false);
    if search {
        let words = form.opleider_zoek.trim();
        if words.chars().count() < OPLEIDER_SEARCH_MIN {
            errors.add(
                "opleider_zoek",
                format!(
                    "Vul ten minste {OPLEIDER_SEARCH_MIN} letters in van de naam van de opleider \
                     of van het ziekenhuis of de plaats."
                ),
            );
        } else {
            let result = account_requests::search_opleiders(&state.db, words).await?;
            more = result.more;
            found = Some(
                result
                    .found
                    .into_iter()
                    .filter(|o| !chosen.iter().any(|c| c.id == o.id))
                    .collect(),
            );
        }
    }
    Ok(OndersteunerPage {
        layout,
        form,
        chosen,
        found,
        more,
        errors,
    })
}

async fn ondersteuner_submit(
    State(state): State<AppState>,
    meta: Origin,
    layout: Layout,
    Form(form): Form<OndersteunerForm>,
) -> AppResult<Response> {
    if form.actie == "zoeken" {
        let page = ondersteuner_page(&state, layout, form, FormErrors::new(), true).await?;
        let status = if page.errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return Ok((status, page).into_response());
    }
    let mut errors = FormErrors::new();
    let applicant = parse_person(&form.person, &mut errors);
    let supervisors = form.chosen_ids();
    if supervisors.is_empty() {
        errors.add(
            "opleiders",
            "Zoek en kies de opleider of opleiders voor wie u werkt.",
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
            Ok(()) => {
                return Ok(
                    Redirect::to("/account-aanvragen/verstuurd?aanvraag=ondersteuner")
                        .into_response(),
                );
            }
            Err(SubmitError::UnknownChoice) => errors.add(
                "opleiders",
                "Een van de gekozen opleiders is niet (meer) bekend. Zoek en kies opnieuw.",
            ),
            Err(SubmitError::InstitutionHasContact) => return Err(AppError::NotFound),
            Err(SubmitError::Failed(e)) => return Err(e.into()),
        }
    }
    let page = ondersteuner_page(&state, layout, form, errors, false).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// The contactpersoon request form.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/account_requests/contactpersoon.html")]
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
    meta: Origin,
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
            Ok(()) => {
                return Ok(
                    Redirect::to("/account-aanvragen/verstuurd?aanvraag=contactpersoon")
                        .into_response(),
                );
            }
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

/// Which kind of request the "verstuurd" and "bevestigd" pages speak of: `?aanvraag=…`, set
/// by the redirect that leads there. Without it (a bookmark) they speak of a request in
/// general.
#[derive(Deserialize, Default)]
pub struct KindQuery {
    #[serde(default)]
    aanvraag: String,
}

impl KindQuery {
    fn kind(&self) -> Option<AccountKind> {
        AccountKind::from_code(&self.aanvraag)
    }
}

/// The kind of request a page speaks of, for its wording.
pub struct RequestWording(Option<AccountKind>);

impl RequestWording {
    /// A request for an ondersteuner account.
    pub fn ondersteuner(&self) -> bool {
        self.0 == Some(AccountKind::Ondersteuner)
    }

    /// A request for a contactpersoon account.
    pub fn contactpersoon(&self) -> bool {
        self.0 == Some(AccountKind::Contactpersoon)
    }
}

/// "Your request was received".
#[derive(Template, WebTemplate)]
#[template(path = "accounts/account_requests/sent.html")]
pub struct SentPage {
    layout: Layout,
    request: RequestWording,
}

async fn sent(layout: Layout, Query(query): Query<KindQuery>) -> SentPage {
    SentPage {
        layout,
        request: RequestWording(query.kind()),
    }
}

/// Confirming the email address of a request: a button, so that a mail scanner that opens the
/// link does not use it up.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/account_requests/confirm.html")]
pub struct ConfirmPage {
    layout: Layout,
    token: String,
    valid: bool,
}

async fn confirm_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    layout: Layout,
) -> AppResult<Response> {
    let valid =
        account_requests::confirmation_is_valid(&state.db, &token, state.clock.now()).await?;
    let status = if valid {
        StatusCode::OK
    } else {
        StatusCode::NOT_FOUND
    };
    Ok((
        status,
        ConfirmPage {
            layout,
            token,
            valid,
        },
    )
        .into_response())
}

async fn confirm_submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    meta: Origin,
    layout: Layout,
) -> AppResult<Response> {
    match account_requests::confirm_request(&state, &meta, &token).await? {
        Some(AccountKind::Ondersteuner) => {
            return Ok(
                Redirect::to("/account-aanvragen/bevestigd?aanvraag=ondersteuner").into_response(),
            );
        }
        Some(AccountKind::Contactpersoon) => {
            return Ok(
                Redirect::to("/account-aanvragen/bevestigd?aanvraag=contactpersoon")
                    .into_response(),
            );
        }
        None => {}
    }
    Ok((
        StatusCode::NOT_FOUND,
        ConfirmPage {
            layout,
            token,
            valid: false,
        },
    )
        .into_response())
}

/// "Your request is confirmed and on its way".
#[derive(Template, WebTemplate)]
#[template(path = "accounts/account_requests/confirmed.html")]
pub struct ConfirmedPage {
    layout: Layout,
    request: RequestWording,
}

async fn confirmed(layout: Layout, Query(query): Query<KindQuery>) -> ConfirmedPage {
    ConfirmedPage {
        layout,
        request: RequestWording(query.kind()),
    }
}

/// Choosing username and password after approval.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/account_requests/invitation.html")]
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
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(token): Path<String>,
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
