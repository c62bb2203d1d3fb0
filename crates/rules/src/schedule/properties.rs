//! Properties that hold for every schedule, checked on many generated ones.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use uuid::Uuid;

use super::cases::{huisarts, igt};
use super::check::check;
use super::findings::Code;
use super::model::{CheckContext, Interruption, Period, Schedule, Shortening, ShorteningGround};
use super::months::{self, Months};

const A: Uuid = Uuid::from_u128(1);
const B: Uuid = Uuid::from_u128(2);

fn base() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
}

fn context() -> CheckContext {
    CheckContext {
        today: base(),
        diploma: None,
        submitted_on: None,
    }
}

fn period(start: NaiveDate, end: NaiveDate, pct: u8) -> Period {
    Period {
        part: 0,
        label: "Periode".into(),
        institution: A,
        supervisor: None,
        start,
        end,
        part_time_pct: pct,
    }
}

/// Contiguous periods: a start, then lengths in days with percentages.
fn contiguous() -> impl Strategy<Value = Vec<Period>> {
    (
        0i64..3000,
        prop::collection::vec((1i64..800, 50u8..=100), 1..6),
    )
        .prop_map(|(offset, parts)| {
            let mut start = base() + Duration::days(offset);
            parts
                .into_iter()
                .map(|(days, pct)| {
                    let end = start + Duration::days(days);
                    let p = period(start, end, pct);
                    start = end;
                    p
                })
                .collect()
        })
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (-40_000i64..40_000).prop_map(|days| base() + Duration::days(days))
}

proptest! {
    #[test]
    fn splitting_a_period_in_two_contiguous_periods_never_changes_the_totals(
        periods in contiguous(),
        which in 0usize..6,
        at in 1i64..800,
    ) {
        let which = which % periods.len();
        let target = periods[which].clone();
        let days = (target.end - target.start).num_days();
        prop_assume!(days >= 2);
        let split = target.start + Duration::days(1 + at % (days - 1));
        let mut split_periods = periods.clone();
        split_periods[which] = period(target.start, split, target.part_time_pct);
        split_periods.insert(which + 1, period(split, target.end, target.part_time_pct));

        let whole = check(&Schedule { periods, ..Schedule::default() }, &igt(), &context());
        let halves = check(&Schedule { periods: split_periods, ..Schedule::default() }, &igt(), &context());
        prop_assert_eq!(whole.totals, halves.totals);
    }

    #[test]
    fn a_schedule_of_contiguous_periods_never_reports_a_gap_or_overlap(periods in contiguous()) {
        let report = check(&Schedule { periods, ..Schedule::default() }, &igt(), &context());
        prop_assert!(!report.findings.iter().any(|f| matches!(f.code, Code::Gap | Code::PeriodsOverlap)));
    }

    #[test]
    fn effective_months_grow_with_the_part_time_percentage(
        start in date(),
        days in 1i64..5000,
        low in 1u8..=100,
        high in 1u8..=100,
    ) {
        let (low, high) = (low.min(high), low.max(high));
        let length = months::between(start, start + Duration::days(days));
        prop_assert!(length.at_percent(low) <= length.at_percent(high));
        prop_assert!(length.at_percent(100) == length);
    }

    #[test]
    fn moving_every_date_by_whole_months_keeps_the_findings(
        first_day in 1u32..=28,
        lengths in prop::collection::vec((1i32..14, 50u8..=100), 1..5),
        gap_after_first in 0i32..3,
        shift in -60i32..60,
    ) {
        // Periods on one day number, so no month end is clamped; a gap filled by an interruption
        // of a type that does not count (working days differ between months).
        let start = NaiveDate::from_ymd_opt(2026, 1, first_day).unwrap_or_default();
        let mut periods = Vec::new();
        let mut interruptions = Vec::new();
        let mut at = 0;
        for (i, (len, pct)) in lengths.iter().enumerate() {
            periods.push(period(months::add_months(start, at), months::add_months(start, at + len), *pct));
            at += len;
            if i == 0 && gap_after_first > 0 {
                interruptions.push(Interruption {
                    kind: "anios".into(),
                    start: months::add_months(start, at),
                    end: months::add_months(start, at + gap_after_first),
                    institution: A,
                });
                at += gap_after_first;
            }
        }
        let moved = |d: NaiveDate| months::add_months(d, shift);
        let schedule = Schedule { periods: periods.clone(), interruptions: interruptions.clone(), ..Schedule::default() };
        let shifted = Schedule {
            periods: periods.iter().map(|p| Period { start: moved(p.start), end: moved(p.end), ..p.clone() }).collect(),
            interruptions: interruptions.iter().map(|x| Interruption { start: moved(x.start), end: moved(x.end), ..x.clone() }).collect(),
            ..Schedule::default()
        };
        let codes = |s: &Schedule| {
            let mut codes: Vec<_> = check(s, &igt(), &context())
                .findings
                .into_iter()
                .map(|f| (f.code, f.subject))
                .collect();
            codes.sort();
            codes
        };
        prop_assert_eq!(codes(&schedule), codes(&shifted));
    }

    #[test]
    fn the_engine_never_panics_on_arbitrary_input(
        periods in prop::collection::vec((date(), date(), any::<u8>(), 0usize..3, any::<bool>()), 0..8),
        interruptions in prop::collection::vec((date(), date(), 0usize..6, any::<bool>()), 0..6),
        shortenings in prop::collection::vec((0i64..100, 0usize..3, 0u8..3), 0..3),
        today in date(),
    ) {
        let kinds = ["ziekte", "anios", "reis", "onbekend", "", "zwangerschapsverlof"];
        let schedule = Schedule {
            periods: periods
                .into_iter()
                .map(|(start, end, pct, part, other)| Period {
                    part,
                    institution: if other { B } else { A },
                    ..period(start, end, pct)
                })
                .collect(),
            interruptions: interruptions
                .into_iter()
                .map(|(start, end, kind, other)| Interruption {
                    kind: kinds[kind].into(),
                    start,
                    end,
                    institution: if other { B } else { A },
                })
                .collect(),
            shortenings: shortenings
                .into_iter()
                .map(|(months, part, ground)| Shortening {
                    part,
                    months: Months::whole(months),
                    ground: [ShorteningGround::Evc, ShorteningGround::Svc, ShorteningGround::Schakeljaar][ground as usize],
                })
                .collect(),
            extensions: Vec::new(),
        };
        let context = CheckContext { today, diploma: Some(today), submitted_on: Some(today) };
        let report = check(&schedule, &igt(), &context);
        for finding in &report.findings {
            prop_assert!(!finding.message.is_empty());
        }
    }

    #[test]
    fn an_interruption_within_the_allowance_never_changes_the_expected_end_or_the_time_in_the_schedule(
        periods in contiguous(),
        which in 0usize..6,
        at in 1i64..800,
        length in 1i64..15,
    ) {
        let which = which % periods.len();
        let target = periods[which].clone();
        let days = (target.end - target.start).num_days();
        prop_assume!(days >= 3);
        let from = target.start + Duration::days(1 + at % (days - 2));
        let to = (from + Duration::days(length)).min(target.end - Duration::days(1));
        prop_assume!(to > from && months::working_days(from, to) <= 10);
        let mut carved = periods.clone();
        carved[which] = period(target.start, from, target.part_time_pct);
        carved.insert(which + 1, period(to, target.end, target.part_time_pct));
        let sick = Interruption { kind: "ziekte".into(), start: from, end: to, institution: A };

        let before = check(&Schedule { periods, ..Schedule::default() }, &igt(), &context());
        let after = check(
            &Schedule { periods: carved, interruptions: vec![sick], ..Schedule::default() },
            &igt(),
            &context(),
        );
        prop_assert_eq!(after.totals.expected_end, before.totals.expected_end);
        prop_assert_eq!(after.totals.in_schedule(), before.totals.in_schedule());
        prop_assert_eq!(after.totals.to_plan, before.totals.to_plan);
        prop_assert_eq!(after.totals.days_to_make_up, 0);
        prop_assert!(!after.findings.iter().any(|f| f.code == Code::InterruptionDaysToMakeUp));
    }

    #[test]
    fn the_expected_end_after_make_up_days_is_the_planned_end_plus_exactly_those_working_days(
        day in 1u32..=28,
        month in 1u32..=12,
        cuts in prop::collection::btree_set(1i32..33, 0..4),
        at in 0i64..1000,
        length in 1i64..200,
    ) {
        // Full-time periods of whole months, 33 in all, with a counting interruption carved
        // out of them: the requirement is met on the planned end, and every working day of
        // the interruption above 10 per training year comes after it.
        let start = NaiveDate::from_ymd_opt(2026, month, day).unwrap_or_default();
        let mut bounds: Vec<i32> = vec![0];
        bounds.extend(cuts.iter().copied());
        bounds.push(33);
        let mut periods: Vec<Period> = bounds
            .windows(2)
            .map(|w| period(months::add_months(start, w[0]), months::add_months(start, w[1]), 100))
            .collect();
        let planned_end = months::add_months(start, 33);
        let total_days = (planned_end - start).num_days();
        let from = start + Duration::days(1 + at % (total_days - 2));
        let to = (from + Duration::days(length)).min(planned_end - Duration::days(1));
        prop_assume!(to > from);
        let which = periods.iter().position(|p| p.start <= from && from < p.end).unwrap_or(0);
        let target = periods[which].clone();
        prop_assume!(to < target.end);
        periods[which] = period(target.start, from, 100);
        periods.insert(which + 1, period(to, target.end, 100));
        periods.retain(|p| p.end > p.start);
        let sick = Interruption { kind: "ziekte".into(), start: from, end: to, institution: A };

        // The working days above 10 in each training year, counted day by day.
        let mut per_year = std::collections::BTreeMap::new();
        let mut day_at = from;
        while day_at < to {
            let year = (0..).find(|k| months::add_months(start, 12 * (k + 1)) > day_at).unwrap_or(0);
            if months::working_days(day_at, day_at + Duration::days(1)) == 1 {
                *per_year.entry(year).or_insert(0i64) += 1;
            }
            day_at += Duration::days(1);
        }
        let to_make_up: i64 = per_year.values().map(|n| (n - 10).max(0)).sum();

        let report = check(
            &Schedule { periods, interruptions: vec![sick], ..Schedule::default() },
            &igt(),
            &context(),
        );
        let totals = &report.totals;
        prop_assert_eq!(totals.planned_end, Some(planned_end));
        prop_assert_eq!(totals.days_to_make_up, to_make_up);
        let expected = totals.expected_end.unwrap_or(NaiveDate::MIN);
        prop_assert_eq!(expected, months::end_after_working_days(planned_end, to_make_up));
        prop_assert_eq!(months::working_days(planned_end, expected), to_make_up);
        prop_assert_eq!(
            report.findings.iter().any(|f| f.code == Code::MakeUpToPlan),
            to_make_up > 0
        );
    }

    #[test]
    fn overlapping_periods_count_once(
        start in date(),
        first in 2i64..800,
        into in 1i64..800,
        second in 1i64..800,
    ) {
        let a = period(start, start + Duration::days(first), 100);
        let later = start + Duration::days(1 + into % (first - 1));
        let b = period(later, later + Duration::days(second), 100);
        let union_end = a.end.max(b.end);
        let report = check(&Schedule { periods: vec![a, b], ..Schedule::default() }, &igt(), &context());
        prop_assert_eq!(report.totals.in_schedule(), months::between(start, union_end));
        prop_assert!(report.findings.iter().any(|f| f.code == Code::PeriodsOverlap));
    }

    #[test]
    fn a_schedule_whose_parts_are_not_all_complete_is_never_complete(
        lengths in prop::collection::vec((1i32..30, 0usize..3, prop::sample::select(vec![50u8, 60, 70, 80, 90, 100])), 1..7),
        day in 1u32..=28,
    ) {
        // Contiguous periods on one day number, each in one of the three huisarts parts.
        let start = NaiveDate::from_ymd_opt(2026, 1, day).unwrap_or_default();
        let mut at = 0;
        let mut periods = Vec::new();
        let mut per_part = [Months::ZERO; 3];
        for (len, part, pct) in lengths {
            let p = Period {
                part,
                ..period(months::add_months(start, at), months::add_months(start, at + len), pct)
            };
            per_part[part] += months::between(p.start, p.end).at_percent(pct);
            periods.push(p);
            at += len;
        }
        let report = check(&Schedule { periods, ..Schedule::default() }, &huisarts(), &context());
        let every_part_full = per_part.iter().all(|m| *m >= Months::whole(12));
        prop_assert_eq!(report.is_complete(), every_part_full, "{:#?}", report.findings);
    }

    #[test]
    fn the_rows_of_the_totals_always_add_up_to_the_total(
        periods in prop::collection::vec((date(), 1i64..900, prop::sample::select(vec![50u8, 80, 100]), 0usize..3), 0..6),
        interruptions in prop::collection::vec((date(), 1i64..120, 0usize..3), 0..4),
        today in date(),
    ) {
        let kinds = ["ziekte", "anios", "onbetaald_verlof"];
        let schedule = Schedule {
            periods: periods
                .into_iter()
                .map(|(start, days, pct, part)| Period { part, ..period(start, start + Duration::days(days), pct) })
                .collect(),
            interruptions: interruptions
                .into_iter()
                .map(|(start, days, kind)| Interruption {
                    kind: kinds[kind].into(),
                    start,
                    end: start + Duration::days(days),
                    institution: A,
                })
                .collect(),
            ..Schedule::default()
        };
        let report = check(&schedule, &huisarts(), &CheckContext { today, ..context() });
        let totals = &report.totals;
        let parts = &totals.parts;
        prop_assert_eq!(parts.iter().map(|p| p.in_schedule()).sum::<Months>(), totals.in_schedule());
        prop_assert_eq!(parts.iter().map(|p| p.to_plan).sum::<Months>(), totals.to_plan);
        prop_assert_eq!(parts.iter().map(|p| p.done + p.credited_done).sum::<Months>(), totals.done);
        for part in parts {
            prop_assert!(part.in_schedule() + part.to_plan >= part.required);
            prop_assert!(part.to_plan.is_positive() || part.in_schedule() >= part.required);
        }
        if let (Some(met), Some(end)) = (totals.requirement_met, totals.expected_end) {
            prop_assert_eq!(months::working_days(met, end), totals.days_to_make_up);
        }
    }

    #[test]
    fn the_end_date_of_a_length_gives_that_length_back(start in date(), days in 0i64..20_000) {
        let end = start + Duration::days(days);
        prop_assert_eq!(months::date_after(start, months::between(start, end)), end);
    }
}
