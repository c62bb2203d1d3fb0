//! Changing and resetting a password, and new recovery codes.

use crate::helpers::database::database;
use reqwest::StatusCode;

use crate::helpers::accounts::{
    PASSWORD, link_in_mail, log_in, register_and_log_in, submit_password,
};
use crate::helpers::{TestApp, location};

const NEW_PASSWORD: &str = "zonnebloem trekpleister bergmeer";

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_every_other_session() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let user = register_and_log_in(&app, "anna", "aios").await;
    let other_device = app.new_client();
    assert_eq!(
        location(&log_in(&app, &other_device, &user).await),
        "/start"
    );

    let wrong = app
        .post_form(
            "/account/wachtwoord",
            &[
                ("huidig_wachtwoord", "niet mijn wachtwoord"),
                ("nieuw_wachtwoord", NEW_PASSWORD),
                ("herhaling", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(wrong.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .text()
            .await
            .unwrap()
            .contains("huidige wachtwoord klopt niet")
    );

    let changed = app
        .post_form(
            "/account/wachtwoord",
            &[
                ("huidig_wachtwoord", PASSWORD),
                ("nieuw_wachtwoord", NEW_PASSWORD),
                ("herhaling", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&changed), "/account");
    // This session goes on; the other device is logged out.
    assert_eq!(app.get("/account").await.status(), StatusCode::OK);
    let other = other_device.get(app.url("/account")).send().await.unwrap();
    assert_eq!(location(&other), "/inloggen?terug=%2Faccount");

    let old = submit_password(&app, &app.new_client(), "anna", PASSWORD).await;
    assert_eq!(old.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let new = submit_password(&app, &app.new_client(), "anna", NEW_PASSWORD).await;
    assert_eq!(location(&new), "/inloggen/code");

    let mails = app.sent_emails().await;
    assert!(mails.last().unwrap().subject.contains("gewijzigd"));
    assert!(!mails.iter().any(|m| m.body.contains(NEW_PASSWORD)));
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_all_sessions() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    register_and_log_in(&app, "anna", "aios").await;

    let stranger = app.new_client();
    let asked = app
        .post_form_with(
            &stranger,
            "/wachtwoord-vergeten",
            &[("account", "anna@example.nl")],
        )
        .await;
    assert_eq!(asked.status(), StatusCode::OK);
    assert!(
        asked
            .text()
            .await
            .unwrap()
            .contains("als er een account bij hoort")
    );
    let link = link_in_mail(&app, "anna@example.nl", "/wachtwoord-herstellen/").await;

    let fields = [
        ("nieuw_wachtwoord", NEW_PASSWORD),
        ("herhaling", NEW_PASSWORD),
    ];
    let reset = app.post_form_with(&stranger, &link, &fields).await;
    assert_eq!(location(&reset), "/inloggen");
    assert_eq!(
        location(&app.get("/account").await),
        "/inloggen?terug=%2Faccount",
        "the session that was logged in has ended"
    );
    let again = app.post_form_with(&stranger, &link, &fields).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND, "the link works once");
    let new = submit_password(&app, &app.new_client(), "anna", NEW_PASSWORD).await;
    assert_eq!(location(&new), "/inloggen/code");
}

#[tokio::test]
async fn a_reset_link_expires_after_one_hour() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    register_and_log_in(&app, "anna", "aios").await;
    app.post_form("/wachtwoord-vergeten", &[("account", "anna")])
        .await;
    let link = link_in_mail(&app, "anna@example.nl", "/wachtwoord-herstellen/").await;
    app.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(app.get(&link).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn asking_a_reset_for_an_unknown_account_looks_the_same_and_sends_nothing() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let asked = app
        .post_form("/wachtwoord-vergeten", &[("account", "niemand@example.nl")])
        .await;
    assert_eq!(asked.status(), StatusCode::OK);
    assert!(
        asked
            .text()
            .await
            .unwrap()
            .contains("als er een account bij hoort")
    );
    assert!(app.sent_emails().await.is_empty());
}

#[tokio::test]
async fn new_recovery_codes_need_the_password_and_replace_the_old_ones() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let user = register_and_log_in(&app, "anna", "aios").await;
    let refused = app
        .post_form(
            "/account/herstelcodes",
            &[("wachtwoord", "fout fout fout fout")],
        )
        .await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let made = app
        .post_form("/account/herstelcodes", &[("wachtwoord", PASSWORD)])
        .await;
    assert_eq!(location(&made), "/inloggen/herstelcodes");
    let page = app
        .get("/inloggen/herstelcodes")
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains(&user.recovery_codes[0]));

    let client = app.new_client();
    submit_password(&app, &client, "anna", PASSWORD).await;
    let old = app
        .post_form_with(
            &client,
            "/inloggen/herstelcode",
            &[("herstelcode", &user.recovery_codes[0])],
        )
        .await;
    assert_eq!(
        old.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "old codes no longer work"
    );
}
