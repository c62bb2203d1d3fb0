//! Differences between two versions of a schedule, in Dutch: for the aios's version history
//! ("wat is er veranderd sinds de vorige versie") and for the opleider's side-by-side view,
//! which marks every added, removed or changed item and exactly which of its fields changed.
//!
//! Periods and interruptions have no identity in the pure [`model`](super::model); the caller
//! passes each with the stable id its database row carries across versions ([`Keyed`]), so a
//! period whose dates moved is reported as changed, not as removed plus added. Shortenings and
//! extensions have no such id and are compared as multisets: only added and removed.
//!
//! Pure: no I/O, no clock. Names of institutions and opleiders come in with the input.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use uuid::Uuid;

use super::model::{Extension, Interruption, Period, Shortening, ShorteningGround, SpecialtyRules};
use super::months::Months;
use crate::person::format_date;

/// One item of a version with its identity across versions: the id of its database row, which
/// a new version copies from the old one.
#[derive(Debug)]
pub struct Keyed<'a, T> {
    /// The identity; the same item in two versions has the same key.
    pub key: Uuid,
    /// The item itself.
    pub item: &'a T,
}

// Written out because a derive would demand `T: Clone`, while only a reference is copied.
impl<T> Clone for Keyed<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Keyed<'_, T> {}

/// Two versions of a schedule to compare, with what is needed to describe them in Dutch.
#[derive(Debug)]
pub struct DiffInput<'a> {
    /// The periods of the older version.
    pub before_periods: Vec<Keyed<'a, Period>>,
    /// The periods of the newer version.
    pub after_periods: Vec<Keyed<'a, Period>>,
    /// The interruptions of the older version.
    pub before_interruptions: Vec<Keyed<'a, Interruption>>,
    /// The interruptions of the newer version.
    pub after_interruptions: Vec<Keyed<'a, Interruption>>,
    /// The shortenings of the older version.
    pub before_shortenings: &'a [Shortening],
    /// The shortenings of the newer version.
    pub after_shortenings: &'a [Shortening],
    /// The extensions of the older version.
    pub before_extensions: &'a [Extension],
    /// The extensions of the newer version.
    pub after_extensions: &'a [Extension],
    /// The specialty, for the names of parts and interruption types.
    pub rules: &'a SpecialtyRules,
    /// Names for ids (institutions and opleiders); an unknown id shows as "onbekend".
    pub names: &'a BTreeMap<Uuid, String>,
}

/// What happened to an item between the two versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// Only in the newer version.
    Added,
    /// Only in the older version.
    Removed,
    /// In both, with at least one field different.
    Changed,
}

/// The item a [`Change`] concerns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeSubject {
    /// The period with this key.
    Period(Uuid),
    /// The interruption with this key.
    Interruption(Uuid),
    /// A shortening (they have no identity).
    Shortening,
    /// An extension (they have no identity).
    Extension,
}

/// The names [`FieldChange::field`] uses, so a view can ask for a cell without spelling it.
pub mod field {
    /// A period's label.
    pub const LABEL: &str = "label";
    /// The part a period belongs to.
    pub const PART: &str = "part";
    /// A period's or interruption's institution.
    pub const INSTITUTION: &str = "institution";
    /// A period's opleider.
    pub const SUPERVISOR: &str = "supervisor";
    /// The first day.
    pub const START: &str = "start";
    /// The exclusive end date.
    pub const END: &str = "end";
    /// A period's part-time percentage.
    pub const PART_TIME_PCT: &str = "part_time_pct";
    /// An interruption's type.
    pub const KIND: &str = "kind";
}

/// One field of a changed item, before and after, as shown to the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    /// Which field: one of the names in [`field`].
    pub field: &'static str,
    /// The old value, in Dutch display form.
    pub before: String,
    /// The new value, in Dutch display form.
    pub after: String,
}

/// One difference between two versions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// Which item.
    pub subject: ChangeSubject,
    /// A Dutch sentence describing the difference, e.g. "Periode Ziekenhuis 1 gewijzigd:
    /// einddatum 01-01-2027 → 01-03-2027".
    pub summary: String,
    /// The item in words, without the verb, for a view that marks the kind itself: the name of
    /// a changed item ("Periode Ziekenhuis 1"), all of an added or removed one ("Periode
    /// Ziekenhuis 2, Radboudumc, 01-07-2027 tot 01-07-2028, 100 %").
    pub what: String,
    /// For [`ChangeKind::Changed`], the fields that differ, in display order; empty otherwise.
    pub fields: Vec<FieldChange>,
}

impl Change {
    /// The change to `name` (one of [`field`]), when this change touches that field.
    pub fn field(&self, name: &str) -> Option<&FieldChange> {
        self.fields.iter().find(|f| f.field == name)
    }
}

/// The change to the period with `key`, if any: for marking a row in a side-by-side view.
/// With a key that occurs more than once (bad data) this is the first change for it.
pub fn period_mark(changes: &[Change], key: Uuid) -> Option<&Change> {
    changes
        .iter()
        .find(|c| c.subject == ChangeSubject::Period(key))
}

/// The change to the interruption with `key`, if any; see [`period_mark`].
pub fn interruption_mark(changes: &[Change], key: Uuid) -> Option<&Change> {
    changes
        .iter()
        .find(|c| c.subject == ChangeSubject::Interruption(key))
}

/// The differences from the `before_*` version to the `after_*` version: periods first, in
/// chronological order (a removed period by its old start date, so it stands where it was),
/// then interruptions in the same way, then shortenings, then extensions. Identical versions
/// give an empty list; an item with the same key and the same fields gives nothing.
///
/// A key that occurs more than once on one side is bad data but must not break the history:
/// occurrences are paired with equal items of the same key first, then in order; whatever is
/// left over is reported as a separate addition or removal.
pub fn diff(input: &DiffInput) -> Vec<Change> {
    let text = Text {
        rules: input.rules,
        names: input.names,
    };
    let mut changes = dated_changes(
        &input.before_periods,
        &input.after_periods,
        |p| (p.start, p.end),
        |kind, key, before, after| text.period_change(kind, key, before, after),
    );
    changes.extend(dated_changes(
        &input.before_interruptions,
        &input.after_interruptions,
        |x| (x.start, x.end),
        |kind, key, before, after| text.interruption_change(kind, key, before, after),
    ));
    changes.extend(multiset_changes(
        input.before_shortenings,
        input.after_shortenings,
        |kind, s| text.shortening_change(kind, s),
    ));
    changes.extend(multiset_changes(
        input.before_extensions,
        input.after_extensions,
        |kind, e| text.extension_change(kind, e),
    ));
    changes
}

/// How a keyed item fared: only before, only after, or in both.
enum Pairing<'a, T> {
    Removed(Keyed<'a, T>),
    Added(Keyed<'a, T>),
    Both(Keyed<'a, T>, Keyed<'a, T>),
}

/// Pairs the items of two versions by key. Equal items are paired first, so that a duplicated
/// key does not turn two unchanged items into two changed ones.
fn pair<'a, T: PartialEq>(before: &[Keyed<'a, T>], after: &[Keyed<'a, T>]) -> Vec<Pairing<'a, T>> {
    let mut open: BTreeMap<Uuid, Vec<usize>> = BTreeMap::new();
    for (index, item) in before.iter().enumerate() {
        open.entry(item.key).or_default().push(index);
    }
    let mut partner: Vec<Option<usize>> = vec![None; after.len()];
    for equal_only in [true, false] {
        for (slot, item) in partner.iter_mut().zip(after) {
            if slot.is_some() {
                continue;
            }
            let Some(candidates) = open.get_mut(&item.key) else {
                continue;
            };
            let found = candidates
                .iter()
                .position(|&b| !equal_only || before[b].item == item.item);
            if let Some(position) = found {
                *slot = Some(candidates.remove(position));
            }
        }
    }
    let mut paired = vec![false; before.len()];
    for index in partner.iter().flatten() {
        paired[*index] = true;
    }
    let removed = before
        .iter()
        .zip(&paired)
        .filter(|(_, paired)| !**paired)
        .map(|(item, _)| Pairing::Removed(*item));
    let kept = after
        .iter()
        .zip(&partner)
        .map(|(item, partner)| match partner {
            Some(b) => Pairing::Both(before[*b], *item),
            None => Pairing::Added(*item),
        });
    removed.chain(kept).collect()
}

/// The changes for one kind of keyed, dated item, in chronological order: by the newer
/// version's dates, a removed item by its old ones. At equal dates a removal comes before
/// what replaced it.
fn dated_changes<'a, T: PartialEq>(
    before: &[Keyed<'a, T>],
    after: &[Keyed<'a, T>],
    dates: impl Fn(&T) -> (NaiveDate, NaiveDate),
    describe: impl Fn(ChangeKind, Uuid, &T, &T) -> Option<Change>,
) -> Vec<Change> {
    let mut dated: Vec<((NaiveDate, NaiveDate), Change)> = pair(before, after)
        .into_iter()
        .filter_map(|pairing| match pairing {
            Pairing::Removed(b) => describe(ChangeKind::Removed, b.key, b.item, b.item)
                .map(|change| (dates(b.item), change)),
            Pairing::Added(a) => describe(ChangeKind::Added, a.key, a.item, a.item)
                .map(|change| (dates(a.item), change)),
            Pairing::Both(b, a) => describe(ChangeKind::Changed, a.key, b.item, a.item)
                .map(|change| (dates(a.item), change)),
        })
        .collect();
    // Stable, so ties keep the removed-first order `pair` produced.
    dated.sort_by_key(|(dates, _)| *dates);
    dated.into_iter().map(|(_, change)| change).collect()
}

/// Removals (in the older order) then additions (in the newer order) of items without identity.
fn multiset_changes<T: PartialEq>(
    before: &[T],
    after: &[T],
    describe: impl Fn(ChangeKind, &T) -> Change,
) -> Vec<Change> {
    let removed = without(before, after)
        .into_iter()
        .map(|item| describe(ChangeKind::Removed, item));
    let added = without(after, before)
        .into_iter()
        .map(|item| describe(ChangeKind::Added, item));
    removed.chain(added).collect()
}

/// The items of `from` left after taking out one equal item for each item of `minus`.
fn without<'a, T: PartialEq>(from: &'a [T], minus: &[T]) -> Vec<&'a T> {
    let mut taken = vec![false; minus.len()];
    from.iter()
        .filter(|item| {
            let found = minus
                .iter()
                .zip(taken.iter())
                .position(|(other, taken)| !taken && other == *item);
            match found {
                Some(index) => {
                    taken[index] = true;
                    false
                }
                None => true,
            }
        })
        .collect()
}

/// Builds the Dutch texts.
struct Text<'a> {
    rules: &'a SpecialtyRules,
    names: &'a BTreeMap<Uuid, String>,
}

impl Text<'_> {
    fn name(&self, id: Uuid) -> String {
        self.names
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "onbekend".into())
    }

    fn supervisor(&self, id: Option<Uuid>) -> String {
        id.map_or_else(|| "geen".into(), |id| self.name(id))
    }

    fn part(&self, index: usize) -> String {
        self.rules
            .parts
            .get(index)
            .map_or_else(|| format!("onderdeel {}", index + 1), |p| p.name.clone())
    }

    fn interruption_type(&self, code: &str) -> String {
        // An unknown code is still more telling than "onbekend".
        self.rules
            .interruption_types
            .get(code)
            .map_or_else(|| code.to_string(), |t| t.name.clone())
    }

    /// `None` for a pair without differences.
    fn period_change(
        &self,
        kind: ChangeKind,
        key: Uuid,
        before: &Period,
        after: &Period,
    ) -> Option<Change> {
        let subject = ChangeSubject::Period(key);
        let describe = |p: &Period| {
            format!(
                "{}, {}, {} tot {}, {}",
                label(&p.label),
                self.name(p.institution),
                format_date(p.start),
                format_date(p.end),
                percent(p.part_time_pct)
            )
        };
        match kind {
            ChangeKind::Added => Some(simple(kind, subject, "Periode", describe(after))),
            ChangeKind::Removed => Some(simple(kind, subject, "Periode", describe(before))),
            ChangeKind::Changed => {
                let mut fields = Vec::new();
                compare(
                    &mut fields,
                    field::LABEL,
                    &before.label,
                    &after.label,
                    |l| label(l),
                );
                compare(&mut fields, field::PART, &before.part, &after.part, |p| {
                    self.part(*p)
                });
                compare(
                    &mut fields,
                    field::INSTITUTION,
                    &before.institution,
                    &after.institution,
                    |i| self.name(*i),
                );
                compare(
                    &mut fields,
                    field::SUPERVISOR,
                    &before.supervisor,
                    &after.supervisor,
                    |s| self.supervisor(*s),
                );
                dates_and(
                    &mut fields,
                    (before.start, before.end),
                    (after.start, after.end),
                );
                compare(
                    &mut fields,
                    field::PART_TIME_PCT,
                    &before.part_time_pct,
                    &after.part_time_pct,
                    |p| percent(*p),
                );
                changed(subject, format!("Periode {}", label(&before.label)), fields)
            }
        }
    }

    /// `None` for a pair without differences.
    fn interruption_change(
        &self,
        kind: ChangeKind,
        key: Uuid,
        before: &Interruption,
        after: &Interruption,
    ) -> Option<Change> {
        let subject = ChangeSubject::Interruption(key);
        let describe = |x: &Interruption| {
            format!(
                "{}, {} tot {} ({})",
                self.interruption_type(&x.kind),
                format_date(x.start),
                format_date(x.end),
                self.name(x.institution)
            )
        };
        match kind {
            ChangeKind::Added => Some(simple(kind, subject, "Onderbreking", describe(after))),
            ChangeKind::Removed => Some(simple(kind, subject, "Onderbreking", describe(before))),
            ChangeKind::Changed => {
                let mut fields = Vec::new();
                compare(&mut fields, field::KIND, &before.kind, &after.kind, |k| {
                    self.interruption_type(k)
                });
                compare(
                    &mut fields,
                    field::INSTITUTION,
                    &before.institution,
                    &after.institution,
                    |i| self.name(*i),
                );
                dates_and(
                    &mut fields,
                    (before.start, before.end),
                    (after.start, after.end),
                );
                // Type and start date, because several interruptions may share a type.
                let heading = format!(
                    "Onderbreking {} van {}",
                    self.interruption_type(&before.kind),
                    format_date(before.start)
                );
                changed(subject, heading, fields)
            }
        }
    }

    fn shortening_change(&self, kind: ChangeKind, shortening: &Shortening) -> Change {
        simple(
            kind,
            ChangeSubject::Shortening,
            "Verkorting",
            format!(
                "{} ({}), grond: {}",
                months(shortening.months),
                self.part(shortening.part),
                ground(shortening.ground)
            ),
        )
    }

    fn extension_change(&self, kind: ChangeKind, extension: &Extension) -> Change {
        simple(
            kind,
            ChangeSubject::Extension,
            "Verlenging",
            format!(
                "{} ({})",
                months(extension.months),
                self.part(extension.part)
            ),
        )
    }
}

/// An added or removed item: "Periode toegevoegd: Ziekenhuis 2, …", for the item of type
/// `noun` described by `description`.
fn simple(kind: ChangeKind, subject: ChangeSubject, noun: &str, description: String) -> Change {
    Change {
        kind,
        subject,
        summary: format!("{noun} {}: {description}", verb(kind)),
        what: format!("{noun} {description}"),
        fields: Vec::new(),
    }
}

/// A changed item named `name` ("Periode Ziekenhuis 1"), or `None` when no field differs.
fn changed(subject: ChangeSubject, name: String, fields: Vec<FieldChange>) -> Option<Change> {
    if fields.is_empty() {
        return None;
    }
    let details: Vec<String> = fields
        .iter()
        .map(|f| format!("{} {} → {}", field_name(f.field), f.before, f.after))
        .collect();
    Some(Change {
        kind: ChangeKind::Changed,
        subject,
        summary: format!("{name} gewijzigd: {}", details.join("; ")),
        what: name,
        fields,
    })
}

/// Adds a field change when the values differ. Raw values are compared, not their display, so
/// a move between two institutions without a known name still counts.
fn compare<T: PartialEq>(
    fields: &mut Vec<FieldChange>,
    field: &'static str,
    before: &T,
    after: &T,
    show: impl Fn(&T) -> String,
) {
    if before != after {
        fields.push(FieldChange {
            field,
            before: show(before),
            after: show(after),
        });
    }
}

fn dates_and(
    fields: &mut Vec<FieldChange>,
    (before_start, before_end): (NaiveDate, NaiveDate),
    (after_start, after_end): (NaiveDate, NaiveDate),
) {
    compare(fields, field::START, &before_start, &after_start, |d| {
        format_date(*d)
    });
    compare(fields, field::END, &before_end, &after_end, |d| {
        format_date(*d)
    });
}

/// The Dutch word for a field in a summary.
fn field_name(field: &str) -> &'static str {
    match field {
        field::LABEL => "naam",
        field::PART => "onderdeel",
        field::INSTITUTION => "instelling",
        field::SUPERVISOR => "opleider",
        field::START => "begindatum",
        field::END => "einddatum",
        field::PART_TIME_PCT => "deeltijd",
        field::KIND => "soort",
        _ => "gegeven",
    }
}

fn verb(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "toegevoegd",
        ChangeKind::Removed => "verwijderd",
        ChangeKind::Changed => "gewijzigd",
    }
}

fn ground(ground: ShorteningGround) -> &'static str {
    match ground {
        ShorteningGround::Evc => "eerder verworven competenties (EVC)",
        ShorteningGround::Svc => "sneller verworven competenties (SVC)",
        ShorteningGround::Schakeljaar => "schakeljaar",
    }
}

/// A label as shown; an empty one would leave a hole in the sentence.
fn label(label: &str) -> String {
    if label.trim().is_empty() {
        "(zonder naam)".into()
    } else {
        label.to_string()
    }
}

fn percent(pct: u8) -> String {
    format!("{pct} %")
}

fn months(length: Months) -> String {
    let number = length.dutch();
    if number == "1" {
        "1 maand".into()
    } else {
        format!("{number} maanden")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::{Duration, NaiveDate};
    use proptest::prelude::*;
    use uuid::Uuid;

    use super::*;
    use crate::schedule::model::{InterruptionType, PartRule};

    const RADBOUD: Uuid = Uuid::from_u128(1);
    const ISALA: Uuid = Uuid::from_u128(2);
    const NTC: Uuid = Uuid::from_u128(3);
    const DR_JANSEN: Uuid = Uuid::from_u128(101);

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|_| panic!("bad date {text}"))
    }

    fn key(n: u128) -> Uuid {
        Uuid::from_u128(1000 + n)
    }

    fn rules() -> SpecialtyRules {
        SpecialtyRules {
            name: "IGT".into(),
            parts: vec![PartRule {
                name: "Opleiding tot AIGT".into(),
                required: Months::whole(33),
                expected_periods: Vec::new(),
            }],
            eu_minimum: None,
            recognitions: None,
            interruption_types: BTreeMap::from([(
                "ziekte".to_string(),
                InterruptionType {
                    name: "Ziekte".into(),
                    counts_towards_limit: true,
                },
            )]),
        }
    }

    fn names() -> BTreeMap<Uuid, String> {
        BTreeMap::from([
            (RADBOUD, "Radboudumc".to_string()),
            (ISALA, "Isala".to_string()),
            (NTC, "NTC".to_string()),
            (DR_JANSEN, "Dr. Jansen".to_string()),
        ])
    }

    fn period(label: &str, institution: Uuid, start: &str, end: &str, pct: u8) -> Period {
        Period {
            part: 0,
            label: label.into(),
            institution,
            supervisor: None,
            start: d(start),
            end: d(end),
            part_time_pct: pct,
        }
    }

    fn sick(start: &str, end: &str) -> Interruption {
        Interruption {
            kind: "ziekte".into(),
            start: d(start),
            end: d(end),
            institution: RADBOUD,
        }
    }

    /// A version: keyed periods and interruptions, shortenings and extensions.
    #[derive(Clone, Debug, Default)]
    struct Version {
        periods: Vec<(Uuid, Period)>,
        interruptions: Vec<(Uuid, Interruption)>,
        shortenings: Vec<Shortening>,
        extensions: Vec<Extension>,
    }

    fn keyed<T>(items: &[(Uuid, T)]) -> Vec<Keyed<'_, T>> {
        items
            .iter()
            .map(|(key, item)| Keyed { key: *key, item })
            .collect()
    }

    fn compare_versions(before: &Version, after: &Version) -> Vec<Change> {
        let rules = rules();
        let names = names();
        diff(&DiffInput {
            before_periods: keyed(&before.periods),
            after_periods: keyed(&after.periods),
            before_interruptions: keyed(&before.interruptions),
            after_interruptions: keyed(&after.interruptions),
            before_shortenings: &before.shortenings,
            after_shortenings: &after.shortenings,
            before_extensions: &before.extensions,
            after_extensions: &after.extensions,
            rules: &rules,
            names: &names,
        })
    }

    fn igt_version() -> Version {
        Version {
            periods: vec![
                (
                    key(1),
                    period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2027-01-01", 100),
                ),
                (key(2), period("NTC", NTC, "2027-01-01", "2027-07-01", 100)),
            ],
            interruptions: vec![(key(10), sick("2026-03-01", "2026-03-15"))],
            shortenings: vec![Shortening {
                part: 0,
                months: Months::whole(6),
                ground: ShorteningGround::Evc,
            }],
            extensions: Vec::new(),
        }
    }

    fn summaries(changes: &[Change]) -> Vec<&str> {
        changes.iter().map(|c| c.summary.as_str()).collect()
    }

    #[test]
    fn identical_versions_have_no_differences() {
        let version = igt_version();
        assert_eq!(compare_versions(&version, &version.clone()), Vec::new());
        assert_eq!(
            compare_versions(&Version::default(), &Version::default()),
            Vec::new()
        );
    }

    #[test]
    fn a_new_period_is_reported_as_added_with_its_dates() {
        let before = igt_version();
        let mut after = before.clone();
        after.periods.push((
            key(3),
            period("Ziekenhuis 2", RADBOUD, "2027-07-01", "2028-07-01", 100),
        ));
        let changes = compare_versions(&before, &after);
        assert_eq!(
            changes,
            vec![Change {
                kind: ChangeKind::Added,
                subject: ChangeSubject::Period(key(3)),
                summary: "Periode toegevoegd: Ziekenhuis 2, Radboudumc, 01-07-2027 tot \
                          01-07-2028, 100 %"
                    .into(),
                what: "Periode Ziekenhuis 2, Radboudumc, 01-07-2027 tot 01-07-2028, 100 %".into(),
                fields: Vec::new(),
            }]
        );
        assert_eq!(
            period_mark(&changes, key(3)).map(|c| c.kind),
            Some(ChangeKind::Added)
        );
        assert_eq!(period_mark(&changes, key(1)), None);
    }

    #[test]
    fn a_removed_interruption_is_reported_as_removed() {
        let before = igt_version();
        let after = Version {
            interruptions: Vec::new(),
            ..before.clone()
        };
        let changes = compare_versions(&before, &after);
        assert_eq!(
            summaries(&changes),
            ["Onderbreking verwijderd: Ziekte, 01-03-2026 tot 15-03-2026 (Radboudumc)"]
        );
        assert_eq!(changes[0].kind, ChangeKind::Removed);
        assert_eq!(
            changes[0].what,
            "Onderbreking Ziekte, 01-03-2026 tot 15-03-2026 (Radboudumc)"
        );
        assert_eq!(
            interruption_mark(&changes, key(10)).map(|c| c.kind),
            Some(ChangeKind::Removed)
        );
    }

    #[test]
    fn a_changed_end_date_and_part_time_are_both_listed_with_before_and_after() {
        let before = igt_version();
        let mut after = before.clone();
        after.periods[0].1.end = d("2027-03-01");
        after.periods[0].1.part_time_pct = 80;
        let changes = compare_versions(&before, &after);
        assert_eq!(
            summaries(&changes),
            [
                "Periode Ziekenhuis 1 gewijzigd: einddatum 01-01-2027 → 01-03-2027; \
              deeltijd 100 % → 80 %"
            ]
        );
        let change = &changes[0];
        assert_eq!(change.kind, ChangeKind::Changed);
        assert_eq!(change.subject, ChangeSubject::Period(key(1)));
        assert_eq!(
            change.what, "Periode Ziekenhuis 1",
            "named by its old label"
        );
        assert_eq!(
            change.fields,
            vec![
                FieldChange {
                    field: field::END,
                    before: "01-01-2027".into(),
                    after: "01-03-2027".into(),
                },
                FieldChange {
                    field: field::PART_TIME_PCT,
                    before: "100 %".into(),
                    after: "80 %".into(),
                },
            ]
        );
        let mark = period_mark(&changes, key(1));
        assert!(mark.and_then(|c| c.field(field::END)).is_some());
        assert!(mark.and_then(|c| c.field(field::START)).is_none());
    }

    #[test]
    fn an_item_with_the_same_key_and_no_change_is_not_reported() {
        let before = igt_version();
        let mut after = before.clone();
        // Another order in the list is no difference: the key says which item is which.
        after.periods.reverse();
        after.periods[0].1.supervisor = Some(DR_JANSEN);
        let changes = compare_versions(&before, &after);
        assert_eq!(
            summaries(&changes),
            ["Periode NTC gewijzigd: opleider geen → Dr. Jansen"]
        );
        assert_eq!(period_mark(&changes, key(1)), None);
    }

    #[test]
    fn changes_are_listed_in_chronological_order() {
        let before = igt_version();
        let mut after = before.clone();
        // Removed: NTC (2027); added before it in time: a period in 2025; changed: Ziekenhuis 1.
        after.periods.retain(|(k, _)| *k != key(2));
        after.periods.push((
            key(4),
            period("Buitenland", ISALA, "2028-01-01", "2028-04-01", 100),
        ));
        after.periods.push((
            key(5),
            period("Voorbereiding", ISALA, "2025-07-01", "2026-01-01", 50),
        ));
        after.periods[0].1.label = "Ziekenhuis A".into();
        after
            .interruptions
            .push((key(11), sick("2026-02-01", "2026-02-05")));
        after.extensions.push(Extension {
            part: 0,
            months: Months::whole(3),
        });
        let changes = compare_versions(&before, &after);
        assert_eq!(
            summaries(&changes),
            [
                "Periode toegevoegd: Voorbereiding, Isala, 01-07-2025 tot 01-01-2026, 50 %",
                "Periode Ziekenhuis 1 gewijzigd: naam Ziekenhuis 1 → Ziekenhuis A",
                "Periode verwijderd: NTC, NTC, 01-01-2027 tot 01-07-2027, 100 %",
                "Periode toegevoegd: Buitenland, Isala, 01-01-2028 tot 01-04-2028, 100 %",
                "Onderbreking toegevoegd: Ziekte, 01-02-2026 tot 05-02-2026 (Radboudumc)",
                "Verlenging toegevoegd: 3 maanden (Opleiding tot AIGT)",
            ]
        );
    }

    #[test]
    fn an_extension_added_by_the_rgs_is_reported() {
        let before = igt_version();
        let mut after = before.clone();
        after.extensions.push(Extension {
            part: 0,
            months: Months::whole(6),
        });
        after.shortenings.clear();
        let changes = compare_versions(&before, &after);
        assert_eq!(
            summaries(&changes),
            [
                "Verkorting verwijderd: 6 maanden (Opleiding tot AIGT), grond: eerder \
                 verworven competenties (EVC)",
                "Verlenging toegevoegd: 6 maanden (Opleiding tot AIGT)",
            ]
        );
        assert_eq!(changes[1].kind, ChangeKind::Added);
        assert_eq!(changes[1].subject, ChangeSubject::Extension);
    }

    #[test]
    fn unknown_names_and_parts_are_shown_without_failing() {
        let before = Version::default();
        let mut after = Version::default();
        after.periods.push((
            key(1),
            Period {
                part: 3,
                ..period("", Uuid::from_u128(77), "2026-01-01", "2026-02-01", 100)
            },
        ));
        after.interruptions.push((
            key(2),
            Interruption {
                kind: "sabbatical".into(),
                ..sick("2026-02-01", "2026-03-01")
            },
        ));
        after.extensions.push(Extension {
            part: 3,
            months: Months::whole(1),
        });
        assert_eq!(
            summaries(&compare_versions(&before, &after)),
            [
                "Periode toegevoegd: (zonder naam), onbekend, 01-01-2026 tot 01-02-2026, 100 %",
                "Onderbreking toegevoegd: sabbatical, 01-02-2026 tot 01-03-2026 (Radboudumc)",
                "Verlenging toegevoegd: 1 maand (onderdeel 4)",
            ]
        );
    }

    #[test]
    fn duplicate_keys_do_not_panic() {
        let a = period("Ziekenhuis 1", RADBOUD, "2026-01-01", "2027-01-01", 100);
        let b = period("Ziekenhuis 2", ISALA, "2027-01-01", "2028-01-01", 100);
        let before = Version {
            periods: vec![(key(1), a.clone()), (key(1), b.clone())],
            ..Version::default()
        };
        // The equal item is paired first, so only the other one is reported.
        let after = Version {
            periods: vec![(key(1), b.clone())],
            ..Version::default()
        };
        let changes = compare_versions(&before, &after);
        assert_eq!(
            summaries(&changes),
            ["Periode verwijderd: Ziekenhuis 1, Radboudumc, 01-01-2026 tot 01-01-2027, 100 %"]
        );
        // Twice on the newer side: one is the old item, the other is new.
        let after = Version {
            periods: vec![
                (key(1), a.clone()),
                (key(1), a.clone()),
                (key(1), b.clone()),
            ],
            ..Version::default()
        };
        let changes = compare_versions(&before, &after);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].kind, ChangeKind::Added);
        assert_eq!(compare_versions(&after, &after), Vec::new());
    }

    fn arbitrary_period() -> impl Strategy<Value = (u128, Period)> {
        (
            0u128..6,
            0usize..2,
            0u128..3,
            0i64..400,
            1i64..400,
            50u8..=100,
        )
            .prop_map(|(k, part, place, offset, days, pct)| {
                let start = d("2026-01-01") + Duration::days(offset);
                (
                    k,
                    Period {
                        part,
                        label: format!("Periode {k}"),
                        institution: Uuid::from_u128(place),
                        supervisor: (place == 1).then_some(DR_JANSEN),
                        start,
                        end: start + Duration::days(days),
                        part_time_pct: pct,
                    },
                )
            })
    }

    fn arbitrary_interruption() -> impl Strategy<Value = (u128, Interruption)> {
        (0u128..4, 0i64..400, 1i64..30, any::<bool>()).prop_map(|(k, offset, days, known)| {
            let start = d("2026-01-01") + Duration::days(offset);
            (
                k,
                Interruption {
                    kind: if known { "ziekte" } else { "reis" }.into(),
                    start,
                    end: start + Duration::days(days),
                    institution: RADBOUD,
                },
            )
        })
    }

    fn arbitrary_shortening() -> impl Strategy<Value = Shortening> {
        (0usize..2, 1i64..3, any::<bool>()).prop_map(|(part, months, evc)| Shortening {
            part,
            months: Months::whole(months),
            ground: if evc {
                ShorteningGround::Evc
            } else {
                ShorteningGround::Schakeljaar
            },
        })
    }

    fn arbitrary_extension() -> impl Strategy<Value = Extension> {
        (0usize..2, 1i64..3).prop_map(|(part, months)| Extension {
            part,
            months: Months::whole(months),
        })
    }

    /// A version with small value ranges, so that equal items, duplicate keys and items with
    /// a shared key but other fields all occur.
    fn arbitrary_version() -> impl Strategy<Value = Version> {
        (
            prop::collection::vec(arbitrary_period(), 0..7),
            prop::collection::vec(arbitrary_interruption(), 0..5),
            prop::collection::vec(arbitrary_shortening(), 0..4),
            prop::collection::vec(arbitrary_extension(), 0..4),
        )
            .prop_map(
                |(periods, interruptions, shortenings, extensions)| Version {
                    periods: periods.into_iter().map(|(k, p)| (key(k), p)).collect(),
                    interruptions: interruptions
                        .into_iter()
                        .map(|(k, x)| (key(100 + k), x))
                        .collect(),
                    shortenings,
                    extensions,
                },
            )
    }

    /// A newer version made from an older one the way a user would: keep some items, edit
    /// some, drop some, add some.
    fn older_and_newer() -> impl Strategy<Value = (Version, Version)> {
        (
            arbitrary_version(),
            arbitrary_version(),
            prop::collection::vec(0u8..4, 7),
            prop::collection::vec(0u8..4, 5),
        )
            .prop_map(|(before, extra, period_edits, interruption_edits)| {
                let mut after = Version::default();
                for ((k, p), edit) in before.periods.iter().zip(&period_edits) {
                    match edit {
                        0 => {}
                        1 => after.periods.push((*k, p.clone())),
                        2 => after.periods.push((
                            *k,
                            Period {
                                end: p.end + Duration::days(31),
                                ..p.clone()
                            },
                        )),
                        _ => after.periods.push((
                            *k,
                            Period {
                                part_time_pct: p.part_time_pct.saturating_sub(10),
                                ..p.clone()
                            },
                        )),
                    }
                }
                for ((k, x), edit) in before.interruptions.iter().zip(&interruption_edits) {
                    match edit {
                        0 => {}
                        1 | 2 => after.interruptions.push((*k, x.clone())),
                        _ => after.interruptions.push((
                            *k,
                            Interruption {
                                start: x.start - Duration::days(1),
                                ..x.clone()
                            },
                        )),
                    }
                }
                after.periods.extend(extra.periods);
                after.interruptions.extend(extra.interruptions);
                after.shortenings = extra.shortenings;
                after.extensions = extra.extensions;
                (before, after)
            })
    }

    fn net_added(changes: &[Change], subject: impl Fn(&ChangeSubject) -> bool) -> i64 {
        changes
            .iter()
            .filter(|c| subject(&c.subject))
            .map(|c| match c.kind {
                ChangeKind::Added => 1,
                ChangeKind::Removed => -1,
                ChangeKind::Changed => 0,
            })
            .sum()
    }

    fn count(n: usize) -> i64 {
        i64::try_from(n).unwrap_or(i64::MAX)
    }

    proptest! {
        #[test]
        fn a_version_compared_with_itself_has_no_differences(version in arbitrary_version()) {
            prop_assert_eq!(compare_versions(&version, &version.clone()), Vec::new());
        }

        #[test]
        fn added_minus_removed_is_the_difference_in_item_counts(
            (before, after) in older_and_newer(),
        ) {
            let changes = compare_versions(&before, &after);
            prop_assert_eq!(
                net_added(&changes, |s| matches!(s, ChangeSubject::Period(_))),
                count(after.periods.len()) - count(before.periods.len())
            );
            prop_assert_eq!(
                net_added(&changes, |s| matches!(s, ChangeSubject::Interruption(_))),
                count(after.interruptions.len()) - count(before.interruptions.len())
            );
            prop_assert_eq!(
                net_added(&changes, |s| *s == ChangeSubject::Shortening),
                count(after.shortenings.len()) - count(before.shortenings.len())
            );
            prop_assert_eq!(
                net_added(&changes, |s| *s == ChangeSubject::Extension),
                count(after.extensions.len()) - count(before.extensions.len())
            );
            for change in &changes {
                prop_assert_eq!(change.kind == ChangeKind::Changed, !change.fields.is_empty());
                prop_assert!(!change.summary.is_empty());
            }
        }
    }
}
