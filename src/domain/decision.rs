//! The opleider's decisions on a submitted schedule (SPEC §5.5): approve or reject a first
//! schedule or a change request. Pure: the database layer asks [`decide`] what a decision
//! leads to, inside the transaction that records it.

use crate::domain::training::{RegistrationStatus, VersionStatus};

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
pub fn parse_reason(raw: &str) -> Result<String, &'static str> {
    let reason = raw.trim();
    if reason.chars().count() < 5 {
        return Err("Geef een reden voor de afkeuring: de aios leest die en past het schema aan.");
    }
    if reason.chars().count() > 2000 {
        return Err("Gebruik voor de reden hoogstens 2000 tekens.");
    }
    Ok(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use RegistrationStatus as R;
    use VersionStatus as V;

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
}
