//! Reading the reference data that the rules engine needs from the database: a specialty's
//! definition (parts, EU minimum, recognitions) and the interruption types.

use std::collections::BTreeMap;

use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::schedule::model::{InterruptionType, PartRule, Recognitions, SpecialtyRules};
use crate::domain::schedule::months::Months;

#[derive(sqlx::FromRow)]
struct SpecialtyRow {
    name: String,
    eu_minimum_months: Option<i32>,
}

#[derive(sqlx::FromRow)]
struct PartRow {
    name: String,
    required_months: i32,
    expected_periods: Vec<String>,
}

/// The interruption types by code.
pub async fn interruption_types(
    db: &PgPool,
) -> Result<BTreeMap<String, InterruptionType>, sqlx::Error> {
    let rows: Vec<(String, String, bool)> = sqlx::query_as(
        "SELECT code, name, counts_towards_limit FROM interruption_types ORDER BY position",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(code, name, counts)| {
            (
                code,
                InterruptionType {
                    name,
                    counts_towards_limit: counts,
                },
            )
        })
        .collect())
}

/// The definition of specialty `id` for the rules engine; `None` when there is no such
/// specialty. Recognitions are "known" when at least one institution is recognised for it.
pub async fn specialty_rules(db: &PgPool, id: Uuid) -> Result<Option<SpecialtyRules>, sqlx::Error> {
    let Some(specialty): Option<SpecialtyRow> =
        sqlx::query_as("SELECT name, eu_minimum_months FROM specialties WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?
    else {
        return Ok(None);
    };
    let parts: Vec<PartRow> = sqlx::query_as(
        "SELECT name, required_months, expected_periods FROM specialty_parts
         WHERE specialty_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    let institutions: Vec<Uuid> =
        sqlx::query_scalar("SELECT institution_id FROM recognitions WHERE specialty_id = $1")
            .bind(id)
            .fetch_all(db)
            .await?;
    let supervisors: Vec<Uuid> = sqlx::query_scalar(
        "SELECT DISTINCT user_id FROM role_assignments
         WHERE role = 'opleider' AND specialty_id = $1 AND revoked_at IS NULL",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    let recognitions = (!institutions.is_empty()).then(|| Recognitions {
        institutions: institutions.into_iter().collect(),
        supervisors: supervisors.into_iter().collect(),
    });
    Ok(Some(SpecialtyRules {
        name: specialty.name,
        parts: parts
            .into_iter()
            .map(|p| PartRule {
                name: p.name,
                required: Months::whole(i64::from(p.required_months)),
                expected_periods: p.expected_periods,
            })
            .collect(),
        eu_minimum: specialty
            .eu_minimum_months
            .map(|m| Months::whole(i64::from(m))),
        recognitions,
        interruption_types: interruption_types(db).await?,
    }))
}

/// A fee in cents for `product` in `year` and `cluster`: the cluster's own row, or the row
/// for every cluster, of `year`, or of the latest year before it while the new year's fees
/// are not entered yet.
pub async fn fee_cents<'c>(
    db: impl sqlx::PgExecutor<'c>,
    year: i16,
    product: &str,
    cluster: i16,
) -> Result<Option<i32>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT amount_cents FROM fees WHERE year <= $1 AND product = $2
           AND (cluster = $3 OR cluster IS NULL)
         ORDER BY year DESC, cluster NULLS LAST LIMIT 1",
    )
    .bind(year)
    .bind(product)
    .bind(cluster)
    .fetch_optional(db)
    .await
}
