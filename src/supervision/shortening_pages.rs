//! Shortening (verkorting, docs/domain/trainings.md): the aios proposes one from the training page;
//! the opleider records one (approved at once) or an ondersteuner proposes one for the opleider
//! from the aios page; only the opleider approves or rejects a proposal. For an ondersteuner the
//! decision routes do not exist (404), like every route for someone else's aios.

use crate::platform::ids::{TrainingId, UserId};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use rules::code::Coded;
use serde::Deserialize;
use tower_sessions::Session;
use uuid::Uuid;

use crate::platform::audit::Origin;
use crate::platform::auth::user::Role;
use crate::platform::state::AppState;
use crate::supervision::schedule_decisions::{self, Decider};
use crate::supervision::shortening_view::{self, ShorteningItem};
use crate::supervision::shortenings::{self as store, Actor, ShorteningError};
use crate::trainings::training::{self, Training};
use crate::web::action::Action;
use crate::web::current_user::{Aios, CurrentUser, RoleUser};
use crate::web::decision::{self as confirm, Check, Done, OpleiderOnlyPage};
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind};
use crate::web::form::{FormErrors, SelectOption};
use crate::web::layout::Layout;
use crate::web::tasks::Link;
use rules::decision::{self, Verdict};
use rules::schedule::model::{ShorteningGround, SpecialtyRules};
use rules::shortening::{self, ProposalForm, Proposer, ShorteningRefusal, ShorteningStatus};

/// The shortening routes of the aios and of the opleider's side.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/aios/opleidingen/{id}/verkorting",
            get(trainee_form).post(trainee_propose),
        )
        .route(
            "/aios/opleidingen/{id}/verkortingen/{sid}/intrekken",
            post(trainee_withdraw),
        )
        .route(
            "/opleider/aios/{id}/verkorting",
            get(supervisor_form).post(supervisor_propose),
        )
        .route("/opleider/aios/{id}/verkortingen/{sid}", get(decision_page))
        .route(
            "/opleider/aios/{id}/verkortingen/{sid}/goedkeuren",
            post(approve),
        )
        .route(
            "/opleider/aios/{id}/verkortingen/{sid}/afwijzen",
            post(reject),
        )
}

/// The proposal form, for the aios, the opleider or an ondersteuner.
#[derive(Template, WebTemplate)]
#[template(path = "supervision/shortenings/propose.html")]
pub struct ProposePage {
    layout: Layout,
    training: Training,
    /// Where the form posts.
    action: String,
    /// Where "terug" goes.
    back: String,
    /// Who proposes, which decides the text.
    proposer: Proposer,
    parts: Vec<SelectOption>,
    grounds: Vec<(&'static str, &'static str)>,
    /// The required duration without shortening, and the EU minimum when there is one.
    /// The required duration now, after approved shortenings and extensions.
    required_now: String,
    /// The months extensions add, when any.
    extended: Option<String>,
    eu_minimum: Option<String>,
    /// The shortenings approved so far.
    approved: Vec<ShorteningItem>,
    /// Why no proposal can be made now.
    blocked: Option<&'static str>,
    form: ProposalForm,
    errors: FormErrors,
}

fn refusal_text(refusal: ShorteningRefusal) -> &'static str {
    match refusal {
        ShorteningRefusal::Closed => {
            "Deze opleiding loopt niet meer; een verkorting kan niet meer worden vastgelegd."
        }
        ShorteningRefusal::AlreadyOpen => {
            "Er wacht al een voorstel voor verkorting op het besluit van de opleider. Wacht dat \
             besluit af, of trek het voorstel in, voordat u een nieuw voorstel doet."
        }
        ShorteningRefusal::NotTheOpleider => {
            "Alleen de oordelend opleider zelf besluit over een verkorting."
        }
        ShorteningRefusal::NotOpen => {
            "Over dit voorstel is al besloten, of het is ingetrokken. Hieronder ziet u wat nu \
             geldt."
        }
    }
}

/// Everything the proposal page shows besides the form.
struct ProposeContext {
    training: Training,
    rules: SpecialtyRules,
    proposer: Proposer,
    action: String,
    back: String,
}

async fn propose_page(
    state: &AppState,
    layout: Layout,
    context: ProposeContext,
    form: ProposalForm,
    errors: FormErrors,
) -> AppResult<ProposePage> {
    let mut conn = state.db.acquire().await?;
    let (records, required) =
        store::of_training_with_requirement(&mut conn, &context.training, &context.rules).await?;
    drop(conn);
    let open = records
        .iter()
        .any(|r| r.status == ShorteningStatus::Proposed);
    let blocked = shortening::propose(context.training.status, open, context.proposer)
        .err()
        .map(|refusal| match (refusal, context.proposer) {
            // Only the aios can withdraw; the opleider decides on what waits.
            (ShorteningRefusal::AlreadyOpen, Proposer::Opleider) => {
                "Er wacht al een voorstel voor verkorting op uw besluit. Beoordeel dat voorstel \
                 eerst; daarna kunt u een nieuwe verkorting vastleggen."
            }
            (ShorteningRefusal::AlreadyOpen, Proposer::Ondersteuner) => {
                "Er wacht al een voorstel voor verkorting op het besluit van de opleider. Een \
                 nieuw voorstel kan pas als daarover is besloten."
            }
            (refusal, _) => refusal_text(refusal),
        });
    let approved = records
        .iter()
        .filter(|r| r.status == ShorteningStatus::Approved)
        .map(|r| shortening_view::item(r, &context.rules))
        .collect();
    Ok(ProposePage {
        layout,
        parts: shortening_view::part_options(&context.rules),
        grounds: ShorteningGround::ALL
            .iter()
            .copied()
            .map(|g| (g.code(), g.label()))
            .collect(),
        required_now: required.total.dutch_with_unit(),
        extended: required
            .extended
            .is_positive()
            .then(|| required.extended.dutch_with_unit()),
        eu_minimum: context.rules.eu_minimum.map(|m| m.to_string()),
        approved,
        blocked,
        form,
        errors,
        training: context.training,
        proposer: context.proposer,
        action: context.action,
        back: context.back,
    })
}

/// Checks and records a proposal; re-renders the form with the messages when something is
/// wrong, or redirects to `context.back` with a flash.
async fn propose(
    state: &AppState,
    session: &Session,
    meta: &Origin,
    layout: Layout,
    actor: Actor,
    context: ProposeContext,
    form: ProposalForm,
) -> AppResult<Response> {
    let proposal = match shortening::parse(&form, &context.rules) {
        Ok(proposal) => proposal,
        Err(problems) => {
            let mut errors = FormErrors::new();
            for (field, message) in problems {
                errors.add(field, message);
            }
            let page = propose_page(state, layout, context, form, errors).await?;
            // When no proposal can be made at all, that is what the page says.
            let status = if page.blocked.is_some() {
                StatusCode::CONFLICT
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return Ok((status, page).into_response());
        }
    };
    let result = store::propose(
        state,
        meta,
        actor,
        &context.training,
        &context.rules,
        &proposal,
    )
    .await;
    let message = match result {
        Ok(ShorteningStatus::Approved) => {
            "De verkorting is vastgelegd en telt nu mee in de vereiste duur. De aios krijgt \
             hierover een e-mail."
        }
        Ok(_) if actor.proposer == Proposer::Trainee => {
            "Uw voorstel voor verkorting is verstuurd. Uw opleider krijgt een e-mail en besluit \
             erover; tot dan telt de verkorting niet mee."
        }
        Ok(_) => {
            "Het voorstel voor verkorting is vastgelegd. De opleider krijgt een e-mail en \
             besluit erover."
        }
        Err(ShorteningError::Limits(messages)) => {
            let mut errors = FormErrors::new();
            for message in messages {
                errors.add("maanden", message);
            }
            let page = propose_page(state, layout, context, form, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(ShorteningError::Refused(_)) => {
            // The page says why (computed afresh): another proposal waits, or the training
            // ended meanwhile.
            let page = propose_page(state, layout, context, form, FormErrors::new()).await?;
            return Ok((StatusCode::CONFLICT, page).into_response());
        }
        Err(ShorteningError::NotFound) => return Err(AppError::NotFound),
        Err(ShorteningError::Database(e)) => return Err(e.into()),
    };
    flash::push(session, FlashKind::Success, message).await?;
    Ok(Redirect::to(&context.back).into_response())
}

async fn trainee_context(
    state: &AppState,
    aios: UserId,
    id: TrainingId,
) -> AppResult<ProposeContext> {
    let mut conn = state.db.acquire().await?;
    let training = training::of_trainee(&mut conn, id, aios)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let rules = crate::trainings::own_training::training_rules(state, &training).await?;
    Ok(ProposeContext {
        training,
        rules,
        proposer: Proposer::Trainee,
        action: format!("/aios/opleidingen/{id}/verkorting"),
        back: format!("/aios/opleidingen/{id}"),
    })
}

async fn trainee_form(
    aios: RoleUser<Aios>,
    State(state): State<AppState>,
    Path(id): Path<TrainingId>,
    layout: Layout,
) -> AppResult<ProposePage> {
    let context = trainee_context(&state, aios.id, id).await?;
    propose_page(
        &state,
        layout,
        context,
        ProposalForm::default(),
        FormErrors::new(),
    )
    .await
}

async fn trainee_propose(
    aios: RoleUser<Aios>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<TrainingId>,
    layout: Layout,
    Form(form): Form<ProposalForm>,
) -> AppResult<Response> {
    let context = trainee_context(&state, aios.id, id).await?;
    let actor = Actor {
        user: aios.id,
        proposer: Proposer::Trainee,
        on_behalf_of: None,
    };
    propose(&state, &session, &meta, layout, actor, context, form).await
}

async fn trainee_withdraw(
    aios: RoleUser<Aios>,
    State(state): State<AppState>,
    Path((id, sid)): Path<(TrainingId, Uuid)>,
    session: Session,
    meta: Origin,
) -> AppResult<Response> {
    let mut conn = state.db.acquire().await?;
    let training = training::of_trainee(&mut conn, id, aios.id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let (kind, message) = match store::withdraw(&state, &meta, aios.id, &training, sid).await {
        Ok(()) => (
            FlashKind::Success,
            "U heeft het voorstel voor verkorting ingetrokken.",
        ),
        Err(ShorteningError::Refused(refusal)) => (FlashKind::Info, refusal_text(refusal)),
        Err(ShorteningError::Limits(_) | ShorteningError::NotFound) => {
            return Err(AppError::NotFound);
        }
        Err(ShorteningError::Database(e)) => return Err(e.into()),
    };
    flash::push(&session, kind, message).await?;
    Ok(Redirect::to(&format!("/aios/opleidingen/{id}")).into_response())
}

/// The training `id` as the opleider or ondersteuner `user` sees it, or 404.
async fn supervised(
    state: &AppState,
    user: &CurrentUser,
    id: TrainingId,
) -> AppResult<(Training, Decider)> {
    if !(user.has(Role::Opleider) || user.has(Role::Ondersteuner)) {
        return Err(AppError::NotFound);
    }
    let mut conn = state.db.acquire().await?;
    schedule_decisions::for_decider(&mut conn, id, user.id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Whether `decider` is the opleider themself (not an ondersteuner acting for them).
fn is_the_opleider(user: &CurrentUser, decider: Decider) -> bool {
    decider.on_behalf_of.is_none() && user.has(Role::Opleider)
}

async fn supervisor_context(
    state: &AppState,
    user: &CurrentUser,
    id: TrainingId,
) -> AppResult<(ProposeContext, Actor)> {
    let (training, decider) = supervised(state, user, id).await?;
    let rules = crate::trainings::own_training::training_rules(state, &training).await?;
    let proposer = if is_the_opleider(user, decider) {
        Proposer::Opleider
    } else {
        Proposer::Ondersteuner
    };
    let actor = Actor {
        user: user.id,
        proposer,
        on_behalf_of: decider.on_behalf_of,
    };
    Ok((
        ProposeContext {
            training,
            rules,
            proposer,
            action: format!("/opleider/aios/{id}/verkorting"),
            back: format!("/opleider/aios/{id}"),
        },
        actor,
    ))
}

async fn supervisor_form(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<TrainingId>,
    layout: Layout,
) -> AppResult<ProposePage> {
    let (context, _) = supervisor_context(&state, &user, id).await?;
    propose_page(
        &state,
        layout,
        context,
        ProposalForm::default(),
        FormErrors::new(),
    )
    .await
}

async fn supervisor_propose(
    user: CurrentUser,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<TrainingId>,
    layout: Layout,
    Form(form): Form<ProposalForm>,
) -> AppResult<Response> {
    let (context, actor) = supervisor_context(&state, &user, id).await?;
    propose(&state, &session, &meta, layout, actor, context, form).await
}

/// The opleider's decision on one proposal.
#[derive(Template, WebTemplate)]
#[template(path = "supervision/shortenings/decide.html")]
pub struct DecisionPage {
    layout: Layout,
    training: Training,
    item: ShorteningItem,
    /// The required duration now, and what it becomes when approved.
    required_now: String,
    required_after: String,
    /// Why approval would break the limits, if it would.
    limits: Vec<String>,
    reason: String,
    errors: FormErrors,
}

/// The training and the proposal `sid` for the opleider themself; 404 for an ondersteuner and
/// for anyone else.
///
/// An ondersteuner of the opleider gets, as `Err`, the page that says only the opleider decides.
async fn for_the_opleider(
    state: &AppState,
    user: &CurrentUser,
    (id, sid): (TrainingId, Uuid),
    layout: &Layout,
) -> AppResult<Result<(Training, SpecialtyRules), Response>> {
    let (training, decider) = supervised(state, user, id).await?;
    if !is_the_opleider(user, decider) {
        // Only about a proposal of this very training; any other id does not exist here.
        let mut conn = state.db.acquire().await?;
        if !store::of_training(&mut conn, id)
            .await?
            .iter()
            .any(|record| record.id == sid)
        {
            return Err(AppError::NotFound);
        }
        return Ok(Err(OpleiderOnlyPage::response(
            layout.clone(),
            format!("de voorgestelde verkorting van {}", training.trainee_name),
            training.supervisor_name.clone(),
            Link::new(
                format!("/opleider/aios/{id}"),
                format!("Terug naar {}", training.trainee_name),
            ),
        )));
    }
    let rules = crate::trainings::own_training::training_rules(state, &training).await?;
    Ok(Ok((training, rules)))
}

async fn decision_view(
    state: &AppState,
    layout: Layout,
    training: Training,
    rules: &SpecialtyRules,
    sid: Uuid,
    reason: String,
    errors: FormErrors,
) -> AppResult<DecisionPage> {
    let mut conn = state.db.acquire().await?;
    let (records, required) =
        store::of_training_with_requirement(&mut conn, &training, rules).await?;
    drop(conn);
    let record = records
        .iter()
        .find(|r| r.id == sid)
        .ok_or(AppError::NotFound)?;
    let approved: Vec<_> = records
        .iter()
        .filter(|r| r.status == ShorteningStatus::Approved)
        .map(store::Record::shortening)
        .collect();
    let limits = if record.status == ShorteningStatus::Proposed {
        shortening::within_limits(rules, &approved, &record.shortening())
            .err()
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok(DecisionPage {
        layout,
        item: shortening_view::item(record, rules),
        required_now: required.total.to_string(),
        required_after: (required.total - record.shortening().months)
            .at_least_zero()
            .to_string(),
        limits,
        reason,
        errors,
        training,
    })
}

async fn decision_page(
    user: CurrentUser,
    State(state): State<AppState>,
    Path((id, sid)): Path<(TrainingId, Uuid)>,
    layout: Layout,
) -> AppResult<Response> {
    let (training, rules) = match for_the_opleider(&state, &user, (id, sid), &layout).await? {
        Ok(found) => found,
        Err(opleider_only) => return Ok(opleider_only),
    };
    let page = decision_view(
        &state,
        layout,
        training,
        &rules,
        sid,
        String::new(),
        FormErrors::new(),
    )
    .await?;
    Ok(page.into_response())
}

/// What the decision forms post.
#[derive(Deserialize, Debug, Default)]
pub struct DecisionForm {
    #[serde(default)]
    reden: String,
    /// Set by the check page (`web::decision`).
    #[serde(default)]
    bevestigd: String,
}

/// "Controleer uw besluit" for `verdict` (with `reason`) on the proposal `view` shows.
fn shortening_check(
    view: &DecisionPage,
    (id, sid): (TrainingId, Uuid),
    (verdict, reason): (Verdict, Option<&str>),
) -> Check {
    let trainee = &view.training.trainee_name;
    let mut facts = vec![
        ("Aios".to_owned(), trainee.clone()),
        ("Opleiding".to_owned(), view.training.specialty_name.clone()),
        ("Verkorting".to_owned(), view.item.summary.clone()),
    ];
    let (decision, consequences, route, button) = match verdict {
        Verdict::Approve => {
            facts.push((
                "Vereiste duur".to_owned(),
                format!(
                    "nu {} maanden, na goedkeuring {} maanden",
                    view.required_now, view.required_after
                ),
            ));
            (
                format!("U keurt de voorgestelde verkorting van {trainee} goed."),
                vec![
                    format!(
                        "De vereiste duur van de opleiding wordt {} maanden.",
                        view.required_after
                    ),
                    format!("{trainee} krijgt hierover een e-mail."),
                ],
                "goedkeuren",
                "Ja, verkorting goedkeuren",
            )
        }
        Verdict::Reject => {
            facts.push((
                "Reden van afwijzing".to_owned(),
                reason.unwrap_or_default().to_owned(),
            ));
            (
                format!("U wijst de voorgestelde verkorting van {trainee} af."),
                vec![
                    "De vereiste duur van de opleiding blijft zoals die is.".to_owned(),
                    format!("{trainee} krijgt de reden per e-mail en kan een nieuw voorstel doen."),
                ],
                "afwijzen",
                "Ja, verkorting afwijzen",
            )
        }
    };
    Check {
        decision,
        facts,
        consequences,
        action: format!("/opleider/aios/{id}/verkortingen/{sid}/{route}"),
        fields: vec![("reden".to_owned(), reason.unwrap_or_default().to_owned())],
        button: button.to_owned(),
        destructive: verdict == Verdict::Reject,
        back: Link::new(
            format!("/opleider/aios/{id}/verkortingen/{sid}"),
            "Terug naar het voorstel, zonder te beslissen",
        ),
    }
}

/// Records the opleider's `verdict` on proposal `sid` of training `id`, and answers with the
/// opleider's page and a message, or the decision page with what is wrong.
async fn record_decision(
    action: &Action,
    user: &CurrentUser,
    layout: Layout,
    (id, sid): (TrainingId, Uuid),
    (verdict, form): (Verdict, DecisionForm),
) -> AppResult<Response> {
    let Action {
        state,
        session,
        origin: meta,
    } = action;
    let (training, rules) = match for_the_opleider(state, user, (id, sid), &layout).await? {
        Ok(found) => found,
        Err(opleider_only) => return Ok(opleider_only),
    };
    let reason = match verdict {
        Verdict::Approve => None,
        Verdict::Reject => match decision::parse_reason(&form.reden) {
            Ok(reason) => Some(reason),
            Err(_) => {
                let mut errors = FormErrors::new();
                errors.add(
                    "reden",
                    "Geef een reden voor de afwijzing: de aios leest die in de e-mail en op de \
                     pagina van de opleiding.",
                );
                let page =
                    decision_view(state, layout, training, &rules, sid, form.reden, errors).await?;
                return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
        },
    };
    if !confirm::confirmed(&form.bevestigd) {
        let view = decision_view(
            state,
            layout.clone(),
            training,
            &rules,
            sid,
            String::new(),
            FormErrors::new(),
        )
        .await?;
        return Ok(shortening_check(&view, (id, sid), (verdict, reason.as_deref())).page(layout));
    }
    let decision = store::ProposalDecision {
        proposal: sid,
        verdict,
        reason: reason.as_deref(),
    };
    let result = store::decide(state, meta, (user.id, true), (&training, &rules), decision).await;
    let (kind, message) = match result {
        Ok(()) => {
            let trainee = &training.trainee_name;
            let (title, lines) = match verdict {
                Verdict::Approve => (
                    "Verkorting goedgekeurd",
                    vec![
                        format!(
                            "U heeft de verkorting van {trainee} goedgekeurd; de vereiste duur \
                             van de opleiding is aangepast."
                        ),
                        format!("{trainee} krijgt hierover een e-mail."),
                    ],
                ),
                Verdict::Reject => (
                    "Verkorting afgewezen",
                    vec![
                        format!("U heeft de verkorting van {trainee} afgewezen."),
                        format!("{trainee} krijgt de reden per e-mail."),
                    ],
                ),
            };
            let next = crate::supervision::waiting::next_decision(state, user, id).await?;
            return Done {
                title: title.to_owned(),
                lines,
                next,
                back: Link::new(
                    format!("/opleider/aios/{id}"),
                    format!("Terug naar {trainee}"),
                ),
            }
            .show(session)
            .await;
        }
        Err(ShorteningError::Refused(refusal)) => (FlashKind::Info, refusal_text(refusal)),
        Err(ShorteningError::Limits(messages)) => {
            let mut errors = FormErrors::new();
            for message in messages {
                errors.add("goedkeuren", message);
            }
            let page =
                decision_view(state, layout, training, &rules, sid, String::new(), errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        Err(ShorteningError::NotFound) => return Err(AppError::NotFound),
        Err(ShorteningError::Database(e)) => return Err(e.into()),
    };
    flash::push(session, kind, message).await?;
    Ok(Redirect::to(&format!("/opleider/aios/{id}")).into_response())
}

async fn approve(
    user: CurrentUser,
    action: Action,
    Path(ids): Path<(TrainingId, Uuid)>,
    layout: Layout,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    record_decision(&action, &user, layout, ids, (Verdict::Approve, form)).await
}

async fn reject(
    user: CurrentUser,
    action: Action,
    Path(ids): Path<(TrainingId, Uuid)>,
    layout: Layout,
    Form(form): Form<DecisionForm>,
) -> AppResult<Response> {
    record_decision(&action, &user, layout, ids, (Verdict::Reject, form)).await
}
