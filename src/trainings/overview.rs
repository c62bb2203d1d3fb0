//! The opleider's overview of their aios (and the ondersteuner's, for the opleiders who
//! delegated to them): filtered, sorted and paged with a keyset, so a page costs the same for
//! an opleider with ten aios as for one with hundreds.

use chrono::NaiveDate;
use sqlx::PgPool;
use uuid::Uuid;

use crate::domain::training::RegistrationStatus;

/// Rows per page.
pub const PAGE_SIZE: i64 = 50;

/// How the list is sorted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sort {
    /// By the aios's name.
    #[default]
    Name,
    /// By registration status, then name.
    Status,
}

/// Where the previous page ended: the sort key of its last row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    /// The status code (for [`Sort::Status`]).
    pub status: String,
    /// The aios's name.
    pub name: String,
    /// The training id, which makes the key unique.
    pub id: Uuid,
}

/// What the opleider asked for.
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// Only this status.
    pub status: Option<RegistrationStatus>,
    /// Only what waits for the opleider.
    pub waiting_only: bool,
    /// The order.
    pub sort: Sort,
    /// Continue after this row.
    pub after: Option<Cursor>,
}

/// One aios in the overview.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Row {
    /// The training.
    pub id: Uuid,
    /// The aios's name.
    pub trainee_name: String,
    /// The specialty.
    pub specialty_name: String,
    /// The oordelend opleider (differs per row for an ondersteuner of several opleiders).
    pub supervisor_name: String,
    /// Registration status code.
    pub status: String,
    /// The period running today, if any.
    pub period_label: Option<String>,
    /// Its institution.
    pub institution_name: Option<String>,
    /// A schedule or change request waits for a decision.
    pub schedule_waiting: bool,
    /// A proposed shortening waits for the opleider's decision.
    pub shortening_waiting: bool,
    /// The end of the current schedule's last period.
    pub planned_end: Option<NaiveDate>,
    /// Whether an eindverklaring was issued.
    pub declared: bool,
}

impl Row {
    /// The registration status.
    pub fn registration(&self) -> Option<RegistrationStatus> {
        RegistrationStatus::from_code(&self.status)
    }

    /// Whether the eindverklaring is due: a running registration without one, whose schedule
    /// ends within three months.
    pub fn declaration_due(&self, today: &NaiveDate) -> bool {
        let today = *today;
        let running = self
            .registration()
            .is_some_and(RegistrationStatus::accepts_change_requests);
        running
            && !self.declared
            && self
                .planned_end
                .is_some_and(|end| crate::domain::decision::final_declaration_from(end) <= today)
    }

    /// The cursor that continues after this row.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            status: self.status.clone(),
            name: self.trainee_name.clone(),
            id: self.id,
        }
    }
}

/// One page of the overview for `user` (opleider, or ondersteuner through active
/// delegations), and whether more follow.
pub async fn page(
    db: &PgPool,
    user: Uuid,
    today: NaiveDate,
    query: &Query,
) -> Result<(Vec<Row>, bool), sqlx::Error> {
    let order = match query.sort {
        Sort::Name => "a.full_name, t.id",
        Sort::Status => "t.status, a.full_name, t.id",
    };
    let after = match query.sort {
        Sort::Name => "($5::text IS NULL OR (a.full_name, t.id) > ($5, $6))",
        Sort::Status => "($5::text IS NULL OR (t.status, a.full_name, t.id) > ($7, $5, $6))",
    };
    let sql = format!(
        "SELECT t.id, a.full_name AS trainee_name, s.name AS specialty_name,
                o.full_name AS supervisor_name, t.status,
                now_period.label AS period_label, now_period.institution_name,
                EXISTS (SELECT 1 FROM schedule_versions w
                        WHERE w.training_id = t.id AND w.status = 'ingediend') AS schedule_waiting,
                EXISTS (SELECT 1 FROM shortenings k
                        WHERE k.training_id = t.id AND k.status = 'voorgesteld') AS shortening_waiting,
                current_end.planned_end,
                EXISTS (SELECT 1 FROM final_declarations f WHERE f.training_id = t.id) AS declared
         FROM trainings t
         JOIN users a ON a.id = t.trainee_id
         JOIN users o ON o.id = t.supervisor_id
         JOIN specialties s ON s.id = t.specialty_id
         LEFT JOIN LATERAL (
             SELECT v.id FROM schedule_versions v
             WHERE v.training_id = t.id AND v.status IN ('goedgekeurd', 'ingediend')
             ORDER BY (v.status = 'goedgekeurd') DESC, v.number DESC LIMIT 1
         ) shown ON true
         LEFT JOIN LATERAL (
             SELECT p.label, i.name AS institution_name FROM schedule_periods p
             JOIN institutions i ON i.id = p.institution_id
             WHERE p.version_id = shown.id AND p.start_date <= $2 AND p.end_date > $2
             ORDER BY p.start_date LIMIT 1
         ) now_period ON true
         LEFT JOIN LATERAL (
             SELECT max(p.end_date) AS planned_end FROM schedule_periods p
             WHERE p.version_id = shown.id
         ) current_end ON true
         WHERE t.status <> 'concept'
           -- One list of supervisors, so the index on trainings(supervisor_id) is used: an OR
           -- of the two made PostgreSQL scan every training (77 ms at 600,000).
           AND t.supervisor_id = ANY (ARRAY(
                SELECT $1::uuid
                UNION
                SELECT r.supervisor_id FROM role_assignments r
                WHERE r.user_id = $1 AND r.role = 'ondersteuner' AND r.revoked_at IS NULL))
           AND ($3::text IS NULL OR t.status = $3)
           AND (NOT $4 OR EXISTS (SELECT 1 FROM schedule_versions w
                                  WHERE w.training_id = t.id AND w.status = 'ingediend')
                       OR EXISTS (SELECT 1 FROM shortenings k
                                  WHERE k.training_id = t.id AND k.status = 'voorgesteld')
                       OR (t.status IN ('goedgekeurd', 'ingeschreven', 'voorwaardelijk')
                           AND NOT EXISTS (SELECT 1 FROM final_declarations f
                                           WHERE f.training_id = t.id)
                           AND current_end.planned_end - interval '3 months' <= $2))
           AND {after}
         ORDER BY {order}
         LIMIT $8"
    );
    let after = query.after.as_ref();
    let mut rows: Vec<Row> = sqlx::query_as(&sql)
        .bind(user)
        .bind(today)
        .bind(query.status.map(RegistrationStatus::code))
        .bind(query.waiting_only)
        .bind(after.map(|c| c.name.clone()))
        .bind(after.map(|c| c.id))
        .bind(after.map(|c| c.status.clone()))
        .bind(PAGE_SIZE + 1)
        .fetch_all(db)
        .await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    Ok((rows, more))
}
