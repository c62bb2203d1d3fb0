//! The connection a request's session was read on: the two overviews run their statement on
//! it (one round trip to the database fewer), and no request holds it while it waits for
//! another connection from the pool.

use crate::helpers::database::database;
use std::time::Duration;

use reqwest::StatusCode;
use sqlx::PgPool;

use crate::helpers::TestApp;
use crate::helpers::accounts::{log_in_demo, seed_demo, user_id};
use crate::helpers::db_proxy::DbProxy;

/// The portal with the demo data on a pool of one connection to `database`, with extra
/// configuration.
async fn on_one_connection(
    database: sqlx::postgres::PgConnectOptions,
    settings: &[(&str, &str)],
) -> TestApp {
    let pool = crate::helpers::one_connection_pool(database);
    let app = TestApp::spawn_with(pool, mijnrgs::router::router(), settings).await;
    seed_demo(&app).await;
    app
}

/// Waits until every connection of the portal's pool is back in it: sqlx checks each one that
/// comes back with a round trip of its own, after the page was answered.
async fn pool_settled(app: &TestApp) {
    let db = &app.state.db;
    for _ in 0..500 {
        if db.num_idle() == db.size() as usize {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("connections did not come back to the pool");
}

/// The statements and the round trips to the database (Sync messages) of one GET of `path`,
/// after a first GET that fills the connection's caches and renews the session.
async fn cost_of(
    app: &TestApp,
    proxy: &DbProxy,
    client: &reqwest::Client,
    path: &str,
) -> (u64, u64) {
    let warm = client.get(app.url(path)).send().await.expect("GET");
    assert_eq!(warm.status(), StatusCode::OK, "{path}");
    let _ = warm.bytes().await;
    pool_settled(app).await;
    proxy.take_statements();
    proxy.take_syncs();
    let response = client.get(app.url(path)).send().await.expect("GET");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    let _ = response.bytes().await;
    pool_settled(app).await;
    (proxy.take_statements(), proxy.take_syncs())
}

#[tokio::test]
async fn the_overviews_run_their_statement_on_the_sessions_connection_with_one_round_trip_less() {
    let (_database, pool) = database().await;
    // One connection, so none waits long enough in the pool to be checked before use.
    let (proxy, app) = DbProxy::demo_app(&pool).await;
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let aios = app.new_client();
    log_in_demo(&app, &aios, "demo.aios").await;

    // The session with its user, then the page's own statement, on one connection that is
    // checked once when it goes back to the pool.
    for (client, path) in [(&opleider, "/opleider/aios"), (&aios, "/aios/opleidingen")] {
        assert!(
            mijnrgs::platform::auth::session_store::PAGES_ON_THE_SESSIONS_CONNECTION
                .contains(&path),
            "{path}"
        );
        let (statements, syncs) = cost_of(&app, &proxy, client, path).await;
        assert_eq!(statements, 2, "{path}");
        assert_eq!(syncs, 3, "{path}: one Sync per statement and one check");
    }

    // A page off the list, with statements of its own as well: the session's connection goes
    // back to the pool (checked) before the page takes one (checked when it comes back).
    let (statements, syncs) = cost_of(&app, &proxy, &aios, "/aios/basisgegevens").await;
    assert!(statements >= 2, "/aios/basisgegevens: {statements}");
    assert_eq!(syncs, 2 * statements, "/aios/basisgegevens");
}

/// The session row of `user` (there is one), with its expiry as Unix seconds.
async fn session_expiry(pool: &PgPool, user: uuid::Uuid) -> Option<f64> {
    sqlx::query_scalar(
        "SELECT extract(epoch FROM expiry_date)::float8 FROM tower_sessions.session
         WHERE user_id = $1",
    )
    .bind(user)
    .fetch_optional(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_pool_of_one_connection_serves_every_kind_of_request_so_none_holds_the_sessions_connection_while_it_waits_for_another()
 {
    let (_database, pool) = database().await;
    // One connection: a request that kept the session's connection while it asked the pool for
    // another would wait until the acquire timeout and fail. Sessions are renewed (saved) at
    // most once a second.
    let app = on_one_connection(
        pool.connect_options().as_ref().clone(),
        &[("SESSION_IDLE_SECONDS", "20")],
    )
    .await;
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let opleider_id = user_id(&app, "demo.opleider").await;
    let aios = app.new_client();
    log_in_demo(&app, &aios, "demo.aios").await;

    let get = |client: &reqwest::Client, path: &str| {
        let request = client.get(app.url(path)).send();
        async move {
            let response = request.await.expect("GET");
            let status = response.status();
            (status, response.text().await.unwrap_or_default())
        }
    };
    // Each step comes when the session's renewal is due, so the request also saves it.
    let renewal_due = || tokio::time::sleep(Duration::from_millis(1100));

    // A page on the session's connection, with its renewal.
    renewal_due().await;
    let before = session_expiry(&pool, opleider_id).await.expect("a session");
    let (status, body) = get(&opleider, "/opleider/aios").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("Mijn aios") && body.contains("<tbody>"),
        "{body}"
    );
    let renewed = session_expiry(&pool, opleider_id).await.expect("a session");
    assert!(
        renewed > before,
        "the session was saved: {before} -> {renewed}"
    );

    // The same kind of page, refused before its statement (an opleider is no aios).
    renewal_due().await;
    let (status, _) = get(&opleider, "/aios/opleidingen").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(session_expiry(&pool, opleider_id).await.expect("a session") > renewed);

    // Pages with statements of their own, on connections of their own.
    renewal_due().await;
    let (status, _) = get(&aios, "/aios/opleidingen").await;
    assert_eq!(status, StatusCode::OK);
    let training: uuid::Uuid = sqlx::query_scalar(
        "SELECT t.id FROM trainings t JOIN users u ON u.id = t.trainee_id
         WHERE u.username = 'demo.aios' ORDER BY t.created_at LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    renewal_due().await;
    let (status, body) = get(&aios, &format!("/aios/opleidingen/{training}")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = get(&aios, "/bestaat/niet").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Logged out everywhere: the login layer ends the session on the session's connection.
    sqlx::query("UPDATE users SET session_version = session_version + 1 WHERE id = $1")
        .bind(opleider_id)
        .execute(&pool)
        .await
        .unwrap();
    let response = opleider
        .get(app.url("/opleider/aios"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        crate::helpers::location(&response).starts_with("/inloggen"),
        "{:?}",
        response.headers()
    );
    assert_eq!(session_expiry(&pool, opleider_id).await, None);
}
