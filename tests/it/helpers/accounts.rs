//! Creating and logging in users through the portal's own pages, as a person would.

use mijnrgs::platform::clock::Clock;
use reqwest::StatusCode;

use super::{TestApp, location};

/// A strong password that passes the policy.
pub const PASSWORD: &str = "vlinder kachel optocht zeewier";

/// A user created through the pages, with the secret of the authenticator they enrolled.
pub struct TestUser {
    pub username: String,
    pub secret: Vec<u8>,
    pub recovery_codes: Vec<String>,
}

/// The link in the last mail to `address` that contains `path_part`.
pub async fn link_in_mail(app: &TestApp, address: &str, path_part: &str) -> String {
    let mails = app.sent_emails().await;
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.to_address == address)
        .unwrap_or_else(|| panic!("no mail to {address}"));
    mail.body
        .split_whitespace()
        .find(|w| w.contains(path_part))
        .unwrap_or_else(|| panic!("no link with {path_part} in {:?}", mail.body))
        .trim_start_matches(&app.base)
        .to_owned()
}

/// Creates an account through the form and confirms the email address.
pub async fn register(app: &TestApp, username: &str, role: &str) {
    let email = format!("{username}@example.nl");
    let response = app
        .post_form(
            "/account/aanmaken",
            &[
                ("rol", role),
                ("naam", "Anna de Vries"),
                ("gebruikersnaam", username),
                ("email", &email),
                ("wachtwoord", PASSWORD),
                ("wachtwoord_herhaling", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER, "account created");
    let link = link_in_mail(app, &email, "/account/bevestigen/").await;
    let confirmed = app.post_form(&link, &[]).await;
    assert_eq!(location(&confirmed), "/inloggen");
}

/// The password step with `client`.
pub async fn submit_password(
    app: &TestApp,
    client: &reqwest::Client,
    username: &str,
    password: &str,
) -> reqwest::Response {
    app.post_form_with(
        client,
        "/inloggen",
        &[("gebruikersnaam", username), ("wachtwoord", password)],
    )
    .await
}

/// The secret shown on the enrolment page, decoded.
pub fn secret_from_page(html: &str) -> Vec<u8> {
    let start = html
        .find(r#"<code class="secret">"#)
        .expect("secret on the page")
        + 21;
    let end = start + html[start..].find("</code>").unwrap();
    let text: String = html[start..end].split_whitespace().collect();
    totp_rs::Secret::try_from_base32(&text)
        .expect("base32 secret")
        .as_bytes()
        .to_vec()
}

/// Registers, confirms, logs in and enrols the authenticator; the default client ends up
/// logged in.
pub async fn register_and_log_in(app: &TestApp, username: &str, role: &str) -> TestUser {
    register(app, username, role).await;
    let response = submit_password(app, &app.client, username, PASSWORD).await;
    assert_eq!(location(&response), "/inloggen/authenticator");
    let html = app
        .get("/inloggen/authenticator")
        .await
        .text()
        .await
        .unwrap();
    let secret = secret_from_page(&html);
    let code = mijnrgs::platform::auth::totp::code_at(&secret, app.clock.now());
    let response = app
        .post_form("/inloggen/authenticator", &[("code", &code)])
        .await;
    assert_eq!(location(&response), "/inloggen/herstelcodes");
    let html = app
        .get("/inloggen/herstelcodes")
        .await
        .text()
        .await
        .unwrap();
    let recovery_codes = html
        .split("<li>")
        .skip(1)
        .filter_map(|part| part.split("</li>").next())
        .filter(|c| c.len() == 11 && c.as_bytes()[5] == b'-')
        .map(str::to_owned)
        .collect();
    TestUser {
        username: username.to_owned(),
        secret,
        recovery_codes,
    }
}

/// Logs `user` in with `client`, moving the clock to a fresh code step first (a code is
/// accepted once).
pub async fn log_in(app: &TestApp, client: &reqwest::Client, user: &TestUser) -> reqwest::Response {
    app.clock.advance(chrono::Duration::seconds(30));
    let response = submit_password(app, client, &user.username, PASSWORD).await;
    assert_eq!(location(&response), "/inloggen/code");
    let code = mijnrgs::platform::auth::totp::code_at(&user.secret, app.clock.now());
    app.post_form_with(client, "/inloggen/code", &[("code", &code)])
        .await
}

/// Loads the demo data into the test database.
pub async fn seed_demo(app: &TestApp) {
    mijnrgs::seed::seed_demo(&app.state.db, &app.state.config)
        .await
        .expect("demo seed");
}

/// Logs a demo account in with `client` (password, then the demo code of a fresh step).
pub async fn log_in_demo(app: &TestApp, client: &reqwest::Client, username: &str) {
    let landed = log_in_demo_returning_to(app, client, username, "").await;
    assert_eq!(landed, "/start", "{username}: code step");
}

/// Logs demo user `username` in on `client` with `back` as the page to return to (the login
/// form's `terug`); the place the code step sends the browser to.
pub async fn log_in_demo_returning_to(
    app: &TestApp,
    client: &reqwest::Client,
    username: &str,
    back: &str,
) -> String {
    app.clock.advance(chrono::Duration::seconds(30));
    let response = app
        .post_form_with(
            client,
            "/inloggen",
            &[
                ("gebruikersnaam", username),
                ("wachtwoord", mijnrgs::seed::DEMO_PASSWORD),
                ("terug", back),
            ],
        )
        .await;
    assert_eq!(
        location(&response),
        "/inloggen/code",
        "{username}: password step"
    );
    let secret = totp_rs::Secret::try_from_base32(mijnrgs::seed::DEMO_TOTP_SECRET).unwrap();
    let code = mijnrgs::platform::auth::totp::code_at(secret.as_bytes(), app.clock.now());
    let done = app
        .post_form_with(client, "/inloggen/code", &[("code", &code)])
        .await;
    location(&done).to_owned()
}

/// The id of the user called `username`.
pub async fn user_id(app: &TestApp, username: &str) -> uuid::Uuid {
    sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(&app.state.db)
        .await
        .expect("user exists")
}
