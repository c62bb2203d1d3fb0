//! What waits for the RGS, as the start page of an RGS-medewerker lists it: the counts of the
//! werkvoorraad, each with its items (docs/domain/trainings.md, "Werkvoorraad").

use chrono::{DateTime, NaiveDate, Utc};

use crate::trainings::interventions::{self, WaitingRegistration};
use crate::web::tasks::{Link, Task, counted};

/// How long a registration may wait before the werkvoorraad shows it, unless the
/// RGS-medewerker chooses otherwise.
pub const DEFAULT_WAIT_DAYS: i64 = 14;

/// The registrations of `rows`, each straight to its page in the back office.
fn registrations(rows: &[WaitingRegistration]) -> Vec<Link> {
    rows.iter()
        .map(|row| {
            Link::new(
                format!("/rgs/opleidingen/{}", row.training_id),
                format!(
                    "{} ({}), sinds {}",
                    row.trainee_name,
                    row.specialty_name,
                    row.since_label()
                ),
            )
        })
        .collect()
}

/// What waits for the back office at `now` (`today`).
pub async fn for_clerk(
    db: &sqlx::PgPool,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<Vec<Task>, sqlx::Error> {
    let work = interventions::work_list(db, now, today, DEFAULT_WAIT_DAYS).await?;
    let list = || Link::new("/rgs/werkvoorraad", "Naar de werkvoorraad");
    let mut tasks = Vec::new();
    if !work.reregistrations.is_empty() {
        let items = work
            .reregistrations
            .iter()
            .map(|a| {
                Link::new(
                    format!("/rgs/herregistraties/{}", a.id),
                    format!(
                        "{} ({}), ingediend {}",
                        a.user_name,
                        a.specialty_name,
                        a.submitted()
                    ),
                )
            })
            .collect::<Vec<_>>();
        tasks.push(Task::count(
            format!(
                "{} op uw besluit.",
                counted(
                    items.len(),
                    "aanvraag voor herregistratie wacht",
                    "aanvragen voor herregistratie wachten"
                )
            ),
            items,
            list(),
        ));
    }
    if work.requests > 0 {
        let n = usize::try_from(work.requests).unwrap_or(usize::MAX);
        tasks.push(Task::to_do(
            format!(
                "{} op een besluit.",
                counted(n, "accountaanvraag wacht", "accountaanvragen wachten")
            ),
            Link::new("/rgs/accountaanvragen", "Naar de accountaanvragen"),
        ));
    }
    if !work.awaiting_opleider.is_empty() {
        let items = registrations(&work.awaiting_opleider);
        tasks.push(Task::count(
            format!(
                "{} langer dan {DEFAULT_WAIT_DAYS} dagen op de opleider.",
                counted(items.len(), "registratie wacht", "registraties wachten")
            ),
            items,
            list(),
        ));
    }
    if !work.unpaid.is_empty() {
        let items = registrations(&work.unpaid);
        tasks.push(Task::count(
            format!(
                "{} langer dan {DEFAULT_WAIT_DAYS} dagen open.",
                counted(
                    items.len(),
                    "registratiefactuur staat",
                    "registratiefacturen staan"
                )
            ),
            items,
            list(),
        ));
    }
    if !work.emails.is_empty() {
        tasks.push(Task::to_do(
            format!(
                "{} niet worden bezorgd.",
                counted(work.emails.len(), "e-mail kon", "e-mails konden")
            ),
            Link::new(
                "/rgs/werkvoorraad#mails",
                "E-mails nakijken en opnieuw versturen",
            ),
        ));
    }
    if !work.jobs.is_empty() {
        tasks.push(Task::to_do(
            format!(
                "{} opgegeven na herhaalde pogingen.",
                counted(work.jobs.len(), "geplande taak is", "geplande taken zijn")
            ),
            Link::new("/rgs/werkvoorraad#taken", "Opgegeven taken bekijken"),
        ));
    }
    Ok(tasks)
}
