//! The trainings' summaries (migration 0015): the table the opleider's overview and the
//! contactpersoon's report read equals its definition, the view `training_summary_source`,
//! after every kind of change to the facts it is made of, also when two transactions change
//! one training at the same time.

use crate::helpers::database::database;
use std::time::Duration;

use mijnrgs::platform::config::Config;
use sqlx::PgPool;
use uuid::Uuid;

/// The rows where the table and the view differ, both ways, as text.
pub async fn summary_differences(pool: &PgPool) -> Vec<String> {
    sqlx::query_scalar(
        // As text: the periods are `json`, which has no equality operator.
        "SELECT 'stored, not defined: ' || x FROM (
             SELECT s::text FROM training_summaries s
             EXCEPT SELECT d::text FROM training_summary_source d) AS differs(x)
         UNION ALL
         SELECT 'defined, not stored: ' || x FROM (
             SELECT d::text FROM training_summary_source d
             EXCEPT SELECT s::text FROM training_summaries s) AS differs(x)",
    )
    .fetch_all(pool)
    .await
    .expect("compare the summaries with their definition")
}

/// Fails with the differences when the table is not what the view says.
pub async fn assert_summaries_current(pool: &PgPool, after: &str) {
    let differences = summary_differences(pool).await;
    assert!(differences.is_empty(), "after {after}: {differences:#?}");
}

async fn seeded(pool: &PgPool) {
    let config = Config::from_lookup(|_| None).expect("config");
    mijnrgs::seed::seed_demo(pool, &config)
        .await
        .expect("demo seed");
}

async fn run(pool: &PgPool, sql: &str) {
    sqlx::raw_sql(sql)
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// A training of the demo data with an approved schedule and nothing waiting (no submitted
/// version, no proposed shortening, no eindverklaring), and one period of that schedule.
async fn approved_training(pool: &PgPool) -> (Uuid, Uuid) {
    sqlx::query_as(
        "SELECT v.training_id, p.id FROM schedule_versions v
         JOIN schedule_periods p ON p.version_id = v.id
         WHERE v.status = 'goedgekeurd'
           AND NOT EXISTS (SELECT 1 FROM schedule_versions w
                           WHERE w.training_id = v.training_id AND w.status = 'ingediend')
           AND NOT EXISTS (SELECT 1 FROM shortenings k
                           WHERE k.training_id = v.training_id AND k.status = 'voorgesteld')
           AND NOT EXISTS (SELECT 1 FROM final_declarations f
                           WHERE f.training_id = v.training_id)
         ORDER BY v.training_id, p.start_date LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .expect("the demo data has an approved schedule")
}

#[tokio::test]
async fn the_summaries_equal_their_definition_after_every_kind_of_change() {
    let (_database, pool) = database().await;
    assert_summaries_current(&pool, "the migrations").await;
    seeded(&pool).await;
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM training_summaries")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(stored >= 5, "the demo trainings have summaries: {stored}");
    assert_summaries_current(&pool, "the demo seed").await;

    // Element 2 of a period is its label: [start, end, label, institution] (migration 0017).
    let (training, period) = approved_training(&pool).await;
    let label_before: Vec<String> = sqlx::query_scalar(
        "SELECT p ->> 2 FROM training_summaries, json_array_elements(periods) p
         WHERE training_id = $1",
    )
    .bind(training)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert!(!label_before.is_empty(), "the shown schedule has periods");

    let changes = [
        (
            "renaming the aios",
            format!(
                "UPDATE users SET full_name = 'Anders Genoemd' WHERE id =
                     (SELECT trainee_id FROM trainings WHERE id = '{training}')"
            ),
        ),
        (
            "renaming the opleider",
            format!(
                "UPDATE users SET full_name = 'Opleider Hernoemd' WHERE id =
                     (SELECT supervisor_id FROM trainings WHERE id = '{training}')"
            ),
        ),
        (
            "a log-in, which changes the user but not the name",
            format!(
                "UPDATE users SET updated_at = now() WHERE id =
                     (SELECT trainee_id FROM trainings WHERE id = '{training}')"
            ),
        ),
        (
            "a new BIG-nummer",
            format!(
                "UPDATE personal_details SET big_number = '99999999999' WHERE user_id =
                     (SELECT trainee_id FROM trainings WHERE id = '{training}')"
            ),
        ),
        (
            "renaming the specialty",
            format!(
                "UPDATE specialties SET name = name || ' (nieuw)' WHERE id =
                     (SELECT specialty_id FROM trainings WHERE id = '{training}')"
            ),
        ),
        (
            "renaming the institution of a period",
            format!(
                "UPDATE institutions SET name = name || ' (nieuw)' WHERE id =
                     (SELECT institution_id FROM schedule_periods WHERE id = '{period}')"
            ),
        ),
        (
            "writing a change request",
            format!(
                "INSERT INTO schedule_versions (id, training_id, number, status, created_by)
                 SELECT gen_random_uuid(), training_id, number + 100, 'concept', created_by
                 FROM schedule_versions WHERE training_id = '{training}'
                   AND status = 'goedgekeurd' ORDER BY number DESC LIMIT 1;
                 INSERT INTO schedule_periods (id, version_id, origin_id, part, label,
                     institution_id, start_date, end_date, part_time_pct)
                 SELECT gen_random_uuid(), w.id, p.origin_id, p.part, p.label,
                     p.institution_id, p.start_date, p.end_date, p.part_time_pct
                 FROM schedule_periods p, schedule_versions w
                 WHERE p.version_id = (SELECT version_id FROM schedule_periods
                                       WHERE id = '{period}')
                   AND w.training_id = '{training}' AND w.status = 'concept'"
            ),
        ),
        (
            "changing a period of the concept",
            format!(
                "UPDATE schedule_periods SET label = 'Hernoemde stage',
                     end_date = end_date + 30
                 WHERE version_id = (SELECT id FROM schedule_versions
                                     WHERE training_id = '{training}' AND status = 'concept')"
            ),
        ),
        (
            "adding a period to the concept",
            format!(
                "INSERT INTO schedule_periods (id, version_id, origin_id, part, label,
                     institution_id, start_date, end_date, part_time_pct)
                 SELECT gen_random_uuid(), w.id, gen_random_uuid(), p.part, 'Extra stage',
                     p.institution_id, p.end_date + 365, p.end_date + 730, 80
                 FROM schedule_periods p, schedule_versions w
                 WHERE p.id = '{period}' AND w.training_id = '{training}'
                   AND w.status = 'concept'"
            ),
        ),
        (
            "submitting the change request",
            format!(
                "UPDATE schedule_versions SET status = 'ingediend', submitted_at = now()
                 WHERE training_id = '{training}' AND status = 'concept'"
            ),
        ),
        (
            "approving the change request",
            format!(
                "UPDATE schedule_versions SET status = 'goedgekeurd', decided_at = now()
                 WHERE training_id = '{training}' AND status = 'ingediend'"
            ),
        ),
        (
            "writing and emptying a next concept",
            format!(
                "INSERT INTO schedule_versions (id, training_id, number, status, created_by)
                 SELECT gen_random_uuid(), training_id, number + 100, 'concept', created_by
                 FROM schedule_versions WHERE training_id = '{training}'
                   AND status = 'goedgekeurd' ORDER BY number DESC LIMIT 1;
                 INSERT INTO schedule_periods (id, version_id, origin_id, part, label,
                     institution_id, start_date, end_date, part_time_pct)
                 SELECT gen_random_uuid(), w.id, gen_random_uuid(), 0, 'Tijdelijk',
                     p.institution_id, p.start_date, p.end_date, 100
                 FROM schedule_periods p, schedule_versions w
                 WHERE p.id = '{period}' AND w.training_id = '{training}'
                   AND w.status = 'concept';
                 DELETE FROM schedule_periods WHERE version_id = (SELECT id FROM
                     schedule_versions WHERE training_id = '{training}' AND status = 'concept')"
            ),
        ),
        (
            "proposing a shortening",
            format!(
                "INSERT INTO shortenings (id, training_id, part, months, ground, gained_where,
                     gained_when, status, proposed_by, proposed_at)
                 SELECT gen_random_uuid(), id, 0, 6, 'evc', 'Elders', '2024', 'voorgesteld',
                     trainee_id, now()
                 FROM trainings WHERE id = '{training}'"
            ),
        ),
        (
            "deciding the shortening",
            format!(
                "UPDATE shortenings SET status = 'goedgekeurd', decided_at = now(),
                     decided_by = (SELECT supervisor_id FROM trainings WHERE id = '{training}')
                 WHERE training_id = '{training}' AND status = 'voorgesteld'"
            ),
        ),
        (
            "issuing the eindverklaring",
            format!(
                "INSERT INTO final_declarations (id, training_id, positive, end_date,
                     issued_by, issued_at)
                 SELECT gen_random_uuid(), id, true, current_date, supervisor_id, now()
                 FROM trainings WHERE id = '{training}'"
            ),
        ),
        (
            "a new status",
            format!("UPDATE trainings SET status = 'voltooid' WHERE id = '{training}'"),
        ),
        (
            "removing the eindverklaring",
            format!("DELETE FROM final_declarations WHERE training_id = '{training}'"),
        ),
        (
            "a new training of the same aios",
            format!(
                "INSERT INTO trainings (id, trainee_id, specialty_id, supervisor_id, invoicing)
                 SELECT gen_random_uuid(), trainee_id, specialty_id, supervisor_id, invoicing
                 FROM trainings WHERE id = '{training}'"
            ),
        ),
        (
            "removing the approved versions",
            format!(
                "UPDATE schedule_versions SET based_on_id = NULL
                 WHERE training_id = '{training}';
                 DELETE FROM schedule_versions WHERE training_id = '{training}'
                   AND status = 'goedgekeurd'"
            ),
        ),
    ];
    for (what, sql) in &changes {
        run(&pool, sql).await;
        assert_summaries_current(&pool, what).await;
    }

    let (name, big, labels, declared): (String, Option<String>, Vec<String>, bool) =
        sqlx::query_as(
            "SELECT trainee_name, trainee_big_number,
                    ARRAY(SELECT p ->> 2 FROM json_array_elements(periods) p), declared
             FROM training_summaries WHERE training_id = $1",
        )
        .bind(training)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(name, "Anders Genoemd");
    assert_eq!(big.as_deref(), Some("99999999999"));
    assert!(!declared);
    assert_ne!(labels, label_before, "the shown schedule changed");
}

#[tokio::test]
async fn two_transactions_changing_one_training_at_once_leave_the_summary_of_both() {
    let (_database, pool) = database().await;
    seeded(&pool).await;
    let (training, _) = approved_training(&pool).await;

    // The first renames the aios and keeps its transaction open.
    let mut first = pool.begin().await.unwrap();
    sqlx::query(
        "UPDATE users SET full_name = 'Eerste Wijziging'
         WHERE id = (SELECT trainee_id FROM trainings WHERE id = $1)",
    )
    .bind(training)
    .execute(&mut *first)
    .await
    .unwrap();

    // The second issues the eindverklaring meanwhile; its summary must wait for the first.
    let second = tokio::spawn({
        let pool = pool.clone();
        async move {
            let mut second = pool.begin().await.unwrap();
            sqlx::query(
                "INSERT INTO final_declarations (id, training_id, positive, end_date,
                     issued_by, issued_at)
                 SELECT gen_random_uuid(), id, true, current_date, supervisor_id, now()
                 FROM trainings WHERE id = $1",
            )
            .bind(training)
            .execute(&mut *second)
            .await
            .unwrap();
            second.commit().await.unwrap();
        }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !second.is_finished(),
        "the second transaction waits for the first before it writes the summary"
    );
    first.commit().await.unwrap();
    tokio::time::timeout(Duration::from_secs(10), second)
        .await
        .expect("the second transaction finishes once the first committed")
        .unwrap();

    let (name, declared): (String, bool) = sqlx::query_as(
        "SELECT trainee_name, declared FROM training_summaries WHERE training_id = $1",
    )
    .bind(training)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(declared, "the second's change is in the summary");
    assert_eq!(
        name, "Eerste Wijziging",
        "the first's change is in the summary"
    );
    assert_summaries_current(&pool, "both transactions").await;
}
