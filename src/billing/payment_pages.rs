//! Paying an invoice with iDEAL (docs/domain/invoices.md, docs/security.md §9).
//!
//! "Betalen" is a POST that creates (or resumes) the payment and answers 303 to our own
//! confirmation page, which links to the provider's checkout: a link is a new navigation, so
//! the CSP's `form-action` never meets an off-site redirect. The payer comes back on the
//! return page, which asks the provider rather than trusting the address. The provider's
//! webhook carries only an id and is answered 200 for ids we do not know and 503 when the
//! provider cannot be asked, so it retries. The built-in test provider's checkout page lives
//! here too (404 when the portal uses Mollie).

use crate::platform::ids::{InvoiceId, PaymentId, TrainingId};
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use crate::billing::invoices::{self, Invoice};
use crate::billing::payments::{self, Payment, Source, StartError, SyncOutcome};
use crate::platform::audit::Origin;
use crate::platform::audit::{self, AuditEntry, Outcome};
use crate::platform::config::PaymentConfig;
use crate::platform::db::Stored;
use crate::platform::payment_providers::test_provider::{self, BANKS, OUTCOMES, TestCheckout};
use crate::platform::state::AppState;
use crate::web::current_user::CurrentUser;
use crate::web::error::{AppError, AppResult};
use crate::web::flash::{self, FlashKind};
use crate::web::layout::Layout;
use rules::money::Money;
use rules::payment::PaymentStatus;
use rules::training::RegistrationStatus;

/// The largest webhook body accepted (it carries only `id=tr_…`).
pub const WEBHOOK_BODY_LIMIT: usize = 1024;

/// The payment routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/facturen/{id}/betalen", post(start))
        .route("/betalingen/{id}", get(confirm))
        .route("/betalingen/{id}/terug", get(returned))
        .route(
            "/webhooks/mollie",
            post(webhook).layer(DefaultBodyLimit::max(WEBHOOK_BODY_LIMIT)),
        )
        .route("/testbetaalomgeving/{id}", get(checkout))
        .route("/testbetaalomgeving/{id}/bank", post(choose_bank))
        .route("/testbetaalomgeving/{id}/afronden", post(finish))
}

async fn own_invoice(state: &AppState, user: &CurrentUser, id: InvoiceId) -> AppResult<Invoice> {
    let mut conn = state.db.acquire().await?;
    invoices::of_user_by_id(&mut conn, user.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn own_payment(state: &AppState, user: &CurrentUser, id: PaymentId) -> AppResult<Payment> {
    let mut conn = state.db.acquire().await?;
    payments::of_user(&mut conn, user.id, id)
        .await?
        .ok_or(AppError::NotFound)
}

async fn start(
    user: CurrentUser,
    State(state): State<AppState>,
    session: Session,
    meta: Origin,
    Path(id): Path<InvoiceId>,
) -> AppResult<Response> {
    let invoice = own_invoice(&state, &user, id).await?;
    let back = format!("/facturen/{id}");
    match payments::start(&state, &meta, user.id, &invoice).await {
        Ok(payment) => Ok(Redirect::to(&format!("/betalingen/{}", payment.id)).into_response()),
        Err(StartError::NotPayable) => {
            flash::push(
                &session,
                FlashKind::Info,
                "Deze factuur staat niet meer open: er hoeft niets betaald te worden.",
            )
            .await?;
            Ok(Redirect::to(&back).into_response())
        }
        Err(StartError::Provider(error)) => {
            tracing::warn!(%error, invoice = %invoice.number, "the payment provider did not answer");
            flash::push(
                &session,
                FlashKind::Error,
                "De betaaldienst is op dit moment niet bereikbaar. Er is niets afgeschreven. \
                 Probeer het over enkele minuten opnieuw.",
            )
            .await?;
            Ok(Redirect::to(&back).into_response())
        }
        Err(StartError::Database(error)) => Err(error.into()),
    }
}

/// "Controleer en betaal": what is paid, and the link to the bank.
#[derive(Template, WebTemplate)]
#[template(path = "billing/payments/confirm.html")]
pub struct ConfirmPage {
    layout: Layout,
    invoice: Invoice,
    payment: Payment,
    test_provider: bool,
}

async fn confirm(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<PaymentId>,
    layout: Layout,
) -> AppResult<Response> {
    let payment = own_payment(&state, &user, id).await?;
    if payment.status().is_final() {
        return Ok(Redirect::to(&format!("/betalingen/{id}/terug")).into_response());
    }
    let invoice = own_invoice(&state, &user, payment.invoice_id).await?;
    Ok(ConfirmPage {
        layout,
        invoice,
        payment,
        test_provider: state.config.payment == PaymentConfig::Test,
    }
    .into_response())
}

/// Where the payer lands after the bank: the payment as the provider knows it now.
#[derive(Template, WebTemplate)]
#[template(path = "billing/payments/result.html")]
pub struct ResultPage {
    layout: Layout,
    invoice: Invoice,
    payment: Payment,
    /// The registration's status after payment, for an invoice of a training.
    registration: Option<(TrainingId, RegistrationStatus)>,
}

async fn returned(
    user: CurrentUser,
    State(state): State<AppState>,
    Path(id): Path<PaymentId>,
    layout: Layout,
) -> AppResult<ResultPage> {
    let payment = own_payment(&state, &user, id).await?;
    // The webhook may come later than the payer; a provider that cannot be asked now leaves
    // the page at "wordt verwerkt".
    if let Some(provider_id) = &payment.provider_id
        && !payment.status().is_final()
        && let Err(error) = payments::sync(&state, provider_id, Source::Return).await
    {
        tracing::warn!(%error, payment_id = %payment.id, "could not ask the provider on return");
    }
    let payment = own_payment(&state, &user, id).await?;
    let invoice = own_invoice(&state, &user, payment.invoice_id).await?;
    let registration = match invoice.training_id {
        Some(training) => {
            let status = sqlx::query_scalar!(
                r#"SELECT status AS "status: Stored<RegistrationStatus>" FROM trainings
                   WHERE id = $1"#,
                training as TrainingId,
            )
            .fetch_one(&state.db)
            .await?;
            Some((training, status.0))
        }
        None => None,
    };
    Ok(ResultPage {
        layout,
        invoice,
        payment,
        registration,
    })
}

async fn webhook(State(state): State<AppState>, meta: Origin, body: axum::body::Bytes) -> Response {
    let id = webhook_id(&body);
    let anomaly = |action: &'static str| {
        let state = state.clone();
        let meta = meta.clone();
        let id = id.clone();
        async move {
            tracing::warn!(action, id = %id.chars().take(64).collect::<String>(), "webhook anomaly");
            let mut conn = state.db.acquire().await?;
            audit::record(
                &mut conn,
                state.clock.now(),
                &meta,
                AuditEntry::new(action, None, Outcome::Denied)
                    .details(json!({ "id": id.chars().take(64).collect::<String>() })),
            )
            .await
        }
    };
    if !state.payments.is_plausible_id(&id) {
        // Never sent on to the provider: we are nobody's request amplifier (docs/security.md §9).
        return match anomaly("webhook.malformed_id").await {
            Ok(()) => StatusCode::OK.into_response(),
            Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        };
    }
    match payments::sync(&state, &id, Source::Webhook).await {
        Ok(SyncOutcome::Known(_)) => StatusCode::OK.into_response(),
        Ok(SyncOutcome::Unknown) => match anomaly("webhook.unknown_payment").await {
            Ok(()) => StatusCode::OK.into_response(),
            Err(_) => StatusCode::SERVICE_UNAVAILABLE.into_response(),
        },
        Err(error) => {
            // Never 200 on a failed read-back: the provider must call again (docs/security.md §9).
            tracing::warn!(%error, "webhook: the payment could not be checked");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// The `id` of a form-encoded webhook body; empty when there is none.
fn webhook_id(body: &[u8]) -> String {
    url::form_urlencoded::parse(body)
        .find(|(name, _)| name == "id")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

/// The test provider's checkout page: first a bank, then the outcome.
#[derive(Template, WebTemplate)]
#[template(path = "billing/payments/checkout.html")]
pub struct CheckoutPage {
    layout: Layout,
    checkout: TestCheckout,
    amount: Money,
    bank: Option<&'static str>,
    banks: &'static [(&'static str, &'static str)],
    outcomes: Vec<(&'static str, &'static str)>,
    expired: bool,
}

async fn test_checkout(state: &AppState, id: &str) -> AppResult<TestCheckout> {
    if state.config.payment != PaymentConfig::Test {
        return Err(AppError::NotFound);
    }
    test_provider::checkout(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)
}

fn outcome_label(status: PaymentStatus) -> &'static str {
    match status {
        PaymentStatus::Paid => "Betaling gelukt",
        PaymentStatus::Failed => "Betaling mislukt (de bank weigert)",
        PaymentStatus::Canceled => "Betaling geannuleerd (door u)",
        _ => "Betaling verlopen (te lang gewacht)",
    }
}

async fn checkout(
    State(state): State<AppState>,
    Path(id): Path<String>,
    layout: Layout,
) -> AppResult<Response> {
    let checkout = test_checkout(&state, &id).await?;
    let now = state.clock.now();
    if checkout.status_at(now) != PaymentStatus::Open && checkout.status != "open" {
        // Already finished: back to the portal, as a provider does.
        return Ok(Redirect::to(&checkout.redirect_url).into_response());
    }
    Ok(CheckoutPage {
        layout,
        amount: Money::cents(i64::from(checkout.amount_cents)),
        bank: checkout.bank.as_deref().and_then(test_provider::bank_name),
        expired: checkout.status_at(now) == PaymentStatus::Expired,
        checkout,
        banks: &BANKS,
        outcomes: OUTCOMES
            .iter()
            .map(|s| (s.provider_word(), outcome_label(*s)))
            .collect(),
    }
    .into_response())
}

#[derive(Deserialize)]
struct BankForm {
    #[serde(default)]
    bank: String,
}

async fn choose_bank(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<BankForm>,
) -> AppResult<Response> {
    let checkout = test_checkout(&state, &id).await?;
    if test_provider::bank_name(&form.bank).is_none() {
        flash::push(&session, FlashKind::Error, "Kies uw bank.").await?;
    } else {
        test_provider::choose_bank(&state.db, &checkout.id, &form.bank).await?;
    }
    Ok(Redirect::to(&format!("/testbetaalomgeving/{}", checkout.id)).into_response())
}

#[derive(Deserialize)]
struct OutcomeForm {
    #[serde(default)]
    uitkomst: String,
}

async fn finish(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<OutcomeForm>,
) -> AppResult<Response> {
    let checkout = test_checkout(&state, &id).await?;
    let outcome = PaymentStatus::from_provider(&form.uitkomst).filter(|s| OUTCOMES.contains(s));
    let Some(outcome) = outcome else {
        flash::push(
            &session,
            FlashKind::Error,
            "Kies de uitkomst van de betaling.",
        )
        .await?;
        return Ok(Redirect::to(&format!("/testbetaalomgeving/{}", checkout.id)).into_response());
    };
    let now = state.clock.now();
    let outcome = if checkout.status_at(now) == PaymentStatus::Expired {
        PaymentStatus::Expired
    } else {
        outcome
    };
    test_provider::finish(&state.db, &checkout.id, outcome, now).await?;
    // Like a provider's webhook: the portal hears of it at once. Should that fail, the return
    // page and the reconciliation job ask again.
    if let Err(error) = payments::sync(&state, &checkout.id, Source::Checkout).await {
        tracing::warn!(%error, "the test provider could not report a payment");
    }
    Ok(Redirect::to(&checkout.redirect_url).into_response())
}
