//! Public pages: "Voor wie is MijnRGS?", contact and the accessibility statement.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;

use crate::platform::auth::backend::AuthSession;
use crate::platform::state::AppState;
use crate::web::layout::{Layout, START_PAGE};

/// The public pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(home))
        .route("/contact", get(contact))
        .route("/toegankelijkheid", get(accessibility))
}

/// "Voor wie is MijnRGS?": what each kind of user can do in the portal.
#[derive(Template, WebTemplate)]
#[template(path = "public/home.html")]
pub struct HomePage {
    layout: Layout,
}

/// The home page for a visitor; a logged-in user is led to their start page instead.
async fn home(auth: AuthSession, layout: Layout) -> Response {
    match auth.user {
        Some(_) => Redirect::to(START_PAGE).into_response(),
        None => HomePage { layout }.into_response(),
    }
}

/// The helpdesk: phone, email, and which address is for what.
#[derive(Template, WebTemplate)]
#[template(path = "public/contact.html")]
pub struct ContactPage {
    layout: Layout,
}

async fn contact(layout: Layout) -> ContactPage {
    ContactPage { layout }
}

/// The toegankelijkheidsverklaring required of Dutch public bodies.
#[derive(Template, WebTemplate)]
#[template(path = "public/accessibility.html")]
pub struct AccessibilityPage {
    layout: Layout,
}

async fn accessibility(layout: Layout) -> AccessibilityPage {
    AccessibilityPage { layout }
}
