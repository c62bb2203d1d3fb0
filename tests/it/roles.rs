//! Roles: each role sees only its own areas; everything else answers 404.

use crate::helpers::database::database;
use reqwest::StatusCode;

use crate::helpers::accounts::{log_in_demo, register_and_log_in, seed_demo, user_id};
use crate::helpers::{TestApp, location};

/// Every page that belongs to one role's area.
const AREAS: &[(&str, &str)] = &[
    ("demo.rgs", "/rgs/accountaanvragen"),
    ("demo.rgs", "/rgs/gebruikers"),
    ("demo.opleider", "/opleider/ondersteuners"),
];

#[tokio::test]
async fn each_role_sees_only_its_own_areas_and_everything_else_is_404() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    for username in [
        "demo.aios",
        "demo.opleider",
        "demo.ondersteuner",
        "demo.specialist",
        "demo.contactpersoon",
        "demo.rgs",
    ] {
        let client = app.new_client();
        log_in_demo(&app, &client, username).await;
        let account = client
            .get(app.url("/account"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for (owner, path) in AREAS {
            let response = client.get(app.url(path)).send().await.unwrap();
            let expected = if owner == &username {
                StatusCode::OK
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(response.status(), expected, "{username} on {path}");
            assert_eq!(
                account.contains(&format!(r#"href="{path}""#)),
                owner == &username,
                "{username}: navigation shows {path} only for its owner"
            );
        }
    }
}

#[tokio::test]
async fn an_anonymous_visitor_is_sent_to_the_login_for_every_role_area() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    for (_, path) in AREAS {
        let login = format!(
            "/inloggen?{}",
            url::form_urlencoded::Serializer::new(String::new())
                .append_pair("terug", path)
                .finish()
        );
        assert_eq!(location(&app.get(path).await), login, "{path}");
    }
}

#[tokio::test]
async fn an_aios_cannot_open_another_persons_account_page_in_the_back_office() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    register_and_log_in(&app, "anna", "aios").await;
    let other = user_id(&app, "demo.specialist").await;
    let response = app.get(&format!("/rgs/gebruikers/{other}")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let reset = app
        .post_form(
            &format!("/rgs/gebruikers/{other}/tweede-factor"),
            &[("bevestigd", "ja")],
        )
        .await;
    assert_eq!(reset.status(), StatusCode::NOT_FOUND);
    let enrolled: bool =
        sqlx::query_scalar("SELECT totp_enrolled_at IS NOT NULL FROM users WHERE id = $1")
            .bind(other)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert!(enrolled, "nothing happened to the other account");
}

#[tokio::test]
async fn the_database_refuses_a_second_active_contactpersoon_for_one_institution() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let other = user_id(&app, "demo.aios").await;
    let result = sqlx::query(
        "INSERT INTO role_assignments (user_id, role, institution_id)
         SELECT $1, 'contactpersoon', id FROM institutions WHERE name = 'Radboudumc'",
    )
    .bind(other)
    .execute(&app.state.db)
    .await;
    let error = result.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("role_assignments_one_contact_per_institution"),
        "{error}"
    );
}

#[tokio::test]
async fn the_back_office_grants_and_revokes_a_role_and_both_are_audited() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let clerk = app.new_client();
    log_in_demo(&app, &clerk, "demo.rgs").await;
    let specialist = user_id(&app, "demo.specialist").await;
    let (specialty, institution): (uuid::Uuid, uuid::Uuid) = sqlx::query_as(
        "SELECT (SELECT id FROM specialties WHERE code = 'heelkunde'), (SELECT id FROM institutions WHERE name = 'Isala')",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();

    let missing = app
        .post_form_with(
            &clerk,
            &format!("/rgs/gebruikers/{specialist}/rollen"),
            &[("rol", "opleider")],
        )
        .await;
    assert_eq!(missing.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing
            .text()
            .await
            .unwrap()
            .contains("Kies voor een opleider het specialisme")
    );

    let granted = app
        .post_form_with(
            &clerk,
            &format!("/rgs/gebruikers/{specialist}/rollen"),
            &[
                ("rol", "opleider"),
                ("specialisme", &specialty.to_string()),
                ("instelling", &institution.to_string()),
            ],
        )
        .await;
    assert_eq!(granted.status(), StatusCode::SEE_OTHER);
    let page = clerk
        .get(app.url(&format!("/rgs/gebruikers/{specialist}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Opleider: Heelkunde bij Isala, Zwolle"));

    let person = app.new_client();
    log_in_demo(&app, &person, "demo.specialist").await;
    assert_eq!(
        person
            .get(app.url("/opleider/ondersteuners"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let assignment: uuid::Uuid = sqlx::query_scalar(
        "SELECT id FROM role_assignments WHERE user_id = $1 AND role = 'opleider'",
    )
    .bind(specialist)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let revoked = app
        .post_form_with(
            &clerk,
            &format!("/rgs/gebruikers/{specialist}/rollen/{assignment}/intrekken"),
            &[("bevestigd", "ja")],
        )
        .await;
    assert_eq!(revoked.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        person
            .get(app.url("/opleider/ondersteuners"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND,
        "a revoked role takes effect at once"
    );
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'role.%' OR action = 'personal_data.view' ORDER BY id",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        actions,
        ["role.granted", "personal_data.view", "role.revoked"]
    );
}

#[tokio::test]
async fn the_back_office_resets_a_lost_second_factor_and_the_user_enrols_again() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let user = app.new_client();
    log_in_demo(&app, &user, "demo.aios").await;
    let clerk = app.new_client();
    log_in_demo(&app, &clerk, "demo.rgs").await;
    let aios = user_id(&app, "demo.aios").await;

    let reset = app
        .post_form_with(
            &clerk,
            &format!("/rgs/gebruikers/{aios}/tweede-factor"),
            &[("bevestigd", "ja")],
        )
        .await;
    assert_eq!(reset.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        location(&user.get(app.url("/account")).send().await.unwrap()),
        "/inloggen?terug=%2Faccount",
        "the user's sessions ended"
    );
    let again = crate::helpers::accounts::submit_password(
        &app,
        &app.new_client(),
        "demo.aios",
        mijnrgs::seed::DEMO_PASSWORD,
    )
    .await;
    assert_eq!(location(&again), "/inloggen/authenticator");
    let mails = app.sent_emails().await;
    assert!(mails.iter().any(
        |m| m.to_address == "demo.aios@mijnrgs.example" && m.subject.contains("tweede factor")
    ));
    let audited: i64 = sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'auth.second_factor_reset' AND object_id = $1")
        .bind(aios.to_string())
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(audited, 1);
}
