//! The RGS back office: the work list of account requests and account management (second
//! factor reset, roles). Every handler takes `RoleUser<Rgs>`: anyone else gets 404.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use rules::code::Coded;
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;
use uuid::Uuid;

use crate::accounts::account_requests::InstitutionOption;
use crate::accounts::account_requests::{
    self, DecideError, NamedSupervisor, OpleiderOption, RequestSummary,
};
use crate::back_office::users::{self, Assignment, Grant, GrantError, SpecialtyOption, UserRow};
use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::auth::user::Role;
use crate::platform::ids::UserId;
use crate::platform::state::AppState;
use crate::trainings::interventions::{self, WaitingRegistration};
use crate::web::action::Action;
use crate::web::current_user::{Rgs, RoleUser};
use crate::web::decision::{self as confirm, Check, Done};
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind};
use crate::web::form::FormErrors;
use crate::web::layout::Layout;
use crate::web::tasks::Link;
use rules::reason::{Length, parse_reason};

/// The RGS routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/rgs/accountaanvragen", get(requests))
        .route("/rgs/accountaanvragen/{id}", get(request_detail))
        .route("/rgs/accountaanvragen/{id}/goedkeuren", post(approve))
        .route("/rgs/accountaanvragen/{id}/afwijzen", post(reject))
        .route("/rgs/auditlog", get(audit_log))
        .route("/rgs/werkvoorraad", get(work_list))
        .route("/rgs/mails/{id}/opnieuw", post(retry_mail))
        .route("/rgs/gebruikers", get(users))
        .route("/rgs/gebruikers/{id}", get(user_detail))
        .route(
            "/rgs/gebruikers/{id}/tweede-factor",
            post(reset_second_factor),
        )
        .route("/rgs/gebruikers/{id}/rollen", post(grant_role))
        .route("/rgs/gebruikers/{id}/blokkeren", post(block))
        .route("/rgs/gebruikers/{id}/deblokkeren", post(unblock))
        .route(
            "/rgs/gebruikers/{id}/rollen/{assignment}/intrekken",
            post(revoke_role),
        )
}

/// The work list.
#[derive(Template, WebTemplate)]
#[template(path = "back_office/requests.html")]
pub struct RequestsPage {
    layout: Layout,
    requests: Vec<RequestSummary>,
}

async fn requests(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    layout: Layout,
) -> AppResult<RequestsPage> {
    Ok(RequestsPage {
        layout,
        requests: account_requests::pending(&state.db).await?,
    })
}

/// One request, with the decision forms.
#[derive(Template, WebTemplate)]
#[template(path = "back_office/request.html")]
pub struct RequestPage {
    layout: Layout,
    request: RequestSummary,
    supervisors: Vec<NamedSupervisor>,
    errors: FormErrors,
    reason: String,
}

async fn request_page(
    state: &AppState,
    layout: Layout,
    id: Uuid,
    errors: FormErrors,
    reason: String,
) -> AppResult<RequestPage> {
    let request = account_requests::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(RequestPage {
        layout,
        supervisors: account_requests::named_supervisors(&state.db, id).await?,
        request,
        errors,
        reason,
    })
}

async fn request_detail(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    layout: Layout,
) -> AppResult<RequestPage> {
    request_page(&state, layout, id, FormErrors::new(), String::new()).await
}

async fn approve(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<Uuid>,
    layout: Layout,
) -> AppResult<Response> {
    let mut errors = FormErrors::new();
    match account_requests::rgs_approves(&state, &meta, clerk.id, id).await {
        Ok(()) => {
            flash::push(&session, FlashKind::Success, "De aanvraag is goedgekeurd; de uitnodiging is verstuurd.").await?;
            return Ok(Redirect::to("/rgs/accountaanvragen").into_response());
        }
        Err(DecideError::NotFound) => return Err(AppError::NotFound),
        Err(DecideError::AwaitingSupervisors) => errors.add(
            "goedkeuren",
            "Nog niet elke genoemde opleider heeft de aanvraag bevestigd.",
        ),
        Err(DecideError::InstitutionHasContact) => errors.add(
            "goedkeuren",
            "Deze opleidingsinrichting heeft inmiddels een contactpersoon. Wijs de aanvraag af of trek eerst de rol van de huidige contactpersoon in.",
        ),
        Err(DecideError::Failed(e)) => return Err(e.into()),
    }
    let page = request_page(&state, layout, id, errors, String::new()).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Deserialize)]
struct RejectForm {
    #[serde(default)]
    reden: String,
}

async fn reject(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<Uuid>,
    layout: Layout,
    Form(form): Form<RejectForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::new();
    match parse_reason(&form.reden, Length::at_least(5)) {
        Err(problem) => errors.add(
            "reden",
            problem.message("Geef een reden op; de aanvrager leest die in de e-mail."),
        ),
        Ok(reason) => {
            match account_requests::rgs_rejects(&state, &meta, clerk.id, id, &reason).await {
                Ok(()) => {
                    flash::push(
                        &session,
                        FlashKind::Success,
                        "De aanvraag is afgewezen; de aanvrager is per e-mail geïnformeerd.",
                    )
                    .await?;
                    return Ok(Redirect::to("/rgs/accountaanvragen").into_response());
                }
                Err(DecideError::NotFound) => return Err(AppError::NotFound),
                Err(DecideError::Failed(e)) => return Err(e.into()),
                Err(_) => errors.add("reden", "De aanvraag kon niet worden afgewezen."),
            }
        }
    }
    let page = request_page(&state, layout, id, errors, form.reden.trim().to_owned()).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// Finding an account.
#[derive(Template, WebTemplate)]
#[template(path = "back_office/users.html")]
pub struct UsersPage {
    layout: Layout,
    query: String,
    users: Vec<UserRow>,
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    zoek: String,
}

async fn users(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
    layout: Layout,
) -> AppResult<UsersPage> {
    let users = if query.zoek.trim().chars().count() >= 2 {
        users::search(&state.db, &query.zoek).await?
    } else {
        Vec::new()
    };
    Ok(UsersPage {
        layout,
        query: query.zoek,
        users,
    })
}

/// One account: roles and actions.
#[derive(Template, WebTemplate)]
#[template(path = "back_office/user.html")]
pub struct UserPage {
    layout: Layout,
    user: UserRow,
    assignments: Vec<Assignment>,
    specialties: Vec<SpecialtyOption>,
    institutions: Vec<InstitutionOption>,
    opleiders: Vec<OpleiderOption>,
    roles: Vec<(&'static str, &'static str)>,
    errors: FormErrors,
    invoices: Vec<crate::billing::invoices::Invoice>,
    trainings: Vec<crate::trainings::training::Training>,
    entries: Vec<crate::registers::entries::Entry>,
    applications: Vec<crate::registers::entries::Application>,
    /// A time-boxed lock after failed attempts, still running.
    locked_until: Option<String>,
    /// What the block form holds.
    block_reason: String,
}

const GRANTABLE: [Role; 6] = [
    Role::Aios,
    Role::Specialist,
    Role::Opleider,
    Role::Ondersteuner,
    Role::Contactpersoon,
    Role::Rgs,
];

async fn user_page(
    state: &AppState,
    layout: Layout,
    id: UserId,
    errors: FormErrors,
    block_reason: String,
) -> AppResult<UserPage> {
    let account = users::account(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(UserPage {
        layout,
        locked_until: account.user.locked_until(state.clock.now()),
        block_reason,
        invoices: account.invoices,
        entries: account.entries,
        applications: account.applications,
        trainings: account.trainings,
        assignments: account.assignments,
        specialties: account.specialties,
        institutions: account.institutions,
        opleiders: account.opleiders,
        roles: GRANTABLE.iter().map(|r| (r.code(), r.label())).collect(),
        user: account.user,
        errors,
    })
}

async fn user_detail(
    clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Path(id): Path<UserId>,
    meta: Origin,
    layout: Layout,
) -> AppResult<UserPage> {
    let page = user_page(&state, layout, id, FormErrors::new(), String::new()).await?;
    users::record_view(&state, &meta, clerk.id, id).await?;
    Ok(page)
}

/// What a decision form without fields of its own posts: only the check page's mark.
#[derive(Deserialize, Default)]
struct ConfirmForm {
    /// Set by the check page (`web::decision`).
    #[serde(default)]
    bevestigd: String,
}

/// The way back to account `user`'s page from a check or confirmation page.
fn back_to_account(user: &UserRow, without: &str) -> Link {
    Link::new(
        format!("/rgs/gebruikers/{}", user.id),
        format!("Terug naar het account van {}{without}", user.full_name),
    )
}

async fn reset_second_factor(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<UserId>,
    layout: Layout,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let user = users::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let name = &user.full_name;
    if !confirm::confirmed(&form.bevestigd) {
        return Ok(Check {
            decision: format!("U verwijdert de koppeling van {name} met de authenticator-app."),
            facts: vec![
                ("Naam".to_owned(), name.clone()),
                ("Gebruikersnaam".to_owned(), user.username.clone()),
                ("E-mailadres".to_owned(), user.email.clone()),
            ],
            consequences: vec![
                format!(
                    "{name} kan niet meer inloggen met de codes van de huidige app of met de \
                     oude herstelcodes."
                ),
                "Bij de volgende keer inloggen koppelt hij of zij opnieuw een app en krijgt \
                 nieuwe herstelcodes."
                    .to_owned(),
                format!("{name} krijgt hierover een e-mail."),
                "Doe dit alleen als u zeker weet dat het verzoek van deze persoon zelf komt."
                    .to_owned(),
            ],
            action: format!("/rgs/gebruikers/{id}/tweede-factor"),
            fields: Vec::new(),
            button: "Ja, tweede factor verwijderen".to_owned(),
            destructive: true,
            back: back_to_account(&user, ", zonder iets te wijzigen"),
        }
        .page(layout));
    }
    if !users::reset_second_factor(&state, &meta, clerk.id, id).await? {
        return Err(AppError::NotFound);
    }
    Done {
        title: "Tweede factor verwijderd".to_owned(),
        lines: vec![
            format!("De koppeling van {name} met de authenticator-app is verwijderd."),
            "Bij de volgende keer inloggen koppelt de gebruiker opnieuw een app; er is een \
             e-mail over verstuurd."
                .to_owned(),
        ],
        next: None,
        back: back_to_account(&user, ""),
    }
    .show(&session)
    .await
}

#[derive(Deserialize)]
struct GrantForm {
    #[serde(default)]
    rol: String,
    #[serde(default)]
    specialisme: String,
    #[serde(default)]
    instelling: String,
    #[serde(default)]
    opleider: String,
}

async fn grant_role(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<UserId>,
    layout: Layout,
    Form(form): Form<GrantForm>,
) -> AppResult<Response> {
    users::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut errors = FormErrors::new();
    match Role::from_code(&form.rol) {
        None => errors.add("rol", "Kies een rol."),
        Some(role) => {
            let grant = Grant {
                role,
                specialty: Uuid::parse_str(&form.specialisme).ok(),
                institution: Uuid::parse_str(&form.instelling).ok(),
                supervisor: form.opleider.parse().ok(),
            };
            match users::grant_role(&state, &meta, clerk.id, id, &grant).await {
                Ok(()) => {
                    flash::push(
                        &session,
                        FlashKind::Success,
                        format!("De rol {} is toegekend.", role.label()),
                    )
                    .await?;
                    return Ok(Redirect::to(&format!("/rgs/gebruikers/{id}")).into_response());
                }
                Err(GrantError::MissingScope(m)) => errors.add("rol", m),
                Err(GrantError::AlreadyHeld) => {
                    errors.add("rol", "De gebruiker heeft deze rol al.")
                }
                Err(GrantError::InstitutionHasContact) => errors.add(
                    "rol",
                    "Deze opleidingsinrichting heeft al een contactpersoon. Trek die rol eerst in.",
                ),
                Err(GrantError::Failed(e)) => return Err(e.into()),
            }
        }
    }
    let page = user_page(&state, layout, id, errors, String::new()).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn revoke_role(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path((id, assignment)): Path<(UserId, Uuid)>,
    layout: Layout,
    Form(form): Form<ConfirmForm>,
) -> AppResult<Response> {
    let account = users::account(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let role = account
        .assignments
        .iter()
        .find(|a| a.id == assignment)
        .ok_or(AppError::NotFound)?;
    let user = &account.user;
    let name = &user.full_name;
    let what = match &role.scope {
        Some(scope) if !scope.is_empty() => format!("{} ({scope})", role.role_label()),
        _ => role.role_label().to_owned(),
    };
    if !confirm::confirmed(&form.bevestigd) {
        let mut consequences = vec![format!(
            "{name} kan vanaf nu niet meer doen wat bij deze rol hoort; de pagina's van die rol \
             bestaan dan niet meer voor hem of haar."
        )];
        if role.role == Role::Ondersteuner {
            consequences.push(
                "De aios van deze opleider verdwijnen uit zijn of haar overzicht.".to_owned(),
            );
        }
        consequences.push("De andere rollen en het account zelf blijven.".to_owned());
        return Ok(Check {
            decision: format!("U trekt de rol {what} van {name} in."),
            facts: vec![
                ("Naam".to_owned(), name.clone()),
                ("Rol".to_owned(), what.clone()),
            ],
            consequences,
            action: format!("/rgs/gebruikers/{id}/rollen/{assignment}/intrekken"),
            fields: Vec::new(),
            button: "Ja, rol intrekken".to_owned(),
            destructive: true,
            back: back_to_account(user, ", zonder iets te wijzigen"),
        }
        .page(layout));
    }
    if !users::revoke_role(&state, &meta, clerk.id, id, assignment).await? {
        return Err(AppError::NotFound);
    }
    Done {
        title: "Rol ingetrokken".to_owned(),
        lines: vec![format!("De rol {what} van {name} is ingetrokken.")],
        next: None,
        back: back_to_account(user, ""),
    }
    .show(&session)
    .await
}

#[derive(Deserialize)]
struct BlockForm {
    #[serde(default)]
    reden: String,
}

async fn block(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<UserId>,
    layout: Layout,
    Form(form): Form<BlockForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::new();
    match parse_reason(&form.reden, Length::between(5, 2000)) {
        Err(problem) => errors.add(
            "reden",
            problem.message(
                "Geef de reden van de blokkade: die staat in het auditlog en bij het account.",
            ),
        ),
        Ok(reason) => match users::block(&state, &meta, clerk.id, id, &reason).await {
            Ok(()) => {
                flash::push(
                    &session,
                    FlashKind::Success,
                    "Het account is geblokkeerd. Alle sessies zijn beëindigd; inloggen kan pas \
                     weer na deblokkeren.",
                )
                .await?;
                return Ok(Redirect::to(&format!("/rgs/gebruikers/{id}")).into_response());
            }
            Err(users::BlockError::NotFound) => return Err(AppError::NotFound),
            Err(users::BlockError::OwnAccount) => {
                errors.add("reden", "U kunt uw eigen account niet blokkeren.")
            }
            Err(users::BlockError::AlreadyBlocked) => {
                errors.add("reden", "Dit account is al geblokkeerd.")
            }
            Err(users::BlockError::Database(e)) => return Err(e.into()),
        },
    }
    let page = user_page(&state, layout, id, errors, form.reden).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

async fn unblock(
    clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Path(id): Path<UserId>,
    session: Session,
    meta: Origin,
) -> AppResult<Response> {
    if !users::unblock(&state, &meta, clerk.id, id).await? {
        return Err(AppError::NotFound);
    }
    flash::push(
        &session,
        FlashKind::Success,
        "Het account is gedeblokkeerd. De gebruiker kan weer inloggen.",
    )
    .await?;
    Ok(Redirect::to(&format!("/rgs/gebruikers/{id}")).into_response())
}

/// The audit log, searched.
#[derive(Template, WebTemplate)]
#[template(path = "back_office/audit.html")]
pub struct AuditPage {
    layout: Layout,
    form: audit::SearchForm,
    errors: FormErrors,
    entries: Vec<audit::LogEntry>,
    /// The address of the next (older) page.
    older: Option<String>,
    searched: bool,
}

async fn audit_log(
    clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Query(form): Query<audit::SearchForm>,
    meta: Origin,
    layout: Layout,
) -> AppResult<Response> {
    let mut page = AuditPage {
        layout,
        errors: FormErrors::new(),
        entries: Vec::new(),
        older: None,
        searched: false,
        form,
    };
    let search = match page.form.parse() {
        Ok(search) => search,
        Err(errors) => {
            for (field, message) in errors {
                page.errors.add(field, message);
            }
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let before = page.form.voor.parse::<i64>().ok();
    let mut conn = state.db.acquire().await?;
    let (entries, more) = audit::search(&mut conn, &search, before).await?;
    // Reading the audit log is itself recorded, with what was looked for.
    audit::record(
        &mut conn,
        state.clock.now(),
        &meta,
        AuditEntry::new("audit.searched", Some(clerk.id), Outcome::Success).details(json!({
            "gebruiker": page.form.gebruiker,
            "onderwerp": page.form.onderwerp,
            "actie": page.form.actie,
            "van": page.form.van,
            "tot": page.form.tot,
        })),
    )
    .await?;
    page.older = more.then(|| entries.last()).flatten().map(|last| {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("gebruiker", &page.form.gebruiker)
            .append_pair("onderwerp", &page.form.onderwerp)
            .append_pair("actie", &page.form.actie)
            .append_pair("van", &page.form.van)
            .append_pair("tot", &page.form.tot)
            .append_pair("voor", &last.id.to_string())
            .finish();
        format!("/rgs/auditlog?{query}")
    });
    page.searched = true;
    page.entries = entries;
    Ok(page.into_response())
}

/// What waits for the RGS: account requests, and mails and jobs that were given up.
#[derive(Template, WebTemplate)]
#[template(path = "back_office/work_list.html")]
pub struct WorkListPage {
    layout: Layout,
    /// How many days counts as too long, as typed.
    days: String,
    errors: FormErrors,
    awaiting_opleider: Vec<WaitingRegistration>,
    unpaid: Vec<WaitingRegistration>,
    reregistrations: Vec<crate::registers::entries::Application>,
    requests: i64,
    emails: Vec<crate::platform::mail::FailedEmail>,
    jobs: Vec<crate::platform::jobs::FailedJob>,
}

use crate::back_office::waiting::DEFAULT_WAIT_DAYS;

#[derive(Deserialize)]
struct WorkListQuery {
    dagen: Option<String>,
}

async fn work_list(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Query(query): Query<WorkListQuery>,
    layout: Layout,
) -> AppResult<Response> {
    let mut errors = FormErrors::new();
    let typed = query.dagen.unwrap_or_default();
    let days = if typed.trim().is_empty() {
        DEFAULT_WAIT_DAYS
    } else {
        match typed.trim().parse::<i64>() {
            Ok(days) if (0..=365).contains(&days) => days,
            _ => {
                errors.add("dagen", "Vul een aantal dagen in van 0 tot en met 365.");
                DEFAULT_WAIT_DAYS
            }
        }
    };
    let work =
        interventions::work_list(&state.db, state.clock.now(), state.clock.today(), days).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let page = WorkListPage {
        layout,
        days: if typed.trim().is_empty() {
            DEFAULT_WAIT_DAYS.to_string()
        } else {
            typed
        },
        errors,
        awaiting_opleider: work.awaiting_opleider,
        unpaid: work.unpaid,
        reregistrations: work.reregistrations,
        requests: work.requests,
        emails: work.emails,
        jobs: work.jobs,
    };
    Ok((status, page).into_response())
}

async fn retry_mail(
    clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    session: Session,
    meta: Origin,
) -> AppResult<Response> {
    if !crate::platform::mail::retry(&state.db, &meta, clerk.id, id, state.clock.now()).await? {
        return Err(AppError::NotFound);
    }
    flash::push(
        &session,
        FlashKind::Success,
        "De e-mail staat weer in de wachtrij en wordt zo verstuurd.",
    )
    .await?;
    Ok(Redirect::to("/rgs/werkvoorraad").into_response())
}
