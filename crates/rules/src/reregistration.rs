//! The portal's proposal for a herregistratie (docs/domain/registers.md): from what the specialist
//! declares about the five-year reference period, how long the new registration should last, and
//! why. The RGS-medewerker decides; this is the computed proposal shown to both. Pure.
//!
//! The rules (Kaderbesluit CGS art. D.8, docs/domain/registers.md):
//! - work in the specialty: on average at least 16 hours a week over the five years, with no
//!   interruption of more than two consecutive years;
//! - at least 200 hours of accredited continuing education (deskundigheidsbevordering);
//! - an individual evaluation (EIF) and an external quality evaluation (EKE).
//!
//! Meeting everything gives 5 years. Falling short:
//! - 8–16 hours a week on average: pro rata, 5 years × average / 16, at least 2.5 years;
//! - 100–200 hours of continuing education: pro rata, 5 years × hours / 200, at least 2.5 years;
//! - the EIF or EKE missing: 2.5 years, once; missing again at the next herregistratie: refused;
//! - below 8 hours a week, below 100 hours, or an interruption of more than two years: refused.
//!
//! Where two shortfalls meet, the shorter period applies. Months are whole, rounded down.

/// The years in the reference period.
pub const REFERENCE_YEARS: usize = 5;
/// Weeks counted per year for the weekly average.
pub const WEEKS_PER_YEAR: u32 = 52;
/// The full period, in months.
pub const FULL_MONTHS: u32 = 60;
/// The shortest period a shortfall gives, in months.
pub const SHORTEST_MONTHS: u32 = 30;

/// What the specialist declares.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Declaration {
    /// Hours worked in the specialty in each year of the reference period, oldest first.
    pub hours_per_year: [u32; REFERENCE_YEARS],
    /// Hours of accredited continuing education over the period.
    pub education_hours: u32,
    /// Whether the individual evaluation (EIF) was done.
    pub eif_done: bool,
    /// Whether the external quality evaluation (EKE) was done.
    pub eke_done: bool,
    /// Whether work in the specialty stopped for more than two consecutive years.
    pub interruption_over_two_years: bool,
    /// Whether the previous herregistratie was already shortened for a missing EIF or EKE.
    pub evaluation_missed_before: bool,
}

impl Declaration {
    /// Total hours worked over the period.
    pub fn total_hours(&self) -> u32 {
        self.hours_per_year.iter().sum()
    }

    /// The average hours a week, to one decimal, written the Dutch way ("15,1").
    pub fn average_label(&self) -> String {
        format!("{:.1}", self.average_per_week()).replace('.', ",")
    }

    /// The average hours a week, to one decimal, for display.
    pub fn average_per_week(&self) -> f64 {
        let weeks = f64::from(WEEKS_PER_YEAR) * REFERENCE_YEARS as f64;
        (f64::from(self.total_hours()) / weeks * 10.0).floor() / 10.0
    }
}

/// The computed proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Proposal {
    /// A new registration of this many months (30–60), with the reasons for any shortening.
    Register {
        /// Months.
        months: u32,
        /// Why it is shorter than 60 months (empty when it is not).
        reasons: Vec<String>,
    },
    /// Refusal, with the reasons.
    Refuse {
        /// Why.
        reasons: Vec<String>,
    },
}

/// The months a measure `actual` of `full` gives, pro rata: 60 × actual / full, rounded down,
/// at most 60.
fn pro_rata(actual: u32, full: u32) -> u32 {
    let months = u64::from(FULL_MONTHS) * u64::from(actual) / u64::from(full);
    u32::try_from(months.min(u64::from(FULL_MONTHS))).unwrap_or(FULL_MONTHS)
}

/// The proposal for `declaration`.
pub fn propose(declaration: &Declaration) -> Proposal {
    let full_hours = 16 * WEEKS_PER_YEAR * REFERENCE_YEARS as u32;
    let least_hours = full_hours / 2;
    let total = declaration.total_hours();
    let mut refusals = Vec::new();
    let mut reasons = Vec::new();
    let mut months = FULL_MONTHS;

    if declaration.interruption_over_two_years {
        refusals.push(
            "U heeft langer dan twee jaar aaneengesloten niet in uw specialisme gewerkt. \
             Herregistratie is dan niet mogelijk; neem contact op met de RGS over een \
             herintredingstraject."
                .to_owned(),
        );
    }
    if total < least_hours {
        refusals.push(format!(
            "U werkte gemiddeld {} uur per week in uw specialisme; minstens 8 uur is nodig \
             ({least_hours} uur in vijf jaar, u gaf {total} uur op).",
            declaration.average_label()
        ));
    } else if total < full_hours {
        let by_hours = pro_rata(total, full_hours).max(SHORTEST_MONTHS);
        months = months.min(by_hours);
        reasons.push(format!(
            "U werkte gemiddeld {} uur per week, minder dan 16: naar verhouding {by_hours} \
             maanden ({total} van {full_hours} uur).",
            declaration.average_label()
        ));
    }
    let education = declaration.education_hours;
    if education < 100 {
        refusals.push(format!(
            "U volgde {education} uur geaccrediteerde deskundigheidsbevordering; minstens 100 \
             uur is nodig voor een (verkorte) herregistratie, 200 uur voor vijf jaar."
        ));
    } else if education < 200 {
        let by_education = pro_rata(education, 200).max(SHORTEST_MONTHS);
        months = months.min(by_education);
        reasons.push(format!(
            "U volgde {education} uur deskundigheidsbevordering, minder dan 200: naar \
             verhouding {by_education} maanden."
        ));
    }
    let missing: Vec<&str> = [
        (!declaration.eif_done).then_some("de individuele evaluatie (EIF)"),
        (!declaration.eke_done).then_some("de externe kwaliteitsevaluatie (EKE)"),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !missing.is_empty() {
        let what = missing.join(" en ");
        if declaration.evaluation_missed_before {
            refusals.push(format!(
                "U heeft {what} niet gedaan, en uw vorige herregistratie was daarom al \
                 verkort. Een tweede keer is herregistratie niet mogelijk."
            ));
        } else {
            months = months.min(SHORTEST_MONTHS);
            reasons.push(format!(
                "U heeft {what} niet gedaan: eenmalig een herregistratie van 2,5 jaar (30 \
                 maanden). Doe de evaluatie voor de volgende herregistratie."
            ));
        }
    }
    if refusals.is_empty() {
        Proposal::Register { months, reasons }
    } else {
        Proposal::Refuse { reasons: refusals }
    }
}

/// The most hours a year has (366 days of 24 hours).
pub const MAX_HOURS_PER_YEAR: u32 = 8784;
/// The most hours of continuing education accepted over the period.
pub const MAX_EDUCATION_HOURS: u32 = 10_000;

/// The form fields of the years of the reference period, oldest first.
pub const HOURS_FIELDS: [&str; REFERENCE_YEARS] = ["uren1", "uren2", "uren3", "uren4", "uren5"];

/// The field of the continuing education hours.
pub const EDUCATION_FIELD: &str = "deskundigheidsbevordering";

/// A whole number of hours from 0 to `max`, as typed ("1 200" and "1.200" are read as 1200).
fn parse_hours(typed: &str, max: u32) -> Result<u32, String> {
    let digits: String = typed
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '.'))
        .collect();
    if digits.is_empty() {
        return Err("Vul het aantal uren in; vul 0 in als u geen uren had.".to_owned());
    }
    match digits.parse::<u32>() {
        Ok(hours) if hours <= max => Ok(hours),
        Ok(_) => Err(format!("Vul een aantal uren in van 0 tot en met {max}.")),
        Err(_) => Err("Vul een heel aantal uren in, in cijfers, bijvoorbeeld 832.".to_owned()),
    }
}

/// The declaration as typed in the form: the hours of each year, the continuing education
/// hours and the three checkboxes; `evaluation_missed_before` comes from the register. Every
/// field that cannot be read gets a Dutch message, keyed by its field name.
pub fn parse_declaration(
    hours: [&str; REFERENCE_YEARS],
    education: &str,
    eif_done: bool,
    eke_done: bool,
    interruption_over_two_years: bool,
    evaluation_missed_before: bool,
) -> Result<Declaration, Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let mut hours_per_year = [0; REFERENCE_YEARS];
    for (index, typed) in hours.iter().enumerate() {
        match parse_hours(typed, MAX_HOURS_PER_YEAR) {
            Ok(value) => hours_per_year[index] = value,
            Err(message) => errors.push((HOURS_FIELDS[index], message)),
        }
    }
    let education_hours = match parse_hours(education, MAX_EDUCATION_HOURS) {
        Ok(value) => value,
        Err(message) => {
            errors.push((EDUCATION_FIELD, message));
            0
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Declaration {
        hours_per_year,
        education_hours,
        eif_done,
        eke_done,
        interruption_over_two_years,
        evaluation_missed_before,
    })
}

impl Declaration {
    /// Whether the EIF or the EKE is missing (a period granted then is shortened for it).
    pub fn evaluation_missing(&self) -> bool {
        !(self.eif_done && self.eke_done)
    }
}

impl Proposal {
    /// The months proposed; `None` for a refusal.
    pub fn months(&self) -> Option<u32> {
        match self {
            Proposal::Register { months, .. } => Some(*months),
            Proposal::Refuse { .. } => None,
        }
    }

    /// Why it is shortened or refused.
    pub fn reasons(&self) -> &[String] {
        match self {
            Proposal::Register { reasons, .. } | Proposal::Refuse { reasons } => reasons,
        }
    }
}

/// The RGS's decision on a herregistratie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A new period of this many months.
    Grant(u32),
    /// Refused: the entry ends (and is struck off) at the end of its period.
    Refuse,
}

/// The RGS's decision as typed: `choice` is `toekennen` or `afwijzen`, `months` the period
/// granted (1–60), `note` the explanation, which is required for a refusal and for any
/// decision other than the proposal (`proposed`: the proposal's months, `None` for a proposed
/// refusal). Errors are keyed by field name (besluit, maanden, toelichting).
pub fn parse_verdict(
    choice: &str,
    months: &str,
    note: &str,
    proposed: Option<u32>,
) -> Result<(Verdict, String), Vec<(&'static str, String)>> {
    let mut errors = Vec::new();
    let note = note.trim();
    let verdict = match choice {
        "toekennen" => match months.trim().parse::<u32>() {
            Ok(m) if (1..=FULL_MONTHS).contains(&m) => Some(Verdict::Grant(m)),
            _ => {
                errors.push((
                    "maanden",
                    format!("Vul een aantal maanden in van 1 tot en met {FULL_MONTHS}."),
                ));
                None
            }
        },
        "afwijzen" => Some(Verdict::Refuse),
        _ => {
            errors.push((
                "besluit",
                "Kies of u de herregistratie toekent of afwijst.".to_owned(),
            ));
            None
        }
    };
    let follows_proposal = match verdict {
        Some(Verdict::Grant(m)) => proposed == Some(m),
        _ => false,
    };
    if note.chars().count() > 2000 {
        errors.push((
            "toelichting",
            "De toelichting mag hoogstens 2000 tekens hebben.".to_owned(),
        ));
    } else if verdict.is_some() && !follows_proposal && note.chars().count() < 5 {
        errors.push((
            "toelichting",
            "Licht het besluit toe (minstens 5 tekens): het wijkt af van het voorstel of is \
             een afwijzing. De specialist leest deze toelichting in het besluit."
                .to_owned(),
        ));
    }
    match verdict {
        Some(verdict) if errors.is_empty() => Ok((verdict, note.to_owned())),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Everything met: 16 hours a week, 200 hours, both evaluations.
    fn complete() -> Declaration {
        Declaration {
            hours_per_year: [832; 5],
            education_hours: 200,
            eif_done: true,
            eke_done: true,
            interruption_over_two_years: false,
            evaluation_missed_before: false,
        }
    }

    fn months(declaration: &Declaration) -> Option<u32> {
        match propose(declaration) {
            Proposal::Register { months, .. } => Some(months),
            Proposal::Refuse { .. } => None,
        }
    }

    fn per_week(hours: u32) -> Declaration {
        Declaration {
            hours_per_year: [hours * WEEKS_PER_YEAR; 5],
            ..complete()
        }
    }

    #[test]
    fn meeting_everything_gives_five_years_without_reasons() {
        assert_eq!(
            propose(&complete()),
            Proposal::Register {
                months: 60,
                reasons: Vec::new()
            }
        );
        assert_eq!(
            months(&per_week(40)),
            Some(60),
            "more than 16 hours adds nothing"
        );
    }

    #[test]
    fn sixteen_hours_a_week_is_the_boundary_for_five_years() {
        assert_eq!(months(&per_week(16)), Some(60));
        let mut just_under = per_week(16);
        just_under.hours_per_year[0] -= 1;
        assert_eq!(months(&just_under), Some(59));
    }

    #[test]
    fn between_eight_and_sixteen_hours_is_pro_rata() {
        assert_eq!(months(&per_week(12)), Some(45));
        assert_eq!(months(&per_week(8)), Some(30));
        let mut just_under = per_week(8);
        just_under.hours_per_year[4] -= 1;
        assert_eq!(months(&just_under), None, "below 8 hours a week is refused");
    }

    #[test]
    fn continuing_education_between_one_and_two_hundred_hours_is_pro_rata() {
        let with = |hours| Declaration {
            education_hours: hours,
            ..complete()
        };
        assert_eq!(months(&with(200)), Some(60));
        assert_eq!(months(&with(199)), Some(59));
        assert_eq!(months(&with(150)), Some(45));
        assert_eq!(months(&with(100)), Some(30));
        assert_eq!(months(&with(99)), None);
        assert_eq!(months(&with(0)), None);
    }

    #[test]
    fn a_missing_evaluation_gives_two_and_a_half_years_once() {
        let eif = Declaration {
            eif_done: false,
            ..complete()
        };
        match propose(&eif) {
            Proposal::Register { months, reasons } => {
                assert_eq!(months, 30);
                assert!(reasons[0].contains("EIF"), "{reasons:?}");
            }
            other => panic!("{other:?}"),
        }
        let eke = Declaration {
            eke_done: false,
            ..complete()
        };
        assert_eq!(months(&eke), Some(30));
        let again = Declaration {
            evaluation_missed_before: true,
            ..eke
        };
        assert_eq!(months(&again), None, "a second time is refused");
        let done_now = Declaration {
            evaluation_missed_before: true,
            ..complete()
        };
        assert_eq!(months(&done_now), Some(60), "done this time: no penalty");
    }

    #[test]
    fn an_interruption_of_more_than_two_years_is_refused() {
        let declaration = Declaration {
            interruption_over_two_years: true,
            ..complete()
        };
        match propose(&declaration) {
            Proposal::Refuse { reasons } => assert!(reasons[0].contains("twee jaar")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_shorter_of_two_shortfalls_applies_and_both_are_explained() {
        let declaration = Declaration {
            education_hours: 150,
            ..per_week(12)
        };
        match propose(&declaration) {
            Proposal::Register { months, reasons } => {
                assert_eq!(months, 45);
                assert_eq!(reasons.len(), 2);
            }
            other => panic!("{other:?}"),
        }
        let declaration = Declaration {
            education_hours: 180,
            eke_done: false,
            ..per_week(10)
        };
        assert_eq!(months(&declaration), Some(30));
    }

    proptest! {
        #[test]
        fn a_proposal_is_a_refusal_or_between_thirty_and_sixty_months(
            hours in proptest::array::uniform5(0u32..2000),
            education in 0u32..400,
            eif: bool,
            eke: bool,
            gap: bool,
            before: bool,
        ) {
            let declaration = Declaration {
                hours_per_year: hours,
                education_hours: education,
                eif_done: eif,
                eke_done: eke,
                interruption_over_two_years: gap,
                evaluation_missed_before: before,
            };
            match propose(&declaration) {
                Proposal::Register { months, reasons } => {
                    prop_assert!((SHORTEST_MONTHS..=FULL_MONTHS).contains(&months));
                    prop_assert_eq!(months == FULL_MONTHS, reasons.is_empty());
                }
                Proposal::Refuse { reasons } => prop_assert!(!reasons.is_empty()),
            }
        }

        #[test]
        fn more_hours_or_education_never_shortens_the_proposal(
            hours in 0u32..1200,
            extra in 0u32..400,
            education in 0u32..300,
            more in 0u32..100,
        ) {
            let base = Declaration {
                hours_per_year: [hours; 5],
                education_hours: education,
                ..complete()
            };
            let better = Declaration {
                hours_per_year: [hours + extra; 5],
                education_hours: education + more,
                ..complete()
            };
            prop_assert!(months(&better).unwrap_or(0) >= months(&base).unwrap_or(0));
        }
    }

    #[test]
    fn the_declaration_form_reads_whole_hours_and_names_each_wrong_field() {
        let read = parse_declaration(
            ["832", "1.200", " 0 ", "832", "832"],
            "200",
            true,
            false,
            false,
            true,
        )
        .expect("valid");
        assert_eq!(read.hours_per_year, [832, 1200, 0, 832, 832]);
        assert!(read.evaluation_missing());
        assert!(read.evaluation_missed_before);
        let errors = parse_declaration(
            ["", "abc", "8785", "12,5", "-3"],
            "",
            true,
            true,
            false,
            false,
        )
        .expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|(field, _)| *field).collect();
        assert_eq!(
            fields,
            [
                "uren1",
                "uren2",
                "uren3",
                "uren4",
                "uren5",
                "deskundigheidsbevordering"
            ]
        );
        assert!(errors[2].1.contains("8784"));
    }

    #[test]
    fn a_decision_that_differs_from_the_proposal_needs_an_explanation() {
        assert_eq!(
            parse_verdict("toekennen", "60", "", Some(60)),
            Ok((Verdict::Grant(60), String::new()))
        );
        let fields = |r: Result<(Verdict, String), Vec<(&'static str, String)>>| {
            r.expect_err("refused")
                .into_iter()
                .map(|(f, _)| f)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(parse_verdict("toekennen", "45", "", Some(60))),
            ["toelichting"]
        );
        assert_eq!(
            fields(parse_verdict("afwijzen", "", " ", None)),
            ["toelichting"]
        );
        assert_eq!(
            fields(parse_verdict("toekennen", "61", "", Some(60))),
            ["maanden"]
        );
        assert_eq!(
            fields(parse_verdict("toekennen", "zes", "", Some(60))),
            ["maanden"]
        );
        assert_eq!(fields(parse_verdict("", "", "", Some(60))), ["besluit"]);
        assert_eq!(
            parse_verdict("afwijzen", "", "Te weinig uren gewerkt.", None),
            Ok((Verdict::Refuse, "Te weinig uren gewerkt.".to_owned()))
        );
        assert_eq!(
            parse_verdict("toekennen", "45", "Aantoonbaar ziek geweest.", Some(30)),
            Ok((Verdict::Grant(45), "Aantoonbaar ziek geweest.".to_owned()))
        );
    }
}
