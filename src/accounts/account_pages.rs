//! Creating an account (aios or specialist), confirming the email address, and "Mijn account".

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::handler::Handler;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use tower_sessions::Session;

use crate::accounts::credentials;
use crate::accounts::login::{self, Confirmation};
use crate::accounts::login_pages::locked_message;
use crate::accounts::sign_up::{self, NewAccount, TokenPurpose};
use crate::platform::audit::Origin;
use crate::platform::auth::backend::AuthSession;
use crate::platform::auth::user::{Role, load_user};
use crate::platform::state::AppState;
use crate::web::action::Action;
use crate::web::current_user::CurrentUser;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind};
use crate::web::form::FormErrors;
use crate::web::layout::Layout;
use rules::account::{EmailAddress, FullName, Username};

/// The account routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(show))
        .route(
            "/account/wachtwoord",
            get(change_password_form).post(change_password_submit),
        )
        .route(
            "/account/herstelcodes",
            get(recovery_codes_form).post(recovery_codes_submit),
        )
        .route(
            "/account/aanmaken",
            // Per client address: 10 at once, then one a minute (docs/security.md).
            get(register_form)
                .post(register_submit.layer(crate::web::rate_limit::per_client(60, 10))),
        )
        .route("/account/aangemaakt", get(registered))
        .route(
            "/account/bevestigen/{token}",
            get(confirm_form).post(confirm_submit),
        )
}

/// The account creation form, with what was typed (never the password).
#[derive(Template, WebTemplate)]
#[template(path = "accounts/account/register.html")]
pub struct RegisterPage {
    layout: Layout,
    form: RegisterForm,
    errors: FormErrors,
}

/// What the account creation form posts.
#[derive(Deserialize, Default)]
pub struct RegisterForm {
    #[serde(default)]
    rol: String,
    #[serde(default)]
    naam: String,
    #[serde(default)]
    gebruikersnaam: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    wachtwoord: String,
    #[serde(default)]
    wachtwoord_herhaling: String,
}

async fn register_form(layout: Layout) -> RegisterPage {
    RegisterPage {
        layout,
        form: RegisterForm::default(),
        errors: FormErrors::new(),
    }
}

fn parse(form: &RegisterForm) -> Result<NewAccount, FormErrors> {
    let mut errors = FormErrors::new();
    let role = match form.rol.as_str() {
        "aios" => Some(Role::Aios),
        "specialist" => Some(Role::Specialist),
        _ => {
            errors.add("rol-aios", "Kies of u aios of specialist bent.");
            None
        }
    };
    let full_name = FullName::parse(&form.naam)
        .map_err(|m| errors.add("naam", m))
        .ok();
    let username = Username::parse(&form.gebruikersnaam)
        .map_err(|m| errors.add("gebruikersnaam", m))
        .ok();
    let email = EmailAddress::parse(&form.email)
        .map_err(|m| errors.add("email", m))
        .ok();
    let context = [
        form.gebruikersnaam.as_str(),
        form.naam.as_str(),
        form.email.as_str(),
    ];
    let password = errors.new_password(
        ("wachtwoord", &form.wachtwoord),
        ("wachtwoord_herhaling", &form.wachtwoord_herhaling),
        &context,
    );
    match (role, full_name, username, email, password) {
        (Some(role), Some(full_name), Some(username), Some(email), Some(password))
            if errors.is_empty() =>
        {
            Ok(NewAccount {
                role,
                full_name,
                username,
                email,
                password,
            })
        }
        _ => Err(errors),
    }
}

async fn register_submit(
    State(state): State<AppState>,
    meta: Origin,
    layout: Layout,
    Form(mut form): Form<RegisterForm>,
) -> AppResult<Response> {
    let errors = match parse(&form) {
        Ok(account) => {
            sign_up::create_account(&state, &meta, account).await?;
            return Ok(Redirect::to("/account/aangemaakt").into_response());
        }
        Err(errors) => errors,
    };
    // Passwords are never sent back into the page.
    form.wachtwoord.clear();
    form.wachtwoord_herhaling.clear();
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        RegisterPage {
            layout,
            form,
            errors,
        },
    )
        .into_response())
}

/// "Check your mail".
#[derive(Template, WebTemplate)]
#[template(path = "accounts/account/registered.html")]
pub struct RegisteredPage {
    layout: Layout,
}

async fn registered(layout: Layout) -> RegisteredPage {
    RegisteredPage { layout }
}

/// Confirming the email address: a button, so that a mail scanner that opens the link does
/// not use it up.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/account/confirm.html")]
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
    let valid = sign_up::peek_token(
        &state.db,
        &token,
        TokenPurpose::EmailConfirmation,
        state.clock.now(),
    )
    .await?
    .is_some();
    let page = ConfirmPage {
        layout,
        token,
        valid,
    };
    Ok(if valid {
        page.into_response()
    } else {
        (StatusCode::NOT_FOUND, page).into_response()
    })
}

async fn confirm_submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    session: Session,
    meta: Origin,
    layout: Layout,
) -> AppResult<Response> {
    if sign_up::confirm_email(&state, &meta, &token).await? {
        flash::push(
            &session,
            FlashKind::Success,
            "Uw e-mailadres is bevestigd. U kunt nu inloggen.",
        )
        .await?;
        return Ok(Redirect::to("/inloggen").into_response());
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

/// "Mijn account": who you are and which roles you hold.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/account/show.html")]
pub struct AccountPage {
    layout: Layout,
    user: CurrentUser,
    roles: Vec<&'static str>,
}

async fn show(user: CurrentUser, layout: Layout) -> AccountPage {
    let roles = user.roles.iter().map(|r| r.label()).collect();
    AccountPage {
        layout,
        user,
        roles,
    }
}

/// Changing the password: the current one first.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/account/change_password.html")]
pub struct ChangePasswordPage {
    layout: Layout,
    errors: FormErrors,
}

async fn change_password_form(_user: CurrentUser, layout: Layout) -> ChangePasswordPage {
    ChangePasswordPage {
        layout,
        errors: FormErrors::new(),
    }
}

#[derive(Deserialize)]
struct ChangePasswordForm {
    #[serde(default)]
    huidig_wachtwoord: String,
    #[serde(default)]
    nieuw_wachtwoord: String,
    #[serde(default)]
    herhaling: String,
}

async fn change_password_submit(
    Action {
        state,
        origin: meta,
        ..
    }: Action,
    user: CurrentUser,
    mut auth: AuthSession,
    layout: Layout,
    Form(form): Form<ChangePasswordForm>,
) -> AppResult<Response> {
    let mut errors = FormErrors::new();
    match login::confirm_password(&state, &meta, user.id, &form.huidig_wachtwoord).await? {
        Confirmation::Confirmed => {}
        Confirmation::Wrong => errors.add("huidig_wachtwoord", "Uw huidige wachtwoord klopt niet."),
        Confirmation::Locked(until) => errors.add("huidig_wachtwoord", locked_message(until)),
    }
    let context = [
        user.username.as_str(),
        user.full_name.as_str(),
        user.email.as_str(),
    ];
    let new = errors.new_password(
        ("nieuw_wachtwoord", &form.nieuw_wachtwoord),
        ("herhaling", &form.herhaling),
        &context,
    );
    match new {
        Some(new) if errors.is_empty() => {
            credentials::change_password(&state, &meta, user.id, &new).await?;
            // This session stays, with a new id and the new session hash; all others end.
            let fresh = load_user(&state.db, user.id)
                .await?
                .ok_or(AppError::NotFound)?;
            auth.session.cycle_id().await?;
            auth.login(&fresh)
                .await
                .map_err(|e| AppError::Internal(anyhow::anyhow!("login failed: {e}")))?;
            flash::push(
                &auth.session,
                FlashKind::Success,
                "Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd.",
            )
            .await?;
            Ok(Redirect::to("/account").into_response())
        }
        _ => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            ChangePasswordPage { layout, errors },
        )
            .into_response()),
    }
}

/// New recovery codes, after the password is asked again.
#[derive(Template, WebTemplate)]
#[template(path = "accounts/account/recovery_codes.html")]
pub struct NewRecoveryCodesPage {
    layout: Layout,
    errors: FormErrors,
}

async fn recovery_codes_form(_user: CurrentUser, layout: Layout) -> NewRecoveryCodesPage {
    NewRecoveryCodesPage {
        layout,
        errors: FormErrors::new(),
    }
}

#[derive(Deserialize)]
struct PasswordAgainForm {
    #[serde(default)]
    wachtwoord: String,
}

async fn recovery_codes_submit(
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    user: CurrentUser,
    layout: Layout,
    Form(form): Form<PasswordAgainForm>,
) -> AppResult<Response> {
    let refusal = match login::confirm_password(&state, &meta, user.id, &form.wachtwoord).await? {
        Confirmation::Confirmed => None,
        Confirmation::Wrong => Some("Dit wachtwoord klopt niet.".to_owned()),
        Confirmation::Locked(until) => Some(locked_message(until)),
    };
    if let Some(refusal) = refusal {
        let mut errors = FormErrors::new();
        errors.add("wachtwoord", refusal);
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            NewRecoveryCodesPage { layout, errors },
        )
            .into_response());
    }
    let codes = credentials::new_recovery_codes(&state, &meta, user.id).await?;
    session
        .insert(crate::accounts::login_pages::FRESH_RECOVERY_CODES, codes)
        .await?;
    Ok(Redirect::to("/inloggen/herstelcodes").into_response())
}
