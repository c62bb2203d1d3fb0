//! The rules of SPEC §5.4, applied to one schedule: [`check`] returns every finding and the
//! totals. Pure: everything it needs comes in as arguments.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};

use super::findings::{Code, Finding, Subject};
use super::model::{CheckContext, Schedule, ShorteningGround, SpecialtyRules};
use super::months::{self, Months};

/// Working days of interruption per training year that need not be made up.
pub const FREE_INTERRUPTION_DAYS: i64 = 10;
/// The longest schakeljaar shortening.
pub const MAX_SCHAKELJAAR: Months = Months::whole(6);
/// The longest extension (intensief begeleidingstraject).
pub const MAX_EXTENSION: Months = Months::whole(12);

/// The totals of one part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartTotals {
    /// The part's name.
    pub name: String,
    /// Effective months before today.
    pub done: Months,
    /// Effective months in the schedule.
    pub planned: Months,
    /// Required effective months, after shortenings and extensions.
    pub required: Months,
    /// What is still to plan (never negative).
    pub to_plan: Months,
}

/// The totals shown with every schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Totals {
    /// Per part.
    pub parts: Vec<PartTotals>,
    /// Effective months before today.
    pub done: Months,
    /// Effective months in the schedule.
    pub planned: Months,
    /// Required effective months, after shortenings and extensions.
    pub required: Months,
    /// What is still to plan.
    pub to_plan: Months,
    /// Working days of interruption to make up (over 10 per training year).
    pub days_to_make_up: i64,
    /// The end of the last period.
    pub planned_end: Option<NaiveDate>,
    /// When the requirement is met: through the schedule (with the interruption days that
    /// count as training), then continuing at the last part-time percentage.
    pub expected_end: Option<NaiveDate>,
}

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
            .any(|f| f.severity() == super::findings::Severity::Error)
    }
}

/// A date the Dutch way: 01-02-2026.
pub fn dutch_date(date: NaiveDate) -> String {
    date.format("%d-%m-%Y").to_string()
}

fn finding(code: Code, subject: Subject, message: String) -> Finding {
    Finding {
        code,
        subject,
        message,
    }
}

/// A half-open date range [start, end).
#[derive(Clone, Copy)]
struct Span {
    start: NaiveDate,
    end: NaiveDate,
}

impl Span {
    fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Applies every rule to `schedule` for the specialty `rules`.
pub fn check(schedule: &Schedule, rules: &SpecialtyRules, context: &CheckContext) -> Report {
    let mut findings = Vec::new();
    check_periods(schedule, rules, context, &mut findings);
    check_interruptions(schedule, rules, &mut findings);
    check_timeline(schedule, &mut findings);
    check_shortenings_and_extensions(schedule, rules, &mut findings);

    let interruptions = count_interruptions(schedule, rules);
    let totals = totals(schedule, rules, context, &interruptions);
    for (year, counted, excess) in &interruptions.years {
        if *excess > 0 {
            let later = totals
                .expected_end
                .map(|end| {
                    format!(
                        " Uw opleiding eindigt daardoor naar verwachting op {}.",
                        dutch_date(end)
                    )
                })
                .unwrap_or_default();
            findings.push(finding(
                Code::InterruptionDaysToMakeUp,
                Subject::TrainingYear(*year),
                format!(
                    "In opleidingsjaar {year} is de opleiding {counted} werkdagen onderbroken. \
                     {FREE_INTERRUPTION_DAYS} werkdagen per opleidingsjaar tellen mee als \
                     opleidingstijd; de overige {excess} werkdagen haalt u in.{later}"
                ),
            ));
        }
    }
    // Still to plan when the requirement is not met by the end of the schedule.
    let short_by_days = match (totals.planned_end, totals.expected_end) {
        (Some(planned), Some(expected)) => (expected - planned).num_days(),
        _ => i64::from(totals.required.is_positive()),
    };
    if short_by_days > 0 {
        let missing = if totals.to_plan.dutch() == "0" {
            format!("Nog {short_by_days} dagen")
        } else {
            format!("Nog {} maanden", totals.to_plan)
        };
        findings.push(finding(
            Code::StillToPlan,
            Subject::Schedule,
            format!(
                "{missing} in te plannen ({} van {} maanden ingevoerd). Dat is normaal zolang \
                 u het schema opbouwt: voeg de volgende periodes toe zodra ze bekend zijn.",
                totals.planned, totals.required
            ),
        ));
    }
    findings.sort_by_key(|f| (f.severity(), f.subject, f.code));
    Report { findings, totals }
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
                    "Periode {name}: de einddatum ({}) moet na de begindatum ({}) liggen. De \
                     einddatum is de eerste dag ná de periode (\"tot\", niet \"tot en met\").",
                    dutch_date(period.end),
                    dutch_date(period.start)
                ),
            ));
        }
        if !(50..=100).contains(&period.part_time_pct) {
            findings.push(finding(
                Code::PartTimeOutOfRange,
                subject,
                format!(
                    "Periode {name}: een deeltijdpercentage van {} % kan niet. Kies een \
                     percentage van 50 tot en met 100.",
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
                    dutch_date(period.start),
                    dutch_date(diploma)
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
                dutch_date(first),
                dutch_date(submitted)
            ),
        ));
    }
}

fn check_interruptions(schedule: &Schedule, rules: &SpecialtyRules, findings: &mut Vec<Finding>) {
    let institutions: BTreeSet<_> = schedule.periods.iter().map(|p| p.institution).collect();
    for (i, interruption) in schedule.interruptions.iter().enumerate() {
        let subject = Subject::Interruption(i);
        let from = dutch_date(interruption.start);
        if interruption.end <= interruption.start {
            findings.push(finding(
                Code::InterruptionEndNotAfterStart,
                subject,
                format!(
                    "Onderbreking vanaf {from}: de einddatum ({}) moet na de begindatum liggen.",
                    dutch_date(interruption.end)
                ),
            ));
        }
        if !institutions.contains(&interruption.institution) {
            findings.push(finding(
                Code::InterruptionInstitutionNotInSchedule,
                subject,
                format!(
                    "Onderbreking vanaf {from}: kies een opleidingsinrichting die al in een \
                     periode van het schema staat."
                ),
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
                        dutch_date(other.start)
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
                        dutch_date(period.start),
                        previous.label,
                        dutch_date(previous.end)
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
                        dutch_date(previous.end),
                        period.label,
                        dutch_date(period.start)
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

/// What the 10-day rule makes of the interruptions.
struct InterruptionCount {
    /// Per training year (from 1): working days of counting interruptions, and the excess.
    years: Vec<(u32, i64, i64)>,
    /// The stretches of interruption that count as training time: the first 10 working days
    /// of counting interruptions in each training year.
    credited: Vec<Span>,
}

/// Applies the 10-day rule. Training years are 12-month windows from the first period's start.
/// Within each, the first [`FREE_INTERRUPTION_DAYS`] working days of interruptions whose type
/// counts are training time; days beyond that are not, and must be made up. Interruptions of
/// types that do not count (for example working as anios between two periods) are simply not
/// training time.
fn count_interruptions(schedule: &Schedule, rules: &SpecialtyRules) -> InterruptionCount {
    let none = InterruptionCount {
        years: Vec::new(),
        credited: Vec::new(),
    };
    let Some(training_start) = schedule.periods.iter().map(|p| p.start).min() else {
        return none;
    };
    let mut counting: Vec<Span> = schedule
        .interruptions
        .iter()
        .filter(|x| x.end > x.start)
        .filter(|x| {
            rules
                .interruption_types
                .get(&x.kind)
                .is_none_or(|t| t.counts_towards_limit)
        })
        .map(|x| Span {
            start: x.start.max(training_start),
            end: x.end,
        })
        .filter(|s| s.end > s.start)
        .collect();
    counting.sort_by_key(|s| s.start);
    let Some(last) = counting.iter().map(|s| s.end).max() else {
        return none;
    };
    let mut result = none;
    let mut year: u32 = 1;
    let mut window_start = training_start;
    while window_start < last && year <= 200 {
        let window_end = months::add_months(training_start, 12 * year as i32);
        if window_end <= window_start {
            break;
        }
        let mut allowance = FREE_INTERRUPTION_DAYS;
        let mut counted = 0;
        for span in &counting {
            let piece = Span {
                start: span.start.max(window_start),
                end: span.end.min(window_end),
            };
            if piece.end <= piece.start {
                continue;
            }
            let days = months::working_days(piece.start, piece.end);
            counted += days;
            let free = days.min(allowance);
            if free > 0 {
                allowance -= free;
                result.credited.push(Span {
                    start: piece.start,
                    end: end_after_working_days(piece.start, free).min(piece.end),
                });
            }
        }
        result
            .years
            .push((year, counted, (counted - FREE_INTERRUPTION_DAYS).max(0)));
        window_start = window_end;
        year += 1;
    }
    result
}

/// The exclusive end of the stretch from `start` that holds `days` working days.
fn end_after_working_days(start: NaiveDate, days: i64) -> NaiveDate {
    let mut end = start;
    let mut left = days;
    while left > 0 {
        if !matches!(end.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
        match end.succ_opt() {
            Some(next) => end = next,
            None => break,
        }
    }
    end
}

/// A stretch of training time: contiguous periods of one part at one part-time percentage
/// merged into one, so that splitting a period in two never changes a total; or interruption
/// days that count as training (at full time).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Run {
    start: NaiveDate,
    end: NaiveDate,
    part: usize,
    pct: u8,
}

impl Run {
    fn effective(self) -> Months {
        months::between(self.start, self.end).at_percent(self.pct)
    }

    fn effective_before(self, day: NaiveDate) -> Months {
        months::between(self.start, self.end.min(day)).at_percent(self.pct)
    }
}

fn runs(
    schedule: &Schedule,
    rules: &SpecialtyRules,
    interruptions: &InterruptionCount,
) -> Vec<Run> {
    let mut periods: Vec<Run> = schedule
        .periods
        .iter()
        .filter(|p| p.end > p.start && p.part < rules.parts.len())
        .map(|p| Run {
            start: p.start,
            end: p.end,
            part: p.part,
            pct: p.part_time_pct.clamp(1, 100),
        })
        .collect();
    periods.sort();
    let mut merged: Vec<Run> = Vec::new();
    for run in periods {
        match merged.last_mut() {
            Some(last) if last.end == run.start && last.part == run.part && last.pct == run.pct => {
                last.end = run.end;
            }
            _ => merged.push(run),
        }
    }
    // Credited interruption days count for the part of the period before them.
    let credit_part = |at: NaiveDate| {
        merged
            .iter()
            .filter(|r| r.end <= at)
            .max_by_key(|r| r.end)
            .or_else(|| merged.first())
            .map_or(0, |r| r.part)
    };
    let credited: Vec<Run> = interruptions
        .credited
        .iter()
        .map(|span| Run {
            start: span.start,
            end: span.end,
            part: credit_part(span.start),
            pct: 100,
        })
        .collect();
    merged.extend(credited);
    merged.sort();
    merged
}

fn totals(
    schedule: &Schedule,
    rules: &SpecialtyRules,
    context: &CheckContext,
    interruptions: &InterruptionCount,
) -> Totals {
    let days_to_make_up: i64 = interruptions
        .years
        .iter()
        .map(|(_, _, excess)| excess)
        .sum();
    let runs = runs(schedule, rules, interruptions);

    let mut parts: Vec<PartTotals> = rules
        .parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let shortened: Months = schedule
                .shortenings
                .iter()
                .filter(|s| s.part == i)
                .map(|s| s.months)
                .sum();
            let extended: Months = schedule
                .extensions
                .iter()
                .filter(|e| e.part == i)
                .map(|e| e.months)
                .sum();
            PartTotals {
                name: part.name.clone(),
                done: Months::ZERO,
                planned: Months::ZERO,
                required: (part.required - shortened + extended).at_least_zero(),
                to_plan: Months::ZERO,
            }
        })
        .collect();
    for run in &runs {
        if let Some(part) = parts.get_mut(run.part) {
            part.planned += run.effective();
            part.done += run.effective_before(context.today);
        }
    }
    for part in &mut parts {
        part.to_plan = (part.required - part.planned).at_least_zero();
    }

    let planned: Months = parts.iter().map(|p| p.planned).sum();
    let done: Months = parts.iter().map(|p| p.done).sum();
    let required: Months = parts.iter().map(|p| p.required).sum();
    let to_plan: Months = parts.iter().map(|p| p.to_plan).sum();
    let planned_end = schedule
        .periods
        .iter()
        .filter(|p| p.end > p.start)
        .map(|p| p.end)
        .max();

    // Walk the training time in date order until the requirement is met.
    let mut reached = Months::ZERO;
    let mut expected_end = None;
    for run in &runs {
        let gained = run.effective();
        if reached + gained >= required {
            let needed = (required - reached).calendar_at_percent(run.pct);
            expected_end = Some(months::date_after(run.start, needed));
            break;
        }
        reached += gained;
    }
    if expected_end.is_none()
        && let Some(last) = runs.iter().filter(|r| Some(r.end) == planned_end).max()
    {
        // Continue after the schedule at the last part-time percentage.
        let needed = (required - reached).calendar_at_percent(last.pct);
        expected_end = Some(months::date_after(last.end, needed));
    }

    Totals {
        parts,
        done,
        planned,
        required,
        to_plan,
        days_to_make_up,
        planned_end,
        expected_end,
    }
}
