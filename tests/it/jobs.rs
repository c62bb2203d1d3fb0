//! Scheduled jobs and the mail outbox: reminders fire on the right day with an injected clock,
//! nothing runs or is sent twice, failures are retried and finally given up, and an SMTP outage
//! loses nothing.

use crate::helpers::database::database;
use chrono::Duration;
use mijnrgs::platform::jobs::JobStatus;
use mijnrgs::platform::mail::MailStatus;
use rules::code::Coded;
use uuid::Uuid;

use crate::aios::{aios_ready, create_igt, igt_with_two_hospitals, set_today, submit};
use crate::helpers::TestApp;
use crate::helpers::accounts::seed_demo;
use mijnrgs::platform::clock::Clock;
use mijnrgs::platform::mail::OutgoingEmail;

const REMINDER: &str = "Uw aanvraag staat nog op concept";

async fn run_jobs(app: &TestApp) -> usize {
    mijnrgs::dispatcher::run_due(&app.state, app.clock.now())
        .await
        .expect("run the jobs")
}

async fn reminders(app: &TestApp) -> usize {
    app.sent_emails()
        .await
        .iter()
        .filter(|m| m.subject == REMINDER && m.to_address == "noor@example.nl")
        .count()
}

async fn ready(app: &TestApp) {
    seed_demo(app).await;
    // The demo specialist's herregistratie notices and strike-off are not what these tests
    // count (tests/it/registers.rs covers them).
    sqlx::query(
        "UPDATE jobs SET status = 'uitgevoerd' WHERE kind IN ('bericht_herregistratie', 'doorhaling')",
    )
    .execute(&app.state.db)
    .await
    .unwrap();
    set_today(app);
    aios_ready(app, "noor").await;
}

#[tokio::test]
async fn a_concept_left_for_a_week_brings_exactly_one_reminder() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    ready(&app).await;
    create_igt(&app).await;

    app.clock.advance(Duration::days(6));
    run_jobs(&app).await;
    assert_eq!(reminders(&app).await, 0, "not before the seventh day");

    app.clock.advance(Duration::days(1));
    assert_eq!(run_jobs(&app).await, 1);
    assert_eq!(reminders(&app).await, 1);
    let mail = app
        .sent_emails()
        .await
        .into_iter()
        .find(|m| m.subject == REMINDER)
        .unwrap();
    assert!(
        mail.body
            .contains("Zolang u niet indient, gebeurt er niets")
    );

    app.clock.advance(Duration::days(30));
    assert_eq!(run_jobs(&app).await, 0);
    assert_eq!(reminders(&app).await, 1, "once only");
}

#[tokio::test]
async fn a_concept_submitted_in_time_brings_no_reminder() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    ready(&app).await;
    let training = igt_with_two_hospitals(&app).await;
    // (Moving the clock by days ends the session, so the aios submits first.)
    assert_eq!(
        submit(&app, training, true).await.status(),
        reqwest::StatusCode::SEE_OTHER
    );
    // The invoice's payment reminder is due the next day; it is not what this test is about.
    sqlx::query("UPDATE jobs SET status = 'uitgevoerd' WHERE kind = 'herinnering_betaling'")
        .execute(&app.state.db)
        .await
        .unwrap();
    app.clock.advance(Duration::days(8));
    assert_eq!(
        run_jobs(&app).await,
        1,
        "the job runs and finds nothing to do"
    );
    assert_eq!(reminders(&app).await, 0);
}

#[tokio::test]
async fn a_change_request_left_on_concept_is_reminded_too() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    ready(&app).await;
    let training = igt_with_two_hospitals(&app).await;
    submit(&app, training, true).await;
    sqlx::query(
        "UPDATE schedule_versions SET status = 'goedgekeurd', decided_at = now()
         WHERE training_id = $1",
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
    let response = app
        .post_form(&format!("/aios/opleidingen/{training}/wijzigen"), &[])
        .await;
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
    app.clock.advance(Duration::days(7));
    run_jobs(&app).await;
    let subjects: Vec<String> = app
        .sent_emails()
        .await
        .into_iter()
        .map(|m| m.subject)
        .filter(|s| s.ends_with("staat nog op concept"))
        .collect();
    assert_eq!(subjects, ["Uw wijziging staat nog op concept"]);
}

#[tokio::test]
async fn two_workers_at_once_run_a_job_once() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    ready(&app).await;
    create_igt(&app).await;
    app.clock.advance(Duration::days(7));
    let now = app.clock.now();
    let (a, b) = tokio::join!(
        mijnrgs::dispatcher::run_due(&app.state, now),
        mijnrgs::dispatcher::run_due(&app.state, now)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    assert_eq!(reminders(&app).await, 1);
}

#[tokio::test]
async fn scheduling_a_logical_job_twice_keeps_one() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let version = mijnrgs::platform::ids::VersionId::generate();
    let mut conn = app.state.db.acquire().await.unwrap();
    let now = app.clock.now();
    assert!(
        mijnrgs::platform::jobs::schedule_concept_reminder(&mut conn, version, now)
            .await
            .unwrap()
    );
    assert!(
        !mijnrgs::platform::jobs::schedule_concept_reminder(&mut conn, version, now)
            .await
            .unwrap()
    );
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn a_failing_job_is_retried_with_growing_pauses_and_then_given_up() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    sqlx::query(
        "INSERT INTO jobs (id, kind, key, run_at) VALUES ($1, 'bestaat_niet', 'kapot:1', $2)",
    )
    .bind(Uuid::now_v7())
    .bind(app.clock.now())
    .execute(&app.state.db)
    .await
    .unwrap();
    let state = || async {
        sqlx::query_as::<_, (String, i32, chrono::DateTime<chrono::Utc>, Option<String>)>(
            "SELECT status, attempts, run_at, last_error FROM jobs",
        )
        .fetch_one(&app.state.db)
        .await
        .unwrap()
    };
    assert_eq!(run_jobs(&app).await, 0);
    let (status, attempts, run_at, error) = state().await;
    assert_eq!((status.as_str(), attempts), (JobStatus::Planned.code(), 1));
    let pause = run_at - app.clock.now();
    assert!(
        (pause - Duration::minutes(2)).num_milliseconds().abs() < 1,
        "{pause}"
    );
    assert!(error.unwrap().contains("unknown job kind"));
    run_jobs(&app).await;
    assert_eq!(state().await.1, 1, "not retried before its time");
    for _ in 0..mijnrgs::platform::jobs::MAX_ATTEMPTS {
        app.clock.advance(Duration::hours(7));
        run_jobs(&app).await;
    }
    let (status, attempts, _, _) = state().await;
    assert_eq!(
        (status.as_str(), attempts),
        (
            JobStatus::GivenUp.code(),
            mijnrgs::platform::jobs::MAX_ATTEMPTS
        )
    );
}

async fn enqueue(app: &TestApp, to: &str, subject: &str) {
    let mut conn = app.state.db.acquire().await.unwrap();
    mijnrgs::platform::mail::enqueue(
        &mut conn,
        app.clock.now(),
        &OutgoingEmail {
            attachments: Vec::new(),
            to_address: to.to_owned(),
            to_name: None,
            subject: subject.to_owned(),
            body: "Beste,".to_owned(),
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn an_smtp_outage_loses_no_mail_and_sends_none_twice() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    for i in 0..5 {
        enqueue(&app, "anna@example.nl", &format!("Bericht {i}")).await;
    }
    app.state.mailer.set_down(true);
    assert_eq!(app.deliver_mail().await, 0);
    app.clock.advance(Duration::minutes(2));
    assert_eq!(app.deliver_mail().await, 0, "still down");
    let pending: i64 =
        sqlx::query_scalar("SELECT count(*) FROM outbox_emails WHERE status = 'in_wachtrij'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(pending, 5, "nothing lost");

    app.state.mailer.set_down(false);
    enqueue(&app, "anna@example.nl", "Nieuw bericht").await;
    assert_eq!(
        app.deliver_mail().await,
        1,
        "new mail is not held up by the backlog"
    );
    app.clock.advance(Duration::minutes(4));
    assert_eq!(app.deliver_mail().await, 5);
    app.clock.advance(Duration::hours(12));
    assert_eq!(app.deliver_mail().await, 0);
    let mut subjects: Vec<String> = app
        .state
        .mailer
        .sent()
        .into_iter()
        .map(|m| m.subject)
        .collect();
    subjects.sort();
    assert_eq!(
        subjects,
        [
            "Bericht 0",
            "Bericht 1",
            "Bericht 2",
            "Bericht 3",
            "Bericht 4",
            "Nieuw bericht"
        ]
    );
}

#[tokio::test]
async fn a_mail_that_can_never_be_delivered_is_given_up_at_once_and_recorded() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    enqueue(&app, "geen adres", "Onbestelbaar").await;
    assert_eq!(app.deliver_mail().await, 0);
    let (status, attempts, error): (String, i32, Option<String>) =
        sqlx::query_as("SELECT status, attempts, last_error FROM outbox_emails")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!((status.as_str(), attempts), (MailStatus::GivenUp.code(), 1));
    assert!(error.unwrap().contains("recipient address"));
}

#[tokio::test]
async fn the_back_office_sees_a_given_up_mail_and_puts_it_back_in_the_queue_once() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    seed_demo(&app).await;
    enqueue(&app, "noor(at)example.nl", "Onbestelbaar").await;
    assert_eq!(app.deliver_mail().await, 0);
    let id: Uuid = sqlx::query_scalar("SELECT id FROM outbox_emails WHERE status = 'opgegeven'")
        .fetch_one(&app.state.db)
        .await
        .unwrap();
    let aios = app.new_client();
    crate::helpers::accounts::log_in_demo(&app, &aios, "demo.aios").await;
    let response = aios.get(app.url("/rgs/werkvoorraad")).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::NOT_FOUND);
    let response = app
        .post_form_with(&aios, &format!("/rgs/mails/{id}/opnieuw"), &[])
        .await;
    assert_eq!(response.status(), reqwest::StatusCode::NOT_FOUND);

    let rgs = app.new_client();
    crate::helpers::accounts::log_in_demo(&app, &rgs, "demo.rgs").await;
    let page = app.page_with(&rgs, "/rgs/werkvoorraad").await;
    assert!(page.contains("Onbestelbaar"));
    assert!(page.contains("recipient address"));
    // The address is corrected, then the mail goes out again, once.
    sqlx::query("UPDATE outbox_emails SET to_address = 'noor@example.nl' WHERE id = $1")
        .bind(id)
        .execute(&app.state.db)
        .await
        .unwrap();
    let path = format!("/rgs/mails/{id}/opnieuw");
    let response = app.post_form_with(&rgs, &path, &[]).await;
    assert_eq!(response.status(), reqwest::StatusCode::SEE_OTHER);
    let response = app.post_form_with(&rgs, &path, &[]).await;
    assert_eq!(
        response.status(),
        reqwest::StatusCode::NOT_FOUND,
        "no longer given up"
    );
    assert_eq!(app.deliver_mail().await, 1);
    let sent = app
        .sent_emails()
        .await
        .into_iter()
        .filter(|m| m.subject == "Onbestelbaar")
        .count();
    assert_eq!(sent, 1);
    let page = app.page_with(&rgs, "/rgs/werkvoorraad").await;
    assert!(!page.contains("Onbestelbaar"));
    let retried: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'email.retried'")
            .fetch_one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(retried, 1);
}
