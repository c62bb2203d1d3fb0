//! Shortening (verkorting) of a training (docs/domain/trainings.md): the aios, the opleider or an
//! ondersteuner for the opleider proposes it; only the opleider approves or rejects it. An
//! approved shortening lowers the required duration of its part in every version of the
//! schedule. Pure: the database layer asks these functions what a move leads to, inside the
//! transaction that records it.

use crate::code::Coded;
use crate::decision::Verdict;
use crate::schedule::check::adjustment_findings;
use crate::schedule::findings::Severity;
use crate::schedule::model::{Schedule, Shortening, ShorteningGround, SpecialtyRules};
use crate::schedule::months::Months;
use crate::training::RegistrationStatus;

/// The longest text for where or when the competences were gained.
pub const MAX_GAINED_CHARS: usize = 200;

/// Where a shortening stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShorteningStatus {
    /// Proposed, waiting for the opleider.
    Proposed,
    /// Approved by the opleider: it counts.
    Approved,
    /// Rejected by the opleider, with a reason.
    Rejected,
    /// Withdrawn by the aios before a decision.
    Withdrawn,
}

crate::coded!(ShorteningStatus {
    Proposed => "voorgesteld",
    Approved => "goedgekeurd",
    Rejected => "afgewezen",
    Withdrawn => "ingetrokken",
});

impl ShorteningStatus {
    /// The Dutch label.
    pub fn label(self) -> &'static str {
        match self {
            ShorteningStatus::Proposed => "Wacht op de opleider",
            ShorteningStatus::Approved => "Goedgekeurd",
            ShorteningStatus::Rejected => "Afgewezen",
            ShorteningStatus::Withdrawn => "Ingetrokken",
        }
    }
}

crate::coded!(ShorteningGround {
    Evc => "evc",
    Svc => "svc",
    Schakeljaar => "schakeljaar",
});

impl ShorteningGround {
    /// The Dutch name, as it reads after "op grond van".
    pub fn label(self) -> &'static str {
        match self {
            ShorteningGround::Evc => "eerder verworven competenties (EVC)",
            ShorteningGround::Svc => "sneller verworven competenties (SVC)",
            ShorteningGround::Schakeljaar => "het schakeljaar",
        }
    }
}

/// Who proposes a shortening.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proposer {
    /// The aios of the training.
    Trainee,
    /// The oordelend opleider: their proposal is their own judgement, so it is approved at
    /// once.
    Opleider,
    /// An ondersteuner on the opleider's behalf: the opleider still decides.
    Ondersteuner,
}

/// A shortening as the form describes it, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    /// The part it shortens (index into the specialty's parts).
    pub part: usize,
    /// Whole months.
    pub months: i32,
    /// The ground.
    pub ground: ShorteningGround,
    /// Where the competences were gained.
    pub gained_where: String,
    /// When they were gained.
    pub gained_when: String,
}

impl Proposal {
    /// The shortening as the rules engine sees it.
    pub fn shortening(&self) -> Shortening {
        Shortening {
            part: self.part,
            months: Months::whole(i64::from(self.months)),
            ground: self.ground,
        }
    }
}

/// What the proposal form sends, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
pub struct ProposalForm {
    /// The part's index; absent when the specialty has one part.
    #[serde(default)]
    pub onderdeel: String,
    /// Months.
    #[serde(default)]
    pub maanden: String,
    /// The ground's code.
    #[serde(default)]
    pub grond: String,
    /// Where the competences were gained.
    #[serde(default)]
    pub waar: String,
    /// When.
    #[serde(default)]
    pub wanneer: String,
}

/// Checks the form: every field with its Dutch message, keyed by the form field's id.
pub fn parse(
    form: &ProposalForm,
    rules: &SpecialtyRules,
) -> Result<Proposal, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let part = if rules.parts.len() <= 1 && form.onderdeel.trim().is_empty() {
        Some(0)
    } else {
        match form.onderdeel.trim().parse::<usize>() {
            Ok(i) if i < rules.parts.len() => Some(i),
            _ => {
                errors.push((
                    "onderdeel",
                    "Kies het opleidingsonderdeel dat korter wordt.".to_owned(),
                ));
                None
            }
        }
    };
    let months = match form.maanden.trim().parse::<i32>() {
        Ok(m) if (1..=120).contains(&m) => Some(m),
        Ok(_) => {
            errors.push((
                "maanden",
                "Vul een aantal hele maanden in van 1 tot en met 120.".to_owned(),
            ));
            None
        }
        Err(_) => {
            errors.push((
                "maanden",
                "Vul het aantal maanden verkorting in als heel getal, bijvoorbeeld 6.".to_owned(),
            ));
            None
        }
    };
    let ground = ShorteningGround::from_code(form.grond.trim());
    if ground.is_none() {
        errors.push((
            "grond-evc",
            "Kies de grond van de verkorting: EVC, SVC of het schakeljaar.".to_owned(),
        ));
    }
    let gained_where = form.waar.trim().to_owned();
    if gained_where.chars().count() < 2 {
        errors.push((
            "waar",
            "Vul in waar de competenties zijn verworven, bijvoorbeeld de instelling en afdeling."
                .to_owned(),
        ));
    } else if gained_where.chars().count() > MAX_GAINED_CHARS {
        errors.push((
            "waar",
            format!("Gebruik hoogstens {MAX_GAINED_CHARS} tekens."),
        ));
    }
    let gained_when = form.wanneer.trim().to_owned();
    if gained_when.chars().count() < 2 {
        errors.push((
            "wanneer",
            "Vul in wanneer de competenties zijn verworven, bijvoorbeeld 'september 2023 tot \
             september 2025'."
                .to_owned(),
        ));
    } else if gained_when.chars().count() > MAX_GAINED_CHARS {
        errors.push((
            "wanneer",
            format!("Gebruik hoogstens {MAX_GAINED_CHARS} tekens."),
        ));
    }
    match (part, months, ground) {
        (Some(part), Some(months), Some(ground)) if errors.is_empty() => Ok(Proposal {
            part,
            months,
            ground,
            gained_where,
            gained_when,
        }),
        _ => Err(errors),
    }
}

/// Checks a shortening against the limits, together with the shortenings already approved:
/// the rules engine's errors (EU minimum, schakeljaar at most 6 months), and a part must keep
/// some duration. The messages say what is wrong.
pub fn within_limits(
    rules: &SpecialtyRules,
    approved: &[Shortening],
    candidate: &Shortening,
) -> Result<(), Vec<String>> {
    let mut shortenings = approved.to_vec();
    shortenings.push(candidate.clone());
    let schedule = Schedule {
        shortenings,
        ..Schedule::default()
    };
    let mut messages: Vec<String> = adjustment_findings(&schedule, rules)
        .into_iter()
        .filter(|f| f.severity() == Severity::Error)
        .map(|f| f.message)
        .collect();
    if let Some(part) = rules.parts.get(candidate.part) {
        let total: Months = schedule
            .shortenings
            .iter()
            .filter(|s| s.part == candidate.part)
            .map(|s| s.months)
            .sum();
        if total >= part.required {
            messages.push(format!(
                "Met {total} maanden verkorting blijft van het onderdeel '{}' ({} maanden) niets \
                 over.",
                part.name, part.required
            ));
        }
    } else {
        messages.push("Dit opleidingsonderdeel bestaat niet.".to_owned());
    }
    if messages.is_empty() {
        Ok(())
    } else {
        Err(messages)
    }
}

/// Why a shortening move is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShorteningRefusal {
    /// The training is over (voltooid, beëindigd, doorgehaald): nothing is shortened any more.
    #[error("deze opleiding loopt niet meer")]
    Closed,
    /// Another proposal still waits for the opleider.
    #[error("er wacht al een voorstel voor verkorting")]
    AlreadyOpen,
    /// Only the opleider themself approves or rejects.
    #[error("alleen de opleider zelf besluit over een verkorting")]
    NotTheOpleider,
    /// The proposal no longer waits (decided in another tab, or withdrawn).
    #[error("dit voorstel wacht niet (meer) op een besluit")]
    NotOpen,
}

/// The status a new proposal gets, if one may be made now: the opleider's own proposal is
/// approved at once; anyone else's waits for the opleider.
pub fn propose(
    registration: RegistrationStatus,
    open_exists: bool,
    proposer: Proposer,
) -> Result<ShorteningStatus, ShorteningRefusal> {
    if !registration.is_active() {
        return Err(ShorteningRefusal::Closed);
    }
    if open_exists {
        return Err(ShorteningRefusal::AlreadyOpen);
    }
    Ok(match proposer {
        Proposer::Opleider => ShorteningStatus::Approved,
        Proposer::Trainee | Proposer::Ondersteuner => ShorteningStatus::Proposed,
    })
}

/// The status after the opleider's `verdict` on a proposal in `status`.
pub fn decide(
    registration: RegistrationStatus,
    status: ShorteningStatus,
    by_the_opleider: bool,
    verdict: Verdict,
) -> Result<ShorteningStatus, ShorteningRefusal> {
    if !by_the_opleider {
        return Err(ShorteningRefusal::NotTheOpleider);
    }
    if status != ShorteningStatus::Proposed {
        return Err(ShorteningRefusal::NotOpen);
    }
    if !registration.is_active() {
        return Err(ShorteningRefusal::Closed);
    }
    Ok(match verdict {
        Verdict::Approve => ShorteningStatus::Approved,
        Verdict::Reject => ShorteningStatus::Rejected,
    })
}

/// The status after the aios withdraws a proposal in `status`.
pub fn withdraw(status: ShorteningStatus) -> Result<ShorteningStatus, ShorteningRefusal> {
    if status == ShorteningStatus::Proposed {
        Ok(ShorteningStatus::Withdrawn)
    } else {
        Err(ShorteningRefusal::NotOpen)
    }
}

#[cfg(test)]
mod tests {
    use crate::code::Coded;
    use std::collections::BTreeMap;

    use super::*;
    use crate::schedule::model::PartRule;

    fn rules(required: i64, eu_minimum: Option<i64>) -> SpecialtyRules {
        SpecialtyRules {
            name: "Kindergeneeskunde".to_owned(),
            parts: vec![PartRule {
                name: "Opleiding".to_owned(),
                required: Months::whole(required),
                expected_periods: Vec::new(),
            }],
            eu_minimum: eu_minimum.map(Months::whole),
            recognitions: None,
            interruption_types: BTreeMap::new(),
        }
    }

    fn form(months: &str, ground: &str) -> ProposalForm {
        ProposalForm {
            onderdeel: String::new(),
            maanden: months.to_owned(),
            grond: ground.to_owned(),
            waar: "Radboudumc, afdeling kindergeneeskunde".to_owned(),
            wanneer: "2023 tot 2025, als anios".to_owned(),
        }
    }

    fn shortening(months: i64, ground: ShorteningGround) -> Shortening {
        Shortening {
            part: 0,
            months: Months::whole(months),
            ground,
        }
    }

    #[test]
    fn a_complete_form_becomes_a_proposal_for_the_only_part() {
        let proposal = parse(&form(" 6 ", "evc"), &rules(60, Some(48))).unwrap();
        assert_eq!(proposal.part, 0);
        assert_eq!(proposal.months, 6);
        assert_eq!(proposal.ground, ShorteningGround::Evc);
    }

    #[test]
    fn every_missing_or_wrong_field_has_its_own_message() {
        let errors = parse(
            &ProposalForm {
                maanden: "zes".to_owned(),
                ..ProposalForm::default()
            },
            &rules(60, None),
        )
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["maanden", "grond-evc", "waar", "wanneer"]);
        let zero = parse(&form("0", "svc"), &rules(60, None)).unwrap_err();
        assert_eq!(zero[0].0, "maanden");
        let long = ProposalForm {
            waar: "x".repeat(MAX_GAINED_CHARS + 1),
            ..form("3", "svc")
        };
        assert_eq!(parse(&long, &rules(60, None)).unwrap_err()[0].0, "waar");
    }

    #[test]
    fn a_specialty_with_several_parts_needs_the_part_chosen() {
        let mut two = rules(60, None);
        two.parts.push(PartRule {
            name: "Tweede".to_owned(),
            required: Months::whole(12),
            expected_periods: Vec::new(),
        });
        assert_eq!(
            parse(&form("3", "svc"), &two).unwrap_err()[0].0,
            "onderdeel"
        );
        let chosen = ProposalForm {
            onderdeel: "1".to_owned(),
            ..form("3", "svc")
        };
        assert_eq!(parse(&chosen, &two).unwrap().part, 1);
        let missing = ProposalForm {
            onderdeel: "2".to_owned(),
            ..form("3", "svc")
        };
        assert!(parse(&missing, &two).is_err());
    }

    #[test]
    fn a_shortening_may_go_down_to_the_eu_minimum_and_not_below() {
        let rules = rules(60, Some(48));
        assert!(within_limits(&rules, &[], &shortening(12, ShorteningGround::Evc)).is_ok());
        let below = within_limits(&rules, &[], &shortening(13, ShorteningGround::Evc)).unwrap_err();
        assert!(below[0].contains("Europese minimumduur"), "{below:?}");
    }

    #[test]
    fn approved_shortenings_count_towards_the_eu_minimum() {
        let rules = rules(60, Some(48));
        let approved = [shortening(8, ShorteningGround::Evc)];
        assert!(within_limits(&rules, &approved, &shortening(4, ShorteningGround::Svc)).is_ok());
        assert!(within_limits(&rules, &approved, &shortening(5, ShorteningGround::Svc)).is_err());
    }

    #[test]
    fn the_schakeljaar_gives_at_most_six_months_in_all() {
        let rules = rules(60, None);
        let s = |m| shortening(m, ShorteningGround::Schakeljaar);
        assert!(within_limits(&rules, &[], &s(6)).is_ok());
        let seven = within_limits(&rules, &[], &s(7)).unwrap_err();
        assert!(seven[0].contains("ten hoogste 6 maanden"), "{seven:?}");
        assert!(within_limits(&rules, &[s(4)], &s(3)).is_err());
        assert!(
            within_limits(&rules, &[s(6)], &shortening(6, ShorteningGround::Evc)).is_ok(),
            "other grounds do not count towards the schakeljaar limit"
        );
    }

    #[test]
    fn without_an_eu_minimum_a_part_still_keeps_some_duration() {
        let rules = rules(24, None);
        assert!(within_limits(&rules, &[], &shortening(23, ShorteningGround::Evc)).is_ok());
        let all = within_limits(&rules, &[], &shortening(24, ShorteningGround::Evc)).unwrap_err();
        assert!(all[0].contains("niets over"), "{all:?}");
    }

    #[test]
    fn the_opleiders_own_proposal_is_approved_at_once_and_others_wait() {
        let running = RegistrationStatus::Registered;
        assert_eq!(
            propose(running, false, Proposer::Opleider),
            Ok(ShorteningStatus::Approved)
        );
        assert_eq!(
            propose(running, false, Proposer::Trainee),
            Ok(ShorteningStatus::Proposed)
        );
        assert_eq!(
            propose(RegistrationStatus::Concept, false, Proposer::Ondersteuner),
            Ok(ShorteningStatus::Proposed)
        );
    }

    #[test]
    fn no_proposal_while_another_waits_or_after_the_training_ended() {
        assert_eq!(
            propose(RegistrationStatus::Registered, true, Proposer::Trainee),
            Err(ShorteningRefusal::AlreadyOpen)
        );
        for closed in [
            RegistrationStatus::Completed,
            RegistrationStatus::Ended,
            RegistrationStatus::StruckOff,
        ] {
            assert_eq!(
                propose(closed, false, Proposer::Opleider),
                Err(ShorteningRefusal::Closed)
            );
        }
    }

    #[test]
    fn only_the_opleider_decides_and_only_once() {
        let running = RegistrationStatus::Registered;
        let open = ShorteningStatus::Proposed;
        assert_eq!(
            decide(running, open, true, Verdict::Approve),
            Ok(ShorteningStatus::Approved)
        );
        assert_eq!(
            decide(running, open, true, Verdict::Reject),
            Ok(ShorteningStatus::Rejected)
        );
        assert_eq!(
            decide(running, open, false, Verdict::Approve),
            Err(ShorteningRefusal::NotTheOpleider)
        );
        for done in [
            ShorteningStatus::Approved,
            ShorteningStatus::Rejected,
            ShorteningStatus::Withdrawn,
        ] {
            assert_eq!(
                decide(running, done, true, Verdict::Approve),
                Err(ShorteningRefusal::NotOpen)
            );
        }
        assert_eq!(
            decide(RegistrationStatus::Completed, open, true, Verdict::Approve),
            Err(ShorteningRefusal::Closed)
        );
    }

    #[test]
    fn only_a_waiting_proposal_can_be_withdrawn() {
        assert_eq!(
            withdraw(ShorteningStatus::Proposed),
            Ok(ShorteningStatus::Withdrawn)
        );
        assert_eq!(
            withdraw(ShorteningStatus::Approved),
            Err(ShorteningRefusal::NotOpen)
        );
    }

    #[test]
    fn status_and_ground_codes_round_trip() {
        for s in [
            ShorteningStatus::Proposed,
            ShorteningStatus::Approved,
            ShorteningStatus::Rejected,
            ShorteningStatus::Withdrawn,
        ] {
            assert_eq!(ShorteningStatus::from_code(s.code()), Some(s));
        }
        for &g in ShorteningGround::ALL {
            assert_eq!(ShorteningGround::from_code(g.code()), Some(g));
        }
    }
}
