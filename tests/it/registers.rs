//! Registration as specialist after training, herregistratie with the portal's proposal and
//! the RGS's decision, the invitation and reminders, and the strike-off on expiry.

use crate::helpers::database::database;
use chrono::{DateTime, NaiveDate, Utc};
use mijnrgs::platform::clock::Clock;
use mijnrgs::platform::ids::{RegisterEntryId, UserId};
use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::accounts::{TestUser, log_in, log_in_demo};
use crate::helpers::{TestApp, location};
use crate::payments::pay;
use crate::supervision::training_near_its_end_of;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

/// Noor's IGT training (ending 01-12-2026) with a positive eindverklaring; the default client
/// is logged in as Noor, on 22-11-2026.
async fn completed_training(app: &TestApp) -> (Uuid, TestUser) {
    let (training, noor) = training_near_its_end_of(app).await;
    let opleider = app.new_client();
    log_in_demo(app, &opleider, "demo.opleider").await;
    let response = app
        .post_form_with(
            &opleider,
            &format!("/opleider/aios/{training}/eindverklaring"),
            &[
                ("bevestigd", "ja"),
                ("uitkomst", "positief"),
                ("einddatum", "01-12-2026"),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    (training, noor)
}

async fn invoices_of(app: &TestApp, product: &str) -> Vec<(Uuid, i32)> {
    sqlx::query_as("SELECT id, amount_cents FROM invoices WHERE product = $1 ORDER BY number")
        .bind(product)
        .fetch_all(&app.state.db)
        .await
        .unwrap()
}

async fn entry_of(app: &TestApp, username: &str) -> (Uuid, NaiveDate, NaiveDate, String) {
    sqlx::query_as(
        "SELECT e.id, e.registered_on, e.ends_on, e.status FROM register_entries e
         JOIN users u ON u.id = e.user_id WHERE u.username = $1",
    )
    .bind(username)
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

async fn roles_of(app: &TestApp, username: &str) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT r.role FROM role_assignments r JOIN users u ON u.id = r.user_id
         WHERE u.username = $1 AND r.revoked_at IS NULL ORDER BY r.role",
    )
    .bind(username)
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = $1")
        .bind(action)
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

async fn mails_about(app: &TestApp, subject: &str) -> Vec<mijnrgs::platform::mail::OutgoingEmail> {
    app.sent_emails()
        .await
        .into_iter()
        .filter(|m| m.subject.contains(subject))
        .collect()
}

/// The text of a PDF, through poppler's `pdftotext`.
fn pdf_text(bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("mijnrgs-{}", Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("letter.pdf");
    std::fs::write(&file, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", file.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

async fn download(app: &TestApp, client: &reqwest::Client, path: &str) -> (StatusCode, Vec<u8>) {
    let response = client.get(app.url(path)).send().await.unwrap();
    let status = response.status();
    if status == StatusCode::OK {
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "application/pdf"
        );
    }
    (status, response.bytes().await.unwrap().to_vec())
}

/// The demo specialist's herregistratie request, with the period moved to end in two months
/// of the test clock. Returns the entry and the request.
pub(crate) async fn demo_specialist_request(app: &TestApp) -> (Uuid, Uuid) {
    herregistratie_request(app, "demo.specialist").await
}

/// The herregistratie request of `username`, who has one register entry, with its period
/// moved to end in two months of the test clock. Returns the entry and the request.
pub(crate) async fn herregistratie_request(app: &TestApp, username: &str) -> (Uuid, Uuid) {
    let specialist = crate::helpers::accounts::user_id(app, username).await;
    let entry: RegisterEntryId = sqlx::query_scalar(
        "UPDATE register_entries SET ends_on = $2 WHERE user_id = $1 RETURNING id",
    )
    .bind(specialist)
    .bind(app.clock.today() + chrono::Duration::days(60))
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    let (application, _, _) = mijnrgs::registers::reregistration::apply(
        &app.state,
        &Default::default(),
        UserId(specialist),
        entry,
        &rules::reregistration::Declaration {
            hours_per_year: [832; 5],
            education_hours: 200,
            eif_done: true,
            eke_done: true,
            interruption_over_two_years: false,
            evaluation_missed_before: false,
        },
    )
    .await
    .unwrap();
    (entry.into(), application)
}

/// Sets the clock to `when` and runs the jobs then due.
async fn run_jobs(app: &TestApp, when: &str) {
    app.clock.set(at(when));
    mijnrgs::dispatcher::run_due(&app.state, app.clock.now())
        .await
        .unwrap();
}

/// Sets the clock to `when` and logs `user` in again with a new client (a clock jump ends
/// the session).
async fn back_at(app: &TestApp, when: &str, user: &TestUser) -> reqwest::Client {
    app.clock.set(at(when));
    let client = app.new_client();
    let response = log_in(app, &client, user).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    client
}

async fn rgs_at(app: &TestApp, when: &str) -> reqwest::Client {
    app.clock.set(at(when));
    let rgs = app.new_client();
    log_in_demo(app, &rgs, "demo.rgs").await;
    rgs
}

/// Noor requests registration and pays: she is in the profielregister for IGT from
/// 01-12-2026 until 01-12-2031 (exclusive). Returns the entry and Noor.
async fn registered_specialist(app: &TestApp) -> (Uuid, TestUser) {
    let (training, noor) = completed_training(app).await;
    let response = app
        .post_form(
            &format!("/registratie/opleidingen/{training}/aanvragen"),
            &[],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let invoice = invoices_of(app, "eerste_registratie").await[0].0;
    assert_eq!(location(&response), format!("/facturen/{invoice}"));
    pay(app, &app.client, invoice, "paid").await;
    (entry_of(app, "noor").await.0, noor)
}

fn declaration<'a>(hours: &'a str, education: &'a str, step: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("uren1", hours),
        ("uren2", hours),
        ("uren3", hours),
        ("uren4", hours),
        ("uren5", hours),
        ("deskundigheidsbevordering", education),
        ("eif", "ja"),
        ("eke", "ja"),
        ("stap", step),
    ]
}

async fn applications(app: &TestApp) -> Vec<(Uuid, Option<i16>, String)> {
    sqlx::query_as(
        "SELECT id, proposed_months, status FROM register_applications
         WHERE kind = 'herregistratie' ORDER BY submitted_at",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn an_aios_with_a_positive_eindverklaring_requests_registration_pays_and_becomes_a_specialist()
 {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let (training, _) = completed_training(&app).await;
    let page = app.page_with(&app.client, "/registratie").await;
    assert!(page.contains("Registratie aanvragen: Internationale gezondheidszorg"));
    assert!(page.contains("U kunt nu registratie aanvragen"), "{page}");
    assert!(
        page.contains("De registratie kost € 202,98 (inclusief btw)."),
        "the fee before the request: {page}"
    );
    // The end typed as "tot 01-12-2026" is read everywhere as its last day, the same way.
    assert!(
        page.contains("de opleiding loopt tot en met 30-11-2026"),
        "{page}"
    );
    let told = app
        .sent_emails()
        .await
        .into_iter()
        .find(|m| m.subject.contains("vraag nu uw registratie aan"))
        .expect("the mail about the eindverklaring");
    assert!(
        told.body
            .contains("de opleiding loopt tot en met 30-11-2026."),
        "{}",
        told.body
    );

    let path = format!("/registratie/opleidingen/{training}/aanvragen");
    let response = app.post_form(&path, &[]).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let invoices = invoices_of(&app, "eerste_registratie").await;
    assert_eq!(invoices.len(), 1);
    assert_eq!(
        invoices[0].1, 20298,
        "the 2026 fee of an eerste registratie"
    );
    let invoice = invoices[0].0;
    assert_eq!(location(&response), format!("/facturen/{invoice}"));
    assert_eq!(audited(&app, "register.requested").await, 1);

    // A second request adds nothing.
    let again = app.post_form(&path, &[]).await;
    assert_eq!(location(&again), "/registratie");
    let page = app.page_with(&app.client, "/registratie").await;
    assert!(page.contains("U heeft voor deze opleiding al registratie aangevraagd."));
    assert!(page.contains("Betaal factuur"));
    assert_eq!(invoices_of(&app, "eerste_registratie").await.len(), 1);
    let entries: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM register_entries e
                                            JOIN users u ON u.id = e.user_id
                                            WHERE u.username = 'noor'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(entries, 0, "no entry before payment");

    pay(&app, &app.client, invoice, "paid").await;
    let (entry, start, end, status) = entry_of(&app, "noor").await;
    assert_eq!(
        (start, end, status.as_str()),
        (date("2026-12-01"), date("2031-12-01"), "ingeschreven"),
        "starts the day after training, lasts five years"
    );
    assert_eq!(
        roles_of(&app, "noor").await,
        ["specialist"],
        "the aios role gave way"
    );
    assert_eq!(audited(&app, "register.entered").await, 1);
    let paid = mails_about(&app, "Betaling ontvangen").await;
    assert_eq!(paid.len(), 1);
    assert!(
        paid[0]
            .body
            .contains("U staat ingeschreven in het profielregister van Internationale"),
        "{}",
        paid[0].body
    );
    let jobs: Vec<String> = sqlx::query_scalar(
        "SELECT key FROM jobs WHERE kind IN ('bericht_herregistratie', 'doorhaling')
           AND key LIKE '%' || $1 || '%' ORDER BY run_at",
    )
    .bind(entry.to_string())
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        jobs,
        [
            format!("reregistration_notice:{entry}:2031-12-01:uitnodiging"),
            format!("reregistration_notice:{entry}:2031-12-01:herinnering"),
            format!("reregistration_notice:{entry}:2031-12-01:laatste_herinnering"),
            format!("strike_off:{entry}:2031-12-01"),
        ]
    );

    let page = app.page_with(&app.client, "/registratie").await;
    assert!(page.contains("Profielregister: Internationale gezondheidszorg"));
    assert!(page.contains("30-11-2031"), "the last day");
    assert!(page.contains("Nog 1835 dagen"), "{page}");
    assert!(page.contains("U kunt herregistratie aanvragen vanaf 01-06-2031."));
    assert!(!page.contains("Mijn opleiding"), "no aios menu any more");
    assert_eq!(
        app.get("/aios/opleidingen").await.status(),
        StatusCode::NOT_FOUND
    );

    let (status, proof) = download(
        &app,
        &app.client,
        &format!("/registratie/inschrijvingen/{entry}/bewijs"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&proof);
    for expected in [
        "Bewijs van inschrijving",
        "Noor Bakker",
        "19087654301",
        "Profielregister",
        "01-12-2026",
        "30-11-2031",
        "Ingeschreven",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let application: Uuid = sqlx::query_scalar("SELECT id FROM register_applications")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let (status, letter) = download(
        &app,
        &app.client,
        &format!("/registratie/aanvragen/{application}/besluit"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&letter);
    assert!(
        text.contains("Besluit: inschrijving in het register"),
        "{text}"
    );
    assert!(text.contains("bezwaar"));

    // Nobody else gets the documents or the form.
    let other = app.new_client();
    log_in_demo(&app, &other, "demo.specialist").await;
    for path in [
        format!("/registratie/inschrijvingen/{entry}/bewijs"),
        format!("/registratie/aanvragen/{application}/besluit"),
        format!("/registratie/inschrijvingen/{entry}/herregistratie"),
    ] {
        assert_eq!(
            download(&app, &other, &path).await.0,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let response = app
        .post_form_with(
            &other,
            &format!("/registratie/inschrijvingen/{entry}/herregistratie"),
            &declaration("832", "200", "indienen"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let contact = app.new_client();
    log_in_demo(&app, &contact, "demo.contactpersoon").await;
    assert_eq!(
        contact
            .get(app.url("/registratie"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND,
        "the page is for aios and specialists"
    );
}

#[tokio::test]
async fn registration_outside_the_window_is_refused_and_the_page_says_what_to_do() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let (training, noor) = completed_training(&app).await;
    let path = format!("/registratie/opleidingen/{training}/aanvragen");

    let late = back_at(&app, "2027-03-02T10:00:00+01:00", &noor).await;
    let page = app.page_with(&late, "/registratie").await;
    assert!(
        page.contains("De termijn om registratie aan te vragen liep tot en met 01-03-2027"),
        "{page}"
    );
    assert!(!page.contains(&path), "no request button");
    let response = app.post_form_with(&late, &path, &[]).await;
    assert_eq!(location(&response), "/registratie");
    let page = app.page_with(&late, "/registratie").await;
    assert!(page.contains("Registratie aanvragen kan alleen van drie maanden voor"));
}

#[tokio::test]
async fn a_request_paid_after_the_end_of_training_starts_on_the_day_of_payment() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let (training, noor) = completed_training(&app).await;
    let path = format!("/registratie/opleidingen/{training}/aanvragen");
    let on_time = back_at(&app, "2027-03-01T10:00:00+01:00", &noor).await;
    assert!(
        app.page_with(&on_time, "/registratie")
            .await
            .contains(&path)
    );
    assert!(invoices_of(&app, "eerste_registratie").await.is_empty());
    let response = app.post_form_with(&on_time, &path, &[]).await;
    let invoice = invoices_of(&app, "eerste_registratie").await[0].0;
    assert_eq!(location(&response), format!("/facturen/{invoice}"));
    // Complete later than the end of training: it starts on the day of payment.
    app.clock.set(at("2027-03-01T15:00:00+01:00"));
    pay(&app, &on_time, invoice, "paid").await;
    let (_, start, end, _) = entry_of(&app, "noor").await;
    assert_eq!(
        (start, end),
        (date("2027-03-01"), date("2032-03-01")),
        "never backdated"
    );
}

#[tokio::test]
async fn herregistratie_is_invited_reminded_proposed_paid_and_decided_without_a_gap() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let (entry, noor) = registered_specialist(&app).await;
    let noor_mails = |subject: &'static str| {
        let app = &app;
        async move {
            mails_about(app, subject)
                .await
                .into_iter()
                .filter(|m| m.to_address == "noor@example.nl")
                .collect::<Vec<_>>()
        }
    };

    run_jobs(&app, "2031-07-31T12:00:00+02:00").await;
    assert!(
        noor_mails("Uitnodiging").await.is_empty(),
        "not before four months"
    );
    run_jobs(&app, "2031-08-01T08:00:00+02:00").await;
    run_jobs(&app, "2031-08-01T09:00:00+02:00").await;
    let invitations = noor_mails("Uitnodiging: vraag herregistratie aan").await;
    assert_eq!(invitations.len(), 1, "once");
    assert!(invitations[0].body.contains("/registratie"));
    assert!(invitations[0].body.contains("geldig tot en met 30-11-2031"));
    run_jobs(&app, "2031-10-01T08:00:00+02:00").await;
    assert_eq!(
        noor_mails(
            "Herinnering: uw registratie als arts internationale gezondheidszorg en \
             tropengeneeskunde loopt af"
        )
        .await
        .len(),
        1,
        "named as what she is"
    );

    let client = back_at(&app, "2031-10-15T10:00:00+02:00", &noor).await;
    let path = format!("/registratie/inschrijvingen/{entry}/herregistratie");
    let form = app.page_with(&client, &path).await;
    assert!(
        form.contains("Uren gewerkt van 01-12-2026 tot en met 30-11-2027"),
        "{form}"
    );
    assert!(form.contains("Uren gewerkt van 01-12-2030 tot en met 30-11-2031"));
    assert!(form.contains("165,66"), "the herregistratie fee");

    let mut wrong = declaration("624", "200", "berekenen");
    wrong[1] = ("uren2", "zeshonderd");
    let response = app.post_form_with(&client, &path, &wrong).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = response.text().await.unwrap();
    assert!(body.contains("Vul een heel aantal uren in"));
    assert!(
        body.contains("value=\"zeshonderd\""),
        "what was typed stays"
    );

    let response = app
        .post_form_with(&client, &path, &declaration("624", "200", "berekenen"))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let preview = response.text().await.unwrap();
    assert!(
        preview.contains("Voorstel: herregistratie voor 45 maanden (3 jaar en 9 maanden)"),
        "{preview}"
    );
    assert!(preview.contains("gemiddeld 12,0 uur per week"));
    assert!(preview.contains("tot en met 31-08-2035"));
    assert!(
        applications(&app).await.is_empty(),
        "showing the proposal writes nothing"
    );

    let response = app
        .post_form_with(&client, &path, &declaration("624", "200", "indienen"))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let invoices = invoices_of(&app, "herregistratie").await;
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0].1, 16566);
    assert_eq!(location(&response), format!("/facturen/{}", invoices[0].0));
    let again = app
        .post_form_with(&client, &path, &declaration("832", "200", "indienen"))
        .await;
    assert_eq!(location(&again), "/registratie");
    let submitted = applications(&app).await;
    assert_eq!(submitted.len(), 1);
    assert_eq!(submitted[0].1, Some(45));
    let application = submitted[0].0;

    run_jobs(&app, "2031-11-17T08:00:00+01:00").await;
    assert!(
        noor_mails("Laatste herinnering").await.is_empty(),
        "no reminder once applied"
    );

    let rgs = rgs_at(&app, "2031-11-17T09:00:00+01:00").await;
    let work = app.page_with(&rgs, "/rgs/werkvoorraad").await;
    assert!(
        work.contains(&format!("/rgs/herregistraties/{application}")),
        "{work}"
    );
    assert!(work.contains("Nog niet betaald"));
    // Noor's account page shows her entry, her request and its invoice.
    let noor_id = crate::helpers::accounts::user_id(&app, "noor").await;
    let account = app
        .page_with(&rgs, &format!("/rgs/gebruikers/{noor_id}"))
        .await;
    assert!(
        account.contains(&format!(
            "<a href=\"/rgs/herregistraties/{application}\">Herregistratie: "
        )),
        "{account}"
    );
    assert!(
        account.contains("geldig tot en met 30-11-2031"),
        "{account}"
    );
    assert!(account.contains(&format!("/rgs/facturen/{}", invoices[0].0)));
    let decision = format!("/rgs/herregistraties/{application}/besluit");
    let grant = |months: &'static str, note: &'static str| {
        vec![
            ("bevestigd", "ja"),
            ("besluit", "toekennen"),
            ("maanden", months),
            ("toelichting", note),
        ]
    };
    let response = app.post_form_with(&rgs, &decision, &grant("45", "")).await;
    assert_eq!(response.status(), StatusCode::CONFLICT);
    assert!(response.text().await.unwrap().contains("nog niet betaald"));

    let client = back_at(&app, "2031-11-17T10:00:00+01:00", &noor).await;
    pay(&app, &client, invoices[0].0, "paid").await;
    let paid = noor_mails("Betaling ontvangen").await;
    assert!(
        paid.last()
            .unwrap()
            .body
            .contains("De RGS beoordeelt nu uw aanvraag")
    );

    let rgs = rgs_at(&app, "2031-11-18T09:00:00+01:00").await;
    let page = app
        .page_with(&rgs, &format!("/rgs/herregistraties/{application}"))
        .await;
    assert!(page.contains("Voorstel van MijnRGS: 45 maanden"));
    assert!(page.contains("624"));
    let response = app.post_form_with(&rgs, &decision, &grant("60", "")).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("wijkt af van het voorstel")
    );
    let response = app.post_form_with(&rgs, &decision, &grant("45", "")).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);

    let (_, _, end, status) = entry_of(&app, "noor").await;
    assert_eq!((end, status.as_str()), (date("2035-09-01"), "ingeschreven"));
    let periods: Vec<(NaiveDate, NaiveDate)> = sqlx::query_as(
        "SELECT starts_on, ends_on FROM register_periods WHERE entry_id = $1 ORDER BY starts_on",
    )
    .bind(entry)
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    assert_eq!(
        periods,
        [
            (date("2026-12-01"), date("2031-12-01")),
            (date("2031-12-01"), date("2035-09-01")),
        ],
        "the new period starts where the old one ends"
    );
    let decided = noor_mails("Besluit over uw herregistratie").await;
    assert_eq!(decided.len(), 1);
    assert!(decided[0].body.contains("45 maanden"));
    assert!(decided[0].body.contains("31-08-2035"));
    assert_eq!(audited(&app, "register.reregistered").await, 1);
    let response = app.post_form_with(&rgs, &decision, &grant("45", "")).await;
    assert_eq!(response.status(), StatusCode::CONFLICT, "decided once");

    // The database itself refuses a period that overlaps or leaves a gap.
    for (from, to) in [("2035-08-01", "2036-01-01"), ("2035-10-01", "2036-01-01")] {
        let refused = sqlx::query(
            "INSERT INTO register_periods (entry_id, starts_on, ends_on) VALUES ($1, $2, $3)",
        )
        .bind(entry)
        .bind(date(from))
        .bind(date(to))
        .execute(&app.state.db)
        .await;
        assert!(refused.is_err(), "{from}–{to} is refused");
    }

    // The old period's last reminder and strike-off do nothing now.
    run_jobs(&app, "2031-12-01T01:00:00+01:00").await;
    assert_eq!(entry_of(&app, "noor").await.3, "ingeschreven");
    assert!(noor_mails("Laatste herinnering").await.is_empty());
    let next: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs WHERE key = $1")
        .bind(format!("strike_off:{entry}:2035-09-01"))
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert_eq!(next, 1, "the new period has its own strike-off");

    let client = back_at(&app, "2031-12-02T10:00:00+01:00", &noor).await;
    let (status, letter) = download(
        &app,
        &client,
        &format!("/registratie/aanvragen/{application}/besluit"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let text = pdf_text(&letter);
    assert!(text.contains("Besluit: herregistratie toegekend"), "{text}");
    assert!(text.contains("45 maanden"));
    assert!(text.contains("31-08-2035"));
}

#[tokio::test]
async fn a_herregistratie_refused_after_the_end_strikes_the_entry_off_at_once() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let (entry, noor) = registered_specialist(&app).await;
    let client = back_at(&app, "2031-11-20T10:00:00+01:00", &noor).await;
    let path = format!("/registratie/inschrijvingen/{entry}/herregistratie");
    let response = app
        .post_form_with(&client, &path, &declaration("300", "80", "indienen"))
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let (application, proposed, _) = applications(&app).await.remove(0);
    assert_eq!(
        proposed, None,
        "below 8 hours a week and 100 hours: refusal proposed"
    );
    let invoice = invoices_of(&app, "herregistratie").await[0].0;
    pay(&app, &client, invoice, "paid").await;

    run_jobs(&app, "2031-12-01T01:00:00+01:00").await;
    assert_eq!(
        entry_of(&app, "noor").await.3,
        "ingeschreven",
        "a request waiting for the RGS keeps the entry"
    );

    let rgs = rgs_at(&app, "2031-12-05T10:00:00+01:00").await;
    let decision = format!("/rgs/herregistraties/{application}/besluit");
    let response = app
        .post_form_with(
            &rgs,
            &decision,
            &[
                ("bevestigd", "ja"),
                ("besluit", "afwijzen"),
                ("toelichting", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = app
        .post_form_with(
            &rgs,
            &decision,
            &[
                ("bevestigd", "ja"),
                ("besluit", "afwijzen"),
                (
                    "toelichting",
                    "Te weinig uren gewerkt en te weinig nascholing.",
                ),
            ],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(entry_of(&app, "noor").await.3, "doorgehaald");
    let struck: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM audit_log WHERE action = 'register.struck_off' AND object_id = $1",
    )
    .bind(entry.to_string())
    .fetch_one(&app.state.db)
    .await
    .unwrap();
    assert_eq!(struck, 1);
    let told = mails_about(&app, "is doorgehaald").await;
    assert_eq!(
        told.iter()
            .filter(|m| m.to_address == "noor@example.nl")
            .count(),
        1
    );
    let public = app
        .get("/register?zoek=noor+bakker")
        .await
        .text()
        .await
        .unwrap();
    assert!(public.contains("Doorgehaald"), "{public}");
}

#[tokio::test]
async fn an_entry_whose_period_ends_without_herregistratie_is_struck_off_and_the_specialist_told() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let (entry, noor) = registered_specialist(&app).await;
    run_jobs(&app, "2031-11-30T23:00:00+01:00").await;
    assert_eq!(entry_of(&app, "noor").await.3, "ingeschreven");
    let to_noor = |mails: Vec<mijnrgs::platform::mail::OutgoingEmail>| {
        mails
            .into_iter()
            .filter(|m| m.to_address == "noor@example.nl")
            .collect::<Vec<_>>()
    };
    assert_eq!(
        to_noor(mails_about(&app, "Laatste herinnering").await).len(),
        1
    );
    // A request that is never paid does not keep the entry past its end.
    let client = back_at(&app, "2031-11-30T23:10:00+01:00", &noor).await;
    let response = app
        .post_form_with(
            &client,
            &format!("/registratie/inschrijvingen/{entry}/herregistratie"),
            &declaration("832", "200", "indienen"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    run_jobs(&app, "2031-12-01T00:10:00+01:00").await;
    run_jobs(&app, "2031-12-02T00:10:00+01:00").await;
    assert_eq!(entry_of(&app, "noor").await.3, "doorgehaald");
    let mails = to_noor(mails_about(&app, "is doorgehaald").await);
    assert_eq!(mails.len(), 1, "told once");
    assert!(
        mails[0]
            .body
            .contains("zonder dat herregistratie is toegekend")
    );

    // The RGS can still refuse the unpaid request; it is not struck off twice.
    let (application, _, _) = applications(&app).await.remove(0);
    let rgs = rgs_at(&app, "2031-12-02T09:00:00+01:00").await;
    let decision = format!("/rgs/herregistraties/{application}/besluit");
    let grant = [
        ("bevestigd", "ja"),
        ("besluit", "toekennen"),
        ("maanden", "60"),
        ("toelichting", ""),
    ];
    let response = app.post_form_with(&rgs, &decision, &grant).await;
    assert_eq!(
        response.status(),
        StatusCode::CONFLICT,
        "not granted unpaid"
    );
    // The refusal is restated first; only its confirmation decides.
    let refuse = [("besluit", "afwijzen"), ("toelichting", "Niet betaald.")];
    let response = app.post_form_with(&rgs, &decision, &refuse).await;
    assert_eq!(response.status(), StatusCode::OK);
    let check = response.text().await.unwrap();
    assert!(check.contains("<h1>Controleer uw besluit</h1>"), "{check}");
    assert!(check.contains("U wijst de herregistratie van"), "{check}");
    assert!(check.contains(r#"<input type="hidden" name="bevestigd" value="ja">"#));
    assert_eq!(
        applications(&app).await[0].2,
        "ingediend",
        "nothing decided yet"
    );
    let refuse = [
        ("besluit", "afwijzen"),
        ("toelichting", "Niet betaald."),
        ("bevestigd", "ja"),
    ];
    let response = app.post_form_with(&rgs, &decision, &refuse).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/vastgelegd");
    let done = app.page_with(&rgs, "/vastgelegd").await;
    assert!(done.contains("<h1>Herregistratie afgewezen</h1>"), "{done}");
    assert_eq!(applications(&app).await[0].2, "afgewezen");
    assert_eq!(to_noor(mails_about(&app, "is doorgehaald").await).len(), 1);
    let refused = to_noor(mails_about(&app, "Besluit over uw herregistratie").await);
    assert!(
        refused[0]
            .body
            .contains("Uw inschrijving was al doorgehaald.")
    );

    let client = back_at(&app, "2031-12-02T10:00:00+01:00", &noor).await;
    let page = app.page_with(&client, "/registratie").await;
    assert!(page.contains("Doorgehaald op"), "{page}");
    assert!(!page.contains("/bewijs"), "no proof of a struck-off entry");
}
