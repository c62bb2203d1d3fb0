//! Error pages: whatever goes wrong, the user reads a Dutch page, never a stack trace.

use crate::helpers::database::database;
use axum::Router;
use axum::extract::State;
use axum::response::Redirect;
use axum::routing::{get, post};
use mijnrgs::platform::state::AppState;
use mijnrgs::web::error::AppResult;
use mijnrgs::web::flash::{self, FlashKind};
use reqwest::StatusCode;
use tower_sessions::Session;

use crate::helpers::TestApp;

/// The portal's routes plus a few that misbehave on purpose.
fn routes_with_faults() -> Router<AppState> {
    mijnrgs::router::router()
        .route(
            "/test/paniek",
            get(|| async {
                panic!("geheime details uit de handler");
                #[allow(unreachable_code)]
                ""
            }),
        )
        .route("/test/databasefout", get(failing_query))
        .route("/test/formulier", post(|| async { Redirect::to("/") }))
        .route("/test/flash", get(leave_flash))
}

async fn failing_query(State(state): State<AppState>) -> AppResult<String> {
    let value: i32 = sqlx::query_scalar("SELECT * FROM tabel_die_niet_bestaat")
        .fetch_one(&state.db)
        .await?;
    Ok(value.to_string())
}

async fn leave_flash(session: Session) -> Redirect {
    flash::push(&session, FlashKind::Success, "Uw gegevens zijn opgeslagen.")
        .await
        .expect("session works");
    Redirect::to("/contact")
}

#[tokio::test]
async fn an_unknown_address_gives_the_dutch_404_page() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let response = app.get("/bestaat/niet").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = response.text().await.unwrap();
    assert!(html.contains("<h1>Pagina niet gevonden</h1>"));
    assert!(html.contains(r#"href="/">Naar de startpagina"#));
    assert!(
        !html.contains("Referentienummer"),
        "a 404 needs no reference"
    );
}

#[tokio::test]
async fn a_panic_in_a_handler_gives_the_500_page_with_only_a_reference() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn_with(pool, routes_with_faults(), &[]).await;
    let response = app.get("/test/paniek").await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .unwrap()
        .to_owned();
    let html = response.text().await.unwrap();
    assert!(html.contains("Er ging iets mis aan onze kant"));
    assert!(html.contains(&format!(r#"<code class="reference">{request_id}</code>"#)));
    assert!(
        !html.contains("geheime details"),
        "panic details never reach the user"
    );
    assert!(!html.contains("panicked"));

    // The server survived the panic.
    assert_eq!(app.get("/").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_database_error_gives_the_500_page_without_its_details() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn_with(pool, routes_with_faults(), &[]).await;
    let response = app.get("/test/databasefout").await;
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let html = response.text().await.unwrap();
    assert!(html.contains("Er ging iets mis aan onze kant"));
    assert!(!html.contains("tabel_die_niet_bestaat"));
}

#[tokio::test]
async fn an_unsupported_method_such_as_trace_gives_405() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let response = app
        .client
        .request(reqwest::Method::TRACE, app.url("/"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(response.headers().contains_key("allow"));
    let html = response.text().await.unwrap();
    assert!(html.contains("Deze handeling is hier niet mogelijk"));
}

#[tokio::test]
async fn a_body_above_the_limit_is_refused_with_a_dutch_413_page() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn_with(pool, routes_with_faults(), &[("MAX_BODY_BYTES", "2048")]).await;
    let small = app
        .client
        .post(app.url("/test/formulier"))
        .body("a".repeat(100))
        .send()
        .await
        .unwrap();
    assert_eq!(small.status(), StatusCode::SEE_OTHER);

    let large = app
        .client
        .post(app.url("/test/formulier"))
        .body("a".repeat(10_000))
        .send()
        .await
        .unwrap();
    assert_eq!(large.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert!(large.text().await.unwrap().contains("te groot"));
}

#[tokio::test]
async fn a_flash_message_shows_once_on_the_next_page() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn_with(pool, routes_with_faults(), &[]).await;
    let redirect = app.get("/test/flash").await;
    assert_eq!(redirect.status(), StatusCode::SEE_OTHER);

    let html = app.get("/contact").await.text().await.unwrap();
    assert!(html.contains(r#"role="status""#));
    assert!(html.contains("Gelukt:</strong> Uw gegevens zijn opgeslagen."));

    let again = app.get("/contact").await.text().await.unwrap();
    assert!(!again.contains("Uw gegevens zijn opgeslagen."));
}

#[tokio::test]
async fn a_request_that_takes_too_long_gets_the_dutch_timeout_page() {
    let (_database, pool) = database().await;
    let routes = mijnrgs::router::router().route(
        "/test/traag",
        get(|| async {
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            "te laat"
        }),
    );
    let app = TestApp::spawn_with(pool, routes, &[("REQUEST_TIMEOUT_SECS", "1")]).await;
    let response = app.get("/test/traag").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let html = response.text().await.unwrap();
    assert!(html.contains("MijnRGS reageert niet op tijd"));
    assert!(!html.contains("te laat"));
}
