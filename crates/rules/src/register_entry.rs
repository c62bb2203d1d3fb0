//! When an aios may request registration as specialist or profielarts, and the period of the
//! register entry (docs/domain/registers.md). Pure; dates follow the portal's convention that
//! an end date is exclusive: the training's end date is the first day after the last training
//! day, so an entry that "starts the day after training ended" starts on that date.

use crate::code::Coded;
use chrono::NaiveDate;

use crate::schedule::months::add_months;

/// How long before and after the end of training the request is on time, in months.
pub const WINDOW_MONTHS: i32 = 3;
/// How long an entry lasts, in months.
pub const ENTRY_MONTHS: i32 = 60;

/// The two registers: of medical specialists, and of profielartsen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Register {
    /// The specialistenregister.
    Specialist,
    /// The profielregister.
    Profile,
}

crate::coded!(Register {
    Specialist => "specialist",
    Profile => "profiel",
});

impl Register {
    /// Its name: "Specialistenregister" or "Profielregister".
    pub fn label(self) -> &'static str {
        match self {
            Register::Specialist => "Specialistenregister",
            Register::Profile => "Profielregister",
        }
    }

    /// What one is who is in it: "specialist" or "profielarts".
    pub fn member(self) -> &'static str {
        match self {
            Register::Specialist => "specialist",
            Register::Profile => "profielarts",
        }
    }
}

/// Where an entry in a register stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryStatus {
    /// Ingeschreven: in force.
    Registered,
    /// Doorgehaald: struck off.
    StruckOff,
}

crate::coded!(EntryStatus {
    Registered => "ingeschreven",
    StruckOff => "doorgehaald",
});

impl EntryStatus {
    /// "Ingeschreven" or "Doorgehaald".
    pub fn label(self) -> &'static str {
        match self {
            EntryStatus::Registered => "Ingeschreven",
            EntryStatus::StruckOff => "Doorgehaald",
        }
    }
}

/// What a request to a register asks: a first registratie after training, or a
/// herregistratie of an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplicationKind {
    /// Registratie after a completed training.
    Registration,
    /// Herregistratie: five more years.
    Reregistration,
}

crate::coded!(ApplicationKind {
    Registration => "registratie",
    Reregistration => "herregistratie",
});

impl ApplicationKind {
    /// "Registratie" or "Herregistratie".
    pub fn label(self) -> &'static str {
        match self {
            ApplicationKind::Registration => "Registratie",
            ApplicationKind::Reregistration => "Herregistratie",
        }
    }
}

/// Where a request to a register stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApplicationStatus {
    /// Submitted; waits for payment or for the RGS.
    Submitted,
    /// Granted.
    Granted,
    /// Refused.
    Refused,
}

crate::coded!(ApplicationStatus {
    Submitted => "ingediend",
    Granted => "toegekend",
    Refused => "afgewezen",
});

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

/// How long before the end of a period a herregistratie may be requested, in months.
pub const APPLY_FROM_MONTHS: i32 = 6;

/// Whether a herregistratie may be requested on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reregistration {
    /// Not yet: possible from `from`.
    NotYet {
        /// The first day a request is possible.
        from: NaiveDate,
    },
    /// Open until the end of the period.
    Open,
    /// The period has ended: the entry is (or is about to be) struck off.
    Expired,
}

/// Whether a herregistratie of a period that ends on `ends_on` (exclusive) may be requested on
/// `today`: from [`APPLY_FROM_MONTHS`] months before until the last day of the period.
pub fn reregistration(ends_on: NaiveDate, today: NaiveDate) -> Reregistration {
    let from = add_months(ends_on, -APPLY_FROM_MONTHS);
    if today < from {
        Reregistration::NotYet { from }
    } else if today < ends_on {
        Reregistration::Open
    } else {
        Reregistration::Expired
    }
}

/// The mails that invite a specialist to apply for herregistratie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// About four months before the end.
    Invitation,
    /// Two months before the end.
    Reminder,
    /// Two weeks before the end.
    LastReminder,
}

crate::coded!(Notice {
    Invitation => "uitnodiging",
    Reminder => "herinnering",
    LastReminder => "laatste_herinnering",
});

impl Notice {
    /// The day it is due for a period that ends on `ends_on`.
    pub fn due(self, ends_on: NaiveDate) -> NaiveDate {
        match self {
            Notice::Invitation => add_months(ends_on, -4),
            Notice::Reminder => add_months(ends_on, -2),
            Notice::LastReminder => ends_on - chrono::Duration::days(14),
        }
    }
}

/// The notices to schedule on `today` for a period that ends on `ends_on`, each with its day:
/// those still to come, and of those already past only the latest, today (so a specialist
/// never gets two mails at once, and one who enters late still gets one). None once the
/// period has ended.
pub fn notices_to_schedule(ends_on: NaiveDate, today: NaiveDate) -> Vec<(Notice, NaiveDate)> {
    if today >= ends_on {
        return Vec::new();
    }
    let past = Notice::ALL
        .iter()
        .copied()
        .rev()
        .find(|n| n.due(ends_on) <= today)
        .map(|n| (n, today));
    past.into_iter()
        .chain(
            Notice::ALL
                .iter()
                .copied()
                .filter(|n| n.due(ends_on) > today)
                .map(|n| (n, n.due(ends_on))),
        )
        .collect()
}

/// The last day of a period that ends on `ends_on` (exclusive).
pub fn last_day(ends_on: NaiveDate) -> NaiveDate {
    ends_on.pred_opt().unwrap_or(ends_on)
}

/// "Nog 120 dagen", "Nog 1 dag", "Verlopen": the days left of a period that ends on
/// `ends_on`, today included.
pub fn countdown(ends_on: NaiveDate, today: NaiveDate) -> String {
    match (ends_on - today).num_days() {
        days if days <= 0 => "Verlopen".to_owned(),
        1 => "Nog 1 dag (vandaag is de laatste dag)".to_owned(),
        days => format!("Nog {days} dagen"),
    }
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

    #[test]
    fn herregistratie_opens_six_months_before_the_end_and_closes_at_the_end() {
        let end = d("2027-09-01");
        assert_eq!(
            reregistration(end, d("2027-02-28")),
            Reregistration::NotYet {
                from: d("2027-03-01")
            }
        );
        assert_eq!(reregistration(end, d("2027-03-01")), Reregistration::Open);
        assert_eq!(reregistration(end, d("2027-08-31")), Reregistration::Open);
        assert_eq!(
            reregistration(end, d("2027-09-01")),
            Reregistration::Expired
        );
    }

    #[test]
    fn notices_fall_four_months_two_months_and_two_weeks_before_the_end() {
        let end = d("2027-09-01");
        assert_eq!(
            notices_to_schedule(end, d("2026-01-01")),
            vec![
                (Notice::Invitation, d("2027-05-01")),
                (Notice::Reminder, d("2027-07-01")),
                (Notice::LastReminder, d("2027-08-18")),
            ]
        );
    }

    #[test]
    fn of_the_notices_already_due_only_the_latest_goes_out_today() {
        let end = d("2027-09-01");
        assert_eq!(
            notices_to_schedule(end, d("2027-07-10")),
            vec![
                (Notice::Reminder, d("2027-07-10")),
                (Notice::LastReminder, d("2027-08-18")),
            ]
        );
        assert_eq!(
            notices_to_schedule(end, d("2027-08-31")),
            vec![(Notice::LastReminder, d("2027-08-31"))]
        );
        assert!(notices_to_schedule(end, end).is_empty());
    }

    #[test]
    fn the_countdown_counts_the_days_left_with_today() {
        let end = d("2027-09-01");
        assert_eq!(countdown(end, d("2027-08-02")), "Nog 30 dagen");
        assert_eq!(
            countdown(end, d("2027-08-31")),
            "Nog 1 dag (vandaag is de laatste dag)"
        );
        assert_eq!(countdown(end, end), "Verlopen");
        assert_eq!(last_day(end), d("2027-08-31"));
    }
}
