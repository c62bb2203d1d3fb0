//! The opleider's and ondersteuner's view of their aios (docs/domain/README.md,
//! docs/domain/trainings.md): the list of aios, one aios's current and proposed schedule side by
//! side, and the decision on a submitted schedule or change request. An ondersteuner sees the aios
//! of every opleider who delegated to them and decides "namens" that opleider; anyone else gets
//! 404.

use crate::platform::ids::{TrainingId, VersionId};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use rules::code::Coded;
use serde::Deserialize;

use crate::platform::audit::{self, AuditEntry, Origin, Outcome};
use crate::platform::auth::session_store;
use crate::platform::auth::user::Role;
use crate::platform::state::AppState;
use crate::supervision::aios_overview;
use crate::supervision::schedule_decisions::{
    self, DecideError, Decider, FinalDeclaration, FinalError,
};
use crate::supervision::shortening_view;
use crate::trainings::schedule::{self, Versions};
use crate::trainings::schedule_view::{self, HistoryEntry, ScheduleView};
use crate::trainings::training::Training;
use crate::web::action::Action;
use crate::web::current_user::CurrentUser;
use crate::web::decision::{self as confirm, Check, Done, OpleiderOnlyPage};
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind};
use crate::web::form::{FormErrors, SelectOption};
use crate::web::layout::Layout;
use crate::web::tasks::Link;
use crate::web::timeline::Timeline;
use rules::decision::FinalDeclarationRefusal;
use rules::decision::{self, DecisionRefusal, Verdict};
use rules::person::{self, format_date};
use rules::schedule::diff::{Change, ChangeKind};
use rules::shortening::Proposer;
use rules::training::RegistrationStatus;

/// The routes of the opleider's and ondersteuner's aios pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/opleider/aios", get(list))
        .route("/opleider/aios.csv", get(list_csv))
        .route("/opleider/aios/{id}", get(show))
        .route("/opleider/aios/{id}/goedkeuren", post(approve))
        .route("/opleider/aios/{id}/afkeuren", post(reject))
        .route(
            "/opleider/aios/{id}/eindverklaring",
            post(final_declaration),
        )
}

/// Refuses (404) anyone who is neither opleider nor ondersteuner.
fn supervising(user: &CurrentUser) -> AppResult<()> {
    if user.has(Role::Opleider) || user.has(Role::Ondersteuner) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The aios of this opleider (or of the opleiders an ondersteuner works for), filtered,
/// sorted and paged. Rendered in its handler: the rows borrow from the page's database rows.
#[derive(Template)]
#[template(path = "supervision/list.html")]
pub struct ListPage<'r> {
    layout: Layout,
    /// Whether each row names its opleider (an ondersteuner's list mixes them).
    show_supervisor: bool,
    /// How many aios the filters hold, on all pages.
    count: i64,
    /// The filters as a query string, for the CSV of all pages.
    csv_query: String,
    /// What is wrong with the name searched for.
    errors: FormErrors,
    rows: Vec<aios_overview::Row<'r>>,
    filter: ListFilter,
    statuses: Vec<SelectOption>,
    sorts: Vec<SelectOption>,
    /// The query string of the next page, when there is one.
    next: Option<String>,
}

/// The list's query string.
#[derive(Deserialize, Debug, Default, Clone)]
pub struct ListFilter {
    #[serde(default)]
    naam: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    wacht: Option<String>,
    #[serde(default)]
    sorteer: String,
    #[serde(default)]
    na_naam: Option<String>,
    #[serde(default)]
    na_id: Option<TrainingId>,
    #[serde(default)]
    na_status: Option<String>,
}

/// What the list's query string asks for; a name that cannot be searched is an error in
/// `errors` and no name filter.
fn overview_query(filter: &ListFilter, errors: &mut FormErrors) -> aios_overview::Query {
    let name = match filter.naam.trim() {
        "" => Vec::new(),
        typed => rules::person::name_patterns(typed, 2, 5).unwrap_or_else(|error| {
            errors.add("naam", error.to_string());
            Vec::new()
        }),
    };
    let sort = if filter.sorteer == "status" {
        aios_overview::Sort::Status
    } else {
        aios_overview::Sort::Name
    };
    let after = match (&filter.na_naam, filter.na_id) {
        (Some(name), Some(id)) => Some(aios_overview::Cursor {
            status: filter.na_status.clone().unwrap_or_default(),
            name: name.clone(),
            id,
        }),
        _ => None,
    };
    aios_overview::Query {
        status: RegistrationStatus::from_code(&filter.status),
        waiting_only: filter.wacht.is_some(),
        name,
        sort,
        after,
    }
}

/// Whether the list names each row's opleider, and whose aios it lists. Only an ondersteuner's
/// list mixes opleiders; an opleider's own list does not repeat his name on every row, and is
/// one range of the index, in the order of the page (delegations are read only for an
/// ondersteuner).
fn whose_list(user: &CurrentUser) -> (bool, aios_overview::Whose) {
    if user.has(Role::Ondersteuner) {
        (true, aios_overview::Whose::OwnAndDelegated)
    } else {
        (false, aios_overview::Whose::Own)
    }
}

/// What waits for the opleider on `row`, in the words of the list.
fn waiting_words(row: &aios_overview::Row<'_>) -> String {
    let mut waiting = Vec::new();
    if row.schedule_waiting {
        waiting.push("Schema beoordelen");
    }
    if row.shortening_waiting {
        waiting.push("Verkorting beoordelen");
    }
    if row.declaration_due {
        waiting.push("Eindverklaring afgeven");
    }
    if waiting.is_empty() {
        "Niets".to_owned()
    } else {
        waiting.join(", ")
    }
}

/// The list as CSV with the page's filters (all pages, not the keyset's place), for a
/// spreadsheet; the download is in the audit log.
async fn list_csv(
    user: CurrentUser,
    State(state): State<AppState>,
    meta: Origin,
    axum_extra::extract::Query(filter): axum_extra::extract::Query<ListFilter>,
) -> AppResult<Response> {
    supervising(&user)?;
    let mut errors = FormErrors::new();
    let query = aios_overview::Query {
        after: None,
        ..overview_query(&filter, &mut errors)
    };
    if let Some(message) = errors.get("naam") {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, message.to_owned()).into_response());
    }
    let today = state.clock.today();
    let (_, whose) = whose_list(&user);
    let mut conn = state.db.acquire().await?;
    let page = aios_overview::all(&mut conn, user.id, whose, today, &query).await?;
    let rows = page.rows(today)?;
    audit::record(
        &mut conn,
        state.clock.now(),
        &meta,
        AuditEntry::new(
            "supervision.list_downloaded",
            Some(user.id),
            Outcome::Success,
        )
        .details(serde_json::json!({
            "rows": rows.len(),
            "naam": filter.naam.trim(),
            "status": filter.status,
            "wacht": filter.wacht.is_some(),
        })),
    )
    .await?;
    drop(conn);
    let mut csv = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer("\u{feff}".as_bytes().to_vec());
    csv.write_record([
        "Aios",
        "Opleiding",
        "Oordelend opleider",
        "Status",
        "Huidige periode",
        "Instelling",
        "Wacht op u",
    ])
    .map_err(anyhow::Error::from)?;
    let safe = rules::report::spreadsheet_safe;
    for row in &rows {
        csv.write_record([
            safe(row.trainee_name).as_ref(),
            safe(row.specialty_name).as_ref(),
            safe(row.supervisor_name).as_ref(),
            row.registration().map_or("", |s| s.label()),
            safe(row.period_label.as_deref().unwrap_or("")).as_ref(),
            safe(row.institution_name.as_deref().unwrap_or("")).as_ref(),
            waiting_words(row).as_str(),
        ])
        .map_err(anyhow::Error::from)?;
    }
    let bytes = csv.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok((
        crate::web::attachment("text/csv; charset=utf-8", &format!("mijn-aios-{today}.csv")),
        bytes,
    )
        .into_response())
}

async fn list(
    user: CurrentUser,
    State(state): State<AppState>,
    layout: Layout,
    axum_extra::extract::Query(filter): axum_extra::extract::Query<ListFilter>,
) -> AppResult<Response> {
    supervising(&user)?;
    let mut errors = FormErrors::new();
    let query = overview_query(&filter, &mut errors);
    let today = state.clock.today();
    let (show_supervisor, whose) = whose_list(&user);
    // On the connection the session was read on (one of PAGES_ON_THE_SESSIONS_CONNECTION),
    // back in the pool before the page is rendered.
    let mut db = session_store::session_connection_or_acquire(&state.db).await?;
    let page = aios_overview::page(&mut db, user.id, whose, today, &query).await?;
    // The count only when there is more than this page: otherwise the page's rows are it.
    let count = if page.more || query.after.is_some() {
        aios_overview::count(&mut db, user.id, whose, today, &query).await?
    } else {
        i64::try_from(page.rows_len()).unwrap_or(i64::MAX)
    };
    drop(db);
    let rows = page.rows(today)?;
    let next = match (page.more, rows.last()) {
        (true, Some(last)) => {
            let cursor = last.cursor();
            let mut url = url::form_urlencoded::Serializer::new(String::new());
            if !filter.naam.trim().is_empty() {
                url.append_pair("naam", filter.naam.trim());
            }
            url.append_pair("status", &filter.status);
            if filter.wacht.is_some() {
                url.append_pair("wacht", "ja");
            }
            url.append_pair("sorteer", &filter.sorteer);
            url.append_pair("na_naam", &cursor.name);
            url.append_pair("na_id", &cursor.id.to_string());
            url.append_pair("na_status", &cursor.status);
            Some(url.finish())
        }
        _ => None,
    };
    let mut statuses = vec![SelectOption::new("", "Alle statussen")];
    statuses.extend(
        RegistrationStatus::ALL
            .iter()
            .copied()
            .filter(|s| *s != RegistrationStatus::Concept)
            .map(|s| SelectOption::new(s.code(), s.label())),
    );
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut csv_query = url::form_urlencoded::Serializer::new(String::new());
    if !filter.naam.trim().is_empty() {
        csv_query.append_pair("naam", filter.naam.trim());
    }
    csv_query.append_pair("status", &filter.status);
    if filter.wacht.is_some() {
        csv_query.append_pair("wacht", "ja");
    }
    csv_query.append_pair("sorteer", &filter.sorteer);
    let list = ListPage {
        layout,
        show_supervisor,
        count,
        csv_query: csv_query.finish(),
        errors,
        rows,
        filter,
        statuses,
        sorts: vec![
            SelectOption::new("naam", "Naam"),
            SelectOption::new("status", "Status"),
        ],
        next,
    };
    // A page of fifty rows is some 24 kB: written into room for it at once instead of a
    // buffer that grows and is copied as it fills.
    let mut html = String::with_capacity(32 * 1024);
    list.render_into(&mut html).map_err(anyhow::Error::from)?;
    Ok((status, Html(html)).into_response())
}

/// One difference between the current and the proposed version.
pub struct ComparisonRow {
    /// "Toegevoegd", "Verwijderd", "Gewijzigd".
    kind: &'static str,
    /// The tag's colour modifier, so the three kinds differ at a glance (the word says it).
    tag: &'static str,
    /// The item: its name when changed, all of it when added or removed.
    what: String,
    /// For a changed item: each changed field's name, old and new value.
    fields: Vec<(String, String, String)>,
}

/// One aios: the proposed version next to the current one, and the decision.
#[derive(Template, WebTemplate)]
#[template(path = "supervision/aios.html")]
pub struct AiosPage {
    layout: Layout,
    training: Training,
    decider: Decider,
    /// The submitted version's number and its view, when one waits.
    proposed: Option<(i32, VersionId, ScheduleView)>,
    /// The current version's number and its view.
    current: Option<(i32, ScheduleView)>,
    comparison: Vec<ComparisonRow>,
    /// For a change request: the current and the proposed version drawn on one axis.
    current_timeline: Option<Timeline>,
    /// See `current_timeline`.
    proposed_timeline: Option<Timeline>,
    change_request: bool,
    errors: FormErrors,
    reason: String,
    /// The eindverklaring, once issued.
    declaration: Option<FinalDeclaration>,
    /// Whether this user may issue it (the opleider themself, for a running registration).
    may_declare: bool,
    /// Whether the eindverklaring may be given now (by the opleider; an ondersteuner sees that
    /// it waits for them).
    declaration_due: bool,
    /// From when it is possible (Dutch date), when that lies in the future.
    declare_from: Option<String>,
    /// What the eindverklaring form holds.
    final_form: FinalForm,
    /// Every version, with who did what and what changed.
    entries: Vec<HistoryEntry>,
    /// The shortenings, with what this user may do about them.
    shortening_section: shortening_view::Section,
}

fn field_name(field: &str) -> &'static str {
    match field {
        "label" => "Naam",
        "part" => "Onderdeel",
        "institution" => "Instelling",
        "supervisor" => "Opleider",
        "start" => "Begindatum",
        "end" => "Einddatum (tot)",
        "part_time_pct" => "Deeltijd",
        "kind" => "Soort",
        _ => "Gegeven",
    }
}

fn comparison(changes: Vec<Change>) -> Vec<ComparisonRow> {
    changes
        .into_iter()
        .map(|c| ComparisonRow {
            kind: match c.kind {
                ChangeKind::Added => "Toegevoegd",
                ChangeKind::Removed => "Verwijderd",
                ChangeKind::Changed => "Gewijzigd",
            },
            tag: match c.kind {
                ChangeKind::Added => "tag--done",
                ChangeKind::Removed => "tag--removed",
                ChangeKind::Changed => "",
            },
            what: c.what,
            fields: c
                .fields
                .into_iter()
                .map(|f| (field_name(f.field).to_owned(), f.before, f.after))
                .collect(),
        })
        .collect()
}

async fn page(
    state: &AppState,
    user: &CurrentUser,
    id: TrainingId,
    layout: Layout,
    errors: FormErrors,
    reason: String,
    final_form: FinalForm,
) -> AppResult<AiosPage> {
    let mut conn = state.db.acquire().await?;
    let (training, decider, rules) =
        schedule_decisions::for_decider_with_rules(&mut conn, id, user.id)
            .await?
            .ok_or(AppError::NotFound)?;
    // Every version with its items at once: the history compares them all, and the current
    // and the submitted one are among them.
    let loaded = schedule::versions_with_items(&mut conn, id).await?;
    let versions = Versions::of(&loaded);
    let loaded_of = |version: Option<&schedule::Version>| {
        version.and_then(|version| loaded.iter().find(|l| l.version.id == version.id))
    };
    let today = state.clock.today();
    let base = format!("/opleider/aios/{id}");
    let current_loaded = loaded_of(versions.current());
    let submitted = loaded_of(versions.submitted());
    let context =
        |loaded: &schedule::LoadedVersion| schedule::context(&training, &loaded.version, today);
    let view = |loaded: &schedule::LoadedVersion| {
        schedule_view::build(loaded, &rules, &context(loaded), false, base.clone()).0
    };
    // A change request is shown against the current version; a first schedule or the
    // current one alone is shown as it is.
    let (current, proposed, changes, current_timeline, proposed_timeline) =
        match (current_loaded, submitted) {
            (Some(old), Some(new)) => {
                let compared = schedule_view::compared(
                    (old, &context(old)),
                    (new, &context(new)),
                    &rules,
                    &base,
                );
                (
                    Some((old.version.number, compared.current)),
                    Some((new.version.number, new.version.id, compared.proposed)),
                    compared.changes,
                    compared.current_timeline,
                    compared.proposed_timeline,
                )
            }
            (old, new) => (
                old.map(|old| (old.version.number, view(old))),
                new.map(|new| (new.version.number, new.version.id, view(new))),
                Vec::new(),
                None,
                None,
            ),
        };
    let records = crate::trainings::training_records::records_of(&mut conn, id).await?;
    let declaration = records.declaration;
    // When the eindverklaring becomes possible, for a running registration without one.
    let declaration_from = if declaration.is_none() && training.status.accepts_change_requests() {
        let (expected_end, _) = match current_loaded {
            Some(current) => schedule_decisions::end_and_start(&training, current, &rules, today),
            None => (None, None),
        };
        expected_end.map(decision::final_declaration_from)
    } else {
        None
    };
    let declaration_due = declaration_from.is_some_and(|from| from <= today);
    let may_declare = declaration.is_none()
        && decider.on_behalf_of.is_none()
        && user.has(Role::Opleider)
        && training.status.accepts_change_requests();
    let declare_from = declaration_from
        .filter(|from| may_declare && *from > today)
        .map(format_date);
    let entries = schedule_view::history_of(&loaded, &rules);
    let proposer = if decider.on_behalf_of.is_none() && user.has(Role::Opleider) {
        Proposer::Opleider
    } else {
        Proposer::Ondersteuner
    };
    let shortening_section =
        shortening_view::section(&records.shortenings, &training, &rules, proposer);
    Ok(AiosPage {
        shortening_section,
        entries,
        declaration,
        may_declare,
        declaration_due,
        declare_from,
        final_form,
        change_request: current.is_some(),
        comparison: comparison(changes),
        current_timeline,
        proposed_timeline,
        layout,
        training,
        decider,
        proposed,
        current,
        errors,
        reason,
    })
}

async fn show(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<TrainingId>,
    layout: Layout,
) -> AppResult<AiosPage> {
    supervising(&user)?;
    page(
        &state,
        &user,
        id,
        layout,
        FormErrors::new(),
        String::new(),
        FinalForm::default(),
    )
    .await
}

/// What the decision forms post.
#[derive(Deserialize, Debug)]
pub struct DecisionForm {
    #[serde(default)]
    versie: String,
    #[serde(default)]
    reden: String,
    /// Set by the check page (`web::decision`).
    #[serde(default)]
    bevestigd: String,
}

/// What "Controleer uw besluit" says about `verdict` (with `reason`) on the schedule of
/// `training`, decided by `decider`, posted as `form` to `action`.
fn decision_check(
    training: &Training,
    decider: &schedule_decisions::Decider,
    (verdict, reason): (Verdict, Option<&str>),
    form: &DecisionForm,
    action: String,
) -> Check {
    let trainee = &training.trainee_name;
    let first = training.status == RegistrationStatus::Submitted;
    let what = if first {
        "het eerste opleidingsschema"
    } else {
        "het wijzigingsverzoek"
    };
    let mut facts = vec![
        ("Aios".to_owned(), trainee.clone()),
        ("Opleiding".to_owned(), training.specialty_name.clone()),
        (
            "Besluit over".to_owned(),
            if first {
                "Eerste opleidingsschema (aanvraag tot opleidingsregistratie)".to_owned()
            } else {
                "Wijzigingsverzoek van het opleidingsschema".to_owned()
            },
        ),
    ];
    let mut consequences = Vec::new();
    let (decision, button) = match verdict {
        Verdict::Approve => {
            consequences.push(if first {
                format!(
                    "Het schema wordt het geldende opleidingsschema van {trainee}; de \
                     inschrijving in het opleidingsregister wordt definitief zodra de factuur \
                     is betaald."
                )
            } else {
                format!("Het voorgestelde schema vervangt het geldende schema van {trainee}.")
            });
            consequences.push(format!("{trainee} krijgt hierover een e-mail."));
            (
                format!("U keurt {what} van {trainee} goed."),
                "Ja, goedkeuren",
            )
        }
        Verdict::Reject => {
            facts.push((
                "Reden van afkeuring".to_owned(),
                reason.unwrap_or_default().to_owned(),
            ));
            consequences.push(format!(
                "{trainee} krijgt de reden per e-mail en kan het schema aanpassen en opnieuw \
                 indienen."
            ));
            if !first {
                consequences.push("Het geldende schema blijft zoals het is.".to_owned());
            }
            (format!("U keurt {what} van {trainee} af."), "Ja, afkeuren")
        }
    };
    if decider.on_behalf_of.is_some() {
        consequences.push(format!(
            "Het besluit wordt vastgelegd als genomen namens {}.",
            training.supervisor_name
        ));
    }
    Check {
        decision,
        facts,
        consequences,
        action,
        fields: vec![
            ("versie".to_owned(), form.versie.clone()),
            ("reden".to_owned(), form.reden.clone()),
        ],
        button: button.to_owned(),
        destructive: verdict == Verdict::Reject,
        back: Link::new(
            format!("/opleider/aios/{}", training.id),
            format!("Terug naar {trainee}, zonder te beslissen"),
        ),
    }
}

/// Records `verdict` (with `reason` for a rejection) on the version the form names of
/// training `id`, once the check page was confirmed, and answers with the confirmation page
/// (or, when the decision is no longer possible, the opleider's page and why).
async fn record(
    action: &Action,
    user: &CurrentUser,
    (id, layout): (TrainingId, Layout),
    form: &DecisionForm,
    (verdict, reason): (Verdict, Option<&str>),
) -> AppResult<Response> {
    let Action {
        state,
        session,
        origin: meta,
    } = action;
    let mut conn = state.db.acquire().await?;
    let (training, decider) = schedule_decisions::for_decider(&mut conn, id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let version: VersionId = form.versie.parse().map_err(|_| AppError::NotFound)?;
    if !confirm::confirmed(&form.bevestigd) {
        let route = match verdict {
            Verdict::Approve => "goedkeuren",
            Verdict::Reject => "afkeuren",
        };
        let check = decision_check(
            &training,
            &decider,
            (verdict, reason),
            form,
            format!("/opleider/aios/{id}/{route}"),
        );
        return Ok(check.page(layout));
    }
    let first = training.status == RegistrationStatus::Submitted;
    let result =
        schedule_decisions::decide(state, meta, decider, &training, version, verdict, reason).await;
    let message = match result {
        Ok(()) => {
            let next = crate::supervision::waiting::next_decision(state, user, id).await?;
            let what = if first {
                "Opleidingsschema"
            } else {
                "Wijzigingsverzoek"
            };
            let trainee = &training.trainee_name;
            let (title, told) = match verdict {
                Verdict::Approve => (
                    format!("{what} goedgekeurd"),
                    format!("{trainee} krijgt hierover een e-mail."),
                ),
                Verdict::Reject => (
                    format!("{what} afgekeurd"),
                    format!(
                        "{trainee} krijgt de reden per e-mail en kan het schema aanpassen en \
                         opnieuw indienen."
                    ),
                ),
            };
            return Done {
                title,
                lines: vec![
                    format!(
                        "Uw besluit over het schema van {trainee} ({}) is vastgelegd.",
                        training.specialty_name
                    ),
                    told,
                ],
                next,
                back: Link::new(
                    format!("/opleider/aios/{id}"),
                    format!("Terug naar {trainee}"),
                ),
            }
            .show(session)
            .await;
        }
        Err(DecideError::Refused(DecisionRefusal::NotWaiting)) => {
            "Over deze versie is al besloten, of de aios heeft intussen een andere versie \
             ingediend. Bekijk hieronder wat nu geldt."
        }
        Err(DecideError::Refused(DecisionRefusal::Closed)) => {
            "Over het schema van deze opleiding wordt niet meer besloten."
        }
        Err(DecideError::Database(e)) => return Err(e.into()),
    };
    flash::push(session, FlashKind::Info, message).await?;
    Ok(Redirect::to(&format!("/opleider/aios/{id}")).into_response())
}

async fn approve(
    user: CurrentUser,
    action: Action,
    Path(id): Path<TrainingId>,
    layout: Layout,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    supervising(&user)?;
    record(
        &action,
        &user,
        (id, layout),
        &form,
        (Verdict::Approve, None),
    )
    .await
}

async fn reject(
    user: CurrentUser,
    action: Action,
    Path(id): Path<TrainingId>,
    layout: Layout,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    supervising(&user)?;
    match decision::parse_reason(&form.reden) {
        Ok(reason) => {
            record(
                &action,
                &user,
                (id, layout),
                &form,
                (Verdict::Reject, Some(&reason)),
            )
            .await
        }
        Err(message) => {
            let mut errors = FormErrors::new();
            errors.add("reden", message);
            let page = page(
                &action.state,
                &user,
                id,
                layout,
                errors,
                form.reden.clone(),
                FinalForm::default(),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
        }
    }
}

/// What the eindverklaring form posts.
#[derive(Deserialize, Debug, Default)]
pub struct FinalForm {
    #[serde(default)]
    uitkomst: String,
    #[serde(default)]
    einddatum: String,
    #[serde(default)]
    toelichting: String,
    /// Set by the check page (`web::decision`).
    #[serde(default)]
    bevestigd: String,
}

async fn final_declaration(
    user: CurrentUser,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<TrainingId>,
    layout: Layout,
    Form(form): Form<FinalForm>,
) -> AppResult<Response> {
    supervising(&user)?;
    let mut conn = state.db.acquire().await?;
    let (training, decider) = schedule_decisions::for_decider(&mut conn, id, user.id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    // The eindverklaring is the opleider's own judgement: an ondersteuner of theirs is told
    // so (she sees this aios anyway).
    if decider.on_behalf_of.is_some() || !user.has(Role::Opleider) {
        return Ok(OpleiderOnlyPage::response(
            layout,
            format!("de eindverklaring van {}", training.trainee_name),
            training.supervisor_name.clone(),
            Link::new(
                format!("/opleider/aios/{id}"),
                format!("Terug naar {}", training.trainee_name),
            ),
        ));
    }
    let mut errors = FormErrors::new();
    let positive = match form.uitkomst.as_str() {
        "positief" => Some(true),
        "negatief" => Some(false),
        _ => {
            errors.add(
                "uitkomst-positief",
                "Kies of de eindverklaring positief of negatief is.",
            );
            None
        }
    };
    let end_date = person::parse_date(&form.einddatum)
        .map_err(|m| errors.add("einddatum", m))
        .ok();
    let note = form.toelichting.trim().to_owned();
    if note.chars().count() > 2000 {
        errors.add(
            "toelichting",
            "Gebruik voor de toelichting hoogstens 2000 tekens.",
        );
    }
    let (Some(positive), Some(end_date)) = (positive, end_date) else {
        return refused(&state, &user, id, layout, errors, form).await;
    };
    if !errors.is_empty() {
        return refused(&state, &user, id, layout, errors, form).await;
    }
    let trainee = &training.trainee_name;
    if !confirm::confirmed(&form.bevestigd) {
        let mut facts = vec![
            ("Aios".to_owned(), trainee.clone()),
            ("Opleiding".to_owned(), training.specialty_name.clone()),
            (
                "Uitkomst".to_owned(),
                if positive { "Positief" } else { "Negatief" }.to_owned(),
            ),
            (
                "Einde van de opleiding".to_owned(),
                format!(
                    "tot {} (laatste opleidingsdag {})",
                    format_date(end_date),
                    format_date(end_date.pred_opt().unwrap_or(end_date))
                ),
            ),
        ];
        if !note.is_empty() {
            facts.push(("Toelichting".to_owned(), note.clone()));
        }
        let consequences = if positive {
            vec![
                format!(
                    "De opleiding {} van {trainee} wordt voltooid; {trainee} kan daarna \
                     registratie als specialist of profielarts aanvragen.",
                    training.specialty_name
                ),
                format!("{trainee} krijgt hierover een e-mail."),
            ]
        } else {
            vec![
                "De RGS neemt het vervolg op zich.".to_owned(),
                format!("{trainee} krijgt hierover een e-mail."),
            ]
        };
        return Ok(Check {
            decision: format!(
                "U geeft een {} eindverklaring af voor {trainee}.",
                if positive { "positieve" } else { "negatieve" }
            ),
            facts,
            consequences,
            action: format!("/opleider/aios/{id}/eindverklaring"),
            fields: vec![
                ("uitkomst".to_owned(), form.uitkomst.clone()),
                ("einddatum".to_owned(), form.einddatum.clone()),
                ("toelichting".to_owned(), form.toelichting.clone()),
            ],
            button: "Ja, eindverklaring afgeven".to_owned(),
            destructive: !positive,
            back: Link::new(
                format!("/opleider/aios/{id}"),
                format!("Terug naar {trainee}, zonder eindverklaring"),
            ),
        }
        .page(layout));
    }
    let rules = crate::trainings::own_training::training_rules(&state, &training).await?;
    let declaration = rules::decision::FinalDeclaration { positive, end_date };
    let result = schedule_decisions::issue_final_declaration(
        &state,
        &meta,
        decider,
        (&training, &rules),
        declaration,
        &note,
    )
    .await;
    let message = match result {
        Ok(()) => {
            let lines = if positive {
                vec![
                    format!(
                        "U heeft een positieve eindverklaring afgegeven voor {trainee} ({}). De \
                         opleiding is voltooid.",
                        training.specialty_name
                    ),
                    format!(
                        "{trainee} krijgt hierover een e-mail en kan nu registratie als \
                         specialist of profielarts aanvragen."
                    ),
                ]
            } else {
                vec![
                    format!(
                        "U heeft een negatieve eindverklaring afgegeven voor {trainee} ({}).",
                        training.specialty_name
                    ),
                    format!("De RGS neemt het vervolg op zich; {trainee} krijgt een e-mail."),
                ]
            };
            let next = crate::supervision::waiting::next_decision(&state, &user, id).await?;
            return Done {
                title: "Eindverklaring afgegeven".to_owned(),
                lines,
                next,
                back: Link::new(
                    format!("/opleider/aios/{id}"),
                    format!("Terug naar {trainee}"),
                ),
            }
            .show(&session)
            .await;
        }
        Err(FinalError::Refused(FinalDeclarationRefusal::TooEarly(from))) => {
            let mut errors = FormErrors::new();
            errors.add(
                "einddatum",
                format!(
                    "De eindverklaring kan pas vanaf {} worden afgegeven: drie maanden voor de \
                     verwachte einddatum van de opleiding.",
                    format_date(from)
                ),
            );
            return refused(&state, &user, id, layout, errors, form).await;
        }
        Err(FinalError::Refused(FinalDeclarationRefusal::EndBeforeStart)) => {
            let mut errors = FormErrors::new();
            errors.add(
                "einddatum",
                "De einddatum ligt voor het begin van de opleiding.",
            );
            return refused(&state, &user, id, layout, errors, form).await;
        }
        Err(FinalError::Refused(FinalDeclarationRefusal::NotTheOpleider)) => {
            return Err(AppError::NotFound);
        }
        Err(FinalError::Refused(
            FinalDeclarationRefusal::AlreadyIssued | FinalDeclarationRefusal::NotRunning,
        )) => "Voor deze opleiding is al een eindverklaring afgegeven, of de opleiding staat \
             niet (meer) ingeschreven."
            .to_owned(),
        Err(FinalError::Database(e)) => return Err(e.into()),
    };
    flash::push(&session, FlashKind::Info, message).await?;
    Ok(Redirect::to(&format!("/opleider/aios/{id}")).into_response())
}

/// The aios page again, with the eindverklaring form as typed and what is wrong with it.
async fn refused(
    state: &AppState,
    user: &CurrentUser,
    id: TrainingId,
    layout: Layout,
    errors: FormErrors,
    form: FinalForm,
) -> AppResult<Response> {
    let page = page(state, user, id, layout, errors, String::new(), form).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
