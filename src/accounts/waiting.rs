//! What waits for an opleider in accounts, as the start page lists it: account requests of
//! ondersteuners that name them and wait for their confirmation (docs/domain/accounts.md).

use sqlx::PgPool;

use crate::accounts::account_requests;
use crate::platform::ids::UserId;
use crate::web::tasks::{Link, Task, counted};

/// The ondersteuners' requests that wait for opleider `supervisor`'s answer.
pub async fn for_supervisor(db: &PgPool, supervisor: UserId) -> Result<Vec<Task>, sqlx::Error> {
    let requests = account_requests::waiting_for_supervisor(db, supervisor).await?;
    if requests.is_empty() {
        return Ok(Vec::new());
    }
    let items = requests
        .iter()
        .map(|r| {
            Link::new(
                format!("/opleider/ondersteuners#aanvraag-{}", r.id),
                format!("Aanvraag van {}", r.full_name),
            )
        })
        .collect();
    Ok(vec![Task::count(
        format!(
            "{} op uw bevestiging: zij willen namens u werken.",
            counted(
                requests.len(),
                "opleidingsondersteuner wacht",
                "opleidingsondersteuners wachten"
            )
        ),
        items,
        Link::new(
            "/opleider/ondersteuners",
            "Alle aanvragen van ondersteuners",
        ),
    )])
}
