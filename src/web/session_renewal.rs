//! Keeps an active user's session alive without writing it to the database on every request.
//!
//! The session cookie expires after `SESSION_IDLE_SECONDS` of inactivity: every save of the
//! session moves its expiry forward. Saving on every request would cost every page a write
//! (with its commit) for the session alone, so a request renews the session only when the
//! last renewal is more than a twentieth of the idle limit (at most a minute) ago. The
//! session then lives at least the idle limit minus that interval after the last request;
//! the page tells the browser exactly how much (see [`remaining_seconds`]), so the idle
//! warning and the automatic logout match the server.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use tower_sessions::Session;

use crate::platform::auth::backend::AuthSession;
use crate::platform::state::AppState;

/// Session key: when the session was last renewed (Unix seconds, wall clock).
pub const RENEWED_AT: &str = "renewed_at";

/// How long after a renewal the next request renews the session again, in seconds.
pub fn renewal_interval(idle_seconds: i64) -> i64 {
    (idle_seconds / 20).clamp(0, 60)
}

/// Whether a session last renewed at `renewed_at` must be renewed by a request at `now`.
pub fn renewal_due(renewed_at: Option<i64>, now: i64, idle_seconds: i64) -> bool {
    match renewed_at {
        None => true,
        Some(at) => now - at >= renewal_interval(idle_seconds) || at > now,
    }
}

/// How many seconds of inactivity the session still has at `now`.
pub fn remaining_seconds(renewed_at: Option<i64>, now: i64, idle_seconds: i64) -> i64 {
    match renewed_at {
        None => idle_seconds,
        Some(at) => (at + idle_seconds - now).clamp(0, idle_seconds),
    }
}

/// The wall-clock time sessions expire on (tower-sessions uses it too).
pub fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// Renews `session`: the request saves it, which moves its expiry forward.
pub async fn renew(session: &Session) -> Result<(), tower_sessions::session::Error> {
    session.insert(RENEWED_AT, now()).await
}

/// When `session` was last renewed.
pub async fn renewed_at(session: &Session) -> Option<i64> {
    session.get::<i64>(RENEWED_AT).await.ok().flatten()
}

/// Middleware: renews the session of a logged-in user when it is due. Visitors without a
/// login get no session from it.
pub async fn renew_when_due(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let session = req
        .extensions()
        .get::<AuthSession>()
        .filter(|auth| auth.user.is_some())
        .map(|auth| auth.session.clone());
    if let Some(session) = session {
        let idle = state.config.session_idle_seconds;
        if renewal_due(renewed_at(&session).await, now(), idle)
            && let Err(error) = renew(&session).await
        {
            tracing::warn!(%error, "could not renew the session");
        }
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_half_hour_limit_renews_once_a_minute_and_a_short_one_on_every_second() {
        assert_eq!(renewal_interval(1800), 60);
        assert_eq!(renewal_interval(600), 30);
        assert_eq!(renewal_interval(20), 1);
    }

    #[test]
    fn a_session_is_renewed_when_it_never_was_or_the_interval_has_passed() {
        assert!(renewal_due(None, 1000, 1800));
        assert!(!renewal_due(Some(1000), 1059, 1800));
        assert!(renewal_due(Some(1000), 1060, 1800));
        // A renewal time in the future (a clock that went back) is renewed, not trusted.
        assert!(renewal_due(Some(2000), 1000, 1800));
    }

    #[test]
    fn the_remaining_time_counts_from_the_last_renewal_and_never_goes_below_zero() {
        assert_eq!(remaining_seconds(Some(1000), 1030, 1800), 1770);
        assert_eq!(remaining_seconds(Some(1000), 5000, 1800), 0);
        assert_eq!(remaining_seconds(None, 5000, 1800), 1800);
        assert_eq!(remaining_seconds(Some(2000), 1000, 1800), 1800);
    }
}
