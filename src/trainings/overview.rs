//! The opleider's overview of their aios (and the ondersteuner's, for the opleiders who
//! delegated to them): filtered, sorted and paged with a keyset, so a page costs the same for
//! an opleider with ten aios as for one with hundreds.

use std::borrow::Cow;

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
                periods::text AS periods, schedule_waiting, shortening_waiting, planned_end, declared
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
        .collect::<Result<_, _>>()
        .map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
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
    /// The periods of the shown version as the JSON text the database stores (migration 0016),
    /// read in one pass, borrowing its strings, for the one period the row shows.
    periods: String,
    schedule_waiting: bool,
    shortening_waiting: bool,
    planned_end: Option<NaiveDate>,
    declared: bool,
}

/// One period of a summary's list.
#[derive(Debug, serde::Deserialize)]
pub struct Period<'a> {
    /// The first day.
    #[serde(deserialize_with = "iso_date")]
    pub start: NaiveDate,
    /// The day after the last.
    #[serde(deserialize_with = "iso_date")]
    pub end: NaiveDate,
    /// What the period is called.
    #[serde(borrow)]
    pub label: Cow<'a, str>,
    /// Where it runs.
    #[serde(borrow)]
    pub institution: Cow<'a, str>,
}

/// Reads a date as PostgreSQL writes it into JSON (`YYYY-MM-DD`) with [`parse_iso_date`].
fn iso_date<'de, D: serde::Deserializer<'de>>(dates: D) -> Result<NaiveDate, D::Error> {
    let text = <&str as serde::Deserialize>::deserialize(dates)?;
    parse_iso_date(text).ok_or_else(|| serde::de::Error::custom(format!("geen datum: {text:?}")))
}

/// The date `text` (`YYYY-MM-DD`), read digit by digit: chrono's general format parser took
/// 1.6 % of the machine's CPU under the opleider overview's load (`perf record -a`), two
/// dates for every period of 51 rows. Anything else goes through chrono.
pub fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return text.parse().ok();
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(number(&bytes[0..4])?).ok()?;
    NaiveDate::from_ymd_opt(year, number(&bytes[5..7])?, number(&bytes[8..10])?)
}

impl Summary {
    fn into_row(self, today: NaiveDate) -> Result<Row, serde_json::Error> {
        let periods: Vec<Period<'_>> = serde_json::from_str(&self.periods)?;
        let current = running_on(&periods, today);
        Ok(Row {
            id: self.id,
            trainee_name: self.trainee_name,
            specialty_name: self.specialty_name,
            supervisor_name: self.supervisor_name,
            status: self.status,
            period_label: current.map(|period| period.label.to_string()),
            institution_name: current.map(|period| period.institution.to_string()),
            schedule_waiting: self.schedule_waiting,
            shortening_waiting: self.shortening_waiting,
            planned_end: self.planned_end,
            declared: self.declared,
        })
    }
}

/// The first period (in the order given: by start) that runs on `today`, from its start up
/// to its exclusive end.
pub fn running_on<'p, 'a>(periods: &'p [Period<'a>], today: NaiveDate) -> Option<&'p Period<'a>> {
    periods
        .iter()
        .find(|period| period.start <= today && today < period.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    fn periods(spans: &[(&str, &str)]) -> Vec<Period<'static>> {
        spans
            .iter()
            .enumerate()
            .map(|(i, (start, end))| Period {
                start: d(start),
                end: d(end),
                label: Cow::Owned(format!("periode {i}")),
                institution: Cow::Borrowed("UMC"),
            })
            .collect()
    }

    fn label(found: Option<&Period<'_>>) -> Option<String> {
        found.map(|period| period.label.to_string())
    }

    #[test]
    fn the_running_period_starts_on_or_before_today_and_ends_after_it() {
        let list = periods(&[("2026-01-01", "2026-07-01"), ("2026-07-01", "2027-01-01")]);
        let on = |day| label(running_on(&list, d(day)));
        assert_eq!(on("2025-12-31"), None);
        assert_eq!(on("2026-01-01").as_deref(), Some("periode 0"));
        assert_eq!(on("2026-06-30").as_deref(), Some("periode 0"));
        assert_eq!(on("2026-07-01").as_deref(), Some("periode 1"));
        assert_eq!(on("2027-01-01"), None);
        assert!(running_on(&[], d("2026-03-01")).is_none());
    }

    #[test]
    fn of_two_periods_running_on_the_same_day_the_first_by_start_is_shown() {
        let list = periods(&[("2026-01-01", "2026-12-01"), ("2026-03-01", "2026-09-01")]);
        assert_eq!(
            label(running_on(&list, d("2026-04-01"))).as_deref(),
            Some("periode 0")
        );
    }

    #[test]
    fn an_iso_date_is_read_as_chrono_reads_it_and_an_impossible_one_is_refused() {
        assert_eq!(parse_iso_date("2026-02-28"), Some(d("2026-02-28")));
        assert_eq!(parse_iso_date("2028-02-29"), Some(d("2028-02-29")));
        assert_eq!(parse_iso_date("2026-02-30"), None);
        assert_eq!(parse_iso_date("2026-13-01"), None);
        assert_eq!(parse_iso_date("2026-1a-01"), None);
        assert_eq!(parse_iso_date("+2026-01-01"), "+2026-01-01".parse().ok());
        assert_eq!(parse_iso_date(""), None);
    }

    proptest::proptest! {
        #[test]
        fn every_day_of_fifteen_centuries_reads_back_as_itself(days in 0i64..550_000) {
            let day = d("1500-01-01") + chrono::Duration::days(days);
            proptest::prop_assert_eq!(parse_iso_date(&day.to_string()), Some(day));
        }

        #[test]
        fn any_ten_characters_read_as_chrono_reads_them(text in "[0-9-]{10}") {
            proptest::prop_assert_eq!(parse_iso_date(&text), text.parse::<NaiveDate>().ok());
        }
    }

    #[test]
    fn a_summary_reads_its_periods_from_the_json_the_database_stores_escapes_included() {
        let summary = Summary {
            id: Uuid::nil(),
            trainee_name: "A".into(),
            specialty_name: "S".into(),
            supervisor_name: "O".into(),
            status: "ingeschreven".into(),
            periods: r#"[{"start":"2026-01-01","end":"2026-07-01","label":"Basis","institution":"UMC"},
                        {"start":"2026-07-01","end":"2027-01-01","label":"Stage \"B\" <i>","institution":"Ziekenhuis Zuid"}]"#
                .into(),
            schedule_waiting: false,
            shortening_waiting: false,
            planned_end: Some(d("2027-01-01")),
            declared: false,
        };
        let row = summary.into_row(d("2026-08-01")).expect("valid json");
        assert_eq!(row.period_label.as_deref(), Some("Stage \"B\" <i>"));
        assert_eq!(row.institution_name.as_deref(), Some("Ziekenhuis Zuid"));
    }
}
