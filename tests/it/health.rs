//! Liveness and readiness.

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::{TestApp, unreachable_pool};

#[sqlx::test]
async fn healthz_answers_ok_while_the_process_runs(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[sqlx::test]
async fn readyz_answers_ok_when_the_database_is_reachable(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn readyz_answers_503_when_the_database_is_unreachable() {
    let app = TestApp::spawn(unreachable_pool()).await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.text().await.unwrap(), "database unreachable");

    // The process itself is still alive.
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
}
