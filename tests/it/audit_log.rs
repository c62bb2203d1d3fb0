//! The back office's audit log: searched by user (also "namens"), subject, action and date,
//! newest first, page by page; the search is itself recorded; nobody else can read it.

use crate::helpers::database::database;
use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::TestApp;
use crate::helpers::accounts::{log_in_demo, user_id};
use crate::supervision::submitted_training;
use mijnrgs::platform::audit::{self, AuditEntry, Outcome};
use mijnrgs::platform::clock::Clock;
use mijnrgs::platform::ids::UserId;

#[tokio::test]
async fn the_rgs_finds_entries_by_user_subject_action_and_date() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let training = submitted_training(&app).await;
    // The ondersteuner acted for the opleider.
    let sanne = user_id(&app, "demo.ondersteuner").await;
    let pieter = user_id(&app, "demo.opleider").await;
    let mut conn = app.state.db.acquire().await.unwrap();
    let mut entry = AuditEntry::new("training.approved", Some(UserId(sanne)), Outcome::Success)
        .object("training", training);
    entry.on_behalf_of = Some(UserId(pieter));
    audit::record(&mut conn, app.clock.now(), &Default::default(), entry)
        .await
        .unwrap();
    drop(conn);

    let rgs = app.new_client();
    log_in_demo(&app, &rgs, "demo.rgs").await;
    let page = app.page_with(&rgs, "/rgs/auditlog?gebruiker=noor").await;
    assert!(page.contains("<code>training.submitted</code>"));
    assert!(page.contains("Noor Bakker"));
    assert!(page.contains("127.0.0.1"), "from where");
    assert!(!page.contains("<code>training.approved</code>"), "not hers");

    // By the principal: the entry made on Pieter's behalf, shown as such.
    let page = app
        .page_with(&rgs, "/rgs/auditlog?gebruiker=Pieter&actie=training.")
        .await;
    assert!(page.contains("Sanne Bakker"));
    assert!(page.contains("namens Dr. Pieter Jansen"));

    // By subject: everything about the training.
    let page = app
        .page_with(&rgs, &format!("/rgs/auditlog?onderwerp={training}"))
        .await;
    assert!(page.contains("<code>training.submitted</code>"));
    assert!(page.contains("<code>training.approved</code>"));

    // By action prefix; wildcards are taken literally.
    let page = app.page_with(&rgs, "/rgs/auditlog?actie=payment.").await;
    assert!(page.contains("Geen vermeldingen gevonden."));
    let page = app.page_with(&rgs, "/rgs/auditlog?actie=%25").await;
    assert!(page.contains("Geen vermeldingen gevonden."));

    // By date: the test clock stands on 22-11-2026.
    let page = app
        .page_with(
            &rgs,
            "/rgs/auditlog?gebruiker=noor&van=22-11-2026&tot=22-11-2026",
        )
        .await;
    assert!(page.contains("<code>training.submitted</code>"));
    let page = app
        .page_with(
            &rgs,
            "/rgs/auditlog?gebruiker=noor&van=01-01-2026&tot=21-11-2026",
        )
        .await;
    assert!(page.contains("Geen vermeldingen gevonden."));

    // Reading the log is recorded too.
    let searches: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'audit.searched'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(searches, 7);
}

#[tokio::test]
async fn the_audit_log_pages_back_in_time_without_gaps() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    let subject = Uuid::new_v4();
    let mut conn = app.state.db.acquire().await.unwrap();
    for i in 0..60 {
        audit::record(
            &mut conn,
            app.clock.now(),
            &Default::default(),
            AuditEntry::new("test.paged", None, Outcome::Success)
                .object("test", subject)
                .details(serde_json::json!({ "n": i })),
        )
        .await
        .unwrap();
    }
    drop(conn);
    let rgs = app.new_client();
    log_in_demo(&app, &rgs, "demo.rgs").await;
    let first = app
        .page_with(&rgs, &format!("/rgs/auditlog?onderwerp={subject}"))
        .await;
    assert_eq!(first.matches("<code>test.paged</code>").count(), 50);
    assert!(first.contains("{&#34;n&#34;: 59}") || first.contains("&quot;n&quot;: 59"));
    let start = first.find("\">Oudere vermeldingen</a>").unwrap();
    let href = &first[..start];
    let href = href[href.rfind("href=\"").unwrap() + 6..]
        .replace("&#38;", "&")
        .replace("&amp;", "&");
    let second = app.page_with(&rgs, &href).await;
    assert_eq!(second.matches("<code>test.paged</code>").count(), 10);
    assert!(!second.contains("Oudere vermeldingen"));
}

#[tokio::test]
async fn only_the_rgs_reads_the_audit_log_and_a_bad_date_is_explained() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    for user in ["demo.aios", "demo.opleider", "demo.contactpersoon"] {
        let client = app.new_client();
        log_in_demo(&app, &client, user).await;
        let response = client.get(app.url("/rgs/auditlog")).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{user}");
    }
    let rgs = app.new_client();
    log_in_demo(&app, &rgs, "demo.rgs").await;
    let response = rgs
        .get(app.url("/rgs/auditlog?van=31-02-2026"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Deze datum bestaat niet")
    );
}
