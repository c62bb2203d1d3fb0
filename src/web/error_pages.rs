//! Friendly Dutch error pages for every error response, whoever produced it: a handler's
//! [`crate::web::error::AppError`], the router's fallback, or middleware (a refused cross-site post,
//! a timeout, a body that is too large, a panic). One place decides what the user reads.
//!
//! A server error while the database cannot be reached is answered as what it is: 503,
//! "tijdelijk niet beschikbaar". If the request was a form, the page offers to send what the
//! user typed again (passwords and codes excepted), so nothing typed is lost.

use std::time::Duration;

use askama::Template;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::edge::{NulRefused, PostedForm, REQUEST_ID};
use super::layout::{Layout, START_PAGE};
use super::tasks::Link;
use crate::platform::auth::backend::AuthSession;
use crate::platform::auth::user::User;
use crate::platform::state::AppState;

/// How long the error page waits to learn whether the database answers.
const DATABASE_PROBE: Duration = Duration::from_millis(500);

/// Put this in a response's extensions to keep its own error body (for example `/readyz`,
/// which monitoring reads as plain text).
#[derive(Clone, Copy, Debug)]
pub struct KeepErrorBody;

/// A heading and message more precise than the status's general text.
#[derive(Clone, Copy, Debug)]
struct ErrorText {
    title: &'static str,
    message: &'static str,
}

/// A form to send again, with what the user typed.
pub struct Repost {
    /// Where it was posted.
    pub action: String,
    /// Its fields, without passwords and codes.
    pub fields: Vec<(String, String)>,
}

/// The error page.
#[derive(Template)]
#[template(path = "errors/error.html")]
pub struct ErrorPage {
    /// The shared layout.
    pub layout: Layout,
    /// The HTTP status, shown small for the helpdesk.
    pub status: u16,
    /// The heading.
    pub title: &'static str,
    /// What happened and what the user can do.
    pub message: &'static str,
    /// For server errors: the request id, to quote to the helpdesk.
    pub reference: Option<String>,
    /// When the database was unreachable during a form post: that form, to send again.
    pub repost: Option<Repost>,
    /// The way back: the start page of a logged-in user, else the portal's home page.
    pub home: Link,
}

/// The text of the page for input refused at the edge for a NUL character.
const NUL_TEXT: ErrorText = ErrorText {
    title: "Uw invoer bevat een ongeldig teken",
    message: "Wat u verstuurde bevat een nul-teken: een onzichtbaar stuurteken dat soms \
              meekomt bij kopiëren en plakken. MijnRGS kan dat niet opslaan en heeft niets \
              veranderd. Ga terug, typ de tekst opnieuw in plaats van hem te plakken, en \
              probeer het nog eens.",
};

/// The text of the page for a server error while the database cannot be reached.
const UNAVAILABLE: ErrorText = ErrorText {
    title: "MijnRGS is tijdelijk niet beschikbaar",
    message: "MijnRGS kan zijn gegevens op dit moment niet bereiken. Uw verzoek is niet \
              uitgevoerd en er is niets veranderd. Probeer het over enkele minuten opnieuw.",
};

/// Field names whose values are never written into a page.
fn is_secret(name: &str) -> bool {
    ["wachtwoord", "herhaling", "code", "token"]
        .iter()
        .any(|secret| name.contains(secret))
}

/// Whether the database answers a trivial statement in time.
async fn database_answers(state: &AppState) -> bool {
    matches!(
        tokio::time::timeout(
            DATABASE_PROBE,
            sqlx::query_scalar!(r#"SELECT 1 AS "one!""#).fetch_one(&state.db)
        )
        .await,
        Ok(Ok(_))
    )
}

/// The logged-in user of a request, kept on its error response, so that the error page shows
/// their own header and navigation, and a 404 says the page may simply not be theirs.
#[derive(Clone)]
pub struct ErrorPageUser(pub User);

/// Inside the login layer: puts the logged-in user on every error response
/// ([`ErrorPageUser`]), for [`render_error_pages`] outside it.
pub async fn keep_user_for_error_page(req: Request, next: Next) -> Response {
    let user = req
        .extensions()
        .get::<AuthSession>()
        .and_then(|auth| auth.user.clone());
    let mut response = next.run(req).await;
    let status = response.status();
    if let Some(user) = user
        && (status.is_client_error() || status.is_server_error())
    {
        response.extensions_mut().insert(ErrorPageUser(user));
    }
    response
}

/// The text of the 404 page for a logged-in user: the page may exist, for someone else.
const NOT_FOUND_LOGGED_IN: ErrorText = ErrorText {
    title: "Pagina niet gevonden",
    message: "Deze pagina bestaat niet, of hoort niet bij uw account: u ziet alleen uw eigen \
              gegevens en die van de mensen voor wie u werkt. Controleer het adres, of ga naar \
              Wat wacht op u.",
};

/// Replaces the body of any error response that is not already an HTML page.
pub async fn render_error_pages(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path().to_owned();
    let request_id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let response = next.run(req).await;

    let mut status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || response.extensions().get::<KeepErrorBody>().is_some()
        || is_html(&response)
    {
        return response;
    }
    let mut text = response.extensions().get::<NulRefused>().map(|_| NUL_TEXT);
    let mut repost = None;
    if status == StatusCode::INTERNAL_SERVER_ERROR && !database_answers(&state).await {
        status = StatusCode::SERVICE_UNAVAILABLE;
        text = Some(UNAVAILABLE);
        let posted = response.extensions().get::<PostedForm>().cloned();
        repost = posted.map(|PostedForm(body)| Repost {
            action: path.clone(),
            fields: url::form_urlencoded::parse(&body)
                .filter(|(name, _)| !is_secret(name))
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect(),
        });
    }
    let reference = status.is_server_error().then_some(request_id).flatten();
    let user = response.extensions().get::<ErrorPageUser>().cloned();
    if status == StatusCode::NOT_FOUND && user.is_some() && text.is_none() {
        text = Some(NOT_FOUND_LOGGED_IN);
    }
    let (parts, _) = response.into_parts();
    let mut page = render(
        status,
        (&path, user.as_ref().map(|u| &u.0)),
        reference,
        text,
        repost,
    );
    *page.status_mut() = status;
    // Keep what the original response told the client (Allow, Retry-After, …), but not what
    // described its old body.
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE
            && name != header::CONTENT_LENGTH
            && name != header::CONTENT_ENCODING
        {
            page.headers_mut().insert(name.clone(), value.clone());
        }
    }
    page
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// Renders the page for `status`. Falls back to plain text if the template fails, so an error
/// page can never itself become an error.
fn render(
    status: StatusCode,
    (path, user): (&str, Option<&User>),
    reference: Option<String>,
    text: Option<ErrorText>,
    repost: Option<Repost>,
) -> Response {
    let (title, message) = text.map_or_else(|| texts(status), |t| (t.title, t.message));
    let page = ErrorPage {
        layout: Layout::for_path(path, Vec::new(), user),
        home: if user.is_some() {
            Link::new(START_PAGE, "Naar Wat wacht op u")
        } else {
            Link::new("/", "Naar de startpagina")
        },
        status: status.as_u16(),
        title,
        message,
        reference,
        repost,
    };
    match page.render() {
        Ok(html) => {
            let mut response = Response::new(Body::from(html));
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            *response.status_mut() = status;
            response
        }
        Err(error) => {
            tracing::error!(%error, "could not render the error page");
            (status, format!("{title}. {message}")).into_response()
        }
    }
}

fn texts(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::NOT_FOUND => (
            "Pagina niet gevonden",
            "De pagina die u zoekt bestaat niet (meer), of u heeft er geen toegang toe. \
             Controleer het adres, of ga naar de startpagina.",
        ),
        StatusCode::FORBIDDEN => (
            "Verzoek geweigerd",
            "Dit verzoek kwam niet van een pagina van MijnRGS zelf en is daarom niet uitgevoerd. \
             Open MijnRGS opnieuw en probeer het nog eens.",
        ),
        StatusCode::METHOD_NOT_ALLOWED => (
            "Deze handeling is hier niet mogelijk",
            "Het adres bestaat, maar niet voor deze handeling. Ga terug naar de vorige pagina.",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "Het verzonden formulier is te groot",
            "Wat u verstuurde is groter dan MijnRGS aanneemt. Verklein de invoer en probeer het \
             opnieuw.",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => (
            "Het formulier was niet volledig",
            "In wat u verstuurde ontbraken velden van het formulier. Er is niets veranderd. Open \
             de pagina opnieuw, vul het formulier in en verstuur het nog eens.",
        ),
        StatusCode::TOO_MANY_REQUESTS => (
            "Te veel pogingen",
            "U heeft in korte tijd te veel verzoeken gedaan. Wacht een paar minuten en probeer \
             het dan opnieuw.",
        ),
        StatusCode::REQUEST_TIMEOUT | StatusCode::SERVICE_UNAVAILABLE => (
            "MijnRGS reageert niet op tijd",
            "Het duurde te lang om uw verzoek af te handelen. Probeer het over enkele minuten \
             opnieuw. Blijft dit gebeuren, neem dan contact op met de helpdesk.",
        ),
        s if s.is_server_error() => (
            "Er ging iets mis aan onze kant",
            "Uw verzoek kon door een fout in MijnRGS niet worden afgehandeld. Er is niets \
             verloren gegaan van wat al was opgeslagen. Probeer het later opnieuw; blijft het \
             misgaan, neem dan contact op met de helpdesk en noem het referentienummer.",
        ),
        _ => (
            "Het verzoek kon niet worden verwerkt",
            "MijnRGS begreep dit verzoek niet. Ga terug naar de vorige pagina en probeer het \
             opnieuw.",
        ),
    }
}
