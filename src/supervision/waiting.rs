//! What waits for an opleider, and for an ondersteuner on behalf of the opleiders who
//! delegated to her, as the start page lists it (docs/domain/trainings.md).
//!
//! An ondersteuner may decide on schedules and change requests for her opleider, but not on a
//! shortening or the eindverklaring: those are the opleider's own judgement, so her start
//! page lists them under "Wacht op de opleider" and never as her work.

use chrono::NaiveDate;
use sqlx::PgConnection;

use crate::platform::auth::user::{Role, User};
use crate::platform::db::Stored;
use crate::platform::ids::{TrainingId, UserId};
use crate::platform::state::AppState;
use crate::web::tasks::{Link, Section, Task, counted};
use rules::decision::final_declaration_possible_until;
use rules::training::RegistrationStatus;

/// One training with something waiting, of one opleider.
#[derive(Clone, Debug)]
struct Waiting {
    training_id: TrainingId,
    trainee_name: String,
    specialty_name: String,
    supervisor_id: UserId,
    status: Stored<RegistrationStatus>,
    schedule_waiting: bool,
    shortening_waiting: bool,
    declaration_due: bool,
}

/// What waits for a decision of opleiders `supervisors` on `today`, by aios name.
async fn waiting_of(
    conn: &mut PgConnection,
    supervisors: &[UserId],
    today: NaiveDate,
) -> Result<Vec<Waiting>, sqlx::Error> {
    let ids: Vec<uuid::Uuid> = supervisors.iter().map(|id| id.0).collect();
    // The same three questions as the overview's "alleen wat wacht" (aios_overview.rs), over
    // the trainings' summaries: a schedule or change request, a shortening, or an
    // eindverklaring that may be given now.
    let until = final_declaration_possible_until(today);
    let rows = sqlx::query!(
        r#"SELECT training_id AS "training_id: TrainingId", trainee_name, specialty_name,
                  supervisor_id AS "supervisor_id: UserId",
                  status AS "status: Stored<RegistrationStatus>",
                  schedule_waiting, shortening_waiting,
                  (NOT declared AND COALESCE(expected_end, planned_end) <= $2) AS "end_near!"
           FROM training_summaries
           WHERE supervisor_id = ANY($1) AND status <> 'concept'
             AND (schedule_waiting OR shortening_waiting
                  OR (NOT declared AND COALESCE(expected_end, planned_end) <= $2))
           ORDER BY trainee_name, training_id"#,
        &ids,
        until,
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| Waiting {
            training_id: row.training_id,
            trainee_name: row.trainee_name,
            specialty_name: row.specialty_name,
            supervisor_id: row.supervisor_id,
            declaration_due: row.end_near && row.status.0.accepts_change_requests(),
            status: row.status,
            schedule_waiting: row.schedule_waiting,
            shortening_waiting: row.shortening_waiting,
        })
        .filter(|w| w.schedule_waiting || w.shortening_waiting || w.declaration_due)
        .collect())
}

/// The page of aios `id` where the opleider decides.
fn aios_link(waiting: &Waiting, what: &str) -> Link {
    Link::new(
        format!("/opleider/aios/{}", waiting.training_id),
        format!(
            "{what} van {} ({})",
            waiting.trainee_name, waiting.specialty_name
        ),
    )
}

/// The list of every aios with something waiting.
fn all_waiting() -> Link {
    Link::new("/opleider/aios?wacht=1", "Alle aios met iets dat wacht")
}

/// The first schedules (`first`) or the change requests among `waiting`, as one count.
fn schedules(waiting: &[&Waiting], first: bool, whose: &str) -> Option<Task> {
    let items: Vec<Link> = waiting
        .iter()
        .filter(|w| w.schedule_waiting && (w.status.0 == RegistrationStatus::Submitted) == first)
        .map(|w| {
            aios_link(
                w,
                if first {
                    "Opleidingsschema"
                } else {
                    "Wijzigingsverzoek"
                },
            )
        })
        .collect();
    let (one, many) = if first {
        ("opleidingsschema wacht", "opleidingsschema's wachten")
    } else {
        ("wijzigingsverzoek wacht", "wijzigingsverzoeken wachten")
    };
    (!items.is_empty()).then(|| {
        Task::count(
            format!("{} op {whose}.", counted(items.len(), one, many)),
            items,
            all_waiting(),
        )
    })
}

/// The shortenings among `waiting`, as one count.
fn shortenings(waiting: &[&Waiting], whose: &str) -> Option<Task> {
    let items: Vec<Link> = waiting
        .iter()
        .filter(|w| w.shortening_waiting)
        .map(|w| aios_link(w, "Verkorting"))
        .collect();
    (!items.is_empty()).then(|| {
        Task::count(
            format!(
                "{} op {whose}.",
                counted(
                    items.len(),
                    "voorgestelde verkorting wacht",
                    "voorgestelde verkortingen wachten"
                )
            ),
            items,
            all_waiting(),
        )
    })
}

/// The eindverklaringen that may be given among `waiting`, as one count.
fn declarations(waiting: &[&Waiting]) -> Option<Task> {
    let items: Vec<Link> = waiting
        .iter()
        .filter(|w| w.declaration_due)
        .map(|w| aios_link(w, "Eindverklaring"))
        .collect();
    (!items.is_empty()).then(|| {
        Task::count(
            format!(
                "{}.",
                counted(
                    items.len(),
                    "eindverklaring kan nu worden afgegeven",
                    "eindverklaringen kunnen nu worden afgegeven",
                )
            ),
            items,
            all_waiting(),
        )
    })
}

/// The opleider's section: what waits for their own decision.
pub async fn for_supervisor(
    conn: &mut PgConnection,
    supervisor: UserId,
    today: NaiveDate,
) -> Result<Vec<Task>, sqlx::Error> {
    let waiting = waiting_of(conn, &[supervisor], today).await?;
    let all: Vec<&Waiting> = waiting.iter().collect();
    Ok([
        schedules(&all, true, "uw besluit"),
        schedules(&all, false, "uw besluit"),
        shortenings(&all, "uw besluit"),
        declarations(&all),
    ]
    .into_iter()
    .flatten()
    .collect())
}

/// The ondersteuner's sections, one per opleider who delegated to her, titled with whose
/// aios they are: the schedules she may decide on, and under "Wacht op de opleider" what only
/// the opleider may do.
pub async fn for_support(
    conn: &mut PgConnection,
    support: UserId,
    today: NaiveDate,
) -> Result<Vec<Section>, sqlx::Error> {
    let supervisors = sqlx::query!(
        r#"SELECT r.supervisor_id AS "id!: UserId", u.full_name
           FROM role_assignments r JOIN users u ON u.id = r.supervisor_id
           WHERE r.user_id = $1 AND r.role = 'ondersteuner' AND r.revoked_at IS NULL
           ORDER BY u.full_name, u.id"#,
        support as UserId,
    )
    .fetch_all(&mut *conn)
    .await?;
    let ids: Vec<UserId> = supervisors.iter().map(|s| s.id).collect();
    let waiting = waiting_of(conn, &ids, today).await?;
    Ok(supervisors
        .into_iter()
        .map(|supervisor| {
            let theirs: Vec<&Waiting> = waiting
                .iter()
                .filter(|w| w.supervisor_id == supervisor.id)
                .collect();
            let name = &supervisor.full_name;
            let tasks = [
                schedules(&theirs, true, "een besluit"),
                schedules(&theirs, false, "een besluit"),
            ]
            .into_iter()
            .flatten()
            .collect();
            let others = [
                shortenings(&theirs, "het besluit van de opleider"),
                declarations(&theirs),
            ]
            .into_iter()
            .flatten()
            .collect();
            Section::new(
                format!("Aios van {name}"),
                tasks,
                format!("Voor de aios van {name} wacht nu niets."),
            )
            .with_others(
                format!("Wacht op {name}: alleen de opleider beslist hierover"),
                others,
            )
        })
        .collect())
}

/// After a decision on training `decided`: the next aios of `user` with something that waits
/// for a decision they may take, by name, to offer as "Volgende". An opleider decides
/// everything for their own aios; as ondersteuner, for the opleiders who delegated to them, a
/// user decides only schedules and change requests.
pub async fn next_decision(
    state: &AppState,
    user: &User,
    decided: TrainingId,
) -> Result<Option<Link>, sqlx::Error> {
    let (own, support) = (user.has(Role::Opleider), user.has(Role::Ondersteuner));
    let today = state.clock.today();
    let conn = &mut *state.db.acquire().await?;
    let user = user.id;
    let mut supervisors = Vec::new();
    if own {
        supervisors.push(user);
    }
    if support {
        let delegators = sqlx::query_scalar!(
            r#"SELECT supervisor_id AS "id!: UserId" FROM role_assignments
               WHERE user_id = $1 AND role = 'ondersteuner' AND revoked_at IS NULL"#,
            user as UserId,
        )
        .fetch_all(&mut *conn)
        .await?;
        supervisors.extend(delegators);
    }
    let waiting = waiting_of(conn, &supervisors, today).await?;
    Ok(waiting
        .iter()
        .filter(|w| w.training_id != decided)
        .find_map(|w| {
            let theirs = own && w.supervisor_id == user;
            let what = if w.schedule_waiting {
                if w.status.0 == RegistrationStatus::Submitted {
                    "Opleidingsschema"
                } else {
                    "Wijzigingsverzoek"
                }
            } else if theirs && w.shortening_waiting {
                "Verkorting"
            } else if theirs && w.declaration_due {
                "Eindverklaring"
            } else {
                return None;
            };
            Some(aios_link(w, what))
        }))
}
