//! Account requests of ondersteuners and contactpersonen, from the public form to the first
//! login.

use crate::helpers::database::database;
use reqwest::StatusCode;

use crate::helpers::accounts::{
    PASSWORD, link_in_mail, log_in_demo, secret_from_page, seed_demo, submit_password, user_id,
};
use crate::helpers::{TestApp, location};
use mijnrgs::platform::clock::Clock;

/// Confirms the request made with `address` through the link in the mail it received, and
/// returns the confirmation page it leads to.
pub(crate) async fn confirm_by_mail(app: &TestApp, address: &str) -> String {
    let link = link_in_mail(app, address, "/account-aanvragen/bevestigen/").await;
    assert_eq!(app.get(&link).await.status(), StatusCode::OK);
    let confirmed = app.post_form(&link, &[]).await;
    let page = location(&confirmed);
    assert!(
        page.starts_with("/account-aanvragen/bevestigd?aanvraag="),
        "{page}"
    );
    app.get(page).await.text().await.unwrap()
}

/// The one mail to `address` whose subject is `subject`.
async fn mail_to(
    app: &TestApp,
    address: &str,
    subject: &str,
) -> mijnrgs::platform::mail::OutgoingEmail {
    let mut found: Vec<_> = app
        .sent_emails()
        .await
        .into_iter()
        .filter(|m| m.to_address == address && m.subject == subject)
        .collect();
    assert_eq!(found.len(), 1, "one mail {subject:?} to {address}");
    found.remove(0)
}

async fn request_id(app: &TestApp, name: &str) -> uuid::Uuid {
    sqlx::query_scalar("SELECT id FROM account_requests WHERE full_name = $1")
        .bind(name)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_ondersteuner_is_confirmed_by_the_opleider_approved_by_the_rgs_and_sets_up_the_account()
{
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let opleider_id = user_id(&app, "demo.opleider").await;

    let form = app
        .get("/account-aanvragen/ondersteuner")
        .await
        .text()
        .await
        .unwrap();
    assert!(form.contains("Zoek een opleider"));
    assert!(
        !form.contains("Dr. Pieter Jansen"),
        "the form lists nobody before a search"
    );
    let found = app
        .post_form(
            "/account-aanvragen/ondersteuner",
            &[
                ("naam", "Els de Groot"),
                ("email", "els@ziekenhuis.nl"),
                ("telefoon", "024-361 11 11"),
                (
                    "motivatie",
                    "Ik plan de opleidingsschema's van de aios van dr. Jansen.",
                ),
                ("opleider_zoek", "jansen"),
                ("actie", "zoeken"),
            ],
        )
        .await;
    assert_eq!(found.status(), StatusCode::OK);
    let found = found.text().await.unwrap();
    assert!(found.contains("Dr. Pieter Jansen"), "found by name");
    assert!(found.contains(&format!(r#"value="{opleider_id}""#)));
    assert!(
        found.contains(r#"value="Els de Groot""#),
        "what was typed stays"
    );
    assert!(app.sent_emails().await.is_empty(), "a search mails nobody");
    let sent = app
        .post_form(
            "/account-aanvragen/ondersteuner",
            &[
                ("naam", "Els de Groot"),
                ("email", "els@ziekenhuis.nl"),
                ("telefoon", "024-361 11 11"),
                ("opleiders", &opleider_id.to_string()),
                (
                    "motivatie",
                    "Ik plan de opleidingsschema's van de aios van dr. Jansen.",
                ),
            ],
        )
        .await;
    assert_eq!(
        location(&sent),
        "/account-aanvragen/verstuurd?aanvraag=ondersteuner"
    );
    let told = app.get(location(&sent)).await.text().await.unwrap();
    assert!(told.contains("Bevestig uw e-mailadres"), "{told}");
    assert!(
        told.contains("elke opleider die u noemde krijgt dan bericht"),
        "{told}"
    );
    let mails = app.sent_emails().await;
    assert_eq!(
        mails.len(),
        1,
        "only the person asking is mailed: {mails:?}"
    );
    assert_eq!(mails[0].to_address, "els@ziekenhuis.nl");
    assert!(!mails[0].body.contains("Els de Groot"));
    let confirmed = confirm_by_mail(&app, "els@ziekenhuis.nl").await;
    assert!(
        confirmed.contains("Elke opleider die u noemde bevestigt eerst"),
        "{confirmed}"
    );
    // She is told what happens next, in the portal's words only.
    let received = mail_to(
        &app,
        "els@ziekenhuis.nl",
        "Uw accountaanvraag voor MijnRGS is ontvangen",
    )
    .await;
    assert!(
        received.body.starts_with("Beste heer/mevrouw,"),
        "{}",
        received.body
    );
    assert!(!received.body.contains("Els de Groot"), "{}", received.body);
    assert!(
        received
            .body
            .contains("account als opleidingsondersteuner in MijnRGS ontvangen"),
        "{}",
        received.body
    );
    assert!(
        received.body.contains(
            "De opleider die u noemde, Dr. Pieter Jansen, bevestigt dat u voor hem of haar werkt."
        ),
        "{}",
        received.body
    );
    let mails = app.sent_emails().await;
    let to_opleider = mails
        .iter()
        .find(|m| m.to_address == "demo.opleider@mijnrgs.example")
        .expect("the opleider is told once the address is confirmed");
    assert!(
        !to_opleider.body.contains("Els de Groot"),
        "nothing the stranger typed is in the opleider's mail"
    );
    let id = request_id(&app, "Els de Groot").await;

    let clerk = app.new_client();
    log_in_demo(&app, &clerk, "demo.rgs").await;
    let list = clerk
        .get(app.url("/rgs/accountaanvragen"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("Els de Groot"));
    assert!(list.contains("Wacht op bevestiging door opleider"));
    let early = app
        .post_form_with(
            &clerk,
            &format!("/rgs/accountaanvragen/{id}/goedkeuren"),
            &[],
        )
        .await;
    assert_eq!(early.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        early
            .text()
            .await
            .unwrap()
            .contains("Nog niet elke genoemde opleider")
    );

    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let waiting = opleider
        .get(app.url("/opleider/ondersteuners"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(waiting.contains("Els de Groot"));
    let confirmed = app
        .post_form_with(
            &opleider,
            &format!("/opleider/ondersteuners/{id}/bevestigen"),
            &[],
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::SEE_OTHER);

    let approved = app
        .post_form_with(
            &clerk,
            &format!("/rgs/accountaanvragen/{id}/goedkeuren"),
            &[],
        )
        .await;
    assert_eq!(location(&approved), "/rgs/accountaanvragen");
    let link = link_in_mail(&app, "els@ziekenhuis.nl", "/uitnodiging/").await;

    let person = app.new_client();
    let page = person.get(app.url(&link)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("Welkom, Els de Groot"));
    let accepted = app
        .post_form_with(
            &person,
            &link,
            &[
                ("gebruikersnaam", "els"),
                ("wachtwoord", PASSWORD),
                ("wachtwoord_herhaling", PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&accepted), "/inloggen");
    let reused = app
        .post_form_with(
            &app.new_client(),
            &link,
            &[
                ("gebruikersnaam", "els2"),
                ("wachtwoord", PASSWORD),
                ("wachtwoord_herhaling", PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        reused.status(),
        StatusCode::NOT_FOUND,
        "the invitation works once"
    );

    let login = submit_password(&app, &person, "els", PASSWORD).await;
    assert_eq!(location(&login), "/inloggen/authenticator");
    let html = person
        .get(app.url("/inloggen/authenticator"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let code = mijnrgs::platform::auth::totp::code_at(&secret_from_page(&html), app.clock.now());
    app.post_form_with(&person, "/inloggen/authenticator", &[("code", &code)])
        .await;
    let account = person
        .get(app.url("/account"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(account.contains("Opleidingsondersteuner"));
    let supervisor: uuid::Uuid = sqlx::query_scalar(
        "SELECT supervisor_id FROM role_assignments r JOIN users u ON u.id = r.user_id WHERE u.username = 'els'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        supervisor, opleider_id,
        "the ondersteuner works for the opleider who confirmed"
    );
}

#[tokio::test]
async fn an_opleider_cannot_decide_on_a_request_that_does_not_name_them() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let opleider_id = user_id(&app, "demo.opleider").await;
    app.post_form(
        "/account-aanvragen/ondersteuner",
        &[
            ("naam", "Els de Groot"),
            ("email", "els@ziekenhuis.nl"),
            ("telefoon", "0243611111"),
            ("opleiders", &opleider_id.to_string()),
            ("motivatie", "Ik plan de opleidingsschema's."),
        ],
    )
    .await;
    confirm_by_mail(&app, "els@ziekenhuis.nl").await;
    let id = request_id(&app, "Els de Groot").await;
    // The specialist becomes an opleider elsewhere, but is not named on the request.
    sqlx::query(
        "INSERT INTO role_assignments (user_id, role, specialty_id, institution_id)
         SELECT u.id, 'opleider', (SELECT id FROM specialties LIMIT 1), (SELECT id FROM institutions WHERE name = 'Isala')
         FROM users u WHERE u.username = 'demo.specialist'",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    let other = app.new_client();
    log_in_demo(&app, &other, "demo.specialist").await;
    let response = app
        .post_form_with(
            &other,
            &format!("/opleider/ondersteuners/{id}/bevestigen"),
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let page = other
        .get(app.url("/opleider/ondersteuners"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!page.contains("Els de Groot"));
}

#[tokio::test]
async fn a_contactpersoon_request_for_an_institution_that_has_one_is_refused_with_an_explanation() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let radboud: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM institutions WHERE name = 'Radboudumc'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    let response = app
        .post_form(
            "/account-aanvragen/contactpersoon",
            &[
                ("naam", "Henk Smit"),
                ("email", "henk@radboudumc.nl"),
                ("telefoon", "024 361 11 11"),
                ("instelling", &radboud.to_string()),
                ("functie", "Medewerker medische vervolgopleidingen"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = response.text().await.unwrap();
    assert!(html.contains("heeft al een contactpersoon"));
    assert!(
        html.contains(r#"value="Henk Smit""#),
        "the form keeps what was typed"
    );
}

#[tokio::test]
async fn the_rgs_rejects_a_contactpersoon_request_with_a_reason_that_reaches_the_applicant() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let isala: uuid::Uuid = sqlx::query_scalar("SELECT id FROM institutions WHERE name = 'Isala'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let sent = app
        .post_form(
            "/account-aanvragen/contactpersoon",
            &[
                ("naam", "Henk Smit"),
                ("email", "henk@isala.nl"),
                ("telefoon", "038 424 50 00"),
                ("instelling", &isala.to_string()),
                ("functie", "Stagiair"),
            ],
        )
        .await;
    assert_eq!(
        location(&sent),
        "/account-aanvragen/verstuurd?aanvraag=contactpersoon"
    );
    let told = app.get(location(&sent)).await.text().await.unwrap();
    assert!(told.contains("als contactpersoon behandeld"), "{told}");
    assert!(!told.contains("opleider die u noemde"), "{told}");
    let confirmed = confirm_by_mail(&app, "henk@isala.nl").await;
    assert!(
        confirmed.contains("Uw aanvraag is bevestigd"),
        "{confirmed}"
    );
    assert!(!confirmed.contains("opleider die u noemde"), "{confirmed}");
    let received = mail_to(
        &app,
        "henk@isala.nl",
        "Uw accountaanvraag voor MijnRGS is ontvangen",
    )
    .await;
    assert!(
        received
            .body
            .contains("De RGS controleert of u de contactpersoon van Isala bent"),
        "{}",
        received.body
    );
    let id = request_id(&app, "Henk Smit").await;
    let clerk = app.new_client();
    log_in_demo(&app, &clerk, "demo.rgs").await;
    let no_reason = app
        .post_form_with(
            &clerk,
            &format!("/rgs/accountaanvragen/{id}/afwijzen"),
            &[("reden", "")],
        )
        .await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let rejected = app
        .post_form_with(
            &clerk,
            &format!("/rgs/accountaanvragen/{id}/afwijzen"),
            &[(
                "reden",
                "De aanvraag moet komen van de afdeling opleidingen.",
            )],
        )
        .await;
    assert_eq!(location(&rejected), "/rgs/accountaanvragen");
    let mails = app.sent_emails().await;
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.to_address == "henk@isala.nl")
        .unwrap();
    assert!(
        mail.body
            .contains("De aanvraag moet komen van de afdeling opleidingen.")
    );
    let decided: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'account_request.rejected'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(decided, 1);
}

#[tokio::test]
async fn an_approved_contactpersoon_gets_the_institution_as_scope() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let isala: uuid::Uuid = sqlx::query_scalar("SELECT id FROM institutions WHERE name = 'Isala'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    app.post_form(
        "/account-aanvragen/contactpersoon",
        &[
            ("naam", "Henk Smit"),
            ("email", "henk@isala.nl"),
            ("telefoon", "038 424 50 00"),
            ("instelling", &isala.to_string()),
            ("functie", "Coördinator opleidingen"),
        ],
    )
    .await;
    confirm_by_mail(&app, "henk@isala.nl").await;
    let id = request_id(&app, "Henk Smit").await;
    let clerk = app.new_client();
    log_in_demo(&app, &clerk, "demo.rgs").await;
    app.post_form_with(
        &clerk,
        &format!("/rgs/accountaanvragen/{id}/goedkeuren"),
        &[],
    )
    .await;
    let link = link_in_mail(&app, "henk@isala.nl", "/uitnodiging/").await;
    let accepted = app
        .post_form(
            &link,
            &[
                ("gebruikersnaam", "henk"),
                ("wachtwoord", PASSWORD),
                ("wachtwoord_herhaling", PASSWORD),
            ],
        )
        .await;
    assert_eq!(location(&accepted), "/inloggen");
    let institution: uuid::Uuid = sqlx::query_scalar(
        "SELECT institution_id FROM role_assignments r JOIN users u ON u.id = r.user_id
         WHERE u.username = 'henk' AND r.role = 'contactpersoon'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(institution, isala);
}

#[tokio::test]
async fn an_invitation_expires_after_fourteen_days() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let isala: uuid::Uuid = sqlx::query_scalar("SELECT id FROM institutions WHERE name = 'Isala'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    app.post_form(
        "/account-aanvragen/contactpersoon",
        &[
            ("naam", "Henk Smit"),
            ("email", "henk@isala.nl"),
            ("telefoon", "0384245000"),
            ("instelling", &isala.to_string()),
            ("functie", "Coördinator"),
        ],
    )
    .await;
    confirm_by_mail(&app, "henk@isala.nl").await;
    let id = request_id(&app, "Henk Smit").await;
    let clerk = app.new_client();
    log_in_demo(&app, &clerk, "demo.rgs").await;
    app.post_form_with(
        &clerk,
        &format!("/rgs/accountaanvragen/{id}/goedkeuren"),
        &[],
    )
    .await;
    let link = link_in_mail(&app, "henk@isala.nl", "/uitnodiging/").await;
    app.clock.advance(chrono::Duration::days(14));
    assert_eq!(app.get(&link).await.status(), StatusCode::NOT_FOUND);
}
