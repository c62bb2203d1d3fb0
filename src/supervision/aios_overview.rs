//! The opleider's overview of their aios (and the ondersteuner's, for the opleiders who
//! delegated to them): filtered, sorted and paged with a keyset, so a page costs the same for
//! an opleider with ten aios as for one with hundreds.

use crate::platform::ids::{TrainingId, UserId};
use rules::code::Coded;
use std::borrow::Cow;

use chrono::NaiveDate;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, Row as _};

use rules::decision::final_declaration_possible_until;
use rules::training::RegistrationStatus;

/// Rows per page.
pub const PAGE_SIZE: i64 = 50;

/// The overview's columns, in the order `read_row` reads them, before its conditions.
const SELECT: &str = "SELECT training_id, trainee_name, specialty_name, supervisor_name, status,
        periods::text, schedule_waiting, shortening_waiting,
        COALESCE(expected_end, planned_end), declared
    FROM training_summaries WHERE ";

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
    pub id: TrainingId,
}

/// What the opleider asked for.
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// Only this status.
    pub status: Option<RegistrationStatus>,
    /// Only what waits for the opleider.
    pub waiting_only: bool,
    /// Only aios whose name holds every one of these `LIKE` patterns
    /// ([`rules::person::name_patterns`]).
    pub name: Vec<String>,
    /// The order.
    pub sort: Sort,
    /// Continue after this row.
    pub after: Option<Cursor>,
}

/// One aios in the overview, borrowing its text from the page's database rows.
#[derive(Clone, Debug)]
pub struct Row<'r> {
    /// The training.
    pub id: TrainingId,
    /// The aios's name.
    pub trainee_name: &'r str,
    /// The specialty.
    pub specialty_name: &'r str,
    /// The oordelend opleider (differs per row for an ondersteuner of several opleiders).
    pub supervisor_name: &'r str,
    /// Registration status code.
    pub status: &'r str,
    /// The period running today, if any.
    pub period_label: Option<Cow<'r, str>>,
    /// Its institution.
    pub institution_name: Option<Cow<'r, str>>,
    /// A schedule or change request waits for a decision.
    pub schedule_waiting: bool,
    /// A proposed shortening waits for the opleider's decision.
    pub shortening_waiting: bool,
    /// When the shown schedule ends: the rules engine's expected end, kept with the version
    /// (migration 0019), else the end of its last period.
    pub end: Option<NaiveDate>,
    /// Whether an eindverklaring was issued.
    pub declared: bool,
    /// Whether the eindverklaring is due: a running registration without one, whose schedule
    /// ends within three months.
    pub declaration_due: bool,
}

impl Row<'_> {
    /// The registration status.
    pub fn registration(&self) -> Option<RegistrationStatus> {
        RegistrationStatus::from_code(self.status)
    }

    /// The cursor that continues after this row.
    pub fn cursor(&self) -> Cursor {
        Cursor {
            status: self.status.to_owned(),
            name: self.trainee_name.to_owned(),
            id: self.id,
        }
    }
}

/// One page of the overview as the database sent it: [`Page::rows`] reads its rows, borrowing
/// their text instead of copying it (the page shows up to fifty rows of five texts each).
pub struct Page {
    summaries: Vec<PgRow>,
    /// Whether more rows follow this page.
    pub more: bool,
}

impl Page {
    /// How many rows the page holds.
    pub fn rows_len(&self) -> usize {
        self.summaries.len()
    }

    /// The page's rows, each with the period that runs on `today`.
    pub fn rows(&self, today: NaiveDate) -> Result<Vec<Row<'_>>, sqlx::Error> {
        let declaration_until = final_declaration_possible_until(today);
        self.summaries
            .iter()
            .map(|summary| read_row(summary, today, declaration_until))
            .collect()
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
    db: &mut PgConnection,
    user: UserId,
    whose: Whose,
    today: NaiveDate,
    query: &Query,
) -> Result<Page, sqlx::Error> {
    rows_of(db, user, whose, today, query, Some(PAGE_SIZE)).await
}

/// Every aios of the overview of `user` under `query`'s filters, in its order, for the CSV
/// export: an opleider's own list is hundreds of rows at most, read at once.
pub async fn all(
    db: &mut PgConnection,
    user: UserId,
    whose: Whose,
    today: NaiveDate,
    query: &Query,
) -> Result<Page, sqlx::Error> {
    rows_of(db, user, whose, today, query, None).await
}

/// The rows of [`page`] (at most `limit`, and whether more follow) or of [`all`].
async fn rows_of(
    db: &mut PgConnection,
    user: UserId,
    whose: Whose,
    today: NaiveDate,
    query: &Query,
    limit: Option<i64>,
) -> Result<Page, sqlx::Error> {
    let mut sql = sqlx::QueryBuilder::<sqlx::Postgres>::new(SELECT);
    filtered(&mut sql, user, whose, today, query);
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
    let Some(limit) = limit else {
        let summaries = sql.build().fetch_all(db).await?;
        return Ok(Page {
            summaries,
            more: false,
        });
    };
    // A constant, not a parameter: the plan is made for this many rows.
    sql.push(" LIMIT ").push(limit + 1);
    let mut summaries = sql.build().fetch_all(db).await?;
    let more = summaries.len() as i64 > limit;
    summaries.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(Page { summaries, more })
}

/// How many aios the overview of `user` holds under `query`'s filters, on all pages.
pub async fn count(
    db: &mut PgConnection,
    user: UserId,
    whose: Whose,
    today: NaiveDate,
    query: &Query,
) -> Result<i64, sqlx::Error> {
    let mut sql =
        sqlx::QueryBuilder::<sqlx::Postgres>::new("SELECT count(*) FROM training_summaries WHERE ");
    filtered(&mut sql, user, whose, today, query);
    sql.build_query_scalar().fetch_one(db).await
}

/// The conditions of the overview's rows: whose aios, and the filters asked for.
fn filtered(
    sql: &mut sqlx::QueryBuilder<'_, sqlx::Postgres>,
    user: UserId,
    whose: Whose,
    today: NaiveDate,
    query: &Query,
) {
    sql.push("status <> 'concept' AND supervisor_id = ");
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
                       AND NOT declared
                       AND COALESCE(expected_end, planned_end) - interval '3 months' <= ",
        )
        .push_bind(today)
        .push("))");
    }
    for pattern in &query.name {
        sql.push(" AND lower(trainee_name) LIKE ")
            .push_bind(pattern.clone());
    }
}

/// Reads one summary of [`page`]'s statement by column position, borrowing its text. The
/// types are not checked against the statement's columns (`try_get_unchecked`): the statement
/// is the one above, and a value of another type fails to decode all the same. Reading fifty
/// rows by column name into owned, type-checked strings was a seventh of the server's work on
/// this page (callgrind).
///
/// `declaration_until` is [`final_declaration_possible_until`]`(today)`, once for the page.
fn read_row(
    summary: &PgRow,
    today: NaiveDate,
    declaration_until: NaiveDate,
) -> Result<Row<'_>, sqlx::Error> {
    let periods: &str = summary.try_get_unchecked(5)?;
    let running =
        running_period(periods, today).map_err(|error| sqlx::Error::Decode(Box::new(error)))?;
    let (period_label, institution_name) = match running {
        Some(period) => (Some(period.label), Some(period.institution)),
        None => (None, None),
    };
    let status: &str = summary.try_get_unchecked(4)?;
    let end: Option<NaiveDate> = summary.try_get_unchecked(8)?;
    let declared: bool = summary.try_get_unchecked(9)?;
    let running = RegistrationStatus::from_code(status)
        .is_some_and(RegistrationStatus::accepts_change_requests);
    Ok(Row {
        id: summary.try_get_unchecked(0)?,
        trainee_name: summary.try_get_unchecked(1)?,
        specialty_name: summary.try_get_unchecked(2)?,
        supervisor_name: summary.try_get_unchecked(3)?,
        status,
        period_label,
        institution_name,
        schedule_waiting: summary.try_get_unchecked(6)?,
        shortening_waiting: summary.try_get_unchecked(7)?,
        end,
        declared,
        declaration_due: running && !declared && end.is_some_and(|end| end <= declaration_until),
    })
}

/// The period of `periods` (a summary's periods as the JSON text the database stores,
/// `[[start, end, label, institution], ...]` by start, migration 0017) that runs on `today`:
/// the first by start, read in one pass, borrowing its strings.
pub fn running_period(
    periods: &str,
    today: NaiveDate,
) -> Result<Option<Period<'_>>, serde_json::Error> {
    let periods: Vec<Period<'_>> = serde_json::from_str(periods)?;
    Ok(periods
        .into_iter()
        .find(|period| period.start <= today && today < period.end))
}

/// One period of a summary's list, `[start, end, label, institution]` (serde reads a struct
/// from a JSON array in the order of its fields).
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

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("a date")
    }

    /// The JSON text of periods named "periode 0", "periode 1", ... with these spans.
    fn periods(spans: &[(&str, &str)]) -> String {
        let list: Vec<String> = spans
            .iter()
            .enumerate()
            .map(|(i, (start, end))| format!(r#"["{start}","{end}","periode {i}","UMC"]"#))
            .collect();
        format!("[{}]", list.join(","))
    }

    fn label(periods: &str, day: &str) -> Option<String> {
        running_period(periods, d(day))
            .expect("valid json")
            .map(|period| period.label.into_owned())
    }

    #[test]
    fn the_running_period_starts_on_or_before_today_and_ends_after_it() {
        let list = periods(&[("2026-01-01", "2026-07-01"), ("2026-07-01", "2027-01-01")]);
        let on = |day| label(&list, day);
        assert_eq!(on("2025-12-31"), None);
        assert_eq!(on("2026-01-01").as_deref(), Some("periode 0"));
        assert_eq!(on("2026-06-30").as_deref(), Some("periode 0"));
        assert_eq!(on("2026-07-01").as_deref(), Some("periode 1"));
        assert_eq!(on("2027-01-01"), None);
        assert_eq!(label("[]", "2026-03-01"), None);
    }

    #[test]
    fn of_two_periods_running_on_the_same_day_the_first_by_start_is_shown() {
        let list = periods(&[("2026-01-01", "2026-12-01"), ("2026-03-01", "2026-09-01")]);
        assert_eq!(label(&list, "2026-04-01").as_deref(), Some("periode 0"));
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
    fn the_running_period_is_read_from_the_json_the_database_stores_escapes_included() {
        let periods = r#"[["2026-01-01","2026-07-01","Basis","UMC"],
                          ["2026-07-01","2027-01-01","Stage \"B\" <i>","Ziekenhuis Zuid"]]"#;
        let running = running_period(periods, d("2026-08-01"))
            .expect("valid json")
            .expect("a running period");
        assert_eq!(running.label, "Stage \"B\" <i>");
        assert_eq!(running.institution, "Ziekenhuis Zuid");
    }

    #[test]
    fn periods_that_are_not_the_json_of_a_list_of_periods_are_an_error() {
        assert!(running_period(r#"[["2026-01-01"]]"#, d("2026-08-01")).is_err());
        assert!(
            running_period(r#"[["2026-01-01","2026-02-30","a","b"]]"#, d("2026-08-01")).is_err()
        );
        assert!(running_period("niet json", d("2026-08-01")).is_err());
    }
}
