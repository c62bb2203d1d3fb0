//! Migrations and the demo seed.

use crate::helpers::database::{TestDatabase, database};
use mijnrgs::platform::config::Config;
use mijnrgs::platform::db;
use mijnrgs::platform::ids::TrainingId;
use mijnrgs::seed;
use rules::code::Coded;

fn dev_config() -> Config {
    Config::from_lookup(|_| None).unwrap()
}
use sqlx::PgPool;

/// Every table and column with its type, so a second migration run can be compared.
async fn schema_snapshot(pool: &PgPool) -> Vec<(String, String, String, String)> {
    sqlx::query_as(
        "SELECT table_schema::text, table_name::text, column_name::text, data_type::text
         FROM information_schema.columns
         WHERE table_schema NOT IN ('pg_catalog', 'information_schema')
         ORDER BY 1, 2, 3",
    )
    .fetch_all(pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn migrations_run_twice_change_nothing_the_second_time() {
    let database = TestDatabase::empty().await;
    let pool = database.pool();
    db::migrate(&pool)
        .await
        .expect("first run applies every migration");
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(applied as usize, db::MIGRATOR.iter().count());
    let before = schema_snapshot(&pool).await;
    assert!(
        before
            .iter()
            .any(|(_, table, _, _)| table == "institutions")
    );

    db::migrate(&pool).await.expect("second run is a no-op");
    let applied_again: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(applied_again, applied);
    assert_eq!(schema_snapshot(&pool).await, before);
}

#[tokio::test]
async fn the_eight_dutch_medical_faculties_exist_after_migration() {
    let (_database, pool) = database().await;
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM faculties")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(count, 8);
}

async fn row_counts(pool: &PgPool) -> (i64, i64, i64, i64) {
    let institutions = sqlx::query_scalar("SELECT count(*) FROM institutions")
        .fetch_one(pool)
        .await
        .unwrap();
    let faculties = sqlx::query_scalar("SELECT count(*) FROM faculties")
        .fetch_one(pool)
        .await
        .unwrap();
    let users = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(pool)
        .await
        .unwrap();
    let roles = sqlx::query_scalar("SELECT count(*) FROM role_assignments")
        .fetch_one(pool)
        .await
        .unwrap();
    (institutions, faculties, users, roles)
}

#[tokio::test]
async fn the_demo_seed_run_twice_creates_nothing_twice() {
    let (_database, pool) = database().await;
    let first = seed::seed_demo(&pool, &dev_config()).await.unwrap();
    assert!(
        first.institutions_added > 20,
        "the seed fills a realistic set"
    );
    let after_first = row_counts(&pool).await;

    let second = seed::seed_demo(&pool, &dev_config()).await.unwrap();
    assert_eq!(second.institutions_added, 0);
    assert_eq!(second.accounts_added, 0);
    assert_eq!(
        first.accounts_added, 10,
        "one demo account per role and four more aios of the demo opleider"
    );
    assert_eq!(
        first.trainings_added, 11,
        "one demo training per interesting state, and one for each other aios"
    );
    assert_eq!(second.trainings_added, 0);
    assert_eq!(row_counts(&pool).await, after_first);
}

#[tokio::test]
async fn the_database_refuses_an_institution_of_an_unknown_kind() {
    let (_database, pool) = database().await;
    let result =
        sqlx::query("INSERT INTO institutions (name, city, kind) VALUES ('X', 'Y', 'kroeg')")
            .execute(&pool)
            .await;
    assert!(result.is_err());
}

#[tokio::test]
async fn demo_data_is_refused_in_production() {
    let (_database, pool) = database().await;
    let key = "ab".repeat(32);
    let production = Config::from_lookup(|name| match name {
        "APP_ENV" => Some("production".into()),
        "SECRET_KEY" => Some(key.clone()),
        "BASE_URL" => Some("https://mijn.rgs.test".into()),
        "PAYMENT_PROVIDER" => Some("mollie".into()),
        "MOLLIE_API_KEY" => Some("test_demo".into()),
        _ => None,
    })
    .unwrap();
    assert!(matches!(
        seed::seed_demo(&pool, &production).await,
        Err(seed::SeedError::Production)
    ));
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(users, 0);
}

#[tokio::test]
async fn every_approved_demo_schedule_passes_the_rules_engine() {
    let (_database, pool) = database().await;
    let app = crate::helpers::TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    let ids: Vec<uuid::Uuid> = sqlx::query_scalar("SELECT id FROM trainings ORDER BY id")
        .fetch_all(&app.state.db)
        .await
        .unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let mut checked = 0;
    for id in ids {
        let mut conn = app.state.db.acquire().await.unwrap();
        let training = mijnrgs::trainings::training::find(&mut conn, TrainingId(id))
            .await
            .unwrap()
            .unwrap();
        // The app's pool has one connection: the rules read takes it back for a moment.
        drop(conn);
        let rules =
            mijnrgs::reference_data::lookup::specialty_rules(&app.state.db, training.specialty_id)
                .await
                .unwrap()
                .unwrap();
        let mut conn = app.state.db.acquire().await.unwrap();
        let versions = mijnrgs::trainings::schedule::Versions {
            all: mijnrgs::trainings::schedule::versions(&mut conn, TrainingId(id))
                .await
                .unwrap(),
        };
        let Some(current) = versions.current().cloned() else {
            continue;
        };
        let context = mijnrgs::trainings::schedule::context(&training, &current, today);
        let loaded = mijnrgs::trainings::schedule::load_version(&mut conn, current)
            .await
            .unwrap();
        let report = rules::schedule::check::check(&loaded.schedule(), &rules, &context);
        let errors: Vec<&str> = report
            .findings
            .iter()
            .filter(|f| f.severity() == rules::schedule::findings::Severity::Error)
            .map(|f| f.message.as_str())
            .collect();
        assert!(
            errors.is_empty(),
            "{} ({}): {errors:?}",
            training.trainee_name,
            training.specialty_name
        );
        checked += 1;
    }
    assert!(checked >= 8, "{checked} approved demo schedules");
}

/// Every version of every demo schedule is free of errors and of parts planned beyond what
/// they require, and each is complete or not as its story says: the stories are named by the
/// trainee, the specialty and the version's status.
#[tokio::test]
async fn every_demo_schedule_tells_its_story_to_the_rules_engine() {
    let (_database, pool) = database().await;
    use rules::schedule::findings::{Code, Severity};
    let app = crate::helpers::TestApp::spawn(pool).await;
    crate::helpers::accounts::seed_demo(&app).await;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    // Incomplete by their story: concepts being built up, Lotte's first two hospitals with
    // her shortening waiting, and the registrations that ended or were struck off early.
    let incomplete = [
        ("demo.aios", "anesthesiologie", "concept"),
        ("demo.aios", "heelkunde", "concept"),
        ("demo.aios", "kindergeneeskunde", "concept"),
        ("demo.aios.lotte", "igt", "goedgekeurd"),
        ("demo.aios.fatima", "igt", "goedgekeurd"),
        ("demo.aios.tom", "igt", "goedgekeurd"),
    ];
    let ids: Vec<(uuid::Uuid, String, String)> = sqlx::query_as(
        "SELECT t.id, u.username, s.code FROM trainings t
         JOIN users u ON u.id = t.trainee_id JOIN specialties s ON s.id = t.specialty_id
         ORDER BY t.id",
    )
    .fetch_all(&app.state.db)
    .await
    .unwrap();
    let mut checked = 0;
    let mut multi_part = 0;
    for (id, trainee, specialty) in ids {
        let mut conn = app.state.db.acquire().await.unwrap();
        let (training, rules) =
            mijnrgs::trainings::training::find_with_rules(&mut conn, TrainingId(id))
                .await
                .unwrap()
                .unwrap();
        let loaded = mijnrgs::trainings::schedule::versions_with_items(&mut conn, TrainingId(id))
            .await
            .unwrap();
        drop(conn);
        for version in &loaded {
            let status = version.version.status.code();
            let context = mijnrgs::trainings::schedule::context(&training, &version.version, today);
            let report = rules::schedule::check::check(&version.schedule(), &rules, &context);
            let story = format!("{trainee} {specialty} version {}", version.version.number);
            // The anaesthesiology concept shows an aios a gap to close with an interruption.
            let shown_error = (trainee.as_str(), specialty.as_str(), status)
                == ("demo.aios", "anesthesiologie", "concept");
            let wrong: Vec<&str> = report
                .findings
                .iter()
                .filter(|f| f.severity() == Severity::Error || f.code == Code::PartOverRequired)
                .filter(|f| !(shown_error && f.code == Code::Gap))
                .map(|f| f.message.as_str())
                .collect();
            assert!(wrong.is_empty(), "{story}: {wrong:?}");
            let expected_incomplete =
                incomplete.contains(&(trainee.as_str(), specialty.as_str(), status));
            assert_eq!(
                report.is_complete(),
                !expected_incomplete && !shown_error,
                "{story} ({status}): {:#?}",
                report.findings
            );
            // What the overview reads (migration 0019) is what the engine says.
            if status != "concept" {
                let stored: Option<chrono::NaiveDate> =
                    sqlx::query_scalar("SELECT expected_end FROM schedule_versions WHERE id = $1")
                        .bind(version.version.id)
                        .fetch_one(&app.state.db)
                        .await
                        .unwrap();
                assert_eq!(stored, report.totals.expected_end, "{story}: stored end");
            }
            if rules.parts.len() > 1 && report.is_complete() {
                multi_part += 1;
            }
            checked += 1;
        }
    }
    assert!(checked >= 14, "{checked} demo versions");
    assert!(multi_part >= 3, "{multi_part} complete multi-part versions");
}

#[tokio::test]
async fn codes_stored_in_english_before_migration_22_read_as_their_dutch_words_after_it() {
    let database = TestDatabase::empty().await;
    let pool = database.pool();
    let before = sqlx::migrate::Migrator {
        migrations: db::MIGRATOR
            .iter()
            .filter(|migration| migration.version < 22)
            .cloned()
            .collect(),
        ..sqlx::migrate::Migrator::DEFAULT
    };
    before.run(&pool).await.expect("migrations 1 to 21");
    sqlx::raw_sql(
        "INSERT INTO users (id, username, email, full_name)
         VALUES ('00000000-0000-0000-0000-000000000001', 'jansen', 'jansen@example.nl',
                 'Pieter Jansen');
         INSERT INTO outbox_emails (id, to_address, subject, body_text, status) VALUES
             ('00000000-0000-0000-0000-00000000000a', 'a@example.nl', 'a', 'a', 'pending'),
             ('00000000-0000-0000-0000-00000000000b', 'b@example.nl', 'b', 'b', 'sent'),
             ('00000000-0000-0000-0000-00000000000c', 'c@example.nl', 'c', 'c', 'failed');
         INSERT INTO jobs (id, kind, key, run_at, status) VALUES
             ('00000000-0000-0000-0000-0000000000a1', 'payment_reminder', 'payment_reminder:1',
              now(), 'pending'),
             ('00000000-0000-0000-0000-0000000000a2', 'reconciliation', 'reconciliation:1',
              now(), 'done'),
             ('00000000-0000-0000-0000-0000000000a3', 'strike_off', 'strike_off:1', now(),
              'failed');
         INSERT INTO account_requests (id, kind, full_name, email, phone, motivation, status,
                                       rejection_reason) VALUES
             ('00000000-0000-0000-0000-0000000000b1', 'ondersteuner', 'Els de Groot',
              'els@example.nl', '024-3611111', 'Planning', 'rejected', 'Onbekend'),
             ('00000000-0000-0000-0000-0000000000b2', 'ondersteuner', 'Ans Smit',
              'ans@example.nl', '024-3611112', 'Planning', 'pending', NULL);
         INSERT INTO account_request_supervisors (request_id, supervisor_id, decision) VALUES
             ('00000000-0000-0000-0000-0000000000b2', '00000000-0000-0000-0000-000000000001',
              'confirmed');
         INSERT INTO invoices (id, year, sequence, number, user_id, product, description,
                               recipient_name, amount_cents, vat_cents, vat_percent,
                               issued_on, due_on)
         VALUES ('00000000-0000-0000-0000-0000000000c1', 2026, 1, '2026-000001',
                 '00000000-0000-0000-0000-000000000001', 'herregistratie', 'Herregistratie',
                 'Pieter Jansen', 49415, 8576, 21, '2026-12-01', '2026-12-31');
         INSERT INTO payments (id, invoice_id, user_id, provider, idempotency_key, amount_cents,
                               status, paid_at, created_at) VALUES
             ('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000c1',
              '00000000-0000-0000-0000-000000000001', 'test',
              '00000000-0000-0000-0000-0000000000e1', 49415, 'expired', NULL, now()),
             ('00000000-0000-0000-0000-0000000000d2', '00000000-0000-0000-0000-0000000000c1',
              '00000000-0000-0000-0000-000000000001', 'test',
              '00000000-0000-0000-0000-0000000000e2', 49415, 'paid', now(), now());
         INSERT INTO payment_events (id, payment_id, status, source, received_at) VALUES
             ('00000000-0000-0000-0000-0000000000f1', '00000000-0000-0000-0000-0000000000d2',
              'paid', 'reconciliation', now());",
    )
    .execute(&pool)
    .await
    .expect("rows with the English codes");

    db::migrate(&pool).await.expect("migration 22");

    let words = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, String>(sql)
                .fetch_all(&pool)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        words("SELECT status FROM outbox_emails ORDER BY id").await,
        ["in_wachtrij", "verzonden", "opgegeven"]
    );
    assert_eq!(
        words("SELECT status || ' ' || kind FROM jobs ORDER BY id").await,
        [
            "gepland herinnering_betaling",
            "uitgevoerd afstemming_betalingen",
            "opgegeven doorhaling"
        ]
    );
    assert_eq!(
        words("SELECT status FROM account_requests ORDER BY id").await,
        ["afgewezen", "ingediend"]
    );
    assert_eq!(
        words("SELECT decision FROM account_request_supervisors").await,
        ["bevestigd"]
    );
    assert_eq!(
        words("SELECT status FROM payments ORDER BY id").await,
        ["verlopen", "betaald"]
    );
    assert_eq!(
        words("SELECT status || ' ' || source FROM payment_events").await,
        ["betaald afstemming"]
    );
    // Each reads back as the enum the portal knows, and an English word is refused.
    use mijnrgs::platform::db::Stored;
    let payments: Vec<Stored<rules::payment::PaymentStatus>> =
        sqlx::query_scalar("SELECT status FROM payments ORDER BY id")
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(
        payments,
        [
            Stored(rules::payment::PaymentStatus::Expired),
            Stored(rules::payment::PaymentStatus::Paid)
        ]
    );
    let old_word = sqlx::query("UPDATE jobs SET status = 'pending'")
        .execute(&pool)
        .await;
    assert!(old_word.is_err(), "the English word is no longer a status");
    // The partial indexes and the queue still serve what is due.
    let due: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM jobs WHERE status = 'gepland' AND run_at <= now()",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(due, 1);
}
