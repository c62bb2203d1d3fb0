//! Flash messages: a short confirmation shown once on the page after a redirect
//! ("Uw gegevens zijn opgeslagen"). Kept in the session until the next page shows them.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

const FLASH_KEY: &str = "flash";

/// The kind of a flash message; decides its icon, its words for screen readers and its colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlashKind {
    /// Something was done as asked.
    Success,
    /// Something the user should know.
    Info,
    /// Something went wrong and needs the user's attention.
    Error,
}

impl FlashKind {
    /// The CSS modifier of the message box.
    pub fn css_class(self) -> &'static str {
        match self {
            FlashKind::Success => "flash--success",
            FlashKind::Info => "flash--info",
            FlashKind::Error => "flash--error",
        }
    }

    /// A visible label, so the meaning never depends on colour alone (WCAG 1.4.1).
    pub fn label(self) -> &'static str {
        match self {
            FlashKind::Success => "Gelukt",
            FlashKind::Info => "Let op",
            FlashKind::Error => "Fout",
        }
    }

    /// Errors are announced at once; other messages politely.
    pub fn role(self) -> &'static str {
        match self {
            FlashKind::Error => "alert",
            FlashKind::Success | FlashKind::Info => "status",
        }
    }
}

/// One message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flash {
    /// Its kind.
    pub kind: FlashKind,
    /// The Dutch text.
    pub message: String,
}

/// Adds a message to show on the next page.
pub async fn push(
    session: &Session,
    kind: FlashKind,
    message: impl Into<String>,
) -> Result<(), tower_sessions::session::Error> {
    let mut flashes: Vec<Flash> = session.get(FLASH_KEY).await?.unwrap_or_default();
    flashes.push(Flash {
        kind,
        message: message.into(),
    });
    session.insert(FLASH_KEY, flashes).await
}

/// Takes the waiting messages out of the session, so each is shown once. Without messages
/// the session is left unchanged (so the request does not save it).
pub async fn take(session: &Session) -> Result<Vec<Flash>, tower_sessions::session::Error> {
    if session.get_value(FLASH_KEY).await?.is_none() {
        return Ok(Vec::new());
    }
    Ok(session
        .remove::<Vec<Flash>>(FLASH_KEY)
        .await?
        .unwrap_or_default())
}
