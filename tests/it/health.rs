//! Liveness and readiness.

use crate::helpers::database::database;
use reqwest::StatusCode;

use crate::helpers::{TestApp, unreachable_pool};

#[tokio::test]
async fn healthz_answers_ok_while_the_process_runs() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn readyz_answers_ok_when_the_database_is_reachable() {
    let (_database, pool) = database().await;
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
