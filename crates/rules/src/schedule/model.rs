//! What a schedule (opleidingsschema, IOS) holds, and the definition of the specialty it is
//! checked against. Plain data: built from the database or a form at the edge.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use uuid::Uuid;

use super::months::Months;

/// A part of a training (opleidingsonderdeel) as the specialty defines it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartRule {
    /// Its name, e.g. "Opleiding tot AIGT".
    pub name: String,
    /// The required effective (full-time) duration.
    pub required: Months,
    /// The periods the part prescribes, in order (IGT: ziekenhuis 1, ziekenhuis 2, NTC,
    /// buitenland); empty when the training prescribes none.
    pub expected_periods: Vec<String>,
}

/// The definition of a specialty or profile (`Specialty`) that a schedule must meet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpecialtyRules {
    /// The specialty's name.
    pub name: String,
    /// Its parts, in order.
    pub parts: Vec<PartRule>,
    /// The EU minimum duration (Richtlijn 2005/36/EG): no shortening may go below it. `None`
    /// for trainings the directive does not cover (most profiles).
    pub eu_minimum: Option<Months>,
    /// Which institutions and opleiders are recognised for the specialty; `None` when that is
    /// not known, and then it is not checked.
    pub recognitions: Option<Recognitions>,
    /// Interruption types by code, with whether each counts towards the 10-day rule.
    pub interruption_types: BTreeMap<String, InterruptionType>,
}

impl SpecialtyRules {
    /// The name of part `part` (counted from 0), or "Onderdeel n" for a part the definition
    /// does not have.
    pub fn part_name(&self, part: i16) -> String {
        usize::try_from(part)
            .ok()
            .and_then(|i| self.parts.get(i))
            .map_or_else(|| format!("Onderdeel {}", part + 1), |p| p.name.clone())
    }
}

/// Recognised places and people for one specialty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recognitions {
    /// Recognised institutions (opleidingsinrichtingen).
    pub institutions: BTreeSet<Uuid>,
    /// Recognised opleiders.
    pub supervisors: BTreeSet<Uuid>,
}

/// A kind of interruption (onderbreking), as reference data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterruptionType {
    /// Its Dutch name.
    pub name: String,
    /// Whether its days count towards the 10 working days per training year.
    pub counts_towards_limit: bool,
}

/// A dated stretch of training at one institution (`Period`, periode).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Period {
    /// The index of the part it belongs to.
    pub part: usize,
    /// Its label, e.g. "Ziekenhuis 1".
    pub label: String,
    /// Where.
    pub institution: Uuid,
    /// The opleider, when known.
    pub supervisor: Option<Uuid>,
    /// First day.
    pub start: NaiveDate,
    /// End date, exclusive ("tot").
    pub end: NaiveDate,
    /// Part-time percentage of a full working week (deeltijdfactor).
    pub part_time_pct: u8,
}

/// Time without training (`Interruption`, onderbreking).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Interruption {
    /// The type's code.
    pub kind: String,
    /// First day.
    pub start: NaiveDate,
    /// End date, exclusive.
    pub end: NaiveDate,
    /// An institution that appears in a period of the schedule.
    pub institution: Uuid,
}

/// The ground of a shortening (verkorting).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShorteningGround {
    /// Eerder verworven competenties.
    Evc,
    /// Sneller verworven competenties.
    Svc,
    /// Dedicated schakeljaar: at most 6 months.
    Schakeljaar,
}

/// An approved shortening of one part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shortening {
    /// The part it shortens.
    pub part: usize,
    /// By how much.
    pub months: Months,
    /// On what ground.
    pub ground: ShorteningGround,
}

/// An extension for an intensief begeleidingstraject, entered by the RGS; lengthens one part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    /// The part it lengthens.
    pub part: usize,
    /// By how much.
    pub months: Months,
}

/// One version of a schedule.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schedule {
    /// The periods.
    pub periods: Vec<Period>,
    /// The interruptions.
    pub interruptions: Vec<Interruption>,
    /// Approved shortenings.
    pub shortenings: Vec<Shortening>,
    /// Extensions.
    pub extensions: Vec<Extension>,
}

/// Facts about the moment and the person the check needs; the engine never reads a clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckContext {
    /// Today: what lies before it counts as done.
    pub today: NaiveDate,
    /// The date of the artsdiploma: no period may start before it.
    pub diploma: Option<NaiveDate>,
    /// When the schedule is (to be) submitted: a first period before it is a late
    /// registration.
    pub submitted_on: Option<NaiveDate>,
}
