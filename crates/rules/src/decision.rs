//! The opleider's decisions on a submitted schedule (docs/domain/trainings.md): approve or reject a
//! first schedule or a change request. Pure: the database layer asks [`decide`] what a decision
//! leads to, inside the transaction that records it.

use chrono::NaiveDate;

use crate::schedule::months::add_months;
use crate::training::{RegistrationStatus, VersionStatus};

/// Approve or reject.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Goedkeuren.
    Approve,
    /// Afkeuren, with a reason.
    Reject,
}

/// What a decision changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The new status of the decided version.
    pub version: VersionStatus,
    /// The new status of the registration.
    pub registration: RegistrationStatus,
    /// Whether the version was a change request (not the first schedule).
    pub change_request: bool,
}

/// Why a decision is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecisionRefusal {
    /// The version is no longer waiting: decided by someone else (another tab), or not the
    /// submitted version at all.
    #[error("deze versie wacht niet (meer) op een besluit")]
    NotWaiting,
    /// The registration is in a state where schedules are not decided (completed, ended).
    #[error("over deze opleiding wordt geen schema meer beoordeeld")]
    Closed,
}

/// The outcome of `verdict` on a version with `version` status of a registration with
/// `registration` status.
pub fn decide(
    registration: RegistrationStatus,
    version: VersionStatus,
    verdict: Verdict,
) -> Result<Outcome, DecisionRefusal> {
    if version != VersionStatus::Submitted {
        return Err(DecisionRefusal::NotWaiting);
    }
    let version = match verdict {
        Verdict::Approve => VersionStatus::Approved,
        Verdict::Reject => VersionStatus::Rejected,
    };
    match registration {
        RegistrationStatus::Submitted => Ok(Outcome {
            version,
            registration: match verdict {
                Verdict::Approve => RegistrationStatus::Approved,
                Verdict::Reject => RegistrationStatus::Rejected,
            },
            change_request: false,
        }),
        status if status.accepts_change_requests() => Ok(Outcome {
            version,
            registration: status,
            change_request: true,
        }),
        _ => Err(DecisionRefusal::Closed),
    }
}

/// A rejection's reason as typed: the aios reads it, so it must say something.
pub fn parse_reason(raw: &str) -> Result<String, String> {
    crate::reason::parse_reason(raw, crate::reason::Length::between(5, 2000)).map_err(|problem| {
        problem
            .message("Geef een reden voor de afkeuring: de aios leest die en past het schema aan.")
    })
}

/// How long before the expected end the eindverklaring may be issued.
pub const FINAL_DECLARATION_LEAD_MONTHS: i32 = 3;

/// Why an eindverklaring is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FinalDeclarationRefusal {
    /// Too early: possible from this date.
    #[error("de eindverklaring kan pas worden afgegeven")]
    TooEarly(NaiveDate),
    /// One was already issued.
    #[error("er is al een eindverklaring afgegeven")]
    AlreadyIssued,
    /// The registration is not running (not yet accepted, or already closed).
    #[error("de opleiding staat niet (meer) ingeschreven")]
    NotRunning,
    /// The end date lies before the start of the training.
    #[error("de einddatum ligt voor het begin van de opleiding")]
    EndBeforeStart,
    /// Only the opleider themself judges, never an ondersteuner.
    #[error("alleen de opleider zelf geeft de eindverklaring af")]
    NotTheOpleider,
}

/// From when an eindverklaring is possible: three months before the expected end.
pub fn final_declaration_from(expected_end: NaiveDate) -> NaiveDate {
    add_months(expected_end, -FINAL_DECLARATION_LEAD_MONTHS)
}

/// The last expected end for which an eindverklaring is possible on `today`: the ends with
/// [`final_declaration_from`]`(end) <= today` are exactly those up to this day, as that
/// function never decreases with the end. A list of trainings compares each end with this one
/// day instead of doing month arithmetic per row.
pub fn final_declaration_possible_until(today: NaiveDate) -> NaiveDate {
    // Three months on and back never passes `today` (the day of the month can only shrink);
    // the days after it that a shorter month folds back onto `today` or earlier follow.
    let mut last = add_months(today, FINAL_DECLARATION_LEAD_MONTHS);
    while let Some(next) = last.succ_opt()
        && final_declaration_from(next) <= today
    {
        last = next;
    }
    last
}

/// Where a training stands when its opleider gives the eindverklaring.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DeclarationCase {
    /// The registration status of the training.
    pub registration: RegistrationStatus,
    /// Whether an eindverklaring was given before.
    pub already_issued: bool,
    /// Whether the opleider gives it themself (an ondersteuner may not).
    pub by_the_opleider: bool,
    /// The expected end of the training by its current schedule, if it has one.
    pub expected_end: Option<NaiveDate>,
    /// The start of the training, if it has one.
    pub training_start: Option<NaiveDate>,
}

/// An eindverklaring as the opleider gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FinalDeclaration {
    /// Positive (the training is completed) or negative.
    pub positive: bool,
    /// The day the training ended.
    pub end_date: NaiveDate,
}

/// The registration status after an eindverklaring, if it may be issued now: positive
/// completes the registration (voltooid); negative leaves it for the RGS to handle.
pub fn issue_final_declaration(
    case: DeclarationCase,
    today: NaiveDate,
    declaration: FinalDeclaration,
) -> Result<RegistrationStatus, FinalDeclarationRefusal> {
    let DeclarationCase {
        registration,
        already_issued,
        by_the_opleider,
        expected_end,
        training_start,
    } = case;
    let FinalDeclaration { positive, end_date } = declaration;
    if !by_the_opleider {
        return Err(FinalDeclarationRefusal::NotTheOpleider);
    }
    if already_issued {
        return Err(FinalDeclarationRefusal::AlreadyIssued);
    }
    if !registration.accepts_change_requests() {
        return Err(FinalDeclarationRefusal::NotRunning);
    }
    if let Some(expected_end) = expected_end {
        let from = final_declaration_from(expected_end);
        if today < from {
            return Err(FinalDeclarationRefusal::TooEarly(from));
        }
    }
    if training_start.is_some_and(|start| end_date <= start) {
        return Err(FinalDeclarationRefusal::EndBeforeStart);
    }
    Ok(if positive {
        RegistrationStatus::Completed
    } else {
        registration
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use RegistrationStatus as R;
    use VersionStatus as V;

    #[test]
    fn at_the_end_of_february_an_eindverklaring_is_possible_for_ends_up_to_the_end_of_may() {
        // 29, 30 and 31 May less three months fall on 28 February (2026 is no leap year).
        assert_eq!(
            final_declaration_possible_until(day(2026, 2, 28)),
            day(2026, 5, 31)
        );
        assert_eq!(
            final_declaration_possible_until(day(2026, 2, 27)),
            day(2026, 5, 27)
        );
        assert_eq!(
            final_declaration_possible_until(day(2026, 11, 30)),
            day(2027, 2, 28)
        );
    }

    /// For the end `offset` days after three months from `today` (around the boundary): whether
    /// an eindverklaring is possible for it, and whether it is on or before the last such end.
    fn both_ways(today: NaiveDate, offset: i64) -> (bool, bool) {
        let end = add_months(today, FINAL_DECLARATION_LEAD_MONTHS) + chrono::Duration::days(offset);
        (
            final_declaration_from(end) <= today,
            end <= final_declaration_possible_until(today),
        )
    }

    proptest::proptest! {
        #[test]
        fn an_eindverklaring_is_possible_for_exactly_the_ends_up_to_the_last_possible_one(
            today in 0i64..80_000,
            offset in -40i64..40,
        ) {
            let today = day(1950, 1, 1) + chrono::Duration::days(today);
            let (possible, up_to_the_last) = both_ways(today, offset);
            proptest::prop_assert_eq!(possible, up_to_the_last);
        }

        #[test]
        fn at_the_end_of_a_month_too_the_possible_ends_are_exactly_those_up_to_the_last_one(
            year in 1950i32..2150,
            month in 1u32..=12,
            day_of_month in 27u32..=31,
            offset in -3i64..=3,
        ) {
            // The boundary moves where a month is shorter than the one three months later.
            let Some(today) = NaiveDate::from_ymd_opt(year, month, day_of_month) else {
                return Ok(());
            };
            let (possible, up_to_the_last) = both_ways(today, offset);
            proptest::prop_assert_eq!(possible, up_to_the_last);
        }
    }

    #[test]
    fn approving_a_first_schedule_approves_the_registration() {
        assert_eq!(
            decide(R::Submitted, V::Submitted, Verdict::Approve),
            Ok(Outcome {
                version: V::Approved,
                registration: R::Approved,
                change_request: false
            })
        );
    }

    #[test]
    fn rejecting_a_first_schedule_rejects_the_registration() {
        let outcome = decide(R::Submitted, V::Submitted, Verdict::Reject).unwrap();
        assert_eq!(outcome.version, V::Rejected);
        assert_eq!(outcome.registration, R::Rejected);
    }

    #[test]
    fn a_decision_on_a_change_request_keeps_the_registration_status() {
        for registration in [R::Approved, R::Registered, R::RegisteredPendingPayment] {
            for verdict in [Verdict::Approve, Verdict::Reject] {
                let outcome = decide(registration, V::Submitted, verdict).unwrap();
                assert_eq!(outcome.registration, registration);
                assert!(outcome.change_request);
            }
        }
    }

    #[test]
    fn only_a_submitted_version_is_decided_and_only_once() {
        for version in [V::Concept, V::Approved, V::Rejected, V::Withdrawn] {
            assert_eq!(
                decide(R::Submitted, version, Verdict::Approve),
                Err(DecisionRefusal::NotWaiting)
            );
        }
    }

    #[test]
    fn a_closed_registration_has_no_schedule_decisions() {
        for registration in [R::Completed, R::Ended, R::StruckOff, R::Concept] {
            assert_eq!(
                decide(registration, V::Submitted, Verdict::Approve),
                Err(DecisionRefusal::Closed)
            );
        }
    }

    #[test]
    fn a_rejection_needs_a_reason_the_aios_can_act_on() {
        assert!(parse_reason("  nee ").is_err());
        assert!(parse_reason(&"x".repeat(2001)).is_err());
        assert_eq!(
            parse_reason("  Begin met het NTC-blok. "),
            Ok("Begin met het NTC-blok.".to_owned())
        );
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Where a training stands, for [`issue_final_declaration`].
    fn case(
        registration: RegistrationStatus,
        already_issued: bool,
        by_the_opleider: bool,
        expected_end: Option<NaiveDate>,
        training_start: Option<NaiveDate>,
    ) -> DeclarationCase {
        DeclarationCase {
            registration,
            already_issued,
            by_the_opleider,
            expected_end,
            training_start,
        }
    }

    /// [`issue_final_declaration`] of a positive or negative eindverklaring ending on `end_date`.
    fn issue(
        case: DeclarationCase,
        today: NaiveDate,
        end_date: NaiveDate,
        positive: bool,
    ) -> Result<RegistrationStatus, FinalDeclarationRefusal> {
        issue_final_declaration(case, today, FinalDeclaration { positive, end_date })
    }

    #[test]
    fn an_eindverklaring_is_possible_from_three_months_before_the_expected_end() {
        let end = Some(day(2027, 9, 1));
        let start = Some(day(2022, 9, 1));
        assert_eq!(
            issue(
                case(R::Registered, false, true, end, start),
                day(2027, 5, 31),
                day(2027, 9, 1),
                true
            ),
            Err(FinalDeclarationRefusal::TooEarly(day(2027, 6, 1)))
        );
        assert_eq!(
            issue(
                case(R::Registered, false, true, end, start),
                day(2027, 6, 1),
                day(2027, 9, 1),
                true
            ),
            Ok(R::Completed)
        );
    }

    #[test]
    fn a_negative_eindverklaring_leaves_the_registration_for_the_rgs() {
        let result = issue(
            case(
                R::RegisteredPendingPayment,
                false,
                true,
                Some(day(2027, 9, 1)),
                None,
            ),
            day(2027, 8, 1),
            day(2027, 9, 1),
            false,
        );
        assert_eq!(result, Ok(R::RegisteredPendingPayment));
    }

    #[test]
    fn an_eindverklaring_is_the_opleiders_own_and_given_once_for_a_running_registration() {
        let args = |registration, issued, own| {
            issue(
                case(registration, issued, own, Some(day(2027, 9, 1)), None),
                day(2027, 8, 1),
                day(2027, 9, 1),
                true,
            )
        };
        assert_eq!(
            args(R::Registered, false, false),
            Err(FinalDeclarationRefusal::NotTheOpleider)
        );
        assert_eq!(
            args(R::Registered, true, true),
            Err(FinalDeclarationRefusal::AlreadyIssued)
        );
        for closed in [
            R::Concept,
            R::Submitted,
            R::Rejected,
            R::Completed,
            R::Ended,
            R::StruckOff,
        ] {
            assert_eq!(
                args(closed, false, true),
                Err(FinalDeclarationRefusal::NotRunning)
            );
        }
    }

    #[test]
    fn the_end_date_lies_after_the_start_of_the_training() {
        let result = issue(
            case(
                R::Registered,
                false,
                true,
                Some(day(2027, 9, 1)),
                Some(day(2022, 9, 1)),
            ),
            day(2027, 8, 1),
            day(2022, 9, 1),
            true,
        );
        assert_eq!(result, Err(FinalDeclarationRefusal::EndBeforeStart));
    }
}
