//! The rules of docs/domain/schedule-rules.md, applied to one schedule: [`check`] returns every
//! finding and the totals ([`super::totals`]). Pure: everything it needs comes in as arguments. The
//! rules are described for readers in `docs/domain/schedule-rules.md`.

use crate::person::format_date;
use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::findings::{Code, Finding, Severity, Subject};
use super::model::{CheckContext, Schedule, ShorteningGround, SpecialtyRules};
use super::months::{self, Months, counted};
use super::totals::{FREE_INTERRUPTION_DAYS, Span, Totals, totals};

/// The longest schakeljaar shortening.
pub const MAX_SCHAKELJAAR: Months = Months::whole(6);
/// The longest extension (intensief begeleidingstraject).
pub const MAX_EXTENSION: Months = Months::whole(12);

/// Why an end date is refused, as the period and interruption forms and the check say it.
pub const END_AFTER_START: &str = "De einddatum moet na de begindatum liggen. De einddatum is de \
     eerste dag ná de periode (\"tot\", niet \"tot en met\").";
/// Why a part-time percentage is refused.
pub const PART_TIME_RANGE: &str =
    "Kies een deeltijdpercentage van 50 tot en met 100: 100 is voltijd.";
/// Why an interruption's institution is refused.
pub const INTERRUPTION_INSTITUTION: &str =
    "Kies een opleidingsinrichting die al in een periode van het schema staat.";

/// Below this a part holds "more than required" only by rounding (about a day and a half):
/// a difference the page would show as "0 maanden" is never a warning.
const NOTICEABLE: Months = months::SMALLEST_SHOWN;

/// Everything the engine says about a schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Report {
    /// Errors, warnings and information, in a stable order.
    pub findings: Vec<Finding>,
    /// The totals.
    pub totals: Totals,
}

impl Report {
    /// Whether the schedule may be submitted (no errors).
    pub fn can_submit(&self) -> bool {
        !self
            .findings
            .iter()
            .any(|f| f.severity() == Severity::Error)
    }

    /// Whether the schedule is complete: no errors, and nothing left to plan in any part nor
    /// any working day to make up that no period holds yet.
    pub fn is_complete(&self) -> bool {
        self.can_submit()
            && !self
                .findings
                .iter()
                .any(|f| matches!(f.code, Code::StillToPlan | Code::MakeUpToPlan))
    }

    /// The number of findings of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity() == severity)
            .count()
    }
}

fn finding(code: Code, subject: Subject, message: String) -> Finding {
    Finding {
        code,
        subject,
        message,
    }
}

/// Applies every rule to `schedule` for the specialty `rules`.
pub fn check(schedule: &Schedule, rules: &SpecialtyRules, context: &CheckContext) -> Report {
    let mut findings = Vec::new();
    check_periods(schedule, rules, context, &mut findings);
    check_interruptions(schedule, rules, &mut findings);
    check_timeline(schedule, &mut findings);
    check_shortenings_and_extensions(schedule, rules, &mut findings);
    let totals = totals(schedule, rules, context.today);
    check_totals(schedule, rules, &totals, &mut findings);
    findings.sort_by_key(|f| (f.severity(), f.subject, f.code));
    Report { findings, totals }
}

/// The findings about the totals: an empty schedule, the working days to make up, what each
/// part still misses or holds too much.
fn check_totals(
    schedule: &Schedule,
    rules: &SpecialtyRules,
    totals: &Totals,
    findings: &mut Vec<Finding>,
) {
    if totals.planned_end.is_none() {
        let message = if schedule.periods.is_empty() {
            "Het schema heeft nog geen periode. De inschrijving begint met de eerste periode: \
             voeg die toe. Zonder periode kunt u het schema als concept bewaren, maar niet \
             indienen."
        } else {
            "Het schema heeft nog geen geldige periode. De inschrijving begint met de eerste \
             periode: herstel de fouten in de periodes. Zonder geldige periode kunt u het \
             schema als concept bewaren, maar niet indienen."
        };
        findings.push(finding(
            Code::NoPeriods,
            Subject::Schedule,
            message.to_owned(),
        ));
    }
    let later = totals
        .expected_end
        .map(|end| {
            format!(
                " Uw opleiding loopt daardoor naar verwachting tot {}.",
                format_date(end)
            )
        })
        .unwrap_or_default();
    for year in &totals.years {
        findings.push(finding(
            Code::InterruptionDaysToMakeUp,
            Subject::TrainingYear(year.number),
            format!(
                "In opleidingsjaar {} is de opleiding {} onderbroken. {FREE_INTERRUPTION_DAYS} \
                 werkdagen per opleidingsjaar tellen mee als opleidingstijd; de overige {} \
                 haalt u in: de opleiding duurt zo veel werkdagen langer.{later}",
                year.number,
                counted(year.interrupted, "werkdag", "werkdagen"),
                counted(year.to_make_up, "werkdag", "werkdagen"),
            ),
        ));
    }
    let single = rules.parts.len() == 1;
    for (i, part) in totals.parts.iter().enumerate() {
        let subject = Subject::Part(i);
        if part.to_plan.is_positive() {
            let amount = if part.to_plan.dutch() == "0" {
                // Less than a tenth of a month: say it in days.
                let days = match (totals.planned_end, totals.assumed_part_time) {
                    (Some(end), pct) => {
                        let pct = pct.unwrap_or(100);
                        (months::date_after(end, part.to_plan.calendar_at_percent(pct)) - end)
                            .num_days()
                            .max(1)
                    }
                    (None, _) => 1,
                };
                counted(days, "dag", "dagen")
            } else {
                part.to_plan.dutch_with_unit()
            };
            let entered = format!(
                "({} van {} ingevoerd)",
                part.in_schedule().dutch(),
                part.required.dutch_with_unit()
            );
            let message = if single {
                format!("Nog {amount} in te plannen {entered}.")
            } else {
                format!("{}: nog {amount} in te plannen {entered}.", part.name)
            };
            findings.push(finding(Code::StillToPlan, subject, message));
        }
        if part.over >= NOTICEABLE {
            let message = if single {
                format!(
                    "{}: er is {} meer ingepland dan de vereiste {}. Controleer of het schema \
                     langer is dan nodig.",
                    part.name,
                    part.over.dutch_with_unit(),
                    part.required.dutch_with_unit()
                )
            } else {
                format!(
                    "{}: er is {} meer ingepland dan de vereiste {}. Hoort een periode bij een \
                     ander opleidingsonderdeel? Kies dan bij die periode het juiste onderdeel.",
                    part.name,
                    part.over.dutch_with_unit(),
                    part.required.dutch_with_unit()
                )
            };
            findings.push(finding(Code::PartOverRequired, subject, message));
        }
    }
    let parts_complete = totals.parts.iter().all(|p| !p.to_plan.is_positive());
    if parts_complete
        && totals.days_to_make_up_unplanned > 0
        && let (Some(planned), Some(expected)) = (totals.planned_end, totals.expected_end)
    {
        findings.push(finding(
            Code::MakeUpToPlan,
            Subject::Schedule,
            format!(
                "Nog {} in te halen na het einde van de laatste periode ({}): verleng de \
                 laatste periode tot {} of voeg een periode toe.",
                counted(totals.days_to_make_up_unplanned, "werkdag", "werkdagen"),
                format_date(planned),
                format_date(expected)
            ),
        ));
    }
}

fn check_periods(
    schedule: &Schedule,
    rules: &SpecialtyRules,
    context: &CheckContext,
    findings: &mut Vec<Finding>,
) {
    for (i, period) in schedule.periods.iter().enumerate() {
        let subject = Subject::Period(i);
        let name = &period.label;
        if period.end <= period.start {
            findings.push(finding(
                Code::PeriodEndNotAfterStart,
                subject,
                format!(
                    "Periode {name} (van {} tot {}): {END_AFTER_START}",
                    format_date(period.start),
                    format_date(period.end)
                ),
            ));
        }
        if !(50..=100).contains(&period.part_time_pct) {
            findings.push(finding(
                Code::PartTimeOutOfRange,
                subject,
                format!(
                    "Periode {name}: een deeltijdpercentage van {} % kan niet. {PART_TIME_RANGE}",
                    period.part_time_pct
                ),
            ));
        } else if period.part_time_pct % 10 != 0 {
            findings.push(finding(
                Code::PartTimeNotMultipleOfTen,
                subject,
                format!(
                    "Periode {name}: {} % is geen veelvoud van 10. Dat mag, maar gebruikelijk \
                     is 50, 60, 70, 80, 90 of 100 %; controleer het met uw opleider.",
                    period.part_time_pct
                ),
            ));
        }
        if period.part >= rules.parts.len() {
            findings.push(finding(
                Code::UnknownPart,
                subject,
                format!(
                    "Periode {name} hoort bij een opleidingsonderdeel dat {} niet kent. Kies \
                     een van de onderdelen van de opleiding.",
                    rules.name
                ),
            ));
        }
        if let Some(diploma) = context.diploma
            && period.start < diploma
        {
            findings.push(finding(
                Code::PeriodBeforeDiploma,
                subject,
                format!(
                    "Periode {name} begint op {}, vóór de datum van uw artsdiploma ({}). \
                     Controleer de begindatum, of de diplomadatum in uw basisgegevens.",
                    format_date(period.start),
                    format_date(diploma)
                ),
            ));
        }
        if let Some(recognitions) = &rules.recognitions {
            if !recognitions.institutions.contains(&period.institution) {
                findings.push(finding(
                    Code::InstitutionNotRecognised,
                    subject,
                    format!(
                        "Periode {name}: deze opleidingsinrichting is niet erkend voor {}. Kies \
                         een erkende opleidingsinrichting.",
                        rules.name
                    ),
                ));
            }
            if let Some(supervisor) = period.supervisor
                && !recognitions.supervisors.contains(&supervisor)
            {
                findings.push(finding(
                    Code::SupervisorNotRecognised,
                    subject,
                    format!(
                        "Periode {name}: deze opleider is niet erkend voor {}. Kies een erkende \
                         opleider.",
                        rules.name
                    ),
                ));
            }
        }
    }
    if let (Some(submitted), Some(first)) = (
        context.submitted_on,
        schedule.periods.iter().map(|p| p.start).min(),
    ) && first < submitted
    {
        findings.push(finding(
            Code::LateRegistration,
            Subject::Schedule,
            format!(
                "De opleiding begint op {}, vóór de datum van indienen ({}). U had zich vóór de \
                 start moeten inschrijven; de RGS beoordeelt deze late inschrijving.",
                format_date(first),
                format_date(submitted)
            ),
        ));
    }
}

fn check_interruptions(schedule: &Schedule, rules: &SpecialtyRules, findings: &mut Vec<Finding>) {
    let institutions: BTreeSet<_> = schedule.periods.iter().map(|p| p.institution).collect();
    for (i, interruption) in schedule.interruptions.iter().enumerate() {
        let subject = Subject::Interruption(i);
        let from = format_date(interruption.start);
        if interruption.end <= interruption.start {
            findings.push(finding(
                Code::InterruptionEndNotAfterStart,
                subject,
                format!(
                    "Onderbreking vanaf {from} (tot {}): {END_AFTER_START}",
                    format_date(interruption.end)
                ),
            ));
        }
        if !institutions.contains(&interruption.institution) {
            findings.push(finding(
                Code::InterruptionInstitutionNotInSchedule,
                subject,
                format!("Onderbreking vanaf {from}: {INTERRUPTION_INSTITUTION}"),
            ));
        }
        if !rules.interruption_types.contains_key(&interruption.kind) {
            findings.push(finding(
                Code::UnknownInterruptionType,
                subject,
                format!("Onderbreking vanaf {from}: kies het soort onderbreking uit de lijst."),
            ));
        }
        let span = Span {
            start: interruption.start,
            end: interruption.end,
        };
        for period in &schedule.periods {
            let other = Span {
                start: period.start,
                end: period.end,
            };
            if period.end > period.start && span.overlaps(other) {
                findings.push(finding(
                    Code::InterruptionOverlapsPeriod,
                    subject,
                    format!(
                        "Onderbreking vanaf {from} valt (deels) samen met periode {}. Een \
                         onderbreking ligt tussen periodes: pas de data van de periode of de \
                         onderbreking aan.",
                        period.label
                    ),
                ));
            }
        }
        for (j, other) in schedule.interruptions.iter().enumerate().skip(i + 1) {
            let other_span = Span {
                start: other.start,
                end: other.end,
            };
            if other.end > other.start && span.overlaps(other_span) {
                findings.push(finding(
                    Code::InterruptionsOverlap,
                    Subject::Interruption(j),
                    format!(
                        "De onderbrekingen vanaf {from} en vanaf {} overlappen. Voeg ze samen \
                         of pas de data aan.",
                        format_date(other.start)
                    ),
                ));
            }
        }
    }
}

fn check_timeline(schedule: &Schedule, findings: &mut Vec<Finding>) {
    let mut order: Vec<usize> = (0..schedule.periods.len())
        .filter(|&i| schedule.periods[i].end > schedule.periods[i].start)
        .collect();
    order.sort_by_key(|&i| (schedule.periods[i].start, schedule.periods[i].end, i));
    let interruptions: Vec<Span> = schedule
        .interruptions
        .iter()
        .filter(|x| x.end > x.start)
        .map(|x| Span {
            start: x.start,
            end: x.end,
        })
        .collect();

    // The period that reaches furthest so far, to compare each next period with.
    let mut reach: Option<usize> = None;
    for &i in &order {
        let period = &schedule.periods[i];
        if let Some(r) = reach {
            let previous = &schedule.periods[r];
            if period.start < previous.end {
                findings.push(finding(
                    Code::PeriodsOverlap,
                    Subject::Period(i),
                    format!(
                        "Periode {} begint op {}, vóór het einde van periode {} ({}). Periodes \
                         mogen niet overlappen: de einddatum van de ene is de begindatum van de \
                         volgende.",
                        period.label,
                        format_date(period.start),
                        previous.label,
                        format_date(previous.end)
                    ),
                ));
            } else if period.start > previous.end
                && !covered(previous.end, period.start, &interruptions)
            {
                findings.push(finding(
                    Code::Gap,
                    Subject::Period(i),
                    format!(
                        "Tussen periode {} (tot {}) en periode {} (vanaf {}) zit een gat. \
                         Sluiten periodes niet op elkaar aan? Voeg een onderbreking toe.",
                        previous.label,
                        format_date(previous.end),
                        period.label,
                        format_date(period.start)
                    ),
                ));
            }
            if period.end > previous.end {
                reach = Some(i);
            }
        } else {
            reach = Some(i);
        }
    }
}

/// Whether the interruptions together cover every day from `start` tot `end`.
fn covered(start: NaiveDate, end: NaiveDate, interruptions: &[Span]) -> bool {
    let mut spans: Vec<Span> = interruptions
        .iter()
        .copied()
        .filter(|s| s.end > start && s.start < end)
        .collect();
    spans.sort_by_key(|s| s.start);
    let mut at = start;
    for span in spans {
        if span.start > at {
            return false;
        }
        if span.end > at {
            at = span.end;
        }
        if at >= end {
            return true;
        }
    }
    at >= end
}

/// The findings about shortenings and extensions alone (EU minimum, schakeljaar, extension
/// limits): what a proposed shortening is checked against before it can be recorded.
pub fn adjustment_findings(schedule: &Schedule, rules: &SpecialtyRules) -> Vec<Finding> {
    let mut findings = Vec::new();
    check_shortenings_and_extensions(schedule, rules, &mut findings);
    findings
}

fn check_shortenings_and_extensions(
    schedule: &Schedule,
    rules: &SpecialtyRules,
    findings: &mut Vec<Finding>,
) {
    let schakeljaar: Months = schedule
        .shortenings
        .iter()
        .filter(|s| s.ground == ShorteningGround::Schakeljaar)
        .map(|s| s.months)
        .sum();
    if schakeljaar > MAX_SCHAKELJAAR
        && let Some(i) = schedule
            .shortenings
            .iter()
            .rposition(|s| s.ground == ShorteningGround::Schakeljaar)
    {
        findings.push(finding(
            Code::SchakeljaarTooLong,
            Subject::Shortening(i),
            format!(
                "Een verkorting op grond van het schakeljaar is ten hoogste 6 maanden; hier is \
                 het {schakeljaar} maanden."
            ),
        ));
    }
    let nominal: Months = rules.parts.iter().map(|p| p.required).sum();
    let shortened: Months = schedule.shortenings.iter().map(|s| s.months).sum();
    if let Some(eu_minimum) = rules.eu_minimum
        && shortened.is_positive()
        && nominal - shortened < eu_minimum
    {
        findings.push(finding(
            Code::ShorteningBelowEuMinimum,
            Subject::Shortening(schedule.shortenings.len().saturating_sub(1)),
            format!(
                "Met {shortened} maanden verkorting wordt de opleiding {} maanden; de Europese \
                 minimumduur voor {} is {} maanden. De verkorting kan zo niet worden goedgekeurd.",
                nominal - shortened,
                rules.name,
                eu_minimum
            ),
        ));
    }
    let extended: Months = schedule.extensions.iter().map(|e| e.months).sum();
    if extended > MAX_EXTENSION {
        findings.push(finding(
            Code::ExtensionTooLong,
            Subject::Extension(schedule.extensions.len().saturating_sub(1)),
            format!(
                "Een verlenging voor een intensief begeleidingstraject is ten hoogste 12 \
                 maanden; hier is het {extended} maanden."
            ),
        ));
    }
}
