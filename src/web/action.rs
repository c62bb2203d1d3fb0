//! What a handler that changes something needs besides who asks, which record and what was
//! posted: the portal's state, the visitor's session (for the flash message after the change)
//! and the audit origin of the request. One extractor, so that handlers stay at five
//! arguments or fewer (docs/architecture.md, "Thin handlers").

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use tower_sessions::Session;

use crate::platform::audit::Origin;
use crate::platform::state::AppState;

/// The state, the session and the audit origin of a request that changes something.
pub struct Action {
    /// The portal's state (database, clock, mailer, configuration).
    pub state: AppState,
    /// The visitor's session: the flash message after the change goes here.
    pub session: Session,
    /// Where the request comes from, for the audit record.
    pub origin: Origin,
}

impl FromRequestParts<AppState> for Action {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let session = Session::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let origin = Origin::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Self {
            state: state.clone(),
            session,
            origin,
        })
    }
}
