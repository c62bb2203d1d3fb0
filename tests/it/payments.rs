//! Paying invoices: the built-in test provider's checkout for every outcome, the Mollie adapter
//! against a local stub (webhook replays, provider failures, unknown ids, a wrong amount,
//! reconciliation), the registration that payment completes, the next-day reminder and the
//! start-date invoice with an injected clock, the invoice PDF and credit invoices.

use crate::helpers::database::database;
use rules::payment::PaymentStatus;
use std::process::Command;

use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::PgPool;
use uuid::Uuid;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::aios::{aios_ready, igt_with_two_hospitals, set_today, submit};
use crate::helpers::accounts::{log_in_demo, seed_demo};
use crate::helpers::{TestApp, location};
use crate::supervision::submitted_training;
use mijnrgs::platform::clock::Clock;

const PAID_SUBJECT: &str = "Betaling ontvangen voor factuur";

pub(crate) async fn invoice_of(app: &TestApp, training: Uuid) -> Uuid {
    sqlx::query_scalar("SELECT id FROM invoices WHERE training_id = $1 AND credit_for IS NULL")
        .bind(training)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

async fn invoice_status(app: &TestApp, invoice: Uuid) -> String {
    sqlx::query_scalar("SELECT status FROM invoices WHERE id = $1")
        .bind(invoice)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

/// The statuses of the payments of `invoice`, oldest first, named in the provider's words (the
/// words the tests choose at the test checkout), whatever code the portal stores for them.
async fn payment_statuses(app: &TestApp, invoice: Uuid) -> Vec<String> {
    let stored: Vec<mijnrgs::platform::db::Stored<PaymentStatus>> = sqlx::query_scalar(
        "SELECT status FROM payments WHERE invoice_id = $1 ORDER BY created_at, id",
    )
    .bind(invoice)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    stored
        .into_iter()
        .map(|status| status.0.provider_word().to_owned())
        .collect()
}

async fn paid_mails(app: &TestApp) -> usize {
    app.sent_emails()
        .await
        .iter()
        .filter(|m| m.subject.starts_with(PAID_SUBJECT))
        .count()
}

/// The `href` of the element with `id` on `page`.
fn href_of(page: &str, id: &str) -> String {
    let marker = format!("id=\"{id}\" href=\"");
    let start = page
        .find(&marker)
        .unwrap_or_else(|| panic!("#{id} on {page}"))
        + marker.len();
    let end = start + page[start..].find('"').unwrap();
    page[start..end]
        .replace("&#x2f;", "/")
        .replace("&#47;", "/")
}

/// Clicks "Betalen met iDEAL" on `invoice` with `client`: the POST answers 303 to our own
/// confirmation page. Returns that page's path and body.
pub(crate) async fn start_paying(
    app: &TestApp,
    client: &reqwest::Client,
    invoice: Uuid,
) -> (String, String) {
    let response = app
        .post_form_with(client, &format!("/facturen/{invoice}/betalen"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let confirm = location(&response).to_owned();
    assert!(confirm.starts_with("/betalingen/"), "{confirm}");
    let page = app.page_with(client, &confirm).await;
    (confirm, page)
}

/// Goes through the test provider's checkout: a bank, then `outcome`. Returns where the
/// provider sends the payer back to.
async fn test_checkout(
    app: &TestApp,
    client: &reqwest::Client,
    checkout: &str,
    outcome: &str,
) -> String {
    assert!(
        checkout.starts_with(&app.url("/testbetaalomgeving/tr_test")),
        "{checkout}"
    );
    let page = client
        .get(checkout)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Kies uw bank"));
    assert!(page.contains("geen echt geld"));
    let checkout_path = checkout.trim_start_matches(&app.base).to_owned();
    let response = app
        .post_form_with(client, &format!("{checkout_path}/bank"), &[("bank", "ing")])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let page = app.page_with(client, &checkout_path).await;
    assert!(page.contains("ING"));
    assert!(page.contains("Kies de uitkomst"));
    let response = app
        .post_form_with(
            client,
            &format!("{checkout_path}/afronden"),
            &[("uitkomst", outcome)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    location(&response).to_owned()
}

/// Pays `invoice` through the test provider with `outcome`; returns the return page's body.
pub(crate) async fn pay(
    app: &TestApp,
    client: &reqwest::Client,
    invoice: Uuid,
    outcome: &str,
) -> String {
    let (_, confirm) = start_paying(app, client, invoice).await;
    assert!(confirm.contains("Controleer en betaal"));
    let checkout = href_of(&confirm, "naar-ideal");
    let back = test_checkout(app, client, &checkout, outcome).await;
    assert!(back.starts_with(&app.url("/betalingen/")), "{back}");
    assert!(back.ends_with("/terug"));
    client
        .get(&back)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// The demo opleider approves the submitted schedule of `training` (with their own client).
pub(crate) async fn approve(app: &TestApp, training: Uuid) {
    let opleider = app.new_client();
    log_in_demo(app, &opleider, "demo.opleider").await;
    let version: Uuid = sqlx::query_scalar(
        "SELECT id FROM schedule_versions WHERE training_id = $1 AND status = 'ingediend'",
    )
    .bind(training)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let response = app
        .post_form_with(
            &opleider,
            &format!("/opleider/aios/{training}/goedkeuren"),
            &[
                ("bevestigd", "ja"),
                ("versie", version.to_string().as_str()),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

async fn run_jobs(app: &TestApp) -> usize {
    mijnrgs::dispatcher::run_due(&app.state, app.clock.now())
        .await
        .expect("run the jobs")
}

#[tokio::test]
async fn submitting_leads_to_the_invoice_and_paying_it_with_the_test_provider_mails_once() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    aios_ready(&app, "noor").await;
    let training = igt_with_two_hospitals(&app).await;
    let response = submit(&app, training, true).await;
    let invoice = invoice_of(&app, training).await;
    assert_eq!(
        location(&response),
        format!("/facturen/{invoice}"),
        "factureren bij indienen: on to the payment"
    );
    let page = app.page_with(&app.client, location(&response)).await;
    assert!(page.contains("Uw aanvraag is ingediend."));
    assert!(page.contains("Betalen met iDEAL"));

    let result = pay(&app, &app.client, invoice, "paid").await;
    assert!(result.contains("Betaling ontvangen"));
    assert!(result.contains("role=\"status\""));
    assert_eq!(invoice_status(&app, invoice).await, "betaald");
    assert_eq!(payment_statuses(&app, invoice).await, ["paid"]);
    // Not yet approved: paid, but the opleider still decides.
    assert_eq!(crate::aios::status(&app, training).await, "ingediend");
    assert_eq!(paid_mails(&app).await, 1);
    let mail = app
        .sent_emails()
        .await
        .into_iter()
        .find(|m| m.subject.starts_with(PAID_SUBJECT))
        .unwrap();
    assert_eq!(mail.to_address, "noor@example.nl");
    assert!(mail.body.contains("€ 494,15"));
    assert!(
        mail.body
            .contains("zodra uw opleider het opleidingsschema heeft goedgekeurd")
    );

    // Coming back again, or paying again, changes nothing.
    let again = app
        .post_form(&format!("/facturen/{invoice}/betalen"), &[])
        .await;
    assert_eq!(location(&again), format!("/facturen/{invoice}"));
    assert_eq!(payment_statuses(&app, invoice).await, ["paid"]);
    assert_eq!(paid_mails(&app).await, 1);

    // Approval of a paid registration registers it at once.
    approve(&app, training).await;
    assert_eq!(crate::aios::status(&app, training).await, "ingeschreven");
    let approval = app
        .sent_emails()
        .await
        .into_iter()
        .find(|m| m.subject == "Uw opleidingsschema is goedgekeurd")
        .unwrap();
    assert!(
        approval
            .body
            .contains("U staat nu ingeschreven in het opleidingsregister.")
    );
}

#[tokio::test]
async fn an_approved_registration_is_registered_the_moment_its_invoice_is_paid() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    approve(&app, training).await;
    assert_eq!(crate::aios::status(&app, training).await, "goedgekeurd");
    let invoice = invoice_of(&app, training).await;
    let result = pay(&app, &app.client, invoice, "paid").await;
    assert!(result.contains("Ingeschreven"), "the aios sees it at once");
    assert_eq!(crate::aios::status(&app, training).await, "ingeschreven");
    let mail = app
        .sent_emails()
        .await
        .into_iter()
        .find(|m| m.subject.starts_with(PAID_SUBJECT))
        .unwrap();
    assert!(mail.body.contains("daarmee definitief"));
    let training_page = app
        .page_with(&app.client, &format!("/aios/opleidingen/{training}"))
        .await;
    assert!(training_page.contains("Ingeschreven"));
}

#[tokio::test]
async fn a_failed_cancelled_or_expired_payment_leaves_the_invoice_open_and_a_new_one_can_start() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let invoice = invoice_of(&app, training).await;
    let mut expected = Vec::new();
    for (outcome, label) in [
        ("failed", "mislukt"),
        ("canceled", "geannuleerd"),
        ("expired", "verlopen"),
    ] {
        let result = pay(&app, &app.client, invoice, outcome).await;
        assert!(result.contains("De betaling is niet gelukt"), "{outcome}");
        assert!(result.contains(&format!("is {label}")), "{outcome}");
        assert!(result.contains("Opnieuw betalen"));
        assert_eq!(invoice_status(&app, invoice).await, "open");
        expected.push(outcome.to_owned());
        assert_eq!(payment_statuses(&app, invoice).await, expected);
    }
    // The fourth attempt succeeds.
    let result = pay(&app, &app.client, invoice, "paid").await;
    assert!(result.contains("Betaling ontvangen"));
    expected.push("paid".to_owned());
    assert_eq!(payment_statuses(&app, invoice).await, expected);
    assert_eq!(paid_mails(&app).await, 1);
    let page = app
        .page_with(&app.client, &format!("/facturen/{invoice}"))
        .await;
    assert!(page.contains("Betaald"));
    assert!(!page.contains("Betalen met iDEAL"));
}

#[tokio::test]
async fn a_test_payment_left_open_expires_after_fifteen_minutes() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let invoice = invoice_of(&app, training).await;
    let (confirm, page) = start_paying(&app, &app.client, invoice).await;
    let checkout = href_of(&page, "naar-ideal");
    app.clock.advance(Duration::minutes(16));
    let page = app
        .client
        .get(&checkout)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Deze betaling is verlopen"));
    // The reconciliation job finds out without the payer.
    assert_eq!(
        mijnrgs::billing::payments::reconcile(&app.state, app.clock.now())
            .await
            .unwrap(),
        1
    );
    assert_eq!(payment_statuses(&app, invoice).await, ["expired"]);
    // The confirmation page of an expired payment shows the outcome, and paying again works.
    let response = app.get(&confirm).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (_, page) = start_paying(&app, &app.client, invoice).await;
    assert!(page.contains("Verder naar iDEAL"));
    assert_eq!(payment_statuses(&app, invoice).await, ["expired", "open"]);
}

/// Ten clicks on Betalen for `invoice` at once, each its own request.
fn ten_clicks_on_betalen(
    app: &TestApp,
    invoice: Uuid,
) -> Vec<tokio::task::JoinHandle<reqwest::Response>> {
    (0..10)
        .map(|_| {
            let client = app.client.clone();
            let url = app.url(&format!("/facturen/{invoice}/betalen"));
            tokio::spawn(async move { client.post(url).body("").send().await.unwrap() })
        })
        .collect()
}

/// Where `clicks` lead: each is a redirect, and all to the same page.
async fn the_one_page_the_clicks_land_on(
    clicks: Vec<tokio::task::JoinHandle<reqwest::Response>>,
) -> String {
    let mut locations = Vec::new();
    for click in clicks {
        let response = click.await.unwrap();
        let status = response.status();
        if status != StatusCode::SEE_OTHER {
            panic!("a click: {status}: {}", response.text().await.unwrap());
        }
        locations.push(location(&response).to_owned());
    }
    locations.dedup();
    assert_eq!(locations.len(), 1, "every click lands on the same page");
    locations.remove(0)
}

#[tokio::test]
async fn ten_concurrent_clicks_on_betalen_create_one_payment() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let invoice = invoice_of(&app, training).await;
    let clicks = ten_clicks_on_betalen(&app, invoice);
    the_one_page_the_clicks_land_on(clicks).await;
    let at_provider: i64 = sqlx::query_scalar("SELECT count(*) FROM test_provider_payments")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(at_provider, 1);
    assert_eq!(payment_statuses(&app, invoice).await, ["open"]);
}

#[tokio::test]
async fn someone_elses_invoice_payment_and_pdf_answer_404() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let invoice = invoice_of(&app, training).await;
    let (confirm, _) = start_paying(&app, &app.client, invoice).await;
    let other = app.new_client();
    log_in_demo(&app, &other, "demo.aios").await;
    for path in [
        format!("/facturen/{invoice}/pdf"),
        confirm.clone(),
        format!("{confirm}/terug"),
    ] {
        let response = other.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let response = app
        .post_form_with(&other, &format!("/facturen/{invoice}/betalen"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

/// Text of a PDF, through poppler's `pdftotext`.
fn pdf_text(bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("mijnrgs-pdf-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("factuur.pdf");
    std::fs::write(&file, bytes).unwrap();
    let output = Command::new("pdftotext")
        .args(["-layout", file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (Debian's poppler-utils) is installed");
    std::fs::remove_dir_all(&dir).ok();
    assert!(output.status.success());
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn a_name_and_address_full_of_markup_print_literally_on_the_invoice_pdf() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    crate::helpers::accounts::register_and_log_in(&app, "noor", "aios").await;
    // Typst markup, a file read and HTML: the PDF's data is never typst source.
    let name = "Noor #set *Bakker* $x$ [a] <b>";
    let street = r#"Kerkstraat 1 #read("/etc/passwd") // _y_"#;
    let details: Vec<(&str, &str)> = crate::aios::DETAILS
        .iter()
        .map(|&(field, value)| match field {
            "naam" => (field, name),
            "adres" => (field, street),
            _ => (field, value),
        })
        .collect();
    let response = app.post_form("/aios/basisgegevens", &details).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let training = igt_with_two_hospitals(&app).await;
    assert_eq!(
        submit(&app, training, true).await.status(),
        StatusCode::SEE_OTHER
    );
    let invoice = invoice_of(&app, training).await;
    let response = app.get(&format!("/facturen/{invoice}/pdf")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = pdf_text(&response.bytes().await.unwrap());
    assert!(text.contains(name), "{text}");
    assert!(text.contains(street), "{text}");
    assert!(!text.contains("root:"), "{text}");
}

#[tokio::test]
async fn the_invoice_pdf_carries_the_number_amounts_and_payment_link() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let invoice = invoice_of(&app, training).await;
    let number: String = sqlx::query_scalar("SELECT number FROM invoices WHERE id = $1")
        .bind(invoice)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let response = app.get(&format!("/facturen/{invoice}/pdf")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("factuur-{number}.pdf"))
    );
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let text = pdf_text(&bytes);
    for expected in [
        number.as_str(),
        "Noor Bakker",
        "€ 494,15",
        "€ 85,76",
        "€ 408,39",
        "Internationale gezondheidszorg",
        "22-12-2026",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    assert!(
        text.contains(&format!("/facturen/{invoice}")),
        "the payment link"
    );
}

#[tokio::test]
async fn a_paid_invoice_pdf_says_when_and_how_it_was_paid_and_asks_for_nothing() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let invoice = invoice_of(&app, training).await;
    let pdf = |app: &TestApp| {
        let path = format!("/facturen/{invoice}/pdf");
        let request = app.client.get(app.url(&path)).send();
        async move { pdf_text(&request.await.unwrap().bytes().await.unwrap()) }
    };
    let open = pdf(&app).await;
    assert!(open.contains("Betaalinstructies"), "{open}");
    assert!(open.contains("Vervaldatum"), "{open}");
    assert!(open.contains(&format!("/facturen/{invoice}")), "{open}");

    pay(&app, &app.client, invoice, "paid").await;
    let paid = pdf(&app).await;
    let today = rules::person::format_date(app.clock.today());
    assert!(paid.contains("€ 494,15"), "still the same invoice: {paid}");
    assert!(
        paid.contains("Betaald op"),
        "among the invoice's facts: {paid}"
    );
    assert!(
        paid.contains(&format!("Deze factuur is op {today} met iDEAL betaald")),
        "{paid}"
    );
    for asked in [
        "Betaalinstructies",
        "Vervaldatum",
        "Betaal het totaalbedrag",
    ] {
        assert!(!paid.contains(asked), "{asked} in {paid}");
    }
    assert!(
        !paid.contains(&format!("/facturen/{invoice}")),
        "no payment link"
    );
    // The list says so too, without a pay button.
    let list = app.page_with(&app.client, "/facturen").await;
    assert!(
        list.contains(&format!(
            r#"Betaald</span><br>op <span class="date">{today}</span>"#
        )),
        "{list}"
    );
    assert!(
        !list.contains(&format!("/facturen/{invoice}/betalen")),
        "{list}"
    );
}

#[tokio::test]
async fn the_back_office_corrects_an_open_invoice_once_with_a_credit_invoice() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let invoice = invoice_of(&app, training).await;
    let noor = crate::helpers::accounts::user_id(&app, "noor").await;
    // Not for the aios herself.
    let response = app.get(&format!("/rgs/facturen/{invoice}")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    let rgs = app.new_client();
    log_in_demo(&app, &rgs, "demo.rgs").await;
    let user_page = app
        .page_with(&rgs, &format!("/rgs/gebruikers/{noor}"))
        .await;
    assert!(user_page.contains(&format!("/rgs/facturen/{invoice}")));
    let page = app
        .page_with(&rgs, &format!("/rgs/facturen/{invoice}"))
        .await;
    assert!(page.contains("Creditfactuur opmaken"));
    let path = format!("/rgs/facturen/{invoice}/crediteren");
    let response = app
        .post_form_with(&rgs, &path, &[("bevestigd", "ja"), ("reden", "fout")])
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Geef de reden van de creditering")
    );
    let response = app
        .post_form_with(
            &rgs,
            &path,
            &[("bevestigd", "ja"), ("reden", "Verkeerd tarief toegepast")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let credit: Uuid = sqlx::query_scalar("SELECT id FROM invoices WHERE credit_for = $1")
        .bind(invoice)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let (amount, vat): (i32, i32) =
        sqlx::query_as("SELECT amount_cents, vat_cents FROM invoices WHERE id = $1")
            .bind(credit)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!((amount, vat), (-49415, -8576));
    assert_eq!(invoice_status(&app, invoice).await, "gecrediteerd");
    assert_eq!(audit_count(&app, "invoice.credited").await, 1);
    // The credit invoice's page in the back office links to the invoice it credits.
    let page = app
        .page_with(&rgs, &format!("/rgs/facturen/{credit}"))
        .await;
    assert!(page.contains("<h1>Creditfactuur "), "{page}");
    assert!(
        page.contains(&format!(
            "<dt>Crediteert factuur</dt><dd><a href=\"/rgs/facturen/{invoice}\">"
        )),
        "{page}"
    );
    let mail = app
        .sent_emails()
        .await
        .into_iter()
        .find(|m| m.subject.starts_with("Creditfactuur"))
        .unwrap();
    assert_eq!(mail.to_address, "noor@example.nl");
    assert!(mail.body.contains("U hoeft hiervoor niets te doen"));
    assert!(pdf_text(&mail.attachments[0].content).contains("Creditfactuur"));

    // Once only.
    let page = app
        .page_with(&rgs, &format!("/rgs/facturen/{invoice}"))
        .await;
    assert!(!page.contains("Creditfactuur opmaken"));
    let response = app
        .post_form_with(
            &rgs,
            &path,
            &[("bevestigd", "ja"), ("reden", "Nog een keer crediteren")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(audit_count(&app, "invoice.credited").await, 1);

    // The aios sees both, pays nothing, and gets the credit invoice's PDF.
    let page = app
        .page_with(&app.client, &format!("/facturen/{credit}"))
        .await;
    assert!(page.contains("Creditfactuur"));
    assert!(page.contains("-€ 494,15"));
    let response = app
        .post_form(&format!("/facturen/{invoice}/betalen"), &[])
        .await;
    assert_eq!(
        location(&response),
        format!("/facturen/{invoice}"),
        "nothing to pay"
    );
    let bytes = app
        .get(&format!("/facturen/{credit}/pdf"))
        .await
        .bytes()
        .await
        .unwrap();
    let text = pdf_text(&bytes);
    assert!(text.contains("Creditfactuur"));
    assert!(text.contains("-€ 494,15"));
}

#[tokio::test]
async fn an_unpaid_invoice_brings_one_reminder_with_the_pdf_the_next_day() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let invoice = invoice_of(&app, training).await;
    // The payment fails the same day: still one reminder.
    pay(&app, &app.client, invoice, "failed").await;
    let reminders = |app: &TestApp| {
        let app_state = app.state.clone();
        async move {
            app_state
                .mailer
                .sent()
                .into_iter()
                .filter(|m| m.subject.starts_with("Herinnering: factuur"))
                .collect::<Vec<_>>()
        }
    };
    app.clock.advance(Duration::hours(23));
    run_jobs(&app).await;
    app.deliver_mail().await;
    assert!(reminders(&app).await.is_empty(), "not on the same day");
    app.clock.advance(Duration::hours(2));
    run_jobs(&app).await;
    app.deliver_mail().await;
    let sent = reminders(&app).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to_address, "noor@example.nl");
    assert!(
        sent[0].body.contains(&format!("/facturen/{invoice}")),
        "a new payment link"
    );
    assert_eq!(sent[0].attachments.len(), 1);
    assert!(sent[0].attachments[0].filename.starts_with("factuur-2026-"));
    assert!(sent[0].attachments[0].content.starts_with(b"%PDF"));
}

#[tokio::test]
async fn a_paid_invoice_brings_no_reminder() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    let invoice = invoice_of(&app, training).await;
    pay(&app, &app.client, invoice, "paid").await;
    app.clock.advance(Duration::days(2));
    run_jobs(&app).await;
    let sent = app.sent_emails().await;
    assert!(!sent.iter().any(|m| m.subject.starts_with("Herinnering")));
}

#[tokio::test]
async fn invoicing_on_the_start_date_sends_the_invoice_that_morning_and_registers_conditionally() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    set_today(&app);
    let noor = aios_ready(&app, "noor").await;
    let training = igt_with_two_hospitals(&app).await;
    sqlx::query("UPDATE trainings SET invoicing = 'op_startdatum' WHERE id = $1")
        .bind(training)
        .execute(&app.state.db)
        .await
        .unwrap();
    let response = submit(&app, training, true).await;
    assert_eq!(location(&response), format!("/aios/opleidingen/{training}"));
    approve(&app, training).await;
    assert_eq!(crate::aios::status(&app, training).await, "goedgekeurd");

    // The schedule starts on 01-01-2027: nothing the evening before.
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-12-31T22:00:00+01:00")
            .unwrap()
            .to_utc(),
    );
    run_jobs(&app).await;
    let invoices: i64 = sqlx::query_scalar("SELECT count(*) FROM invoices WHERE training_id = $1")
        .bind(training)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(invoices, 0);
    app.clock.set(
        chrono::DateTime::parse_from_rfc3339("2027-01-01T07:00:00+01:00")
            .unwrap()
            .to_utc(),
    );
    assert!(run_jobs(&app).await >= 1);
    let invoice = invoice_of(&app, training).await;
    let number: String = sqlx::query_scalar("SELECT number FROM invoices WHERE id = $1")
        .bind(invoice)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(number, "2027-000001", "issued on the start date");
    assert_eq!(crate::aios::status(&app, training).await, "voorwaardelijk");
    let mail = app
        .sent_emails()
        .await
        .into_iter()
        .find(|m| m.subject.contains(&number))
        .unwrap();
    assert!(mail.body.contains("onder voorwaarde van betaling"));
    assert!(mail.body.contains(&format!("/facturen/{invoice}")));
    assert!(mail.attachments[0].content.starts_with(b"%PDF"));
    // A second run sends nothing more.
    run_jobs(&app).await;
    let count = app
        .sent_emails()
        .await
        .iter()
        .filter(|m| m.subject.contains(&number))
        .count();
    assert_eq!(count, 1);

    // Paying makes the registration definitive. (Moving the clock ended the session.)
    crate::helpers::accounts::log_in(&app, &app.client, &noor).await;
    let result = pay(&app, &app.client, invoice, "paid").await;
    assert!(result.contains("Ingeschreven"));
    assert_eq!(crate::aios::status(&app, training).await, "ingeschreven");
}

// ---------------------------------------------------------------------------------------------
// Mollie, against a local stub.

async fn mollie_app(pool: PgPool, mock: &MockServer) -> TestApp {
    let uri = mock.uri();
    TestApp::spawn_with(
        pool,
        mijnrgs::router::router(),
        &[
            ("PAYMENT_PROVIDER", "mollie"),
            ("MOLLIE_API_KEY", "test_stubkey"),
            ("MOLLIE_API_URL", uri.as_str()),
        ],
    )
    .await
}

fn mollie_payment(id: &str, status: &str, value: &str, local: Option<Uuid>) -> serde_json::Value {
    json!({
        "resource": "payment",
        "id": id,
        "mode": "test",
        "status": status,
        "amount": { "currency": "EUR", "value": value },
        "description": "Inschrijving in het opleidingsregister",
        "metadata": local.map(|l| json!({ "local_payment_id": l.to_string() })),
        "_links": { "checkout": { "href": "https://www.mollie.com/checkout/select-method/stub" } },
    })
}

/// Noor's submitted IGT training, its invoice, and a Mollie payment `tr_stub12345` started for
/// it (the stub answers the creation).
async fn started_mollie_payment(app: &TestApp, mock: &MockServer) -> (Uuid, Uuid, Uuid) {
    Mock::given(method("POST"))
        .and(path("/v2/payments"))
        .respond_with(created_open())
        .expect(1)
        .mount(mock)
        .await;
    let training = submitted_training(app).await;
    let invoice = invoice_of(app, training).await;
    let (confirm, page) = start_paying(app, &app.client, invoice).await;
    assert_eq!(
        href_of(&page, "naar-ideal"),
        "https://www.mollie.com/checkout/select-method/stub",
        "a link to the checkout, not a redirect"
    );
    let payment: Uuid = confirm.trim_start_matches("/betalingen/").parse().unwrap();
    (training, invoice, payment)
}

/// The stub's answer to creating a payment: `tr_stub12345`, open.
fn created_open() -> ResponseTemplate {
    ResponseTemplate::new(201).set_body_json(mollie_payment("tr_stub12345", "open", "494.15", None))
}

/// The invoice of a submitted training whose first click on Betalen found Mollie down (503):
/// the payer is back on the invoice and our payment waits, unmade, for the next click.
async fn invoice_after_a_failed_creation(app: &TestApp, mock: &MockServer) -> Uuid {
    Mock::given(method("POST"))
        .and(path("/v2/payments"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(mock)
        .await;
    let training = submitted_training(app).await;
    let invoice = invoice_of(app, training).await;
    let response = app
        .post_form(&format!("/facturen/{invoice}/betalen"), &[])
        .await;
    assert_eq!(location(&response), format!("/facturen/{invoice}"));
    assert_eq!(payment_statuses(app, invoice).await, ["creating"]);
    invoice
}

/// Makes the stub answer a fetch of `tr_stub12345` with `status` and `value` (for `times`
/// calls, or always).
async fn mount_fetch(
    mock: &MockServer,
    status: &str,
    value: &str,
    payment: Uuid,
    times: Option<u64>,
) {
    let mut fetch = Mock::given(method("GET"))
        .and(path("/v2/payments/tr_stub12345"))
        .respond_with(ResponseTemplate::new(200).set_body_json(mollie_payment(
            "tr_stub12345",
            status,
            value,
            Some(payment),
        )));
    if let Some(times) = times {
        fetch = fetch.up_to_n_times(times);
    }
    fetch.mount(mock).await;
}

async fn webhook(app: &TestApp, id: &str) -> StatusCode {
    reqwest::Client::new()
        .post(app.url("/webhooks/mollie"))
        .form(&[("id", id)])
        .send()
        .await
        .unwrap()
        .status()
}

async fn audit_count(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_mollie_payment_is_created_with_our_id_in_its_metadata_and_an_idempotency_key() {
    let (_database, pool) = database().await;
    let mock = MockServer::start().await;
    let app = mollie_app(pool, &mock).await;
    let (_, _, payment) = started_mollie_payment(&app, &mock).await;
    let requests = mock.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.headers["authorization"], "Bearer test_stubkey");
    let key: Uuid = sqlx::query_scalar("SELECT idempotency_key FROM payments WHERE id = $1")
        .bind(payment)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(request.headers["idempotency-key"], key.to_string().as_str());
    let body: serde_json::Value = request.body_json().unwrap();
    assert_eq!(
        body["amount"],
        json!({ "currency": "EUR", "value": "494.15" })
    );
    assert_eq!(body["metadata"]["local_payment_id"], payment.to_string());
    assert_eq!(body["method"], "ideal");
    assert_eq!(
        body["redirectUrl"],
        app.url(&format!("/betalingen/{payment}/terug"))
    );
    assert_eq!(body["webhookUrl"], app.url("/webhooks/mollie"));
    let stored: Option<String> =
        sqlx::query_scalar("SELECT provider_id FROM payments WHERE id = $1")
            .bind(payment)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(stored.as_deref(), Some("tr_stub12345"));
}

#[tokio::test]
async fn a_mollie_webhook_replayed_twenty_times_at_once_pays_once_and_mails_once() {
    let (_database, pool) = database().await;
    let mock = MockServer::start().await;
    let app = mollie_app(pool, &mock).await;
    let (training, invoice, payment) = started_mollie_payment(&app, &mock).await;
    mount_fetch(&mock, "paid", "494.15", payment, None).await;
    let calls: Vec<_> = (0..20)
        .map(|_| {
            let url = app.url("/webhooks/mollie");
            tokio::spawn(async move {
                reqwest::Client::new()
                    .post(url)
                    .form(&[("id", "tr_stub12345")])
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap(), StatusCode::OK);
    }
    assert_eq!(invoice_status(&app, invoice).await, "betaald");
    let events: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM payment_events WHERE payment_id = $1 AND status = 'betaald'",
    )
    .bind(payment)
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(events, 1, "one transition");
    assert_eq!(audit_count(&app, "payment.paid").await, 1);
    assert_eq!(paid_mails(&app).await, 1, "one email");
    assert_eq!(crate::aios::status(&app, training).await, "ingediend");
}

#[tokio::test]
async fn when_mollie_cannot_be_asked_the_webhook_answers_503_and_nothing_changes() {
    let (_database, pool) = database().await;
    let mock = MockServer::start().await;
    let app = mollie_app(pool, &mock).await;
    let (_, invoice, payment) = started_mollie_payment(&app, &mock).await;
    Mock::given(method("GET"))
        .and(path("/v2/payments/tr_stub12345"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .mount(&mock)
        .await;
    assert_eq!(
        webhook(&app, "tr_stub12345").await,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(invoice_status(&app, invoice).await, "open");
    assert_eq!(payment_statuses(&app, invoice).await, ["open"]);
    assert_eq!(paid_mails(&app).await, 0);
    // Mollie calls again; now the read-back works.
    mount_fetch(&mock, "paid", "494.15", payment, None).await;
    assert_eq!(webhook(&app, "tr_stub12345").await, StatusCode::OK);
    assert_eq!(invoice_status(&app, invoice).await, "betaald");
}

#[tokio::test]
async fn unknown_and_malformed_webhook_ids_are_answered_200_and_change_nothing() {
    let (_database, pool) = database().await;
    let mock = MockServer::start().await;
    let app = mollie_app(pool, &mock).await;
    let (_, invoice, _) = started_mollie_payment(&app, &mock).await;
    Mock::given(method("GET"))
        .and(path("/v2/payments/tr_unknown999"))
        .respond_with(ResponseTemplate::new(404))
        .mount(&mock)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/payments/tr_foreign999"))
        .respond_with(ResponseTemplate::new(200).set_body_json(mollie_payment(
            "tr_foreign999",
            "paid",
            "494.15",
            Some(Uuid::new_v4()),
        )))
        .mount(&mock)
        .await;
    let before = mock.received_requests().await.unwrap().len();
    assert_eq!(webhook(&app, "tr_unknown999").await, StatusCode::OK);
    assert_eq!(webhook(&app, "tr_foreign999").await, StatusCode::OK);
    assert_eq!(audit_count(&app, "webhook.unknown_payment").await, 2);
    let asked = mock.received_requests().await.unwrap().len();
    assert_eq!(asked, before + 2);
    // Malformed ids never reach Mollie.
    for id in [
        "",
        "x",
        "tr_",
        "tr_abc",
        "tr_../../v2/refunds",
        &format!("tr_{}", "a".repeat(40)),
    ] {
        assert_eq!(webhook(&app, id).await, StatusCode::OK, "{id:?}");
    }
    assert_eq!(mock.received_requests().await.unwrap().len(), asked);
    assert_eq!(audit_count(&app, "webhook.malformed_id").await, 6);
    // An oversized body is refused before anything is read.
    let response = reqwest::Client::new()
        .post(app.url("/webhooks/mollie"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("id=tr_stub12345&x={}", "a".repeat(4096)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(invoice_status(&app, invoice).await, "open");
}

#[tokio::test]
async fn a_paid_report_with_another_amount_does_not_pay_the_invoice() {
    let (_database, pool) = database().await;
    let mock = MockServer::start().await;
    let app = mollie_app(pool, &mock).await;
    let (_, invoice, payment) = started_mollie_payment(&app, &mock).await;
    mount_fetch(&mock, "paid", "0.01", payment, None).await;
    assert_eq!(webhook(&app, "tr_stub12345").await, StatusCode::OK);
    assert_eq!(invoice_status(&app, invoice).await, "open");
    assert_eq!(payment_statuses(&app, invoice).await, ["open"]);
    assert_eq!(audit_count(&app, "payment.amount_mismatch").await, 1);
    assert_eq!(paid_mails(&app).await, 0);
}

#[tokio::test]
async fn reconciliation_completes_a_payment_whose_webhook_never_came() {
    let (_database, pool) = database().await;
    let mock = MockServer::start().await;
    let app = mollie_app(pool, &mock).await;
    let (training, invoice, payment) = started_mollie_payment(&app, &mock).await;
    approve(&app, training).await;
    mount_fetch(&mock, "paid", "494.15", payment, None).await;
    mijnrgs::platform::jobs::ensure_reconciliation(&app.state.db, app.clock.now())
        .await
        .unwrap();
    // Younger than fifteen minutes: left to the webhook.
    run_jobs(&app).await;
    assert_eq!(invoice_status(&app, invoice).await, "open");
    app.clock.advance(Duration::minutes(16));
    assert!(run_jobs(&app).await >= 1, "the next run is due");
    assert_eq!(invoice_status(&app, invoice).await, "betaald");
    assert_eq!(crate::aios::status(&app, training).await, "ingeschreven");
    assert_eq!(paid_mails(&app).await, 1);
    let next: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM jobs WHERE kind = 'afstemming_betalingen' AND status = 'gepland'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(next, 1, "the next run is scheduled");
}

#[tokio::test]
async fn when_mollie_is_down_betalen_says_so_and_a_retry_reuses_the_same_payment() {
    let (_database, pool) = database().await;
    let mock = MockServer::start().await;
    let app = mollie_app(pool, &mock).await;
    let invoice = invoice_after_a_failed_creation(&app, &mock).await;
    let page = app
        .page_with(&app.client, &format!("/facturen/{invoice}"))
        .await;
    assert!(page.contains("De betaaldienst is op dit moment niet bereikbaar"));

    Mock::given(method("POST"))
        .and(path("/v2/payments"))
        .respond_with(created_open())
        .mount(&mock)
        .await;
    start_paying(&app, &app.client, invoice).await;
    assert_eq!(payment_statuses(&app, invoice).await, ["open"]);
    let requests = mock.received_requests().await.unwrap();
    let keys: Vec<_> = requests
        .iter()
        .filter(|r| r.method.as_str() == "POST")
        .map(|r| r.headers["idempotency-key"].clone())
        .collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1], "the retry uses the same idempotency key");
}

#[tokio::test]
async fn while_mollie_slowly_creates_a_payment_ten_clicks_call_it_once_and_the_portal_serves_other_pages()
 {
    let (_database, pool) = database().await;
    let mock = MockServer::start().await;
    // Every test's portal has a pool of one connection that gives up after two seconds, so
    // a click that held it while Mollie answers would make every other request fail.
    let app = mollie_app(pool, &mock).await;
    Mock::given(method("POST"))
        .and(path("/v2/payments"))
        .respond_with(created_open().set_delay(std::time::Duration::from_secs(3)))
        .expect(1)
        .mount(&mock)
        .await;
    let training = submitted_training(&app).await;
    let invoice = invoice_of(&app, training).await;
    let clicks = ten_clicks_on_betalen(&app, invoice);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    let page = app.get(&format!("/facturen/{invoice}")).await;
    assert_eq!(page.status(), StatusCode::OK, "served while Mollie is busy");
    let landed = the_one_page_the_clicks_land_on(clicks).await;
    assert!(landed.starts_with("/betalingen/"), "{landed}");
    mock.verify().await;
    assert_eq!(payment_statuses(&app, invoice).await, ["open"]);
}

#[tokio::test]
async fn a_claim_on_creating_a_payment_left_by_a_request_that_died_lapses() {
    let (_database, pool) = database().await;
    let mock = MockServer::start().await;
    let app = mollie_app(pool, &mock).await;
    let invoice = invoice_after_a_failed_creation(&app, &mock).await;
    // What a request that died during its provider call leaves behind, once its claim ran out.
    sqlx::query(
        "UPDATE payments SET creation_claimed_until = clock_timestamp() - interval '1 second'
          WHERE invoice_id = $1",
    )
    .bind(invoice)
    .execute(&app.state.db)
    .await
    .unwrap();
    Mock::given(method("POST"))
        .and(path("/v2/payments"))
        .respond_with(created_open())
        .expect(1)
        .mount(&mock)
        .await;
    start_paying(&app, &app.client, invoice).await;
    assert_eq!(payment_statuses(&app, invoice).await, ["open"]);
    let claimed: Option<chrono::DateTime<chrono::Utc>> =
        sqlx::query_scalar("SELECT creation_claimed_until FROM payments WHERE invoice_id = $1")
            .bind(invoice)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(claimed, None, "the claim ends with the creation");
}

#[tokio::test]
async fn a_payer_back_before_the_webhook_sees_that_the_payment_is_being_processed() {
    let (_database, pool) = database().await;
    let mock = MockServer::start().await;
    let app = mollie_app(pool, &mock).await;
    let (_, invoice, payment) = started_mollie_payment(&app, &mock).await;
    mount_fetch(&mock, "pending", "494.15", payment, Some(1)).await;
    // The address is never trusted: a made-up status in the query changes nothing.
    let page = app
        .page_with(
            &app.client,
            &format!("/betalingen/{payment}/terug?status=paid"),
        )
        .await;
    assert!(page.contains("Uw betaling wordt verwerkt"));
    assert!(page.contains("role=\"status\""));
    assert_eq!(invoice_status(&app, invoice).await, "open");
    assert_eq!(payment_statuses(&app, invoice).await, ["pending"]);
    // The webhook comes; the same page now shows the payment received.
    mount_fetch(&mock, "paid", "494.15", payment, None).await;
    assert_eq!(webhook(&app, "tr_stub12345").await, StatusCode::OK);
    let page = app
        .page_with(&app.client, &format!("/betalingen/{payment}/terug"))
        .await;
    assert!(page.contains("Betaling ontvangen"));
}

/// A payment row as `start` stores it before calling Mollie.
async fn insert_creating(
    app: &TestApp,
    id: Uuid,
    key: Uuid,
    invoice: Uuid,
    created: chrono::DateTime<chrono::Utc>,
) {
    sqlx::query(
        "INSERT INTO payments (id, invoice_id, user_id, provider, idempotency_key, amount_cents,
                               created_at)
         SELECT $1, i.id, i.user_id, 'mollie', $2, i.amount_cents, $3 FROM invoices i
         WHERE i.id = $4",
    )
    .bind(id)
    .bind(key)
    .bind(created)
    .bind(invoice)
    .execute(&app.state.db)
    .await
    .unwrap();
}

#[tokio::test]
async fn a_creation_whose_answer_was_lost_is_linked_by_reconciliation_without_a_second_payment() {
    let (_database, pool) = database().await;
    let mock = MockServer::start().await;
    let app = mollie_app(pool, &mock).await;
    let training = submitted_training(&app).await;
    let invoice = invoice_of(&app, training).await;
    // Our row was stored and Mollie created the payment, but the process died before the
    // answer was stored: the row is still 'wordt_aangemaakt' without the provider's id.
    let payment = Uuid::now_v7();
    let key = Uuid::new_v4();
    insert_creating(&app, payment, key, invoice, app.clock.now()).await;
    // Mollie answers a repeated key with the payment it made the first time.
    Mock::given(method("POST"))
        .and(path("/v2/payments"))
        .and(wiremock::matchers::header(
            "idempotency-key",
            key.to_string().as_str(),
        ))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("Idempotent-Replayed", "true")
                .set_body_json(mollie_payment(
                    "tr_stub12345",
                    "open",
                    "494.15",
                    Some(payment),
                )),
        )
        .expect(1)
        .mount(&mock)
        .await;
    app.clock.advance(Duration::minutes(16));
    mijnrgs::billing::payments::reconcile(&app.state, app.clock.now())
        .await
        .unwrap();
    let linked: Option<String> =
        sqlx::query_scalar("SELECT provider_id FROM payments WHERE id = $1")
            .bind(payment)
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(linked.as_deref(), Some("tr_stub12345"));
    assert_eq!(payment_statuses(&app, invoice).await, ["open"]);

    // After the hour in which Mollie remembers keys, a row that never reached the payer
    // expires instead, and the invoice can be paid anew.
    let stale = Uuid::now_v7();
    sqlx::query("UPDATE payments SET status = 'verlopen' WHERE id = $1")
        .bind(payment)
        .execute(&app.state.db)
        .await
        .unwrap();
    insert_creating(
        &app,
        stale,
        Uuid::new_v4(),
        invoice,
        app.clock.now() - Duration::hours(2),
    )
    .await;
    mijnrgs::billing::payments::reconcile(&app.state, app.clock.now())
        .await
        .unwrap();
    assert_eq!(
        payment_statuses(&app, invoice).await,
        ["expired", "expired"]
    );
    assert_eq!(
        mock.received_requests()
            .await
            .unwrap()
            .iter()
            .filter(|r| r.method.as_str() == "POST")
            .count(),
        1,
        "no second payment at Mollie"
    );
}
