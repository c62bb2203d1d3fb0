//! Creating an account and confirming the email address.

use crate::helpers::database::database;
use reqwest::StatusCode;

use crate::helpers::accounts::{PASSWORD, link_in_mail, register, submit_password};
use crate::helpers::{TestApp, location};

fn form<'a>(username: &'a str, email: &'a str, password: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("rol", "aios"),
        ("naam", "Anna de Vries"),
        ("gebruikersnaam", username),
        ("email", email),
        ("wachtwoord", password),
        ("wachtwoord_herhaling", password),
    ]
}

#[tokio::test]
async fn a_new_account_gets_a_confirmation_mail_and_cannot_log_in_before_confirming() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let response = app
        .post_form(
            "/account/aanmaken",
            &form("anna", "anna@example.nl", PASSWORD),
        )
        .await;
    assert_eq!(location(&response), "/account/aangemaakt");

    let mails = app.sent_emails().await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to_address, "anna@example.nl");
    assert!(mails[0].subject.contains("Bevestig uw e-mailadres"));
    assert!(
        !mails[0].body.contains(PASSWORD),
        "a mail never holds the password"
    );

    let refused = submit_password(&app, &app.client, "anna", PASSWORD).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Bevestig eerst uw e-mailadres")
    );

    let link = link_in_mail(&app, "anna@example.nl", "/account/bevestigen/").await;
    let page = app.get(&link).await;
    assert_eq!(
        page.status(),
        StatusCode::OK,
        "opening the link uses nothing up"
    );
    let confirmed = app.post_form(&link, &[]).await;
    assert_eq!(location(&confirmed), "/inloggen");

    let accepted = submit_password(&app, &app.client, "anna", PASSWORD).await;
    assert_eq!(location(&accepted), "/inloggen/authenticator");
}

#[tokio::test]
async fn a_confirmation_link_works_only_once() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    app.post_form(
        "/account/aanmaken",
        &form("anna", "anna@example.nl", PASSWORD),
    )
    .await;
    let link = link_in_mail(&app, "anna@example.nl", "/account/bevestigen/").await;
    assert_eq!(
        app.post_form(&link, &[]).await.status(),
        StatusCode::SEE_OTHER
    );
    let again = app.post_form(&link, &[]).await;
    assert_eq!(again.status(), StatusCode::NOT_FOUND);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("Deze link werkt niet (meer)")
    );
}

#[tokio::test]
async fn a_confirmation_link_expires_after_48_hours() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    app.post_form(
        "/account/aanmaken",
        &form("anna", "anna@example.nl", PASSWORD),
    )
    .await;
    let link = link_in_mail(&app, "anna@example.nl", "/account/bevestigen/").await;
    app.clock.advance(chrono::Duration::hours(48));
    assert_eq!(
        app.post_form(&link, &[]).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_weak_password_is_refused_and_the_form_keeps_everything_but_the_password() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let response = app
        .post_form(
            "/account/aanmaken",
            &form("anna", "anna@example.nl", "password1234"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("Er is een probleem"));
    assert!(
        html.contains(r##"<a href="#wachtwoord">"##),
        "the summary links to the field"
    );
    assert!(html.contains("te makkelijk te raden"));
    assert!(html.contains(r#"value="anna@example.nl""#));
    assert!(html.contains(r#"value="Anna de Vries""#));
    assert!(!html.contains("password1234"));
    assert!(app.sent_emails().await.is_empty());
}

#[tokio::test]
async fn a_password_built_around_the_username_is_refused() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let response = app
        .post_form(
            "/account/aanmaken",
            &form("annadevries", "anna@example.nl", "annadevries-2026!"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("gebouwd rond"));
}

#[tokio::test]
async fn different_passwords_in_the_two_fields_are_refused() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let mut fields = form("anna", "anna@example.nl", PASSWORD);
    fields[5] = ("wachtwoord_herhaling", "iets heel anders dan het eerste");
    let response = app.post_form("/account/aanmaken", &fields).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("niet gelijk"));
}

#[tokio::test]
async fn a_taken_username_gets_the_same_answer_as_a_free_one_and_the_address_typed_is_told_by_mail()
{
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    register(&app, "anna", "aios").await;
    let response = app
        .post_form(
            "/account/aanmaken",
            &form("anna", "andere@example.nl", PASSWORD),
        )
        .await;
    assert_eq!(
        location(&response),
        "/account/aangemaakt",
        "no answer tells a stranger that the username exists"
    );
    let mails = app.sent_emails().await;
    let last = mails.last().unwrap();
    assert_eq!(last.to_address, "andere@example.nl");
    assert!(last.body.contains("gebruikersnaam is al in gebruik"));
    assert!(!last.body.contains("anna"), "nothing typed is in the mail");
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(users, 1);
}

#[tokio::test]
async fn an_email_address_in_use_gets_the_same_answer_and_its_owner_is_told() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    register(&app, "anna", "aios").await;
    let response = app
        .post_form(
            "/account/aanmaken",
            &form("anna2", "ANNA@example.nl", PASSWORD),
        )
        .await;
    assert_eq!(
        location(&response),
        "/account/aangemaakt",
        "no account enumeration"
    );
    let mails = app.sent_emails().await;
    let last = mails.last().unwrap();
    assert_eq!(last.to_address, "ANNA@example.nl");
    assert!(last.subject.contains("al een account"));
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(users, 1);
}

#[tokio::test]
async fn creating_and_confirming_an_account_is_audited_without_the_password() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    register(&app, "anna", "specialist").await;
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(actions, ["account.created", "account.email_confirmed"]);
    let dump: String = sqlx::query_scalar("SELECT string_agg(audit_log::text, ' ') FROM audit_log")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert!(!dump.contains("vlinder"), "no password in the audit log");
    let ip: Option<String> = sqlx::query_scalar("SELECT host(ip) FROM audit_log LIMIT 1")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(ip.as_deref(), Some("127.0.0.1"));
    let role: String = sqlx::query_scalar("SELECT role FROM role_assignments")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(role, "specialist");
}
