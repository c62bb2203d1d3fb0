//! Logging in with password and verification code, enrolment, recovery codes, lockouts,
//! sessions and logging out.

use crate::helpers::database::database;
use chrono::Duration;
use mijnrgs::platform::clock::Clock;
use reqwest::StatusCode;

use crate::helpers::accounts::{
    PASSWORD, log_in, register, register_and_log_in, secret_from_page, submit_password,
};
use crate::helpers::{TestApp, location};

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{}=", mijnrgs::SESSION_COOKIE)))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

#[tokio::test]
async fn the_first_login_enrols_the_authenticator_and_shows_ten_recovery_codes_once() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    register(&app, "anna", "aios").await;
    submit_password(&app, &app.client, "anna", PASSWORD).await;

    let page = app.get("/inloggen/authenticator").await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("<svg"), "the QR code is inline SVG");
    let secret = secret_from_page(&html);
    assert_eq!(
        secret_from_page(
            &app.get("/inloggen/authenticator")
                .await
                .text()
                .await
                .unwrap()
        ),
        secret,
        "reloading the page keeps the same secret"
    );

    let wrong = app
        .post_form("/inloggen/authenticator", &[("code", "000000")])
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let code = mijnrgs::platform::auth::totp::code_at(&secret, app.clock.now());
    let done = app
        .post_form("/inloggen/authenticator", &[("code", &code)])
        .await;
    assert_eq!(location(&done), "/inloggen/herstelcodes");
    let codes_page = app
        .get("/inloggen/herstelcodes")
        .await
        .text()
        .await
        .unwrap();
    let list = codes_page
        .split(r#"<ol class="recovery-codes">"#)
        .nth(1)
        .and_then(|rest| rest.split("</ol>").next())
        .expect("the list of codes");
    assert_eq!(list.matches("<li>").count(), 10, "{list}");
    let again = app.get("/inloggen/herstelcodes").await;
    assert_eq!(location(&again), "/start", "the codes are shown only once");

    let account = app.get("/account").await.text().await.unwrap();
    assert!(account.contains("<h1>Mijn account</h1>"));
    assert!(account.contains("Anna de Vries"));

    let stored: Vec<u8> =
        sqlx::query_scalar("SELECT totp_secret_enc FROM users WHERE username = 'anna'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert!(
        !stored.windows(secret.len()).any(|w| w == secret.as_slice()),
        "the secret is encrypted at rest"
    );
}

#[tokio::test]
async fn a_logged_in_user_has_a_new_session_id_after_each_login_step() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let user = register_and_log_in(&app, "anna", "aios").await;
    let client = app.new_client();
    let first = client.get(app.url("/inloggen")).send().await.unwrap();
    // Visiting the login page sets no session; leave a flash to get one.
    let _ = first;
    app.clock.advance(Duration::seconds(30));
    let password = submit_password(&app, &client, "anna", PASSWORD).await;
    let after_password = session_cookie(&password).expect("a session after the password");
    let code = mijnrgs::platform::auth::totp::code_at(&user.secret, app.clock.now());
    let done = app
        .post_form_with(&client, "/inloggen/code", &[("code", &code)])
        .await;
    assert_eq!(location(&done), "/start");
    let after_code = session_cookie(&done).expect("a new session id after the code");
    assert_ne!(after_password, after_code);
}

#[tokio::test]
async fn pages_behind_the_login_send_an_anonymous_visitor_to_the_login_page() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let response = app.get("/account").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/inloggen?terug=%2Faccount");
}

#[tokio::test]
async fn a_password_alone_does_not_log_anyone_in() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let user = register_and_log_in(&app, "anna", "aios").await;
    let client = app.new_client();
    app.clock.advance(Duration::seconds(30));
    let response = submit_password(&app, &client, &user.username, PASSWORD).await;
    assert_eq!(location(&response), "/inloggen/code");
    let account = client.get(app.url("/account")).send().await.unwrap();
    assert_eq!(location(&account), "/inloggen?terug=%2Faccount");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_username_get_the_same_message() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    register(&app, "anna", "aios").await;
    let wrong = submit_password(&app, &app.client, "anna", "verkeerd wachtwoord hier").await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = submit_password(&app, &app.client, "niemand", "verkeerd wachtwoord hier").await;
    assert_eq!(unknown.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let message = "De combinatie van gebruikersnaam en wachtwoord klopt niet.";
    assert!(wrong.text().await.unwrap().contains(message));
    assert!(unknown.text().await.unwrap().contains(message));
}

#[tokio::test]
async fn a_code_that_was_accepted_once_is_refused_when_replayed() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let user = register_and_log_in(&app, "anna", "aios").await;

    let client = app.new_client();
    let first = log_in(&app, &client, &user).await;
    assert_eq!(location(&first), "/start");

    // The same code, in the same 30 seconds, from another browser.
    let thief = app.new_client();
    let response = submit_password(&app, &thief, "anna", PASSWORD).await;
    assert_eq!(location(&response), "/inloggen/code");
    let code = mijnrgs::platform::auth::totp::code_at(&user.secret, app.clock.now());
    let replay = app
        .post_form_with(&thief, "/inloggen/code", &[("code", &code)])
        .await;
    assert_eq!(replay.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(replay.text().await.unwrap().contains("al gebruikt"));

    let replays: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'auth.totp_replay'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(replays, 1);
}

#[tokio::test]
async fn two_concurrent_submissions_of_one_code_give_exactly_one_login() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let user = register_and_log_in(&app, "anna", "aios").await;
    app.clock.advance(Duration::seconds(30));
    let a = app.new_client();
    let b = app.new_client();
    submit_password(&app, &a, "anna", PASSWORD).await;
    submit_password(&app, &b, "anna", PASSWORD).await;
    let code = mijnrgs::platform::auth::totp::code_at(&user.secret, app.clock.now());
    let fields = [("code", code.as_str())];
    let (ra, rb) = tokio::join!(
        app.post_form_with(&a, "/inloggen/code", &fields),
        app.post_form_with(&b, "/inloggen/code", &fields),
    );
    let logins = [ra, rb].iter().filter(|r| location(r) == "/start").count();
    assert_eq!(logins, 1);
}

#[tokio::test]
async fn a_recovery_code_replaces_the_verification_code_once() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let user = register_and_log_in(&app, "anna", "aios").await;
    assert_eq!(user.recovery_codes.len(), 10);
    let recovery = user.recovery_codes[3].to_uppercase();

    let client = app.new_client();
    submit_password(&app, &client, "anna", PASSWORD).await;
    let used = app
        .post_form_with(
            &client,
            "/inloggen/herstelcode",
            &[("herstelcode", &recovery)],
        )
        .await;
    assert_eq!(location(&used), "/start");
    let page = client
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("nog 9"));

    let other = app.new_client();
    submit_password(&app, &other, "anna", PASSWORD).await;
    let again = app
        .post_form_with(
            &other,
            "/inloggen/herstelcode",
            &[("herstelcode", &recovery)],
        )
        .await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn ten_failed_passwords_lock_the_account_for_fifteen_minutes() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let user = register_and_log_in(&app, "anna", "aios").await;
    let client = app.new_client();
    for _ in 0..9 {
        let r = submit_password(&app, &client, "anna", "helemaal het verkeerde wachtwoord").await;
        assert!(r.text().await.unwrap().contains("klopt niet"));
    }
    let tenth = submit_password(&app, &client, "anna", "helemaal het verkeerde wachtwoord").await;
    assert!(tenth.text().await.unwrap().contains("pas om"));

    // While locked, even the right password is refused without being checked.
    let right = submit_password(&app, &client, "anna", PASSWORD).await;
    assert_eq!(right.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(right.text().await.unwrap().contains("pas om"));

    app.clock.advance(Duration::minutes(14));
    let still = submit_password(&app, &client, "anna", PASSWORD).await;
    assert_eq!(still.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The lock ends by itself.
    app.clock.advance(Duration::minutes(1));
    let after = log_in(&app, &client, &user).await;
    assert_eq!(location(&after), "/start");

    let lockouts: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'auth.lockout'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(lockouts, 1);
}

#[tokio::test]
async fn five_wrong_codes_in_a_row_lock_the_code_step() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let user = register_and_log_in(&app, "anna", "aios").await;
    let client = app.new_client();
    app.clock.advance(Duration::seconds(30));
    submit_password(&app, &client, "anna", PASSWORD).await;
    let right = mijnrgs::platform::auth::totp::code_at(&user.secret, app.clock.now());
    let wrong = if right == "111111" {
        "222222"
    } else {
        "111111"
    };
    for _ in 0..5 {
        app.post_form_with(&client, "/inloggen/code", &[("code", wrong)])
            .await;
    }
    let locked = app
        .post_form_with(&client, "/inloggen/code", &[("code", &right)])
        .await;
    assert_eq!(locked.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(locked.text().await.unwrap().contains("pas om"));
}

#[tokio::test]
async fn logging_out_ends_the_session_so_the_old_cookie_no_longer_works() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let user = register_and_log_in(&app, "anna", "aios").await;
    let client = app.new_client();
    let login = log_in(&app, &client, &user).await;
    let cookie = session_cookie(&login).unwrap();

    let logout = app.post_form_with(&client, "/uitloggen", &[]).await;
    assert_eq!(location(&logout), "/uitgelogd");
    assert_eq!(
        logout.headers()["clear-site-data"],
        "\"cache\", \"storage\""
    );

    let replay = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/account"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(location(&replay), "/inloggen?terug=%2Faccount");
}

#[tokio::test]
async fn a_session_ends_twelve_hours_after_login_however_active() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    register_and_log_in(&app, "anna", "aios").await;
    app.clock.advance(Duration::hours(11));
    assert_eq!(app.get("/account").await.status(), StatusCode::OK);
    app.clock.advance(Duration::hours(1));
    let response = app.get("/account").await;
    assert_eq!(location(&response), "/inloggen?terug=%2Faccount");
    let page = app.get("/inloggen").await.text().await.unwrap();
    assert!(page.contains("langer dan 12 uur"));
}

#[tokio::test]
async fn the_code_step_expires_five_minutes_after_the_password() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let user = register_and_log_in(&app, "anna", "aios").await;
    let client = app.new_client();
    app.clock.advance(Duration::seconds(30));
    submit_password(&app, &client, "anna", PASSWORD).await;
    app.clock.advance(Duration::minutes(5));
    let code = mijnrgs::platform::auth::totp::code_at(&user.secret, app.clock.now());
    let late = app
        .post_form_with(&client, "/inloggen/code", &[("code", &code)])
        .await;
    assert_eq!(location(&late), "/inloggen");
}

#[tokio::test]
async fn more_than_twenty_login_attempts_a_minute_from_one_address_get_429() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let mut statuses = Vec::new();
    for i in 0..24 {
        let r = submit_password(&app, &app.client, &format!("onbekend{i}"), "x").await;
        statuses.push(r.status());
    }
    assert!(
        statuses[..20]
            .iter()
            .all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY)
    );
    let last = submit_password(&app, &app.client, "onbekend", "x").await;
    assert_eq!(last.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(last.text().await.unwrap().contains("Te veel pogingen"));
}

#[tokio::test]
async fn login_events_are_audited_and_never_hold_the_password_or_code() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let user = register_and_log_in(&app, "anna", "aios").await;
    submit_password(
        &app,
        &app.new_client(),
        "anna",
        "CANARY-verkeerd-wachtwoord",
    )
    .await;
    let client = app.new_client();
    log_in(&app, &client, &user).await;
    app.post_form_with(&client, "/uitloggen", &[]).await;
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action || ':' || result FROM audit_log ORDER BY id")
            .fetch_all(&app.state.db)
            .await
            .unwrap();
    for expected in [
        "auth.password_accepted:success",
        "auth.second_factor_enrolled:success",
        "auth.login:success",
        "auth.login:failure",
        "auth.logout:success",
    ] {
        assert!(
            actions.iter().any(|a| a == expected),
            "missing {expected} in {actions:?}"
        );
    }
    let dump: String = sqlx::query_scalar("SELECT string_agg(audit_log::text, ' ') FROM audit_log")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert!(!dump.contains("CANARY"));
    assert!(!dump.contains(PASSWORD));
}

#[tokio::test]
async fn demo_accounts_cannot_log_in_when_the_portal_runs_in_production() {
    let (_database, pool) = database().await;
    let development = TestApp::spawn(pool.clone()).await;
    crate::helpers::accounts::seed_demo(&development).await;
    let key = "ab".repeat(32);
    let production = TestApp::spawn_with(
        pool,
        mijnrgs::router::router(),
        &[
            ("APP_ENV", "production"),
            ("SECRET_KEY", &key),
            ("BASE_URL", "https://mijn.rgs.test"),
            ("PAYMENT_PROVIDER", "mollie"),
            ("MOLLIE_API_KEY", "test_demo"),
        ],
    )
    .await;
    let response = submit_password(
        &production,
        &production.client,
        "demo.rgs",
        mijnrgs::seed::DEMO_PASSWORD,
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn reading_pages_keeps_an_active_user_logged_in_past_the_idle_limit() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn_with(
        pool,
        mijnrgs::router::router(),
        &[("SESSION_IDLE_SECONDS", "20")],
    )
    .await;
    register_and_log_in(&app, "anna", "aios").await;
    // Sessions expire on the wall clock: read a page every 8 s for 24 s.
    for _ in 0..3 {
        tokio::time::sleep(std::time::Duration::from_secs(8)).await;
        assert_eq!(app.get("/account").await.status(), StatusCode::OK);
    }
}

#[tokio::test]
async fn a_cross_site_post_to_change_the_password_is_refused() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    register_and_log_in(&app, "anna", "aios").await;
    let response = app
        .client
        .post(app.url("/account/wachtwoord"))
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://aanvaller.example")
        .form(&[
            ("huidig_wachtwoord", PASSWORD),
            ("nieuw_wachtwoord", "zonnebloem trekpleister bergmeer"),
            ("herhaling", "zonnebloem trekpleister bergmeer"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let new = submit_password(
        &app,
        &app.new_client(),
        "anna",
        "zonnebloem trekpleister bergmeer",
    )
    .await;
    assert_eq!(
        new.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the password did not change"
    );
}

#[tokio::test]
async fn a_page_asked_for_while_logged_out_is_shown_right_after_logging_in() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    let client = app.new_client();
    let asked = client
        .get(app.url("/opleider/aios?wacht=ja"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        location(&asked),
        "/inloggen?terug=%2Fopleider%2Faios%3Fwacht%3Dja"
    );
    let login_page = client
        .get(app.url(location(&asked)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        login_page
            .contains(r#"<input type="hidden" name="terug" value="/opleider/aios?wacht=ja">"#),
        "{login_page}"
    );
    let landed = crate::helpers::accounts::log_in_demo_returning_to(
        &app,
        &client,
        "demo.opleider",
        "/opleider/aios?wacht=ja",
    )
    .await;
    assert_eq!(landed, "/opleider/aios?wacht=ja");
    let page = client.get(app.url(&landed)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_return_path_to_another_site_or_a_login_step_is_ignored() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    for back in [
        "//aanvaller.example/inloggen",
        "https://aanvaller.example/",
        "/\\aanvaller.example",
        "/inloggen/code",
    ] {
        let login_page = app
            .get(&format!(
                "/inloggen?{}",
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("terug", back)
                    .finish()
            ))
            .await
            .text()
            .await
            .unwrap();
        assert!(!login_page.contains(r#"name="terug""#), "{back}");
        let client = app.new_client();
        let landed =
            crate::helpers::accounts::log_in_demo_returning_to(&app, &client, "demo.aios", back)
                .await;
        assert_eq!(landed, "/start", "{back}");
    }
}
