//! What a training's pages show beside its schedule: its shortenings, registration invoice,
//! eindverklaring and closure, read in one statement for the aios's, the opleider's and the
//! RGS's page of a training.

use crate::platform::ids::TrainingId;
use sqlx::PgConnection;

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
pub async fn records_of(
    conn: &mut PgConnection,
    training: TrainingId,
) -> Result<Records, sqlx::Error> {
    use crate::billing::invoices::Invoice;
    use interventions::ClosureRecord;
    use schedule_decisions::FinalDeclaration;
    use shortenings::Shortenings;
    use sqlx::types::Json;
    let row = sqlx::query!(
        r#"SELECT (SELECT shortenings FROM shortenings_of_training($1))
                    AS "shortenings!: Json<Shortenings>",
                  (SELECT invoice FROM registration_invoice_of_training($1))
                    AS "invoice: Json<Invoice>",
                  (SELECT row_to_json(x)
                   FROM (SELECT f.positive, f.end_date, u.full_name AS issued_by_name,
                                f.issued_at
                         FROM final_declarations f JOIN users u ON u.id = f.issued_by
                         WHERE f.training_id = $1) x)
                    AS "declaration: Json<FinalDeclaration>",
                  (SELECT closure FROM closure_of_training($1)) AS "closure: Json<ClosureRecord>""#,
        training as TrainingId,
    )
    .fetch_one(conn)
    .await?;
    Ok(Records {
        shortenings: row.shortenings.0,
        invoice: row.invoice.map(|json| json.0),
        declaration: row.declaration.map(|json| json.0),
        closure: row.closure.map(|json| json.0),
    })
}
