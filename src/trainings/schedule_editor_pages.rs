//! The schedule editor's forms: adding, changing and removing periods and interruptions of
//! the concept. Every form carries the revision of the concept it was based on; a save over a
//! newer revision is refused with the typed input kept (docs/domain/trainings.md).

use crate::platform::ids::{TrainingId, UserId};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::platform::state::AppState;
use crate::trainings::own_training::{own_training_with_rules, training_path};
use crate::trainings::schedule::{
    self, ChangeError, Edit, InterruptionInput, LoadedVersion, PeriodInput, Versions,
};
use crate::trainings::training::{self, Training};
use crate::web::action::Action;
use crate::web::current_user::{Aios, RoleUser};
use crate::web::decision::{self as confirm, Check};
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind};
use crate::web::form::{FormErrors, Posted, SelectOption, complete};
use crate::web::layout::Layout;
use crate::web::tasks::Link;
use rules::person::{self, format_date};
use rules::schedule::check::{self, END_AFTER_START, PART_TIME_RANGE};
use rules::schedule::findings::{Code, Severity};
use rules::schedule::model::SpecialtyRules;
use rules::training::Refusal;

/// The editor's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/aios/opleidingen/{id}/periodes/nieuw",
            get(new_period).post(add_period),
        )
        .route(
            "/aios/opleidingen/{id}/periodes/{item}",
            get(edit_period).post(change_period),
        )
        .route(
            "/aios/opleidingen/{id}/periodes/{item}/verwijderen",
            post(remove_period),
        )
        .route(
            "/aios/opleidingen/{id}/onderbrekingen/nieuw",
            get(new_interruption).post(add_interruption),
        )
        .route(
            "/aios/opleidingen/{id}/onderbrekingen/{item}",
            get(edit_interruption).post(change_interruption),
        )
        .route(
            "/aios/opleidingen/{id}/onderbrekingen/{item}/verwijderen",
            post(remove_interruption),
        )
}

/// The training with its concept, or the reason there is none to edit.
struct Editing {
    training: Training,
    rules: SpecialtyRules,
    concept: LoadedVersion,
}

/// Loads the concept of the aios's training `id`; `Err(response)` sends the aios back to the
/// training page when there is no concept to edit.
async fn editing(
    state: &AppState,
    session: &Session,
    aios: UserId,
    id: TrainingId,
) -> AppResult<Result<Editing, Response>> {
    let (training, rules) = own_training_with_rules(state, aios, id).await?;
    let mut conn = state.db.acquire().await?;
    let loaded = schedule::versions_with_items(&mut conn, id).await?;
    let Some(concept) = Versions::of(&loaded).concept().cloned() else {
        flash::push(session, FlashKind::Info, NOT_EDITABLE).await?;
        return Ok(Err(Redirect::to(&training_path(id)).into_response()));
    };
    let concept = schedule::take_loaded(loaded, &concept).ok_or(AppError::NotFound)?;
    Ok(Ok(Editing {
        training,
        rules,
        concept,
    }))
}

const NOT_EDITABLE: &str = "Dit schema is ingediend of beoordeeld en kan niet meer worden \
     gewijzigd. Is het goedgekeurd, dan kunt u met \"Schema wijzigen\" een wijziging voorbereiden.";

/// The conflict message of the item forms.
pub fn conflict_text() -> &'static str {
    CONFLICT
}

const CONFLICT: &str = "Het schema is intussen gewijzigd, in een ander venster of tabblad. Uw \
     invoer staat hieronder nog. Bekijk het schema en klik nogmaals op \"Opslaan\" om uw invoer \
     toch op te slaan.";

/// The errors the concept of `training` has now, in the engine's words: what a message after
/// a save must mention. An empty schedule is left out: removing its last period is what the
/// aios asked for, and the page says what that means.
async fn errors_now(
    state: &AppState,
    training: &Training,
    rules: &SpecialtyRules,
) -> AppResult<Vec<String>> {
    let mut conn = state.db.acquire().await?;
    let loaded = schedule::versions_with_items(&mut conn, training.id).await?;
    drop(conn);
    let Some(concept) = Versions::of(&loaded).concept().cloned() else {
        return Ok(Vec::new());
    };
    let Some(concept) = schedule::take_loaded(loaded, &concept) else {
        return Ok(Vec::new());
    };
    let context = schedule::context(training, &concept.version, state.clock.today());
    let report = check::check(&concept.schedule(), rules, &context);
    Ok(report
        .findings
        .into_iter()
        .filter(|f| f.severity() == Severity::Error && f.code != Code::NoPeriods)
        .map(|f| f.message)
        .collect())
}

/// The message after a save: "Gelukt" only when the schedule has no errors; otherwise that it
/// was saved in the concept, with the error (or the first of them) in words.
fn saved_message(saved: &str, errors: &[String]) -> (FlashKind, String) {
    match errors {
        [] => (FlashKind::Success, saved.to_owned()),
        [only] => (
            FlashKind::Info,
            format!(
                "{saved} Het schema bevat nu een fout, die u eerst moet herstellen voordat u \
                 het kunt indienen: {only}"
            ),
        ),
        [first, rest @ ..] => (
            FlashKind::Info,
            format!(
                "{saved} Het schema bevat nu {} fouten, die u eerst moet herstellen voordat u \
                 het kunt indienen. De eerste: {first} De andere staan onder \"Controle van het \
                 schema\".",
                rest.len() + 1
            ),
        ),
    }
}

/// What happened to a save, as a response.
async fn after_edit(
    state: &AppState,
    session: &Session,
    (training, rules): (&Training, &SpecialtyRules),
    result: Result<i32, ChangeError>,
    saved: &str,
) -> AppResult<Result<Response, Refusal>> {
    let id = training.id;
    match result {
        Ok(_) => {
            let errors = errors_now(state, training, rules).await?;
            let (kind, message) = saved_message(saved, &errors);
            flash::push(session, kind, &message).await?;
            Ok(Ok(Redirect::to(&training_path(id)).into_response()))
        }
        Err(ChangeError::Refused(Refusal::Stale)) => Ok(Err(Refusal::Stale)),
        Err(ChangeError::Refused(_)) => {
            flash::push(session, FlashKind::Info, NOT_EDITABLE).await?;
            Ok(Ok(Redirect::to(&training_path(id)).into_response()))
        }
        Err(ChangeError::NotFound) => Err(AppError::NotFound),
        Err(ChangeError::Database(e)) => Err(e.into()),
        Err(ChangeError::Invoice(e)) => Err(AppError::Internal(e.into())),
    }
}

// ---------------------------------------------------------------------------------------------
// Periods

/// The period form.
#[derive(Template, WebTemplate)]
#[template(path = "trainings/period_form.html")]
pub struct PeriodPage {
    layout: Layout,
    training: Training,
    action: String,
    editing: bool,
    parts: Vec<SelectOption>,
    labels: Vec<String>,
    institutions: Vec<SelectOption>,
    supervisors: Vec<SelectOption>,
    form: PeriodForm,
    errors: FormErrors,
    conflict: bool,
}

/// What the period form posts. Every field but the part (shown only where a specialty has more
/// than one) is required: a post that leaves one out is refused (422), never taken as clearing it.
#[derive(Deserialize, Default, Debug)]
pub struct PeriodForm {
    #[serde(default)]
    onderdeel: String,
    omschrijving: String,
    instelling: String,
    opleider: String,
    begindatum: String,
    einddatum: String,
    deeltijd: String,
    revisie: i32,
}

async fn period_page(
    state: &AppState,
    layout: Layout,
    editing: &Editing,
    item: Option<Uuid>,
    form: PeriodForm,
) -> AppResult<PeriodPage> {
    let specialty = editing.training.specialty_id;
    let options = |choices: Vec<training::Choice>| -> Vec<SelectOption> {
        choices
            .into_iter()
            .map(|c| SelectOption::new(c.id, c.label))
            .collect()
    };
    let choices = training::choices_for(&state.db, specialty, editing.training.trainee_id).await?;
    let mut supervisors = vec![SelectOption::new("", "Nog niet bekend")];
    supervisors.extend(options(choices.supervisors));
    let base = training_path(editing.training.id);
    Ok(PeriodPage {
        layout,
        training: editing.training.clone(),
        action: match item {
            Some(item) => format!("{base}/periodes/{item}"),
            None => format!("{base}/periodes/nieuw"),
        },
        editing: item.is_some(),
        parts: editing
            .rules
            .parts
            .iter()
            .enumerate()
            .map(|(i, p)| SelectOption::new(i, p.name.clone()))
            .collect(),
        labels: editing
            .rules
            .parts
            .iter()
            .flat_map(|p| p.expected_periods.iter().cloned())
            .collect(),
        institutions: options(choices.institutions),
        supervisors,
        form,
        errors: FormErrors::new(),
        conflict: false,
    })
}

fn parse_period(page: &PeriodPage) -> Result<PeriodInput, FormErrors> {
    let form = &page.form;
    let mut errors = FormErrors::new();
    let part = if page.parts.len() <= 1 {
        Some(0)
    } else {
        let found = page
            .parts
            .iter()
            .find(|p| p.value == form.onderdeel)
            .and_then(|p| p.value.parse::<i16>().ok());
        if found.is_none() {
            errors.add(
                "onderdeel",
                "Kies het opleidingsonderdeel van deze periode.",
            );
        }
        found
    };
    let label = form.omschrijving.trim().to_owned();
    if label.is_empty() {
        errors.add(
            "omschrijving",
            "Geef de periode een naam, zoals Ziekenhuis 1.",
        );
    } else if label.chars().count() > 100 {
        errors.add("omschrijving", "Gebruik voor de naam hoogstens 100 tekens.");
    }
    let institution = page
        .institutions
        .iter()
        .find(|o| o.value == form.instelling)
        .and_then(|o| o.value.parse::<Uuid>().ok());
    if institution.is_none() {
        errors.add(
            "instelling",
            "Kies de opleidingsinrichting uit de lijst van erkende inrichtingen.",
        );
    }
    let supervisor = match form.opleider.as_str() {
        "" => Some(None),
        value => page
            .supervisors
            .iter()
            .find(|o| o.value == value)
            .and_then(|o| o.value.parse::<UserId>().ok())
            .map(Some),
    };
    if supervisor.is_none() {
        errors.add(
            "opleider",
            "Kies de opleider uit de lijst, of \"Nog niet bekend\".",
        );
    }
    let start = person::parse_date(&form.begindatum)
        .map_err(|m| errors.add("begindatum", m))
        .ok();
    let end = person::parse_date(&form.einddatum)
        .map_err(|m| errors.add("einddatum", m))
        .ok();
    let pct = match form
        .deeltijd
        .trim()
        .trim_end_matches('%')
        .trim()
        .parse::<i16>()
    {
        Ok(pct) if (50..=100).contains(&pct) => Some(pct),
        Ok(_) => {
            errors.add("deeltijd", PART_TIME_RANGE);
            None
        }
        Err(_) => {
            errors.add(
                "deeltijd",
                "Vul het percentage in als heel getal, zoals 100 voor voltijd of 80.",
            );
            None
        }
    };
    if let (Some(start), Some(end)) = (start, end)
        && end <= start
    {
        errors.add("einddatum", END_AFTER_START);
    }
    match (part, institution, supervisor, start, end, pct) {
        (
            Some(part),
            Some(institution_id),
            Some(supervisor_id),
            Some(start),
            Some(end),
            Some(pct),
        ) if errors.is_empty() => Ok(PeriodInput {
            part,
            label,
            institution_id,
            supervisor_id,
            start,
            end,
            part_time_pct: pct,
        }),
        _ => Err(errors),
    }
}

async fn new_period(
    aios: RoleUser<Aios>,
    State(state): State<AppState>,
    Path(id): Path<TrainingId>,
    session: Session,
    layout: Layout,
) -> AppResult<Response> {
    let editing = match editing(&state, &session, aios.id, id).await? {
        Ok(editing) => editing,
        Err(response) => return Ok(response),
    };
    let periods = &editing.concept.periods;
    // A new period starts where the previous valid one ends ("tot" is the next start); a
    // period whose end is not after its start says nothing about where the next begins.
    let valid = || periods.iter().filter(|p| p.end_date > p.start_date);
    let start = valid()
        .map(|p| p.end_date)
        .max()
        .map(format_date)
        .unwrap_or_default();
    let last = valid().max_by_key(|p| p.end_date);
    // Built part by part: the form proposes the first part that still misses months, and the
    // first of that part's own expected periods that is not yet in the schedule.
    let context = schedule::context(
        &editing.training,
        &editing.concept.version,
        state.clock.today(),
    );
    let report = check::check(&editing.concept.schedule(), &editing.rules, &context);
    let part = report
        .totals
        .parts
        .iter()
        .position(|p| p.to_plan.is_positive())
        .or_else(|| last.and_then(|p| usize::try_from(p.part).ok()))
        .unwrap_or(0);
    let label = editing
        .rules
        .parts
        .get(part)
        .into_iter()
        .flat_map(|p| p.expected_periods.iter())
        .find(|expected| !periods.iter().any(|p| &p.label == *expected))
        .cloned()
        .unwrap_or_default();
    let form = PeriodForm {
        onderdeel: part.to_string(),
        omschrijving: label,
        begindatum: start,
        deeltijd: last.map_or(100, |p| p.part_time_pct).to_string(),
        revisie: editing.concept.version.revision,
        ..PeriodForm::default()
    };
    let page = period_page(&state, layout, &editing, None, form).await?;
    Ok(page.into_response())
}

async fn edit_period(
    aios: RoleUser<Aios>,
    State(state): State<AppState>,
    Path((id, item)): Path<(TrainingId, Uuid)>,
    session: Session,
    layout: Layout,
) -> AppResult<Response> {
    let editing = match editing(&state, &session, aios.id, id).await? {
        Ok(editing) => editing,
        Err(response) => return Ok(response),
    };
    let period = editing
        .concept
        .periods
        .iter()
        .find(|p| p.id == item)
        .ok_or(AppError::NotFound)?;
    let form = PeriodForm {
        onderdeel: period.part.to_string(),
        omschrijving: period.label.clone(),
        instelling: period.institution_id.to_string(),
        opleider: period
            .supervisor_id
            .map(|s| s.to_string())
            .unwrap_or_default(),
        begindatum: format_date(period.start_date),
        einddatum: format_date(period.end_date),
        deeltijd: period.part_time_pct.to_string(),
        revisie: editing.concept.version.revision,
    };
    let page = period_page(&state, layout, &editing, Some(item), form).await?;
    Ok(page.into_response())
}

/// A kind of item the editor saves: a period or an interruption. Saving either goes the same
/// way (the concept must exist and hold the item, the form must be complete and valid, a save
/// over a newer revision keeps the typed input), so it is written once, in [`save`].
/// What saving changes on an item's form page, the same for a period and an interruption.
trait FormPage {
    /// Its error messages, the revision its form was based on, and whether it explains a
    /// conflict.
    fn save_state(&mut self) -> (&mut FormErrors, &mut i32, &mut bool);
}

impl FormPage for PeriodPage {
    fn save_state(&mut self) -> (&mut FormErrors, &mut i32, &mut bool) {
        (&mut self.errors, &mut self.form.revisie, &mut self.conflict)
    }
}

impl FormPage for InterruptionPage {
    fn save_state(&mut self) -> (&mut FormErrors, &mut i32, &mut bool) {
        (&mut self.errors, &mut self.form.revisie, &mut self.conflict)
    }
}

trait Item {
    /// What the item's form posts.
    type Form;
    /// The item's form page.
    type Page: IntoResponse + FormPage;
    /// The message after a save.
    const SAVED: &'static str;
    /// Whether the aios may change item `id` of the concept.
    fn changeable(concept: &LoadedVersion, id: Uuid) -> bool;
    /// The form page for `form`.
    async fn page(
        state: &AppState,
        layout: Layout,
        editing: &Editing,
        item: Option<Uuid>,
        form: Self::Form,
    ) -> AppResult<Self::Page>;
    /// The input on `page`, or what is wrong with it.
    fn parse(page: &Self::Page) -> Result<Self, FormErrors>
    where
        Self: Sized;
    /// The edit that adds this input, or changes item `id` to it.
    fn edit(self, item: Option<Uuid>) -> Edit;
}

impl Item for PeriodInput {
    type Form = PeriodForm;
    type Page = PeriodPage;
    const SAVED: &'static str = "De periode is opgeslagen.";
    fn changeable(concept: &LoadedVersion, id: Uuid) -> bool {
        concept.periods.iter().any(|p| p.id == id)
    }
    async fn page(
        state: &AppState,
        layout: Layout,
        editing: &Editing,
        item: Option<Uuid>,
        form: PeriodForm,
    ) -> AppResult<PeriodPage> {
        period_page(state, layout, editing, item, form).await
    }
    fn parse(page: &PeriodPage) -> Result<Self, FormErrors> {
        parse_period(page)
    }
    fn edit(self, item: Option<Uuid>) -> Edit {
        match item {
            Some(item) => Edit::ChangePeriod(item, self),
            None => Edit::AddPeriod(self),
        }
    }
}

/// Saves the posted `form` as item `item` of the concept of training `id` (a new one when
/// `item` is `None`).
async fn save<I: Item>(
    aios: UserId,
    (id, item): (TrainingId, Option<Uuid>),
    action: Action,
    layout: Layout,
    form: Posted<I::Form>,
) -> AppResult<Response> {
    let Action {
        state,
        session,
        origin,
    } = action;
    let editing = match editing(&state, &session, aios, id).await? {
        Ok(editing) => editing,
        Err(response) => return Ok(response),
    };
    if let Some(item) = item
        && !I::changeable(&editing.concept, item)
    {
        return Err(AppError::NotFound);
    }
    let form = match complete(form) {
        Ok(form) => form,
        Err(incomplete) => return Ok(incomplete.into_response()),
    };
    let mut page = I::page(&state, layout, &editing, item, form).await?;
    let input = match I::parse(&page) {
        Ok(input) => input,
        Err(errors) => {
            *page.save_state().0 = errors;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let based_on = *page.save_state().1;
    let result = schedule::edit(
        &state,
        &origin,
        aios,
        &editing.training,
        based_on,
        &input.edit(item),
    )
    .await;
    match after_edit(
        &state,
        &session,
        (&editing.training, &editing.rules),
        result,
        I::SAVED,
    )
    .await?
    {
        Ok(response) => Ok(response),
        Err(_) => {
            // Based on the concept as it is now, with the conflict explained.
            let (_, revision, conflict) = page.save_state();
            *revision = editing.concept.version.revision;
            *conflict = true;
            Ok((StatusCode::CONFLICT, page).into_response())
        }
    }
}

async fn add_period(
    aios: RoleUser<Aios>,
    Path(id): Path<TrainingId>,
    action: Action,
    layout: Layout,
    form: Posted<PeriodForm>,
) -> AppResult<Response> {
    save::<PeriodInput>(aios.id, (id, None), action, layout, form).await
}

async fn change_period(
    aios: RoleUser<Aios>,
    Path((id, item)): Path<(TrainingId, Uuid)>,
    action: Action,
    layout: Layout,
    form: Posted<PeriodForm>,
) -> AppResult<Response> {
    save::<PeriodInput>(aios.id, (id, Some(item)), action, layout, form).await
}

/// What the remove buttons post: the revision the page showed, and the check page's mark.
#[derive(Deserialize, Debug)]
pub struct RemoveForm {
    #[serde(default)]
    revisie: i32,
    /// Set by the check page (`web::decision`).
    #[serde(default)]
    bevestigd: String,
}

/// "Controleer uw besluit" for removing the item `edit` names from the concept `editing`
/// holds; 404 when the concept does not hold it.
fn removal_check(editing: &Editing, edit: &Edit, form: &RemoveForm) -> AppResult<Check> {
    let id = editing.training.id;
    let concept = &editing.concept;
    let (decision, facts, what, route) = match edit {
        Edit::RemovePeriod(item) => {
            let period = concept
                .periods
                .iter()
                .find(|p| p.id == *item)
                .ok_or(AppError::NotFound)?;
            (
                format!(
                    "U verwijdert de periode \"{}\" uit uw concept.",
                    period.label
                ),
                vec![
                    ("Periode".to_owned(), period.label.clone()),
                    ("Instelling".to_owned(), period.institution_name.clone()),
                    (
                        "Looptijd".to_owned(),
                        format!(
                            "{} tot {}",
                            format_date(period.start_date),
                            format_date(period.end_date)
                        ),
                    ),
                    ("Deeltijd".to_owned(), format!("{} %", period.part_time_pct)),
                ],
                "periode",
                format!("periodes/{item}"),
            )
        }
        Edit::RemoveInterruption(item) => {
            let interruption = concept
                .interruptions
                .iter()
                // What the RGS entered is not the aios's to remove (as `schedule::edit`).
                .find(|i| i.id == *item && !i.entered_by_rgs)
                .ok_or(AppError::NotFound)?;
            (
                format!(
                    "U verwijdert de onderbreking \"{}\" uit uw concept.",
                    interruption.kind_name
                ),
                vec![
                    ("Onderbreking".to_owned(), interruption.kind_name.clone()),
                    (
                        "Instelling".to_owned(),
                        interruption.institution_name.clone(),
                    ),
                    (
                        "Looptijd".to_owned(),
                        format!(
                            "{} tot {}",
                            format_date(interruption.start_date),
                            format_date(interruption.end_date)
                        ),
                    ),
                ],
                "onderbreking",
                format!("onderbrekingen/{item}"),
            )
        }
        _ => return Err(AppError::NotFound),
    };
    Ok(Check {
        decision,
        facts,
        consequences: vec![
            format!(
                "De {what} verdwijnt uit het concept en het schema wordt opnieuw gecontroleerd."
            ),
            format!("Wilt u de {what} later terug, dan voert u die opnieuw in."),
        ],
        action: format!("{}/{route}/verwijderen", training_path(id)),
        fields: vec![("revisie".to_owned(), form.revisie.to_string())],
        button: format!("Ja, {what} verwijderen"),
        destructive: true,
        back: Link::new(
            training_path(id),
            "Terug naar het schema, zonder iets te verwijderen",
        ),
    })
}

/// Removes an item of the concept of training `id` (`edit` says which), based on the revision
/// `form` names, once the check page was confirmed.
async fn remove(
    aios: UserId,
    id: TrainingId,
    (action, layout): (Action, Layout),
    form: RemoveForm,
    edit: Edit,
) -> AppResult<Response> {
    let Action {
        state,
        session,
        origin,
    } = action;
    let based_on = form.revisie;
    if !confirm::confirmed(&form.bevestigd) {
        let editing = match editing(&state, &session, aios, id).await? {
            Ok(editing) => editing,
            Err(response) => return Ok(response),
        };
        return Ok(removal_check(&editing, &edit, &form)?.page(layout));
    }
    let removed = match edit {
        Edit::RemoveInterruption(_) => "De onderbreking is verwijderd.",
        _ => "De periode is verwijderd.",
    };
    let (training, rules) = own_training_with_rules(&state, aios, id).await?;
    let result = schedule::edit(&state, &origin, aios, &training, based_on, &edit).await;
    match after_edit(&state, &session, (&training, &rules), result, removed).await? {
        Ok(response) => Ok(response),
        Err(_) => {
            flash::push(
                &session,
                FlashKind::Error,
                "Het schema is intussen gewijzigd, in een ander venster of tabblad. Er is niets \
                 verwijderd. Bekijk het schema en probeer het opnieuw.",
            )
            .await?;
            Ok(Redirect::to(&training_path(id)).into_response())
        }
    }
}

async fn remove_period(
    aios: RoleUser<Aios>,
    Path((id, item)): Path<(TrainingId, Uuid)>,
    action: Action,
    layout: Layout,
    Form(form): Form<RemoveForm>,
) -> AppResult<Response> {
    remove(
        aios.id,
        id,
        (action, layout),
        form,
        Edit::RemovePeriod(item),
    )
    .await
}

// ---------------------------------------------------------------------------------------------
// Interruptions

/// The interruption form.
#[derive(Template, WebTemplate)]
#[template(path = "trainings/interruption_form.html")]
pub struct InterruptionPage {
    layout: Layout,
    training: Training,
    action: String,
    editing: bool,
    kinds: Vec<SelectOption>,
    institutions: Vec<SelectOption>,
    form: InterruptionForm,
    errors: FormErrors,
    conflict: bool,
}

/// What the interruption form posts (also the RGS's form, which has no revision). Every field
/// but the revision is required: a post that leaves one out is refused (422).
#[derive(Deserialize, Default, Debug)]
pub struct InterruptionForm {
    pub(crate) soort: String,
    pub(crate) begindatum: String,
    pub(crate) einddatum: String,
    pub(crate) instelling: String,
    pub(crate) toelichting: String,
    #[serde(default)]
    pub(crate) revisie: i32,
}

fn interruption_page(
    layout: Layout,
    editing: &Editing,
    item: Option<Uuid>,
    form: InterruptionForm,
) -> InterruptionPage {
    let base = training_path(editing.training.id);
    InterruptionPage {
        layout,
        training: editing.training.clone(),
        action: match item {
            Some(item) => format!("{base}/onderbrekingen/{item}"),
            None => format!("{base}/onderbrekingen/nieuw"),
        },
        editing: item.is_some(),
        kinds: editing
            .rules
            .interruption_types
            .iter()
            .map(|(code, kind)| SelectOption::new(code, kind.name.clone()))
            .collect(),
        // Only institutions already in the schedule (seed 001, step 5).
        institutions: editing
            .concept
            .institutions()
            .into_iter()
            .map(|(id, name)| SelectOption::new(id, name))
            .collect(),
        form,
        errors: FormErrors::new(),
        conflict: false,
    }
}

fn parse_interruption(page: &InterruptionPage) -> Result<InterruptionInput, FormErrors> {
    parse_interruption_form(
        &page.form,
        &page.kinds,
        &page.institutions,
        check::INTERRUPTION_INSTITUTION,
    )
}

/// Parses an interruption form: the type must be one of `kinds` and the institution one of
/// `institutions` (those of the schedule); `institution_message` says so when it is not.
pub(crate) fn parse_interruption_form(
    form: &InterruptionForm,
    kinds: &[SelectOption],
    institutions: &[SelectOption],
    institution_message: &'static str,
) -> Result<InterruptionInput, FormErrors> {
    let mut errors = FormErrors::new();
    let kind = kinds
        .iter()
        .find(|k| k.value == form.soort)
        .map(|k| k.value.clone());
    if kind.is_none() {
        errors.add("soort", "Kies de soort onderbreking.");
    }
    let start = person::parse_date(&form.begindatum)
        .map_err(|m| errors.add("begindatum", m))
        .ok();
    let end = person::parse_date(&form.einddatum)
        .map_err(|m| errors.add("einddatum", m))
        .ok();
    if let (Some(start), Some(end)) = (start, end)
        && end <= start
    {
        errors.add("einddatum", END_AFTER_START);
    }
    let institution = institutions
        .iter()
        .find(|o| o.value == form.instelling)
        .and_then(|o| o.value.parse::<Uuid>().ok());
    if institution.is_none() {
        errors.add("instelling", institution_message);
    }
    let note = form.toelichting.trim().to_owned();
    if note.chars().count() > 1000 {
        errors.add(
            "toelichting",
            "Gebruik voor de toelichting hoogstens 1000 tekens.",
        );
    }
    match (kind, start, end, institution) {
        (Some(kind), Some(start), Some(end), Some(institution_id)) if errors.is_empty() => {
            Ok(InterruptionInput {
                kind,
                start,
                end,
                institution_id,
                note,
            })
        }
        _ => Err(errors),
    }
}

async fn new_interruption(
    aios: RoleUser<Aios>,
    State(state): State<AppState>,
    Path(id): Path<TrainingId>,
    session: Session,
    layout: Layout,
) -> AppResult<Response> {
    let editing = match editing(&state, &session, aios.id, id).await? {
        Ok(editing) => editing,
        Err(response) => return Ok(response),
    };
    let form = InterruptionForm {
        revisie: editing.concept.version.revision,
        ..InterruptionForm::default()
    };
    Ok(interruption_page(layout, &editing, None, form).into_response())
}

async fn edit_interruption(
    aios: RoleUser<Aios>,
    State(state): State<AppState>,
    Path((id, item)): Path<(TrainingId, Uuid)>,
    session: Session,
    layout: Layout,
) -> AppResult<Response> {
    let editing = match editing(&state, &session, aios.id, id).await? {
        Ok(editing) => editing,
        Err(response) => return Ok(response),
    };
    let interruption = editing
        .concept
        .interruptions
        .iter()
        .find(|i| i.id == item && !i.entered_by_rgs)
        .ok_or(AppError::NotFound)?;
    let form = InterruptionForm {
        soort: interruption.kind.clone(),
        begindatum: format_date(interruption.start_date),
        einddatum: format_date(interruption.end_date),
        instelling: interruption.institution_id.to_string(),
        toelichting: interruption.note.clone(),
        revisie: editing.concept.version.revision,
    };
    Ok(interruption_page(layout, &editing, Some(item), form).into_response())
}

impl Item for InterruptionInput {
    type Form = InterruptionForm;
    type Page = InterruptionPage;
    const SAVED: &'static str = "De onderbreking is opgeslagen.";
    /// The interruptions the RGS entered are not the aios's to change.
    fn changeable(concept: &LoadedVersion, id: Uuid) -> bool {
        concept
            .interruptions
            .iter()
            .any(|i| i.id == id && !i.entered_by_rgs)
    }
    async fn page(
        _state: &AppState,
        layout: Layout,
        editing: &Editing,
        item: Option<Uuid>,
        form: InterruptionForm,
    ) -> AppResult<InterruptionPage> {
        Ok(interruption_page(layout, editing, item, form))
    }
    fn parse(page: &InterruptionPage) -> Result<Self, FormErrors> {
        parse_interruption(page)
    }
    fn edit(self, item: Option<Uuid>) -> Edit {
        match item {
            Some(item) => Edit::ChangeInterruption(item, self),
            None => Edit::AddInterruption(self),
        }
    }
}

async fn add_interruption(
    aios: RoleUser<Aios>,
    Path(id): Path<TrainingId>,
    action: Action,
    layout: Layout,
    form: Posted<InterruptionForm>,
) -> AppResult<Response> {
    save::<InterruptionInput>(aios.id, (id, None), action, layout, form).await
}

async fn change_interruption(
    aios: RoleUser<Aios>,
    Path((id, item)): Path<(TrainingId, Uuid)>,
    action: Action,
    layout: Layout,
    form: Posted<InterruptionForm>,
) -> AppResult<Response> {
    save::<InterruptionInput>(aios.id, (id, Some(item)), action, layout, form).await
}

async fn remove_interruption(
    aios: RoleUser<Aios>,
    Path((id, item)): Path<(TrainingId, Uuid)>,
    action: Action,
    layout: Layout,
    Form(form): Form<RemoveForm>,
) -> AppResult<Response> {
    remove(
        aios.id,
        id,
        (action, layout),
        form,
        Edit::RemoveInterruption(item),
    )
    .await
}
