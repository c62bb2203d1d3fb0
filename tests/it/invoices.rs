//! Invoices: issued with a "factureren bij indienen" submission, once, with the VAT split out;
//! numbered without gaps under concurrency; never changed; visible to their owner only.

use crate::helpers::database::database;
use mijnrgs::platform::ids::UserId;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::aios::{reject_in_database, submit};
use crate::helpers::TestApp;
use crate::helpers::accounts::{log_in_demo, seed_demo};
use crate::supervision::submitted_training;

async fn invoices_of(app: &TestApp, training: Uuid) -> Vec<(String, i32, i32)> {
    sqlx::query_as(
        "SELECT number, amount_cents, vat_cents FROM invoices WHERE training_id = $1
         ORDER BY sequence",
    )
    .bind(training)
    .fetch_all(&app.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn submitting_with_invoicing_at_submission_issues_one_invoice_with_the_vat_split_out() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    // The demo data's invoices come first; this one takes the next number.
    seed_demo(&app).await;
    let seeded: i64 = sqlx::query_scalar("SELECT count(*) FROM invoices")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let training = submitted_training(&app).await;
    let number = format!("2026-{:06}", seeded + 1);
    // IGT is cluster 1: € 494,15 in 2026, of which 21/121 is VAT: € 85,76.
    assert_eq!(
        invoices_of(&app, training).await,
        [(number.clone(), 49415, 8576)]
    );
    let page = app
        .page_with(&app.client, &format!("/aios/opleidingen/{training}"))
        .await;
    assert!(page.contains("Uw factuur <a href=\"/facturen/"));
    assert!(page.contains(&format!("{number}</a> van € 494,15")));
    let list = app.page_with(&app.client, "/facturen").await;
    assert!(list.contains(&number));
    assert!(list.contains("€ 494,15"));
    assert!(list.contains("Nog te betalen"));
    let id: Uuid = sqlx::query_scalar("SELECT id FROM invoices WHERE training_id = $1")
        .bind(training)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let due: chrono::NaiveDate = sqlx::query_scalar("SELECT due_on FROM invoices WHERE id = $1")
        .bind(id)
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    assert!(
        list.contains(&format!(
            r#"te betalen vóór <span class="date">{}</span>"#,
            due.format("%d-%m-%Y")
        )),
        "the due date: {list}"
    );
    assert!(
        list.contains(&format!(
            r#"<form method="post" action="/facturen/{id}/betalen"><button type="submit">Betalen<span class="visually-hidden"> factuur {number}</span>"#
        )),
        "a pay button in its row: {list}"
    );
    let page = app.page_with(&app.client, &format!("/facturen/{id}")).await;
    assert!(
        page.contains("Inschrijving in het opleidingsregister: Internationale gezondheidszorg")
    );
    assert!(page.contains("€ 408,39"), "without VAT");
    assert!(page.contains("€ 85,76"), "the VAT");
    assert!(page.contains("Noor Bakker"));
    assert!(page.contains("6525 GA  Nijmegen"), "the address on issue");

    // Rejected and submitted again: still the one invoice.
    reject_in_database(&app, training, true).await;
    let response = app
        .post_form(&format!("/aios/opleidingen/{training}/wijzigen"), &[])
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let again = app
        .page_with(
            &app.client,
            &format!("/aios/opleidingen/{training}/indienen"),
        )
        .await;
    assert!(
        again.contains(&format!(
            "Uw factuur {number} van € 494,15 is al uitgegeven; u betaalt niet opnieuw."
        )),
        "{again}"
    );
    assert_eq!(
        submit(&app, training, true).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(crate::aios::status(&app, training).await, "ingediend");
    assert_eq!(invoices_of(&app, training).await.len(), 1);

    // Nobody else sees it.
    let other = app.new_client();
    log_in_demo(&app, &other, "demo.aios").await;
    let response = other
        .get(app.url(&format!("/facturen/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let list = app.page_with(&other, "/facturen").await;
    assert!(!list.contains(&number));
}

#[tokio::test]
async fn the_fee_is_shown_on_the_invoicing_choice_and_before_submitting_but_not_for_a_change() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    crate::aios::set_today(&app);
    crate::aios::aios_ready(&app, "noor").await;
    let igt = crate::aios::specialty(&app, "igt").await;
    let choice = app
        .page_with(
            &app.client,
            &format!("/aios/opleidingen/nieuw?specialisme={igt}"),
        )
        .await;
    assert!(
        choice.contains("Hoe wilt u de factuur ontvangen?"),
        "{choice}"
    );
    // IGT is cluster 1: € 494,15 in 2026.
    assert!(
        choice.contains("De inschrijving in het opleidingsregister kost € 494,15 (inclusief btw)"),
        "{choice}"
    );

    let training = crate::aios::igt_with_two_hospitals(&app).await;
    let path = format!("/aios/opleidingen/{training}/indienen");
    let before = app.page_with(&app.client, &path).await;
    assert!(before.contains("<h1>Aanvraag indienen</h1>"), "{before}");
    assert!(
        before.contains(
            "kost € 494,15 (inclusief btw). U krijgt de factuur zodra u indient en betaalt die \
             meteen met iDEAL."
        ),
        "{before}"
    );
    assert!(
        invoices_of(&app, training).await.is_empty(),
        "nothing issued yet"
    );

    // A change request of the approved schedule costs nothing, and says nothing about it.
    submit(&app, training, true).await;
    crate::aios::approve_in_database(&app, training).await;
    crate::aios::propose_ntc(&app, training).await;
    let change = app.page_with(&app.client, &path).await;
    assert!(change.contains("<h1>Wijziging indienen</h1>"), "{change}");
    assert!(!change.contains("Kosten"), "{change}");
    assert!(!change.contains("€"), "{change}");
}

#[tokio::test]
async fn invoicing_on_the_start_date_issues_nothing_on_submission() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    crate::aios::set_today(&app);
    crate::aios::aios_ready(&app, "noor").await;
    let training = crate::aios::igt_with_two_hospitals(&app).await;
    sqlx::query("UPDATE trainings SET invoicing = 'op_startdatum' WHERE id = $1")
        .bind(training)
        .execute(&app.state.db)
        .await
        .unwrap();
    assert_eq!(
        submit(&app, training, true).await.status(),
        StatusCode::SEE_OTHER
    );
    assert!(invoices_of(&app, training).await.is_empty());
}

#[tokio::test]
async fn invoice_numbers_have_no_gaps_when_invoices_are_issued_at_once() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    // Most demo trainings have their invoice already: a copy of each has none yet.
    sqlx::query(
        "INSERT INTO trainings (id, trainee_id, specialty_id, institute_id, supervisor_id,
                                invoicing, status)
         SELECT gen_random_uuid(), trainee_id, specialty_id, institute_id, supervisor_id,
                invoicing, 'concept' FROM trainings",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    let trainees: Vec<Uuid> = sqlx::query_scalar("SELECT DISTINCT trainee_id FROM trainings")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    let mut trainings = Vec::new();
    for trainee in trainees {
        trainings.extend(
            mijnrgs::trainings::training::for_trainee(&app.state.db, UserId(trainee))
                .await
                .unwrap(),
        );
    }
    assert!(trainings.len() >= 10);
    let seeded: i64 = sqlx::query_scalar("SELECT count(*) FROM invoices")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    // Only trainings without an invoice get a new number.
    let mut conn = app.state.db.acquire().await.unwrap();
    let mut uninvoiced = Vec::new();
    for training in trainings {
        if mijnrgs::billing::invoices::of_training(&mut conn, training.id)
            .await
            .unwrap()
            .is_none()
        {
            uninvoiced.push(training);
        }
    }
    drop(conn);
    let trainings = uninvoiced;
    assert!(trainings.len() >= 10, "enough to race");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let tasks: Vec<_> = trainings
        .into_iter()
        .enumerate()
        .map(|(i, training)| {
            let db = app.state.db.clone();
            tokio::spawn(async move {
                let mut tx = db.begin().await.unwrap();
                mijnrgs::billing::invoices::for_registration(&mut tx, &training, today)
                    .await
                    .unwrap();
                // One transaction fails after taking a number: the number is given back.
                if i == 3 {
                    tx.rollback().await.unwrap();
                    false
                } else {
                    tx.commit().await.unwrap();
                    true
                }
            })
        })
        .collect();
    let mut committed = 0;
    for task in tasks {
        if task.await.unwrap() {
            committed += 1;
        }
    }
    let numbers: Vec<String> = sqlx::query_scalar("SELECT number FROM invoices ORDER BY number")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    // The demo's own invoices were issued before, from the same counter.
    let total = committed + seeded as usize;
    let expected: Vec<String> = (1..=total).map(|n| format!("2026-{n:06}")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn an_issued_invoice_cannot_be_changed_or_deleted() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    for statement in [
        "UPDATE invoices SET amount_cents = 1 WHERE training_id = $1",
        "UPDATE invoices SET recipient_name = 'Iemand anders' WHERE training_id = $1",
        "DELETE FROM invoices WHERE training_id = $1",
    ] {
        let result = sqlx::query(statement)
            .bind(training)
            .execute(&app.state.db)
            .await;
        assert!(result.is_err(), "{statement}");
    }
    // Only the payment status moves, and only from open.
    sqlx::query("UPDATE invoices SET status = 'betaald', paid_at = now() WHERE training_id = $1")
        .bind(training)
        .execute(&app.state.db)
        .await
        .unwrap();
    let back =
        sqlx::query("UPDATE invoices SET status = 'open', paid_at = NULL WHERE training_id = $1")
            .bind(training)
            .execute(&app.state.db)
            .await;
    assert!(back.is_err());
}
