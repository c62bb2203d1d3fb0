//! Shortening (verkorting): the aios or an ondersteuner proposes, the opleider alone decides,
//! the limits hold, and an approved shortening lowers the required duration everywhere.

use crate::helpers::database::database;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::accounts::{log_in, log_in_demo, register_and_log_in, user_id};
use crate::helpers::{TestApp, location};
use crate::supervision::{other_igt_opleider, submitted_training};

fn proposal<'a>(months: &'a str, ground: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("maanden", months),
        ("grond", ground),
        ("waar", "Radboudumc, afdeling interne geneeskunde (anios)"),
        ("wanneer", "september 2023 tot september 2025"),
    ]
}

pub(crate) async fn propose_as_aios(
    app: &TestApp,
    training: Uuid,
    months: &str,
    ground: &str,
) -> reqwest::Response {
    app.post_form(
        &format!("/aios/opleidingen/{training}/verkorting"),
        &proposal(months, ground),
    )
    .await
}

/// The statuses of the training's shortenings, oldest first.
pub(crate) async fn statuses(app: &TestApp, training: Uuid) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT status FROM shortenings WHERE training_id = $1 ORDER BY proposed_at, id",
    )
    .bind(training)
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

pub(crate) async fn open_shortening(app: &TestApp, training: Uuid) -> Uuid {
    sqlx::query_scalar(
        "SELECT id FROM shortenings WHERE training_id = $1 AND status = 'voorgesteld'",
    )
    .bind(training)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

async fn mail_subjects_to(app: &TestApp, address: &str) -> Vec<String> {
    app.sent_emails()
        .await
        .into_iter()
        .filter(|m| m.to_address == address)
        .map(|m| m.subject)
        .collect()
}

async fn email_of(app: &TestApp, username: &str) -> String {
    sqlx::query_scalar("SELECT email FROM users WHERE username = $1")
        .bind(username)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_aios_proposes_a_shortening_and_once_the_opleider_approves_less_is_required() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let training_page = format!("/aios/opleidingen/{training}");
    let before = app.page_with(&app.client, &training_page).await;
    assert!(
        before.contains("Nog 9 maanden in te plannen"),
        "33 required"
    );
    assert!(before.contains("Verkorting voorstellen"));

    let response = propose_as_aios(&app, training, "3", "evc").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), training_page);
    assert_eq!(statuses(&app, training).await, ["voorgesteld"]);
    let opleider_mail = email_of(&app, "demo.opleider").await;
    assert!(
        mail_subjects_to(&app, &opleider_mail)
            .await
            .contains(&"Voorstel tot verkorting".to_owned())
    );
    let page = app.page_with(&app.client, &training_page).await;
    assert!(page.contains("Uw voorstel voor verkorting is verstuurd"));
    assert!(page.contains("3 maanden verkorting van"));
    assert!(page.contains("Wacht op de opleider"));
    assert!(
        page.contains("Nog 9 maanden in te plannen"),
        "a proposal does not count yet"
    );
    assert!(
        !page.contains("Verkorting voorstellen"),
        "one proposal waits at a time"
    );

    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let list = app.page_with(&opleider, "/opleider/aios?wacht=ja").await;
    assert!(list.contains("Noor Bakker"));
    assert!(list.contains("Verkorting beoordelen"));
    let aios_page = app
        .page_with(&opleider, &format!("/opleider/aios/{training}"))
        .await;
    let shortening = open_shortening(&app, training).await;
    let decision_path = format!("/opleider/aios/{training}/verkortingen/{shortening}");
    assert!(aios_page.contains(&decision_path));
    let form = app
        .page_with(&opleider, &format!("/opleider/aios/{training}/verkorting"))
        .await;
    assert!(
        form.contains("Beoordeel dat voorstel eerst"),
        "the opleider is told to decide what waits, not to withdraw it"
    );
    let decision = app.page_with(&opleider, &decision_path).await;
    assert!(decision.contains("Vereiste duur nu</dt><dd>33 maanden"));
    assert!(decision.contains("Vereiste duur na goedkeuring</dt><dd>30 maanden"));
    assert!(decision.contains("Radboudumc, afdeling interne geneeskunde (anios)"));

    let response = app
        .post_form_with(
            &opleider,
            &format!("{decision_path}/goedkeuren"),
            &[("bevestigd", "ja")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(statuses(&app, training).await, ["goedgekeurd"]);
    assert_eq!(audit_count(&app, "shortening.approved").await, 1);
    assert!(
        mail_subjects_to(&app, "noor@example.nl")
            .await
            .contains(&"Verkorting van uw opleiding goedgekeurd".to_owned())
    );

    // Lower everywhere: the aios's schedule, the opleider's page, the version history's
    // schedule summary.
    let page = app.page_with(&app.client, &training_page).await;
    assert!(
        page.contains("Nog 6 maanden in te plannen"),
        "30 required now"
    );
    assert!(page.contains("Goedgekeurd door Dr. Pieter Jansen"));
    let aios_page = app
        .page_with(&opleider, &format!("/opleider/aios/{training}"))
        .await;
    assert!(aios_page.contains("Nog 6 maanden in te plannen"));
    assert!(aios_page.contains("3 maanden verkorting van"));
    let after = app.page_with(&opleider, "/opleider/aios").await;
    assert_eq!(
        after.matches("Verkorting beoordelen").count(),
        list.matches("Verkorting beoordelen").count() - 1,
        "Noor's shortening no longer waits (the demo's Lotte's still does)"
    );
}

#[tokio::test]
async fn a_rejected_shortening_tells_the_aios_why_and_a_new_proposal_may_follow() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    propose_as_aios(&app, training, "6", "svc").await;
    let shortening = open_shortening(&app, training).await;
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let path = format!("/opleider/aios/{training}/verkortingen/{shortening}/afwijzen");

    let response = app
        .post_form_with(&opleider, &path, &[("bevestigd", "ja"), ("reden", " ")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("Geef een reden"));
    assert_eq!(statuses(&app, training).await, ["voorgesteld"]);

    let response = app
        .post_form_with(
            &opleider,
            &path,
            &[
                ("bevestigd", "ja"),
                (
                    "reden",
                    "Het voortgangsgesprek van juni moet eerst plaatsvinden.",
                ),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(statuses(&app, training).await, ["afgewezen"]);
    let mails: Vec<_> = app
        .sent_emails()
        .await
        .into_iter()
        .filter(|m| m.subject == "Verkorting van uw opleiding afgewezen")
        .collect();
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0]
            .body
            .contains("Reden: Het voortgangsgesprek van juni")
    );
    let page = app
        .page_with(&app.client, &format!("/aios/opleidingen/{training}"))
        .await;
    assert!(page.contains("Afgewezen door Dr. Pieter Jansen"));
    assert!(page.contains("Reden: Het voortgangsgesprek van juni"));
    assert!(
        page.contains("Nog 9 maanden in te plannen"),
        "nothing counts"
    );

    // Deciding again (a second tab) changes nothing and says so.
    let response = app
        .post_form_with(
            &opleider,
            &format!("/opleider/aios/{training}/verkortingen/{shortening}/goedkeuren"),
            &[("bevestigd", "ja")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(statuses(&app, training).await, ["afgewezen"]);
    let page = app
        .page_with(&opleider, &format!("/opleider/aios/{training}"))
        .await;
    assert!(page.contains("Over dit voorstel is al besloten"));

    // A new proposal is possible.
    let response = propose_as_aios(&app, training, "2", "svc").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(statuses(&app, training).await, ["afgewezen", "voorgesteld"]);
}

#[tokio::test]
async fn two_tabs_approving_the_same_shortening_make_exactly_one_decision() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    propose_as_aios(&app, training, "3", "evc").await;
    let shortening = open_shortening(&app, training).await;
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let path = format!("/opleider/aios/{training}/verkortingen/{shortening}/goedkeuren");
    let (first, second) = tokio::join!(
        app.post_form_with(&opleider, &path, &[("bevestigd", "ja"),]),
        app.post_form_with(&opleider, &path, &[("bevestigd", "ja"),])
    );
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(second.status(), StatusCode::SEE_OTHER);
    assert_eq!(statuses(&app, training).await, ["goedgekeurd"]);
    assert_eq!(audit_count(&app, "shortening.approved").await, 1);
    let approvals = app
        .sent_emails()
        .await
        .into_iter()
        .filter(|m| m.subject == "Verkorting van uw opleiding goedgekeurd")
        .count();
    assert_eq!(approvals, 1);
}

#[tokio::test]
async fn the_limits_refuse_a_shortening_with_the_rules_message() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let path = format!("/aios/opleidingen/{training}/verkorting");

    let response = propose_as_aios(&app, training, "7", "schakeljaar").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("ten hoogste 6 maanden"), "{page}");
    assert!(
        page.contains("september 2023 tot september 2025"),
        "the form keeps what was typed"
    );

    // Nonsense is refused field by field.
    let response = app
        .post_form(
            &path,
            &[
                ("maanden", "drie"),
                ("grond", "iets"),
                ("waar", ""),
                ("wanneer", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    for message in [
        "Vul het aantal maanden verkorting in als heel getal",
        "Kies de grond van de verkorting",
        "Vul in waar de competenties zijn verworven",
        "Vul in wanneer de competenties zijn verworven",
    ] {
        assert!(page.contains(message), "{message}");
    }
    assert!(statuses(&app, training).await.is_empty());

    // With an EU minimum of 30 months for IGT, 4 of its 33 months is too much.
    sqlx::query("UPDATE specialties SET eu_minimum_months = 30 WHERE code = 'igt'")
        .execute(&app.state.db)
        .await
        .unwrap();
    let response = propose_as_aios(&app, training, "4", "evc").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = response.text().await.unwrap();
    assert!(page.contains("Europese minimumduur"), "{page}");
    let response = propose_as_aios(&app, training, "3", "evc").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(statuses(&app, training).await, ["voorgesteld"]);

    // While it waits, no second proposal.
    let response = propose_as_aios(&app, training, "1", "svc").await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Er wacht al een voorstel")
    );
    assert_eq!(statuses(&app, training).await, ["voorgesteld"]);
}

#[tokio::test]
async fn the_limits_are_checked_again_when_the_opleider_approves() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    propose_as_aios(&app, training, "4", "evc").await;
    let shortening = open_shortening(&app, training).await;
    // The specialty's EU minimum is raised after the proposal.
    sqlx::query("UPDATE specialties SET eu_minimum_months = 30 WHERE code = 'igt'")
        .execute(&app.state.db)
        .await
        .unwrap();
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let path = format!("/opleider/aios/{training}/verkortingen/{shortening}");
    let page = app.page_with(&opleider, &path).await;
    assert!(page.contains("Deze verkorting kan niet worden goedgekeurd"));
    assert!(!page.contains("Verkorting goedkeuren"), "no approve button");
    let response = app
        .post_form_with(
            &opleider,
            &format!("{path}/goedkeuren"),
            &[("bevestigd", "ja")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Europese minimumduur")
    );
    assert_eq!(statuses(&app, training).await, ["voorgesteld"]);
}

#[tokio::test]
async fn the_opleiders_own_shortening_counts_at_once_and_the_aios_is_told() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let form = app
        .page_with(&opleider, &format!("/opleider/aios/{training}/verkorting"))
        .await;
    assert!(form.contains("legt u de verkorting hiermee direct vast"));
    let response = app
        .post_form_with(
            &opleider,
            &format!("/opleider/aios/{training}/verkorting"),
            &proposal("6", "schakeljaar"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(statuses(&app, training).await, ["goedgekeurd"]);
    assert!(
        mail_subjects_to(&app, "noor@example.nl")
            .await
            .contains(&"Verkorting van uw opleiding".to_owned())
    );
    let page = app
        .page_with(&app.client, &format!("/aios/opleidingen/{training}"))
        .await;
    assert!(page.contains("Nog 3 maanden in te plannen"), "27 required");

    // A second schakeljaar month would exceed the half year.
    let response = app
        .post_form_with(
            &opleider,
            &format!("/opleider/aios/{training}/verkorting"),
            &proposal("1", "schakeljaar"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn an_ondersteuner_proposes_for_the_opleider_but_never_decides() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let ondersteuner = app.new_client();
    log_in_demo(&app, &ondersteuner, "demo.ondersteuner").await;
    let response = app
        .post_form_with(
            &ondersteuner,
            &format!("/opleider/aios/{training}/verkorting"),
            &proposal("3", "evc"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(statuses(&app, training).await, ["voorgesteld"]);
    let on_behalf_of: Option<Uuid> =
        sqlx::query_scalar("SELECT proposed_on_behalf_of FROM shortenings WHERE training_id = $1")
            .bind(training)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(on_behalf_of, Some(user_id(&app, "demo.opleider").await));

    let page = app
        .page_with(&ondersteuner, &format!("/opleider/aios/{training}"))
        .await;
    assert!(page.contains("Voorgesteld door Sanne Bakker namens Dr. Pieter Jansen"));
    assert!(page.contains("alleen de opleider zelf besluit over een verkorting"));
    assert!(
        !page.contains("Verkorting beoordelen"),
        "no decision button"
    );

    let shortening = open_shortening(&app, training).await;
    let path = format!("/opleider/aios/{training}/verkortingen/{shortening}");
    // She is told that only the opleider decides, and nothing she posts decides.
    let response = ondersteuner.get(app.url(&path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Alleen de opleider beslist hierover")
    );
    for action in ["goedkeuren", "afwijzen"] {
        let response = app
            .post_form_with(
                &ondersteuner,
                &format!("{path}/{action}"),
                &[
                    ("bevestigd", "ja"),
                    ("reden", "Namens de opleider afgewezen."),
                ],
            )
            .await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(statuses(&app, training).await, ["voorgesteld"]);

    // The opleider decides.
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let response = app
        .post_form_with(
            &opleider,
            &format!("{path}/goedkeuren"),
            &[("bevestigd", "ja")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(statuses(&app, training).await, ["goedgekeurd"]);
}

#[tokio::test]
async fn the_aios_withdraws_a_waiting_proposal() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    propose_as_aios(&app, training, "3", "evc").await;
    let shortening = open_shortening(&app, training).await;
    let path = format!("/aios/opleidingen/{training}/verkortingen/{shortening}/intrekken");
    let response = app.post_form(&path, &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(statuses(&app, training).await, ["ingetrokken"]);
    assert_eq!(audit_count(&app, "shortening.withdrawn").await, 1);
    let page = app
        .page_with(&app.client, &format!("/aios/opleidingen/{training}"))
        .await;
    assert!(page.contains("Ingetrokken door de aios"));
    // A withdrawn proposal cannot be approved any more.
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    app.post_form_with(
        &opleider,
        &format!("/opleider/aios/{training}/verkortingen/{shortening}/goedkeuren"),
        &[("bevestigd", "ja")],
    )
    .await;
    assert_eq!(statuses(&app, training).await, ["ingetrokken"]);
}

#[tokio::test]
async fn nobody_else_reaches_a_shortening() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    propose_as_aios(&app, training, "3", "evc").await;
    let shortening = open_shortening(&app, training).await;

    // Another aios, and another opleider recognised for IGT too, each with their own client.
    let sem = register_and_log_in(&app, "sem", "aios").await;
    let stranger = other_igt_opleider(&app).await;
    let other = app.new_client();
    log_in(&app, &other, &stranger).await;
    let other_aios = app.new_client();
    log_in(&app, &other_aios, &sem).await;

    let decision = format!("/opleider/aios/{training}/verkortingen/{shortening}");
    for client in [&other, &other_aios] {
        let response = client.get(app.url(&decision)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let response = app
            .post_form_with(
                client,
                &format!("{decision}/goedkeuren"),
                &[("bevestigd", "ja")],
            )
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    let response = app
        .post_form_with(
            &other,
            &format!("/opleider/aios/{training}/verkorting"),
            &proposal("1", "evc"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    for path in [
        format!("/aios/opleidingen/{training}/verkorting"),
        format!("/aios/opleidingen/{training}/verkortingen/{shortening}/intrekken"),
    ] {
        let response = app
            .post_form_with(&other_aios, &path, &proposal("1", "evc"))
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(statuses(&app, training).await, ["voorgesteld"]);
}
