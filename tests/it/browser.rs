//! The public pages in a real headless Chromium, checked with axe-core against WCAG 2.1 A/AA.

use crate::helpers::database::database;
use thirtyfour::prelude::*;

use crate::helpers::TestApp;
use crate::helpers::browser::Browser;

#[tokio::test]
async fn the_public_pages_have_no_wcag_21_aa_violations_in_a_real_browser() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let browser = Browser::start().await;
    let mut report = Vec::new();
    for path in ["/", "/contact", "/toegankelijkheid", "/bestaat-niet"] {
        browser.driver.goto(app.url(path)).await.unwrap();
        let violations = browser.axe_violations().await;
        if !violations.is_empty() {
            report.push(format!("{path}:\n  {}", violations.join("\n  ")));
        }
    }
    browser.close().await;
    assert!(
        report.is_empty(),
        "axe-core found violations:\n{}",
        report.join("\n")
    );
}

#[tokio::test]
async fn the_stylesheet_loads_and_the_skip_link_moves_focus_to_the_content() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let browser = Browser::start().await;
    let driver = &browser.driver;
    driver.goto(app.url("/")).await.unwrap();

    // Our CSS applied: the header has the portal's blue, so the stylesheet passed the CSP.
    let header_colour = driver
        .execute(
            "return getComputedStyle(document.querySelector('.site-header')).backgroundColor;",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(header_colour.json().as_str(), Some("rgb(21, 66, 115)"));

    // The first Tab reaches the skip link; following it puts focus on the main content.
    driver
        .action_chain()
        .send_keys(Key::Tab)
        .perform()
        .await
        .unwrap();
    let focused = driver.active_element().await.unwrap();
    assert_eq!(focused.text().await.unwrap(), "Direct naar de inhoud");
    focused.send_keys(Key::Enter).await.unwrap();
    let focused = driver.active_element().await.unwrap();
    assert_eq!(focused.attr("id").await.unwrap().as_deref(), Some("inhoud"));
    browser.close().await;
}

#[tokio::test]
async fn the_accessibility_check_does_report_a_page_that_breaks_the_rules() {
    let (_database, pool) = database().await;
    // Proves the harness can fail: an input without a label and an image without alt text.
    let routes = mijnrgs::router::router().route(
        "/test/ontoegankelijk",
        axum::routing::get(|| async {
            axum::response::Html(
                r#"<!DOCTYPE html><html lang="nl"><head><title>Fout</title></head><body>
                   <main><h1>Fout</h1><img src="/static/img/favicon.svg">
                   <form><input type="text" name="naam"></form></main></body></html>"#,
            )
        }),
    );
    let app = TestApp::spawn_with(pool, routes, &[]).await;
    let browser = Browser::start().await;
    browser
        .driver
        .goto(app.url("/test/ontoegankelijk"))
        .await
        .unwrap();
    let violations = browser.axe_violations().await;
    browser.close().await;
    assert!(
        violations.iter().any(|v| v.starts_with("image-alt")),
        "{violations:?}"
    );
    assert!(
        violations.iter().any(|v| v.starts_with("label")),
        "{violations:?}"
    );
}

use crate::helpers::accounts::{PASSWORD, register};
use mijnrgs::platform::clock::Clock;

#[tokio::test]
async fn a_user_logs_in_with_password_and_code_in_a_real_browser_on_accessible_pages() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let browser = Browser::start().await;
    browser.open_and_check(&app.url("/account/aanmaken")).await;
    // A refused form with its error summary is accessible too.
    browser.submit("Account aanmaken").await;
    let html = browser.html().await;
    assert!(html.contains("Er is een probleem"), "{html}");
    browser.assert_accessible().await;

    register(&app, "anna", "aios").await;

    browser.open_and_check(&app.url("/inloggen")).await;
    browser.fill("gebruikersnaam", "anna").await;
    browser.fill("wachtwoord", PASSWORD).await;
    browser.submit("Inloggen").await;
    let secret = browser.enrol_authenticator(&app).await;
    assert!(browser.html().await.contains("Ingelogd als Anna de Vries"));
    browser.assert_accessible().await;

    browser.submit("Uitloggen").await;
    assert_eq!(browser.path().await, "/uitgelogd");
    browser.assert_accessible().await;

    // The second login asks for the code.
    app.clock.advance(chrono::Duration::seconds(30));
    browser.driver.goto(app.url("/inloggen")).await.unwrap();
    browser.fill("gebruikersnaam", "anna").await;
    browser.fill("wachtwoord", PASSWORD).await;
    browser.submit("Inloggen").await;
    assert_eq!(browser.path().await, "/inloggen/code");
    browser.assert_accessible().await;
    browser.fill("code", "000000").await;
    browser.submit("Controleren").await;
    assert!(browser.html().await.contains("Deze code klopt niet"));
    browser.assert_accessible().await;
    let code = mijnrgs::platform::auth::totp::code_at(&secret, app.clock.now());
    browser.fill("code", &code).await;
    browser.submit("Controleren").await;
    assert_eq!(browser.path().await, "/start");

    browser
        .open_and_check(&app.url("/inloggen/herstelcode"))
        .await;
    browser.close().await;
}

#[tokio::test]
async fn the_idle_warning_lets_the_user_stay_logged_in_and_otherwise_logs_out() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn_with(
        pool,
        mijnrgs::router::router(),
        &[("SESSION_IDLE_SECONDS", "20")],
    )
    .await;
    let user = crate::helpers::accounts::register_and_log_in(&app, "anna", "aios").await;
    app.clock.advance(chrono::Duration::seconds(30));

    let browser = Browser::start().await;
    browser.driver.goto(app.url("/inloggen")).await.unwrap();
    browser.fill("gebruikersnaam", "anna").await;
    browser.fill("wachtwoord", PASSWORD).await;
    browser.submit("Inloggen").await;
    let code = mijnrgs::platform::auth::totp::code_at(&user.secret, app.clock.now());
    browser.fill("code", &code).await;
    browser.submit("Controleren").await;
    assert_eq!(browser.path().await, "/start");

    let dialog_open = || async {
        browser
            .driver
            .execute(
                "return document.getElementById('sessie-waarschuwing').open;",
                Vec::new(),
            )
            .await
            .unwrap()
            .json()
            .as_bool()
    };
    assert_eq!(dialog_open().await, Some(false));
    tokio::time::sleep(std::time::Duration::from_secs(11)).await;
    assert_eq!(
        dialog_open().await,
        Some(true),
        "the warning shows before the logout"
    );
    browser.assert_accessible().await;

    browser.click_button("Blijf ingelogd").await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(dialog_open().await, Some(false));
    // 10 s after extending (21 s after login, past the original 20 s) the session lives.
    tokio::time::sleep(std::time::Duration::from_secs(10)).await;
    let alive = browser
        .driver
        .execute(
            "return fetch('/account', {redirect: 'manual'}).then(r => r.status);",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(alive.json().as_i64(), Some(200));

    // Doing nothing after that: logged out 20 s after the extension (polled, with margin for
    // a slow machine).
    tokio::time::sleep(std::time::Duration::from_secs(9)).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while browser.path().await != "/uitgelogd?reden=inactief" {
        assert!(
            std::time::Instant::now() < deadline,
            "no logout after the idle time"
        );
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    assert!(browser.html().await.contains("automatisch uitgelogd"));
    browser.close().await;
}

/// Logs a demo account in through the browser.
async fn browser_log_in_demo(browser: &Browser, app: &TestApp, username: &str) {
    app.clock.advance(chrono::Duration::seconds(30));
    browser.driver.goto(app.url("/inloggen")).await.unwrap();
    browser.fill("gebruikersnaam", username).await;
    browser
        .fill("wachtwoord", mijnrgs::seed::DEMO_PASSWORD)
        .await;
    browser.submit("Inloggen").await;
    let secret = totp_rs::Secret::try_from_base32(mijnrgs::seed::DEMO_TOTP_SECRET).unwrap();
    let code = mijnrgs::platform::auth::totp::code_at(secret.as_bytes(), app.clock.now());
    browser.fill("code", &code).await;
    browser.submit("Controleren").await;
    assert_eq!(browser.path().await, "/start", "{username} logged in");
    assert!(browser.html().await.contains("<h1>Wat wacht op u</h1>"));
    browser.assert_accessible().await;
}

#[tokio::test]
async fn the_account_request_and_back_office_pages_have_no_wcag_violations() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    let browser = Browser::start().await;

    for path in [
        "/account-aanvragen",
        "/account-aanvragen/ondersteuner",
        "/account-aanvragen/contactpersoon",
        "/wachtwoord-vergeten",
        "/uitnodiging/onbekend",
    ] {
        browser.open_and_check(&app.url(path)).await;
    }
    // Refused forms, with their error summaries.
    browser
        .driver
        .goto(app.url("/account-aanvragen/ondersteuner"))
        .await
        .unwrap();
    browser.submit("Aanvraag versturen").await;
    assert!(browser.html().await.contains("Er is een probleem"));
    // The refused form opens with the focus on its error summary.
    let focused = browser
        .driver
        .execute("return document.activeElement.className;", Vec::new())
        .await
        .unwrap();
    assert_eq!(focused.json().as_str(), Some("error-summary"));
    browser.assert_accessible().await;
    browser
        .driver
        .goto(app.url("/account-aanvragen/contactpersoon"))
        .await
        .unwrap();
    browser.submit("Aanvraag versturen").await;
    browser.assert_accessible().await;

    // A real request, so the work list and the opleider page have content.
    browser
        .driver
        .goto(app.url("/account-aanvragen/ondersteuner"))
        .await
        .unwrap();
    browser.fill("naam", "Els de Groot").await;
    browser.fill("email", "els@ziekenhuis.nl").await;
    browser.fill("telefoon", "024-361 11 11").await;
    let opleider = crate::helpers::accounts::user_id(&app, "demo.opleider").await;
    browser.fill("opleider_zoek", "Jansen").await;
    browser.submit("Zoek opleider").await;
    assert!(browser.html().await.contains("Gevonden voor"));
    browser.assert_accessible().await;
    browser
        .driver
        .find(By::Id(format!("opleider-{opleider}")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser
        .fill("motivatie", "Ik plan de opleidingsschema's van de aios.")
        .await;
    browser.submit("Aanvraag versturen").await;
    assert_eq!(
        browser.path().await,
        "/account-aanvragen/verstuurd?aanvraag=ondersteuner"
    );
    assert!(
        browser
            .html()
            .await
            .contains("elke opleider die u noemde krijgt dan bericht")
    );
    browser.assert_accessible().await;
    let link = crate::helpers::accounts::link_in_mail(
        &app,
        "els@ziekenhuis.nl",
        "/account-aanvragen/bevestigen/",
    )
    .await;
    browser.open_and_check(&app.url(&link)).await;
    browser.submit("Bevestig mijn e-mailadres").await;
    assert_eq!(
        browser.path().await,
        "/account-aanvragen/bevestigd?aanvraag=ondersteuner"
    );
    browser.assert_accessible().await;

    browser_log_in_demo(&browser, &app, "demo.opleider").await;
    browser
        .open_and_check(&app.url("/opleider/ondersteuners"))
        .await;
    assert!(browser.html().await.contains("Els de Groot"));
    browser
        .open_and_check(&app.url("/account/wachtwoord"))
        .await;
    browser
        .open_and_check(&app.url("/account/herstelcodes"))
        .await;
    browser.submit("Uitloggen").await;

    browser_log_in_demo(&browser, &app, "demo.rgs").await;
    browser
        .open_and_check(&app.url("/rgs/accountaanvragen"))
        .await;
    browser.follow("Els de Groot").await;
    browser.assert_accessible().await;
    browser
        .open_and_check(&app.url("/rgs/gebruikers?zoek=demo"))
        .await;
    browser.follow("Anna de Vries").await;
    browser.assert_accessible().await;
    // One of her invoices, corrected with a credit invoice (the form refuses an empty reason).
    let number: String = sqlx::query_scalar(
        "SELECT i.number FROM invoices i JOIN users u ON u.id = i.user_id
         WHERE u.username = 'demo.aios' AND i.status = 'open' ORDER BY i.number LIMIT 1",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    browser.follow(&number).await;
    browser.assert_accessible().await;
    browser.submit("Creditfactuur opmaken").await;
    assert!(
        browser
            .html()
            .await
            .contains("Geef de reden van de creditering")
    );
    browser.assert_accessible().await;
    browser.fill("reden", "Dubbel gefactureerd").await;
    browser.submit("Creditfactuur opmaken").await;
    browser
        .confirm_decision(
            &format!("U crediteert factuur {number} van Anna de Vries."),
            "Ja, factuur crediteren",
            "Factuur gecrediteerd",
        )
        .await;
    assert!(
        browser
            .html()
            .await
            .contains("is opgemaakt en naar Anna de Vries gemaild")
    );
    // The audit log shows that credit.
    browser.follow("Auditlog").await;
    browser.fill("actie", "invoice.").await;
    browser.submit("Zoeken").await;
    assert!(browser.html().await.contains("invoice.credited"));
    browser.assert_accessible().await;
    browser.follow("Werkvoorraad").await;
    browser.assert_accessible().await;

    // Anna's kindergeneeskunde training: the RGS enters an extension (refused first without
    // anything filled in). Her concept change request is carried over on top of it.
    let anna = crate::helpers::accounts::user_id(&app, "demo.aios").await;
    browser
        .open_and_check(&app.url(&format!("/rgs/gebruikers/{anna}")))
        .await;
    browser.follow("Kindergeneeskunde").await;
    browser.assert_accessible().await;
    browser.submit("Verlenging vastleggen").await;
    assert!(
        browser
            .html()
            .await
            .contains("Kies het opleidingsonderdeel dat wordt verlengd.")
    );
    browser.assert_accessible().await;
    let part: String = sqlx::query_scalar(
        "SELECT p.name FROM specialty_parts p JOIN specialties s ON s.id = p.specialty_id
         WHERE s.code = 'kindergeneeskunde' AND p.position = 0",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    browser.choose("onderdeel", &part).await;
    browser.fill("maanden", "6").await;
    browser
        .fill(
            "verlengingsreden",
            "Intensief begeleidingstraject na de tussenevaluatie",
        )
        .await;
    browser.submit("Verlenging vastleggen").await;
    let html = browser.html().await;
    assert!(
        html.contains("De wijziging is vastgelegd als versie 3 van het schema"),
        "{html}"
    );
    assert!(html.contains("staat nu als versie 4 klaar"));
    assert!(html.contains("Geldend schema (versie 3)"));
    browser.assert_accessible().await;

    // The reference data: every list, an edit page, a refused form and a specialty.
    browser.follow("Referentiegegevens").await;
    browser.assert_accessible().await;
    for link in [
        "Opleidingsinrichtingen",
        "Opleidingsinstituten",
        "Tarieven",
        "Soorten onderbreking",
    ] {
        browser
            .open_and_check(&app.url("/rgs/referentiegegevens"))
            .await;
        browser.follow(link).await;
        browser.assert_accessible().await;
    }
    browser.submit("Toevoegen").await;
    assert!(browser.html().await.contains("Er is een probleem"));
    browser.assert_accessible().await;
    browser.follow("Ziekte").await;
    browser.assert_accessible().await;
    browser
        .open_and_check(&app.url("/rgs/referentiegegevens/specialismen"))
        .await;
    browser
        .follow("Internationale gezondheidszorg en tropengeneeskunde (IGT)")
        .await;
    browser.assert_accessible().await;
    browser.close().await;
}

#[tokio::test]
async fn the_demo_aios_follows_the_igt_guide_on_accessible_pages() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-22T10:00:00+01:00")
            .unwrap()
            .to_utc(),
    );
    let browser = Browser::start().await;
    browser_log_in_demo(&browser, &app, "demo.aios").await;

    // Step 1 of the guide: the diploma date and university are in the basisgegevens first.
    browser
        .open_and_check(&app.url("/aios/basisgegevens"))
        .await;
    browser.fill("telefoon", "06 87654321").await;
    browser.fill("diplomadatum", "30-02-2019").await;
    browser.submit("Opslaan").await;
    assert!(browser.html().await.contains("Deze datum bestaat niet"));
    browser.assert_accessible().await;
    browser.fill("diplomadatum", "01-07-2019").await;
    browser.submit("Opslaan").await;
    assert!(
        browser
            .html()
            .await
            .contains("Uw basisgegevens zijn opgeslagen.")
    );

    // Mijn opleiding: every demo training with its status; then a new IGT training.
    browser.open_and_check(&app.url("/aios/opleidingen")).await;
    browser.follow("Nieuwe opleiding").await;
    browser.assert_accessible().await;
    browser
        .choose(
            "specialisme",
            "Internationale gezondheidszorg en tropengeneeskunde (IGT) (profiel)",
        )
        .await;
    browser.submit("Verder").await;
    browser.assert_accessible().await;
    browser
        .choose("instituut", "Opleidingsinstituut IGT, Amsterdam")
        .await;
    browser
        .choose("opleider", "Dr. Pieter Jansen (Radboudumc)")
        .await;
    browser
        .driver
        .find(By::Id("facturering-bij_indienen"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    browser.submit("Opleiding aanmaken").await;
    let training_path = browser.path().await;
    assert!(training_path.starts_with("/aios/opleidingen/"));
    assert!(browser.html().await.contains("Opleiding tot AIGT"));
    browser.assert_accessible().await;

    // Ziekenhuis 1 and ziekenhuis 2 with a gap between them.
    for (label, place, from, to) in [
        (
            "Ziekenhuis 1",
            "Radboudumc, Nijmegen",
            "01-01-2027",
            "01-01-2028",
        ),
        ("Ziekenhuis 2", "Isala, Zwolle", "01-03-2028", "01-03-2029"),
    ] {
        browser.follow("Periode toevoegen").await;
        browser.assert_accessible().await;
        browser.fill("omschrijving", label).await;
        browser.choose("instelling", place).await;
        browser.fill("begindatum", from).await;
        browser.fill("einddatum", to).await;
        browser.submit("Opslaan").await;
        assert_eq!(browser.path().await, training_path);
    }
    let html = browser.html().await;
    assert!(html.contains("Voeg een onderbreking toe"), "the gap error");
    browser.assert_accessible().await;

    // The gap becomes an interruption, at an institution already in the schedule.
    browser.follow("Onderbreking toevoegen").await;
    browser.assert_accessible().await;
    browser.choose("soort", "Werkzaam als anios").await;
    browser.fill("begindatum", "01-01-2028").await;
    browser.fill("einddatum", "01-03-2028").await;
    browser.choose("instelling", "Radboudumc").await;
    browser.submit("Opslaan").await;
    let html = browser.html().await;
    assert!(!html.contains("finding--error"), "no errors remain");
    assert!(html.contains("Nog 9 maanden in te plannen (24 van 33 maanden ingevoerd)"));
    assert!(
        html.contains("Tijdlijn als tabel"),
        "the timeline with its text equivalent"
    );
    browser.assert_accessible().await;

    // Submit.
    browser.follow("Aanvraag indienen").await;
    browser.assert_accessible().await;
    browser.submit("Aanvraag indienen").await;
    // Factureren bij indienen: straight on to the invoice, to pay it.
    let html = browser.html().await;
    assert!(html.contains("Uw aanvraag is ingediend."));
    assert!(html.contains("Totaal inclusief btw"));
    browser.assert_accessible().await;

    // Paying with the built-in test provider: confirm, bank, outcome, back to the portal.
    browser.submit("Betalen met iDEAL").await;
    assert!(browser.html().await.contains("Controleer en betaal"));
    browser.assert_accessible().await;
    browser.follow("Verder naar iDEAL").await;
    assert!(
        browser
            .path()
            .await
            .starts_with("/testbetaalomgeving/tr_test")
    );
    browser.assert_accessible().await;
    browser.check("bank-ing").await;
    browser.submit("Verder").await;
    browser.assert_accessible().await;
    browser.check("uitkomst-paid").await;
    browser.submit("Bevestigen").await;
    let html = browser.html().await;
    assert!(html.contains("Betaling ontvangen"));
    assert!(
        html.contains("Ingediend"),
        "paid, the opleider still decides"
    );
    browser.assert_accessible().await;

    // The opleider approves (their own pages have their own browser test): ingeschreven.
    let igt: uuid::Uuid = sqlx::query_scalar(
        "SELECT t.id FROM trainings t JOIN specialties s ON s.id = t.specialty_id
         JOIN users u ON u.id = t.trainee_id WHERE u.username = 'demo.aios' AND s.code = 'igt'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    crate::payments::approve(&app, igt).await;
    browser.follow("Naar uw opleiding").await;
    let html = browser.html().await;
    assert!(html.contains(">Ingeschreven</span>"), "{html}");
    browser.assert_accessible().await;
    browser.follow("Alle versies en wijzigingen").await;
    browser.assert_accessible().await;
    browser.follow("Facturen").await;
    assert!(browser.html().await.contains("Betaald"));
    browser.assert_accessible().await;

    // The demo training with a change request on concept, and its history.
    browser.open_and_check(&app.url("/aios/opleidingen")).await;
    browser.follow("Kindergeneeskunde").await;
    assert!(
        browser
            .html()
            .await
            .contains("Uw wijziging staat nog op concept")
    );
    browser.assert_accessible().await;
    browser.follow("Alle versies en wijzigingen").await;
    assert!(browser.html().await.contains("gewijzigd"));
    browser.assert_accessible().await;
    browser.close().await;
}

#[tokio::test]
async fn the_opleider_pages_have_no_wcag_violations() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    let browser = Browser::start().await;
    browser_log_in_demo(&browser, &app, "demo.opleider").await;
    browser.open_and_check(&app.url("/opleider/aios")).await;
    let trainings: Vec<uuid::Uuid> = sqlx::query_scalar(
        "SELECT t.id FROM trainings t JOIN specialties s ON s.id = t.specialty_id
         WHERE s.code IN ('huisartsgeneeskunde', 'kindergeneeskunde') ORDER BY s.code",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    for training in trainings {
        browser
            .open_and_check(&app.url(&format!("/opleider/aios/{training}")))
            .await;
    }
    // A refused rejection, with its error summary.
    browser.open_and_check(&app.url("/opleider/aios")).await;
    browser.follow("Anna de Vries").await;
    browser.submit("Afkeuren").await;
    assert!(browser.html().await.contains("Geef een reden"));
    browser.assert_accessible().await;
    // The ondersteuners page, with the delegation of the demo ondersteuner.
    browser
        .open_and_check(&app.url("/opleider/ondersteuners"))
        .await;
    browser.close().await;
}

#[tokio::test]
async fn the_demo_opleider_approves_lottes_proposed_shortening_on_accessible_pages() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    let browser = Browser::start().await;
    browser_log_in_demo(&browser, &app, "demo.opleider").await;
    browser
        .open_and_check(&app.url("/opleider/aios?wacht=ja"))
        .await;
    let html = browser.html().await;
    assert!(html.contains("Verkorting beoordelen"));
    assert!(html.contains("Eindverklaring afgeven"), "Daan's is due");
    browser.follow("Lotte Visser").await;
    browser.assert_accessible().await;
    let training = browser.path().await;
    browser.follow("Verkorting beoordelen").await;
    browser.assert_accessible().await;
    let html = browser.html().await;
    assert!(html.contains("Vereiste duur na goedkeuring</dt><dd>30 maanden"));
    browser.submit("Verkorting goedkeuren").await;
    browser
        .confirm_decision(
            "U keurt de voorgestelde verkorting van Lotte Visser goed.",
            "Ja, verkorting goedkeuren",
            "Verkorting goedgekeurd",
        )
        .await;
    assert!(
        browser
            .html()
            .await
            .contains("U heeft de verkorting van Lotte Visser goedgekeurd")
    );
    browser.follow("Terug naar Lotte Visser").await;
    assert_eq!(browser.path().await, training);
    let html = browser.html().await;
    assert!(html.contains("Goedgekeurd door Dr. Pieter Jansen"));
    browser.assert_accessible().await;
    // The form to record another one, refused with its error summary.
    browser.follow("Verkorting vastleggen").await;
    browser.assert_accessible().await;
    browser.submit("Verkorting vastleggen").await;
    assert!(
        browser
            .html()
            .await
            .contains("Kies de grond van de verkorting")
    );
    browser.assert_accessible().await;
    browser.close().await;
}

#[tokio::test]
async fn the_demo_opleider_approves_the_pending_change_request_and_the_aios_sees_it() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    let training: uuid::Uuid = sqlx::query_scalar(
        "SELECT training_id FROM schedule_versions WHERE status = 'ingediend' AND number = 2",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let browser = Browser::start().await;
    browser_log_in_demo(&browser, &app, "demo.opleider").await;
    browser.open_and_check(&app.url("/opleider/aios")).await;
    assert!(browser.html().await.contains("Schema beoordelen"));
    browser
        .open_and_check(&app.url(&format!("/opleider/aios/{training}")))
        .await;
    let html = browser.html().await;
    assert!(html.contains("Wijzigingsverzoek ter beoordeling: versie 2"));
    assert!(html.contains("Gewijzigd"), "the changed period is marked");
    assert!(html.contains("Toegevoegd"), "the new period is marked");
    browser.submit("Goedkeuren").await;
    browser
        .confirm_decision(
            "U keurt het wijzigingsverzoek van Anna de Vries goed.",
            "Ja, goedkeuren",
            "Wijzigingsverzoek goedgekeurd",
        )
        .await;

    browser.submit("Uitloggen").await;
    browser_log_in_demo(&browser, &app, "demo.aios").await;
    browser
        .open_and_check(&app.url(&format!("/aios/opleidingen/{training}")))
        .await;
    let html = browser.html().await;
    assert!(
        html.contains("Versie 2: Goedgekeurd"),
        "the new current schedule"
    );
    assert!(html.contains("Psychiatrie (deeltijd)"));
    browser.close().await;
}

#[tokio::test]
async fn the_demo_contactpersoon_filters_the_register_report_on_accessible_pages() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    let browser = Browser::start().await;
    browser_log_in_demo(&browser, &app, "demo.contactpersoon").await;
    browser.open_and_check(&app.url("/contactpersoon")).await;
    let html = browser.html().await;
    assert!(html.contains("Registeroverzicht Radboudumc"));
    assert!(
        html.contains("Anna de Vries"),
        "the running kindergeneeskunde training"
    );

    // A range that ends before her period: nobody; then a bad date is explained.
    browser.check("soort-periode").await;
    browser.fill("van", "01-01-2020").await;
    browser.fill("tot", "31-12-2020").await;
    browser.submit("Overzicht tonen").await;
    let html = browser.html().await;
    assert!(html.contains("Periode 01-01-2020 tot en met 31-12-2020"));
    assert!(html.contains("Er zijn geen aios met een periode in Radboudumc voor dit filter."));
    browser.assert_accessible().await;
    browser.fill("tot", "31-02-2021").await;
    browser.submit("Overzicht tonen").await;
    assert!(browser.html().await.contains("Deze datum bestaat niet"));
    browser.assert_accessible().await;

    // Filtered on a status, with the downloads for exactly that filter.
    browser.fill("tot", "31-12-2029").await;
    browser.choose("status", "Ingeschreven").await;
    browser.submit("Overzicht tonen").await;
    let html = browser.html().await;
    assert!(html.contains("Anna de Vries"), "{html}");
    assert!(html.contains("rapport.xlsx?soort=periode"));
    browser.assert_accessible().await;
    browser.close().await;
}

#[tokio::test]
async fn the_demo_specialist_sees_the_herregistratie_proposal_before_applying_on_accessible_pages()
{
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    let entry: uuid::Uuid = sqlx::query_scalar(
        "SELECT e.id FROM register_entries e JOIN users u ON u.id = e.user_id
         WHERE u.username = 'demo.specialist'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let browser = Browser::start().await;
    browser_log_in_demo(&browser, &app, "demo.specialist").await;
    browser.open_and_check(&app.url("/registratie")).await;
    let html = browser.html().await;
    assert!(
        html.contains("Specialistenregister: Interne geneeskunde"),
        "{html}"
    );
    assert!(html.contains("Nog "), "the countdown");
    assert!(html.contains("Bewijs van inschrijving downloaden"));

    browser
        .open_and_check(&app.url(&format!(
            "/registratie/inschrijvingen/{entry}/herregistratie"
        )))
        .await;
    browser.submit("Voorstel berekenen").await;
    let html = browser.html().await;
    assert!(html.contains("Er is een probleem"));
    assert!(html.contains("Vul het aantal uren in"));
    browser.assert_accessible().await;

    for field in ["uren1", "uren2", "uren3", "uren4", "uren5"] {
        browser.fill(field, "624").await;
    }
    browser.fill("deskundigheidsbevordering", "150").await;
    browser.check("eif").await;
    browser.submit("Voorstel berekenen").await;
    let html = browser.html().await;
    assert!(
        html.contains("Voorstel: herregistratie voor 30 maanden (2 jaar en 6 maanden)"),
        "{html}"
    );
    assert!(html.contains("de externe kwaliteitsevaluatie (EKE) niet gedaan"));
    assert!(html.contains("150 uur deskundigheidsbevordering"));
    browser.assert_accessible().await;
    let applications: i64 = sqlx::query_scalar("SELECT count(*) FROM register_applications")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        applications, 0,
        "nothing is submitted by showing the proposal"
    );

    browser.press("indienen").await;
    assert!(browser.path().await.starts_with("/facturen/"));
    let html = browser.html().await;
    assert!(html.contains("Uw aanvraag voor herregistratie is ingediend."));
    assert!(html.contains("Herregistratie in het specialistenregister: Interne geneeskunde"));
    browser.assert_accessible().await;
    let application: uuid::Uuid = sqlx::query_scalar("SELECT id FROM register_applications")
        .fetch_one(&app.state.db)
        .await
        .unwrap();

    // The RGS-medewerker finds it in the werkvoorraad.
    browser.driver.delete_all_cookies().await.unwrap();
    browser_log_in_demo(&browser, &app, "demo.rgs").await;
    browser.open_and_check(&app.url("/rgs/werkvoorraad")).await;
    assert!(browser.html().await.contains("Dr. Karim El Amrani"));
    browser
        .open_and_check(&app.url(&format!("/rgs/herregistraties/{application}")))
        .await;
    assert!(
        browser
            .html()
            .await
            .contains("Voorstel van MijnRGS: 30 maanden")
    );
    browser.close().await;
}

#[tokio::test]
async fn a_visitor_searches_the_public_register_on_accessible_pages() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    let browser = Browser::start().await;
    browser.open_and_check(&app.url("/")).await;
    browser.follow("Zoek in het register").await;
    assert_eq!(browser.path().await, "/register");
    browser.assert_accessible().await;
    browser.fill("zoek", "el").await;
    browser.submit("Zoeken").await;
    assert!(
        browser
            .html()
            .await
            .contains("Vul minstens 3 letters van de naam in")
    );
    browser.assert_accessible().await;
    browser.fill("zoek", "Amrani").await;
    browser.submit("Zoeken").await;
    let html = browser.html().await;
    assert!(html.contains("Dr. Karim El Amrani"));
    assert!(html.contains("Interne geneeskunde"));
    assert!(!html.contains("Maliebaan"));
    browser.assert_accessible().await;
    browser.close().await;
}
