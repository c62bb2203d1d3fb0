//! Where a contactpersoon's work is, as the start page lists it: the register report of each
//! institution they are the contact of (docs/domain/reports.md).

use sqlx::PgPool;

use crate::platform::ids::UserId;
use crate::reports::register_report;
use crate::web::tasks::{Link, Task};

/// One entry per institution of contactpersoon `user`, straight to its report.
pub async fn for_contact(db: &PgPool, user: UserId) -> Result<Vec<Task>, sqlx::Error> {
    Ok(register_report::institutions_of(db, user)
        .await?
        .into_iter()
        .map(|(id, name)| {
            Task::to_do(
                format!(
                    "Het registeroverzicht van {name}: wie er in opleiding is, op het scherm of \
                     als CSV, Excel of PDF."
                ),
                Link::new(
                    format!("/contactpersoon/instellingen/{id}/rapport"),
                    format!("Registeroverzicht van {name}"),
                ),
            )
        })
        .collect())
}
