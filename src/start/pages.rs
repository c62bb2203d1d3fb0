//! `/start`: what waits for the logged-in user, per role (docs/architecture.md, "The start
//! page").

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use tower_sessions::Session;

use crate::platform::auth::user::Role;
use crate::platform::state::AppState;
use crate::web::current_user::CurrentUser;
use crate::web::decision::Done;
use crate::web::error::AppResult;
use crate::web::layout::{Layout, START_PAGE};
use crate::web::tasks::{Link, Section, Task};

/// The start page's route.
pub fn router() -> Router<AppState> {
    // The paths are `START_PAGE` and `decision::DONE_PAGE`, written out as every route is
    // (tests/it/authorisation.rs).
    Router::new()
        .route("/start", get(show))
        .route("/vastgelegd", get(done))
}

/// "Wat wacht op u": a section per role.
#[derive(Template, WebTemplate)]
#[template(path = "start/start.html")]
pub struct StartPage {
    layout: Layout,
    name: String,
    sections: Vec<Section>,
}

/// What waits for someone else, under one heading.
const OTHERS: &str = "Ligt bij een ander: u hoeft nu niets te doen";

async fn show(
    user: CurrentUser,
    State(state): State<AppState>,
    layout: Layout,
) -> AppResult<StartPage> {
    let today = state.clock.today();
    // What reads through one connection first; then what reads through the pool, once that
    // connection is back in it (a pool of one connection must serve this page too).
    let mut conn = state.db.acquire().await?;
    let registration = if user.has(Role::Aios) || user.has(Role::Specialist) {
        let (mut own, mut others) = (Vec::new(), Vec::new());
        if user.has(Role::Aios) {
            let (tasks, waiting) =
                crate::trainings::waiting::for_trainee(&mut conn, user.id).await?;
            own.extend(tasks);
            others.extend(waiting);
        }
        let (tasks, waiting) =
            crate::registers::waiting::for_registrant(&mut conn, user.id, today).await?;
        own.extend(tasks);
        others.extend(waiting);
        let (heading, nothing) = if user.has(Role::Aios) {
            (
                "Uw opleiding en registratie",
                "Er wacht niets op u. Uw opleidingen staan onder \"Mijn opleiding\".",
            )
        } else {
            (
                "Uw registratie",
                "Er wacht niets op u. Uw inschrijving staat onder \"Mijn registratie\".",
            )
        };
        Some(Section::new(heading, own, nothing).with_others(OTHERS, others))
    } else {
        None
    };
    let supervising = if user.has(Role::Opleider) {
        Some(crate::supervision::waiting::for_supervisor(&mut conn, user.id, today).await?)
    } else {
        None
    };
    let support = if user.has(Role::Ondersteuner) {
        crate::supervision::waiting::for_support(&mut conn, user.id, today).await?
    } else {
        Vec::new()
    };
    drop(conn);

    // The aios's and the specialist's own section comes first, unless they also have work for
    // others (an opleider is a specialist too): then that work comes first.
    let mut sections = Vec::new();
    if let Some(mut tasks) = supervising {
        tasks.extend(crate::accounts::waiting::for_supervisor(&state.db, user.id).await?);
        sections.push(Section::new(
            "Uw aios",
            tasks,
            "Er wacht niets op uw besluit. Al uw aios staan onder \"Mijn aios\".",
        ));
    }
    if user.has(Role::Ondersteuner) && support.is_empty() {
        sections.push(Section::new(
            "Als opleidingsondersteuner",
            Vec::new(),
            "U werkt op dit moment voor geen enkele opleider. Een opleider die u toevoegt, ziet \
             u hier.",
        ));
    }
    sections.extend(support);
    if user.has(Role::Contactpersoon) {
        sections.push(Section::new(
            "Registeroverzicht",
            crate::reports::waiting::for_contact(&state.db, user.id).await?,
            "U bent voor geen enkele instelling contactpersoon.",
        ));
    }
    if user.has(Role::Rgs) {
        let mut tasks =
            crate::back_office::waiting::for_clerk(&state.db, state.clock.now(), today).await?;
        if tasks.is_empty() {
            tasks.push(Task::note(
                "De werkvoorraad is leeg.",
                Some(Link::new("/rgs/werkvoorraad", "Naar de werkvoorraad")),
            ));
        }
        sections.push(Section::new("Werkvoorraad van de RGS", tasks, ""));
    }
    if let Some(section) = registration {
        let position = if user.has(Role::Aios) {
            0
        } else {
            sections.len()
        };
        sections.insert(position, section);
    }
    Ok(StartPage {
        layout,
        name: user.full_name.clone(),
        sections,
    })
}

/// The confirmation page of a decision just taken (`web::decision`).
#[derive(Template, WebTemplate)]
#[template(path = "decisions/done.html")]
pub struct DonePage {
    layout: Layout,
    done: Done,
}

/// Shows the decision just taken once; opened again (or without one), it leads to the start
/// page, where what still waits is listed.
async fn done(_user: CurrentUser, session: Session, layout: Layout) -> AppResult<Response> {
    Ok(match Done::take(&session).await? {
        Some(done) => DonePage { layout, done }.into_response(),
        None => Redirect::to(START_PAGE).into_response(),
    })
}
