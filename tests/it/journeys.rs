//! The whole journey in a real headless Chromium: four stories that cross roles, each driven
//! through the portal's own pages only, with axe-core (WCAG 2.1 A/AA) on every page visited.
//! The test only moves the injected clock, runs the jobs that are due, reads the mail and
//! computes authenticator codes; it reads the database to assert, never to change state.

use crate::helpers::database::database;
use rules::code::Coded;
use rules::payment::PaymentStatus;
use std::panic::AssertUnwindSafe;

use chrono::{DateTime, Duration, Utc};
use futures_util::FutureExt;
use mijnrgs::platform::clock::Clock;
use thirtyfour::prelude::*;

use crate::aios::set_today;
use crate::helpers::TestApp;
use crate::helpers::accounts::{PASSWORD, link_in_mail, seed_demo};
use crate::helpers::browser::Browser;
use crate::summaries::assert_summaries_current;

const IGT: &str = "Internationale gezondheidszorg en tropengeneeskunde (IGT)";

/// Quits the browser, then fails the test with the story's panic if it had one: a failing
/// step must not leave a headless Chromium running on the machine.
async fn close_then_resume(browser: Browser, outcome: std::thread::Result<()>) {
    browser.close().await;
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Runs the scheduled jobs due at the clock's now and sends the mail they queued.
async fn run_due_jobs(app: &TestApp) {
    mijnrgs::dispatcher::run_due(&app.state, app.clock.now())
        .await
        .expect("run the due jobs");
    app.deliver_mail().await;
}

/// The mails to `address` whose subject starts with `subject`.
async fn mails(
    app: &TestApp,
    address: &str,
    subject: &str,
) -> Vec<mijnrgs::platform::mail::OutgoingEmail> {
    app.sent_emails()
        .await
        .into_iter()
        .filter(|m| m.to_address == address && m.subject.starts_with(subject))
        .collect()
}

/// The value after `term` in a summary list (`<dt>term</dt><dd>value</dd>`).
fn summary_value(html: &str, term: &str) -> String {
    let marker = format!("<dt>{term}</dt><dd>");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("{term} on the page:\n{html}"))
        + marker.len();
    let end = start + html[start..].find("</dd>").expect("end of the value");
    html[start..end].to_owned()
}

/// From an invoice page: pays with the built-in test provider (bank ING, then `outcome`),
/// checking every page on the way; ends on the portal's result page.
async fn pay_with_test_provider(browser: &Browser, outcome: &str) {
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
    browser.check(&format!("uitkomst-{outcome}")).await;
    browser.submit("Bevestigen").await;
    browser.assert_accessible().await;
}

#[tokio::test]
async fn a_new_aios_registers_for_igt_pays_through_the_next_day_reminder_and_is_ingeschreven_after_approval()
 {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    let browser = Browser::start().await;
    let outcome = AssertUnwindSafe(new_aios_story(&app, &browser))
        .catch_unwind()
        .await;
    close_then_resume(browser, outcome).await;
    // What the portal wrote through the UI left every training's summary as defined.
    assert_summaries_current(&app.state.db, "the new aios's story").await;
}

/// Story 1: from a new account to *ingeschreven*.
async fn new_aios_story(app: &TestApp, browser: &Browser) {
    // A new account, from the public home page.
    browser.open_and_check(&app.url("/")).await;
    browser.follow("Maak een account aan").await;
    assert_eq!(browser.path().await, "/account/aanmaken");
    browser.assert_accessible().await;
    browser.check("rol-aios").await;
    browser.fill("naam", "Noor Bakker").await;
    browser.fill("gebruikersnaam", "noor").await;
    browser.fill("email", "noor@example.nl").await;
    browser.fill("wachtwoord", PASSWORD).await;
    browser.fill("wachtwoord_herhaling", PASSWORD).await;
    browser.submit("Account aanmaken").await;
    assert!(browser.html().await.contains("Controleer uw e-mail"));
    browser.assert_accessible().await;

    // The confirmation link from the mail.
    let link = link_in_mail(app, "noor@example.nl", "/account/bevestigen/").await;
    browser.open_and_check(&app.url(&link)).await;
    browser.submit("Bevestig mijn e-mailadres").await;
    assert_eq!(browser.path().await, "/inloggen");
    browser.assert_accessible().await;

    // The first login enrols the authenticator and shows the recovery codes.
    browser.fill("gebruikersnaam", "noor").await;
    browser.fill("wachtwoord", PASSWORD).await;
    browser.submit("Inloggen").await;
    let secret = browser.enrol_authenticator(app).await;
    browser.assert_accessible().await;

    // Basisgegevens.
    browser.follow("Basisgegevens").await;
    browser.assert_accessible().await;
    browser.fill("naam", "Noor Bakker").await;
    browser.fill("geboortedatum", "14-03-1995").await;
    browser.fill("big_nummer", "19087654301").await;
    browser.fill("diplomadatum", "01-07-2021").await;
    browser
        .choose("universiteit", "Radboudumc (Radboud Universiteit Nijmegen)")
        .await;
    browser.fill("telefoon", "06 12345678").await;
    browser.fill("adres", "Kerkstraat 1").await;
    browser.fill("postcode", "6525 GA").await;
    browser.fill("woonplaats", "Nijmegen").await;
    browser.submit("Opslaan").await;
    assert!(
        browser
            .html()
            .await
            .contains("Uw basisgegevens zijn opgeslagen.")
    );
    browser.assert_accessible().await;

    // A new IGT training, factureren bij indienen.
    browser.follow("Mijn opleiding").await;
    browser.assert_accessible().await;
    browser.follow("Nieuwe opleiding").await;
    browser.assert_accessible().await;
    browser
        .choose("specialisme", &format!("{IGT} (profiel)"))
        .await;
    browser.submit("Verder").await;
    browser.assert_accessible().await;
    browser
        .choose("instituut", "Opleidingsinstituut IGT, Amsterdam")
        .await;
    browser
        .choose("opleider", "Dr. Pieter Jansen (Radboudumc)")
        .await;
    browser.check("facturering-bij_indienen").await;
    browser.submit("Opleiding aanmaken").await;
    let training_path = browser.path().await;
    assert!(training_path.starts_with("/aios/opleidingen/"));
    browser.assert_accessible().await;
    let training: uuid::Uuid = training_path
        .trim_start_matches("/aios/opleidingen/")
        .parse()
        .expect("the training's id");

    // The four IGT periods, 33 months without a gap: a valid, complete schedule.
    for (label, place, from, to) in [
        (
            "Ziekenhuis 1",
            "Radboudumc, Nijmegen",
            "01-01-2027",
            "01-01-2028",
        ),
        ("Ziekenhuis 2", "Isala, Zwolle", "01-01-2028", "01-01-2029"),
        (
            "NTC",
            "Nederlandse Tropencursus (KIT), Amsterdam",
            "01-01-2029",
            "01-04-2029",
        ),
        (
            "Buitenland",
            "Opleidingsziekenhuis in het buitenland, Buitenland",
            "01-04-2029",
            "01-10-2029",
        ),
    ] {
        browser.follow("Periode toevoegen").await;
        browser.assert_accessible().await;
        browser.fill("omschrijving", label).await;
        browser.choose("instelling", place).await;
        browser.fill("begindatum", from).await;
        browser.fill("einddatum", to).await;
        browser.fill("deeltijd", "100").await;
        browser.submit("Opslaan").await;
        assert_eq!(browser.path().await, training_path, "{label} saved");
        browser.assert_accessible().await;
    }
    let html = browser.html().await;
    assert!(
        html.contains("Het schema is compleet en bevat geen fouten of waarschuwingen."),
        "{html}"
    );
    assert_eq!(
        summary_value(&html, "Verwachte einddatum opleiding"),
        "01-10-2029"
    );

    // Submitting leads straight to the invoice.
    browser.follow("Aanvraag indienen").await;
    browser.assert_accessible().await;
    browser.submit("Aanvraag indienen").await;
    let invoice_path = browser.path().await;
    assert!(invoice_path.starts_with("/facturen/"), "{invoice_path}");
    let html = browser.html().await;
    assert!(html.contains("Uw aanvraag is ingediend."));
    assert!(html.contains("Totaal inclusief btw"));
    browser.assert_accessible().await;

    // The aios starts paying, picks a bank and then abandons the payment: the tab is left
    // and they come back to the portal later that day.
    browser.submit("Betalen met iDEAL").await;
    browser.assert_accessible().await;
    browser.follow("Verder naar iDEAL").await;
    browser.assert_accessible().await;
    browser.check("bank-ing").await;
    browser.submit("Verder").await;
    assert!(browser.html().await.contains("Kies de uitkomst"));
    browser.assert_accessible().await;
    browser.open_and_check(&app.url("/aios/opleidingen")).await;
    browser.follow(IGT).await;
    let html = browser.html().await;
    assert!(
        html.contains("staat klaar onder Facturen en wacht op betaling"),
        "{html}"
    );
    browser.assert_accessible().await;
    browser.log_out().await;

    // Nothing the same day; the next day a reminder with a new payment link and the PDF.
    app.clock.advance(Duration::hours(20));
    run_due_jobs(app).await;
    assert!(
        mails(app, "noor@example.nl", "Herinnering: factuur")
            .await
            .is_empty(),
        "no reminder on the day itself"
    );
    app.clock.advance(Duration::hours(5));
    run_due_jobs(app).await;
    let reminders = mails(app, "noor@example.nl", "Herinnering: factuur").await;
    assert_eq!(reminders.len(), 1, "one reminder the next day");
    assert!(reminders[0].attachments[0].content.starts_with(b"%PDF"));
    let link = link_in_mail(app, "noor@example.nl", "/facturen/").await;
    assert_eq!(link, invoice_path, "the reminder links to the invoice");

    // The link asks to log in first, then leads straight on to the invoice, which is paid.
    browser.driver.goto(app.url(&link)).await.unwrap();
    assert!(browser.path().await.starts_with("/inloggen?terug="));
    browser.log_in(app, "noor", PASSWORD, &secret).await;
    assert_eq!(browser.path().await, link);
    pay_with_test_provider(browser, "paid").await;
    let html = browser.html().await;
    assert!(html.contains("Betaling ontvangen"), "{html}");
    assert!(
        html.contains("Ingediend"),
        "paid; the opleider still decides"
    );
    browser.log_out().await;

    // The opleider approves.
    browser.log_in_demo(app, "demo.opleider").await;
    browser.follow("Mijn aios").await;
    browser.assert_accessible().await;
    browser.follow("Noor Bakker").await;
    let html = browser.html().await;
    assert!(html.contains("Eerste schema ter beoordeling: versie 1"));
    browser.assert_accessible().await;
    browser.submit("Goedkeuren").await;
    browser
        .confirm_decision(
            "U keurt het eerste opleidingsschema van Noor Bakker goed.",
            "Ja, goedkeuren",
            "Opleidingsschema goedgekeurd",
        )
        .await;
    browser.log_out().await;

    // The aios sees ingeschreven.
    browser.log_in(app, "noor", PASSWORD, &secret).await;
    browser.follow("Mijn opleiding").await;
    assert!(browser.html().await.contains(">Ingeschreven</span>"));
    browser.assert_accessible().await;
    browser.follow(IGT).await;
    let html = browser.html().await;
    assert!(html.contains(">Ingeschreven</span>"), "{html}");
    browser.assert_accessible().await;
    browser.follow("Facturen").await;
    assert!(browser.html().await.contains("Betaald"));
    browser.assert_accessible().await;

    let payments: Vec<String> = sqlx::query_scalar(
        "SELECT p.status FROM payments p JOIN invoices i ON i.id = p.invoice_id
         WHERE i.training_id = $1 ORDER BY p.created_at",
    )
    .bind(training)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        payments,
        [PaymentStatus::Expired.code(), PaymentStatus::Paid.code()],
        "the abandoned one expired"
    );
    let status: String = sqlx::query_scalar("SELECT status FROM trainings WHERE id = $1")
        .bind(training)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(status, "ingeschreven");
    let approval = mails(app, "noor@example.nl", "Uw opleidingsschema is goedgekeurd").await;
    assert_eq!(approval.len(), 1);
    assert!(
        approval[0]
            .body
            .contains("U staat nu ingeschreven in het opleidingsregister.")
    );
}

#[tokio::test]
async fn a_part_time_change_request_approved_by_the_ondersteuner_namens_the_opleider_moves_the_expected_end_for_both()
 {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    let browser = Browser::start().await;
    let outcome = AssertUnwindSafe(change_request_story(&app, &browser))
        .catch_unwind()
        .await;
    close_then_resume(browser, outcome).await;
    // What the portal wrote through the UI left every training's summary as defined.
    assert_summaries_current(&app.state.db, "the change request story").await;
}

/// Story 2: a part-time change request, decided namens the opleider.
async fn change_request_story(app: &TestApp, browser: &Browser) {
    // Lotte's IGT training: 24 of 33 months planned, so the rest runs on at 100 %.
    browser.log_in_demo(app, "demo.aios.lotte").await;
    browser.follow("Mijn opleiding").await;
    browser.assert_accessible().await;
    browser.follow(IGT).await;
    let training_path = browser.path().await;
    let html = browser.html().await;
    assert_eq!(
        summary_value(&html, "Verwachte einddatum opleiding"),
        "01-10-2028"
    );
    browser.assert_accessible().await;

    // The change: 80 % from 01-07-2027, by ending Ziekenhuis 2 there and adding a part-time
    // period after it.
    browser.submit("Schema wijzigen").await;
    assert!(
        browser
            .html()
            .await
            .contains("Uw wijziging staat nog op concept")
    );
    browser.assert_accessible().await;
    browser
        .press_by(By::XPath(
            "//tr[td[starts-with(normalize-space(), 'Ziekenhuis 2')]]\
             //a[starts-with(normalize-space(), 'Wijzigen')]"
                .to_owned(),
        ))
        .await;
    assert!(browser.html().await.contains("Periode wijzigen"));
    browser.assert_accessible().await;
    browser.fill("einddatum", "01-07-2027").await;
    browser.submit("Opslaan").await;
    assert_eq!(browser.path().await, training_path);
    browser.assert_accessible().await;
    browser.follow("Periode toevoegen").await;
    browser.assert_accessible().await;
    browser
        .fill("omschrijving", "Ziekenhuis 2 (deeltijd)")
        .await;
    browser.choose("instelling", "Isala, Zwolle").await;
    browser.fill("begindatum", "01-07-2027").await;
    browser.fill("einddatum", "01-01-2028").await;
    browser.fill("deeltijd", "80").await;
    browser.submit("Opslaan").await;
    assert_eq!(browser.path().await, training_path);
    let html = browser.html().await;
    assert!(!html.contains("finding--error"), "no errors: {html}");
    // 22,8 of 33 months planned; the last 10,2 run on at 80 %: 12,75 calendar months.
    let new_end = summary_value(&html, "Verwachte einddatum opleiding");
    assert_eq!(new_end, "25-01-2029", "part-time moves the end");
    browser.assert_accessible().await;

    browser.follow("Wijziging indienen").await;
    let html = browser.html().await;
    assert_eq!(
        summary_value(&html, "Verwachte einddatum opleiding"),
        new_end
    );
    browser.assert_accessible().await;
    browser.submit("Wijziging indienen").await;
    assert_eq!(browser.path().await, training_path);
    browser.assert_accessible().await;
    browser.log_out().await;

    // The ondersteuner approves namens the opleider, seeing the end move.
    browser.log_in_demo(app, "demo.ondersteuner").await;
    browser.follow("Aios").await;
    assert!(browser.html().await.contains("Schema beoordelen"));
    browser.assert_accessible().await;
    browser.follow("Lotte Visser").await;
    let html = browser.html().await;
    assert!(html.contains("Wijzigingsverzoek ter beoordeling: versie 2"));
    assert!(html.contains("namens Dr. Pieter Jansen"));
    assert!(
        html.contains(&format!(
            "<th scope=\"row\">Verwachte einddatum</th><td>01-10-2028</td><td>{new_end}</td>"
        )),
        "{html}"
    );
    browser.assert_accessible().await;
    browser.submit("Goedkeuren").await;
    assert!(
        browser
            .html()
            .await
            .contains("Het besluit wordt vastgelegd als genomen namens Dr. Pieter Jansen.")
    );
    browser
        .confirm_decision(
            "U keurt het wijzigingsverzoek van Lotte Visser goed.",
            "Ja, goedkeuren",
            "Wijzigingsverzoek goedgekeurd",
        )
        .await;
    browser.follow("Terug naar Lotte Visser").await;
    let html = browser.html().await;
    assert!(html.contains("Geldend schema (versie 2)"), "{html}");
    assert_eq!(
        summary_value(&html, "Verwachte einddatum opleiding"),
        new_end
    );
    assert!(html.contains("namens Dr. Pieter Jansen"));
    browser.assert_accessible().await;
    browser.log_out().await;

    // The aios sees the new current schedule and its end.
    browser.log_in_demo(app, "demo.aios.lotte").await;
    browser.follow("Mijn opleiding").await;
    browser.assert_accessible().await;
    browser.follow(IGT).await;
    let html = browser.html().await;
    assert!(html.contains("Versie 2: Goedgekeurd"), "{html}");
    assert_eq!(
        summary_value(&html, "Verwachte einddatum opleiding"),
        new_end
    );
    browser.assert_accessible().await;

    let on_behalf_of: Option<uuid::Uuid> = sqlx::query_scalar(
        "SELECT on_behalf_of_id FROM audit_log WHERE action = 'schedule.change_approved'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        on_behalf_of,
        Some(crate::helpers::accounts::user_id(app, "demo.opleider").await)
    );
}

#[tokio::test]
async fn after_the_eindverklaring_the_aios_registers_pays_and_is_found_publicly_and_in_the_contactpersoons_csv()
 {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    let browser = Browser::start().await;
    let outcome = AssertUnwindSafe(registration_story(&app, &browser))
        .catch_unwind()
        .await;
    close_then_resume(browser, outcome).await;
    // What the portal wrote through the UI left every training's summary as defined.
    assert_summaries_current(&app.state.db, "the registration story").await;
}

/// Story 3: from the eindverklaring to the register and the institution's report.
async fn registration_story(app: &TestApp, browser: &Browser) {
    // The opleider issues Daan's eindverklaring, which is due.
    browser.log_in_demo(app, "demo.opleider").await;
    browser.follow("Mijn aios").await;
    assert!(browser.html().await.contains("Eindverklaring afgeven"));
    browser.assert_accessible().await;
    browser.follow("Daan de Boer").await;
    browser.assert_accessible().await;
    browser.check("uitkomst-positief").await;
    browser.fill("einddatum", "01-01-2027").await;
    browser.submit("Eindverklaring afgeven").await;
    browser
        .confirm_decision(
            "U geeft een positieve eindverklaring af voor Daan de Boer.",
            "Ja, eindverklaring afgeven",
            "Eindverklaring afgegeven",
        )
        .await;
    browser.follow("Terug naar Daan de Boer").await;
    let html = browser.html().await;
    assert!(
        html.contains(
            "Positieve eindverklaring afgegeven door Dr. Pieter Jansen op 22-11-2026; \
             opleiding tot en met 31-12-2026."
        ),
        "{html}"
    );
    browser.assert_accessible().await;
    browser.log_out().await;

    // Daan requests registration and pays.
    browser.log_in_demo(app, "demo.aios.daan").await;
    browser.follow("Mijn registratie").await;
    assert!(
        browser
            .html()
            .await
            .contains(&format!("Registratie aanvragen: {IGT}"))
    );
    browser.assert_accessible().await;
    browser
        .press_by(By::XPath(
            "//button[starts-with(normalize-space(), 'Registratie aanvragen')]".to_owned(),
        ))
        .await;
    assert!(browser.path().await.starts_with("/facturen/"));
    browser.assert_accessible().await;
    pay_with_test_provider(browser, "paid").await;
    assert!(browser.html().await.contains("Betaling ontvangen"));
    browser.follow("Mijn registratie").await;
    let html = browser.html().await;
    assert!(html.contains(&format!("Profielregister: {IGT}")), "{html}");
    assert_eq!(summary_value(&html, "Ingeschreven sinds"), "01-01-2027");
    assert_eq!(summary_value(&html, "Geldig tot en met"), "31-12-2031");
    browser.assert_accessible().await;
    browser.log_out().await;

    // Anyone finds him in the public register.
    browser.open_and_check(&app.url("/")).await;
    browser.follow("Zoek in het register").await;
    browser.assert_accessible().await;
    browser.fill("zoek", "Daan de Boer").await;
    browser.submit("Zoeken").await;
    let html = browser.html().await;
    assert!(html.contains("<td>Daan de Boer</td>"), "{html}");
    assert!(html.contains(IGT));
    assert!(html.contains("31-12-2031"));
    assert!(
        html.contains("<td>19012345603</td>"),
        "the BIG-nummer is public, as in the BIG-register"
    );
    browser.assert_accessible().await;

    // The contactpersoon of Radboudumc, where Daan trained in 2024-2025, finds him in the
    // report and in its CSV download.
    browser.log_in_demo(app, "demo.contactpersoon").await;
    browser.follow("Registeroverzicht").await;
    browser.assert_accessible().await;
    browser.check("soort-periode").await;
    browser.fill("van", "01-04-2024").await;
    browser.fill("tot", "31-03-2025").await;
    browser.submit("Overzicht tonen").await;
    let html = browser.html().await;
    assert!(html.contains("<td>Daan de Boer</td>"), "{html}");
    browser.assert_accessible().await;
    // The download as the browser makes it: with its cookies and its Accept-Encoding.
    let csv_link = browser.href_containing("rapport.csv").await;
    let (status, csv) = browser.fetch_text(&csv_link).await;
    assert_eq!(
        status, 200,
        "the CSV download reaches the browser whole (0: the connection broke off): {csv}"
    );
    let row = csv
        .lines()
        .find(|line| line.contains("Daan de Boer"))
        .unwrap_or_else(|| panic!("Daan in the CSV:\n{csv}"));
    for value in [
        "19012345603",
        IGT,
        "Ziekenhuis 1",
        "01-04-2024",
        // The last day of a training tot 01-04-2025.
        "31-03-2025",
        "100",
        "Dr. Pieter Jansen",
        "Voltooid",
    ] {
        assert!(row.contains(value), "{value} in {row}");
    }
}

/// 07:00 in the Netherlands on the day of `now` there.
fn seven_in_the_morning(now: DateTime<Utc>) -> DateTime<Utc> {
    let today = now
        .with_timezone(&chrono_tz::Europe::Amsterdam)
        .date_naive();
    mijnrgs::platform::jobs::dutch_time(today, 7, 0).expect("07:00 exists")
}

#[tokio::test]
async fn the_invited_specialist_applies_for_herregistratie_pays_and_the_rgs_grants_five_more_years()
{
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    let browser = Browser::start().await;
    let outcome = AssertUnwindSafe(reregistration_story(&app, &browser))
        .catch_unwind()
        .await;
    close_then_resume(browser, outcome).await;
}

/// Story 4: from the invitation to the RGS's decision on the herregistratie.
async fn reregistration_story(app: &TestApp, browser: &Browser) {
    // The invitation is due at 07:00 on the day the demo data was loaded (or at loading, when
    // that was later).
    let morning = seven_in_the_morning(app.clock.now());
    if app.clock.now() < morning {
        app.clock.set(morning);
    }
    let address = "demo.specialist@mijnrgs.example";
    let invitation = "Uitnodiging: vraag herregistratie aan voor Interne geneeskunde";
    assert!(mails(app, address, invitation).await.is_empty());
    app.clock.advance(Duration::minutes(5));
    run_due_jobs(app).await;
    let invitations = mails(app, address, invitation).await;
    assert_eq!(invitations.len(), 1);
    let link = format!("{}/registratie", app.base);
    assert!(
        invitations[0].body.contains(&link),
        "{}",
        invitations[0].body
    );
    let ends_on: chrono::NaiveDate = sqlx::query_scalar(
        "SELECT e.ends_on FROM register_entries e JOIN users u ON u.id = e.user_id
         WHERE u.username = 'demo.specialist'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    // The page says "tot en met": the day before the (exclusive) end.
    let until = |end: chrono::NaiveDate| (end - Duration::days(1)).format("%d-%m-%Y").to_string();
    let old_until = until(ends_on);
    let new_until = until(rules::schedule::months::add_months(ends_on, 60));

    // The link from the mail: log in first, then straight on to Mijn registratie.
    browser.driver.goto(&link).await.unwrap();
    assert!(browser.path().await.starts_with("/inloggen?terug="));
    browser.log_in_demo(app, "demo.specialist").await;
    assert_eq!(app.url(&browser.path().await), link);
    let html = browser.html().await;
    assert_eq!(summary_value(&html, "Geldig tot en met"), old_until);
    browser
        .press_by(By::XPath(
            "//a[starts-with(normalize-space(), 'Herregistratie aanvragen')]".to_owned(),
        ))
        .await;
    browser.assert_accessible().await;

    // A full declaration: the proposal is five more years.
    for field in ["uren1", "uren2", "uren3", "uren4", "uren5"] {
        browser.fill(field, "1600").await;
    }
    browser.fill("deskundigheidsbevordering", "220").await;
    browser.check("eif").await;
    browser.check("eke").await;
    browser.submit("Voorstel berekenen").await;
    let html = browser.html().await;
    assert!(html.contains("U voldoet aan alle eisen."), "{html}");
    assert!(
        html.contains(&format!("lopen tot en met {new_until}")),
        "{html}"
    );
    browser.assert_accessible().await;
    browser.press("indienen").await;
    assert!(browser.path().await.starts_with("/facturen/"));
    assert!(
        browser
            .html()
            .await
            .contains("Uw aanvraag voor herregistratie is ingediend.")
    );
    browser.assert_accessible().await;
    pay_with_test_provider(browser, "paid").await;
    assert!(browser.html().await.contains("Betaling ontvangen"));
    browser.log_out().await;

    // The RGS-medewerker finds the paid request in the werkvoorraad and grants it.
    browser.log_in_demo(app, "demo.rgs").await;
    browser.follow("Werkvoorraad").await;
    browser.assert_accessible().await;
    browser.follow("Dr. Karim El Amrani").await;
    let html = browser.html().await;
    assert!(html.contains("betaald"), "{html}");
    assert!(html.contains("De specialist voldoet aan alle eisen."));
    browser.assert_accessible().await;
    let application_page = browser.path().await;
    browser.check("besluit").await;
    browser.fill("maanden", "60").await;
    browser.submit("Besluit vastleggen").await;
    browser
        .confirm_decision(
            "U kent de herregistratie van Dr. Karim El Amrani toe voor 60 maanden",
            "Ja, herregistratie toekennen",
            "Herregistratie toegekend",
        )
        .await;
    browser
        .driver
        .goto(app.url(&application_page))
        .await
        .unwrap();
    let html = browser.html().await;
    assert!(html.contains("door Joost Mulder"), "{html}");
    browser.assert_accessible().await;
    browser.log_out().await;

    // The specialist sees the new period, and has the decision by mail.
    browser.log_in_demo(app, "demo.specialist").await;
    browser.follow("Mijn registratie").await;
    let html = browser.html().await;
    assert_eq!(summary_value(&html, "Geldig tot en met"), new_until);
    browser.assert_accessible().await;
    let decisions = mails(app, address, "Besluit over uw herregistratie als internist").await;
    assert_eq!(decisions.len(), 1);
    // Dr. Karim El Amrani is addressed as a Dutch letter addresses a doctor.
    assert!(
        decisions[0].body.starts_with("Beste dr. El Amrani,"),
        "{}",
        decisions[0].body
    );
}
