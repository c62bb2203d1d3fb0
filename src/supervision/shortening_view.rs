//! Shortenings (verkorting) as the aios and the opleider see them: what, on what ground, where
//! and when gained, and who proposed and decided it ("door X namens Y").

use crate::supervision::shortenings::Record;
use crate::web::form::SelectOption;
use rules::person::format_when;
use rules::schedule::model::SpecialtyRules;
use rules::schedule::months::counted;
use rules::shortening::ShorteningStatus;

/// One shortening, ready for the page.
#[derive(Clone, Debug)]
pub struct ShorteningItem {
    /// Id.
    pub id: String,
    /// "6 maanden verkorting van Opleiding op grond van …".
    pub summary: String,
    /// Where and when the competences were gained.
    pub gained: String,
    /// Its status.
    pub status: ShorteningStatus,
    /// Who proposed it, and when.
    pub proposed: String,
    /// Who decided or withdrew it, and when.
    pub decided: Option<String>,
    /// The reason of a rejection.
    pub reason: Option<String>,
}

impl ShorteningItem {
    /// Whether it waits for the opleider.
    pub fn open(&self) -> bool {
        self.status == ShorteningStatus::Proposed
    }

    /// The CSS class of its status tag.
    pub fn tag_class(&self) -> &'static str {
        match self.status {
            ShorteningStatus::Approved => "tag--done",
            ShorteningStatus::Proposed => "tag--todo",
            ShorteningStatus::Rejected | ShorteningStatus::Withdrawn => "",
        }
    }
}

/// The shortening `record` of a training of `rules`' specialty, for the page.
pub fn item(record: &Record, rules: &SpecialtyRules) -> ShorteningItem {
    let part = rules.part_name(i16::try_from(record.part).unwrap_or(i16::MAX));
    let proposed = match &record.proposed_on_behalf_of_name {
        Some(opleider) => format!(
            "Voorgesteld door {} namens {opleider} op {}",
            record.proposed_by_name,
            format_when(record.proposed_at)
        ),
        None => format!(
            "Voorgesteld door {} op {}",
            record.proposed_by_name,
            format_when(record.proposed_at)
        ),
    };
    let decided = match (record.status, &record.decided_by_name, record.decided_at) {
        (ShorteningStatus::Approved, Some(by), Some(at)) => {
            Some(format!("Goedgekeurd door {by} op {}", format_when(at)))
        }
        (ShorteningStatus::Rejected, Some(by), Some(at)) => {
            Some(format!("Afgewezen door {by} op {}", format_when(at)))
        }
        _ => record
            .withdrawn_at
            .map(|at| format!("Ingetrokken door de aios op {}", format_when(at))),
    };
    ShorteningItem {
        id: record.id.to_string(),
        summary: format!(
            "{} verkorting van {part} op grond van {}",
            counted(i64::from(record.months), "maand", "maanden"),
            record.ground.label()
        ),
        gained: format!("{}; {}", record.gained_where, record.gained_when),
        status: record.status,
        proposed,
        decided,
        reason: record.decision_reason.clone(),
    }
}

/// Every shortening of a training, for the page.
pub fn items(records: &[Record], rules: &SpecialtyRules) -> Vec<ShorteningItem> {
    records.iter().map(|r| item(r, rules)).collect()
}

/// The parts a shortening can apply to, for the form's select list.
pub fn part_options(rules: &SpecialtyRules) -> Vec<SelectOption> {
    rules
        .parts
        .iter()
        .enumerate()
        .map(|(i, p)| SelectOption::new(i, format!("{} ({} maanden)", p.name, p.required)))
        .collect()
}

/// The shortening section of a training's page (aios or opleider side).
#[derive(Clone, Debug)]
pub struct Section {
    /// Every shortening, oldest first.
    pub items: Vec<ShorteningItem>,
    /// "aios" or "opleider": which actions a waiting proposal offers.
    pub actions: &'static str,
    /// Whether the viewer is the opleider themself, who decides.
    pub may_decide: bool,
    /// Whether a new proposal can be made now.
    pub may_propose: bool,
    /// Where the proposal form is.
    pub form: String,
}

impl Section {
    /// Whether a proposal waits for the opleider's decision.
    pub fn waiting(&self) -> bool {
        self.items.iter().any(ShorteningItem::open)
    }
}

/// The shortening section of `training`, with its shortenings `records`, for a viewer
/// proposing as `proposer`.
pub fn section(
    records: &[Record],
    training: &crate::trainings::training::Training,
    rules: &SpecialtyRules,
    proposer: rules::shortening::Proposer,
) -> Section {
    use rules::shortening::Proposer;
    let open = records
        .iter()
        .any(|r| r.status == ShorteningStatus::Proposed);
    let (actions, form) = match proposer {
        Proposer::Trainee => (
            "aios",
            format!("/aios/opleidingen/{}/verkorting", training.id),
        ),
        Proposer::Opleider | Proposer::Ondersteuner => (
            "opleider",
            format!("/opleider/aios/{}/verkorting", training.id),
        ),
    };
    Section {
        items: items(records, rules),
        actions,
        may_decide: proposer == Proposer::Opleider,
        may_propose: rules::shortening::propose(training.status, open, proposer).is_ok(),
        form,
    }
}
