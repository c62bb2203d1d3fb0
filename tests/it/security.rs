//! Security headers and cross-site request protection.

use crate::helpers::database::database;
use axum::response::Redirect;
use axum::routing::post;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::helpers::TestApp;

fn assert_security_headers(headers: &HeaderMap, path: &str) {
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
    assert!(!csp.contains("unsafe-eval"), "{path}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
    assert!(csp.contains("default-src 'self'"), "{path}: {csp}");
    assert!(csp.contains("object-src 'none'"), "{path}: {csp}");
    assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
    assert_eq!(
        headers["referrer-policy"], "strict-origin-when-cross-origin",
        "{path}"
    );
    assert_eq!(headers["x-frame-options"], "DENY", "{path}");
    assert!(!headers.contains_key("server"), "{path}");
}

#[tokio::test]
async fn html_responses_carry_the_security_headers_and_are_not_cached() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    for path in ["/", "/contact", "/toegankelijkheid", "/bestaat-niet"] {
        let response = app.get(path).await;
        assert_security_headers(response.headers(), path);
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
        assert!(response.headers().contains_key("x-request-id"), "{path}");
    }
}

#[tokio::test]
async fn hsts_is_sent_only_when_the_portal_is_served_over_https() {
    let (_database, pool) = database().await;
    let plain = TestApp::spawn(pool.clone()).await;
    assert!(
        !plain
            .get("/")
            .await
            .headers()
            .contains_key("strict-transport-security")
    );

    let tls = TestApp::spawn_with(
        pool,
        mijnrgs::router::router(),
        &[("BASE_URL", "https://mijn.rgs.test")],
    )
    .await;
    let response = tls.get("/").await;
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
}

#[tokio::test]
async fn a_cross_site_post_is_refused_and_a_same_origin_post_is_accepted() {
    let (_database, pool) = database().await;
    let routes =
        mijnrgs::router::router().route("/test/formulier", post(|| async { Redirect::to("/") }));
    let app = TestApp::spawn_with(pool, routes, &[]).await;

    let cross = app
        .client
        .post(app.url("/test/formulier"))
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://aanvaller.example")
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    assert!(cross.text().await.unwrap().contains("Verzoek geweigerd"));

    let foreign_origin = app
        .client
        .post(app.url("/test/formulier"))
        .header("origin", "https://aanvaller.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign_origin.status(), StatusCode::FORBIDDEN);

    let same = app
        .client
        .post(app.url("/test/formulier"))
        .header("sec-fetch-site", "same-origin")
        .header("origin", app.base.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_lax() {
    let (_database, pool) = database().await;
    let routes = mijnrgs::router::router().route(
        "/test/flash",
        axum::routing::get(|session: tower_sessions::Session| async move {
            mijnrgs::web::flash::push(&session, mijnrgs::web::flash::FlashKind::Info, "x")
                .await
                .unwrap();
            Redirect::to("/")
        }),
    );
    let app = TestApp::spawn_with(pool, routes, &[]).await;
    let response = app.get("/test/flash").await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.starts_with(&format!("{}=", mijnrgs::SESSION_COOKIE)),
        "{cookie}"
    );
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http in tests: {cookie}");
}
