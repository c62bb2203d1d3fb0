//! When an aios may request registration as specialist or profielarts, and the period of the
//! register entry (SPEC §6, DOMAIN-NOTES §6). Pure; dates follow the portal's convention that
//! an end date is exclusive: the training's end date is the first day after the last training
//! day, so an entry that "starts the day after training ended" starts on that date.

use chrono::NaiveDate;

use crate::domain::schedule::months::add_months;

/// How long before and after the end of training the request is on time, in months.
pub const WINDOW_MONTHS: i32 = 3;
/// How long an entry lasts, in months.
pub const ENTRY_MONTHS: i32 = 60;

/// Where a request on a given day falls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    /// Before the window: possible from `from`.
    TooEarly {
        /// The first day a request is possible.
        from: NaiveDate,
    },
    /// Within three months before or after the end of training.
    InTime,
    /// After the window: the herregistratie requirements apply and the entry starts on the
    /// day the request is complete.
    Late {
        /// The last day that was on time.
        until: NaiveDate,
    },
}

/// Where a request on `today` falls for a training that ended on `training_end` (exclusive).
pub fn window(training_end: NaiveDate, today: NaiveDate) -> Window {
    let from = add_months(training_end, -WINDOW_MONTHS);
    let until = add_months(training_end, WINDOW_MONTHS);
    if today < from {
        Window::TooEarly { from }
    } else if today <= until {
        Window::InTime
    } else {
        Window::Late { until }
    }
}

/// The period of the entry, start inclusive and end exclusive, for a request made on
/// `requested_on` and complete (paid and accepted) on `complete_on`. On time, it starts when
/// training ended, but never before the day it is complete (never backdated); late, on the day
/// it is complete.
pub fn entry_period(
    training_end: NaiveDate,
    requested_on: NaiveDate,
    complete_on: NaiveDate,
) -> (NaiveDate, NaiveDate) {
    let start = match window(training_end, requested_on) {
        Window::Late { .. } => complete_on,
        Window::TooEarly { .. } | Window::InTime => training_end.max(complete_on),
    };
    (start, add_months(start, ENTRY_MONTHS))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn the_window_runs_from_three_months_before_to_three_months_after_the_end() {
        let end = d("2027-09-01");
        assert_eq!(
            window(end, d("2027-05-31")),
            Window::TooEarly {
                from: d("2027-06-01")
            }
        );
        assert_eq!(window(end, d("2027-06-01")), Window::InTime);
        assert_eq!(window(end, d("2027-12-01")), Window::InTime);
        assert_eq!(
            window(end, d("2027-12-02")),
            Window::Late {
                until: d("2027-12-01")
            }
        );
    }

    #[test]
    fn an_early_request_starts_when_training_ends_and_lasts_five_years() {
        assert_eq!(
            entry_period(d("2027-09-01"), d("2027-07-15"), d("2027-08-01")),
            (d("2027-09-01"), d("2032-09-01"))
        );
    }

    #[test]
    fn an_entry_is_never_backdated() {
        assert_eq!(
            entry_period(d("2027-09-01"), d("2027-10-15"), d("2027-11-03")),
            (d("2027-11-03"), d("2032-11-03"))
        );
    }

    #[test]
    fn a_late_request_starts_on_the_day_it_is_complete() {
        assert_eq!(
            entry_period(d("2027-09-01"), d("2028-02-01"), d("2028-02-20")),
            (d("2028-02-20"), d("2033-02-20"))
        );
    }

    #[test]
    fn a_start_at_the_end_of_february_lasts_exactly_sixty_calendar_months() {
        let (start, end) = entry_period(d("2028-02-29"), d("2028-01-10"), d("2028-01-20"));
        assert_eq!(start, d("2028-02-29"));
        assert_eq!(end, d("2033-02-28"));
    }
}
