//! Properties that hold for every schedule, checked on many generated ones.

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;
use uuid::Uuid;

use super::cases::igt;
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
    fn the_end_date_of_a_length_gives_that_length_back(start in date(), days in 0i64..20_000) {
        let end = start + Duration::days(days);
        prop_assert_eq!(months::date_after(start, months::between(start, end)), end);
    }
}
