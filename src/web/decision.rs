//! Decisions that cannot be undone go through two more pages (docs/architecture.md,
//! "Decisions that cannot be undone"):
//!
//! 1. **"Controleer uw besluit"** ([`Check`]): the decision's form, once valid, is answered with
//!    a page that restates what will happen and to whom, and sends the same fields again with
//!    [`CONFIRMED`] set. Only that second post decides. A handler asks [`confirmed`] before it
//!    decides, and otherwise answers [`Check::page`].
//! 2. **The confirmation page** ([`Done`]): after the decision the handler stores what was
//!    decided with [`Done::show`], which redirects to `/vastgelegd` (`src/start/pages.rs`); that
//!    page shows it once, with what happens next and, where more waits, the next item.

use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Redirect, Response};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::web::error::AppResult;
use crate::web::layout::Layout;
use crate::web::tasks::Link;

/// The field the check page adds to the decision's fields: the user saw what will happen.
pub const CONFIRMED: &str = "bevestigd";

/// The value of [`CONFIRMED`] on the check page's form.
const YES: &str = "ja";

/// Whether `value` (the form's [`CONFIRMED`] field) says the check page was confirmed.
pub fn confirmed(value: &str) -> bool {
    value == YES
}

/// The session key of the decision just taken, for the confirmation page.
const DONE_KEY: &str = "decision_done";

/// Where the confirmation page is.
pub const DONE_PAGE: &str = "/vastgelegd";

/// What the check page restates before an irreversible decision.
#[derive(Clone, Debug)]
pub struct Check {
    /// The decision in one sentence ("U keurt het wijzigingsverzoek van Anna de Vries goed.").
    pub decision: String,
    /// The facts it is about, as label and value (aios, opleiding, version, reason, …).
    pub facts: Vec<(String, String)>,
    /// What will happen, each as a sentence (who is told, what changes).
    pub consequences: Vec<String>,
    /// Where the form posts: the decision's own route.
    pub action: String,
    /// The decision's fields, sent again unchanged.
    pub fields: Vec<(String, String)>,
    /// What the button says ("Goedkeuring vastleggen").
    pub button: String,
    /// Whether the decision takes something away (a red button).
    pub destructive: bool,
    /// Back without deciding.
    pub back: Link,
}

/// The check page of one decision.
#[derive(Template, WebTemplate)]
#[template(path = "decisions/check.html")]
pub struct CheckPage {
    layout: Layout,
    check: Check,
    confirmed_field: &'static str,
    yes: &'static str,
}

impl Check {
    /// The page, within `layout`.
    pub fn page(self, layout: Layout) -> Response {
        CheckPage {
            layout,
            check: self,
            confirmed_field: CONFIRMED,
            yes: YES,
        }
        .into_response()
    }
}

/// What the confirmation page says about a decision just taken.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Done {
    /// The heading ("Schema goedgekeurd").
    pub title: String,
    /// What was decided and what happens now, each as a sentence.
    pub lines: Vec<String>,
    /// The next item that waits for this user, if any ("Volgende: …").
    pub next: Option<Link>,
    /// Back to where the decision was taken.
    pub back: Link,
}

impl Done {
    /// Keeps this for the confirmation page and redirects there.
    pub async fn show(self, session: &Session) -> AppResult<Response> {
        session.insert(DONE_KEY, &self).await?;
        Ok(Redirect::to(DONE_PAGE).into_response())
    }

    /// The decision kept for the confirmation page, once: a reload finds nothing.
    pub async fn take(session: &Session) -> AppResult<Option<Self>> {
        Ok(session.remove(DONE_KEY).await?)
    }
}

/// For an ondersteuner who follows a link to what only the opleider decides (a shortening, the
/// eindverklaring): the page says so, and who decides, instead of pretending it does not exist
/// (she may see the aios, so nothing leaks).
#[derive(Template, WebTemplate)]
#[template(path = "decisions/opleider_only.html")]
pub struct OpleiderOnlyPage {
    layout: Layout,
    what: String,
    supervisor: String,
    back: Link,
}

impl OpleiderOnlyPage {
    /// The page about `what` ("de verkorting van Lotte Visser"), decided by `supervisor`, with
    /// `back` to the aios; answered as 403.
    pub fn response(layout: Layout, what: String, supervisor: String, back: Link) -> Response {
        (
            axum::http::StatusCode::FORBIDDEN,
            Self {
                layout,
                what,
                supervisor,
                back,
            },
        )
            .into_response()
    }
}
