//! "Facturen": a user's own invoices, listed and one by one. Someone else's invoice answers
//! 404.

use crate::platform::ids::InvoiceId;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::web::action::Action;
use crate::web::current_user::CurrentUser;
use crate::web::error::{AppError, AppResult};
use axum::Form;
use axum::http::StatusCode;
use serde::Deserialize;

use crate::billing::invoices::{self, CreditError, Invoice};
use crate::billing::payments::{self, Payment};
use crate::platform::state::AppState;
use crate::web::current_user::{Rgs, RoleUser};
use crate::web::decision::{self as confirm, Check, Done};
use crate::web::form::FormErrors;
use crate::web::layout::Layout;
use crate::web::tasks::Link;
use rules::payment::InvoiceStatus;

/// The invoice routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/facturen", get(list))
        .route("/facturen/{id}", get(show))
        .route("/facturen/{id}/pdf", get(pdf))
        .route("/rgs/facturen/{id}", get(back_office))
        .route("/rgs/facturen/{id}/crediteren", post(credit))
}

/// The user's invoices.
#[derive(Template, WebTemplate)]
#[template(path = "billing/invoices/list.html")]
pub struct ListPage {
    layout: Layout,
    invoices: Vec<Invoice>,
}

async fn list(
    user: CurrentUser,
    State(state): State<AppState>,
    layout: Layout,
) -> AppResult<ListPage> {
    let mut conn = state.db.acquire().await?;
    let invoices = invoices::of_user(&mut conn, user.id).await?;
    Ok(ListPage { layout, invoices })
}

/// One invoice.
#[derive(Template, WebTemplate)]
#[template(path = "billing/invoices/show.html")]
pub struct InvoicePage {
    layout: Layout,
    invoice: Invoice,
    payments: Vec<Payment>,
}

async fn show(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<InvoiceId>,
    layout: Layout,
) -> AppResult<InvoicePage> {
    let mut conn = state.db.acquire().await?;
    let invoice = invoices::of_user_by_id(&mut conn, user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let payments = payments::of_invoice(&mut conn, invoice.id).await?;
    Ok(InvoicePage {
        layout,
        invoice,
        payments,
    })
}

/// The invoice as a PDF download, rendered off the request threads.
async fn pdf(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<InvoiceId>,
) -> AppResult<Response> {
    let mut conn = state.db.acquire().await?;
    let invoice = invoices::of_user_by_id(&mut conn, user.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    let document = invoices::document(&invoice, &state.config.base_url);
    let renderer = state.pdf.clone();
    let bytes = crate::web::off_request_thread(move || renderer.invoice(&document)).await?;
    Ok((
        crate::web::attachment("application/pdf", &invoices::pdf_filename(&invoice)),
        bytes,
    )
        .into_response())
}

/// The back office's view of one invoice: its payments and credit invoices, and the form to
/// correct it with a credit invoice.
#[derive(Template, WebTemplate)]
#[template(path = "billing/invoices/rgs_invoice.html")]
pub struct BackOfficeInvoicePage {
    layout: Layout,
    invoice: Invoice,
    payments: Vec<Payment>,
    credits: Vec<Invoice>,
    reason: String,
    errors: FormErrors,
}

impl BackOfficeInvoicePage {
    /// Whether a credit invoice can still be made.
    pub fn creditable(&self) -> bool {
        !self.invoice.is_credit()
            && self.credits.is_empty()
            && self.invoice.status.0 != rules::payment::InvoiceStatus::Credited
    }
}

async fn back_office_page(
    state: &AppState,
    layout: Layout,
    id: InvoiceId,
    reason: String,
    errors: FormErrors,
) -> AppResult<BackOfficeInvoicePage> {
    let mut conn = state.db.acquire().await?;
    let invoice = invoices::by_id(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(BackOfficeInvoicePage {
        payments: payments::of_invoice(&mut conn, id).await?,
        credits: invoices::credits_of(&mut conn, id).await?,
        layout,
        invoice,
        reason,
        errors,
    })
}

async fn back_office(
    _clerk: RoleUser<Rgs>,
    State(state): State<AppState>,
    Path(id): Path<InvoiceId>,
    layout: Layout,
) -> AppResult<BackOfficeInvoicePage> {
    back_office_page(&state, layout, id, String::new(), FormErrors::new()).await
}

#[derive(Deserialize)]
struct CreditForm {
    #[serde(default)]
    reden: String,
    /// Set by the check page (`web::decision`).
    #[serde(default)]
    bevestigd: String,
}

/// Why an invoice cannot be credited, in Dutch.
const NOT_CREDITABLE: &str = "Deze factuur is al gecrediteerd of is zelf een creditfactuur.";

/// The reason refused, in Dutch.
const REASON_REFUSED: &str = "Geef de reden van de creditering (5 tot 300 tekens); de ontvanger leest die op de \
     creditfactuur.";

async fn credit(
    clerk: RoleUser<Rgs>,
    Action {
        state,
        session,
        origin: meta,
    }: Action,
    Path(id): Path<InvoiceId>,
    layout: Layout,
    Form(form): Form<CreditForm>,
) -> AppResult<Response> {
    let back = |without: &str| {
        Link::new(
            format!("/rgs/facturen/{id}"),
            format!("Terug naar de factuur{without}"),
        )
    };
    if !confirm::confirmed(&form.bevestigd) {
        let invoice = {
            let mut conn = state.db.acquire().await?;
            invoices::by_id(&mut conn, id)
                .await?
                .ok_or(AppError::NotFound)?
        };
        let reason =
            rules::reason::parse_reason(&form.reden, rules::reason::Length::between(5, 300));
        let creditable = !invoice.is_credit() && invoice.status.0 != InvoiceStatus::Credited;
        let refusal = match reason {
            Err(_) => Some(REASON_REFUSED),
            Ok(_) if !creditable => Some(NOT_CREDITABLE),
            Ok(_) => None,
        };
        if let Some(message) = refusal {
            let mut errors = FormErrors::new();
            errors.add("reden", message);
            let page = back_office_page(&state, layout, id, form.reden, errors).await?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        if let Ok(reason) = reason {
            return Ok(Check {
                decision: format!(
                    "U crediteert factuur {} van {}.",
                    invoice.number, invoice.recipient_name
                ),
                facts: vec![
                    ("Factuur".to_owned(), invoice.number.clone()),
                    ("Ontvanger".to_owned(), invoice.recipient_name.clone()),
                    ("Omschrijving".to_owned(), invoice.description.clone()),
                    ("Bedrag".to_owned(), invoice.amount().to_string()),
                    ("Reden".to_owned(), reason),
                ],
                consequences: vec![
                    format!(
                        "Er wordt een creditfactuur van -{} opgemaakt, met een eigen nummer.",
                        invoice.amount()
                    ),
                    format!(
                        "{} krijgt de creditfactuur per e-mail, met de reden.",
                        invoice.recipient_name
                    ),
                    "De factuur hoeft daarna niet meer te worden betaald.".to_owned(),
                ],
                action: format!("/rgs/facturen/{id}/crediteren"),
                fields: vec![("reden".to_owned(), form.reden.clone())],
                button: "Ja, factuur crediteren".to_owned(),
                destructive: true,
                back: back(", zonder te crediteren"),
            }
            .page(layout));
        }
    }
    let message = match invoices::credit_and_notify(&state, &meta, clerk.id, id, &form.reden).await
    {
        Ok(credit) => {
            return Done {
                title: "Factuur gecrediteerd".to_owned(),
                lines: vec![format!(
                    "Creditfactuur {} is opgemaakt en naar {} gemaild.",
                    credit.number, credit.recipient_name
                )],
                next: None,
                back: back(""),
            }
            .show(&session)
            .await;
        }
        Err(CreditError::Reason) => REASON_REFUSED,
        Err(CreditError::NotCreditable) => NOT_CREDITABLE,
        Err(CreditError::Mail(error)) => return Err(AppError::Internal(anyhow::anyhow!(error))),
        Err(CreditError::Database(error)) => return Err(error.into()),
    };
    let mut errors = FormErrors::new();
    errors.add("reden", message);
    let page = back_office_page(&state, layout, id, form.reden, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}
