//! Brute-force protection per account (docs/security.md §2): soft, time-boxed locks,
//! never permanent, so nobody can lock another user out for good.

use chrono::{DateTime, Duration, Utc};

/// Failed passwords within [`WINDOW`] that lock the account's password step.
pub const PASSWORD_FAILURES_BEFORE_LOCK: i32 = 10;
/// Wrong verification codes in a row that lock the code step.
pub const CODE_FAILURES_BEFORE_LOCK: i32 = 5;
/// The window in which failures count, and how long a password lock lasts.
pub const WINDOW: Duration = Duration::minutes(15);
/// How long a code lock lasts.
pub const CODE_LOCK: Duration = Duration::minutes(15);

/// The failure counters of one step (password or code) of one account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attempts {
    /// Failures counted so far in the window.
    pub failures: i32,
    /// When the first counted failure happened.
    pub since: Option<DateTime<Utc>>,
    /// Until when the step is locked.
    pub locked_until: Option<DateTime<Utc>>,
}

impl Attempts {
    /// Whether attempts are refused at `now`, and until when.
    pub fn locked_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.locked_until.filter(|until| *until > now)
    }

    /// The counters after one more password failure at `now`.
    pub fn after_password_failure(self, now: DateTime<Utc>) -> Attempts {
        let in_window = self.since.is_some_and(|since| now - since < WINDOW);
        let failures = if in_window { self.failures + 1 } else { 1 };
        if failures >= PASSWORD_FAILURES_BEFORE_LOCK {
            Attempts {
                failures: 0,
                since: None,
                locked_until: Some(now + WINDOW),
            }
        } else {
            Attempts {
                failures,
                since: if in_window { self.since } else { Some(now) },
                locked_until: self.locked_until,
            }
        }
    }

    /// The counters after one more wrong code at `now`: failures in a row, no window.
    pub fn after_code_failure(self, now: DateTime<Utc>) -> Attempts {
        let failures = self.failures + 1;
        if failures >= CODE_FAILURES_BEFORE_LOCK {
            Attempts {
                failures: 0,
                since: None,
                locked_until: Some(now + CODE_LOCK),
            }
        } else {
            Attempts {
                failures,
                since: self.since.or(Some(now)),
                locked_until: self.locked_until,
            }
        }
    }

    /// The counters after a success: all cleared.
    pub fn cleared() -> Attempts {
        Attempts {
            failures: 0,
            since: None,
            locked_until: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
    }

    fn fail_passwords(n: i32, every: Duration) -> (Attempts, DateTime<Utc>) {
        let mut attempts = Attempts::cleared();
        let mut now = t0();
        for _ in 0..n {
            attempts = attempts.after_password_failure(now);
            now += every;
        }
        (attempts, now - every)
    }

    #[test]
    fn nine_failed_passwords_do_not_lock_the_account() {
        let (attempts, now) = fail_passwords(9, Duration::minutes(1));
        assert_eq!(attempts.locked_at(now), None);
        assert_eq!(attempts.failures, 9);
    }

    #[test]
    fn the_tenth_failed_password_within_fifteen_minutes_locks_for_fifteen_minutes() {
        let (attempts, now) = fail_passwords(10, Duration::minutes(1));
        assert_eq!(attempts.locked_at(now), Some(now + WINDOW));
        assert_eq!(
            attempts.locked_at(now + WINDOW - Duration::seconds(1)),
            Some(now + WINDOW)
        );
        assert_eq!(
            attempts.locked_at(now + WINDOW),
            None,
            "the lock ends by itself"
        );
    }

    #[test]
    fn failures_spread_over_more_than_fifteen_minutes_do_not_lock() {
        let (attempts, now) = fail_passwords(30, Duration::minutes(2));
        assert_eq!(attempts.locked_at(now), None);
    }

    #[test]
    fn five_wrong_codes_in_a_row_lock_the_code_step() {
        let mut attempts = Attempts::cleared();
        for _ in 0..4 {
            attempts = attempts.after_code_failure(t0());
        }
        assert_eq!(attempts.locked_at(t0()), None);
        attempts = attempts.after_code_failure(t0());
        assert_eq!(attempts.locked_at(t0()), Some(t0() + CODE_LOCK));
    }

    proptest! {
        #[test]
        fn no_sequence_of_failures_locks_an_account_for_longer_than_fifteen_minutes(
            gaps in proptest::collection::vec(0i64..2000, 1..60)
        ) {
            let mut attempts = Attempts::cleared();
            let mut now = t0();
            for gap in gaps {
                now += Duration::seconds(gap);
                attempts = attempts.after_password_failure(now);
                if let Some(until) = attempts.locked_at(now) {
                    prop_assert!(until <= now + WINDOW);
                }
            }
        }
    }
}
