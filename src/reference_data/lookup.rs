//! Reading the reference data that the rules engine needs from the database: a specialty's
//! definition (parts, EU minimum, recognitions) and the interruption types.

use std::collections::BTreeMap;

use sqlx::PgPool;
use sqlx::types::Json;
use uuid::Uuid;

use rules::schedule::model::{InterruptionType, PartRule, Recognitions, SpecialtyRules};
use rules::schedule::months::Months;

/// A specialty with everything the rules engine needs of it, as the SQL function
/// `specialty_rules` reads it (migration 0021).
pub(crate) struct SpecialtyRow {
    pub(crate) name: String,
    pub(crate) eu_minimum_months: Option<i32>,
    pub(crate) parts: Json<Vec<PartRow>>,
    pub(crate) institutions: Vec<Uuid>,
    pub(crate) supervisors: Vec<Uuid>,
    pub(crate) interruption_types: Json<Vec<TypeRow>>,
}

/// A part of a specialty, as an element of `specialty_rules.parts`.
#[derive(serde::Deserialize)]
pub(crate) struct PartRow {
    name: String,
    required_months: i32,
    expected_periods: Vec<String>,
}

/// An interruption type, as an element of `specialty_rules.interruption_types`.
#[derive(serde::Deserialize)]
pub(crate) struct TypeRow {
    code: String,
    name: String,
    counts_towards_limit: bool,
}

/// The interruption types by code, from their rows.
fn types_by_code(rows: Vec<TypeRow>) -> BTreeMap<String, InterruptionType> {
    rows.into_iter()
        .map(|row| {
            (
                row.code,
                InterruptionType {
                    name: row.name,
                    counts_towards_limit: row.counts_towards_limit,
                },
            )
        })
        .collect()
}

/// The interruption types by code.
pub async fn interruption_types(
    db: &PgPool,
) -> Result<BTreeMap<String, InterruptionType>, sqlx::Error> {
    let rows: Vec<TypeRow> = sqlx::query_as!(
        TypeRow,
        "SELECT code, name, counts_towards_limit FROM interruption_types ORDER BY position",
    )
    .fetch_all(db)
    .await?;
    Ok(types_by_code(rows))
}

/// The definition of specialty `id` for the rules engine, in one statement; `None` when
/// there is no such specialty.
pub async fn specialty_rules(db: &PgPool, id: Uuid) -> Result<Option<SpecialtyRules>, sqlx::Error> {
    let row = sqlx::query_as!(
        SpecialtyRow,
        r#"SELECT name AS "name!", eu_minimum_months,
                  parts AS "parts!: Json<Vec<PartRow>>", institutions AS "institutions!",
                  supervisors AS "supervisors!",
                  interruption_types AS "interruption_types!: Json<Vec<TypeRow>>"
           FROM specialty_rules($1)"#,
        id,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(SpecialtyRow::into_rules))
}

impl SpecialtyRow {
    /// The definition. Recognitions are "known" when at least one institution is recognised
    /// for the specialty.
    pub(crate) fn into_rules(self) -> SpecialtyRules {
        let recognitions = (!self.institutions.is_empty()).then(|| Recognitions {
            institutions: self.institutions.into_iter().collect(),
            supervisors: self.supervisors.into_iter().collect(),
        });
        SpecialtyRules {
            name: self.name,
            parts: self
                .parts
                .0
                .into_iter()
                .map(|p| PartRule {
                    name: p.name,
                    required: Months::whole(i64::from(p.required_months)),
                    expected_periods: p.expected_periods,
                })
                .collect(),
            eu_minimum: self.eu_minimum_months.map(|m| Months::whole(i64::from(m))),
            recognitions,
            interruption_types: types_by_code(self.interruption_types.0),
        }
    }
}

/// The fee of `product` for a training or registration in `specialty`, in `year`: what the
/// invoice will say, shown before the user commits to it. `None` when no fee is set.
pub async fn fee_for_specialty<'c>(
    db: impl sqlx::PgExecutor<'c>,
    year: i32,
    product: &str,
    specialty: Uuid,
) -> Result<Option<rules::money::Money>, sqlx::Error> {
    let cents = sqlx::query_scalar!(
        "SELECT f.amount_cents FROM fees f JOIN specialties s ON s.id = $3
         WHERE f.year <= $1 AND f.product = $2 AND (f.cluster = s.cluster OR f.cluster IS NULL)
         ORDER BY f.year DESC, f.cluster NULLS LAST LIMIT 1",
        i16::try_from(year).unwrap_or(i16::MAX),
        product,
        specialty,
    )
    .fetch_optional(db)
    .await?;
    Ok(cents.map(|cents| rules::money::Money::cents(i64::from(cents))))
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
    sqlx::query_scalar!(
        "SELECT amount_cents FROM fees WHERE year <= $1 AND product = $2
           AND (cluster = $3 OR cluster IS NULL)
         ORDER BY year DESC, cluster NULLS LAST LIMIT 1",
        year,
        product,
        cluster,
    )
    .fetch_optional(db)
    .await
}
