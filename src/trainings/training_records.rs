//! What a training's pages show beside its schedule: its shortenings, registration invoice,
//! eindverklaring and closure, read in one statement for the aios's, the opleider's and the
//! RGS's page of a training.

use std::sync::LazyLock;

use sqlx::PgConnection;
use uuid::Uuid;

use crate::supervision::{schedule_decisions, shortenings};
use crate::trainings::interventions;

/// What a training's pages show beside its schedule, read in one statement.
#[derive(Clone, Debug)]
pub struct Records {
    /// Every shortening, oldest first.
    pub shortenings: Vec<shortenings::Record>,
    /// The registration invoice, once issued.
    pub invoice: Option<crate::billing::invoices::Invoice>,
    /// The eindverklaring, once issued.
    pub declaration: Option<schedule_decisions::FinalDeclaration>,
    /// How and why the RGS closed the registration, if it did.
    pub closure: Option<interventions::ClosureRecord>,
}

/// The shortenings, registration invoice, eindverklaring and closure of `training`: one
/// statement of four indexed subqueries. Only for a training the caller has already found as
/// the user's own (or as the RGS's).
pub async fn records_of(conn: &mut PgConnection, training: Uuid) -> Result<Records, sqlx::Error> {
    use sqlx::types::Json;
    #[derive(sqlx::FromRow)]
    struct RecordsRow {
        shortenings: Json<Vec<shortenings::Row>>,
        invoice: Option<Json<crate::billing::invoices::Invoice>>,
        declaration: Option<Json<schedule_decisions::FinalDeclaration>>,
        closure: Option<Json<interventions::ClosureRow>>,
    }
    static SQL: LazyLock<String> = LazyLock::new(|| {
        format!(
            "SELECT ({}) AS shortenings, ({}) AS invoice, ({}) AS declaration,
                    ({}) AS closure",
            shortenings::OF_TRAINING_JSON.as_str(),
            crate::billing::invoices::REGISTRATION_JSON.as_str(),
            schedule_decisions::FINAL_DECLARATION_JSON.as_str(),
            interventions::CLOSURE_JSON.as_str(),
        )
    });
    let row: RecordsRow = sqlx::query_as(SQL.as_str())
        .bind(training)
        .fetch_one(conn)
        .await?;
    Ok(Records {
        shortenings: shortenings::records(row.shortenings.0)?,
        invoice: row.invoice.map(|json| json.0),
        declaration: row.declaration.map(|json| json.0),
        closure: row.closure.map(|json| json.0.into_record()).transpose()?,
    })
}
