//! The data the base layout needs on every page: navigation, flash messages, asset version.
//!
//! Handlers take a [`Layout`] as an extractor and put it in their page struct as `layout`;
//! `templates/base.html` reads it from there.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tower_sessions::Session;

use super::flash::{self, Flash};
use super::session_renewal;
use crate::platform::auth::backend::AuthSession;
use crate::platform::auth::user::{Role, User};
use crate::platform::state::AppState;

/// Fingerprint of the files under `static/`, computed by `build.rs`.
pub const ASSET_VERSION: &str = env!("ASSET_VERSION");

/// Where a logged-in user starts: the page "Wat wacht op u" (`src/start/`), after logging in
/// and when they open `/`.
pub const START_PAGE: &str = "/start";

/// One link in the main navigation.
#[derive(Clone, Debug)]
pub struct NavItem {
    /// Where it goes.
    pub href: &'static str,
    /// What it says.
    pub label: &'static str,
    /// Whether it is the page being shown (`aria-current="page"`).
    pub current: bool,
}

/// Everything `templates/base.html` needs besides the page's own content.
#[derive(Clone, Debug)]
pub struct Layout {
    /// Appended to asset URLs so a new build is fetched at once.
    pub asset_version: &'static str,
    /// The main navigation.
    pub nav: Vec<NavItem>,
    /// Messages left by the previous request.
    pub flashes: Vec<Flash>,
    /// The name of the logged-in user, for the header and the logout button.
    pub user_name: Option<String>,
    /// For a logged-in user: the idle limit and when to warn before it, in seconds.
    pub idle: Option<(i64, i64)>,
}

/// The navigation for visitors who are not logged in.
const PUBLIC_NAV: &[(&str, &str)] = &[
    ("/", "Voor wie is MijnRGS?"),
    ("/contact", "Contact"),
    ("/inloggen", "Inloggen"),
];

/// One area per role, in this order; a user sees the areas of the roles they hold.
const ROLE_NAV: &[(Role, &str, &str)] = &[
    (Role::Aios, "/aios/opleidingen", "Mijn opleiding"),
    (Role::Aios, "/aios/basisgegevens", "Basisgegevens"),
    (Role::Aios, "/registratie", "Mijn registratie"),
    (Role::Aios, "/facturen", "Facturen"),
    (Role::Specialist, "/registratie", "Mijn registratie"),
    (Role::Specialist, "/facturen", "Facturen"),
    (Role::Opleider, "/opleider/aios", "Mijn aios"),
    (Role::Ondersteuner, "/opleider/aios", "Aios"),
    (
        Role::Opleider,
        "/opleider/ondersteuners",
        "Opleidingsondersteuners",
    ),
    (Role::Contactpersoon, "/contactpersoon", "Registeroverzicht"),
    (Role::Rgs, "/rgs/werkvoorraad", "Werkvoorraad"),
    (Role::Rgs, "/rgs/accountaanvragen", "Accountaanvragen"),
    (Role::Rgs, "/rgs/gebruikers", "Gebruikers"),
    (Role::Rgs, "/rgs/referentiegegevens", "Referentiegegevens"),
    (Role::Rgs, "/rgs/auditlog", "Auditlog"),
];

impl Layout {
    /// The layout for the page at `path`, with the given flash messages, for `user` if logged in.
    pub fn for_path(path: &str, flashes: Vec<Flash>, user: Option<&User>) -> Self {
        let items: Vec<(&'static str, &'static str)> = match user {
            None => PUBLIC_NAV.to_vec(),
            Some(user) => {
                let mut items = vec![(START_PAGE, "Start")];
                items.extend(
                    ROLE_NAV
                        .iter()
                        .filter(|(role, _, _)| user.has(*role))
                        .map(|(_, href, label)| (*href, *label)),
                );
                items.push(("/account", "Mijn account"));
                // Two roles may share an area (opleider and ondersteuner): one link each.
                let mut seen = std::collections::BTreeSet::new();
                items.retain(|(href, _)| seen.insert(*href));
                items
            }
        };
        let nav = items
            .into_iter()
            .map(|(href, label)| NavItem {
                href,
                label,
                current: href == path || (href != "/" && path.starts_with(&format!("{href}/"))),
            })
            .collect();
        Self {
            asset_version: ASSET_VERSION,
            nav,
            flashes,
            user_name: user.map(|u| u.full_name.clone()),
            idle: None,
        }
    }
}

impl FromRequestParts<AppState> for Layout {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // A broken session store must not take the page down with it: the page shows without
        // its flash messages and the failure is logged.
        let session = Session::from_request_parts(parts, state).await.ok();
        let flashes = match &session {
            Some(session) => flash::take(session).await.unwrap_or_else(|error| {
                tracing::warn!(%error, "could not read flash messages from the session");
                Vec::new()
            }),
            None => Vec::new(),
        };
        let user = parts
            .extensions
            .get::<AuthSession>()
            .and_then(|auth| auth.user.clone());
        let mut layout = Self::for_path(parts.uri.path(), flashes, user.as_ref());
        if user.is_some() {
            // The time left counts from the session's last renewal, so the warning and the
            // automatic logout come when the server ends the session.
            let renewed = match &session {
                Some(session) => session_renewal::renewed_at(session).await,
                None => None,
            };
            let idle = session_renewal::remaining_seconds(
                renewed,
                session_renewal::now(),
                state.config.session_idle_seconds,
            );
            let warn = (idle - state.config.session_warning_lead_seconds()).max(1);
            layout.idle = Some((idle.max(1), warn));
        }
        Ok(layout)
    }
}
