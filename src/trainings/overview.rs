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
///
/// First the page's trainings are chosen (filtered, sorted, cut at the page size); only then
/// are their schedules read, for those rows at once rather than row by row. The statement
/// holds only the filters that are asked for, and the page size as a constant: with no
/// `$n IS NULL OR` branches left to weigh per call, PostgreSQL keeps one plan per shape of
/// the query instead of planning it again on every request.
pub async fn page(
    db: &PgPool,
    user: Uuid,
    today: NaiveDate,
    query: &Query,
) -> Result<(Vec<Row>, bool), sqlx::Error> {
    let mut sql = sqlx::QueryBuilder::<sqlx::Postgres>::new(
        "WITH page AS MATERIALIZED (
             SELECT t.id, t.status, t.supervisor_id, t.specialty_id, a.full_name AS trainee_name
             FROM trainings t JOIN users a ON a.id = t.trainee_id
             WHERE t.status <> 'concept'
               -- One list of supervisors, so the index on trainings(supervisor_id) is used: an
               -- OR of the two made PostgreSQL scan every training (77 ms at 600,000).
               AND t.supervisor_id = ANY (ARRAY(
                    SELECT ",
    );
    sql.push_bind(user)
        .push(
            "::uuid
                    UNION
                    SELECT r.supervisor_id FROM role_assignments r
                    WHERE r.user_id = ",
        )
        .push_bind(user)
        .push(" AND r.role = 'ondersteuner' AND r.revoked_at IS NULL))");
    if let Some(status) = query.status {
        sql.push(" AND t.status = ").push_bind(status.code());
    }
    if query.waiting_only {
        sql.push(
            " AND (EXISTS (SELECT 1 FROM schedule_versions w
                           WHERE w.training_id = t.id AND w.status = 'ingediend')
                   OR EXISTS (SELECT 1 FROM shortenings k
                              WHERE k.training_id = t.id AND k.status = 'voorgesteld')
                   OR (t.status IN ('goedgekeurd', 'ingeschreven', 'voorwaardelijk')
                       AND NOT EXISTS (SELECT 1 FROM final_declarations f
                                       WHERE f.training_id = t.id)
                       AND (SELECT max(p.end_date) FROM schedule_periods p
                            WHERE p.version_id = (",
        )
        .push(SHOWN_VERSION)
        .push(")) - interval '3 months' <= ")
        .push_bind(today)
        .push("))");
    }
    if let Some(after) = &query.after {
        match query.sort {
            Sort::Name => {
                sql.push(" AND (a.full_name, t.id) > (")
                    .push_bind(after.name.clone())
                    .push(", ")
                    .push_bind(after.id)
                    .push(")");
            }
            Sort::Status => {
                sql.push(" AND (t.status, a.full_name, t.id) > (")
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
        Sort::Name => " ORDER BY a.full_name, t.id",
        Sort::Status => " ORDER BY t.status, a.full_name, t.id",
    });
    // A constant, not a parameter: the plan is made for this many rows.
    sql.push(" LIMIT ").push(PAGE_SIZE + 1);
    sql.push(
        "
         ), shown AS MATERIALIZED (
             SELECT DISTINCT ON (v.training_id) v.training_id, v.id
             FROM schedule_versions v
             WHERE v.training_id IN (SELECT id FROM page)
               AND v.status IN ('goedgekeurd', 'ingediend')
             ORDER BY v.training_id, (v.status = 'goedgekeurd') DESC, v.number DESC
         ), periods AS (
             SELECT shown.training_id, max(p.end_date) AS planned_end,
                    (array_agg(p.label ORDER BY p.start_date, p.id) FILTER (WHERE p.start_date <= ",
    )
    .push_bind(today)
    .push(" AND p.end_date > ")
    .push_bind(today)
    .push(
        "))[1] AS label,
                    (array_agg(p.institution_id ORDER BY p.start_date, p.id)
                        FILTER (WHERE p.start_date <= ",
    )
    .push_bind(today)
    .push(" AND p.end_date > ")
    .push_bind(today)
    .push(
        "))[1] AS institution_id
             FROM shown JOIN schedule_periods p ON p.version_id = shown.id
             GROUP BY shown.training_id
         )
         SELECT page.id, page.trainee_name, s.name AS specialty_name,
                o.full_name AS supervisor_name, page.status,
                periods.label AS period_label, i.name AS institution_name,
                EXISTS (SELECT 1 FROM schedule_versions w
                        WHERE w.training_id = page.id AND w.status = 'ingediend') AS schedule_waiting,
                EXISTS (SELECT 1 FROM shortenings k
                        WHERE k.training_id = page.id AND k.status = 'voorgesteld')
                    AS shortening_waiting,
                periods.planned_end,
                EXISTS (SELECT 1 FROM final_declarations f WHERE f.training_id = page.id) AS declared
         FROM page
         JOIN users o ON o.id = page.supervisor_id
         JOIN specialties s ON s.id = page.specialty_id
         LEFT JOIN periods ON periods.training_id = page.id
         LEFT JOIN institutions i ON i.id = periods.institution_id",
    );
    sql.push(match query.sort {
        Sort::Name => " ORDER BY page.trainee_name, page.id",
        Sort::Status => " ORDER BY page.status, page.trainee_name, page.id",
    });
    let mut rows: Vec<Row> = sql.build_query_as().fetch_all(db).await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    rows.truncate(PAGE_SIZE as usize);
    Ok((rows, more))
}

/// The version whose schedule the overview shows for training `t`: the last approved one,
/// else the submitted one.
const SHOWN_VERSION: &str = "SELECT v.id FROM schedule_versions v
     WHERE v.training_id = t.id AND v.status IN ('goedgekeurd', 'ingediend')
     ORDER BY (v.status = 'goedgekeurd') DESC, v.number DESC LIMIT 1";
