//! The schedule check as the aios meets it in the editor: every part checked on its own, no
//! empty submissions, refused items never reported as saved, and the forms proposing the part
//! that still misses months. Through the real HTTP server and database.

use crate::helpers::database::database;
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::aios::{
    add_period, add_period_in, aios_ready, approve_in_database, create_igt, create_training,
    set_today, submit,
};
use crate::helpers::TestApp;
use crate::helpers::accounts::seed_demo;

async fn text(response: reqwest::Response) -> String {
    response.text().await.unwrap()
}

/// The page at `path`, fetched with the default client.
async fn fetch(app: &TestApp, path: &str) -> String {
    text(app.get(path).await).await
}

/// Creates a huisartsgeneeskunde training (three parts of 12 months) with the demo opleider;
/// returns its id.
pub(crate) async fn create_huisarts(app: &TestApp) -> Uuid {
    create_training(app, "huisartsgeneeskunde").await
}

/// A portal with the demo data, today fixed, and Noor logged in as a new aios with complete
/// basisgegevens on the default client.
async fn noor_ready(pool: PgPool) -> (TestApp, crate::helpers::accounts::TestUser) {
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    let noor = aios_ready(&app, "noor").await;
    (app, noor)
}

/// Adds a full-time period in `part` (counted from 0) through the form.
pub(crate) async fn add_period_in_part(
    app: &TestApp,
    training: Uuid,
    part: usize,
    label: &str,
    place: &str,
    from: &str,
    to: &str,
) -> reqwest::Response {
    add_period_in(app, training, part, label, place, (from, to), "100").await
}

async fn periods(app: &TestApp, training: Uuid) -> i64 {
    sqlx::query_scalar(
        "SELECT count(*) FROM schedule_periods p JOIN schedule_versions v ON v.id = p.version_id
         WHERE v.training_id = $1",
    )
    .bind(training)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_huisarts_schedule_with_every_month_in_the_first_part_is_not_complete_and_says_which_parts_miss_months()
 {
    let (_database, pool) = database().await;
    let (app, _) = noor_ready(pool).await;
    let training = create_huisarts(&app).await;
    for (label, from, to) in [
        ("Eerste jaar", "01-12-2026", "01-12-2027"),
        ("Tweede jaar", "01-12-2027", "01-12-2028"),
        ("Derde jaar", "01-12-2028", "01-12-2029"),
    ] {
        let response = add_period_in_part(
            &app,
            training,
            0,
            label,
            "Huisartsenpraktijk De Linde",
            from,
            to,
        )
        .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let page = fetch(&app, &format!("/aios/opleidingen/{training}")).await;
    assert!(
        page.contains("<h2 id=\"totalen\""),
        "the schedule page: {page}"
    );
    assert!(
        page.contains("Het schema is nog niet compleet."),
        "36 months in one part is not complete: {page}"
    );
    assert!(!page.contains("Het schema is compleet"), "{page}");
    assert!(page.contains(
        "Tweede opleidingsjaar: klinische stages: nog 12 maanden in te plannen (0 van 12 \
         maanden ingevoerd)."
    ));
    assert!(page.contains(
        "Derde opleidingsjaar: huisartspraktijk: nog 12 maanden in te plannen (0 van 12 \
         maanden ingevoerd)."
    ));
    assert!(
        page.contains(
            "Eerste opleidingsjaar: huisartspraktijk: er is 24 maanden meer ingepland dan de \
             vereiste 12 maanden. Hoort een periode bij een ander opleidingsonderdeel?"
        ),
        "{page}"
    );
    // The totals table agrees: the total row holds 36 of 36 with 24 still to plan, and each
    // part says what it misses.
    assert!(page.contains(
        "<tr class=\"totals__total\"><th scope=\"row\">Totaal</th><td class=\"number\">0</td>\
         <td class=\"number\">36</td><td class=\"number\">36</td><td class=\"number\">24</td></tr>"
    ));
    // The expected end waits for the two empty parts.
    assert!(
        page.contains("<dt>Verwachte einddatum opleiding</dt><dd>01-12-2031</dd>"),
        "{page}"
    );
    assert!(page.contains(
        "Wat nog niet is ingepland, is gerekend tegen 100\u{a0}% deeltijd, zoals de laatste periode."
    ));

    let submit_page = fetch(&app, &format!("/aios/opleidingen/{training}/indienen")).await;
    assert!(
        submit_page.contains("<h1>Aanvraag indienen</h1>"),
        "{submit_page}"
    );
    assert!(
        !submit_page.contains("Ingepland</dt><dd>36 van 36"),
        "{submit_page}"
    );
    assert!(submit_page.contains("Het schema is nog niet compleet."));
    assert!(submit_page.contains("Tweede opleidingsjaar: klinische stages: nog 12 maanden"));
}

#[tokio::test]
async fn a_huisarts_schedule_built_part_by_part_is_complete_and_each_new_period_proposes_the_next_part()
 {
    let (_database, pool) = database().await;
    let (app, _) = noor_ready(pool).await;
    let training = create_huisarts(&app).await;
    let form = fetch(
        &app,
        &format!("/aios/opleidingen/{training}/periodes/nieuw"),
    )
    .await;
    assert!(form.contains("<h1>Periode toevoegen</h1>"), "{form}");
    assert!(
        form.contains(r#"<option value="0" selected>Eerste opleidingsjaar"#),
        "{form}"
    );
    assert!(
        form.contains(r#"name="omschrijving" type="text" value="""#),
        "no hospital name is proposed for the practice year: {form}"
    );

    let steps = [
        (
            0,
            "Eerste jaar",
            "Huisartsenpraktijk De Linde",
            "01-12-2026",
            "01-12-2027",
        ),
        (1, "Ziekenhuis", "Radboudumc", "01-12-2027", "01-06-2028"),
        (1, "GGZ", "GGZ inGeest", "01-06-2028", "01-12-2028"),
        (
            2,
            "Derde jaar",
            "Huisartsenpraktijk Het Anker",
            "01-12-2028",
            "01-12-2029",
        ),
    ];
    for (part, label, place, from, to) in steps {
        let form = fetch(
            &app,
            &format!("/aios/opleidingen/{training}/periodes/nieuw"),
        )
        .await;
        assert!(
            form.contains(&format!(r#"<option value="{part}" selected>"#)),
            "the form proposes part {part} before {label}: {form}"
        );
        let response = add_period_in_part(&app, training, part, label, place, from, to).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let page = fetch(&app, &format!("/aios/opleidingen/{training}")).await;
    assert!(
        page.contains("Het schema is compleet en bevat geen fouten of waarschuwingen."),
        "{page}"
    );
    assert!(page.contains("<dt>Verwachte einddatum opleiding</dt><dd>01-12-2029</dd>"));
}

#[tokio::test]
async fn an_empty_schedule_is_kept_as_a_concept_but_cannot_be_submitted_and_the_submit_page_says_why()
 {
    let (_database, pool) = database().await;
    let (app, _) = noor_ready(pool).await;
    let training = create_igt(&app).await;

    let page = fetch(&app, &format!("/aios/opleidingen/{training}/indienen")).await;
    assert!(page.contains("<h1>Aanvraag indienen</h1>"), "{page}");
    assert!(page.contains("Het schema bevat nog fouten"));
    assert!(page.contains(
        "Het schema heeft nog geen periode. De inschrijving begint met de eerste periode"
    ));
    assert!(
        !page.contains("<button type=\"submit\">Aanvraag indienen</button>"),
        "no submit button: {page}"
    );

    let response = submit(&app, training, true).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let status: String = sqlx::query_scalar("SELECT status FROM trainings WHERE id = $1")
        .bind(training)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(status, "concept");
    let invoices: i64 = sqlx::query_scalar("SELECT count(*) FROM invoices WHERE training_id = $1")
        .bind(training)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(invoices, 0, "nothing is invoiced");
}

#[tokio::test]
async fn a_period_whose_end_is_not_after_its_start_or_at_forty_percent_is_refused_and_never_reported_as_saved()
 {
    let (_database, pool) = database().await;
    let (app, _) = noor_ready(pool).await;
    let training = create_igt(&app).await;
    // The message that the training was created is shown once.
    let page = fetch(&app, &format!("/aios/opleidingen/{training}")).await;
    assert!(page.contains("Gelukt"), "{page}");
    let response = add_period(
        &app,
        training,
        "Ziekenhuis 1",
        "Radboudumc",
        "01-01-2027",
        "01-01-2026",
        "100",
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = text(response).await;
    assert!(
        page.contains("De einddatum moet na de begindatum liggen."),
        "{page}"
    );
    assert!(!page.contains("Gelukt"));
    let response = add_period(
        &app,
        training,
        "Ziekenhuis 1",
        "Radboudumc",
        "01-01-2027",
        "01-01-2027",
        "100",
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = add_period(
        &app,
        training,
        "Ziekenhuis 1",
        "Radboudumc",
        "01-01-2027",
        "01-01-2028",
        "40",
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        text(response)
            .await
            .contains("Kies een deeltijdpercentage van 50 tot en met 100")
    );
    assert_eq!(periods(&app, training).await, 0, "nothing was saved");

    let page = fetch(&app, &format!("/aios/opleidingen/{training}")).await;
    assert!(page.contains("<h2 id=\"totalen\""), "{page}");
    assert!(!page.contains("Gelukt"), "{page}");
    assert!(page.contains("<dt>Einde laatste periode</dt><dd>nog geen periodes</dd>"));
}

#[tokio::test]
async fn a_save_that_leaves_an_error_in_the_schedule_says_so_instead_of_gelukt() {
    let (_database, pool) = database().await;
    let (app, _) = noor_ready(pool).await;
    let training = create_igt(&app).await;
    let response = add_period(
        &app,
        training,
        "Ziekenhuis 1",
        "Radboudumc",
        "01-01-2027",
        "01-01-2028",
        "100",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = fetch(&app, &format!("/aios/opleidingen/{training}")).await;
    assert!(
        page.contains("Gelukt:</strong> De periode is opgeslagen."),
        "a period without errors is a success: {page}"
    );

    // The second period overlaps the first by a month.
    let response = add_period(
        &app,
        training,
        "Ziekenhuis 2",
        "Isala",
        "01-12-2027",
        "01-12-2028",
        "100",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = fetch(&app, &format!("/aios/opleidingen/{training}")).await;
    assert!(page.contains("<h2 id=\"totalen\""), "{page}");
    assert!(!page.contains("Gelukt"), "{page}");
    assert!(
        page.contains(
            "Let op:</strong> De periode is opgeslagen. Het schema bevat nu een fout, die u \
             eerst moet herstellen voordat u het kunt indienen: Periode Ziekenhuis 2 begint op \
             01-12-2027, vóór het einde van periode Ziekenhuis 1"
        ),
        "{page}"
    );
    // The month both periods hold counts once.
    assert!(page.contains("Nog 10 maanden in te plannen (23 van 33 maanden ingevoerd)."));
}

#[tokio::test]
async fn a_late_registration_keeps_its_warning_after_the_opleider_approved() {
    let (_database, pool) = database().await;
    let (app, _) = noor_ready(pool).await;
    let training = create_igt(&app).await;
    // Today is 22-11-2026: the training started in September.
    let response = add_period(
        &app,
        training,
        "Ziekenhuis 1",
        "Radboudumc",
        "01-09-2026",
        "01-09-2027",
        "100",
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let warning = "De opleiding begint op 01-09-2026, vóór de datum van indienen (22-11-2026).";
    let page = fetch(&app, &format!("/aios/opleidingen/{training}")).await;
    assert!(page.contains(warning), "{page}");
    let response = submit(&app, training, true).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    approve_in_database(&app, training).await;
    let page = fetch(&app, &format!("/aios/opleidingen/{training}")).await;
    assert!(page.contains("<h2 id=\"totalen\""), "{page}");
    assert!(
        page.contains(warning),
        "the RGS judges the late registration, so the warning stays: {page}"
    );
    assert!(
        !page.contains("normaal zolang u het opbouwt"),
        "no building-up help on an approved schedule: {page}"
    );
}

#[tokio::test]
async fn a_huisarts_schedule_built_part_by_part_in_a_real_browser_says_what_each_part_misses_and_passes_axe()
 {
    let (_database, pool) = database().await;
    let (app, noor) = noor_ready(pool).await;
    let browser = crate::helpers::browser::Browser::start().await;
    browser
        .log_in(
            &app,
            "noor",
            crate::helpers::accounts::PASSWORD,
            &noor.secret,
        )
        .await;
    browser.open_and_check(&app.url("/aios/opleidingen")).await;
    browser.follow("Nieuwe opleiding").await;
    browser
        .choose("specialisme", "Huisartsgeneeskunde (specialisme)")
        .await;
    browser.submit("Verder").await;
    browser.assert_accessible().await;
    browser
        .choose("instituut", "Huisartsopleiding Amsterdam UMC, Amsterdam")
        .await;
    browser
        .choose(
            "opleider",
            "Dr. Pieter Jansen (Huisartsenpraktijk De Linde)",
        )
        .await;
    browser.check("facturering-bij_indienen").await;
    browser.submit("Opleiding aanmaken").await;
    let training_path = browser.path().await;
    assert!(
        training_path.starts_with("/aios/opleidingen/"),
        "{training_path}"
    );
    let html = browser.html().await;
    assert!(
        html.contains("Het schema heeft nog geen periode."),
        "{html}"
    );
    browser.assert_accessible().await;

    let steps = [
        (
            "Eerste opleidingsjaar: huisartspraktijk",
            "Eerste jaar",
            "Huisartsenpraktijk De Linde, Utrecht",
            "01-12-2026",
            "01-12-2027",
            "Tweede opleidingsjaar: klinische stages: nog 12 maanden in te plannen",
        ),
        (
            "Tweede opleidingsjaar: klinische stages",
            "Ziekenhuis",
            "Radboudumc, Nijmegen",
            "01-12-2027",
            "01-06-2028",
            "Tweede opleidingsjaar: klinische stages: nog 6 maanden in te plannen",
        ),
        (
            "Tweede opleidingsjaar: klinische stages",
            "GGZ",
            "GGZ inGeest, Amsterdam",
            "01-06-2028",
            "01-12-2028",
            "Derde opleidingsjaar: huisartspraktijk: nog 12 maanden in te plannen",
        ),
        (
            "Derde opleidingsjaar: huisartspraktijk",
            "Derde jaar",
            "Huisartsenpraktijk Het Anker, Rotterdam",
            "01-12-2028",
            "01-12-2029",
            "Het schema is compleet en bevat geen fouten of waarschuwingen.",
        ),
    ];
    for (part, label, place, from, to, then) in steps {
        browser.follow("Periode toevoegen").await;
        browser.assert_accessible().await;
        browser.choose("onderdeel", part).await;
        browser.fill("omschrijving", label).await;
        browser.choose("instelling", place).await;
        browser.fill("begindatum", from).await;
        browser.fill("einddatum", to).await;
        browser.submit("Opslaan").await;
        assert_eq!(browser.path().await, training_path);
        let html = browser.html().await;
        assert!(html.contains(then), "after {label}: {then}\n{html}");
        browser.assert_accessible().await;
    }
    browser.follow("Aanvraag indienen").await;
    let html = browser.html().await;
    assert!(html.contains("Het schema is compleet en bevat geen fouten of waarschuwingen."));
    browser.assert_accessible().await;
    browser.close().await;
}

/// The cells of the opleider's overview row of `name`.
fn overview_row(html: &str, name: &str) -> String {
    let document = scraper::Html::parse_document(html);
    let rows = scraper::Selector::parse("tbody tr").unwrap();
    document
        .select(&rows)
        .find(|row| row.text().any(|t| t == name))
        .map(|row| row.text().collect::<String>())
        .unwrap_or_else(|| panic!("{name} in the overview:\n{html}"))
}

#[tokio::test]
async fn the_overview_says_an_eindverklaring_is_due_by_the_expected_end_not_by_the_last_period() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    // Noor's approved IGT schedule plans 24 of 33 months: its last period ends on 01-03-2029,
    // the training on 01-12-2029.
    let training = crate::supervision::submitted_training(&app).await;
    let opleider = app.new_client();
    crate::helpers::accounts::log_in_demo(&app, &opleider, "demo.opleider").await;
    let version = crate::supervision::submitted_version(&app, training).await;
    let response = app
        .post_form_with(
            &opleider,
            &format!("/opleider/aios/{training}/goedkeuren"),
            &[("bevestigd", "ja"), ("versie", version.as_str())],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let stored: Option<chrono::NaiveDate> =
        sqlx::query_scalar("SELECT expected_end FROM training_summaries WHERE training_id = $1")
            .bind(training)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(stored, chrono::NaiveDate::from_ymd_opt(2029, 12, 1));

    // Six weeks before the last period ends: the eindverklaring is not due for months.
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2029-01-15T10:00:00+01:00")
            .unwrap()
            .to_utc(),
    );
    let opleider = app.new_client();
    crate::helpers::accounts::log_in_demo(&app, &opleider, "demo.opleider").await;
    let overview = app.page_with(&opleider, "/opleider/aios").await;
    assert!(
        overview_row(&overview, "Daan de Boer").contains("Eindverklaring afgeven"),
        "Daan's training has ended: {overview}"
    );
    let noor = overview_row(&overview, "Noor Bakker");
    assert!(!noor.contains("Eindverklaring afgeven"), "{noor}");
    assert!(noor.contains("Niets"), "{noor}");
    let page = app
        .page_with(&opleider, &format!("/opleider/aios/{training}"))
        .await;
    assert!(
        page.contains("U kunt de eindverklaring afgeven vanaf 01-09-2029"),
        "the same date on the aios's page: {page}"
    );
}

#[tokio::test]
async fn an_interruption_that_is_not_training_time_is_listed_with_its_length_and_one_within_the_allowance_changes_nothing()
 {
    let (_database, pool) = database().await;
    let (app, _) = noor_ready(pool).await;
    let training = create_igt(&app).await;
    // Ziekenhuis 1 with six weeks of pregnancy leave in it (Monday 01-03-2027 tot Monday
    // 12-04-2027) and a week of sickness (Monday 06-09-2027 tot Monday 13-09-2027).
    for (label, from, to) in [
        ("Ziekenhuis 1", "01-01-2027", "01-03-2027"),
        ("Ziekenhuis 1", "12-04-2027", "06-09-2027"),
        ("Ziekenhuis 1", "13-09-2027", "12-02-2028"),
    ] {
        let response = add_period(&app, training, label, "Radboudumc", from, to, "100").await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    for (kind, from, to) in [
        ("zwangerschapsverlof", "01-03-2027", "12-04-2027"),
        ("ziekte", "06-09-2027", "13-09-2027"),
    ] {
        let response =
            crate::aios::add_interruption(&app, training, kind, "Radboudumc", from, to).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
    }
    let page = fetch(&app, &format!("/aios/opleidingen/{training}")).await;
    assert!(page.contains("<h2 id=\"totalen\""), "{page}");
    assert!(
        page.contains(
            "Zwangerschaps- en bevallingsverlof van 01-03-2027 tot 12-04-2027: 6 weken (30 \
             werkdagen). Deze tijd telt niet als opleiding"
        ),
        "{page}"
    );
    // The week of sickness counts as training time, on a row of its own.
    assert!(
        page.contains("<dt>Werkdagen in te halen door onderbrekingen</dt><dd>geen</dd>"),
        "{page}"
    );
    assert!(page.contains("Onderbrekingen die als opleidingstijd tellen"));
    // 12 months of training in all: the leave moved the last period on by its six weeks.
    assert!(
        page.contains("Nog 21 maanden in te plannen (12 van 33 maanden ingevoerd)."),
        "{page}"
    );
}
