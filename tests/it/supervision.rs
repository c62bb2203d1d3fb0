//! The opleider and the ondersteuner decide on submitted schedules and change requests.

use crate::helpers::database::database;
use chrono::NaiveDate;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::aios::{
    add_period, aios_ready, igt_with_two_hospitals, set_today, status, submit, version_statuses,
};
use crate::helpers::accounts::{log_in_demo, register_and_log_in, seed_demo, user_id};
use crate::helpers::{TestApp, location};

/// An IGT training (24 of the 33 months planned) of a new aios, submitted to the demo
/// opleider; the aios is logged in with the default client.
pub(crate) async fn submitted_training(app: &TestApp) -> Uuid {
    seed_demo(app).await;
    set_today(app);
    aios_ready(app, "noor").await;
    let training = igt_with_two_hospitals(app).await;
    assert_eq!(
        submit(app, training, true).await.status(),
        StatusCode::SEE_OTHER
    );
    training
}

/// Another opleider ("ander.opleider"), recognised for IGT at Isala; the default client ends
/// up logged in as them.
pub(crate) async fn other_igt_opleider(app: &TestApp) -> crate::helpers::accounts::TestUser {
    let stranger = register_and_log_in(app, "ander.opleider", "specialist").await;
    sqlx::query(
        "INSERT INTO role_assignments (user_id, role, specialty_id, institution_id)
         SELECT u.id, 'opleider', s.id, i.id FROM users u, specialties s, institutions i
         WHERE u.username = 'ander.opleider' AND s.code = 'igt' AND i.name = 'Isala'",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    stranger
}

/// The x coordinates of the year lines in the drawing with id `id` on `page`.
fn year_lines(page: &str, id: &str) -> Vec<String> {
    let start = page
        .find(&format!(r#"id="{id}-titel""#))
        .unwrap_or_else(|| panic!("no drawing {id}"));
    let svg = &page[start..start + page[start..].find("</svg>").unwrap()];
    svg.split(r#"<line class="timeline__grid-year" x1=""#)
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .collect()
}

#[tokio::test]
async fn the_opleider_sees_each_changed_value_old_and_new_and_both_timelines_on_one_axis() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let (training, opleider) = approved_training(&app).await;
    // The change request adds the NTC and starts the first hospital a month later.
    crate::aios::propose_ntc(&app, training).await;
    let moved = sqlx::query(
        "UPDATE schedule_periods p SET start_date = '2027-02-01' FROM schedule_versions v
         WHERE v.id = p.version_id AND v.training_id = $1 AND v.status = 'concept'
           AND p.label = 'Ziekenhuis 1'",
    )
    .bind(training)
    .execute(&app.state.db)
    .await
    .unwrap();
    assert_eq!(moved.rows_affected(), 1);
    assert_eq!(
        submit(&app, training, true).await.status(),
        StatusCode::SEE_OTHER
    );

    let page = app
        .page_with(&opleider, &format!("/opleider/aios/{training}"))
        .await;
    assert!(page.contains("Wijzigingsverzoek ter beoordeling: versie 2"));
    assert!(
        page.contains("2 wijzigingen ten opzichte van versie 1"),
        "{page}"
    );
    // The changed value, old struck through and new marked, under the field's name.
    assert!(
        page.contains(
            r#"<dt>Begindatum</dt>
        <dd><del class="was"><span class="visually-hidden">was </span>01-01-2027</del> <span aria-hidden="true">→</span> <ins class="now"><span class="visually-hidden">wordt </span>01-02-2027</ins></dd>"#
        ),
        "{page}"
    );
    assert!(page.contains(r#"<span class="tag ">Gewijzigd</span> Periode Ziekenhuis 1"#));
    assert!(page.contains(r#"<span class="tag tag--done">Toegevoegd</span> Periode NTC"#));
    // In the proposed schedule's own table the row says so, with the old value under the new.
    assert!(page.contains(r#"<span class="tag ">Gewijzigd</span><br>Ziekenhuis 1"#));
    assert!(page.contains(r#"<td class="date">01-02-2027<del class="was was-line"><span class="visually-hidden">was </span>01-01-2027</del></td>"#));
    assert!(page.contains(r#"<span class="tag tag--done">Nieuw</span><br>NTC"#));
    // Two drawings, one above the other, whose year lines stand at the same places although
    // the proposed version starts a month later.
    assert!(page.contains("Tijdlijn: huidig en voorgesteld"));
    let (current, proposed) = (
        year_lines(&page, "tijdlijn-huidig"),
        year_lines(&page, "tijdlijn-voorgesteld"),
    );
    assert!(!current.is_empty());
    assert_eq!(current, proposed);
    assert_eq!(
        page.matches(r#"class="timeline""#).count(),
        2,
        "the proposed schedule below does not draw a third"
    );
}

/// [`submitted_training`], approved by the demo opleider, who is logged in with the client
/// returned beside it.
async fn approved_training(app: &TestApp) -> (Uuid, reqwest::Client) {
    let training = submitted_training(app).await;
    let opleider = app.new_client();
    log_in_demo(app, &opleider, "demo.opleider").await;
    let version = submitted_version(app, training).await;
    app.post_form_with(
        &opleider,
        &format!("/opleider/aios/{training}/goedkeuren"),
        &[("bevestigd", "ja"), ("versie", version.as_str())],
    )
    .await;
    (training, opleider)
}

pub(crate) async fn submitted_version(app: &TestApp, training: Uuid) -> String {
    let id: Uuid = sqlx::query_scalar(
        "SELECT id FROM schedule_versions WHERE training_id = $1 AND status = 'ingediend'",
    )
    .bind(training)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    id.to_string()
}

async fn mails_to_aios(app: &TestApp) -> Vec<mijnrgs::platform::mail::OutgoingEmail> {
    app.sent_emails()
        .await
        .into_iter()
        .filter(|m| m.to_address == "noor@example.nl" && m.subject.contains("schema"))
        .collect()
}

#[tokio::test]
async fn the_opleider_approves_a_first_schedule_and_the_aios_is_told() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;

    let list = app.page_with(&opleider, "/opleider/aios").await;
    assert!(list.contains("Noor Bakker"));
    assert!(list.contains("Schema beoordelen"));
    assert!(
        !list.contains("Opleider: Dr. Pieter Jansen"),
        "his own list does not name him on every row"
    );
    // An ondersteuner's list mixes opleiders, so each row names its own.
    let ondersteuner = app.new_client();
    log_in_demo(&app, &ondersteuner, "demo.ondersteuner").await;
    let theirs = app.page_with(&ondersteuner, "/opleider/aios").await;
    assert!(theirs.contains("Noor Bakker"));
    assert!(theirs.contains("Opleider: Dr. Pieter Jansen"), "{theirs}");
    let page = app
        .page_with(&opleider, &format!("/opleider/aios/{training}"))
        .await;
    assert!(page.contains("Eerste schema ter beoordeling: versie 1"));
    assert!(
        page.contains("Nog 9 maanden in te plannen"),
        "the engine's findings"
    );

    let version = submitted_version(&app, training).await;
    let response = app
        .post_form_with(
            &opleider,
            &format!("/opleider/aios/{training}/goedkeuren"),
            &[("bevestigd", "ja"), ("versie", version.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, training).await, "goedgekeurd");
    assert_eq!(version_statuses(&app, training).await, ["goedgekeurd"]);
    let mails = mails_to_aios(&app).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].subject, "Uw opleidingsschema is goedgekeurd");
    let action: String = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE object_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(training.to_string())
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(action, "training.approved");

    // The aios now has a current schedule and can start a change.
    let page = app
        .page_with(&app.client, &format!("/aios/opleidingen/{training}"))
        .await;
    assert!(page.contains("Goedgekeurd"));
    assert!(page.contains("Schema wijzigen"));
}

#[tokio::test]
async fn a_rejection_needs_a_reason_which_the_aios_reads() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let version = submitted_version(&app, training).await;
    let path = format!("/opleider/aios/{training}/afkeuren");

    let response = app
        .post_form_with(
            &opleider,
            &path,
            &[
                ("bevestigd", "ja"),
                ("versie", version.as_str()),
                ("reden", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.text().await.unwrap().contains("Geef een reden"));
    assert_eq!(status(&app, training).await, "ingediend");

    let response = app
        .post_form_with(
            &opleider,
            &path,
            &[
                ("bevestigd", "ja"),
                ("versie", version.as_str()),
                ("reden", "Plan eerst het NTC-blok in."),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, training).await, "afgekeurd");
    let mails = mails_to_aios(&app).await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].body.contains("Reden: Plan eerst het NTC-blok in."));
    let page = app
        .page_with(&app.client, &format!("/aios/opleidingen/{training}"))
        .await;
    assert!(page.contains("Reden: Plan eerst het NTC-blok in."));
    assert!(page.contains("Schema aanpassen"));
}

#[tokio::test]
async fn the_ondersteuner_approves_a_change_request_namens_the_opleider() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let (training, opleider) = approved_training(&app).await;

    // The aios asks for a change: an NTC period added.
    crate::aios::propose_ntc(&app, training).await;
    assert_eq!(
        submit(&app, training, true).await.status(),
        StatusCode::SEE_OTHER
    );

    let ondersteuner = app.new_client();
    log_in_demo(&app, &ondersteuner, "demo.ondersteuner").await;
    let page = app
        .page_with(&ondersteuner, &format!("/opleider/aios/{training}"))
        .await;
    assert!(page.contains("Wijzigingsverzoek ter beoordeling: versie 2"));
    assert!(page.contains("namens Dr. Pieter Jansen"));
    assert!(
        page.contains(r#"<span class="tag tag--done">Toegevoegd</span> Periode NTC"#),
        "the difference is marked"
    );
    let version = submitted_version(&app, training).await;
    let response = app
        .post_form_with(
            &ondersteuner,
            &format!("/opleider/aios/{training}/goedkeuren"),
            &[("bevestigd", "ja"), ("versie", version.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        version_statuses(&app, training).await,
        ["goedgekeurd", "goedgekeurd"]
    );
    assert_eq!(status(&app, training).await, "goedgekeurd");
    let on_behalf_of: Option<Uuid> = sqlx::query_scalar(
        "SELECT on_behalf_of_id FROM audit_log WHERE action = 'schedule.change_approved'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(on_behalf_of, Some(user_id(&app, "demo.opleider").await));
    let history = app
        .page_with(
            &app.client,
            &format!("/aios/opleidingen/{training}/versies"),
        )
        .await;
    assert!(history.contains("door Sanne Bakker namens Dr. Pieter Jansen"));
    // The opleider sees the same history on the aios's page.
    let page = app
        .page_with(&opleider, &format!("/opleider/aios/{training}"))
        .await;
    assert!(page.contains("Versies en besluiten"));
    assert!(page.contains("door Sanne Bakker namens Dr. Pieter Jansen"));
    assert!(page.contains("Periode toegevoegd: NTC"));
}

#[tokio::test]
async fn two_tabs_approving_the_same_request_make_exactly_one_decision() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let version = submitted_version(&app, training).await;
    let path = format!("/opleider/aios/{training}/goedkeuren");
    let fields = [("versie", version.as_str()), ("bevestigd", "ja")];
    let (first, second) = tokio::join!(
        app.post_form_with(&opleider, &path, &fields),
        app.post_form_with(&opleider, &path, &fields)
    );
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(second.status(), StatusCode::SEE_OTHER);
    let decisions: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'training.approved'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(decisions, 1);
    assert_eq!(mails_to_aios(&app).await.len(), 1);
    let page = app
        .page_with(&opleider, &format!("/opleider/aios/{training}"))
        .await;
    // Both requests share one session, so which flash message survives is a race of the
    // session store; what is decided is not.
    assert!(page.contains("Er wacht voor deze aios niets op een besluit."));

    // A decision on a version that is no longer waiting is refused with a message.
    let response = app.post_form_with(&opleider, &path, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = app
        .page_with(&opleider, &format!("/opleider/aios/{training}"))
        .await;
    assert!(page.contains("Over deze versie is al besloten"));
}

#[tokio::test]
async fn only_the_oordelend_opleider_and_their_ondersteuners_see_and_decide() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let version = submitted_version(&app, training).await;

    // Another opleider, recognised for IGT too.
    let other = app.new_client();
    let stranger = other_igt_opleider(&app).await;
    let response = crate::helpers::accounts::log_in(&app, &other, &stranger).await;
    assert_eq!(location(&response), "/start");
    // The ondersteuner, once the delegation has ended.
    let former = app.new_client();
    log_in_demo(&app, &former, "demo.ondersteuner").await;
    sqlx::query("UPDATE role_assignments SET revoked_at = now() WHERE role = 'ondersteuner'")
        .execute(&app.state.db)
        .await
        .unwrap();
    // The aios themself.
    for client in [&other, &former, &app.client] {
        let response = client
            .get(app.url(&format!("/opleider/aios/{training}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let response = app
            .post_form_with(
                client,
                &format!("/opleider/aios/{training}/goedkeuren"),
                &[("bevestigd", "ja"), ("versie", version.as_str())],
            )
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
    }
    assert_eq!(status(&app, training).await, "ingediend");
    let list = app.page_with(&other, "/opleider/aios").await;
    assert!(
        !list.contains("Noor Bakker"),
        "not in another opleider's list"
    );
}

#[tokio::test]
async fn the_opleider_ends_a_delegation_and_the_ondersteuner_loses_access_at_once() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let ondersteuner = app.new_client();
    log_in_demo(&app, &ondersteuner, "demo.ondersteuner").await;
    let path = format!("/opleider/aios/{training}");
    let response = ondersteuner.get(app.url(&path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let page = app.page_with(&opleider, "/opleider/ondersteuners").await;
    assert!(page.contains("Sanne Bakker"));
    let delegation: Uuid = sqlx::query_scalar(
        "SELECT id FROM role_assignments WHERE role = 'ondersteuner' AND revoked_at IS NULL",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    // Another opleider's delegation does not exist for this one.
    let response = app
        .post_form_with(
            &opleider,
            &format!(
                "/opleider/ondersteuners/delegaties/{}/beeindigen",
                Uuid::now_v7()
            ),
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let response = app
        .post_form_with(
            &opleider,
            &format!("/opleider/ondersteuners/delegaties/{delegation}/beeindigen"),
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = app.page_with(&opleider, "/opleider/ondersteuners").await;
    assert!(page.contains("Er werkt nu niemand namens u."));

    // The ondersteuner's open session no longer reaches the aios.
    let response = ondersteuner.get(app.url(&path)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let mails: Vec<String> = app
        .sent_emails()
        .await
        .into_iter()
        .filter(|m| m.to_address == "demo.ondersteuner@mijnrgs.example")
        .map(|m| m.subject)
        .collect();
    assert_eq!(
        mails,
        ["U werkt niet langer namens een opleider in MijnRGS"]
    );
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'delegation.ended'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

/// An IGT training of 33 months ending on 01-12-2026, approved: its eindverklaring is due.
pub(crate) async fn training_near_its_end(app: &TestApp) -> Uuid {
    training_near_its_end_of(app).await.0
}

/// [`training_near_its_end`], with Noor's account (to log in again after a clock jump).
pub(crate) async fn training_near_its_end_of(
    app: &TestApp,
) -> (Uuid, crate::helpers::accounts::TestUser) {
    seed_demo(app).await;
    set_today(app);
    let noor = aios_ready(app, "noor").await;
    let training = crate::aios::create_igt(app).await;
    for (label, place, from, to) in [
        ("Ziekenhuis 1", "Radboudumc", "01-03-2024", "01-03-2025"),
        ("Ziekenhuis 2", "Isala", "01-03-2025", "01-03-2026"),
        (
            "NTC",
            "Nederlandse Tropencursus (KIT)",
            "01-03-2026",
            "01-06-2026",
        ),
        (
            "Buitenland",
            "Opleidingsziekenhuis in het buitenland",
            "01-06-2026",
            "01-12-2026",
        ),
    ] {
        let response = add_period(app, training, label, place, from, to, "100").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    assert_eq!(
        submit(app, training, true).await.status(),
        StatusCode::SEE_OTHER
    );
    let opleider = app.new_client();
    log_in_demo(app, &opleider, "demo.opleider").await;
    let version = submitted_version(app, training).await;
    app.post_form_with(
        &opleider,
        &format!("/opleider/aios/{training}/goedkeuren"),
        &[("bevestigd", "ja"), ("versie", version.as_str())],
    )
    .await;
    assert_eq!(status(app, training).await, "goedgekeurd");
    (training, noor)
}

#[tokio::test]
async fn the_opleider_issues_a_positive_eindverklaring_once_and_the_training_is_completed() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = training_near_its_end(&app).await;
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let page = app
        .page_with(&opleider, &format!("/opleider/aios/{training}"))
        .await;
    assert!(page.contains("Eindverklaring afgeven"));
    let path = format!("/opleider/aios/{training}/eindverklaring");

    let response = app
        .post_form_with(
            &opleider,
            &path,
            &[
                ("bevestigd", "ja"),
                ("uitkomst", ""),
                ("einddatum", "31-11-2026"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("Kies of de eindverklaring positief of negatief is."));
    assert!(body.contains("Deze datum bestaat niet"));

    let fields = [
        ("uitkomst", "positief"),
        ("einddatum", "01-12-2026"),
        ("bevestigd", "ja"),
    ];
    let response = app.post_form_with(&opleider, &path, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, training).await, "voltooid");
    let mails: Vec<_> = app
        .sent_emails()
        .await
        .into_iter()
        .filter(|m| m.to_address == "noor@example.nl" && m.subject.contains("voltooid"))
        .collect();
    assert_eq!(mails.len(), 1);
    assert!(
        mails[0]
            .body
            .contains("registratie als specialist of profielarts aanvragen")
    );

    // Not twice.
    let response = app.post_form_with(&opleider, &path, &fields).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM final_declarations")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(count, 1);
    let page = app
        .page_with(&opleider, &format!("/opleider/aios/{training}"))
        .await;
    assert!(page.contains("Positieve eindverklaring afgegeven door Dr. Pieter Jansen"));
    assert!(!page.contains("Eindverklaring afgeven</button>"));
    let page = app.page_with(&app.client, "/aios/opleidingen").await;
    assert!(page.contains("U kunt nu registratie als specialist of profielarts aanvragen."));
}

#[tokio::test]
async fn an_ondersteuner_cannot_issue_an_eindverklaring() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = training_near_its_end(&app).await;
    let ondersteuner = app.new_client();
    log_in_demo(&app, &ondersteuner, "demo.ondersteuner").await;
    let page = app
        .page_with(&ondersteuner, &format!("/opleider/aios/{training}"))
        .await;
    assert!(
        !page.contains("Eindverklaring"),
        "no button for the ondersteuner"
    );
    let response = app
        .post_form_with(
            &ondersteuner,
            &format!("/opleider/aios/{training}/eindverklaring"),
            &[
                ("bevestigd", "ja"),
                ("uitkomst", "positief"),
                ("einddatum", "01-12-2026"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Over de eindverklaring van Noor Bakker beslist Dr. Pieter Jansen zelf")
    );
    assert_eq!(status(&app, training).await, "goedgekeurd");
}

#[tokio::test]
async fn an_eindverklaring_too_early_is_refused_with_the_date_from_which_it_is_possible() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    // The demo aios's kindergeneeskunde runs until 2029.
    let training: Uuid = sqlx::query_scalar(
        "SELECT t.id FROM trainings t JOIN specialties s ON s.id = t.specialty_id
         WHERE s.code = 'kindergeneeskunde'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let page = app
        .page_with(&opleider, &format!("/opleider/aios/{training}"))
        .await;
    assert!(
        page.contains("U kunt de eindverklaring afgeven vanaf"),
        "{page}"
    );
    let response = app
        .post_form_with(
            &opleider,
            &format!("/opleider/aios/{training}/eindverklaring"),
            &[
                ("bevestigd", "ja"),
                ("uitkomst", "positief"),
                ("einddatum", "01-09-2029"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("De eindverklaring kan pas vanaf"), "{body}");
    assert!(body.contains("-2029 worden afgegeven"));
    assert_eq!(status(&app, training).await, "ingeschreven");
}

/// Sixty more aios of the demo opleider, straight into the database (the set-up of a large
/// opleider, not the behaviour under test): half ingeschreven, half with a schedule waiting.
async fn sixty_aios(app: &TestApp) {
    sqlx::query(
        "WITH new_users AS (
             INSERT INTO users (id, username, email, full_name)
             SELECT gen_random_uuid(), 'aios' || n, 'aios' || n || '@example.nl',
                    'Aios ' || lpad(n::text, 3, '0')
             FROM generate_series(1, 60) AS n
             RETURNING id, full_name)
         INSERT INTO trainings (id, trainee_id, specialty_id, supervisor_id, invoicing, status)
         SELECT gen_random_uuid(), u.id, s.id, o.id, 'bij_indienen',
                CASE WHEN right(u.full_name, 1)::int % 2 = 0 THEN 'ingeschreven' ELSE 'ingediend' END
         FROM new_users u, specialties s, users o
         WHERE s.code = 'igt' AND o.username = 'demo.opleider'",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO schedule_versions (id, training_id, number, status, created_by)
         SELECT gen_random_uuid(), t.id, 1, 'concept', t.trainee_id FROM trainings t
         WHERE t.status = 'ingediend' AND t.trainee_id IN (SELECT id FROM users WHERE username LIKE 'aios%')",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE schedule_versions SET status = 'ingediend'
         WHERE status = 'concept' AND created_by IN (SELECT id FROM users WHERE username LIKE 'aios%')",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
}

fn names(page: &str) -> Vec<String> {
    page.split("\">Aios ")
        .skip(1)
        .filter_map(|part| part.split_once("</a>").map(|(name, _)| name))
        .filter(|n| n.len() == 3)
        .map(|n| format!("Aios {n}"))
        .collect()
}

#[tokio::test]
async fn the_overview_pages_through_hundreds_of_aios_with_a_keyset() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    sixty_aios(&app).await;
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;

    let first = app.page_with(&opleider, "/opleider/aios").await;
    let first_names = names(&first);
    assert_eq!(
        first_names.len(),
        50,
        "a full page of the sixty (they sort before the demo aios)"
    );
    let second = app
        .page_with(&opleider, &format!("/opleider/aios?{}", next_page(&first)))
        .await;
    let second_names = names(&second);
    assert!(!second.contains("Volgende 50 aios"), "the last page");
    let mut all = first_names.clone();
    all.extend(second_names);
    let mut sorted = all.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(all, sorted, "in name order, none twice");
    assert_eq!(all.len(), 60, "none missing");
    // The count is of all pages.
    let total: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM training_summaries s JOIN users u ON u.id = s.supervisor_id
         WHERE u.username = 'demo.opleider' AND s.status <> 'concept'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert!(total > 60);
    for page in [&first, &second] {
        assert!(
            page.contains(&format!(
                r#"<p id="aantal">{total} aios, 50 per pagina.</p>"#
            )),
            "{page}"
        );
    }

    // Searched by name, its words in any order.
    let found = app
        .page_with(&opleider, "/opleider/aios?naam=059+aios")
        .await;
    assert_eq!(names(&found), ["Aios 059"]);
    assert!(
        found.contains(r#"<p id="aantal">1 aios met deze keuze.</p>"#),
        "{found}"
    );
    assert!(
        found.contains(r#"value="059 aios""#),
        "the search stays in its field"
    );
    let refused = opleider
        .get(app.url("/opleider/aios?naam=a"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("Vul minstens 2 letters van de naam in.")
    );
    // The next page of a search keeps searching.
    let many = app.page_with(&opleider, "/opleider/aios?naam=aios").await;
    assert!(
        next_page(&many).contains("naam=aios"),
        "{}",
        next_page(&many)
    );

    // The CSV holds every page of the filtered list, and the download is audited.
    assert!(
        many.contains("/opleider/aios.csv?naam=aios&amp;status=&amp;sorteer=")
            || many.contains("/opleider/aios.csv?naam=aios&#38;status=&#38;sorteer="),
        "{many}"
    );
    let response = opleider
        .get(app.url("/opleider/aios.csv?naam=aios&status=ingediend"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "\u{feff}Aios;Opleiding;Oordelend opleider;Status;Huidige periode;Instelling;Wacht op u"
    );
    assert_eq!(
        lines.len(),
        1 + 30,
        "the thirty submitted ones, both pages: {csv}"
    );
    assert!(lines[1].starts_with("Aios 001;"), "{}", lines[1]);
    assert!(lines[1].contains(";Ingediend;"), "{}", lines[1]);
    assert!(lines[1].ends_with(";Schema beoordelen"), "{}", lines[1]);
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'supervision.list_downloaded'
           AND (details->>'rows')::int = 30",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(audited, 1);
    let stranger = app.new_client();
    log_in_demo(&app, &stranger, "demo.aios").await;
    let refused = stranger
        .get(app.url("/opleider/aios.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);

    // Filters: a status, and what waits for the opleider.
    let page = app
        .page_with(&opleider, "/opleider/aios?status=ingeschreven")
        .await;
    assert!(
        names(&page)
            .iter()
            .all(|n| n.ends_with(['0', '2', '4', '6', '8']))
    );
    assert!(!page.contains("Schema beoordelen"));
    let page = app.page_with(&opleider, "/opleider/aios?wacht=ja").await;
    assert!(
        names(&page)
            .iter()
            .all(|n| n.ends_with(['1', '3', '5', '7', '9']))
    );
    assert!(page.contains("Schema beoordelen"));
    let page = app
        .page_with(&opleider, "/opleider/aios?sorteer=status")
        .await;
    let position = |text: &str| page.find(text).unwrap();
    assert!(position(">Ingediend</span>") < position(">Ingeschreven</span>"));

    // Sorted by status, the next page goes on where the first ended: the submitted ones (odd)
    // by name, then the registered ones (even) by name, none twice, none missing.
    let second = app
        .page_with(&opleider, &format!("/opleider/aios?{}", next_page(&page)))
        .await;
    let mut all = names(&page);
    all.extend(names(&second));
    let submitted: Vec<&String> = all
        .iter()
        .take_while(|n| n.ends_with(['1', '3', '5', '7', '9']))
        .collect();
    assert_eq!(submitted.len(), 30, "{all:?}");
    assert!(submitted.is_sorted());
    let registered = &all[30..];
    assert_eq!(registered.len(), 30, "{all:?}");
    assert!(
        registered
            .iter()
            .all(|n| n.ends_with(['0', '2', '4', '6', '8']))
    );
    assert!(registered.is_sorted());
}

/// The query string of the overview's "next page" link.
fn next_page(page: &str) -> String {
    page.split("href=\"/opleider/aios?")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a link to the next page")
        .replace("&#38;", "&")
}

#[tokio::test]
async fn the_overview_shows_the_period_running_today_with_its_institution_and_none_after_it() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let opleider = user_id(&app, "demo.opleider").await;
    // The last period of a schedule the overview shows (approved, else submitted) of one of
    // the opleider's aios, alone on its first day; after it nothing runs.
    let (training, label, place, start, end): (Uuid, String, String, NaiveDate, NaiveDate) =
        sqlx::query_as(
            "SELECT ts.training_id, p.label, i.name, p.start_date, p.end_date
             FROM training_summaries ts
             JOIN schedule_periods p ON p.version_id = ts.shown_version_id
             JOIN institutions i ON i.id = p.institution_id
             WHERE ts.supervisor_id = $1 AND ts.status <> 'concept'
               AND p.end_date = ts.planned_end
               AND NOT EXISTS (SELECT 1 FROM schedule_periods q
                               WHERE q.version_id = p.version_id AND q.id <> p.id
                                 AND q.start_date <= p.start_date AND q.end_date > p.start_date)
             ORDER BY ts.trainee_name, ts.training_id LIMIT 1",
        )
        .bind(opleider)
        .fetch_one(&app.state.db)
        .await
        .expect("a demo aios of demo.opleider with a shown schedule");
    // The text of the "Huidige periode" cell of the training's row.
    let period_cell = |page: String| {
        let document = scraper::Html::parse_document(&page);
        let rows = scraper::Selector::parse("tbody tr").unwrap();
        let link =
            scraper::Selector::parse(&format!("a[href='/opleider/aios/{training}']")).unwrap();
        let cells = scraper::Selector::parse("td").unwrap();
        document
            .select(&rows)
            .find(|row| row.select(&link).next().is_some())
            .and_then(|row| row.select(&cells).nth(2))
            .map(|cell| cell.text().collect::<Vec<_>>().join(" "))
            .expect("the training's row")
    };
    let noon = |day: NaiveDate| day.and_hms_opt(12, 0, 0).unwrap().and_utc();
    // On each day a fresh log-in: a session does not live from one date to a year later.
    let overview_on = |day: NaiveDate| {
        let app = &app;
        async move {
            app.clock.set(noon(day));
            let client = app.new_client();
            log_in_demo(app, &client, "demo.opleider").await;
            let page = client.get(app.url("/opleider/aios")).send().await.unwrap();
            page.text().await.unwrap()
        }
    };
    let cell = period_cell(overview_on(start).await);
    assert!(
        cell.contains(&label) && cell.contains(&place),
        "on its first day {label} at {place} runs: {cell:?}"
    );

    // The end is exclusive: on it the period no longer runs, and no other does.
    let cell = period_cell(overview_on(end).await);
    assert!(
        cell.contains("Geen periode vandaag"),
        "on its end date nothing runs: {cell:?}"
    );
}

#[tokio::test]
async fn approving_is_restated_first_decides_only_when_confirmed_and_then_offers_the_next_item() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let version = submitted_version(&app, training).await;
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let path = format!("/opleider/aios/{training}/goedkeuren");

    // The first post only restates what will happen and to whom.
    let check = app
        .post_form_with(&opleider, &path, &[("versie", version.as_str())])
        .await;
    assert_eq!(check.status(), StatusCode::OK);
    let page = check.text().await.unwrap();
    assert!(page.contains("<h1>Controleer uw besluit</h1>"), "{page}");
    assert!(page.contains("U keurt het eerste opleidingsschema van Noor Bakker goed."));
    assert!(page.contains("Noor Bakker krijgt hierover een e-mail."));
    assert!(page.contains(&format!(r#"<form method="post" action="{path}">"#)));
    assert!(page.contains(&format!(
        r#"<input type="hidden" name="versie" value="{version}">"#
    )));
    assert_eq!(
        status(&app, training).await,
        "ingediend",
        "nothing decided yet"
    );
    assert!(mails_to_aios(&app).await.is_empty());

    // Confirmed, it decides and shows the confirmation page once, with the next item.
    let done = app
        .post_form_with(
            &opleider,
            &path,
            &[("versie", version.as_str()), ("bevestigd", "ja")],
        )
        .await;
    assert_eq!(location(&done), "/vastgelegd");
    assert_eq!(status(&app, training).await, "goedgekeurd");
    let page = app.page_with(&opleider, "/vastgelegd").await;
    assert!(
        page.contains("<h1>Opleidingsschema goedgekeurd</h1>"),
        "{page}"
    );
    let anna = crate::start::training_of(&app, "Anna de Vries", "huisartsgeneeskunde").await;
    assert!(
        page.contains(&format!(
            r#"<a class="button" href="/opleider/aios/{anna}">Volgende: Opleidingsschema van Anna de Vries (Huisartsgeneeskunde)</a>"#
        )),
        "{page}"
    );
    let again = opleider.get(app.url("/vastgelegd")).send().await.unwrap();
    assert_eq!(location(&again), "/start", "shown once");
}

#[tokio::test]
async fn a_rejection_a_shortening_and_the_eindverklaring_are_each_restated_before_they_are_taken() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let checked = |page: &str, decision: &str| {
        assert!(page.contains("<h1>Controleer uw besluit</h1>"), "{page}");
        assert!(page.contains(decision), "{decision} in {page}");
        assert!(page.contains("Dit besluit kunt u niet ongedaan maken."));
    };

    // Rejecting Anna's first schedule, with its reason restated.
    let anna = crate::start::training_of(&app, "Anna de Vries", "huisartsgeneeskunde").await;
    let version = submitted_version(&app, anna).await;
    let response = app
        .post_form_with(
            &opleider,
            &format!("/opleider/aios/{anna}/afkeuren"),
            &[
                ("versie", version.as_str()),
                ("reden", "Periode 2 klopt niet."),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    checked(
        &page,
        "U keurt het eerste opleidingsschema van Anna de Vries af.",
    );
    assert!(page.contains("Periode 2 klopt niet."));
    assert_eq!(status(&app, anna).await, "ingediend");

    // Lotte's proposed shortening, with the duration it leaves.
    let lotte = crate::start::training_of(&app, "Lotte Visser", "igt").await;
    let shortening = crate::shortenings::open_shortening(&app, lotte).await;
    let response = app
        .post_form_with(
            &opleider,
            &format!("/opleider/aios/{lotte}/verkortingen/{shortening}/goedkeuren"),
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    checked(
        &page,
        "U keurt de voorgestelde verkorting van Lotte Visser goed.",
    );
    assert!(page.contains("na goedkeuring 30 maanden"), "{page}");
    assert_eq!(
        crate::shortenings::statuses(&app, lotte).await,
        ["voorgesteld"],
        "still proposed"
    );

    // Daan's eindverklaring, with the end of training written so it cannot be misread.
    let daan = crate::start::training_of(&app, "Daan de Boer", "igt").await;
    let response = app
        .post_form_with(
            &opleider,
            &format!("/opleider/aios/{daan}/eindverklaring"),
            &[("uitkomst", "positief"), ("einddatum", "01-01-2027")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    checked(
        &page,
        "U geeft een positieve eindverklaring af voor Daan de Boer.",
    );
    assert!(page.contains("tot 01-01-2027 (laatste opleidingsdag 31-12-2026)"));
    assert_ne!(status(&app, daan).await, "voltooid");
}
