//! What waits for an aios after her training and for a specialist in the register, as the
//! start page lists it: registration to request, herregistratie to apply for, and what lies
//! with the RGS (docs/domain/registers.md). The invoices to pay are listed as billing says
//! (`billing/waiting.rs`), not once more as an unpaid request.

use chrono::NaiveDate;
use sqlx::PgConnection;

use sqlx::types::Json;

use crate::billing::invoices::Invoice;
use crate::platform::ids::UserId;
use crate::registers::entries::{Application, Completed, Entry};
use crate::web::tasks::{Link, Task};
use rules::person::format_date;
use rules::register_entry::{self, ApplicationStatus, Reregistration, Window};

/// What waits in the registers and the invoices of `user` on `today`: `(for them, for the
/// RGS)`.
pub async fn for_registrant(
    conn: &mut PgConnection,
    user: UserId,
    today: NaiveDate,
) -> Result<(Vec<Task>, Vec<Task>), sqlx::Error> {
    // One statement for the four lists (the start page's budget, tests/it/queries.rs).
    let row = sqlx::query!(
        r#"SELECT
             (SELECT applications FROM applications_of_user($1))
               AS "applications!: Json<Vec<Application>>",
             (SELECT entries FROM register_entries_of_user($1)) AS "entries!: Json<Vec<Entry>>",
             (SELECT invoices FROM invoices_of_user($1)) AS "invoices!: Json<Vec<Invoice>>",
             -- As entries::completed_of.
             (SELECT COALESCE(json_agg(json_build_object(
                        'training_id', t.id, 'specialty_id', t.specialty_id,
                        'specialty_name', s.name, 'register', s.register,
                        'end_date', f.end_date) ORDER BY f.end_date), '[]')
              FROM trainings t
              JOIN final_declarations f ON f.training_id = t.id AND f.positive
              JOIN specialties s ON s.id = t.specialty_id
              WHERE t.trainee_id = $1 AND t.status = 'voltooid')
               AS "completed!: Json<Vec<Completed>>""#,
        user as UserId,
    )
    .fetch_one(&mut *conn)
    .await?;
    let (applications, entries, completed) = (row.applications.0, row.entries.0, row.completed.0);
    let mut own = Vec::new();
    let mut others = Vec::new();
    let overview = || Link::new("/registratie", "Naar Mijn registratie");
    for training in completed
        .iter()
        .filter(|c| !entries.iter().any(|e| e.specialty_id == c.specialty_id))
    {
        let requested = applications.iter().any(|a| {
            a.training_id == Some(training.training_id) && a.status.0 != ApplicationStatus::Refused
        });
        if requested {
            continue;
        }
        let specialty = &training.specialty_name;
        match training.window(today) {
            Window::InTime => own.push(Task::to_do(
                format!("{specialty}: u kunt nu registratie aanvragen."),
                Link::new(
                    "/registratie",
                    format!("Registratie aanvragen: {specialty}"),
                ),
            )),
            Window::TooEarly { from } => own.push(Task::note(
                format!(
                    "{specialty}: u kunt registratie aanvragen vanaf {}.",
                    format_date(from)
                ),
                Some(overview()),
            )),
            Window::Late { until } => own.push(Task::note(
                format!(
                    "{specialty}: de termijn om registratie aan te vragen liep tot en met {}. \
                     Neem contact op met de RGS.",
                    format_date(until)
                ),
                Some(Link::new("/contact", "Contact met de RGS")),
            )),
        }
    }
    for entry in entries.iter().filter(|e| e.is_registered()) {
        let specialty = &entry.specialty_name;
        let applied = applications
            .iter()
            .any(|a| a.entry_id == Some(entry.id) && a.extends_from == Some(entry.ends_on));
        if applied {
            continue;
        }
        match register_entry::reregistration(entry.ends_on, today) {
            Reregistration::Open => own.push(Task::to_do(
                format!(
                    "{specialty}: vraag nu herregistratie aan. Uw inschrijving is geldig tot en \
                     met {}.",
                    entry.until()
                ),
                Link::new(
                    format!("/registratie/inschrijvingen/{}/herregistratie", entry.id),
                    format!("Herregistratie aanvragen: {specialty}"),
                ),
            )),
            Reregistration::NotYet { from } => own.push(Task::note(
                format!(
                    "{specialty}: u kunt herregistratie aanvragen vanaf {}. Uw inschrijving is \
                     geldig tot en met {}.",
                    format_date(from),
                    entry.until()
                ),
                Some(overview()),
            )),
            Reregistration::Expired => {}
        }
    }
    for application in applications.iter().filter(|a| a.is_open() && a.is_paid()) {
        others.push(Task::note(
            format!(
                "{}: uw aanvraag voor {} van {} wacht op het besluit van de RGS.",
                application.specialty_name,
                application.kind_label().to_lowercase(),
                application.submitted()
            ),
            Some(overview()),
        ));
    }
    own.extend(crate::billing::waiting::open_invoices(
        row.invoices.0,
        today,
    ));
    Ok((own, others))
}
