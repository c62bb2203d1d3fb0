//! How much training a schedule holds, per part, and when the training ends
//! (`docs/domain/schedule-rules.md`).
//!
//! Every figure is built from one timeline in which each day counts at most once:
//!
//! - **Periods** count at their part-time percentage. Where periods overlap (an error), the
//!   day counts once, for the period that started first.
//! - **Interruptions of a type that counts towards the allowance** (sickness, unpaid leave):
//!   per training year (12-month windows from the first period's start) their first 10 working
//!   days are training time, *credited*. An interruption that fits in what is left of the
//!   allowance is credited whole, weekend days included, so that it changes nothing. Working
//!   days above the allowance are *held*: their place in the schedule is kept, and they are made
//!   up as working days after the point where the requirement is met.
//! - **Interruptions of a type that does not count** (pregnancy leave, working as anios) are
//!   not training time at all; their length is listed so that a later end is explained.
//!
//! Interruption time belongs to the part and part-time percentage of the period before it.
//! A part's time in the schedule is its periods plus its credited and held interruption time;
//! what is still to plan is its required months minus that. The requirement is met on the
//! day every part has its required months; the expected end is that day plus exactly the
//! working days to make up.

use chrono::NaiveDate;

use super::model::{Schedule, SpecialtyRules};
use super::months::{self, Months};

/// Working days of interruption per training year that count as training time.
pub const FREE_INTERRUPTION_DAYS: i64 = 10;

/// The totals of one part (opleidingsonderdeel).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PartTotals {
    /// The part's name.
    pub name: String,
    /// Effective months of its periods before today.
    pub done: Months,
    /// Effective months of its periods.
    pub planned: Months,
    /// Interruption time that counts as training time (the 10-day allowance).
    pub credited: Months,
    /// Of that, what lies before today.
    pub credited_done: Months,
    /// Interruption time above the allowance: kept in place, made up in working days.
    pub held: Months,
    /// Required effective months, after shortenings and extensions.
    pub required: Months,
    /// What is still to plan: required minus periods, credited and held time (never
    /// negative).
    pub to_plan: Months,
    /// How much more than required the part holds, beyond the days that make up
    /// interruptions (never negative).
    pub over: Months,
}

impl PartTotals {
    /// Periods, credited and held interruption time together: what the schedule holds for
    /// the part.
    pub fn in_schedule(&self) -> Months {
        self.planned + self.credited + self.held
    }
}

/// An interruption of a type that is not training time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Uncounted {
    /// The index of the interruption in the schedule.
    pub index: usize,
    /// The type's name.
    pub kind: String,
    /// First day.
    pub start: NaiveDate,
    /// End, exclusive.
    pub end: NaiveDate,
    /// Calendar days it takes that no period or counting interruption already holds.
    pub days: i64,
    /// Working days among them.
    pub working_days: i64,
}

/// The training years in which counting interruptions went above the allowance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrainingYear {
    /// Counted from 1.
    pub number: u32,
    /// Working days of counting interruptions in it.
    pub interrupted: i64,
    /// Working days above the allowance, to make up.
    pub to_make_up: i64,
}

/// The totals shown with every schedule.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Per part, in the specialty's order.
    pub parts: Vec<PartTotals>,
    /// Effective months done before today: periods and credited interruption time.
    pub done: Months,
    /// Effective months of all periods.
    pub planned: Months,
    /// Interruption time that counts as training time.
    pub credited: Months,
    /// Interruption time above the allowance.
    pub held: Months,
    /// Required effective months, after shortenings and extensions.
    pub required: Months,
    /// What is still to plan, summed over the parts.
    pub to_plan: Months,
    /// The training years with working days to make up.
    pub years: Vec<TrainingYear>,
    /// Working days of interruption to make up, in all.
    pub days_to_make_up: i64,
    /// Of those, the working days that no period after the requirement is met holds yet.
    pub days_to_make_up_unplanned: i64,
    /// Interruptions that are not training time.
    pub uncounted: Vec<Uncounted>,
    /// The end of the last valid period.
    pub planned_end: Option<NaiveDate>,
    /// The day every part has its required months (before making up working days).
    pub requirement_met: Option<NaiveDate>,
    /// When the training is expected to end: [`Totals::requirement_met`] plus the working
    /// days to make up.
    pub expected_end: Option<NaiveDate>,
    /// The part-time percentage assumed for what is not yet planned, when the expected end
    /// lies beyond the schedule: that of the last period.
    pub assumed_part_time: Option<u8>,
}

impl Totals {
    /// Periods, credited and held interruption time together.
    pub fn in_schedule(&self) -> Months {
        self.planned + self.credited + self.held
    }
}

/// A half-open date range [start, end).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Span {
    pub(super) start: NaiveDate,
    pub(super) end: NaiveDate,
}

impl Span {
    pub(super) fn overlaps(self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    fn clip(self, start: NaiveDate, end: NaiveDate) -> Option<Span> {
        let span = Span {
            start: self.start.max(start),
            end: self.end.min(end),
        };
        (span.end > span.start).then_some(span)
    }
}

/// `spans` without the days that `taken` holds; `taken` must be sorted and disjoint.
fn without(spans: &[Span], taken: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for span in spans {
        let mut at = span.start;
        for cut in taken {
            if cut.end <= at || cut.start >= span.end {
                continue;
            }
            if cut.start > at {
                out.push(Span {
                    start: at,
                    end: cut.start,
                });
            }
            at = at.max(cut.end);
            if at >= span.end {
                break;
            }
        }
        if at < span.end {
            out.push(Span {
                start: at,
                end: span.end,
            });
        }
    }
    out
}

/// The union of `spans`, sorted and disjoint.
fn union(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort();
    let mut out: Vec<Span> = Vec::new();
    for span in spans {
        match out.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => out.push(span),
        }
    }
    out
}

/// What kind of time a stretch of the timeline is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Period,
    Credited,
    Held,
}

/// A stretch of the timeline of one part at one part-time percentage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Run {
    start: NaiveDate,
    end: NaiveDate,
    part: usize,
    pct: u8,
    kind: Kind,
}

impl Run {
    fn effective(self) -> Months {
        months::between(self.start, self.end).at_percent(self.pct)
    }

    fn effective_within(self, start: NaiveDate, end: NaiveDate) -> Months {
        Span {
            start: self.start,
            end: self.end,
        }
        .clip(start, end)
        .map_or(Months::ZERO, |s| {
            months::between(s.start, s.end).at_percent(self.pct)
        })
    }
}

/// Joins contiguous runs of the same part and percentage, so that splitting a stretch in two
/// never changes a total; with `by_kind`, only runs of the same kind.
fn merged(mut runs: Vec<Run>, by_kind: bool) -> Vec<Run> {
    runs.sort();
    let mut out: Vec<Run> = Vec::new();
    for run in runs {
        match out.last_mut() {
            Some(last)
                if last.end == run.start
                    && last.part == run.part
                    && last.pct == run.pct
                    && (!by_kind || last.kind == run.kind) =>
            {
                last.end = run.end;
            }
            _ => out.push(run),
        }
    }
    out
}

/// The periods as runs, each day counted once (for the period that starts first).
fn period_runs(schedule: &Schedule, rules: &SpecialtyRules) -> Vec<Run> {
    let mut periods: Vec<_> = schedule
        .periods
        .iter()
        .filter(|p| p.end > p.start && p.part < rules.parts.len())
        .collect();
    periods.sort_by_key(|p| (p.start, p.end, p.part, p.part_time_pct));
    let mut reach: Option<NaiveDate> = None;
    let mut runs = Vec::new();
    for p in periods {
        let start = reach.map_or(p.start, |r| r.max(p.start));
        if p.end > start {
            runs.push(Run {
                start,
                end: p.end,
                part: p.part,
                pct: p.part_time_pct.clamp(1, 100),
                kind: Kind::Period,
            });
        }
        reach = Some(reach.map_or(p.end, |r| r.max(p.end)));
    }
    runs
}

/// The interruption pieces the 10-day rule makes of the counting interruptions: credited and
/// held stretches, and the training years with days to make up.
fn apply_allowance(
    counting: &[Span],
    training_start: NaiveDate,
) -> (Vec<Span>, Vec<Span>, Vec<TrainingYear>) {
    let (mut credited, mut held, mut years) = (Vec::new(), Vec::new(), Vec::new());
    let Some(last) = counting.iter().map(|s| s.end).max() else {
        return (credited, held, years);
    };
    let mut number: u32 = 1;
    let mut window_start = training_start;
    while window_start < last && number <= 200 {
        let window_end = months::add_months(training_start, 12 * number as i32);
        if window_end <= window_start {
            break;
        }
        let mut allowance = FREE_INTERRUPTION_DAYS;
        let mut interrupted = 0;
        for span in counting {
            let Some(piece) = span.clip(window_start, window_end) else {
                continue;
            };
            let days = months::working_days(piece.start, piece.end);
            interrupted += days;
            if days <= allowance {
                allowance -= days;
                credited.push(piece);
            } else {
                let split = months::end_after_working_days(piece.start, allowance).min(piece.end);
                allowance = 0;
                if split > piece.start {
                    credited.push(Span {
                        start: piece.start,
                        end: split,
                    });
                }
                held.push(Span {
                    start: split,
                    end: piece.end,
                });
            }
        }
        let to_make_up = (interrupted - FREE_INTERRUPTION_DAYS).max(0);
        if to_make_up > 0 {
            years.push(TrainingYear {
                number,
                interrupted,
                to_make_up,
            });
        }
        window_start = window_end;
        number += 1;
    }
    (credited, held, years)
}

/// Computes the totals of `schedule` for `rules`, with `today` for what is done.
pub fn totals(schedule: &Schedule, rules: &SpecialtyRules, today: NaiveDate) -> Totals {
    let periods = period_runs(schedule, rules);
    let taken_by_periods = union(
        periods
            .iter()
            .map(|r| Span {
                start: r.start,
                end: r.end,
            })
            .collect(),
    );
    let counts = |kind: &str| {
        rules
            .interruption_types
            .get(kind)
            .is_none_or(|t| t.counts_towards_limit)
    };
    let training_start = periods.iter().map(|r| r.start).min();

    // Counting interruptions, once each day, outside the periods and from the training start.
    let counting = training_start.map_or_else(Vec::new, |start| {
        let spans = schedule
            .interruptions
            .iter()
            .filter(|x| x.end > x.start && counts(&x.kind))
            .filter_map(|x| {
                Span {
                    start: x.start,
                    end: x.end,
                }
                .clip(start, NaiveDate::MAX)
            })
            .collect();
        without(&union(spans), &taken_by_periods)
    });
    let (credited_spans, held_spans, years) = match training_start {
        Some(start) => apply_allowance(&counting, start),
        None => (Vec::new(), Vec::new(), Vec::new()),
    };

    // Interruption time goes with the part and percentage of the period before it.
    let owner = |at: NaiveDate| {
        periods
            .iter()
            .filter(|r| r.end <= at)
            .max_by_key(|r| r.end)
            .or_else(|| periods.first())
            .map(|r| (r.part, r.pct))
    };
    let pieces = |spans: &[Span], kind: Kind| -> Vec<Run> {
        spans
            .iter()
            .filter_map(|s| {
                owner(s.start).map(|(part, pct)| Run {
                    start: s.start,
                    end: s.end,
                    part,
                    pct,
                    kind,
                })
            })
            .collect()
    };
    let credited_runs = pieces(&credited_spans, Kind::Credited);
    let held_runs = pieces(&held_spans, Kind::Held);

    // Interruptions that are not training time, on the days nothing else holds.
    let taken = union(
        taken_by_periods
            .iter()
            .copied()
            .chain(counting.iter().copied())
            .collect(),
    );
    let uncounted: Vec<Uncounted> = schedule
        .interruptions
        .iter()
        .enumerate()
        .filter(|(_, x)| x.end > x.start && !counts(&x.kind))
        .filter_map(|(index, x)| {
            let free = without(
                &[Span {
                    start: x.start,
                    end: x.end,
                }],
                &taken,
            );
            let days: i64 = free.iter().map(|s| (s.end - s.start).num_days()).sum();
            (days > 0).then(|| Uncounted {
                index,
                kind: rules
                    .interruption_types
                    .get(&x.kind)
                    .map_or_else(|| x.kind.clone(), |t| t.name.clone()),
                start: x.start,
                end: x.end,
                days,
                working_days: free
                    .iter()
                    .map(|s| months::working_days(s.start, s.end))
                    .sum(),
            })
        })
        .collect();

    let period_merged = merged(periods.clone(), true);
    let held_merged = merged(held_runs.clone(), true);
    let covered = merged(
        periods
            .iter()
            .chain(&credited_runs)
            .chain(&held_runs)
            .copied()
            .collect(),
        false,
    );

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
            let sum = |runs: &[Run]| -> Months {
                runs.iter()
                    .filter(|r| r.part == i)
                    .map(|r| r.effective())
                    .sum()
            };
            // The part's time is measured over the joined stretches, so that an interruption
            // carved out of a period changes nothing; its rows are split from that total so
            // that they always add up to it. Measured apart, the pieces of a stretch can
            // differ from it by a fraction of a day (months differ in length): the credited
            // time takes that difference.
            let in_schedule = sum(&covered);
            let held = sum(&held_merged).min(in_schedule);
            let planned = sum(&period_merged).min(in_schedule - held);
            let credited = in_schedule - planned - held;
            PartTotals {
                name: part.name.clone(),
                done: period_merged
                    .iter()
                    .filter(|r| r.part == i)
                    .map(|r| r.effective_within(NaiveDate::MIN, today))
                    .sum(),
                planned,
                credited,
                credited_done: credited_runs
                    .iter()
                    .filter(|r| r.part == i)
                    .map(|r| r.effective_within(NaiveDate::MIN, today))
                    .sum(),
                held,
                required: (part.required - shortened + extended).at_least_zero(),
                to_plan: Months::ZERO,
                over: Months::ZERO,
            }
        })
        .collect();
    for part in &mut parts {
        part.to_plan = (part.required - part.in_schedule()).at_least_zero();
    }

    let planned_end = periods.iter().map(|r| r.end).max();
    let schedule_end = schedule
        .periods
        .iter()
        .filter(|p| p.end > p.start)
        .map(|p| p.end)
        .chain(
            schedule
                .interruptions
                .iter()
                .filter(|x| x.end > x.start)
                .map(|x| x.end),
        )
        .max();

    // Walk the timeline until every part has its required months.
    let mut need: Vec<Months> = parts.iter().map(|p| p.required).collect();
    let mut met: Option<NaiveDate> = None;
    for run in &covered {
        let Some(left) = need.get_mut(run.part) else {
            continue;
        };
        if !left.is_positive() {
            continue;
        }
        let gained = run.effective();
        if gained >= *left {
            let at = months::date_after(run.start, left.calendar_at_percent(run.pct)).min(run.end);
            met = Some(met.map_or(at, |m| m.max(at)));
            *left = Months::ZERO;
        } else {
            *left = *left - gained;
        }
    }
    let remaining: Months = need.iter().copied().sum();
    let last_period = period_merged.iter().max_by_key(|r| (r.end, r.start));
    let (requirement_met, assumed_part_time) = if remaining.is_positive() {
        match (schedule_end, last_period) {
            (Some(end), Some(last)) => (
                Some(months::date_after(
                    end,
                    remaining.calendar_at_percent(last.pct),
                )),
                Some(last.pct),
            ),
            _ => (None, None),
        }
    } else if met.is_some() {
        (met, None)
    } else {
        // Nothing is required (every part shortened away): met where the schedule starts.
        (training_start, None)
    };

    let days_to_make_up: i64 = years.iter().map(|y| y.to_make_up).sum();
    let expected_end =
        requirement_met.map(|at| months::end_after_working_days(at, days_to_make_up));
    let days_to_make_up_unplanned = match (requirement_met, expected_end, planned_end) {
        (Some(met), Some(expected), Some(planned)) => {
            months::working_days(met.max(planned), expected)
        }
        _ => days_to_make_up,
    };

    // Period time between meeting the requirement and the expected end makes up
    // interruptions; only what lies beyond that is more than required.
    for (i, part) in parts.iter_mut().enumerate() {
        let make_up: Months = match (requirement_met, expected_end) {
            (Some(from), Some(to)) if to > from => period_merged
                .iter()
                .filter(|r| r.part == i)
                .map(|r| r.effective_within(from, to))
                .sum(),
            _ => Months::ZERO,
        };
        part.over = (part.in_schedule() - part.required - make_up).at_least_zero();
    }

    Totals {
        done: parts.iter().map(|p| p.done + p.credited_done).sum(),
        planned: parts.iter().map(|p| p.planned).sum(),
        credited: parts.iter().map(|p| p.credited).sum(),
        held: parts.iter().map(|p| p.held).sum(),
        required: parts.iter().map(|p| p.required).sum(),
        to_plan: parts.iter().map(|p| p.to_plan).sum(),
        parts,
        years,
        days_to_make_up,
        days_to_make_up_unplanned,
        uncounted,
        planned_end,
        requirement_met,
        expected_end,
        assumed_part_time,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn span(a: &str, b: &str) -> Span {
        Span {
            start: d(a),
            end: d(b),
        }
    }

    #[test]
    fn taking_days_out_of_a_stretch_leaves_the_days_around_them() {
        let left = without(
            &[span("2026-01-01", "2026-02-01")],
            &[
                span("2026-01-05", "2026-01-10"),
                span("2026-01-20", "2026-03-01"),
            ],
        );
        assert_eq!(
            left,
            vec![
                span("2026-01-01", "2026-01-05"),
                span("2026-01-10", "2026-01-20")
            ]
        );
    }

    #[test]
    fn the_union_joins_overlapping_and_touching_stretches() {
        let joined = union(vec![
            span("2026-03-01", "2026-04-01"),
            span("2026-01-01", "2026-02-01"),
            span("2026-02-01", "2026-02-10"),
            span("2026-03-15", "2026-03-20"),
        ]);
        assert_eq!(
            joined,
            vec![
                span("2026-01-01", "2026-02-10"),
                span("2026-03-01", "2026-04-01")
            ]
        );
    }
}
