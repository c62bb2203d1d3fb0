//! Faults, part two: the database connection cut at every point of saving a schedule, the
//! database gone and back, and how the pool checks its connections. (SIGTERM with requests in flight is in `startup.rs`, which starts
//! the real binary.)

use crate::helpers::database::database;
use reqwest::StatusCode;
use sqlx::PgPool;
use uuid::Uuid;

use crate::helpers::db_proxy::DbProxy;

/// What a saved period leaves: the periods of the concept, its revision, and the audit
/// records about the training.
async fn saved_state(pool: &PgPool, training: Uuid) -> (i64, i32, i64) {
    sqlx::query_as(
        "SELECT (SELECT count(*) FROM schedule_periods p WHERE p.version_id = v.id),
                v.revision,
                (SELECT count(*) FROM audit_log a WHERE a.object_id = $1::text)
         FROM schedule_versions v WHERE v.training_id = $1 AND v.status = 'concept'",
    )
    .bind(training)
    .fetch_one(pool)
    .await
    .expect("schedule state")
}

fn one_more(state: (i64, i32, i64)) -> (i64, i32, i64) {
    (state.0 + 1, state.1 + 1, state.2 + 1)
}

fn is_error_page(body: &str) -> bool {
    let leaked = leaked_detail(body);
    if let Some(context) = &leaked {
        eprintln!("the error page shows a detail: …{context}…");
    }
    body.contains("lang=\"nl\"") && leaked.is_none()
}

/// A word of the database's own error (its crate, its connection, its port) on the page,
/// with the text around it. The page's reference number is a random UUID, which may hold
/// "5432" by chance: it is left out.
fn leaked_detail(body: &str) -> Option<String> {
    let shown = match body.split_once("<code class=\"reference\">") {
        Some((before, rest)) => {
            let after = rest.split_once("</code>").map_or("", |(_, after)| after);
            format!("{before}{after}")
        }
        None => body.to_owned(),
    };
    ["sqlx", "connection", "5432"].iter().find_map(|word| {
        shown.find(word).map(|at| {
            let mut before: Vec<char> = shown[..at].chars().rev().take(120).collect();
            before.reverse();
            let after: String = shown[at..].chars().take(120).collect();
            format!("{}{after}", before.into_iter().collect::<String>())
        })
    })
}

#[tokio::test]
async fn a_schedule_save_cut_off_from_the_database_at_any_point_is_all_or_nothing_and_the_portal_recovers()
 {
    let (_database, pool) = database().await;
    let (proxy, app) = DbProxy::demo_app(&pool).await;
    crate::aios::set_today(&app);
    crate::aios::aios_ready(&app, "noor").await;
    let training = crate::aios::create_igt(&app).await;
    let place: Uuid = sqlx::query_scalar("SELECT id FROM institutions WHERE name = 'Radboudumc'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let place = place.to_string();
    let path = format!("/aios/opleidingen/{training}/periodes/nieuw");
    let save = |revision: String| {
        let place = place.clone();
        let path = path.clone();
        let app = &app;
        async move {
            app.post_form(
                &path,
                &[
                    ("omschrijving", "Interne geneeskunde"),
                    ("instelling", place.as_str()),
                    ("opleider", ""),
                    ("begindatum", "01-01-2027"),
                    ("einddatum", "31-12-2027"),
                    ("deeltijd", "100"),
                    ("revisie", revision.as_str()),
                ],
            )
            .await
        }
    };

    // Cut the connection at the 1st, 2nd, 3rd … message the portal sends for one save, until
    // a save gets through whole.
    let mut cut_points = 0;
    let mut refused = 0;
    for n in 1.. {
        assert!(n < 80, "a save takes fewer than 80 messages");
        let before = saved_state(&pool, training).await;
        proxy.cut_after(n);
        let response = save(before.1.to_string()).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        let cut = proxy.was_cut();
        let after = saved_state(&pool, training).await;
        if !cut {
            assert_eq!(status, StatusCode::SEE_OTHER, "message {n}: {body}");
            assert_eq!(after, one_more(before), "the uncut save is whole");
            break;
        }
        cut_points += 1;
        assert!(
            after == before || after == one_more(before),
            "cut at message {n}: half-written: {before:?} became {after:?}"
        );
        if after == before {
            refused += 1;
            assert!(
                status.is_server_error(),
                "cut at message {n}: nothing saved but {status}"
            );
            assert!(
                is_error_page(&body),
                "cut at message {n}: the Dutch error page without details: {body}"
            );
        }
    }
    assert!(cut_points >= 5, "the save was cut at {cut_points} points");
    assert!(refused >= 3, "{refused} cuts left nothing");

    // The database goes away: a Dutch error page, quickly; nothing changes.
    let before = saved_state(&pool, training).await;
    proxy.down();
    let started = std::time::Instant::now();
    let response = save(before.1.to_string()).await;
    assert!(response.status().is_server_error(), "{}", response.status());
    assert!(is_error_page(&response.text().await.unwrap()));
    let page = app.get(&format!("/aios/opleidingen/{training}")).await;
    assert!(page.status().is_server_error());
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(saved_state(&pool, training).await, before);

    // It comes back, and the portal with it, by itself. An outage lasts at least as long as
    // the pool lets a connection wait unchecked, so the pooled connections it broke are
    // checked and replaced before use.
    tokio::time::sleep(mijnrgs::platform::db::CHECK_AFTER_IDLE).await;
    proxy.up();
    let page = app.get(&format!("/aios/opleidingen/{training}")).await;
    assert_eq!(page.status(), StatusCode::OK);
    let response = save(before.1.to_string()).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(saved_state(&pool, training).await, one_more(before));
    let ready = app.get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::OK);
}

/// Waits until the pool's one connection is back in it: the pool checks a connection that comes
/// back in a task of its own, which may still run when the statement's answer is already in.
async fn back_in_pool(pool: &sqlx::PgPool) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(2);
    while pool.num_idle() < 1 && tokio::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
}

#[tokio::test]
async fn a_pooled_connection_in_steady_use_runs_a_statement_without_a_check_round_trip_first() {
    let (_database, pool) = database().await;
    let proxy = DbProxy::start().await;
    // One connection, so every statement after the first finds it prepared.
    let portal =
        mijnrgs::platform::db::pool_options(1).connect_lazy_with(proxy.connect_options(&pool));
    let query = || async {
        sqlx::query_scalar::<_, i32>("SELECT $1")
            .bind(1)
            .fetch_one(&portal)
            .await
            .unwrap()
    };
    query().await;
    back_in_pool(&portal).await;
    proxy.take_syncs();
    for _ in 0..20 {
        query().await;
    }
    // Each statement ends with a Sync, and sqlx checks every connection coming back to the
    // pool with one more; a check before each use too would make it 60.
    back_in_pool(&portal).await;
    assert_eq!(proxy.take_syncs(), 40);

    // A connection that waited longer is checked before it goes to work.
    tokio::time::sleep(mijnrgs::platform::db::CHECK_AFTER_IDLE).await;
    query().await;
    back_in_pool(&portal).await;
    assert_eq!(proxy.take_syncs(), 3);
}
