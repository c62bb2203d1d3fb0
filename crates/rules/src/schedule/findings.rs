//! What the engine says about a schedule: findings with a severity, a stable code, the item
//! they concern and a Dutch message that tells the user what to do.

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Blocks submitting (a concept may still be saved).
    Error,
    /// Never blocks; shown with what it means.
    Warning,
    /// Information, such as how much is still to plan.
    Info,
}

impl Severity {
    /// The Dutch word shown next to the message, so meaning never depends on colour.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Error => "Fout",
            Severity::Warning => "Waarschuwing",
            Severity::Info => "Ter informatie",
        }
    }
}

/// The item a finding concerns (indexes into the schedule's lists).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Subject {
    /// The schedule as a whole.
    Schedule,
    /// A part.
    Part(usize),
    /// A period.
    Period(usize),
    /// An interruption.
    Interruption(usize),
    /// A shortening.
    Shortening(usize),
    /// An extension.
    Extension(usize),
    /// A training year, counted from 1.
    TrainingYear(u32),
}

/// The stable codes of findings; the UI and tests rely on them, so they never change meaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    /// A period's end date is not after its start date.
    PeriodEndNotAfterStart,
    /// An interruption's end date is not after its start date.
    InterruptionEndNotAfterStart,
    /// Two periods overlap.
    PeriodsOverlap,
    /// An interruption overlaps a period.
    InterruptionOverlapsPeriod,
    /// Two interruptions overlap.
    InterruptionsOverlap,
    /// Consecutive periods leave a gap no interruption covers.
    Gap,
    /// Part-time percentage outside 50–100.
    PartTimeOutOfRange,
    /// An interruption names an institution that no period has.
    InterruptionInstitutionNotInSchedule,
    /// An interruption of a type that is not known.
    UnknownInterruptionType,
    /// A period names a part the specialty does not have.
    UnknownPart,
    /// An institution not recognised for the specialty.
    InstitutionNotRecognised,
    /// An opleider not recognised for the specialty.
    SupervisorNotRecognised,
    /// A period starting before the artsdiploma.
    PeriodBeforeDiploma,
    /// Shortening below the EU minimum duration.
    ShorteningBelowEuMinimum,
    /// More than 6 months of schakeljaar shortening.
    SchakeljaarTooLong,
    /// More than 12 months of extension.
    ExtensionTooLong,
    /// More than 10 working days of interruption in a training year.
    InterruptionDaysToMakeUp,
    /// Part-time percentage not a multiple of 10.
    PartTimeNotMultipleOfTen,
    /// The first period starts before the submission date.
    LateRegistration,
    /// A part holds less than it requires: normal while the schedule is built up.
    StillToPlan,
    /// The schedule has no valid period, so it cannot be submitted.
    NoPeriods,
    /// A part holds more than it requires (beyond the days that make up interruptions).
    PartOverRequired,
    /// Every part is complete, but working days to make up lie beyond the last period.
    MakeUpToPlan,
}

impl Code {
    /// The code as text, e.g. `schedule.gap`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::PeriodEndNotAfterStart => "period.end_not_after_start",
            Code::InterruptionEndNotAfterStart => "interruption.end_not_after_start",
            Code::PeriodsOverlap => "period.overlap",
            Code::InterruptionOverlapsPeriod => "interruption.overlaps_period",
            Code::InterruptionsOverlap => "interruption.overlap",
            Code::Gap => "schedule.gap",
            Code::PartTimeOutOfRange => "period.part_time_out_of_range",
            Code::InterruptionInstitutionNotInSchedule => {
                "interruption.institution_not_in_schedule"
            }
            Code::UnknownInterruptionType => "interruption.unknown_type",
            Code::UnknownPart => "period.unknown_part",
            Code::InstitutionNotRecognised => "period.institution_not_recognised",
            Code::SupervisorNotRecognised => "period.supervisor_not_recognised",
            Code::PeriodBeforeDiploma => "period.before_diploma",
            Code::ShorteningBelowEuMinimum => "shortening.below_eu_minimum",
            Code::SchakeljaarTooLong => "shortening.schakeljaar_too_long",
            Code::ExtensionTooLong => "extension.too_long",
            Code::InterruptionDaysToMakeUp => "interruption.days_to_make_up",
            Code::PartTimeNotMultipleOfTen => "period.part_time_not_multiple_of_ten",
            Code::LateRegistration => "schedule.late_registration",
            Code::StillToPlan => "schedule.still_to_plan",
            Code::NoPeriods => "schedule.no_periods",
            Code::PartOverRequired => "part.more_than_required",
            Code::MakeUpToPlan => "schedule.make_up_to_plan",
        }
    }

    /// The severity that goes with the code.
    pub fn severity(self) -> Severity {
        match self {
            Code::InterruptionDaysToMakeUp
            | Code::PartTimeNotMultipleOfTen
            | Code::LateRegistration
            | Code::PartOverRequired => Severity::Warning,
            Code::StillToPlan | Code::MakeUpToPlan => Severity::Info,
            _ => Severity::Error,
        }
    }
}

/// One thing the engine says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What kind of finding.
    pub code: Code,
    /// What it concerns.
    pub subject: Subject,
    /// What it means and what to do, in Dutch.
    pub message: String,
}

impl Finding {
    /// Its severity.
    pub fn severity(&self) -> Severity {
        self.code.severity()
    }
}
