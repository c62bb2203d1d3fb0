//! Named cases: a schedule, and what the engine must say about it. Written so that a domain
//! expert can read them and add one: copy a case, change the periods, write down the expected
//! findings and totals.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use uuid::Uuid;

use super::check::{Report, check};
use super::findings::Code;
use super::model::{
    CheckContext, Extension, Interruption, InterruptionType, PartRule, Period, Recognitions,
    Schedule, Shortening, ShorteningGround, SpecialtyRules,
};
use super::months::Months;

// The places and people in the cases.
const RADBOUD: Uuid = Uuid::from_u128(1);
const ISALA: Uuid = Uuid::from_u128(2);
const NTC: Uuid = Uuid::from_u128(3);
const ABROAD: Uuid = Uuid::from_u128(4);
const ELSEWHERE: Uuid = Uuid::from_u128(9);
const DR_JANSEN: Uuid = Uuid::from_u128(101);
const DR_UNKNOWN: Uuid = Uuid::from_u128(199);

fn d(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|_| panic!("bad date {text}"))
}

/// The IGT profile: one part of 33 months in four periods; EU minimum 24 months (for the
/// cases).
pub(super) fn igt() -> SpecialtyRules {
    let types = [
        ("ziekte", "Ziekte", true),
        (
            "zwangerschapsverlof",
            "Zwangerschaps- en bevallingsverlof",
            false,
        ),
        ("onbetaald_verlof", "Onbetaald verlof", true),
        ("anios", "Werkzaam als anios", false),
        ("reis", "Reis", false),
    ];
    SpecialtyRules {
        name: "IGT".into(),
        parts: vec![PartRule {
            name: "Opleiding tot AIGT".into(),
            required: Months::whole(33),
            expected_periods: vec![
                "Ziekenhuis 1".into(),
                "Ziekenhuis 2".into(),
                "NTC".into(),
                "Buitenland".into(),
            ],
        }],
        eu_minimum: Some(Months::whole(24)),
        recognitions: Some(Recognitions {
            institutions: BTreeSet::from([RADBOUD, ISALA, NTC, ABROAD]),
            supervisors: BTreeSet::from([DR_JANSEN]),
        }),
        interruption_types: types
            .iter()
            .map(|(code, name, counts)| {
                (
                    (*code).to_owned(),
                    InterruptionType {
                        name: (*name).to_owned(),
                        counts_towards_limit: *counts,
                    },
                )
            })
            .collect::<BTreeMap<_, _>>(),
    }
}

fn period(label: &str, institution: Uuid, start: &str, end: &str, pct: u8) -> Period {
    Period {
        part: 0,
        label: label.into(),
        institution,
        supervisor: Some(DR_JANSEN),
        start: d(start),
        end: d(end),
        part_time_pct: pct,
    }
}

fn interruption(kind: &str, institution: Uuid, start: &str, end: &str) -> Interruption {
    Interruption {
        kind: kind.into(),
        start: d(start),
        end: d(end),
        institution,
    }
}

/// The complete IGT schedule of the guide: 12 + 12 + 3 + 6 months, contiguous, full time.
fn complete_igt() -> Vec<Period> {
    vec![
        period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2027-01-01", 100),
        period("Ziekenhuis 2", ISALA, "2027-01-01", "2028-01-01", 100),
        period("NTC", NTC, "2028-01-01", "2028-04-01", 100),
        period("Buitenland", ABROAD, "2028-04-01", "2028-10-01", 100),
    ]
}

fn context() -> CheckContext {
    CheckContext {
        today: d("2025-12-01"),
        diploma: Some(d("2024-07-01")),
        submitted_on: Some(d("2025-12-01")),
    }
}

/// What a case expects.
struct Expect {
    codes: &'static [Code],
    planned: &'static str,
    to_plan: &'static str,
    days_to_make_up: i64,
    expected_end: Option<&'static str>,
}

struct Case {
    name: &'static str,
    schedule: Schedule,
    context: CheckContext,
    expect: Expect,
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "Het volledige IGT-schema (12 + 12 + 3 + 6 maanden, aaneengesloten) is foutloos",
            schedule: Schedule {
                periods: complete_igt(),
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[],
                planned: "33",
                to_plan: "0",
                days_to_make_up: 0,
                expected_end: Some("2028-10-01"),
            },
        },
        Case {
            name: "Alleen ziekenhuis 1 ingevoerd: nog 21 maanden in te plannen, geen fout",
            schedule: Schedule {
                periods: complete_igt()[..1].to_vec(),
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[Code::StillToPlan],
                planned: "12",
                to_plan: "21",
                days_to_make_up: 0,
                expected_end: Some("2028-10-01"),
            },
        },
        Case {
            name: "Twee ziekenhuisperiodes ingevoerd: nog 9 maanden in te plannen",
            schedule: Schedule {
                periods: complete_igt()[..2].to_vec(),
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[Code::StillToPlan],
                planned: "24",
                to_plan: "9",
                days_to_make_up: 0,
                expected_end: Some("2028-10-01"),
            },
        },
        Case {
            name: "Een gat tussen de ziekenhuizen, gevuld met werk als anios, schuift het einde op",
            schedule: Schedule {
                periods: vec![
                    period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2027-01-01", 100),
                    period("Ziekenhuis 2", ISALA, "2027-03-01", "2028-03-01", 100),
                    period("NTC", NTC, "2028-03-01", "2028-06-01", 100),
                    period("Buitenland", ABROAD, "2028-06-01", "2028-12-01", 100),
                ],
                interruptions: vec![interruption("anios", RADBOUD, "2027-01-01", "2027-03-01")],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[],
                planned: "33",
                to_plan: "0",
                days_to_make_up: 0,
                expected_end: Some("2028-12-01"),
            },
        },
        Case {
            name: "Een gat zonder onderbreking is een fout",
            schedule: Schedule {
                periods: vec![
                    period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2027-01-01", 100),
                    period("Ziekenhuis 2", ISALA, "2027-02-01", "2028-02-01", 100),
                ],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[Code::Gap, Code::StillToPlan],
                planned: "24",
                to_plan: "9",
                days_to_make_up: 0,
                expected_end: Some("2028-11-01"),
            },
        },
        Case {
            name: "Een onderbreking bij een instelling die niet in het schema staat is een fout",
            schedule: Schedule {
                periods: vec![
                    period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2027-01-01", 100),
                    period("Ziekenhuis 2", ISALA, "2027-02-01", "2028-02-01", 100),
                ],
                interruptions: vec![interruption("reis", ELSEWHERE, "2027-01-01", "2027-02-01")],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[
                    Code::InterruptionInstitutionNotInSchedule,
                    Code::StillToPlan,
                ],
                planned: "24",
                to_plan: "9",
                days_to_make_up: 0,
                expected_end: Some("2028-11-01"),
            },
        },
        Case {
            name: "Deeltijd 80 % in ziekenhuis 2 maakt de periode 9,6 maanden en schuift het einde 2,4 maanden op",
            schedule: Schedule {
                periods: vec![
                    period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2027-01-01", 100),
                    period("Ziekenhuis 2", ISALA, "2027-01-01", "2028-04-01", 80),
                    period("NTC", NTC, "2028-04-01", "2028-07-01", 100),
                    period("Buitenland", ABROAD, "2028-07-01", "2029-01-01", 100),
                ],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[],
                planned: "33",
                to_plan: "0",
                days_to_make_up: 0,
                expected_end: Some("2029-01-01"),
            },
        },
        Case {
            name: "Bij een onvolledig schema in deeltijd loopt de verwachte einddatum door op het laatste percentage",
            schedule: Schedule {
                periods: vec![period(
                    "Ziekenhuis 1",
                    RADBOUD,
                    "2026-01-01",
                    "2027-01-01",
                    80,
                )],
                ..Schedule::default()
            },
            context: context(),
            // 9,6 done; 23,4 left at 80 % = 29,25 calendar months after 2027-01-01.
            expect: Expect {
                codes: &[Code::StillToPlan],
                planned: "9,6",
                to_plan: "23,4",
                days_to_make_up: 0,
                expected_end: Some("2029-06-09"),
            },
        },
        Case {
            name: "Overlappende periodes zijn een fout",
            schedule: Schedule {
                periods: vec![
                    period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2027-01-01", 100),
                    period("Ziekenhuis 2", ISALA, "2026-12-01", "2027-12-01", 100),
                ],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[Code::PeriodsOverlap, Code::StillToPlan],
                // The month both hold counts once.
                planned: "23",
                to_plan: "10",
                days_to_make_up: 0,
                expected_end: Some("2028-10-01"),
            },
        },
        Case {
            name: "Een onderbreking die in een periode valt is een fout",
            schedule: Schedule {
                periods: complete_igt(),
                interruptions: vec![interruption("ziekte", RADBOUD, "2026-03-02", "2026-03-09")],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[Code::InterruptionOverlapsPeriod],
                // The days both hold count once.
                planned: "33",
                to_plan: "0",
                days_to_make_up: 0,
                expected_end: Some("2028-10-01"),
            },
        },
        Case {
            name: "Een einddatum vóór de begindatum is een fout",
            schedule: Schedule {
                periods: vec![period(
                    "Ziekenhuis 1",
                    RADBOUD,
                    "2026-01-01",
                    "2025-12-01",
                    100,
                )],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[
                    Code::PeriodEndNotAfterStart,
                    Code::NoPeriods,
                    Code::StillToPlan,
                ],
                planned: "0",
                to_plan: "33",
                days_to_make_up: 0,
                expected_end: None,
            },
        },
        Case {
            name: "Deeltijd onder 50 % is een fout; 75 % mag maar krijgt een waarschuwing",
            schedule: Schedule {
                periods: vec![
                    period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2027-01-01", 40),
                    period("Ziekenhuis 2", ISALA, "2027-01-01", "2028-01-01", 75),
                ],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[
                    Code::PartTimeOutOfRange,
                    Code::PartTimeNotMultipleOfTen,
                    Code::StillToPlan,
                ],
                planned: "13,8",
                to_plan: "19,2",
                days_to_make_up: 0,
                expected_end: Some("2030-02-18"),
            },
        },
        Case {
            name: "Een niet-erkende instelling en opleider zijn een fout",
            schedule: Schedule {
                periods: vec![Period {
                    supervisor: Some(DR_UNKNOWN),
                    ..period("Ziekenhuis 1", ELSEWHERE, "2026-01-01", "2027-01-01", 100)
                }],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[
                    Code::InstitutionNotRecognised,
                    Code::SupervisorNotRecognised,
                    Code::StillToPlan,
                ],
                planned: "12",
                to_plan: "21",
                days_to_make_up: 0,
                expected_end: Some("2028-10-01"),
            },
        },
        Case {
            name: "Een periode vóór het artsdiploma is een fout",
            schedule: Schedule {
                periods: complete_igt(),
                ..Schedule::default()
            },
            context: CheckContext {
                diploma: Some(d("2026-02-01")),
                ..context()
            },
            expect: Expect {
                codes: &[Code::PeriodBeforeDiploma],
                planned: "33",
                to_plan: "0",
                days_to_make_up: 0,
                expected_end: Some("2028-10-01"),
            },
        },
        Case {
            name: "Inschrijven na de start geeft een waarschuwing over late inschrijving",
            schedule: Schedule {
                periods: complete_igt(),
                ..Schedule::default()
            },
            context: CheckContext {
                submitted_on: Some(d("2026-02-15")),
                today: d("2026-02-15"),
                ..context()
            },
            expect: Expect {
                codes: &[Code::LateRegistration],
                planned: "33",
                to_plan: "0",
                days_to_make_up: 0,
                expected_end: Some("2028-10-01"),
            },
        },
        Case {
            name: "Zes weken ziek tussen twee periodes: 10 werkdagen tellen mee, 20 worden ingehaald",
            schedule: Schedule {
                // 2026-03-02 is a Monday; six weeks hold 30 working days. The requirement is
                // met on 01-10-2028 (the sickness keeps its place); 20 working days from that
                // Sunday take the last period tot Saturday 28-10-2028.
                periods: vec![
                    period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2026-03-02", 100),
                    period(
                        "Ziekenhuis 1 (vervolg)",
                        RADBOUD,
                        "2026-04-13",
                        "2027-01-01",
                        100,
                    ),
                    period("Ziekenhuis 2", ISALA, "2027-01-01", "2028-01-01", 100),
                    period("NTC", NTC, "2028-01-01", "2028-04-01", 100),
                    period("Buitenland", ABROAD, "2028-04-01", "2028-10-28", 100),
                ],
                interruptions: vec![interruption("ziekte", RADBOUD, "2026-03-02", "2026-04-13")],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[Code::InterruptionDaysToMakeUp],
                planned: "33,9",
                to_plan: "0",
                days_to_make_up: 20,
                expected_end: Some("2028-10-28"),
            },
        },
        Case {
            name: "21 werkdagen ziek en niet ingehaald: het einde schuift precies 11 werkdagen op",
            schedule: Schedule {
                // 02-03-2026 tot 31-03-2026 holds 21 working days; 11 working days after
                // Sunday 01-10-2028 end on Monday 16-10, so tot 17-10-2028.
                periods: vec![
                    period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2026-03-02", 100),
                    period(
                        "Ziekenhuis 1 (vervolg)",
                        RADBOUD,
                        "2026-03-31",
                        "2027-01-01",
                        100,
                    ),
                    period("Ziekenhuis 2", ISALA, "2027-01-01", "2028-01-01", 100),
                    period("NTC", NTC, "2028-01-01", "2028-04-01", 100),
                    period("Buitenland", ABROAD, "2028-04-01", "2028-10-01", 100),
                ],
                interruptions: vec![interruption("ziekte", RADBOUD, "2026-03-02", "2026-03-31")],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[Code::InterruptionDaysToMakeUp, Code::MakeUpToPlan],
                planned: "33",
                to_plan: "0",
                days_to_make_up: 11,
                expected_end: Some("2028-10-17"),
            },
        },
        Case {
            name: "Een week ziek binnen de 10 werkdagen verandert niets aan de duur of het einde",
            schedule: Schedule {
                periods: vec![
                    period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2026-03-02", 100),
                    period(
                        "Ziekenhuis 1 (vervolg)",
                        RADBOUD,
                        "2026-03-09",
                        "2027-01-01",
                        100,
                    ),
                    period("Ziekenhuis 2", ISALA, "2027-01-01", "2028-01-01", 100),
                    period("NTC", NTC, "2028-01-01", "2028-04-01", 100),
                    period("Buitenland", ABROAD, "2028-04-01", "2028-10-01", 100),
                ],
                interruptions: vec![interruption("ziekte", RADBOUD, "2026-03-02", "2026-03-09")],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[],
                planned: "33",
                to_plan: "0",
                days_to_make_up: 0,
                expected_end: Some("2028-10-01"),
            },
        },
        Case {
            name: "Twee weken ziek in twee keer, samen 10 werkdagen, verandert niets",
            schedule: Schedule {
                periods: vec![
                    period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2026-03-02", 100),
                    period("Ziekenhuis 1", RADBOUD, "2026-03-09", "2026-06-01", 100),
                    period("Ziekenhuis 1", RADBOUD, "2026-06-08", "2027-01-01", 100),
                    period("Ziekenhuis 2", ISALA, "2027-01-01", "2028-01-01", 100),
                    period("NTC", NTC, "2028-01-01", "2028-04-01", 100),
                    period("Buitenland", ABROAD, "2028-04-01", "2028-10-01", 100),
                ],
                interruptions: vec![
                    interruption("ziekte", RADBOUD, "2026-03-02", "2026-03-09"),
                    interruption("onbetaald_verlof", RADBOUD, "2026-06-01", "2026-06-08"),
                ],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[],
                planned: "33",
                to_plan: "0",
                days_to_make_up: 0,
                expected_end: Some("2028-10-01"),
            },
        },
        Case {
            name: "Zes weken zwangerschapsverlof telt niet als opleidingstijd: de zes weken komen erbij",
            schedule: Schedule {
                periods: vec![
                    period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2026-03-02", 100),
                    period(
                        "Ziekenhuis 1 (vervolg)",
                        RADBOUD,
                        "2026-04-13",
                        "2027-01-01",
                        100,
                    ),
                    period("Ziekenhuis 2", ISALA, "2027-01-01", "2028-01-01", 100),
                    period("NTC", NTC, "2028-01-01", "2028-04-01", 100),
                    period("Buitenland", ABROAD, "2028-04-01", "2028-10-01", 100),
                ],
                interruptions: vec![interruption(
                    "zwangerschapsverlof",
                    RADBOUD,
                    "2026-03-02",
                    "2026-04-13",
                )],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[Code::StillToPlan],
                planned: "31,6",
                to_plan: "1,4",
                days_to_make_up: 0,
                expected_end: Some("2028-11-13"),
            },
        },
        Case {
            name: "Zwangerschapsverlof telt niet mee voor de 10-dagenregel",
            schedule: Schedule {
                periods: vec![
                    period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2026-03-02", 100),
                    period(
                        "Ziekenhuis 1 (vervolg)",
                        RADBOUD,
                        "2026-06-22",
                        "2027-04-22",
                        100,
                    ),
                ],
                interruptions: vec![interruption(
                    "zwangerschapsverlof",
                    RADBOUD,
                    "2026-03-02",
                    "2026-06-22",
                )],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[Code::StillToPlan],
                planned: "12",
                to_plan: "21",
                days_to_make_up: 0,
                expected_end: Some("2029-01-21"),
            },
        },
        Case {
            name: "Een verkorting van 6 maanden schakeljaar verlaagt de vereiste duur naar 27 maanden",
            schedule: Schedule {
                periods: complete_igt()[..2].to_vec(),
                shortenings: vec![Shortening {
                    part: 0,
                    months: Months::whole(6),
                    ground: ShorteningGround::Schakeljaar,
                }],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[Code::StillToPlan],
                planned: "24",
                to_plan: "3",
                days_to_make_up: 0,
                expected_end: Some("2028-04-01"),
            },
        },
        Case {
            name: "Meer dan 6 maanden schakeljaar is een fout",
            schedule: Schedule {
                periods: complete_igt(),
                shortenings: vec![Shortening {
                    part: 0,
                    months: Months::whole(7),
                    ground: ShorteningGround::Schakeljaar,
                }],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[Code::SchakeljaarTooLong, Code::PartOverRequired],
                planned: "33",
                to_plan: "0",
                days_to_make_up: 0,
                expected_end: Some("2028-03-01"),
            },
        },
        Case {
            name: "Een verkorting onder de Europese minimumduur is een fout",
            schedule: Schedule {
                periods: complete_igt()[..2].to_vec(),
                shortenings: vec![Shortening {
                    part: 0,
                    months: Months::whole(10),
                    ground: ShorteningGround::Evc,
                }],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[Code::ShorteningBelowEuMinimum, Code::PartOverRequired],
                planned: "24",
                to_plan: "0",
                days_to_make_up: 0,
                expected_end: Some("2027-12-01"),
            },
        },
        Case {
            name: "Een verlenging van 3 maanden verhoogt de vereiste duur naar 36 maanden",
            schedule: Schedule {
                periods: complete_igt(),
                extensions: vec![Extension {
                    part: 0,
                    months: Months::whole(3),
                }],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[Code::StillToPlan],
                planned: "33",
                to_plan: "3",
                days_to_make_up: 0,
                expected_end: Some("2029-01-01"),
            },
        },
        Case {
            name: "Een verlenging van meer dan 12 maanden is een fout",
            schedule: Schedule {
                periods: complete_igt(),
                extensions: vec![Extension {
                    part: 0,
                    months: Months::whole(13),
                }],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[Code::ExtensionTooLong, Code::StillToPlan],
                planned: "33",
                to_plan: "13",
                days_to_make_up: 0,
                expected_end: Some("2029-11-01"),
            },
        },
        Case {
            name: "Een onderbreking zonder lengte, van een onbekend soort, is twee fouten",
            schedule: Schedule {
                periods: complete_igt(),
                interruptions: vec![interruption(
                    "vakantie",
                    RADBOUD,
                    "2028-10-01",
                    "2028-10-01",
                )],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[
                    Code::InterruptionEndNotAfterStart,
                    Code::UnknownInterruptionType,
                ],
                planned: "33",
                to_plan: "0",
                days_to_make_up: 0,
                expected_end: Some("2028-10-01"),
            },
        },
        Case {
            name: "Twee onderbrekingen die elkaar overlappen zijn een fout",
            schedule: Schedule {
                periods: vec![
                    period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2027-01-01", 100),
                    period("Ziekenhuis 2", ISALA, "2027-03-01", "2028-03-01", 100),
                ],
                interruptions: vec![
                    interruption("anios", RADBOUD, "2027-01-01", "2027-02-15"),
                    interruption("reis", RADBOUD, "2027-02-01", "2027-03-01"),
                ],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[Code::InterruptionsOverlap, Code::StillToPlan],
                planned: "24",
                to_plan: "9",
                days_to_make_up: 0,
                expected_end: Some("2028-12-01"),
            },
        },
        Case {
            name: "Een periode in een opleidingsonderdeel dat de opleiding niet kent is een fout",
            schedule: Schedule {
                periods: vec![Period {
                    part: 3,
                    ..period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2027-01-01", 100)
                }],
                ..Schedule::default()
            },
            context: context(),
            expect: Expect {
                codes: &[Code::UnknownPart, Code::NoPeriods, Code::StillToPlan],
                planned: "0",
                to_plan: "33",
                days_to_make_up: 0,
                expected_end: None,
            },
        },
        Case {
            name: "Een leeg schema kan niet worden ingediend: de inschrijving begint met de eerste periode",
            schedule: Schedule::default(),
            context: context(),
            expect: Expect {
                codes: &[Code::NoPeriods, Code::StillToPlan],
                planned: "0",
                to_plan: "33",
                days_to_make_up: 0,
                expected_end: None,
            },
        },
    ]
}

fn assert_case(case: &Case, report: &Report) {
    let mut codes: Vec<Code> = report.findings.iter().map(|f| f.code).collect();
    codes.sort();
    codes.dedup();
    let mut expected = case.expect.codes.to_vec();
    expected.sort();
    assert_eq!(
        codes, expected,
        "{}: findings {:#?}",
        case.name, report.findings
    );
    let totals = &report.totals;
    assert_eq!(
        totals.in_schedule().dutch(),
        case.expect.planned,
        "{}: planned",
        case.name
    );
    assert_eq!(
        totals.to_plan.dutch(),
        case.expect.to_plan,
        "{}: to plan",
        case.name
    );
    assert_eq!(
        totals.days_to_make_up, case.expect.days_to_make_up,
        "{}: days",
        case.name
    );
    assert_eq!(
        totals.expected_end,
        case.expect.expected_end.map(d),
        "{}: expected end",
        case.name
    );
    for finding in &report.findings {
        assert!(
            !finding.message.is_empty(),
            "{}: every finding explains itself",
            case.name
        );
    }
}

#[test]
fn every_named_case_gives_the_expected_findings_and_totals() {
    let rules = igt();
    for case in cases() {
        let report = check(&case.schedule, &rules, &case.context);
        assert_case(&case, &report);
    }
}

#[test]
fn every_finding_the_engine_knows_is_shown_by_at_least_one_case() {
    let all = [
        Code::PeriodEndNotAfterStart,
        Code::InterruptionEndNotAfterStart,
        Code::PeriodsOverlap,
        Code::InterruptionOverlapsPeriod,
        Code::InterruptionsOverlap,
        Code::Gap,
        Code::PartTimeOutOfRange,
        Code::InterruptionInstitutionNotInSchedule,
        Code::UnknownInterruptionType,
        Code::UnknownPart,
        Code::InstitutionNotRecognised,
        Code::SupervisorNotRecognised,
        Code::PeriodBeforeDiploma,
        Code::ShorteningBelowEuMinimum,
        Code::SchakeljaarTooLong,
        Code::ExtensionTooLong,
        Code::InterruptionDaysToMakeUp,
        Code::PartTimeNotMultipleOfTen,
        Code::LateRegistration,
        Code::StillToPlan,
        Code::NoPeriods,
        Code::PartOverRequired,
        Code::MakeUpToPlan,
    ];
    let shown: BTreeSet<Code> = cases()
        .iter()
        .flat_map(|c| c.expect.codes.iter().copied())
        .collect();
    for code in all {
        assert!(shown.contains(&code), "no case shows {}", code.as_str());
    }
}

#[test]
fn the_incomplete_schedule_says_how_much_is_missing_in_the_users_words() {
    let schedule = Schedule {
        periods: complete_igt()[..2].to_vec(),
        ..Schedule::default()
    };
    let report = check(&schedule, &igt(), &context());
    assert!(
        report.can_submit(),
        "an incomplete schedule is never an error"
    );
    assert!(
        report.findings[0]
            .message
            .starts_with("Nog 9 maanden in te plannen (24 van 33 maanden ingevoerd).")
    );
}

#[test]
fn a_gap_names_both_periods_and_says_to_add_an_interruption() {
    let schedule = Schedule {
        periods: vec![
            period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2027-01-01", 100),
            period("Ziekenhuis 2", ISALA, "2027-02-01", "2028-02-01", 100),
        ],
        ..Schedule::default()
    };
    let report = check(&schedule, &igt(), &context());
    let gap = report
        .findings
        .iter()
        .find(|f| f.code == Code::Gap)
        .unwrap();
    assert!(
        gap.message.contains("Ziekenhuis 1 (tot 01-01-2027)"),
        "{}",
        gap.message
    );
    assert!(gap.message.contains("Voeg een onderbreking toe"));
    assert!(!report.can_submit());
}

#[test]
fn the_days_to_make_up_are_told_with_the_later_end_date() {
    let case = cases()
        .into_iter()
        .find(|c| c.name.starts_with("Zes weken ziek"))
        .unwrap();
    let report = check(&case.schedule, &igt(), &case.context);
    let finding = report
        .findings
        .iter()
        .find(|f| f.code == Code::InterruptionDaysToMakeUp)
        .unwrap();
    assert!(
        finding.message.contains("30 werkdagen onderbroken"),
        "{}",
        finding.message
    );
    assert!(
        finding
            .message
            .contains("de overige 20 werkdagen haalt u in")
    );
    assert!(
        finding.message.contains("tot 28-10-2028"),
        "{}",
        finding.message
    );
}

#[test]
fn a_schedule_that_is_complete_but_for_rounding_of_short_months_says_how_many_days_remain() {
    // From the 11th: February 2028 has 29 days, so 12 "same day" months are a fraction short.
    let schedule = Schedule {
        periods: vec![
            period("Ziekenhuis 1", RADBOUD, "2027-02-11", "2028-02-11", 100),
            period("Ziekenhuis 2", ISALA, "2028-02-11", "2029-02-11", 100),
            period("NTC", NTC, "2029-02-11", "2029-05-11", 100),
            period("Buitenland", ABROAD, "2029-05-11", "2029-11-11", 100),
        ],
        ..Schedule::default()
    };
    let report = check(&schedule, &igt(), &context());
    assert_eq!(report.totals.expected_end, Some(d("2029-11-11")));
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
}

#[test]
fn done_counts_only_what_lies_before_today() {
    let schedule = Schedule {
        periods: complete_igt(),
        ..Schedule::default()
    };
    let report = check(
        &schedule,
        &igt(),
        &CheckContext {
            today: d("2027-01-01"),
            ..context()
        },
    );
    assert_eq!(report.totals.done, Months::whole(12));
    assert_eq!(report.totals.parts[0].done, Months::whole(12));
    assert_eq!(report.totals.planned_end, Some(d("2028-10-01")));
}

/// Huisartsgeneeskunde: three parts of 12 months, no recognitions known (for the cases).
pub(super) fn huisarts() -> SpecialtyRules {
    SpecialtyRules {
        name: "Huisartsgeneeskunde".into(),
        parts: [
            "Eerste opleidingsjaar: huisartspraktijk",
            "Tweede opleidingsjaar: klinische stages",
            "Derde opleidingsjaar: huisartspraktijk",
        ]
        .iter()
        .map(|name| PartRule {
            name: (*name).into(),
            required: Months::whole(12),
            expected_periods: Vec::new(),
        })
        .collect(),
        eu_minimum: Some(Months::whole(36)),
        recognitions: None,
        ..igt()
    }
}

fn in_part(part: usize, label: &str, start: &str, end: &str) -> Period {
    Period {
        part,
        ..period(label, RADBOUD, start, end, 100)
    }
}

#[test]
fn a_huisarts_schedule_with_all_36_months_in_the_first_part_is_not_complete_and_names_each_part() {
    let schedule = Schedule {
        periods: vec![
            in_part(0, "Eerste jaar", "2026-12-01", "2027-12-01"),
            in_part(0, "Tweede jaar", "2027-12-01", "2028-12-01"),
            in_part(0, "Derde jaar", "2028-12-01", "2029-12-01"),
        ],
        ..Schedule::default()
    };
    let report = check(&schedule, &huisarts(), &context());
    assert!(!report.is_complete());
    let messages: Vec<(Code, &str)> = report
        .findings
        .iter()
        .map(|f| (f.code, f.message.as_str()))
        .collect();
    assert!(messages.contains(&(
        Code::StillToPlan,
        "Tweede opleidingsjaar: klinische stages: nog 12 maanden in te plannen (0 van 12 \
         maanden ingevoerd)."
    )));
    assert!(messages.contains(&(
        Code::StillToPlan,
        "Derde opleidingsjaar: huisartspraktijk: nog 12 maanden in te plannen (0 van 12 \
         maanden ingevoerd)."
    )));
    let over = report
        .findings
        .iter()
        .find(|f| f.code == Code::PartOverRequired)
        .unwrap();
    assert_eq!(over.subject, super::findings::Subject::Part(0));
    assert!(
        over.message.starts_with(
            "Eerste opleidingsjaar: huisartspraktijk: er is 24 maanden meer ingepland"
        ),
        "{}",
        over.message
    );
    assert!(
        over.message
            .contains("Hoort een periode bij een ander opleidingsonderdeel?")
    );
    let totals = &report.totals;
    assert_eq!(totals.in_schedule(), Months::whole(36));
    assert_eq!(totals.to_plan, Months::whole(24));
    let to_plan: Vec<Months> = totals.parts.iter().map(|p| p.to_plan).collect();
    assert_eq!(
        to_plan,
        [Months::ZERO, Months::whole(12), Months::whole(12)]
    );
    // The other parts still need their 24 months after the schedule.
    assert_eq!(totals.expected_end, Some(d("2031-12-01")));
    assert_eq!(totals.assumed_part_time, Some(100));
}

#[test]
fn a_huisarts_schedule_with_each_year_in_its_own_part_is_complete() {
    let schedule = Schedule {
        periods: vec![
            in_part(0, "Eerste jaar", "2026-12-01", "2027-12-01"),
            in_part(1, "Ziekenhuis", "2027-12-01", "2028-06-01"),
            in_part(1, "GGZ", "2028-06-01", "2028-12-01"),
            in_part(2, "Derde jaar", "2028-12-01", "2029-12-01"),
        ],
        ..Schedule::default()
    };
    let report = check(&schedule, &huisarts(), &context());
    assert!(report.is_complete(), "{:#?}", report.findings);
    assert!(report.findings.is_empty(), "{:#?}", report.findings);
    assert_eq!(report.totals.expected_end, Some(d("2029-12-01")));
    assert_eq!(report.totals.assumed_part_time, None);
}

#[test]
fn a_part_that_is_still_empty_is_not_filled_by_another_part_in_the_expected_end() {
    // The first two years are planned; the third is still empty. The end is a year after the
    // schedule, whatever the other parts hold.
    let schedule = Schedule {
        periods: vec![
            in_part(0, "Eerste jaar", "2026-12-01", "2028-06-01"),
            in_part(1, "Tweede jaar", "2028-06-01", "2029-06-01"),
        ],
        ..Schedule::default()
    };
    let report = check(&schedule, &huisarts(), &context());
    assert_eq!(report.totals.parts[0].over, Months::whole(6));
    assert_eq!(report.totals.parts[2].to_plan, Months::whole(12));
    assert_eq!(report.totals.expected_end, Some(d("2030-06-01")));
}

#[test]
fn a_shortening_of_one_part_lowers_that_part_only() {
    let schedule = Schedule {
        periods: vec![
            in_part(0, "Eerste jaar", "2026-12-01", "2027-12-01"),
            in_part(1, "Tweede jaar", "2027-12-01", "2028-06-01"),
        ],
        shortenings: vec![Shortening {
            part: 1,
            months: Months::whole(6),
            ground: ShorteningGround::Evc,
        }],
        ..Schedule::default()
    };
    let report = check(&schedule, &huisarts(), &context());
    let required: Vec<Months> = report.totals.parts.iter().map(|p| p.required).collect();
    assert_eq!(
        required,
        [Months::whole(12), Months::whole(6), Months::whole(12)]
    );
    assert_eq!(report.totals.parts[1].to_plan, Months::ZERO);
    assert_eq!(report.totals.parts[2].to_plan, Months::whole(12));
}

#[test]
fn an_empty_schedule_can_be_kept_but_not_submitted_and_says_why() {
    let report = check(&Schedule::default(), &huisarts(), &context());
    assert!(!report.can_submit());
    let empty = report
        .findings
        .iter()
        .find(|f| f.code == Code::NoPeriods)
        .unwrap();
    assert!(
        empty
            .message
            .contains("De inschrijving begint met de eerste periode")
    );
    assert!(empty.message.contains("als concept bewaren"));
}

#[test]
fn a_pregnancy_leave_is_listed_as_time_that_is_not_training_time_with_its_length() {
    let case = cases()
        .into_iter()
        .find(|c| c.name.starts_with("Zes weken zwangerschapsverlof"))
        .unwrap();
    let report = check(&case.schedule, &igt(), &case.context);
    let uncounted = &report.totals.uncounted;
    assert_eq!(uncounted.len(), 1);
    assert_eq!(uncounted[0].kind, "Zwangerschaps- en bevallingsverlof");
    assert_eq!((uncounted[0].days, uncounted[0].working_days), (42, 30));
    assert_eq!(report.totals.days_to_make_up, 0);
}

#[test]
fn the_expected_end_says_which_part_time_it_assumes_for_what_is_not_planned() {
    let schedule = Schedule {
        periods: vec![period(
            "Ziekenhuis 1",
            RADBOUD,
            "2026-01-01",
            "2027-01-01",
            80,
        )],
        ..Schedule::default()
    };
    let report = check(&schedule, &igt(), &context());
    assert_eq!(report.totals.assumed_part_time, Some(80));
    let complete = check(
        &Schedule {
            periods: complete_igt(),
            ..Schedule::default()
        },
        &igt(),
        &context(),
    );
    assert_eq!(complete.totals.assumed_part_time, None);
}

#[test]
fn a_shortfall_of_less_than_a_tenth_of_a_month_is_said_in_days_with_the_right_word() {
    let mut periods = complete_igt();
    periods[3].end = d("2028-09-30");
    let report = check(
        &Schedule {
            periods,
            ..Schedule::default()
        },
        &igt(),
        &context(),
    );
    let still = report
        .findings
        .iter()
        .find(|f| f.code == Code::StillToPlan)
        .unwrap();
    assert!(
        still.message.starts_with("Nog 1 dag in te plannen"),
        "{}",
        still.message
    );
}

#[test]
fn the_rows_of_each_part_add_up_to_its_time_in_the_schedule() {
    let case = cases()
        .into_iter()
        .find(|c| c.name.starts_with("21 werkdagen ziek"))
        .unwrap();
    let report = check(&case.schedule, &igt(), &case.context);
    let part = &report.totals.parts[0];
    assert!(part.credited.is_positive() && part.held.is_positive());
    assert_eq!(
        part.planned + part.credited + part.held + part.to_plan,
        part.required
    );
    assert_eq!(report.totals.in_schedule(), Months::whole(33));
    let make_up = report
        .findings
        .iter()
        .find(|f| f.code == Code::MakeUpToPlan)
        .unwrap();
    assert_eq!(
        make_up.message,
        "Nog 11 werkdagen in te halen na het einde van de laatste periode (01-10-2028): \
         verleng de laatste periode tot 17-10-2028 of voeg een periode toe."
    );
}
