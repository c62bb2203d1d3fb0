//! The public pages in a real headless Chromium, checked with axe-core against WCAG 2.1 A/AA.

use sqlx::PgPool;
use thirtyfour::prelude::*;

use crate::helpers::TestApp;
use crate::helpers::browser::Browser;

#[sqlx::test]
async fn the_public_pages_have_no_wcag_21_aa_violations_in_a_real_browser(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let browser = Browser::start().await;
    let mut report = Vec::new();
    for path in ["/", "/contact", "/toegankelijkheid", "/bestaat-niet"] {
        browser.driver.goto(app.url(path)).await.unwrap();
        let violations = browser.axe_violations().await;
        if !violations.is_empty() {
            report.push(format!("{path}:\n  {}", violations.join("\n  ")));
        }
    }
    browser.close().await;
    assert!(
        report.is_empty(),
        "axe-core found violations:\n{}",
        report.join("\n")
    );
}

#[sqlx::test]
async fn the_stylesheet_loads_and_the_skip_link_moves_focus_to_the_content(pool: PgPool) {
    let app = TestApp::spawn(pool).await;
    let browser = Browser::start().await;
    let driver = &browser.driver;
    driver.goto(app.url("/")).await.unwrap();

    // Our CSS applied: the header has the portal's blue, so the stylesheet passed the CSP.
    let header_colour = driver
        .execute(
            "return getComputedStyle(document.querySelector('.site-header')).backgroundColor;",
            Vec::new(),
        )
        .await
        .unwrap();
    assert_eq!(header_colour.json().as_str(), Some("rgb(21, 66, 115)"));

    // The first Tab reaches the skip link; following it puts focus on the main content.
    driver
        .action_chain()
        .send_keys(Key::Tab)
        .perform()
        .await
        .unwrap();
    let focused = driver.active_element().await.unwrap();
    assert_eq!(focused.text().await.unwrap(), "Direct naar de inhoud");
    focused.send_keys(Key::Enter).await.unwrap();
    let focused = driver.active_element().await.unwrap();
    assert_eq!(focused.attr("id").await.unwrap().as_deref(), Some("inhoud"));
    browser.close().await;
}

#[sqlx::test]
async fn the_accessibility_check_does_report_a_page_that_breaks_the_rules(pool: PgPool) {
    // Proves the harness can fail: an input without a label and an image without alt text.
    let routes = mijnrgs::routes::router().route(
        "/test/ontoegankelijk",
        axum::routing::get(|| async {
            axum::response::Html(
                r#"<!DOCTYPE html><html lang="nl"><head><title>Fout</title></head><body>
                   <main><h1>Fout</h1><img src="/static/img/favicon.svg">
                   <form><input type="text" name="naam"></form></main></body></html>"#,
            )
        }),
    );
    let app = TestApp::spawn_with(pool, routes, &[]).await;
    let browser = Browser::start().await;
    browser
        .driver
        .goto(app.url("/test/ontoegankelijk"))
        .await
        .unwrap();
    let violations = browser.axe_violations().await;
    browser.close().await;
    assert!(
        violations.iter().any(|v| v.starts_with("image-alt")),
        "{violations:?}"
    );
    assert!(
        violations.iter().any(|v| v.starts_with("label")),
        "{violations:?}"
    );
}
