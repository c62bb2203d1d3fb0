//! The public pages anyone can open.

use crate::helpers::database::database;
use reqwest::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn the_home_page_explains_what_each_of_the_five_roles_can_do() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let response = app.get("/").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("<h1>Voor wie is MijnRGS?</h1>"));
    for role in [
        ">Aios</h2>",
        ">Geneeskundig specialist of profielarts</h2>",
        ">Opleider</h2>",
        ">Opleidingsondersteuner</h2>",
        ">Contactpersoon opleidingsinrichting</h2>",
    ] {
        assert!(
            html.contains(role),
            "home page misses the role heading {role}"
        );
    }
}

#[tokio::test]
async fn every_page_has_a_skip_link_the_helpdesk_footer_and_dutch_as_its_language() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    for path in ["/", "/contact", "/toegankelijkheid"] {
        let html = app.get(path).await.text().await.unwrap();
        assert!(html.contains(r#"<html lang="nl">"#), "{path}");
        assert!(
            html.contains(r##"href="#inhoud">Direct naar de inhoud"##),
            "{path}"
        );
        assert!(html.contains(r#"id="inhoud""#), "{path}");
        assert!(html.contains("088-440 43 90"), "{path}");
        assert!(html.contains("mijnrgs@fed.knmg.nl"), "{path}");
        assert!(html.contains("opleiding@fed.knmg.nl"), "{path}");
    }
}

#[tokio::test]
async fn the_contact_page_says_which_address_is_for_what() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let response = app.get("/contact").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("Contact met de helpdesk"));
    assert!(html.contains(r#"href="tel:+31884404390""#));
    assert!(html.contains("Vragen over uw opleidingsregistratie"));
}

#[tokio::test]
async fn the_accessibility_statement_names_the_standard_and_how_to_report_a_problem() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let response = app.get("/toegankelijkheid").await;
    assert_eq!(response.status(), StatusCode::OK);
    let html = response.text().await.unwrap();
    assert!(html.contains("<h1>Toegankelijkheidsverklaring</h1>"));
    assert!(html.contains("WCAG"));
    assert!(html.contains("EN 301 549"));
    assert!(html.contains("Iets niet toegankelijk?"));
}

#[tokio::test]
async fn the_navigation_marks_the_page_being_shown() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let html = app.get("/contact").await.text().await.unwrap();
    assert!(html.contains(r#"<a href="/contact" aria-current="page">Contact</a>"#));
    assert!(html.contains(r#"<a href="/">Voor wie is MijnRGS?</a>"#));
}

#[tokio::test]
async fn a_static_asset_is_served_with_a_year_long_cache_and_a_versioned_link() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let html = app.get("/").await.text().await.unwrap();
    let link = format!(
        "/static/css/app.css?v={}",
        mijnrgs::web::layout::ASSET_VERSION
    );
    assert!(
        html.contains(&link),
        "pages link the stylesheet with its version"
    );

    let response = app.get(&link).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
}

#[tokio::test]
async fn a_missing_static_asset_is_a_404_that_is_not_cached() {
    let (_database, pool) = database().await;
    let app = TestApp::spawn(pool).await;
    let response = app.get("/static/css/bestaat-niet.css").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["cache-control"], "no-store");
}
