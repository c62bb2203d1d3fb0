//! Logging in: username and password, then the verification code (or a recovery code); the
//! first time, enrolling the authenticator app. Logging out.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::handler::Handler;
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use tower_sessions::Session;

use crate::accounts::login::{
    self, CodeOutcome, PENDING_LOGIN, PasswordOutcome, PendingLogin, SecondFactor,
};
use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::auth::backend::AuthSession;
use crate::platform::auth::user::load_user;
use crate::platform::auth::{secrets, totp};
use crate::platform::state::AppState;
use crate::web::current_user::{CurrentUser, LOGGED_IN_AT, return_path};
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind};
use crate::web::form::FormErrors;
use crate::web::layout::{Layout, START_PAGE};
use crate::web::session_renewal;

/// Session key: recovery codes to show once, right after enrolment.
pub const FRESH_RECOVERY_CODES: &str = "fresh_recovery_codes";

/// The login routes. Posting a password or code is limited per client address: 20 a minute,
/// then 429 (docs/security.md §3).
pub fn router() -> Router<AppState> {
    let limited = crate::web::rate_limit::per_client(3, 20);
    Router::new()
        .route(
            "/inloggen",
            get(password_form).post(password_submit.layer(limited.clone())),
        )
        .route(
            "/inloggen/code",
            get(code_form).post(code_submit.layer(limited.clone())),
        )
        .route(
            "/inloggen/herstelcode",
            get(recovery_form).post(recovery_submit.layer(limited.clone())),
        )
        .route(
            "/inloggen/authenticator",
            get(enrol_form).post(enrol_submit.layer(limited)),
        )
        .route("/inloggen/herstelcodes", get(fresh_recovery_codes))
        .route("/uitloggen", post(logout))
        .route("/uitgelogd", get(logged_out))
        .route("/sessie/verlengen", post(extend_session))
}

fn refused(page: impl IntoResponse) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, page).into_response()
}

fn local_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono_tz::Europe::Amsterdam)
        .format("%H:%M")
        .to_string()
}

/// The message when too many wrong passwords or codes locked a step for a while: the same
/// words at the login and where the account asks for the password again, and the same for a
/// username without an account (docs/security.md).
pub(crate) fn locked_message(until: DateTime<Utc>) -> String {
    format!(
        "Er is te vaak een verkeerd wachtwoord of een verkeerde code ingevuld. Om uw account te \
         beschermen kan dat pas om {} weer. Dit gaat vanzelf over; u hoeft niets te doen.",
        local_time(until)
    )
}

/// Step 1: username and password.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/login/password.html")]
pub struct PasswordPage {
    layout: Layout,
    username: String,
    errors: FormErrors,
    /// The page to come back to after logging in, if it is one of the portal's.
    back: Option<String>,
}

#[derive(Deserialize)]
struct PasswordQuery {
    #[serde(default)]
    terug: String,
}

async fn password_form(
    layout: Layout,
    axum::extract::Query(query): axum::extract::Query<PasswordQuery>,
) -> PasswordPage {
    PasswordPage {
        layout,
        username: String::new(),
        errors: FormErrors::new(),
        back: return_path(&query.terug).map(str::to_owned),
    }
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    gebruikersnaam: String,
    #[serde(default)]
    wachtwoord: String,
    #[serde(default)]
    terug: String,
}

async fn password_submit(
    State(state): State<AppState>,
    session: Session,
    meta: Origin,
    layout: Layout,
    Form(form): Form<PasswordForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::new();
    if form.gebruikersnaam.trim().is_empty() {
        errors.add("gebruikersnaam", "Vul uw gebruikersnaam in.");
    }
    if form.wachtwoord.is_empty() {
        errors.add("wachtwoord", "Vul uw wachtwoord in.");
    }
    if errors.is_empty() {
        match login::check_password(&state, &meta, &form.gebruikersnaam, &form.wachtwoord).await? {
            PasswordOutcome::Accepted(mut pending) => {
                pending.return_to = return_path(&form.terug).map(str::to_owned);
                // A new session id now that the password is known (session fixation).
                session.cycle_id().await?;
                let next = if pending.enrolled {
                    "/inloggen/code"
                } else {
                    "/inloggen/authenticator"
                };
                session
                    .insert(PENDING_LOGIN, pending)
                    .await?;
                return Ok(Redirect::to(next).into_response());
            }
            PasswordOutcome::Invalid => errors.add(
                "wachtwoord",
                "De combinatie van gebruikersnaam en wachtwoord klopt niet. Let op hoofdletters en spaties.",
            ),
            PasswordOutcome::Locked(until) => errors.add("wachtwoord", locked_message(until)),
            PasswordOutcome::EmailUnconfirmed => errors.add(
                "gebruikersnaam",
                "Bevestig eerst uw e-mailadres met de link in de e-mail die wij u stuurden. Daarna kunt u inloggen.",
            ),
            PasswordOutcome::Blocked => errors.add(
                "gebruikersnaam",
                "Uw account is geblokkeerd. Neem contact op met de RGS om het te laten deblokkeren.",
            ),
        }
    }
    Ok(refused(PasswordPage {
        layout,
        back: return_path(&form.terug).map(str::to_owned),
        username: form.gebruikersnaam,
        errors,
    }))
}

/// The pending login, if it is still fresh; otherwise a flash and the way back to step 1.
async fn pending(state: &AppState, session: &Session) -> AppResult<Result<PendingLogin, Response>> {
    let pending: Option<PendingLogin> = session.get(PENDING_LOGIN).await?;
    match pending {
        Some(p) if p.is_fresh(state.clock.now()) => Ok(Ok(p)),
        Some(_) => {
            session.remove::<PendingLogin>(PENDING_LOGIN).await?;
            flash::push(
                session,
                FlashKind::Info,
                "Uw inlogpoging duurde langer dan 5 minuten en is verlopen. Log opnieuw in.",
            )
            .await?;
            Ok(Err(Redirect::to("/inloggen").into_response()))
        }
        None => Ok(Err(Redirect::to("/inloggen").into_response())),
    }
}

/// The pending login if it is fresh and at the step the page is for: the code step needs an
/// enrolled authenticator, the enrolment step needs none. Otherwise the way to the right step.
async fn pending_at(
    state: &AppState,
    session: &Session,
    enrolled: bool,
) -> AppResult<Result<PendingLogin, Response>> {
    Ok(match pending(state, session).await? {
        Ok(p) if p.enrolled == enrolled => Ok(p),
        Ok(p) => {
            let step = if p.enrolled {
                "/inloggen/code"
            } else {
                "/inloggen/authenticator"
            };
            Err(Redirect::to(step).into_response())
        }
        Err(back) => Err(back),
    })
}

/// Finishes the login: the session becomes the user's (with a new id) and the marker goes.
async fn complete_login(
    state: &AppState,
    auth: &mut AuthSession,
    pending: &PendingLogin,
) -> AppResult<()> {
    let user = load_user(&state.db, pending.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    auth.login(&user)
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("login failed: {e}")))?;
    auth.session.remove::<PendingLogin>(PENDING_LOGIN).await?;
    auth.session.insert(LOGGED_IN_AT, state.clock.now()).await?;
    Ok(())
}

/// Step 2: the verification code.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/login/code.html")]
pub struct CodePage {
    layout: Layout,
    errors: FormErrors,
}

async fn code_form(
    State(state): State<AppState>,
    session: Session,
    layout: Layout,
) -> AppResult<Response> {
    Ok(match pending_at(&state, &session, true).await? {
        Ok(_) => CodePage {
            layout,
            errors: FormErrors::new(),
        }
        .into_response(),
        Err(back) => back,
    })
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
}

async fn code_submit(
    State(state): State<AppState>,
    mut auth: AuthSession,
    meta: Origin,
    layout: Layout,
    Form(form): Form<CodeForm>,
) -> AppResult<Response> {
    let p = match pending_at(&state, &auth.session, true).await? {
        Ok(p) => p,
        Err(back) => return Ok(back),
    };
    let mut errors = FormErrors::new();
    if form.code.trim().is_empty() {
        errors.add(
            "code",
            "Vul de code van 6 cijfers uit uw authenticator-app in.",
        );
    } else {
        match login::check_code(&state, &meta, p.user_id, SecondFactor::Code(&form.code)).await? {
            CodeOutcome::Accepted => {
                complete_login(&state, &mut auth, &p).await?;
                return Ok(Redirect::to(p.return_to.as_deref().unwrap_or(START_PAGE)).into_response());
            }
            CodeOutcome::Invalid => errors.add(
                "code",
                "Deze code klopt niet of is al gebruikt. Wacht tot uw app een nieuwe code toont en probeer het opnieuw.",
            ),
            CodeOutcome::Locked(until) => errors.add("code", locked_message(until)),
        }
    }
    Ok(refused(CodePage { layout, errors }))
}

/// Step 2, without the app: a recovery code.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/login/recovery.html")]
pub struct RecoveryPage {
    layout: Layout,
    errors: FormErrors,
}

async fn recovery_form(
    State(state): State<AppState>,
    session: Session,
    layout: Layout,
) -> AppResult<Response> {
    Ok(match pending_at(&state, &session, true).await? {
        Ok(_) => RecoveryPage {
            layout,
            errors: FormErrors::new(),
        }
        .into_response(),
        Err(back) => back,
    })
}

#[derive(Deserialize)]
struct RecoveryForm {
    #[serde(default)]
    herstelcode: String,
}

async fn recovery_submit(
    State(state): State<AppState>,
    mut auth: AuthSession,
    meta: Origin,
    layout: Layout,
    Form(form): Form<RecoveryForm>,
) -> AppResult<Response> {
    let p = match pending_at(&state, &auth.session, true).await? {
        Ok(p) => p,
        Err(back) => return Ok(back),
    };
    let mut errors = FormErrors::new();
    if form.herstelcode.trim().is_empty() {
        errors.add("herstelcode", "Vul een van uw herstelcodes in.");
    } else {
        let factor = SecondFactor::RecoveryCode(&form.herstelcode);
        match login::check_code(&state, &meta, p.user_id, factor).await? {
            CodeOutcome::Accepted => {
                complete_login(&state, &mut auth, &p).await?;
                let left = login::recovery_codes_left(&state.db, p.user_id).await?;
                flash::push(
                    &auth.session,
                    FlashKind::Info,
                    format!(
                        "U bent ingelogd met een herstelcode. Die code werkt nu niet meer; u heeft er nog {left}."
                    ),
                )
                .await?;
                return Ok(
                    Redirect::to(p.return_to.as_deref().unwrap_or(START_PAGE)).into_response()
                );
            }
            CodeOutcome::Invalid => errors.add(
                "herstelcode",
                "Deze herstelcode klopt niet of is al gebruikt.",
            ),
            CodeOutcome::Locked(until) => errors.add("herstelcode", locked_message(until)),
        }
    }
    Ok(refused(RecoveryPage { layout, errors }))
}

/// First login: link the authenticator app.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/login/enrol.html")]
pub struct EnrolPage {
    layout: Layout,
    qr_svg: String,
    secret_text: String,
    errors: FormErrors,
}

/// The pending login with a sealed secret for enrolment, creating one if needed.
async fn with_enrolment_secret(
    state: &AppState,
    session: &Session,
    mut p: PendingLogin,
) -> AppResult<(PendingLogin, Vec<u8>)> {
    if let Some(sealed_hex) = &p.pending_secret {
        let sealed =
            secrets::hex_decode(sealed_hex).ok_or_else(|| anyhow::anyhow!("bad sealed secret"))?;
        let secret = secrets::open(&state.config.secret_key, &sealed)?;
        return Ok((p, secret));
    }
    let secret = totp::new_secret();
    let sealed = secrets::seal(&state.config.secret_key, &secret)?;
    p.pending_secret = Some(secrets::hex_encode(&sealed));
    session.insert(PENDING_LOGIN, p.clone()).await?;
    Ok((p, secret))
}

fn enrol_page(
    layout: Layout,
    p: &PendingLogin,
    secret: &[u8],
    errors: FormErrors,
) -> AppResult<EnrolPage> {
    Ok(EnrolPage {
        layout,
        qr_svg: totp::qr_svg(secret, &p.username)
            .ok_or_else(|| anyhow::anyhow!("QR code could not be made"))?,
        secret_text: totp::secret_text(secret),
        errors,
    })
}

async fn enrol_form(
    State(state): State<AppState>,
    session: Session,
    layout: Layout,
) -> AppResult<Response> {
    let p = match pending_at(&state, &session, false).await? {
        Ok(p) => p,
        Err(back) => return Ok(back),
    };
    let (p, secret) = with_enrolment_secret(&state, &session, p).await?;
    Ok(enrol_page(layout, &p, &secret, FormErrors::new())?.into_response())
}

async fn enrol_submit(
    State(state): State<AppState>,
    mut auth: AuthSession,
    meta: Origin,
    layout: Layout,
    Form(form): Form<CodeForm>,
) -> AppResult<Response> {
    let p = match pending_at(&state, &auth.session, false).await? {
        Ok(p) => p,
        Err(back) => return Ok(back),
    };
    let (p, secret) = with_enrolment_secret(&state, &auth.session, p).await?;
    let mut errors = FormErrors::new();
    match totp::matching_step(&secret, &form.code, state.clock.now()) {
        Some(step) => {
            let sealed = secrets::seal(&state.config.secret_key, &secret)?;
            let codes = login::enrol(&state, &meta, p.user_id, &sealed, step).await?;
            complete_login(&state, &mut auth, &p).await?;
            auth.session
                .insert(FRESH_RECOVERY_CODES, codes)
                .await?;
            return Ok(Redirect::to("/inloggen/herstelcodes").into_response());
        }
        None => errors.add(
            "code",
            "Deze code klopt niet. Controleer of u de QR-code of de sleutel goed heeft overgenomen en vul de code in die de app nu toont.",
        ),
    }
    Ok(refused(enrol_page(layout, &p, &secret, errors)?))
}

/// The recovery codes, shown once.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/login/recovery_codes.html")]
pub struct RecoveryCodesPage {
    layout: Layout,
    codes: Vec<String>,
}

async fn fresh_recovery_codes(
    _user: CurrentUser,
    session: Session,
    layout: Layout,
) -> AppResult<Response> {
    let codes: Option<Vec<String>> = session.remove(FRESH_RECOVERY_CODES).await?;
    Ok(match codes {
        Some(codes) => RecoveryCodesPage { layout, codes }.into_response(),
        None => Redirect::to(START_PAGE).into_response(),
    })
}

async fn logout(
    State(state): State<AppState>,
    mut auth: AuthSession,
    meta: Origin,
) -> AppResult<Response> {
    if let Some(user) = auth
        .logout()
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("logout failed: {e}")))?
    {
        let mut conn = state.db.acquire().await?;
        audit::record(
            &mut conn,
            state.clock.now(),
            &meta,
            AuditEntry::new("auth.logout", Some(user.id), Outcome::Success),
        )
        .await?;
    }
    let mut response = Redirect::to("/uitgelogd").into_response();
    response.headers_mut().insert(
        HeaderName::from_static("clear-site-data"),
        HeaderValue::from_static("\"cache\", \"storage\""),
    );
    Ok(response)
}

/// "Blijf ingelogd": renews the session's idle expiry. The warning dialog
/// posts it with `fetch`; without JavaScript it is an ordinary form post.
async fn extend_session(
    _user: CurrentUser,
    session: Session,
    headers: axum::http::HeaderMap,
) -> AppResult<Response> {
    session_renewal::renew(&session).await?;
    if headers
        .get("x-requested-with")
        .is_some_and(|v| v == "fetch")
    {
        return Ok(StatusCode::NO_CONTENT.into_response());
    }
    flash::push(&session, FlashKind::Success, "U blijft ingelogd.").await?;
    Ok(Redirect::to(START_PAGE).into_response())
}

/// After logging out.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/login/logged_out.html")]
pub struct LoggedOutPage {
    layout: Layout,
    idle: bool,
}

#[derive(Deserialize)]
struct LoggedOutQuery {
    reden: Option<String>,
}

async fn logged_out(
    layout: Layout,
    axum::extract::Query(query): axum::extract::Query<LoggedOutQuery>,
) -> LoggedOutPage {
    LoggedOutPage {
        layout,
        idle: query.reden.as_deref() == Some("inactief"),
    }
}
