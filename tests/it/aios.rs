//! The aios: basisgegevens, a new training, the schedule editor, submitting and change
//! requests, through the real HTTP server and database.

use crate::helpers::database::database;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::accounts::{TestUser, log_in_demo, register_and_log_in, seed_demo, user_id};
use crate::helpers::{TestApp, location};

/// A fixed "today" for schedules: periods from 2027 lie in the future.
pub(crate) fn set_today(app: &TestApp) {
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00+01:00")
            .unwrap()
            .to_utc(),
    );
}

/// Noor's basisgegevens, as the form sends them the first time.
pub(crate) const DETAILS: &[(&str, &str)] = &[
    ("naam", "Noor Bakker"),
    ("geboortedatum", "14-03-1995"),
    ("big_nummer", "19087654301"),
    ("diplomadatum", "01-07-2021"),
    ("universiteit", "radboud"),
    ("telefoon", "06 12345678"),
    ("adres", "Kerkstraat 1"),
    ("postcode", "6525ga"),
    ("woonplaats", "Nijmegen"),
    ("revisie", "0"),
];

pub(crate) async fn institution(app: &TestApp, name: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM institutions WHERE name = $1")
        .bind(name)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

pub(crate) async fn specialty(app: &TestApp, code: &str) -> Uuid {
    sqlx::query_scalar("SELECT id FROM specialties WHERE code = $1")
        .bind(code)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

async fn text(response: reqwest::Response) -> String {
    response.text().await.unwrap()
}

/// An aios with complete basisgegevens, logged in with the default client.
pub(crate) async fn aios_ready(app: &TestApp, username: &str) -> TestUser {
    let user = register_and_log_in(app, username, "aios").await;
    let response = app.post_form("/aios/basisgegevens", DETAILS).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    user
}

/// Creates an IGT training with the default client; returns its id.
pub(crate) async fn create_igt(app: &TestApp) -> Uuid {
    create_training(app, "igt").await
}

/// Creates a training of specialty `code` with the demo opleider and the specialty's first
/// institute (when it has any), through the new-training form with the default client;
/// returns its id.
pub(crate) async fn create_training(app: &TestApp, code: &str) -> Uuid {
    let specialty = specialty(app, code).await;
    let opleider = user_id(app, "demo.opleider").await.to_string();
    let page = text(
        app.get(&format!("/aios/opleidingen/nieuw?specialisme={specialty}"))
            .await,
    )
    .await;
    assert!(
        page.contains(&format!("value=\"{opleider}\"")),
        "the demo opleider is recognised for {code}: {page}"
    );
    let institute: Option<Uuid> = sqlx::query_scalar(
        "SELECT institute_id FROM specialty_institutes WHERE specialty_id = $1
         ORDER BY (SELECT code FROM institutes i WHERE i.id = institute_id) LIMIT 1",
    )
    .bind(specialty)
    .fetch_optional(&app.state.db)
    .await
    .unwrap();
    let institute = institute.map(|i| i.to_string()).unwrap_or_default();
    let response = app
        .post_form(
            "/aios/opleidingen/nieuw",
            &[
                ("specialisme", specialty.to_string().as_str()),
                ("instituut", institute.as_str()),
                ("opleider", opleider.as_str()),
                ("facturering", "bij_indienen"),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "{}",
        text(response).await
    );
    location(&response)
        .trim_start_matches("/aios/opleidingen/")
        .parse()
        .unwrap()
}

/// The revision of the training's concept.
pub(crate) async fn revision(app: &TestApp, training: Uuid) -> String {
    let revision: Option<i32> = sqlx::query_scalar(
        "SELECT revision FROM schedule_versions WHERE training_id = $1 AND status = 'concept'",
    )
    .bind(training)
    .fetch_optional(&app.state.db)
    .await
    .unwrap();
    // Without a concept, a form from an earlier page still carries some revision.
    revision.unwrap_or(1).to_string()
}

pub(crate) async fn add_period(
    app: &TestApp,
    training: Uuid,
    label: &str,
    place: &str,
    from: &str,
    to: &str,
    pct: &str,
) -> reqwest::Response {
    add_period_in(app, training, 0, label, place, (from, to), pct).await
}

/// Adds a period in `part` (counted from 0; a specialty with one part has only 0) through the
/// form, from `from` to `to`.
pub(crate) async fn add_period_in(
    app: &TestApp,
    training: Uuid,
    part: usize,
    label: &str,
    place: &str,
    (from, to): (&str, &str),
    pct: &str,
) -> reqwest::Response {
    let place = institution(app, place).await.to_string();
    let revision = revision(app, training).await;
    app.post_form(
        &format!("/aios/opleidingen/{training}/periodes/nieuw"),
        &[
            ("onderdeel", part.to_string().as_str()),
            ("omschrijving", label),
            ("instelling", place.as_str()),
            ("opleider", ""),
            ("begindatum", from),
            ("einddatum", to),
            ("deeltijd", pct),
            ("revisie", revision.as_str()),
        ],
    )
    .await
}

pub(crate) async fn add_interruption(
    app: &TestApp,
    training: Uuid,
    kind: &str,
    place: &str,
    from: &str,
    to: &str,
) -> reqwest::Response {
    let place = institution(app, place).await.to_string();
    let revision = revision(app, training).await;
    app.post_form(
        &format!("/aios/opleidingen/{training}/onderbrekingen/nieuw"),
        &[
            ("soort", kind),
            ("begindatum", from),
            ("einddatum", to),
            ("instelling", place.as_str()),
            ("toelichting", "Als anios gewerkt"),
            ("revisie", revision.as_str()),
        ],
    )
    .await
}

/// An IGT training with ziekenhuis 1 and 2 and the gap between them covered: 24 of 33 months.
pub(crate) async fn igt_with_two_hospitals(app: &TestApp) -> Uuid {
    let training = create_igt(app).await;
    for (label, place, from, to) in [
        ("Ziekenhuis 1", "Radboudumc", "01-01-2027", "01-01-2028"),
        ("Ziekenhuis 2", "Isala", "01-03-2028", "01-03-2029"),
    ] {
        let response = add_period(app, training, label, place, from, to, "100").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let response = add_interruption(
        app,
        training,
        "anios",
        "Radboudumc",
        "01-01-2028",
        "01-03-2028",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    training
}

pub(crate) async fn submit(app: &TestApp, training: Uuid, acknowledge: bool) -> reqwest::Response {
    let revision = revision(app, training).await;
    let mut fields = vec![("revisie", revision.as_str())];
    if acknowledge {
        fields.push(("waarschuwingen_gelezen", "ja"));
    }
    app.post_form(&format!("/aios/opleidingen/{training}/indienen"), &fields)
        .await
}

pub(crate) async fn status(app: &TestApp, training: Uuid) -> String {
    sqlx::query_scalar("SELECT status FROM trainings WHERE id = $1")
        .bind(training)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

/// Approval is the opleider's (a later issue); tests of change requests start from an
/// approved first version, set directly.
pub(crate) async fn approve_in_database(app: &TestApp, training: Uuid) {
    sqlx::query(
        "UPDATE schedule_versions SET status = 'goedgekeurd', decided_at = now()
         WHERE training_id = $1 AND status = 'ingediend'",
    )
    .bind(training)
    .execute(&app.state.db)
    .await
    .unwrap();
    sqlx::query("UPDATE trainings SET status = 'ingeschreven' WHERE id = $1")
        .bind(training)
        .execute(&app.state.db)
        .await
        .unwrap();
}

/// An IGT registration of a new aios whose first schedule (24 of 33 months) was approved.
async fn registered_igt(app: &TestApp) -> Uuid {
    seed_demo(app).await;
    set_today(app);
    aios_ready(app, "noor").await;
    let training = igt_with_two_hospitals(app).await;
    submit(app, training, true).await;
    approve_in_database(app, training).await;
    training
}

/// Starts a change request and adds the NTC period to it.
pub(crate) async fn propose_ntc(app: &TestApp, training: Uuid) {
    let response = app
        .post_form(&format!("/aios/opleidingen/{training}/wijzigen"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let response = add_period(
        app,
        training,
        "NTC",
        "Nederlandse Tropencursus (KIT)",
        "01-03-2029",
        "01-06-2029",
        "100",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn an_aios_keeps_basisgegevens_and_bad_input_is_refused_at_its_field() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    register_and_log_in(&app, "noor", "aios").await;

    let page = text(app.get("/aios/basisgegevens").await).await;
    assert!(
        page.contains("Voor een nieuwe opleiding ontbreekt nog"),
        "{page}"
    );

    let mut bad: Vec<(&str, &str)> = DETAILS.to_vec();
    bad[2] = ("big_nummer", "12345");
    bad[3] = ("diplomadatum", "30-02-2021");
    let response = app.post_form("/aios/basisgegevens", &bad).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(response).await;
    assert!(page.contains("Een BIG-nummer bestaat uit precies 11 cijfers"));
    assert!(page.contains("Deze datum bestaat niet"));
    assert!(
        page.contains(r##"<a href="#big_nummer">"##),
        "error summary links the field"
    );
    assert!(
        page.contains(r#"value="Kerkstraat 1""#),
        "typed input is kept"
    );

    let response = app.post_form("/aios/basisgegevens", DETAILS).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = text(app.get("/aios/basisgegevens").await).await;
    assert!(page.contains("Uw basisgegevens zijn opgeslagen."));
    assert!(page.contains(r#"value="19087654301""#));
    assert!(
        page.contains(r#"value="6525 GA""#),
        "postcode is normalised"
    );
    assert!(!page.contains("ontbreekt nog"));
    let audited: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'person.details_saved'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn basisgegevens_saved_over_a_newer_save_are_refused_with_the_input_kept() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    register_and_log_in(&app, "noor", "aios").await;
    assert_eq!(
        app.post_form("/aios/basisgegevens", DETAILS).await.status(),
        StatusCode::SEE_OTHER
    );
    // A second tab still holds the form of revision 0.
    let mut stale: Vec<(&str, &str)> = DETAILS.to_vec();
    stale[8] = ("woonplaats", "Arnhem");
    let response = app.post_form("/aios/basisgegevens", &stale).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let page = text(response).await;
    assert!(page.contains("Uw basisgegevens zijn intussen gewijzigd"));
    assert!(page.contains(r#"value="Arnhem""#));
    let city: String = sqlx::query_scalar("SELECT city FROM personal_details")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(city, "Nijmegen", "nothing was overwritten");
}

#[tokio::test]
async fn a_big_number_of_another_account_is_refused() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    register_and_log_in(&app, "noor", "aios").await;
    let mut taken: Vec<(&str, &str)> = DETAILS.to_vec();
    taken[2] = ("big_nummer", "19012345601");
    let response = app.post_form("/aios/basisgegevens", &taken).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text(response)
            .await
            .contains("hoort al bij een ander account")
    );
}

#[tokio::test]
async fn a_training_cannot_be_created_before_the_basisgegevens_are_complete() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    register_and_log_in(&app, "noor", "aios").await;
    let page = text(app.get("/aios/opleidingen/nieuw").await).await;
    assert!(page.contains("Niet compleet"));
    assert!(page.contains("datum van het artsdiploma"));
    assert!(page.contains(r#"href="/aios/basisgegevens""#));

    let igt = specialty(&app, "igt").await.to_string();
    let opleider = user_id(&app, "demo.opleider").await.to_string();
    let response = app
        .post_form(
            "/aios/opleidingen/nieuw",
            &[
                ("specialisme", igt.as_str()),
                ("opleider", opleider.as_str()),
                ("facturering", "bij_indienen"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let count: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM trainings t JOIN users u ON u.id = t.trainee_id
         WHERE u.username = 'noor'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(count, 0, "no training was created");
}

#[tokio::test]
async fn a_new_igt_training_gets_a_concept_schedule_with_its_part_of_33_months() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    aios_ready(&app, "noor").await;

    let page = text(app.get("/aios/opleidingen/nieuw").await).await;
    assert!(page.contains("Compleet"));
    let igt = specialty(&app, "igt").await;
    let page = text(
        app.get(&format!("/aios/opleidingen/nieuw?specialisme={igt}"))
            .await,
    )
    .await;
    assert!(
        page.contains("Opleidingsinstituut IGT"),
        "institutes of IGT"
    );
    assert!(
        page.contains("Dr. Pieter Jansen (Radboudumc)"),
        "recognised opleiders"
    );
    assert!(page.contains("Factureren op startdatum"));

    let training = create_igt(&app).await;
    assert_eq!(status(&app, training).await, "concept");
    let page = text(app.get(&format!("/aios/opleidingen/{training}")).await).await;
    assert!(page.contains("Opleiding tot AIGT"));
    assert!(page.contains("Periodes: Ziekenhuis 1, Ziekenhuis 2, NTC, Buitenland"));
    assert!(page.contains("Nog 33 maanden in te plannen"), "{page}");
    let new_period = text(
        app.get(&format!("/aios/opleidingen/{training}/periodes/nieuw"))
            .await,
    )
    .await;
    assert!(
        new_period.contains(r#"value="Ziekenhuis 1""#),
        "first expected period"
    );
    assert!(new_period.contains("Einddatum (tot, niet tot en met)"));
}

#[tokio::test]
async fn a_second_running_training_in_the_same_specialty_is_refused() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    aios_ready(&app, "noor").await;
    create_igt(&app).await;
    let igt = specialty(&app, "igt").await.to_string();
    let opleider = user_id(&app, "demo.opleider").await.to_string();
    let institute: Uuid = sqlx::query_scalar("SELECT id FROM institutes WHERE code = 'oigt'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let response = app
        .post_form(
            "/aios/opleidingen/nieuw",
            &[
                ("specialisme", igt.as_str()),
                ("instituut", &institute.to_string()),
                ("opleider", opleider.as_str()),
                ("facturering", "bij_indienen"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(response).await.contains("al een lopende opleiding"));
}

#[tokio::test]
async fn a_gap_between_periods_is_an_error_until_an_interruption_covers_it() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    aios_ready(&app, "noor").await;
    let training = create_igt(&app).await;
    add_period(
        &app,
        training,
        "Ziekenhuis 1",
        "Radboudumc",
        "01-01-2027",
        "01-01-2028",
        "100",
    )
    .await;
    // The next period's start is pre-filled with the previous end.
    let form = text(
        app.get(&format!("/aios/opleidingen/{training}/periodes/nieuw"))
            .await,
    )
    .await;
    assert!(form.contains(r#"value="01-01-2028""#), "{form}");
    add_period(
        &app,
        training,
        "Ziekenhuis 2",
        "Isala",
        "01-03-2028",
        "01-03-2029",
        "100",
    )
    .await;

    let page = text(app.get(&format!("/aios/opleidingen/{training}")).await).await;
    assert!(
        page.contains("Voeg een onderbreking toe"),
        "gap error: {page}"
    );
    assert!(page.contains("finding--error"));

    let response = add_interruption(
        &app,
        training,
        "anios",
        "Radboudumc",
        "01-01-2028",
        "01-03-2028",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = text(app.get(&format!("/aios/opleidingen/{training}")).await).await;
    assert!(!page.contains("finding--error"), "{page}");
    assert!(page.contains("Nog 9 maanden in te plannen (24 van 33 maanden ingevoerd)"));
    assert!(page.contains("<svg"), "timeline drawn");
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE object_id = $1 AND action LIKE 'schedule.%'",
    )
    .bind(training.to_string())
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(audited, 3, "two periods and an interruption");
}

#[tokio::test]
async fn an_interruption_can_only_name_an_institution_of_the_schedule() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    aios_ready(&app, "noor").await;
    let training = create_igt(&app).await;
    add_period(
        &app,
        training,
        "Ziekenhuis 1",
        "Radboudumc",
        "01-01-2027",
        "01-01-2028",
        "100",
    )
    .await;
    let response = add_interruption(
        &app,
        training,
        "ziekte",
        "Isala",
        "01-03-2027",
        "15-03-2027",
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(response).await;
    assert!(page.contains("die al in een periode van het schema staat"));
    assert!(
        !page.contains(">Isala<"),
        "only the schedule's institutions are offered"
    );
}

#[tokio::test]
async fn malformed_period_input_gets_dutch_messages_and_nothing_is_saved() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    aios_ready(&app, "noor").await;
    let training = create_igt(&app).await;
    for (from, pct, message) in [
        ("2026-02-30", "100", "Deze datum bestaat niet"),
        (
            "01-01-2027",
            "150",
            "Kies een deeltijdpercentage van 50 tot en met 100",
        ),
        (
            "01-01-2027",
            "40",
            "Kies een deeltijdpercentage van 50 tot en met 100",
        ),
        ("01-01-2027", "abc", "Vul het percentage in als heel getal"),
    ] {
        let response = add_period(
            &app,
            training,
            "<script>alert(1)</script>",
            "Radboudumc",
            from,
            "01-01-2028",
            pct,
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = text(response).await;
        assert!(page.contains(message), "{message}");
        assert!(!page.contains("<script>alert(1)"), "input is escaped");
        assert!(page.contains("&#60;script&#62;alert(1)"), "input is kept");
    }
    let periods: i64 = sqlx::query_scalar("SELECT count(*) FROM schedule_periods")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let demo: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM schedule_periods p JOIN schedule_versions v ON v.id = p.version_id
         WHERE v.training_id <> $1",
    )
    .bind(training)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(periods, demo, "nothing saved in the new training");
}

#[tokio::test]
async fn malformed_interruption_dates_get_dutch_messages_and_nothing_is_saved() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    aios_ready(&app, "noor").await;
    let training = create_igt(&app).await;
    for (from, to) in [
        ("2026-02-30", "01-03-2028"),
        ("30-02-2027", "01-03-2028"),
        ("01-01-2028", "abc"),
        ("99999-01-01", "01-03-2028"),
    ] {
        let response = add_interruption(&app, training, "anios", "Radboudumc", from, to).await;
        assert_eq!(
            response.status(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "{from} to {to}"
        );
        let page = text(response).await;
        assert!(
            page.contains("class=\"field__error\""),
            "{from} to {to}: {page}"
        );
    }
    let saved: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM schedule_interruptions i
           JOIN schedule_versions v ON v.id = i.version_id
          WHERE v.training_id = $1",
    )
    .bind(training)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(saved, 0, "nothing saved");
}

#[tokio::test]
async fn a_save_based_on_an_older_revision_is_refused_with_the_input_kept() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    aios_ready(&app, "noor").await;
    let training = create_igt(&app).await;
    let stale = revision(&app, training).await;
    add_period(
        &app,
        training,
        "Ziekenhuis 1",
        "Radboudumc",
        "01-01-2027",
        "01-01-2028",
        "100",
    )
    .await;
    let place = institution(&app, "Isala").await.to_string();
    let response = app
        .post_form(
            &format!("/aios/opleidingen/{training}/periodes/nieuw"),
            &[
                ("omschrijving", "Ziekenhuis 2 uit het oude tabblad"),
                ("instelling", place.as_str()),
                ("opleider", ""),
                ("begindatum", "01-01-2028"),
                ("einddatum", "01-01-2029"),
                ("deeltijd", "100"),
                ("revisie", stale.as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    let page = text(response).await;
    assert!(page.contains("Het schema is intussen gewijzigd"));
    assert!(
        page.contains("Ziekenhuis 2 uit het oude tabblad"),
        "input kept"
    );
    let fresh = revision(&app, training).await;
    assert!(
        page.contains(&format!(r#"name="revisie" value="{fresh}""#)),
        "saving again is possible"
    );
    let labels: Vec<String> = sqlx::query_scalar(
        "SELECT p.label FROM schedule_periods p JOIN schedule_versions v ON v.id = p.version_id
         WHERE v.training_id = $1",
    )
    .bind(training)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(labels, ["Ziekenhuis 1"]);
}

#[tokio::test]
async fn submitting_with_errors_is_refused_with_the_errors_listed() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    aios_ready(&app, "noor").await;
    let training = create_igt(&app).await;
    add_period(
        &app,
        training,
        "Ziekenhuis 1",
        "Radboudumc",
        "01-01-2027",
        "01-01-2028",
        "100",
    )
    .await;
    add_period(
        &app,
        training,
        "Ziekenhuis 2",
        "Isala",
        "01-03-2028",
        "01-03-2029",
        "100",
    )
    .await;
    // Before the artsdiploma of 01-07-2021, and a gap again.
    add_period(
        &app,
        training,
        "Stage",
        "Radboudumc",
        "01-01-2021",
        "01-06-2021",
        "100",
    )
    .await;
    let page = text(
        app.get(&format!("/aios/opleidingen/{training}/indienen"))
            .await,
    )
    .await;
    assert!(page.contains("Het schema bevat nog fouten"));
    let response = submit(&app, training, true).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(response).await;
    assert!(page.contains("Voeg een onderbreking toe"), "gap listed");
    assert!(
        page.contains("vóór de datum van uw artsdiploma"),
        "diploma listed"
    );
    assert_eq!(status(&app, training).await, "concept");
    let to_opleider = app
        .sent_emails()
        .await
        .into_iter()
        .filter(|m| m.to_address == "demo.opleider@mijnrgs.example")
        .count();
    assert_eq!(to_opleider, 0);
}

#[tokio::test]
async fn submitting_notifies_the_opleider_once_even_when_submitted_twice() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    aios_ready(&app, "noor").await;
    let training = igt_with_two_hospitals(&app).await;
    let page = text(
        app.get(&format!("/aios/opleidingen/{training}/indienen"))
            .await,
    )
    .await;
    assert!(
        !page.contains("waarschuwingen_gelezen"),
        "no warnings, no acknowledgement"
    );
    let form_revision = revision(&app, training).await;

    let first = app
        .post_form(
            &format!("/aios/opleidingen/{training}/indienen"),
            &[("revisie", form_revision.as_str())],
        )
        .await;
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    let second = app
        .post_form(
            &format!("/aios/opleidingen/{training}/indienen"),
            &[("revisie", form_revision.as_str())],
        )
        .await;
    assert_eq!(second.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, training).await, "ingediend");

    let mails: Vec<_> = app
        .sent_emails()
        .await
        .into_iter()
        .filter(|m| m.to_address == "demo.opleider@mijnrgs.example")
        .collect();
    assert_eq!(mails.len(), 1, "one notification");
    assert!(mails[0].subject.contains("ter beoordeling"));
    assert!(mails[0].body.contains("Noor Bakker"));

    let page = text(app.get(&format!("/aios/opleidingen/{training}")).await).await;
    assert!(page.contains("Wat gebeurt er nu?"));
    assert!(page.contains("de factuur voor de inschrijving betaalt u met iDEAL"));
    assert!(
        !page.contains("Periode toevoegen"),
        "a submitted schedule is not editable"
    );

    // Editing a submitted version is refused, and nothing changes.
    let response = add_period(
        &app,
        training,
        "NTC",
        "Radboudumc",
        "01-03-2029",
        "01-06-2029",
        "100",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let periods: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM schedule_periods p JOIN schedule_versions v ON v.id = p.version_id
         WHERE v.training_id = $1",
    )
    .bind(training)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(periods, 2);
}

#[tokio::test]
async fn warnings_must_be_acknowledged_before_submitting() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    aios_ready(&app, "noor").await;
    let training = create_igt(&app).await;
    // Started before today: a late registration, which warns.
    add_period(
        &app,
        training,
        "Ziekenhuis 1",
        "Radboudumc",
        "01-09-2026",
        "01-09-2027",
        "100",
    )
    .await;
    let response = submit(&app, training, false).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text(response)
            .await
            .contains("Bevestig dat u de waarschuwingen heeft gelezen")
    );
    assert_eq!(status(&app, training).await, "concept");
    let response = submit(&app, training, true).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, training).await, "ingediend");
}

#[tokio::test]
async fn a_change_request_copies_the_current_schedule_and_can_be_withdrawn() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = registered_igt(&app).await;

    let response = app
        .post_form(&format!("/aios/opleidingen/{training}/wijzigen"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let overview = text(app.get("/aios/opleidingen").await).await;
    assert!(
        overview
            .contains("Uw wijziging staat nog op concept en wordt pas verwerkt als u deze indient")
    );
    // Nothing was submitted yet: told, not congratulated.
    assert!(
        overview.contains("Let op:</strong> U werkt nu in een concept van uw schema."),
        "{overview}"
    );
    // Starting a second change while one is open does nothing.
    app.post_form(&format!("/aios/opleidingen/{training}/wijzigen"), &[])
        .await;
    let versions: Vec<(i32, String)> = sqlx::query_as(
        "SELECT number, status FROM schedule_versions WHERE training_id = $1 ORDER BY number",
    )
    .bind(training)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        versions,
        [(1, "goedgekeurd".to_owned()), (2, "concept".to_owned())]
    );

    add_period(
        &app,
        training,
        "NTC",
        "Nederlandse Tropencursus (KIT)",
        "01-03-2029",
        "01-06-2029",
        "100",
    )
    .await;
    let history = text(
        app.get(&format!("/aios/opleidingen/{training}/versies"))
            .await,
    )
    .await;
    assert!(history.contains("Periode toegevoegd: NTC"), "{history}");

    let revision = revision(&app, training).await;
    let response = app
        .post_form(
            &format!("/aios/opleidingen/{training}/intrekken"),
            &[("bevestigd", "ja"), ("revisie", revision.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let statuses: Vec<String> = sqlx::query_scalar(
        "SELECT status FROM schedule_versions WHERE training_id = $1 ORDER BY number",
    )
    .bind(training)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(statuses, ["goedgekeurd", "ingetrokken"]);
    assert_eq!(status(&app, training).await, "ingeschreven");
    let page = text(app.get(&format!("/aios/opleidingen/{training}")).await).await;
    assert!(
        page.contains("Schema wijzigen"),
        "a new change can be started"
    );
}

#[tokio::test]
async fn a_change_request_goes_to_the_opleider_and_keeps_the_registration() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = registered_igt(&app).await;
    propose_ntc(&app, training).await;
    let response = submit(&app, training, true).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, training).await, "ingeschreven");
    let subjects: Vec<String> = app
        .sent_emails()
        .await
        .into_iter()
        .map(|m| m.subject)
        .collect();
    assert!(subjects.contains(&"Wijzigingsverzoek opleidingsschema ter beoordeling".to_owned()));
    let audited: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'schedule.change_requested'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn another_aios_training_answers_404_on_every_route() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    aios_ready(&app, "noor").await;
    let training = create_igt(&app).await;
    add_period(
        &app,
        training,
        "Ziekenhuis 1",
        "Radboudumc",
        "01-01-2027",
        "01-01-2028",
        "100",
    )
    .await;
    let period: Uuid = sqlx::query_scalar(
        "SELECT p.id FROM schedule_periods p JOIN schedule_versions v ON v.id = p.version_id
         WHERE v.training_id = $1 AND p.label = 'Ziekenhuis 1'",
    )
    .bind(training)
    .fetch_one(&app.state.db)
    .await
    .unwrap();

    let other = app.new_client();
    log_in_demo(&app, &other, "demo.aios").await;
    for path in [
        format!("/aios/opleidingen/{training}"),
        format!("/aios/opleidingen/{training}/versies"),
        format!("/aios/opleidingen/{training}/indienen"),
        format!("/aios/opleidingen/{training}/periodes/nieuw"),
        format!("/aios/opleidingen/{training}/periodes/{period}"),
        format!("/aios/opleidingen/{training}/onderbrekingen/nieuw"),
    ] {
        let response = other.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "GET {path}");
    }
    for path in [
        format!("/aios/opleidingen/{training}/indienen"),
        format!("/aios/opleidingen/{training}/wijzigen"),
        format!("/aios/opleidingen/{training}/intrekken"),
        format!("/aios/opleidingen/{training}/periodes/nieuw"),
        format!("/aios/opleidingen/{training}/periodes/{period}"),
        format!("/aios/opleidingen/{training}/periodes/{period}/verwijderen"),
    ] {
        let response = app.post_form_with(&other, &path, &[("revisie", "2")]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "POST {path}");
    }
    let periods: i64 = sqlx::query_scalar("SELECT count(*) FROM schedule_periods WHERE id = $1")
        .bind(period)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(periods, 1, "still there");

    // Other roles do not reach the aios area at all.
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let response = opleider
        .get(app.url("/aios/opleidingen"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_demo_aios_sees_every_training_with_its_status_and_next_action() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let client = app.new_client();
    log_in_demo(&app, &client, "demo.aios").await;
    let page = app.page_with(&client, "/aios/opleidingen").await;
    for label in [
        "Concept",
        "Ingediend",
        "Afgekeurd",
        "Goedgekeurd",
        "Ingeschreven",
        "Ingeschreven onder voorwaarde van betaling",
        "Voltooid",
    ] {
        assert!(page.contains(&format!(">{label}</span>")), "{label}");
    }
    assert!(page.contains("Zolang de aanvraag op concept staat, gebeurt er niets"));
    assert!(page.contains("Uw wijziging staat nog op concept"));
}

#[tokio::test]
async fn interruptions_entered_by_the_rgs_are_shown_but_not_editable() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let client = app.new_client();
    log_in_demo(&app, &client, "demo.aios").await;
    let (training, interruption): (Uuid, Uuid) = sqlx::query_as(
        "SELECT v.training_id, i.id FROM schedule_interruptions i
         JOIN schedule_versions v ON v.id = i.version_id
         WHERE i.entered_by_rgs AND v.status = 'concept'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let page = app
        .page_with(&client, &format!("/aios/opleidingen/{training}"))
        .await;
    assert!(page.contains("Ingevoerd door de RGS"));
    assert!(page.contains("Alleen de RGS kan dit wijzigen."));

    // An extension (intensief begeleidingstraject) entered by the RGS is shown and counted.
    sqlx::query(
        "INSERT INTO schedule_extensions (id, version_id, part, months, reason)
         SELECT gen_random_uuid(), id, 0, 6, 'Intensief begeleidingstraject' FROM schedule_versions
         WHERE training_id = $1 AND status = 'concept'",
    )
    .bind(training)
    .execute(&app.state.db)
    .await
    .unwrap();
    let page = app
        .page_with(&client, &format!("/aios/opleidingen/{training}"))
        .await;
    assert!(
        page.contains("6 maanden verlenging van Opleiding tot kinderarts"),
        "{page}"
    );
    assert!(page.contains("verlengingen voert alleen de RGS in"));
    assert!(
        page.contains(r#"<td class="number">66</td>"#),
        "60 + 6 months required"
    );
    let revision = revision(&app, training).await;
    for path in [
        format!("/aios/opleidingen/{training}/onderbrekingen/{interruption}"),
        format!("/aios/opleidingen/{training}/onderbrekingen/{interruption}/verwijderen"),
    ] {
        let response = app
            .post_form_with(&client, &path, &[("revisie", revision.as_str())])
            .await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn a_version_that_is_no_longer_a_concept_cannot_be_changed_in_the_database() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let result = sqlx::query(
        "UPDATE schedule_periods SET part_time_pct = 50 WHERE version_id IN
            (SELECT id FROM schedule_versions WHERE status = 'goedgekeurd')",
    )
    .execute(&app.state.db)
    .await;
    let error = result.expect_err("approved versions are immutable");
    assert!(error.to_string().contains("cannot be changed"), "{error}");
}

/// The opleider's rejection is a later issue; these tests set it directly, as the
/// ondersteuner acting for the opleider.
pub(crate) async fn reject_in_database(app: &TestApp, training: Uuid, registration: bool) {
    let ondersteuner = user_id(app, "demo.ondersteuner").await;
    let opleider = user_id(app, "demo.opleider").await;
    sqlx::query(
        "UPDATE schedule_versions SET status = 'afgekeurd', decided_at = now(), decided_by = $2,
                decided_on_behalf_of = $3, decision_reason = 'Begin met het NTC-blok.'
         WHERE training_id = $1 AND status = 'ingediend'",
    )
    .bind(training)
    .bind(ondersteuner)
    .bind(opleider)
    .execute(&app.state.db)
    .await
    .unwrap();
    if registration {
        sqlx::query("UPDATE trainings SET status = 'afgekeurd' WHERE id = $1")
            .bind(training)
            .execute(&app.state.db)
            .await
            .unwrap();
    }
}

pub(crate) async fn version_statuses(app: &TestApp, training: Uuid) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT status FROM schedule_versions WHERE training_id = $1 ORDER BY number",
    )
    .bind(training)
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_rejected_registration_is_corrected_and_submitted_again() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    aios_ready(&app, "noor").await;
    let training = igt_with_two_hospitals(&app).await;
    submit(&app, training, true).await;
    reject_in_database(&app, training, true).await;

    let page = text(app.get(&format!("/aios/opleidingen/{training}")).await).await;
    assert!(page.contains("Uw opleider heeft het schema afgekeurd"));
    assert!(page.contains("Reden: Begin met het NTC-blok."));
    assert!(page.contains("Schema aanpassen"));
    let response = app
        .post_form(&format!("/aios/opleidingen/{training}/wijzigen"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        version_statuses(&app, training).await,
        ["afgekeurd", "concept"]
    );

    // The concept holds what was rejected; the aios corrects it and submits again.
    add_period(
        &app,
        training,
        "NTC",
        "Nederlandse Tropencursus (KIT)",
        "01-03-2029",
        "01-06-2029",
        "100",
    )
    .await;
    let history = text(
        app.get(&format!("/aios/opleidingen/{training}/versies"))
            .await,
    )
    .await;
    assert!(
        history.contains("door Sanne Bakker namens Dr. Pieter Jansen"),
        "{history}"
    );
    assert!(history.contains("Periode toegevoegd: NTC"));
    let response = submit(&app, training, true).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, training).await, "ingediend");
    assert_eq!(
        version_statuses(&app, training).await,
        ["afgekeurd", "ingediend"]
    );
}

#[tokio::test]
async fn a_rejected_change_request_is_corrected_from_what_was_proposed() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = registered_igt(&app).await;
    propose_ntc(&app, training).await;
    submit(&app, training, true).await;
    reject_in_database(&app, training, false).await;
    assert_eq!(status(&app, training).await, "ingeschreven");

    app.post_form(&format!("/aios/opleidingen/{training}/wijzigen"), &[])
        .await;
    assert_eq!(
        version_statuses(&app, training).await,
        ["goedgekeurd", "afgekeurd", "concept"]
    );
    let labels: Vec<String> = sqlx::query_scalar(
        "SELECT p.label FROM schedule_periods p JOIN schedule_versions v ON v.id = p.version_id
         WHERE v.training_id = $1 AND v.status = 'concept' ORDER BY p.start_date",
    )
    .bind(training)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        labels,
        ["Ziekenhuis 1", "Ziekenhuis 2", "NTC"],
        "the proposal is kept"
    );
}

#[tokio::test]
async fn periods_and_interruptions_are_changed_and_removed() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    aios_ready(&app, "noor").await;
    let training = igt_with_two_hospitals(&app).await;
    let (period, place): (Uuid, Uuid) = sqlx::query_as(
        "SELECT p.id, p.institution_id FROM schedule_periods p
         JOIN schedule_versions v ON v.id = p.version_id
         WHERE v.training_id = $1 AND p.label = 'Ziekenhuis 2'",
    )
    .bind(training)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let form = text(
        app.get(&format!("/aios/opleidingen/{training}/periodes/{period}"))
            .await,
    )
    .await;
    assert!(
        form.contains(r#"value="01-03-2028""#),
        "the stored start is shown"
    );
    let rev = revision(&app, training).await;
    let response = app
        .post_form(
            &format!("/aios/opleidingen/{training}/periodes/{period}"),
            &[
                ("omschrijving", "Ziekenhuis 2"),
                ("instelling", &place.to_string()),
                ("opleider", ""),
                ("begindatum", "01-03-2028"),
                ("einddatum", "01-03-2029"),
                ("deeltijd", "80"),
                ("revisie", rev.as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = text(app.get(&format!("/aios/opleidingen/{training}")).await).await;
    assert!(page.contains("80 %"));
    assert!(page.contains("(21,6 van 33 maanden ingevoerd)"), "{page}");

    // A long illness after ziekenhuis 2 (20 working days): 10 working days a training year
    // count, the rest is made up.
    let response = add_interruption(
        &app,
        training,
        "ziekte",
        "Radboudumc",
        "01-03-2029",
        "29-03-2029",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = text(app.get(&format!("/aios/opleidingen/{training}")).await).await;
    assert!(
        page.contains("Werkdagen in te halen door onderbrekingen</dt><dd>10 werkdagen"),
        "{page}"
    );

    let interruption: Uuid = sqlx::query_scalar(
        "SELECT i.id FROM schedule_interruptions i
         JOIN schedule_versions v ON v.id = i.version_id
         WHERE i.kind = 'ziekte' AND v.training_id = $1",
    )
    .bind(training)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let rev = revision(&app, training).await;
    // Each removal is restated first, and removes nothing until it is confirmed.
    let remove = format!("/aios/opleidingen/{training}/onderbrekingen/{interruption}/verwijderen");
    let check = app.post_form(&remove, &[("revisie", rev.as_str())]).await;
    assert_eq!(check.status(), StatusCode::OK);
    let page = check.text().await.unwrap();
    assert!(page.contains("<h1>Controleer uw besluit</h1>"), "{page}");
    assert!(page.contains("U verwijdert de onderbreking"), "{page}");
    assert!(page.contains(&format!(
        r#"<input type="hidden" name="revisie" value="{rev}">"#
    )));
    assert_eq!(revision(&app, training).await, rev, "nothing removed yet");
    let response = app
        .post_form(&remove, &[("bevestigd", "ja"), ("revisie", rev.as_str())])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let rev = revision(&app, training).await;
    let remove = format!("/aios/opleidingen/{training}/periodes/{period}/verwijderen");
    let check = app.post_form(&remove, &[("revisie", rev.as_str())]).await;
    assert_eq!(check.status(), StatusCode::OK);
    assert!(
        check
            .text()
            .await
            .unwrap()
            .contains("U verwijdert de periode")
    );
    let response = app
        .post_form(&remove, &[("bevestigd", "ja"), ("revisie", rev.as_str())])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let remaining: Vec<String> = sqlx::query_scalar(
        "SELECT label FROM schedule_periods p JOIN schedule_versions v ON v.id = p.version_id
         WHERE v.training_id = $1",
    )
    .bind(training)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(remaining, ["Ziekenhuis 1"]);
    let kinds: i64 =
        sqlx::query_scalar("SELECT count(*) FROM schedule_interruptions WHERE id = $1")
            .bind(interruption)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(kinds, 0);

    // A removal from an older page removes nothing.
    let response = app
        .post_form(
            &format!("/aios/opleidingen/{training}/onderbrekingen/{interruption}/verwijderen"),
            &[("bevestigd", "ja"), ("revisie", "1")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = text(app.get(&format!("/aios/opleidingen/{training}")).await).await;
    assert!(page.contains("Er is niets verwijderd"));
}

#[tokio::test]
async fn a_submit_from_an_older_page_is_a_conflict_and_the_first_concept_cannot_be_withdrawn() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    aios_ready(&app, "noor").await;
    let training = igt_with_two_hospitals(&app).await;
    let response = app
        .post_form(
            &format!("/aios/opleidingen/{training}/indienen"),
            &[("revisie", "1")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(
        text(response)
            .await
            .contains("Het schema is gewijzigd nadat u deze pagina opende")
    );
    assert_eq!(status(&app, training).await, "concept");

    let revision = revision(&app, training).await;
    let response = app
        .post_form(
            &format!("/aios/opleidingen/{training}/intrekken"),
            &[("bevestigd", "ja"), ("revisie", revision.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(version_statuses(&app, training).await, ["concept"]);
}

#[tokio::test]
async fn a_submit_waits_for_an_edit_in_progress_and_never_submits_an_unchecked_schedule() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    aios_ready(&app, "noor").await;
    let training = igt_with_two_hospitals(&app).await;
    let based_on = revision(&app, training).await;

    // An edit in progress, as `schedule::edit` makes it: the concept is locked and an
    // overlapping period (an error) is being added.
    let mut edit = app.state.db.begin().await.unwrap();
    let version: Uuid = sqlx::query_scalar(
        "SELECT id FROM schedule_versions WHERE training_id = $1 AND status = 'concept' FOR UPDATE",
    )
    .bind(training)
    .fetch_one(&mut *edit)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO schedule_periods (id, version_id, origin_id, part, label, institution_id,
                                       start_date, end_date, part_time_pct)
         SELECT gen_random_uuid(), $1, gen_random_uuid(), 0, 'Overlap', institution_id,
                '2027-06-01', '2027-09-01', 100
         FROM schedule_periods WHERE version_id = $1 LIMIT 1",
    )
    .bind(version)
    .execute(&mut *edit)
    .await
    .unwrap();
    sqlx::query("UPDATE schedule_versions SET revision = revision + 1 WHERE id = $1")
        .bind(version)
        .execute(&mut *edit)
        .await
        .unwrap();

    // The submit, based on the page from before the edit, arrives meanwhile.
    let client = app.client.clone();
    let url = app.url(&format!("/aios/opleidingen/{training}/indienen"));
    let submit = tokio::spawn(async move {
        client
            .post(url)
            .form(&[("revisie", based_on.as_str())])
            .send()
            .await
            .unwrap()
            .status()
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    edit.commit().await.unwrap();

    assert_eq!(
        submit.await.unwrap(),
        StatusCode::CONFLICT,
        "the edit came first"
    );
    assert_eq!(status(&app, training).await, "concept");
}

#[tokio::test]
async fn creating_changing_and_withdrawing_are_audited() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = registered_igt(&app).await;
    app.post_form(&format!("/aios/opleidingen/{training}/wijzigen"), &[])
        .await;
    let revision = revision(&app, training).await;
    app.post_form(
        &format!("/aios/opleidingen/{training}/intrekken"),
        &[("bevestigd", "ja"), ("revisie", revision.as_str())],
    )
    .await;
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE object_id = $1 AND action NOT LIKE 'schedule.period%'
           AND action NOT LIKE 'schedule.interruption%' ORDER BY id",
    )
    .bind(training.to_string())
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        actions,
        [
            "training.created",
            "training.submitted",
            "schedule.change_started",
            "schedule.change_withdrawn"
        ]
    );
}

#[tokio::test]
async fn a_decided_version_cannot_go_back_to_concept_in_the_database() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let error =
        sqlx::query("UPDATE schedule_versions SET status = 'concept' WHERE status = 'goedgekeurd'")
            .execute(&app.state.db)
            .await
            .expect_err("statuses only move forward");
    assert!(error.to_string().contains("cannot go from"), "{error}");
}

#[tokio::test]
async fn another_aios_interruption_routes_answer_404() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    aios_ready(&app, "noor").await;
    let training = igt_with_two_hospitals(&app).await;
    let interruption: Uuid =
        sqlx::query_scalar("SELECT id FROM schedule_interruptions WHERE kind = 'anios'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    let other = app.new_client();
    log_in_demo(&app, &other, "demo.aios").await;
    let response = other
        .get(app.url(&format!(
            "/aios/opleidingen/{training}/onderbrekingen/{interruption}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    for path in [
        format!("/aios/opleidingen/{training}/onderbrekingen/nieuw"),
        format!("/aios/opleidingen/{training}/onderbrekingen/{interruption}"),
        format!("/aios/opleidingen/{training}/onderbrekingen/{interruption}/verwijderen"),
    ] {
        let response = app.post_form_with(&other, &path, &[("revisie", "4")]).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "POST {path}");
    }
    // The demo aios's own concept with this training's item id: also not found.
    let own: Uuid = sqlx::query_scalar(
        "SELECT t.id FROM trainings t JOIN users u ON u.id = t.trainee_id
         WHERE u.username = 'demo.aios' AND t.status = 'concept'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let response = other
        .get(app.url(&format!(
            "/aios/opleidingen/{own}/onderbrekingen/{interruption}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}
