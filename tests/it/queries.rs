//! What a page costs the database: the statements each page of each demo user runs, counted
//! on the wire by a proxy between the portal and PostgreSQL. Every page stays within a small
//! budget, and the lists cost the same whatever their length (no query per row).

use crate::helpers::database::database;
use std::collections::{BTreeMap, HashSet, VecDeque};

use crate::bad_input::{USERS, selector, shape};
use crate::helpers::TestApp;
use crate::helpers::accounts::{log_in_demo, user_id};
use crate::helpers::db_proxy::DbProxy;

/// The statements of one GET of `path`, after a first GET that fills the connection's caches
/// (prepared statements, type information) and renews the session.
async fn statements_of(
    app: &TestApp,
    proxy: &DbProxy,
    client: &reqwest::Client,
    path: &str,
) -> (reqwest::StatusCode, String, u64) {
    let warm = client.get(app.url(path)).send().await.expect("GET");
    let _ = warm.bytes().await;
    proxy.take_statements();
    let response = client.get(app.url(path)).send().await.expect("GET");
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    (status, body, proxy.take_statements())
}

/// Every page `client` reaches by links from `start` (each shape at most 16 times), with the
/// statements of each. A linked page that answers a server error is kept with `u64::MAX`
/// statements, so that the budget check names it.
async fn pages_of(
    app: &TestApp,
    proxy: &DbProxy,
    client: &reqwest::Client,
    start: &str,
) -> BTreeMap<String, Vec<(String, u64)>> {
    let mut queue = VecDeque::from([start.to_owned()]);
    let mut seen = HashSet::new();
    let mut pages: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
    while let Some(path) = queue.pop_front() {
        let key = shape(&path);
        if !seen.insert(path.clone())
            || path.starts_with("/uitloggen")
            || pages.get(&key).is_some_and(|p| p.len() >= 16)
        {
            continue;
        }
        let (status, body, statements) = statements_of(app, proxy, client, &path).await;
        if status.is_server_error() {
            pages.entry(key).or_default().push((path.clone(), u64::MAX));
            continue;
        }
        if !status.is_success() {
            continue;
        }
        pages
            .entry(key)
            .or_default()
            .push((path.clone(), statements));
        let document = scraper::Html::parse_document(&body);
        for link in document.select(&selector("a[href]")) {
            let href = link.value().attr("href").unwrap_or("");
            let href = href.split('#').next().unwrap_or("");
            if href.starts_with('/') && !href.starts_with("//") && !href.starts_with("/static/") {
                queue.push_back(href.to_owned());
            }
        }
    }
    pages
}

/// Statements every page of a logged-in user costs before its own work: loading the session
/// together with the user and their roles. The session is written only when its renewal is due.
const SESSION: u64 = 1;

/// Statements a page may run for its own content (the target: at most three).
const BUDGET: u64 = 3;

#[tokio::test]
async fn a_page_reads_the_session_with_its_user_in_one_statement_and_a_blocked_user_in_none_more() {
    let (_database, pool) = database().await;
    let (proxy, app) = DbProxy::demo_app(&pool).await;
    let aios = app.new_client();
    log_in_demo(&app, &aios, "demo.aios").await;
    let anna = user_id(&app, "demo.aios").await;
    let in_session: Vec<Option<uuid::Uuid>> =
        sqlx::query_scalar("SELECT user_id FROM tower_sessions.session")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(in_session, [Some(anna)], "the session row names its user");

    // The account page reads nothing of its own but the session and its user.
    let (status, body, together) = statements_of(&app, &proxy, &aios, "/account").await;
    assert!(
        status.is_success() && body.contains("Uitloggen"),
        "{status}"
    );

    // A session saved before the user column existed: its user is read on its own.
    sqlx::query("UPDATE tower_sessions.session SET user_id = NULL")
        .execute(&pool)
        .await
        .unwrap();
    proxy.take_statements();
    let older = aios.get(app.url("/account")).send().await.unwrap();
    assert!(older.status().is_success());
    assert!(older.text().await.unwrap().contains("Uitloggen"));
    assert_eq!(proxy.take_statements(), together + 1);

    // The user is read afresh with the session on every request: blocked, the session ends.
    sqlx::query("UPDATE tower_sessions.session SET user_id = $1")
        .bind(anna)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE users SET blocked_at = now(), blocked_reason = 'Test' WHERE id = $1")
        .bind(anna)
        .execute(&pool)
        .await
        .unwrap();
    let blocked = aios.get(app.url("/account")).send().await.unwrap();
    assert_eq!(blocked.status(), reqwest::StatusCode::SEE_OTHER);
    assert!(
        blocked.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/inloggen"),
        "{:?}",
        blocked.headers()
    );
}

#[tokio::test]
async fn every_page_of_every_demo_user_runs_at_most_three_statements_of_its_own_and_none_fails() {
    let (_database, pool) = database().await;
    let (proxy, app) = DbProxy::demo_app(&pool).await;
    let mut most: BTreeMap<String, (u64, String)> = BTreeMap::new();
    let mut record = |who: &str, pages: BTreeMap<String, Vec<(String, u64)>>| {
        for (shape, visits) in pages {
            let shape = shape.trim_end_matches('?').to_owned();
            for (path, statements) in visits {
                let entry = most.entry(shape.clone()).or_default();
                if statements >= entry.0 {
                    *entry = (statements, format!("{who} {path}"));
                }
            }
        }
    };
    for user in USERS {
        let client = app.new_client();
        log_in_demo(&app, &client, user).await;
        record(user, pages_of(&app, &proxy, &client, "/account").await);
    }
    let visitor = app.new_client();
    record("visitor", pages_of(&app, &proxy, &visitor, "/").await);
    assert!(
        most.len() > 50,
        "the crawl reached {} page shapes",
        most.len()
    );

    let mut problems = Vec::new();
    for (shape, (statements, example)) in &most {
        // A download of the report reads in one read-only transaction, whose BEGIN carries two
        // settings in the same round trip (`register_report::download_transaction`): the
        // proxy counts those three statements, and the COMMIT.
        let download = [".csv?", ".xlsx?", ".pdf?"]
            .iter()
            .any(|end| shape.contains(end) && shape.contains("/rapport"));
        let allowed = SESSION + BUDGET + if download { 2 } else { 0 };
        if *statements == u64::MAX {
            problems.push(format!("{shape}: a server error, e.g. {example}"));
        } else if *statements > allowed {
            problems.push(format!(
                "{shape}: {statements} statements (at most {allowed}), e.g. {example}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test]
async fn lists_and_histories_cost_the_same_number_of_statements_however_long_they_are() {
    let (_database, pool) = database().await;
    let (proxy, app) = DbProxy::demo_app(&pool).await;
    let opleider = app.new_client();
    log_in_demo(&app, &opleider, "demo.opleider").await;
    let demo_aios = app.new_client();
    log_in_demo(&app, &demo_aios, "demo.aios").await;
    let cost = |client: reqwest::Client, path: String| {
        let (app, proxy) = (&app, &proxy);
        async move {
            let (status, _, statements) = statements_of(app, proxy, &client, &path).await;
            assert!(status.is_success(), "{path}: {status}");
            statements
        }
    };
    let overview_before = cost(opleider.clone(), "/opleider/aios".into()).await;

    // A new aios with one training that has one version; the opleider's list grows by one.
    crate::aios::set_today(&app);
    crate::aios::aios_ready(&app, "noor").await;
    let training = crate::aios::igt_with_two_hospitals(&app).await;
    crate::aios::submit(&app, training, true).await;
    let trainings_of = |name: &str| {
        sqlx::query_scalar::<_, i64>(
            "SELECT count(*) FROM trainings t JOIN users u ON u.id = t.trainee_id
             WHERE u.username = $1",
        )
        .bind(name.to_owned())
        .fetch_one(&pool)
    };
    assert_eq!(trainings_of("noor").await.unwrap(), 1);
    assert!(trainings_of("demo.aios").await.unwrap() >= 5);

    assert_eq!(
        cost(opleider.clone(), "/opleider/aios".into()).await,
        overview_before,
        "the opleider's overview with one aios more"
    );
    assert_eq!(
        cost(app.client.clone(), "/aios/opleidingen".into()).await,
        cost(demo_aios.clone(), "/aios/opleidingen".into()).await,
        "the overview of an aios with one training and of one with many"
    );
    let most_versions: uuid::Uuid = sqlx::query_scalar(
        "SELECT v.training_id FROM schedule_versions v
         JOIN trainings t ON t.id = v.training_id JOIN users u ON u.id = t.trainee_id
         WHERE u.username = 'demo.aios'
         GROUP BY v.training_id HAVING count(*) >= 2 ORDER BY count(*) DESC LIMIT 1",
    )
    .fetch_one(&pool)
    .await
    .expect("a demo training with two versions or more");
    assert_eq!(
        cost(
            app.client.clone(),
            format!("/aios/opleidingen/{training}/versies")
        )
        .await,
        cost(
            demo_aios.clone(),
            format!("/aios/opleidingen/{most_versions}/versies")
        )
        .await,
        "the history of one version and of several"
    );

    // Mijn registratie with one register entry, then with two.
    let specialist = app.new_client();
    log_in_demo(&app, &specialist, "demo.specialist").await;
    let registration_before = cost(specialist.clone(), "/registratie".into()).await;
    sqlx::query(
        "WITH entry AS (
             INSERT INTO register_entries (id, user_id, specialty_id, name, registered_on, ends_on)
             SELECT gen_random_uuid(), u.id, s.id, u.full_name, DATE '2020-01-01', DATE '2030-01-01'
             FROM users u CROSS JOIN specialties s
             WHERE u.username = 'demo.specialist'
               AND s.id NOT IN (SELECT specialty_id FROM register_entries WHERE user_id = u.id)
             LIMIT 1
             RETURNING id, registered_on, ends_on)
         INSERT INTO register_periods (entry_id, starts_on, ends_on)
         SELECT id, registered_on, ends_on FROM entry",
    )
    .execute(&pool)
    .await
    .unwrap();
    assert_eq!(
        cost(specialist, "/registratie".into()).await,
        registration_before,
        "Mijn registratie with a second register entry"
    );
}
