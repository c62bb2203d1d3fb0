//! A training (`Training`, opleiding) and its registration in the opleidingsregister
//! (`TrainingRegistration`): the statuses of a registration and of schedule versions
//! (docs/domain/trainings.md), and the moves the aios may make. Pure: the database layer asks
//! these functions whether a move is allowed and what it leads to, inside the transaction that
//! makes it.

use crate::schedule::check::Report;
use crate::schedule::findings::Severity;

/// The status of a training registration (opleidingsregistratie).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RegistrationStatus {
    /// Being prepared; has no effect whatever until submitted.
    Concept,
    /// Submitted; waits for the opleider.
    Submitted,
    /// Rejected by the opleider with a reason; the aios edits and submits again.
    Rejected,
    /// Approved by the opleider; definitive once the invoice is paid.
    Approved,
    /// Registered (ingeschreven).
    Registered,
    /// Registered on condition of payment (factureren op startdatum, not yet paid).
    RegisteredPendingPayment,
    /// Completed after a positive eindverklaring (voltooid).
    Completed,
    /// Ended by the RGS (beëindigd).
    Ended,
    /// Struck off by the RGS (doorgehaald).
    StruckOff,
}

crate::coded!(RegistrationStatus {
    Concept => "concept",
    Submitted => "ingediend",
    Rejected => "afgekeurd",
    Approved => "goedgekeurd",
    Registered => "ingeschreven",
    RegisteredPendingPayment => "voorwaardelijk",
    Completed => "voltooid",
    Ended => "beeindigd",
    StruckOff => "doorgehaald",
});

impl RegistrationStatus {
    /// The status in plain Dutch words.
    pub fn label(self) -> &'static str {
        match self {
            RegistrationStatus::Concept => "Concept",
            RegistrationStatus::Submitted => "Ingediend",
            RegistrationStatus::Rejected => "Afgekeurd",
            RegistrationStatus::Approved => "Goedgekeurd",
            RegistrationStatus::Registered => "Ingeschreven",
            RegistrationStatus::RegisteredPendingPayment => {
                "Ingeschreven onder voorwaarde van betaling"
            }
            RegistrationStatus::Completed => "Voltooid",
            RegistrationStatus::Ended => "Beëindigd",
            RegistrationStatus::StruckOff => "Doorgehaald",
        }
    }

    /// What the aios should do next, in one or two Dutch sentences.
    pub fn next_action(self) -> &'static str {
        match self {
            RegistrationStatus::Concept => {
                "Vul uw opleidingsschema aan en dien de aanvraag in. Zolang de aanvraag op \
                 concept staat, gebeurt er niets."
            }
            RegistrationStatus::Submitted => {
                "Uw opleider beoordeelt het schema. U krijgt een e-mail zodra er een besluit is."
            }
            RegistrationStatus::Rejected => {
                "Uw opleider heeft het schema afgekeurd. Lees de reden, pas het schema aan en \
                 dien het opnieuw in."
            }
            RegistrationStatus::Approved => {
                "Uw opleider heeft het schema goedgekeurd. De inschrijving is definitief zodra \
                 de factuur is betaald."
            }
            RegistrationStatus::Registered => {
                "U staat ingeschreven in het opleidingsregister. Houd uw schema bij: dien elke \
                 wijziging in via \"Schema wijzigen\"."
            }
            RegistrationStatus::RegisteredPendingPayment => {
                "U staat ingeschreven onder voorwaarde van betaling. Betaal de factuur om de \
                 inschrijving definitief te maken."
            }
            RegistrationStatus::Completed => {
                "Uw opleiding is voltooid. U kunt nu registratie als specialist of profielarts \
                 aanvragen."
            }
            RegistrationStatus::Ended | RegistrationStatus::StruckOff => {
                "Er is geen actie van u nodig. Neem bij vragen contact op met de RGS."
            }
        }
    }

    /// Whether the training is still running, so that a second training in the same
    /// specialty would be a duplicate.
    pub fn is_active(self) -> bool {
        !matches!(
            self,
            RegistrationStatus::Completed
                | RegistrationStatus::Ended
                | RegistrationStatus::StruckOff
        )
    }

    /// Whether the registration has been accepted, so that schedule changes go through a
    /// change request (wijzigingsverzoek).
    pub fn accepts_change_requests(self) -> bool {
        matches!(
            self,
            RegistrationStatus::Approved
                | RegistrationStatus::Registered
                | RegistrationStatus::RegisteredPendingPayment
        )
    }
}

/// The status of one schedule version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VersionStatus {
    /// The aios's working copy; the only status in which a version can be edited.
    Concept,
    /// Waiting for the opleider.
    Submitted,
    /// Approved; the last approved version is the current one.
    Approved,
    /// Rejected, with a reason.
    Rejected,
    /// A concept the aios withdrew.
    Withdrawn,
}

crate::coded!(VersionStatus {
    Concept => "concept",
    Submitted => "ingediend",
    Approved => "goedgekeurd",
    Rejected => "afgekeurd",
    Withdrawn => "ingetrokken",
});

impl VersionStatus {
    /// The status in Dutch.
    pub fn label(self) -> &'static str {
        match self {
            VersionStatus::Concept => "Concept",
            VersionStatus::Submitted => "Ingediend",
            VersionStatus::Approved => "Goedgekeurd",
            VersionStatus::Rejected => "Afgekeurd",
            VersionStatus::Withdrawn => "Ingetrokken",
        }
    }
}

/// How the registration is invoiced (chosen at the start, seed 001 point 4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Invoicing {
    /// The invoice is made when the request is submitted; pay at once.
    OnSubmission,
    /// The invoice is sent on the training's start date.
    OnStartDate,
}

crate::coded!(Invoicing {
    OnSubmission => "bij_indienen",
    OnStartDate => "op_startdatum",
});

impl Invoicing {
    /// The choice as the form names it.
    pub fn label(self) -> &'static str {
        match self {
            Invoicing::OnSubmission => "Factureren bij indienen",
            Invoicing::OnStartDate => "Factureren op startdatum",
        }
    }

    /// The one sentence that explains the choice.
    pub fn explanation(self) -> &'static str {
        match self {
            Invoicing::OnSubmission => {
                "U krijgt de factuur zodra u de aanvraag indient en kunt die meteen met iDEAL \
                 betalen."
            }
            Invoicing::OnStartDate => {
                "U krijgt de factuur per e-mail op de startdatum van uw opleiding; tot de \
                 betaling staat u ingeschreven onder voorwaarde van betaling."
            }
        }
    }
}

/// Why a move on a schedule is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Only a concept can be edited.
    #[error("alleen een concept kan worden gewijzigd")]
    NotAConcept,
    /// The edit was based on an older revision of the concept.
    #[error("het schema is intussen gewijzigd")]
    Stale,
    /// The schedule has errors.
    #[error("het schema bevat fouten")]
    HasErrors,
    /// There are warnings that the aios did not acknowledge.
    #[error("de waarschuwingen zijn niet bevestigd")]
    WarningsNotAcknowledged,
    /// A change request needs an accepted registration and no pending version.
    #[error("er kan nu geen wijzigingsverzoek worden gestart")]
    NoChangeRequestNow,
    /// The first schedule of a registration cannot be withdrawn, only changed.
    #[error("alleen een wijzigingsverzoek kan worden ingetrokken")]
    NotAChangeRequest,
}

/// Checks that an edit based on `based_on_revision` may change a version that has `status`
/// and `revision` now.
pub fn may_edit(
    status: VersionStatus,
    revision: i32,
    based_on_revision: i32,
) -> Result<(), Refusal> {
    if status != VersionStatus::Concept {
        return Err(Refusal::NotAConcept);
    }
    if revision != based_on_revision {
        return Err(Refusal::Stale);
    }
    Ok(())
}

/// What submitting a concept does to the registration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Submission {
    /// The first schedule: the registration request goes to the opleider.
    Registration,
    /// A change request on an accepted registration.
    ChangeRequest,
}

/// Decides whether the concept (status `status`, revision `revision`) of a training with
/// `registration` status may be submitted, given the engine's `report` on it. Errors block;
/// warnings must be acknowledged (`warnings_acknowledged`).
pub fn submit(
    registration: RegistrationStatus,
    status: VersionStatus,
    revision: i32,
    based_on_revision: i32,
    report: &Report,
    warnings_acknowledged: bool,
) -> Result<Submission, Refusal> {
    may_edit(status, revision, based_on_revision)?;
    if !report.can_submit() {
        return Err(Refusal::HasErrors);
    }
    let has_warnings = report
        .findings
        .iter()
        .any(|f| f.severity() == Severity::Warning);
    if has_warnings && !warnings_acknowledged {
        return Err(Refusal::WarningsNotAcknowledged);
    }
    match registration {
        RegistrationStatus::Concept | RegistrationStatus::Rejected => Ok(Submission::Registration),
        status if status.accepts_change_requests() => Ok(Submission::ChangeRequest),
        _ => Err(Refusal::NotAConcept),
    }
}

/// The registration status after a submission of kind `submission` from `registration`.
pub fn status_after_submission(
    registration: RegistrationStatus,
    submission: Submission,
) -> RegistrationStatus {
    match submission {
        Submission::Registration => RegistrationStatus::Submitted,
        Submission::ChangeRequest => registration,
    }
}

/// Checks that a new concept may be started: on an accepted registration (a change request)
/// or on a rejected registration request (to correct it), while no concept or submitted
/// version exists.
pub fn may_start_change(
    registration: RegistrationStatus,
    has_concept: bool,
    has_submitted: bool,
) -> Result<(), Refusal> {
    let open =
        registration.accepts_change_requests() || registration == RegistrationStatus::Rejected;
    if !open || has_concept || has_submitted {
        return Err(Refusal::NoChangeRequestNow);
    }
    Ok(())
}

/// Which version a new concept copies: the newest version when the opleider rejected it (the
/// aios corrects what they proposed), otherwise the current one.
pub fn concept_source(newest: VersionStatus) -> ConceptSource {
    if newest == VersionStatus::Rejected {
        ConceptSource::Newest
    } else {
        ConceptSource::Current
    }
}

/// Where a new concept comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConceptSource {
    /// The newest version (a rejected one).
    Newest,
    /// The current (last approved) version.
    Current,
}

/// Checks that a concept may be withdrawn: only a change request's concept (the registration
/// itself stays as it was), never the first schedule.
pub fn may_withdraw(
    registration: RegistrationStatus,
    status: VersionStatus,
) -> Result<(), Refusal> {
    if status != VersionStatus::Concept {
        return Err(Refusal::NotAConcept);
    }
    if !registration.accepts_change_requests() {
        return Err(Refusal::NotAChangeRequest);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::Coded;
    use crate::schedule::findings::{Code, Finding, Subject};
    use crate::schedule::totals::Totals;

    fn report(codes: &[Code]) -> Report {
        Report {
            findings: codes
                .iter()
                .map(|code| Finding {
                    code: *code,
                    subject: Subject::Schedule,
                    message: String::new(),
                })
                .collect(),
            totals: Totals::default(),
        }
    }

    use RegistrationStatus as R;
    use VersionStatus as V;

    #[test]
    fn every_status_survives_its_database_code() {
        for &status in R::ALL {
            assert_eq!(R::from_code(status.code()), Some(status));
        }
        for &status in V::ALL {
            assert_eq!(V::from_code(status.code()), Some(status));
        }
        assert_eq!(R::from_code("onzin"), None);
    }

    #[test]
    fn a_concept_without_errors_is_submitted_as_a_registration_request() {
        let result = submit(
            R::Concept,
            V::Concept,
            3,
            3,
            &report(&[Code::StillToPlan]),
            false,
        );
        assert_eq!(result, Ok(Submission::Registration));
        assert_eq!(
            status_after_submission(R::Concept, Submission::Registration),
            R::Submitted
        );
    }

    #[test]
    fn a_schedule_with_errors_cannot_be_submitted() {
        let result = submit(R::Concept, V::Concept, 1, 1, &report(&[Code::Gap]), true);
        assert_eq!(result, Err(Refusal::HasErrors));
    }

    #[test]
    fn warnings_must_be_acknowledged_before_submitting() {
        let warned = report(&[Code::LateRegistration]);
        assert_eq!(
            submit(R::Concept, V::Concept, 1, 1, &warned, false),
            Err(Refusal::WarningsNotAcknowledged)
        );
        assert_eq!(
            submit(R::Concept, V::Concept, 1, 1, &warned, true),
            Ok(Submission::Registration)
        );
    }

    #[test]
    fn a_submitted_version_cannot_be_edited_or_submitted_again() {
        assert_eq!(may_edit(V::Submitted, 1, 1), Err(Refusal::NotAConcept));
        assert_eq!(
            submit(R::Submitted, V::Submitted, 1, 1, &report(&[]), true),
            Err(Refusal::NotAConcept)
        );
    }

    #[test]
    fn an_edit_based_on_an_older_revision_is_stale() {
        assert_eq!(may_edit(V::Concept, 4, 3), Err(Refusal::Stale));
        assert_eq!(may_edit(V::Concept, 4, 4), Ok(()));
    }

    #[test]
    fn a_concept_on_an_accepted_registration_is_a_change_request_that_keeps_the_status() {
        for registration in [R::Approved, R::Registered, R::RegisteredPendingPayment] {
            let result = submit(registration, V::Concept, 1, 1, &report(&[]), false);
            assert_eq!(result, Ok(Submission::ChangeRequest));
            assert_eq!(
                status_after_submission(registration, Submission::ChangeRequest),
                registration
            );
        }
    }

    #[test]
    fn a_rejected_registration_is_submitted_again_as_a_registration_request() {
        assert_eq!(
            submit(R::Rejected, V::Concept, 1, 1, &report(&[]), false),
            Ok(Submission::Registration)
        );
    }

    #[test]
    fn a_rejected_version_is_corrected_from_itself_and_otherwise_from_the_current_one() {
        assert_eq!(may_start_change(R::Rejected, false, false), Ok(()));
        assert_eq!(concept_source(V::Rejected), ConceptSource::Newest);
        assert_eq!(concept_source(V::Approved), ConceptSource::Current);
        assert_eq!(concept_source(V::Withdrawn), ConceptSource::Current);
    }

    #[test]
    fn a_change_request_needs_an_accepted_registration_and_nothing_pending() {
        assert_eq!(may_start_change(R::Registered, false, false), Ok(()));
        assert_eq!(
            may_start_change(R::Registered, true, false),
            Err(Refusal::NoChangeRequestNow)
        );
        assert_eq!(
            may_start_change(R::Registered, false, true),
            Err(Refusal::NoChangeRequestNow)
        );
        for status in [
            R::Concept,
            R::Submitted,
            R::Completed,
            R::Ended,
            R::StruckOff,
        ] {
            assert_eq!(
                may_start_change(status, false, false),
                Err(Refusal::NoChangeRequestNow)
            );
        }
    }

    #[test]
    fn only_the_concept_of_a_change_request_can_be_withdrawn() {
        assert_eq!(may_withdraw(R::Registered, V::Concept), Ok(()));
        assert_eq!(
            may_withdraw(R::Concept, V::Concept),
            Err(Refusal::NotAChangeRequest)
        );
        assert_eq!(
            may_withdraw(R::Registered, V::Submitted),
            Err(Refusal::NotAConcept)
        );
    }

    #[test]
    fn completed_ended_and_struck_off_trainings_are_no_longer_active() {
        let active: Vec<_> = R::ALL.iter().copied().filter(|s| s.is_active()).collect();
        assert!(!active.contains(&R::Completed));
        assert!(!active.contains(&R::Ended));
        assert!(!active.contains(&R::StruckOff));
        assert!(active.contains(&R::RegisteredPendingPayment));
    }
}
