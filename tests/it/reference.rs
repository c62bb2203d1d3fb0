//! Reference data in the database, read for the rules engine.

use crate::helpers::database::database;
use chrono::NaiveDate;
use mijnrgs::platform::config::Config;
use mijnrgs::reference_data::lookup;
use rules::schedule::check::check;
use rules::schedule::model::{CheckContext, Period, Schedule};
use rules::schedule::months::Months;
use sqlx::PgPool;
use uuid::Uuid;

async fn id_of(pool: &PgPool, sql: &str) -> Uuid {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[tokio::test]
async fn the_igt_profile_is_one_part_of_33_months_in_four_named_periods() {
    let (_database, pool) = database().await;
    let igt = id_of(&pool, "SELECT id FROM specialties WHERE code = 'igt'").await;
    let rules = lookup::specialty_rules(&pool, igt).await.unwrap().unwrap();
    assert_eq!(rules.parts.len(), 1);
    assert_eq!(rules.parts[0].required, Months::whole(33));
    assert_eq!(
        rules.parts[0].expected_periods,
        ["Ziekenhuis 1", "Ziekenhuis 2", "NTC", "Buitenland"]
    );
    assert_eq!(
        rules.eu_minimum, None,
        "profiles fall outside the EU directive"
    );
    let institute_based: bool =
        sqlx::query_scalar("SELECT institute_based FROM specialties WHERE code = 'igt'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(institute_based);
}

#[tokio::test]
async fn the_catalogue_holds_the_required_durations_of_the_spec() {
    let (_database, pool) = database().await;
    for (code, months) in [
        ("huisartsgeneeskunde", 36),
        ("ouderengeneeskunde", 36),
        ("avg", 36),
        ("anesthesiologie", 60),
        ("kindergeneeskunde", 60),
        ("interne-geneeskunde", 72),
        ("heelkunde", 72),
        ("psychiatrie", 54),
    ] {
        let total: i64 = sqlx::query_scalar(
            "SELECT sum(p.required_months) FROM specialty_parts p JOIN specialties s ON s.id = p.specialty_id WHERE s.code = $1",
        )
        .bind(code)
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(total, months, "{code}");
    }
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM specialties")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert!(
        count >= 21,
        "the nine of the spec and a dozen more: {count}"
    );
    let without_parts: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM specialties s WHERE NOT EXISTS (SELECT 1 FROM specialty_parts p WHERE p.specialty_id = s.id)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(without_parts, 0, "every specialty has its parts");
}

#[tokio::test]
async fn interruption_types_say_whether_they_count_towards_the_ten_days() {
    let (_database, pool) = database().await;
    let types = lookup::interruption_types(&pool).await.unwrap();
    assert_eq!(types.len(), 9);
    assert!(types["ziekte"].counts_towards_limit);
    assert!(!types["zwangerschapsverlof"].counts_towards_limit);
    assert!(!types["anios"].counts_towards_limit);
}

#[tokio::test]
async fn fees_are_found_by_year_product_and_cluster() {
    let (_database, pool) = database().await;
    assert_eq!(
        lookup::fee_cents(&pool, 2021, "opleidingsregistratie", 1)
            .await
            .unwrap(),
        Some(43311)
    );
    assert_eq!(
        lookup::fee_cents(&pool, 2021, "opleidingsregistratie", 3)
            .await
            .unwrap(),
        Some(68709)
    );
    assert_eq!(
        lookup::fee_cents(&pool, 2021, "eerste_registratie", 2)
            .await
            .unwrap(),
        Some(17791)
    );
    // A year without its own fees uses the latest year before it.
    assert_eq!(
        lookup::fee_cents(&pool, 2024, "opleidingsregistratie", 1)
            .await
            .unwrap(),
        Some(43311)
    );
    assert_eq!(
        lookup::fee_cents(&pool, 2031, "opleidingsregistratie", 2)
            .await
            .unwrap(),
        Some(78392)
    );
    assert_eq!(
        lookup::fee_cents(&pool, 1999, "eerste_registratie", 2)
            .await
            .unwrap(),
        None
    );
}

#[tokio::test]
async fn a_complete_schedule_checked_against_the_stored_igt_rules_has_no_findings() {
    let (_database, pool) = database().await;
    mijnrgs::seed::seed_demo(&pool, &Config::from_lookup(|_| None).unwrap())
        .await
        .unwrap();
    let igt = id_of(&pool, "SELECT id FROM specialties WHERE code = 'igt'").await;
    let radboud = id_of(
        &pool,
        "SELECT id FROM institutions WHERE name = 'Radboudumc'",
    )
    .await;
    let isala = id_of(&pool, "SELECT id FROM institutions WHERE name = 'Isala'").await;
    let opleider = id_of(
        &pool,
        "SELECT id FROM users WHERE username = 'demo.opleider'",
    )
    .await;
    let rules = lookup::specialty_rules(&pool, igt).await.unwrap().unwrap();
    let recognitions = rules
        .recognitions
        .as_ref()
        .expect("recognitions are known for IGT");
    assert!(recognitions.institutions.contains(&radboud));
    assert!(recognitions.supervisors.contains(&opleider));

    let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let period = |label: &str, institution: Uuid, start: &str, end: &str| Period {
        part: 0,
        label: label.into(),
        institution,
        supervisor: Some(opleider),
        start: d(start),
        end: d(end),
        part_time_pct: 100,
    };
    let schedule = Schedule {
        periods: vec![
            period("Ziekenhuis 1", radboud, "2027-01-01", "2028-01-01"),
            period("Ziekenhuis 2", isala, "2028-01-01", "2029-01-01"),
            period("NTC", radboud, "2029-01-01", "2029-04-01"),
            period("Buitenland", isala, "2029-04-01", "2029-10-01"),
        ],
        ..Schedule::default()
    };
    let context = CheckContext {
        today: d("2026-11-22"),
        diploma: Some(d("2025-07-01")),
        submitted_on: Some(d("2026-11-22")),
    };
    let report = check(&schedule, &rules, &context);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(report.totals.expected_end, Some(d("2029-10-01")));

    let elsewhere = id_of(&pool, "SELECT id FROM institutions WHERE name = 'OLVG'").await;
    let mut unrecognised = schedule.clone();
    unrecognised.periods[0].institution = elsewhere;
    let report = check(&unrecognised, &rules, &context);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(
        report.findings[0].code.as_str(),
        "period.institution_not_recognised"
    );
}
