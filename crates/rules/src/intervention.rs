//! The RGS's own decisions on a training registration (docs/domain/README.md,
//! docs/domain/trainings.md): striking it off (doorhalen) or ending it (beëindigen) with a reason,
//! and amending the schedule with an extension (intensief begeleidingstraject) or an interruption
//! that the aios may not enter. Pure: the database layer asks these functions whether a move is
//! allowed, inside the transaction that makes it.

use std::collections::BTreeMap;

use crate::schedule::check::Report;
use crate::schedule::findings::{Finding, Severity};
use crate::training::RegistrationStatus;

/// How the RGS closes a registration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Closure {
    /// Doorhalen: the registration is struck from the register (for example a request never
    /// paid, or a registration made in error).
    StrikeOff,
    /// Beëindigen: a running training stops before it is completed.
    End,
}

crate::coded!(Closure {
    StrikeOff => "doorgehaald",
    End => "beeindigd",
});

impl Closure {
    /// The verb on the button.
    pub fn verb(self) -> &'static str {
        match self {
            Closure::StrikeOff => "Doorhalen",
            Closure::End => "Beëindigen",
        }
    }

    /// The past participle, for messages: "De registratie is {…}".
    pub fn done(self) -> &'static str {
        match self {
            Closure::StrikeOff => "doorgehaald",
            Closure::End => "beëindigd",
        }
    }

    /// The registration status it leads to.
    pub fn status(self) -> RegistrationStatus {
        match self {
            Closure::StrikeOff => RegistrationStatus::StruckOff,
            Closure::End => RegistrationStatus::Ended,
        }
    }

    /// The audit action.
    pub fn action(self) -> &'static str {
        match self {
            Closure::StrikeOff => "training.struck_off",
            Closure::End => "training.ended",
        }
    }
}

/// Why the RGS may not make a move.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum InterventionRefusal {
    /// The registration is already completed, ended or struck off.
    #[error("de registratie is al afgesloten")]
    Closed,
    /// A concept or rejected request has no effect yet: there is nothing to close.
    #[error("de aanvraag is nog niet ingediend")]
    NotSubmitted,
    /// Ending applies to a registration that was accepted; a request still waiting can only
    /// be struck off.
    #[error("alleen een geaccepteerde registratie kan worden beëindigd")]
    NotRunning,
    /// The schedule is amended only once the registration is accepted and a version is
    /// current.
    #[error("er is nog geen geldend schema")]
    NoCurrentSchedule,
    /// A change request waits for the opleider: an amendment now would be lost when it is
    /// approved.
    #[error("er wacht een wijzigingsverzoek op de opleider")]
    ChangeWaiting,
    /// The amendment would give the schedule errors it did not have (the messages).
    #[error("het schema krijgt fouten")]
    NewErrors(Vec<String>),
}

/// Whether `closure` may be applied to a registration in `status`, and the status it leads
/// to. Doorhalen applies to any request that was submitted and not yet closed; beëindigen to a
/// registration the opleider accepted.
pub fn may_close(
    status: RegistrationStatus,
    closure: Closure,
) -> Result<RegistrationStatus, InterventionRefusal> {
    match status {
        RegistrationStatus::Completed
        | RegistrationStatus::Ended
        | RegistrationStatus::StruckOff => Err(InterventionRefusal::Closed),
        RegistrationStatus::Concept => Err(InterventionRefusal::NotSubmitted),
        RegistrationStatus::Submitted | RegistrationStatus::Rejected if closure == Closure::End => {
            Err(InterventionRefusal::NotRunning)
        }
        _ => Ok(closure.status()),
    }
}

/// Whether the RGS may amend the schedule of a registration in `status` now. `has_current`:
/// a version was approved; `has_submitted`: a version waits for the opleider.
pub fn may_amend(
    status: RegistrationStatus,
    has_current: bool,
    has_submitted: bool,
) -> Result<(), InterventionRefusal> {
    if !status.is_active() {
        return Err(InterventionRefusal::Closed);
    }
    if !status.accepts_change_requests() || !has_current {
        return Err(InterventionRefusal::NoCurrentSchedule);
    }
    if has_submitted {
        return Err(InterventionRefusal::ChangeWaiting);
    }
    Ok(())
}

/// The longest single extension, in months (docs/domain/trainings.md; the engine checks the total).
pub const MAX_EXTENSION_MONTHS: i32 = 12;

/// Parses the months of an extension as typed: a whole number from 1 to 12.
pub fn parse_extension_months(raw: &str) -> Result<i32, &'static str> {
    let months: i32 = raw
        .trim()
        .parse()
        .map_err(|_| "Vul het aantal maanden in als heel getal, bijvoorbeeld 6.")?;
    if !(1..=MAX_EXTENSION_MONTHS).contains(&months) {
        return Err("Een verlenging is minstens 1 en hoogstens 12 maanden.");
    }
    Ok(months)
}

/// The errors in `after` that `before` did not have, as their messages: an amendment by the
/// RGS may not break a schedule that was in order (errors the schedule already had are not
/// the amendment's doing). Counted per kind of error, since items are numbered by position.
pub fn new_errors(before: &Report, after: &Report) -> Vec<String> {
    let count = |report: &Report| {
        let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
        for finding in errors(report) {
            *counts.entry(finding.code.as_str()).or_default() += 1;
        }
        counts
    };
    let known = count(before);
    let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut messages = Vec::new();
    for finding in errors(after) {
        let n = seen.entry(finding.code.as_str()).or_default();
        *n += 1;
        if *n > known.get(finding.code.as_str()).copied().unwrap_or(0) {
            messages.push(finding.message.clone());
        }
    }
    messages
}

fn errors(report: &Report) -> impl Iterator<Item = &Finding> {
    report
        .findings
        .iter()
        .filter(|f| f.severity() == Severity::Error)
}

/// A reason for closing a registration: the aios and the opleider read it.
pub fn parse_reason(raw: &str) -> Result<String, String> {
    crate::reason::parse_reason(raw, crate::reason::Length::between(5, 2000)).map_err(|problem| {
        problem.message("Geef een reden: de aios en de opleider lezen die in de e-mail.")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Coded;
    use crate::schedule::findings::{Code, Subject};
    use crate::schedule::totals::Totals;

    fn report(codes: &[Code]) -> Report {
        Report {
            findings: codes
                .iter()
                .enumerate()
                .map(|(i, code)| Finding {
                    code: *code,
                    subject: Subject::Schedule,
                    message: format!("{} {i}", code.as_str()),
                })
                .collect(),
            totals: Totals::default(),
        }
    }

    #[test]
    fn a_submitted_request_can_be_struck_off_but_not_ended() {
        assert_eq!(
            may_close(RegistrationStatus::Submitted, Closure::StrikeOff),
            Ok(RegistrationStatus::StruckOff)
        );
        assert_eq!(
            may_close(RegistrationStatus::Submitted, Closure::End),
            Err(InterventionRefusal::NotRunning)
        );
        assert_eq!(
            may_close(RegistrationStatus::Rejected, Closure::End),
            Err(InterventionRefusal::NotRunning)
        );
    }

    #[test]
    fn an_accepted_registration_can_be_ended_or_struck_off() {
        for status in [
            RegistrationStatus::Approved,
            RegistrationStatus::Registered,
            RegistrationStatus::RegisteredPendingPayment,
        ] {
            assert_eq!(
                may_close(status, Closure::End),
                Ok(RegistrationStatus::Ended)
            );
            assert_eq!(
                may_close(status, Closure::StrikeOff),
                Ok(RegistrationStatus::StruckOff)
            );
        }
    }

    #[test]
    fn a_closed_registration_or_a_concept_cannot_be_closed() {
        for &closure in Closure::ALL {
            for status in [
                RegistrationStatus::Completed,
                RegistrationStatus::Ended,
                RegistrationStatus::StruckOff,
            ] {
                assert_eq!(may_close(status, closure), Err(InterventionRefusal::Closed));
            }
            assert_eq!(
                may_close(RegistrationStatus::Concept, closure),
                Err(InterventionRefusal::NotSubmitted)
            );
        }
    }

    #[test]
    fn every_status_has_a_defined_answer_and_only_accepted_registrations_end() {
        for &status in RegistrationStatus::ALL {
            let ended = may_close(status, Closure::End).is_ok();
            assert_eq!(ended, status.accepts_change_requests(), "{status:?}");
        }
    }

    #[test]
    fn closures_round_trip_through_their_codes() {
        for &closure in Closure::ALL {
            assert_eq!(Closure::from_code(closure.code()), Some(closure));
            assert_eq!(closure.status().code(), closure.code());
        }
        assert_eq!(Closure::from_code("verwijderd"), None);
    }

    #[test]
    fn the_schedule_is_amended_only_when_accepted_current_and_nothing_waits() {
        assert_eq!(
            may_amend(RegistrationStatus::Registered, true, false),
            Ok(())
        );
        assert_eq!(
            may_amend(RegistrationStatus::RegisteredPendingPayment, true, false),
            Ok(())
        );
        assert_eq!(
            may_amend(RegistrationStatus::Registered, true, true),
            Err(InterventionRefusal::ChangeWaiting)
        );
        assert_eq!(
            may_amend(RegistrationStatus::Submitted, false, true),
            Err(InterventionRefusal::NoCurrentSchedule)
        );
        assert_eq!(
            may_amend(RegistrationStatus::Approved, false, false),
            Err(InterventionRefusal::NoCurrentSchedule)
        );
        for status in [
            RegistrationStatus::Completed,
            RegistrationStatus::Ended,
            RegistrationStatus::StruckOff,
        ] {
            assert_eq!(
                may_amend(status, true, false),
                Err(InterventionRefusal::Closed)
            );
        }
    }

    #[test]
    fn extension_months_are_a_whole_number_from_one_to_twelve() {
        assert_eq!(parse_extension_months(" 6 "), Ok(6));
        assert_eq!(parse_extension_months("1"), Ok(1));
        assert_eq!(parse_extension_months("12"), Ok(12));
        for bad in ["0", "13", "-1", "6,5", "abc", "", "99999999999"] {
            assert!(parse_extension_months(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn only_errors_the_schedule_did_not_have_count_against_an_amendment() {
        let before = report(&[Code::Gap, Code::PartTimeNotMultipleOfTen]);
        let same = report(&[Code::Gap]);
        assert!(new_errors(&before, &same).is_empty());
        let worse = report(&[Code::Gap, Code::Gap, Code::ExtensionTooLong]);
        assert_eq!(
            new_errors(&before, &worse),
            vec![
                "schedule.gap 1".to_owned(),
                "extension.too_long 2".to_owned()
            ]
        );
        // Warnings never count.
        let warnings = report(&[
            Code::PartTimeNotMultipleOfTen,
            Code::PartTimeNotMultipleOfTen,
        ]);
        assert!(new_errors(&report(&[]), &warnings).is_empty());
    }

    #[test]
    fn a_reason_must_say_something() {
        assert!(parse_reason("  ok  ").is_err());
        assert!(parse_reason(&"x".repeat(2001)).is_err());
        assert_eq!(
            parse_reason("  Niet betaald na drie herinneringen "),
            Ok("Niet betaald na drie herinneringen".to_owned())
        );
    }
}
