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
#[derive(Clone, Debug)]
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

/// Whose aios the overview lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Whose {
    /// Only the user's own, as their opleider: for a user who is no ondersteuner.
    Own,
    /// The user's own and those of every opleider who delegated to them as ondersteuner.
    OwnAndDelegated,
}

/// One page of the overview for `user` (opleider, or ondersteuner through active
/// delegations), and whether more follow.
///
/// Reads the trainings' summaries (migration 0015): one row per training with its names, the
/// periods of its shown version and what waits, kept current by the database in the
/// transaction of every change. The statement holds only the filters that are asked for,
/// and the page size as a constant: with no `$n IS NULL OR` branches left to weigh per call,
/// PostgreSQL keeps one plan per shape of the query instead of planning it again on every
/// request.
pub async fn page(
    db: &PgPool,
    user: Uuid,
    whose: Whose,
    today: NaiveDate,
    query: &Query,
) -> Result<(Vec<Row>, bool), sqlx::Error> {
    let mut sql = sqlx::QueryBuilder::<sqlx::Postgres>::new(
        "SELECT training_id AS id, trainee_name, specialty_name, supervisor_name, status,
                period_starts, period_ends, period_labels, period_institutions,
                schedule_waiting, shortening_waiting, planned_end, declared
         FROM training_summaries
         WHERE status <> 'concept' AND supervisor_id = ",
    );
    match whose {
        // One supervisor: the index gives the rows in the order of the page, which stops
        // after the page's rows.
        Whose::Own => {
            sql.push_bind(user);
        }
        // One list of supervisors, so the index on the supervisor is used: an OR of the two
        // made PostgreSQL scan every training.
        Whose::OwnAndDelegated => {
            sql.push("ANY (ARRAY(SELECT ")
                .push_bind(user)
                .push(
                    "::uuid
                     UNION
                     SELECT r.supervisor_id FROM role_assignments r
                     WHERE r.user_id = ",
                )
                .push_bind(user)
                .push(" AND r.role = 'ondersteuner' AND r.revoked_at IS NULL))");
        }
    }
    if let Some(status) = query.status {
        sql.push(" AND status = ").push_bind(status.code());
    }
    if query.waiting_only {
        sql.push(
            " AND (schedule_waiting OR shortening_waiting
                   OR (status IN ('goedgekeurd', 'ingeschreven', 'voorwaardelijk')
                       AND NOT declared AND planned_end - interval '3 months' <= ",
        )
        .push_bind(today)
        .push("))");
    }
    if let Some(after) = &query.after {
        match query.sort {
            Sort::Name => {
                sql.push(" AND (trainee_name, training_id) > (")
                    .push_bind(after.name.clone())
                    .push(", ")
                    .push_bind(after.id)
                    .push(")");
            }
            Sort::Status => {
                sql.push(" AND (status, trainee_name, training_id) > (")
                    .push_bind(after.status.clone())
                    .push(", ")
                    .push_bind(after.name.clone())
                    .push(", ")
                    .push_bind(after.id)
                    .push(")");
            }
        }
    }
    sql.push(match query.sort {
        Sort::Name => " ORDER BY trainee_name, training_id",
        Sort::Status => " ORDER BY status, trainee_name, training_id",
    });
    // A constant, not a parameter: the plan is made for this many rows.
    sql.push(" LIMIT ").push(PAGE_SIZE + 1);
    let summaries: Vec<Summary> = sql.build_query_as().fetch_all(db).await?;
    let more = summaries.len() as i64 > PAGE_SIZE;
    let rows = summaries
        .into_iter()
        .take(PAGE_SIZE as usize)
        .map(|summary| summary.into_row(today))
        .collect();
    Ok((rows, more))
}

/// A training's summary as the overview reads it.
#[derive(sqlx::FromRow)]
struct Summary {
    id: Uuid,
    trainee_name: String,
    specialty_name: String,
    supervisor_name: String,
    status: String,
    period_starts: Vec<NaiveDate>,
    period_ends: Vec<NaiveDate>,
    period_labels: Vec<String>,
    period_institutions: Vec<String>,
    schedule_waiting: bool,
    shortening_waiting: bool,
    planned_end: Option<NaiveDate>,
    declared: bool,
}

impl Summary {
    fn into_row(self, today: NaiveDate) -> Row {
        let current = running_on(&self.period_starts, &self.period_ends, today);
        Row {
            id: self.id,
            trainee_name: self.trainee_name,
            specialty_name: self.specialty_name,
            supervisor_name: self.supervisor_name,
            status: self.status,
            period_label: current.and_then(|i| self.period_labels.into_iter().nth(i)),
            institution_name: current.and_then(|i| self.period_institutions.into_iter().nth(i)),
            schedule_waiting: self.schedule_waiting,
            shortening_waiting: self.shortening_waiting,
            planned_end: self.planned_end,
            declared: self.declared,
        }
    }
}

/// The index of the first period (in the order given: by start) that runs on `today`, from
/// its start up to its exclusive end.
pub fn running_on(starts: &[NaiveDate], ends: &[NaiveDate], today: NaiveDate) -> Option<usize> {
    starts
        .iter()
        .zip(ends)
        .position(|(&start, &end)| start <= today && today < end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    #[test]
    fn the_running_period_starts_on_or_before_today_and_ends_after_it() {
        let starts = [d("2026-01-01"), d("2026-07-01")];
        let ends = [d("2026-07-01"), d("2027-01-01")];
        assert_eq!(running_on(&starts, &ends, d("2025-12-31")), None);
        assert_eq!(running_on(&starts, &ends, d("2026-01-01")), Some(0));
        assert_eq!(running_on(&starts, &ends, d("2026-06-30")), Some(0));
        assert_eq!(running_on(&starts, &ends, d("2026-07-01")), Some(1));
        assert_eq!(running_on(&starts, &ends, d("2027-01-01")), None);
        assert_eq!(running_on(&[], &[], d("2026-03-01")), None);
    }

    #[test]
    fn of_two_periods_running_on_the_same_day_the_first_by_start_is_shown() {
        let starts = [d("2026-01-01"), d("2026-03-01")];
        let ends = [d("2026-12-01"), d("2026-09-01")];
        assert_eq!(running_on(&starts, &ends, d("2026-04-01")), Some(0));
    }
}
