//! What waits for an aios in her trainings, as the start page lists it: a schedule to finish
//! and submit, a rejection to act on, and what lies with the opleider (docs/domain/trainings.md).

use sqlx::PgConnection;

use crate::platform::db::Stored;
use crate::platform::ids::{TrainingId, UserId};
use crate::web::tasks::{Link, Task};
use rules::training::{RegistrationStatus, VersionStatus};

/// What waits in the trainings of `trainee`: `(for her, for someone else)`.
pub async fn for_trainee(
    conn: &mut PgConnection,
    trainee: UserId,
) -> Result<(Vec<Task>, Vec<Task>), sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT ts.training_id AS "training_id: TrainingId", ts.specialty_name,
                  ts.supervisor_name, ts.status AS "status: Stored<RegistrationStatus>",
                  ts.schedule_waiting, ts.shortening_waiting,
                  (SELECT v.status FROM schedule_versions v WHERE v.training_id = ts.training_id
                   ORDER BY v.number DESC LIMIT 1) AS "latest: Stored<VersionStatus>"
           FROM training_summaries ts
           WHERE ts.trainee_id = $1
           ORDER BY ts.specialty_name, ts.training_id"#,
        trainee as UserId,
    )
    .fetch_all(conn)
    .await?;
    let mut own = Vec::new();
    let mut others = Vec::new();
    for row in rows {
        let page = format!("/aios/opleidingen/{}", row.training_id);
        let specialty = &row.specialty_name;
        let opleider = &row.supervisor_name;
        let latest = row.latest.map(|s| s.0);
        match row.status.0 {
            RegistrationStatus::Concept => own.push(Task::to_do(
                format!("{specialty}: uw opleidingsschema is nog niet ingediend."),
                Link::new(&page, format!("Schema afmaken en indienen: {specialty}")),
            )),
            RegistrationStatus::Rejected => own.push(Task::to_do(
                format!(
                    "{specialty}: {opleider} heeft uw opleidingsschema afgekeurd. Pas het aan en \
                     dien het opnieuw in."
                ),
                Link::new(
                    &page,
                    format!("Reden bekijken en schema aanpassen: {specialty}"),
                ),
            )),
            status if status.accepts_change_requests() => match latest {
                Some(VersionStatus::Concept) => own.push(Task::to_do(
                    format!("{specialty}: uw wijzigingsverzoek is nog niet ingediend."),
                    Link::new(
                        &page,
                        format!("Wijzigingsverzoek afmaken en indienen: {specialty}"),
                    ),
                )),
                Some(VersionStatus::Rejected) => own.push(Task::to_do(
                    format!("{specialty}: {opleider} heeft uw wijzigingsverzoek afgekeurd."),
                    Link::new(&page, format!("Reden bekijken: {specialty}")),
                )),
                _ => {}
            },
            _ => {}
        }
        if row.schedule_waiting {
            let what = if row.status.0 == RegistrationStatus::Submitted {
                "opleidingsschema"
            } else {
                "wijzigingsverzoek"
            };
            others.push(Task::note(
                format!("{specialty}: uw {what} wacht op het besluit van {opleider}."),
                Some(Link::new(&page, format!("Bekijken: {specialty}"))),
            ));
        }
        if row.shortening_waiting {
            others.push(Task::note(
                format!(
                    "{specialty}: een voorgestelde verkorting wacht op het besluit van {opleider}."
                ),
                Some(Link::new(&page, format!("Bekijken: {specialty}"))),
            ));
        }
    }
    Ok((own, others))
}
