//! Time in months, exactly, as docs/domain/schedule-rules.md counts it.
//!
//! The length from a start date tot an end date (exclusive: "tot", not "tot en met") is the
//! number of whole months from the start to the same day number (clamped to the month's last
//! day), plus the remaining days as a fraction of the month that follows. A period from
//! 2026-01-01 tot 2027-01-01 is exactly 12 months; so is one from 2026-03-15 tot 2027-03-15.
//!
//! Lengths are kept as whole numbers of a small unit ([`Months`]), chosen so that every day
//! fraction and every part-time percentage divides evenly: sums never drift and comparisons
//! are exact. Only display rounds.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Units in one month: divisible by 28, 29, 30 and 31 (the day shares) and by 100 (part-time
/// percentages), so all arithmetic stays in whole numbers.
const UNITS_PER_MONTH: i64 = 75_516_000;

/// The shortest length that [`Months::dutch`] shows as more than "0" (a twentieth of a
/// month rounds up to "0,1").
pub const SMALLEST_SHOWN: Months = Months(UNITS_PER_MONTH / 20);

/// A length of time in months, exact. Calendar months and effective (full-time equivalent)
/// months are both expressed in it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Months(i64);

impl Months {
    /// No time.
    pub const ZERO: Months = Months(0);

    /// Whole months.
    pub const fn whole(months: i64) -> Months {
        Months(months * UNITS_PER_MONTH)
    }

    /// This length at `percent` % of a full working week (the effective length).
    pub fn at_percent(self, percent: u8) -> Months {
        // Every calendar length is a multiple of 100 units, so this division is exact.
        Months(self.0 / 100 * i64::from(percent))
    }

    /// The calendar length needed to reach this effective length at `percent` %, rounded up to
    /// a whole unit.
    pub fn calendar_at_percent(self, percent: u8) -> Months {
        let percent = i64::from(percent.max(1));
        Months((self.0 * 100 + percent - 1) / percent)
    }

    /// In months, for display and for tests.
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / UNITS_PER_MONTH as f64
    }

    /// The larger of this and zero.
    pub fn at_least_zero(self) -> Months {
        Months(self.0.max(0))
    }

    /// Whether this is more than zero.
    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// Dutch notation with one decimal: "9,6".
    pub fn dutch(self) -> String {
        let tenths = (self.as_f64() * 10.0).round() as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let tenths = tenths.abs();
        if tenths % 10 == 0 {
            format!("{sign}{}", tenths / 10)
        } else {
            format!("{sign}{},{}", tenths / 10, tenths % 10)
        }
    }

    /// The length with its word, singular up to one month as Dutch writes it: "1 maand",
    /// "0,5 maand", "0 maanden", "9,6 maanden".
    pub fn dutch_with_unit(self) -> String {
        let number = self.dutch();
        let tenths = (self.as_f64() * 10.0).round() as i64;
        if (1..=10).contains(&tenths) {
            format!("{number} maand")
        } else {
            format!("{number} maanden")
        }
    }
}

/// A count with its noun in the singular or the plural: `counted(1, "dag", "dagen")` is
/// "1 dag", `counted(2, "dag", "dagen")` "2 dagen".
pub fn counted(n: i64, singular: &str, plural: &str) -> String {
    if n == 1 {
        format!("{n} {singular}")
    } else {
        format!("{n} {plural}")
    }
}

impl Add for Months {
    type Output = Months;
    fn add(self, other: Months) -> Months {
        Months(self.0.saturating_add(other.0))
    }
}

impl AddAssign for Months {
    fn add_assign(&mut self, other: Months) {
        *self = *self + other;
    }
}

impl Sub for Months {
    type Output = Months;
    fn sub(self, other: Months) -> Months {
        Months(self.0.saturating_sub(other.0))
    }
}

impl std::iter::Sum for Months {
    fn sum<I: Iterator<Item = Months>>(iter: I) -> Months {
        iter.fold(Months::ZERO, Add::add)
    }
}

impl fmt::Display for Months {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.dutch())
    }
}

fn days_in_month(year: i32, month: u32) -> i64 {
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    match (first, next) {
        (Some(a), Some(b)) => (b - a).num_days(),
        _ => 30,
    }
}

/// The calendar length from `start` tot `end`; zero when `end` is not after `start`.
pub fn between(start: NaiveDate, end: NaiveDate) -> Months {
    if end <= start {
        return Months::ZERO;
    }
    // Whole months: the largest k with start + k months not after the end. Estimate from the
    // month numbers, then correct by at most one.
    let estimate = (end.year() - start.year()) * 12 + end.month0() as i32 - start.month0() as i32;
    let mut whole = estimate.max(0);
    while whole > 0 && add_months(start, whole) > end {
        whole -= 1;
    }
    while add_months(start, whole + 1) <= end
        && add_months(start, whole + 1) > add_months(start, whole)
    {
        whole += 1;
    }
    let anchor = add_months(start, whole);
    let next = add_months(start, whole + 1);
    let span = (next - anchor).num_days().clamp(28, 31);
    let rest = (end - anchor).num_days().clamp(0, span);
    Months(i64::from(whole) * UNITS_PER_MONTH + rest * (UNITS_PER_MONTH / span))
}

/// The first date on which a stretch of `length`, begun on `start`, is over (its exclusive
/// end): the inverse of [`between`]. A length that ends within a day counts that day as
/// needed.
pub fn date_after(start: NaiveDate, length: Months) -> NaiveDate {
    let units = length.0.max(0);
    let whole = i32::try_from(units / UNITS_PER_MONTH).unwrap_or(i32::MAX / 24);
    let within = units % UNITS_PER_MONTH;
    let anchor = add_months(start, whole);
    if within == 0 {
        return anchor;
    }
    let next = add_months(start, whole + 1);
    let span = (next - anchor).num_days().clamp(28, 31);
    let per_day = UNITS_PER_MONTH / span;
    let days = (within + per_day - 1) / per_day;
    anchor
        .checked_add_signed(Duration::days(days))
        .unwrap_or(NaiveDate::MAX)
}

/// `date` plus whole calendar months, the day number clamped to the month's last day
/// (31 January + 1 month = 28 or 29 February). Saturates at the calendar's ends.
pub fn add_months(date: NaiveDate, months: i32) -> NaiveDate {
    let index = i64::from(date.year()) * 12 + i64::from(date.month0()) + i64::from(months);
    let year = i32::try_from(index.div_euclid(12)).unwrap_or(i32::MAX);
    let month = index.rem_euclid(12) as u32 + 1;
    let last = days_in_month(year, month) as u32;
    NaiveDate::from_ymd_opt(year, month, date.day().min(last)).unwrap_or(if months < 0 {
        NaiveDate::MIN
    } else {
        NaiveDate::MAX
    })
}

/// Working days (Monday to Friday) from `start` tot `end`. Public holidays are not known to
/// the engine and count as working days.
pub fn working_days(start: NaiveDate, end: NaiveDate) -> i64 {
    if end <= start {
        return 0;
    }
    let days = (end - start).num_days();
    let weeks = days / 7;
    let mut count = weeks * 5;
    let mut day = start + Duration::days(weeks * 7);
    while day < end {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            count += 1;
        }
        day += Duration::days(1);
    }
    count
}

/// The exclusive end of the stretch from `start` that holds `days` working days (Monday to
/// Friday): the day after the last of them. With no days it is `start` itself. Making up 11
/// working days from Sunday 01-10-2028 takes Monday 02-10 to Monday 16-10, so it ends
/// "tot 17-10-2028".
pub fn end_after_working_days(start: NaiveDate, days: i64) -> NaiveDate {
    let mut end = start;
    let mut left = days.max(0);
    while left > 0 {
        if !matches!(end.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
        match end.succ_opt() {
            Some(next) => end = next,
            None => break,
        }
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_year_from_the_first_of_january_is_exactly_twelve_months() {
        assert_eq!(between(d("2026-01-01"), d("2027-01-01")), Months::whole(12));
    }

    #[test]
    fn the_same_dates_at_80_percent_are_exactly_9_6_effective_months() {
        let effective = between(d("2026-01-01"), d("2027-01-01")).at_percent(80);
        assert_eq!(effective.dutch(), "9,6");
        assert_eq!(effective, Months(Months::whole(96).0 / 10));
    }

    #[test]
    fn whole_calendar_months_are_whole_whatever_their_length() {
        assert_eq!(between(d("2026-02-01"), d("2026-03-01")), Months::whole(1));
        assert_eq!(
            between(d("2028-02-01"), d("2028-03-01")),
            Months::whole(1),
            "leap year"
        );
        assert_eq!(between(d("2026-01-01"), d("2026-04-01")), Months::whole(3));
    }

    #[test]
    fn a_year_from_the_same_day_number_is_twelve_months() {
        assert_eq!(between(d("2026-03-15"), d("2027-03-15")), Months::whole(12));
        assert_eq!(between(d("2026-09-30"), d("2027-09-30")), Months::whole(12));
    }

    #[test]
    fn half_a_month_of_thirty_days_is_half() {
        assert_eq!(
            between(d("2026-04-01"), d("2026-04-16")),
            Months(UNITS_PER_MONTH / 2)
        );
    }

    #[test]
    fn remaining_days_are_a_fraction_of_the_month_that_follows_the_whole_months() {
        // 15 January + 1 month = 15 February; 14 days of 15 Feb–15 Mar (28 days) = half.
        assert_eq!(
            between(d("2026-01-15"), d("2026-03-01")),
            Months::whole(1) + Months(UNITS_PER_MONTH / 2)
        );
        // From the 31st: one month is 31 January tot 28 February.
        assert_eq!(between(d("2026-01-31"), d("2026-02-28")), Months::whole(1));
        assert_eq!(
            between(d("2028-01-31"), d("2028-02-29")),
            Months::whole(1),
            "leap year"
        );
    }

    #[test]
    fn a_same_day_number_stretch_over_a_leap_february_is_whole() {
        assert_eq!(between(d("2027-02-11"), d("2028-02-11")), Months::whole(12));
        assert_eq!(between(d("2028-02-29"), d("2029-02-28")), Months::whole(12));
    }

    #[test]
    fn an_end_not_after_the_start_has_no_length() {
        assert_eq!(between(d("2026-04-01"), d("2026-04-01")), Months::ZERO);
        assert_eq!(between(d("2026-04-02"), d("2026-04-01")), Months::ZERO);
    }

    #[test]
    fn thirty_one_january_plus_one_month_is_the_last_day_of_february() {
        assert_eq!(add_months(d("2026-01-31"), 1), d("2026-02-28"));
        assert_eq!(add_months(d("2028-01-31"), 1), d("2028-02-29"));
        assert_eq!(add_months(d("2026-12-15"), 1), d("2027-01-15"));
        assert_eq!(add_months(d("2026-03-31"), -1), d("2026-02-28"));
    }

    #[test]
    fn the_date_after_a_length_inverts_the_length_of_a_period() {
        assert_eq!(
            date_after(d("2026-01-01"), Months::whole(33)),
            d("2028-10-01")
        );
        assert_eq!(
            date_after(d("2026-03-15"), Months::whole(12)),
            d("2027-03-15")
        );
        let length = between(d("2026-01-10"), d("2026-05-23"));
        assert_eq!(date_after(d("2026-01-10"), length), d("2026-05-23"));
    }

    #[test]
    fn working_days_skip_weekends() {
        // 2026-03-02 is a Monday.
        assert_eq!(working_days(d("2026-03-02"), d("2026-03-09")), 5);
        assert_eq!(
            working_days(d("2026-03-06"), d("2026-03-10")),
            2,
            "Friday to Tuesday"
        );
        assert_eq!(
            working_days(d("2026-03-07"), d("2026-03-09")),
            0,
            "a weekend"
        );
        // The day after the last working day: Friday 06-03 alone ends tot Saturday 07-03.
        assert_eq!(end_after_working_days(d("2026-03-06"), 1), d("2026-03-07"));
        assert_eq!(end_after_working_days(d("2026-03-07"), 1), d("2026-03-10"));
        assert_eq!(end_after_working_days(d("2026-03-02"), 10), d("2026-03-14"));
        assert_eq!(end_after_working_days(d("2028-10-01"), 11), d("2028-10-17"));
        assert_eq!(end_after_working_days(d("2028-10-01"), 0), d("2028-10-01"));
    }

    #[test]
    fn months_are_written_the_dutch_way() {
        assert_eq!(Months::whole(33).dutch(), "33");
        assert_eq!(Months::whole(12).at_percent(80).dutch(), "9,6");
    }

    #[test]
    fn a_month_or_less_is_singular_and_more_is_plural() {
        assert_eq!(Months::whole(1).dutch_with_unit(), "1 maand");
        assert_eq!(
            Months::whole(1).at_percent(50).dutch_with_unit(),
            "0,5 maand"
        );
        assert_eq!(Months::ZERO.dutch_with_unit(), "0 maanden");
        assert_eq!(
            Months::whole(2).at_percent(60).dutch_with_unit(),
            "1,2 maanden"
        );
        assert_eq!(counted(1, "dag", "dagen"), "1 dag");
        assert_eq!(counted(0, "dag", "dagen"), "0 dagen");
        assert_eq!(counted(11, "werkdag", "werkdagen"), "11 werkdagen");
    }
}
