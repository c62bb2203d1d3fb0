//! A schedule version ready for `templates/partials/schedule.html`: its items with Dutch
//! dates, the rules engine's findings linked to the items they concern, the totals and the
//! timeline. Shared by every area that shows a schedule (aios, opleider, back office).

use crate::platform::ids::TrainingId;
use uuid::Uuid;

use crate::web::timeline::{self, Timeline, TimelineInput};
use rules::person::{format_date, format_when};
use rules::schedule::check::{self, Report};
use rules::schedule::diff::{self, DiffInput, Keyed};
use rules::schedule::findings::{Code, Severity, Subject};
use rules::schedule::model::{CheckContext, SpecialtyRules};
use rules::schedule::months::{self, Months};
use sqlx::PgConnection;

use crate::trainings::schedule::{self, LoadedVersion, Version};

/// A finding as shown.
#[derive(Clone, Debug)]
pub struct FindingView {
    /// "Fout", "Waarschuwing" or "Ter informatie": meaning never by colour alone.
    pub label: &'static str,
    /// CSS modifier: error, warning, info.
    pub class: &'static str,
    /// The message.
    pub message: String,
    /// Link to the item it concerns on the page.
    pub href: String,
}

/// A period as shown.
#[derive(Clone, Debug)]
pub struct PeriodView {
    /// Row id (for edit links).
    pub id: String,
    /// The part's name.
    pub part: String,
    /// Label.
    pub label: String,
    /// Institution.
    pub institution: String,
    /// Opleider or "nog niet bekend".
    pub supervisor: String,
    /// Start date, Dutch.
    pub from: String,
    /// End date ("tot"), Dutch.
    pub to: String,
    /// Part-time percentage.
    pub part_time_pct: i16,
    /// Calendar months, Dutch notation.
    pub calendar: String,
    /// Effective months, Dutch notation.
    pub effective: String,
    /// Shown beside a version proposed to replace another: the tag ("Gewijzigd" or "Nieuw")
    /// and its colour modifier.
    pub change: Option<(&'static str, &'static str)>,
    /// The old values of what changed, beside a proposed version.
    pub was: Was,
}

/// The old values of an item's changed fields, shown struck through under the new ones when
/// a proposed version is compared with the current one; `None` where nothing changed.
#[derive(Clone, Debug, Default)]
pub struct Was {
    /// Label.
    pub label: Option<String>,
    /// Part.
    pub part: Option<String>,
    /// Institution.
    pub institution: Option<String>,
    /// Opleider.
    pub supervisor: Option<String>,
    /// Start date.
    pub from: Option<String>,
    /// End date ("tot").
    pub to: Option<String>,
    /// Part-time percentage, with its sign ("100 %").
    pub part_time: Option<String>,
    /// Interruption type.
    pub kind: Option<String>,
}

impl Was {
    /// The old values of `change`, field by field.
    fn of(change: &diff::Change) -> Was {
        let old = |name: &str| change.field(name).map(|f| f.before.clone());
        Was {
            label: old(diff::field::LABEL),
            part: old(diff::field::PART),
            institution: old(diff::field::INSTITUTION),
            supervisor: old(diff::field::SUPERVISOR),
            from: old(diff::field::START),
            to: old(diff::field::END),
            part_time: old(diff::field::PART_TIME_PCT),
            kind: old(diff::field::KIND),
        }
    }
}

/// What a proposed version did to an item, as its tag says it, with the tag's colour.
fn change_tag(change: &diff::Change) -> (&'static str, &'static str) {
    match change.kind {
        diff::ChangeKind::Added => ("Nieuw", "tag--done"),
        diff::ChangeKind::Removed => ("Verwijderd", "tag--removed"),
        diff::ChangeKind::Changed => ("Gewijzigd", ""),
    }
}

/// An interruption as shown.
#[derive(Clone, Debug)]
pub struct InterruptionView {
    /// Row id.
    pub id: String,
    /// Type name.
    pub kind: String,
    /// Start, Dutch.
    pub from: String,
    /// End ("tot"), Dutch.
    pub to: String,
    /// Institution.
    pub institution: String,
    /// Note.
    pub note: String,
    /// Entered by the RGS: shown, not editable by the aios.
    pub by_rgs: bool,
    /// Shown beside a version proposed to replace another: the tag ("Gewijzigd" or "Nieuw")
    /// and its colour modifier.
    pub change: Option<(&'static str, &'static str)>,
    /// The old values of what changed, beside a proposed version.
    pub was: Was,
}

/// The totals of one part as shown, with the rows of its interruption time.
#[derive(Clone, Debug)]
pub struct PartTotalsView {
    /// Name.
    pub name: String,
    /// Effective months of its periods done.
    pub done: String,
    /// Effective months of its periods.
    pub planned: String,
    /// Interruption time that counts as training time, with what of it is done, when there
    /// is any.
    pub credited: Option<(String, String)>,
    /// Interruption time above the allowance (made up in working days), when there is any.
    pub held: Option<String>,
    /// Required months.
    pub required: String,
    /// Still to plan.
    pub to_plan: String,
    /// The periods the part expects, as guidance ("Ziekenhuis 1, Ziekenhuis 2, …").
    pub expected_periods: String,
}

/// An interruption that is not training time, as shown under the totals.
#[derive(Clone, Debug)]
pub struct UncountedView {
    /// Type name.
    pub kind: String,
    /// Start, Dutch.
    pub from: String,
    /// End ("tot"), Dutch.
    pub to: String,
    /// "16 weken (80 werkdagen)".
    pub length: String,
}

/// Everything `partials/schedule.html` shows.
#[derive(Clone, Debug)]
pub struct ScheduleView {
    /// Per part.
    pub parts: Vec<PartTotalsView>,
    /// Periods.
    pub periods: Vec<PeriodView>,
    /// Interruptions.
    pub interruptions: Vec<InterruptionView>,
    /// Approved shortenings, described.
    pub shortenings: Vec<String>,
    /// Extensions, described.
    pub extensions: Vec<String>,
    /// Findings, errors first.
    pub findings: Vec<FindingView>,
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
    /// The check in one sentence: complete or not, with the counts in words.
    pub verdict: String,
    /// Whether the schedule is complete and free of errors.
    pub complete: bool,
    /// Whether to tell the aios that an incomplete schedule is normal while building it up:
    /// only on their own concept.
    pub building_help: bool,
    /// Effective months done, in total.
    pub done: String,
    /// What the schedule holds in total: periods and interruption time.
    pub planned: String,
    /// Required in total.
    pub required: String,
    /// Still to plan in total.
    pub to_plan: String,
    /// Whether the table needs its total row (several parts or rows of interruption time).
    pub total_row: bool,
    /// Working days of interruption to make up, in words ("11 werkdagen"), when there are
    /// any.
    pub make_up: Option<String>,
    /// Interruptions that are not training time.
    pub uncounted: Vec<UncountedView>,
    /// End of the last period, or why there is none.
    pub planned_end: String,
    /// When the requirement is met.
    pub expected_end: Option<String>,
    /// What the expected end assumes or adds, in words, when anything.
    pub expected_end_note: Option<String>,
    /// The drawing.
    pub timeline: Option<Timeline>,
    /// Whether the aios may edit (a concept, shown to its aios).
    pub editable: bool,
    /// Where the edit links point: `/aios/opleidingen/{id}`.
    pub base: String,
    /// The revision edit forms carry.
    pub revision: i32,
}

impl ScheduleView {
    /// Its errors and warnings counted in words: "1 fout, 2 waarschuwingen".
    pub fn counts(&self) -> String {
        counts_in_words(self.errors, self.warnings)
    }
}

/// "1 fout, 2 waarschuwingen".
pub fn counts_in_words(errors: usize, warnings: usize) -> String {
    format!(
        "{}, {}",
        months::counted(errors as i64, "fout", "fouten"),
        months::counted(warnings as i64, "waarschuwing", "waarschuwingen")
    )
}

/// A stretch of days in words: whole weeks as weeks, else days, with its working days.
fn length_in_words(days: i64, working_days: i64) -> String {
    let length = if days % 7 == 0 {
        months::counted(days / 7, "week", "weken")
    } else {
        months::counted(days, "dag", "dagen")
    };
    format!(
        "{length} ({})",
        months::counted(working_days, "werkdag", "werkdagen")
    )
}

fn anchor(loaded: &LoadedVersion, subject: Subject) -> String {
    match subject {
        Subject::Period(i) => loaded
            .periods
            .get(i)
            .map_or_else(|| "#periodes".to_owned(), |p| format!("#periode-{}", p.id)),
        Subject::Interruption(i) => loaded.interruptions.get(i).map_or_else(
            || "#onderbrekingen".to_owned(),
            |p| format!("#onderbreking-{}", p.id),
        ),
        Subject::TrainingYear(_) => "#onderbrekingen".to_owned(),
        Subject::Shortening(_) | Subject::Extension(_) => "#aanpassingen".to_owned(),
        Subject::Part(_) | Subject::Schedule => "#totalen".to_owned(),
    }
}

/// Checks `loaded` against `rules` and prepares it for the page.
pub fn build(
    loaded: &LoadedVersion,
    rules: &SpecialtyRules,
    context: &CheckContext,
    editable: bool,
    base: String,
) -> (ScheduleView, Report) {
    let schedule = loaded.schedule();
    let report = check::check(&schedule, rules, context);
    let mut findings: Vec<_> = report.findings.iter().collect();
    findings.sort_by_key(|f| f.severity());
    let findings: Vec<FindingView> = findings
        .into_iter()
        .map(|f| FindingView {
            label: f.severity().label(),
            class: match f.severity() {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            },
            message: f.message.clone(),
            href: anchor(loaded, f.subject),
        })
        .collect();
    let (errors, warnings) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
    );
    let complete = report.is_complete();
    let verdict = match (complete, errors + warnings) {
        (true, 0) => "Het schema is compleet en bevat geen fouten of waarschuwingen.".to_owned(),
        (true, _) => format!(
            "Het schema is compleet. {}.",
            counts_in_words(errors, warnings)
        ),
        (false, 0) => {
            "Het schema is nog niet compleet: hieronder staat wat nog ontbreekt.".to_owned()
        }
        (false, _) => format!(
            "Het schema is nog niet compleet. {}.",
            counts_in_words(errors, warnings)
        ),
    };
    let building_help = editable
        && report
            .findings
            .iter()
            .any(|f| matches!(f.code, Code::StillToPlan | Code::NoPeriods));
    let timeline = draw(loaded, rules, &report, context.today, None);
    let totals = &report.totals;
    let make_up = |days: i64| months::counted(days, "werkdag", "werkdagen");
    let expected_end_note = match (totals.assumed_part_time, totals.days_to_make_up) {
        (Some(pct), 0) => Some(format!(
            "Wat nog niet is ingepland, is gerekend tegen {pct}\u{a0}% deeltijd, zoals de laatste \
             periode."
        )),
        (Some(pct), days) => Some(format!(
            "Wat nog niet is ingepland, is gerekend tegen {pct}\u{a0}% deeltijd, zoals de laatste \
             periode; daarna volgen de {} om in te halen.",
            make_up(days)
        )),
        (None, 0) => None,
        (None, days) => Some(format!(
            "Na de vereiste opleidingsduur volgen de {} om in te halen.",
            make_up(days)
        )),
    };
    let planned_end = match totals.planned_end {
        Some(end) => format_date(end),
        None if loaded.periods.is_empty() => "nog geen periodes".to_owned(),
        None => "nog geen geldige periode".to_owned(),
    };
    let shown = |m: Months| m.is_positive().then(|| m.dutch());
    let view = ScheduleView {
        parts: totals
            .parts
            .iter()
            .enumerate()
            .map(|(i, p)| PartTotalsView {
                name: p.name.clone(),
                done: p.done.dutch(),
                planned: p.planned.dutch(),
                credited: shown(p.credited).map(|c| (p.credited_done.dutch(), c)),
                held: shown(p.held),
                required: p.required.dutch(),
                to_plan: p.to_plan.dutch(),
                expected_periods: rules
                    .parts
                    .get(i)
                    .map(|r| r.expected_periods.join(", "))
                    .unwrap_or_default(),
            })
            .collect(),
        periods: loaded
            .periods
            .iter()
            .map(|p| {
                let calendar = if p.end_date > p.start_date {
                    months::between(p.start_date, p.end_date)
                } else {
                    Months::ZERO
                };
                PeriodView {
                    id: p.id.to_string(),
                    part: rules.part_name(p.part),
                    label: p.label.clone(),
                    institution: p.institution_name.clone(),
                    supervisor: p
                        .supervisor_name
                        .clone()
                        .unwrap_or_else(|| "nog niet bekend".to_owned()),
                    from: format_date(p.start_date),
                    to: format_date(p.end_date),
                    part_time_pct: p.part_time_pct,
                    calendar: calendar.dutch(),
                    effective: calendar
                        .at_percent(u8::try_from(p.part_time_pct).unwrap_or(0))
                        .dutch(),
                    change: None,
                    was: Was::default(),
                }
            })
            .collect(),
        interruptions: loaded
            .interruptions
            .iter()
            .map(|i| InterruptionView {
                id: i.id.to_string(),
                kind: i.kind_name.clone(),
                from: format_date(i.start_date),
                to: format_date(i.end_date),
                institution: i.institution_name.clone(),
                note: i.note.clone(),
                by_rgs: i.entered_by_rgs,
                change: None,
                was: Was::default(),
            })
            .collect(),
        shortenings: loaded
            .shortenings
            .iter()
            .map(|s| {
                let ground = s.ground.label();
                format!(
                    "{} verkorting van {} op grond van {ground}",
                    months::counted(i64::from(s.months), "maand", "maanden"),
                    rules.part_name(s.part)
                )
            })
            .collect(),
        extensions: loaded
            .extensions
            .iter()
            .map(|e| {
                let reason = if e.reason.is_empty() {
                    String::new()
                } else {
                    format!(": {}", e.reason)
                };
                format!(
                    "{} verlenging van {} (intensief begeleidingstraject, ingevoerd door de RGS){reason}",
                    months::counted(i64::from(e.months), "maand", "maanden"),
                    rules.part_name(e.part)
                )
            })
            .collect(),
        findings,
        errors,
        warnings,
        verdict,
        complete,
        building_help,
        done: totals.done.dutch(),
        planned: totals.in_schedule().dutch(),
        required: totals.required.dutch(),
        to_plan: totals.to_plan.dutch(),
        total_row: totals.parts.len() > 1
            || totals.credited.is_positive()
            || totals.held.is_positive(),
        make_up: (totals.days_to_make_up > 0)
            .then(|| months::counted(totals.days_to_make_up, "werkdag", "werkdagen")),
        uncounted: totals
            .uncounted
            .iter()
            .map(|u| UncountedView {
                kind: u.kind.clone(),
                from: format_date(u.start),
                to: format_date(u.end),
                length: length_in_words(u.days, u.working_days),
            })
            .collect(),
        planned_end,
        expected_end: totals.expected_end.map(format_date),
        expected_end_note,
        timeline,
        editable,
        base,
        revision: loaded.version.revision,
    };
    (view, report)
}

/// The drawing of `loaded`, checked into `report`, on an axis that also reaches `cover`.
fn draw(
    loaded: &LoadedVersion,
    rules: &SpecialtyRules,
    report: &Report,
    today: chrono::NaiveDate,
    cover: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
) -> Option<Timeline> {
    timeline::timeline(&TimelineInput {
        schedule: &loaded.schedule(),
        rules,
        institution_names: &loaded.names(),
        totals: &report.totals,
        today,
        cover,
    })
}

/// A version proposed to replace the current one, side by side with it: the differences item
/// by item, the proposed version's rows marked with what changed and the old values, and the
/// two drawings on one time axis, to be shown one above the other.
pub struct Compared {
    /// The current version, without its drawing.
    pub current: ScheduleView,
    /// The proposed version, without its drawing, its rows marked.
    pub proposed: ScheduleView,
    /// The differences, in the order of [`diff::diff`].
    pub changes: Vec<diff::Change>,
    /// The current version drawn on the shared axis.
    pub current_timeline: Option<Timeline>,
    /// The proposed version drawn on the shared axis.
    pub proposed_timeline: Option<Timeline>,
}

/// Compares `proposed` with `current`, each checked in its own context.
pub fn compared(
    (current, current_context): (&LoadedVersion, &CheckContext),
    (proposed, proposed_context): (&LoadedVersion, &CheckContext),
    rules: &SpecialtyRules,
    base: &str,
) -> Compared {
    let (mut current_view, current_report) =
        build(current, rules, current_context, false, base.to_owned());
    let (mut proposed_view, proposed_report) =
        build(proposed, rules, proposed_context, false, base.to_owned());
    let changes = changes(current, proposed, rules);
    for (view, item) in proposed_view.periods.iter_mut().zip(&proposed.periods) {
        if let Some(change) = diff::period_mark(&changes, item.origin_id) {
            view.change = Some(change_tag(change));
            view.was = Was::of(change);
        }
    }
    for (view, item) in proposed_view
        .interruptions
        .iter_mut()
        .zip(&proposed.interruptions)
    {
        if let Some(change) = diff::interruption_mark(&changes, item.origin_id) {
            view.change = Some(change_tag(change));
            view.was = Was::of(change);
        }
    }
    let extent = |loaded: &LoadedVersion, report: &Report| {
        timeline::extent(&loaded.schedule(), &report.totals)
    };
    let cover = match (
        extent(current, &current_report),
        extent(proposed, &proposed_report),
    ) {
        (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
        (one, other) => one.or(other),
    };
    let named = |timeline: Option<Timeline>, id: &str, title: String| {
        timeline.map(|t| Timeline {
            id: id.to_owned(),
            title,
            ..t
        })
    };
    let current_timeline = named(
        draw(
            current,
            rules,
            &current_report,
            current_context.today,
            cover,
        ),
        "tijdlijn-huidig",
        format!("Huidig schema (versie {})", current.version.number),
    );
    let proposed_timeline = named(
        draw(
            proposed,
            rules,
            &proposed_report,
            proposed_context.today,
            cover,
        ),
        "tijdlijn-voorgesteld",
        format!("Voorgesteld schema (versie {})", proposed.version.number),
    );
    current_view.timeline = None;
    proposed_view.timeline = None;
    Compared {
        current: current_view,
        proposed: proposed_view,
        changes,
        current_timeline,
        proposed_timeline,
    }
}

/// The differences from version `before` to version `after`, one Dutch sentence each.
pub fn changes(
    before: &LoadedVersion,
    after: &LoadedVersion,
    rules: &SpecialtyRules,
) -> Vec<diff::Change> {
    let (old, new) = (before.schedule(), after.schedule());
    let mut names = before.names();
    names.extend(after.names());
    let origins = |v: &LoadedVersion| -> (Vec<Uuid>, Vec<Uuid>) {
        (
            v.periods.iter().map(|p| p.origin_id).collect(),
            v.interruptions.iter().map(|i| i.origin_id).collect(),
        )
    };
    let (old_periods, old_interruptions) = origins(before);
    let (new_periods, new_interruptions) = origins(after);
    diff::diff(&DiffInput {
        before_periods: keyed(&old_periods, &old.periods),
        after_periods: keyed(&new_periods, &new.periods),
        before_interruptions: keyed(&old_interruptions, &old.interruptions),
        after_interruptions: keyed(&new_interruptions, &new.interruptions),
        before_shortenings: &old.shortenings,
        after_shortenings: &new.shortenings,
        before_extensions: &old.extensions,
        after_extensions: &new.extensions,
        rules,
        names: &names,
    })
}

/// Pairs items with their identity across versions.
fn keyed<'a, T>(keys: &[Uuid], items: &'a [T]) -> Vec<Keyed<'a, T>> {
    keys.iter()
        .zip(items)
        .map(|(key, item)| Keyed { key: *key, item })
        .collect()
}

/// One version in a training's history, with what changed since the version before.
pub struct HistoryEntry {
    /// The version.
    pub version: Version,
    /// When it was made, Dutch.
    pub created: String,
    /// When it was submitted.
    pub submitted: Option<String>,
    /// When it was decided.
    pub decided: Option<String>,
    /// When it was withdrawn.
    pub withdrawn: Option<String>,
    /// The differences with the version it was copied from, one sentence each.
    pub changes: Vec<String>,
    /// Whether it is the first version.
    pub first: bool,
}

/// The history of training `training`, newest first: each version compared with the version
/// it was copied from, or else with the one numbered before it.
pub async fn history(
    conn: &mut PgConnection,
    training: TrainingId,
    rules: &SpecialtyRules,
) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    let loaded = schedule::versions_with_items(&mut *conn, training).await?;
    Ok(history_of(&loaded, rules))
}

/// The history of a training whose versions are `loaded` (newest first), each compared with
/// the version it was based on, else the one before it.
pub fn history_of(loaded: &[LoadedVersion], rules: &SpecialtyRules) -> Vec<HistoryEntry> {
    loaded
        .iter()
        .enumerate()
        .map(|(i, version)| {
            let before = version
                .version
                .based_on_id
                .and_then(|id| loaded.iter().find(|v| v.version.id == id))
                .or_else(|| loaded.get(i + 1));
            HistoryEntry {
                version: version.version.clone(),
                created: format_when(version.version.created_at),
                submitted: version.version.submitted_at.map(format_when),
                decided: version.version.decided_at.map(format_when),
                withdrawn: version.version.withdrawn_at.map(format_when),
                changes: before
                    .map(|before| {
                        changes(before, version, rules)
                            .into_iter()
                            .map(|c| c.summary)
                            .collect()
                    })
                    .unwrap_or_default(),
                first: before.is_none(),
            }
        })
        .collect()
}
