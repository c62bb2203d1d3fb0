//! iDEAL through Mollie's payments API (v2): create a payment with our id in its metadata and
//! an `Idempotency-Key`, and fetch a payment's status. Every call has a time limit well inside
//! Mollie's 15 seconds for a webhook (docs/security.md §9).

use std::time::Duration;

use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use crate::platform::payment_providers::provider::{
    NewPayment, PaymentProvider, ProviderError, ProviderPayment,
};
use rules::payment::PaymentStatus;

/// How long one call to Mollie may take.
pub const CALL_TIMEOUT: Duration = Duration::from_secs(8);

/// The production API.
pub const DEFAULT_API_URL: &str = "https://api.mollie.com";

/// A client of Mollie's payments API.
pub struct Mollie {
    http: reqwest::Client,
    api_url: String,
    api_key: String,
}

impl Mollie {
    /// A client for `api_url` (Mollie's, or a stub in tests) with `api_key`.
    pub fn new(api_url: &str, api_key: &str) -> Result<Self, ProviderError> {
        let http = reqwest::Client::builder()
            .timeout(CALL_TIMEOUT)
            .connect_timeout(Duration::from_secs(3))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| ProviderError::Unreachable(e.to_string()))?;
        Ok(Self {
            http,
            api_url: api_url.trim_end_matches('/').to_owned(),
            api_key: api_key.to_owned(),
        })
    }
}

/// An amount as Mollie writes it: `"494.15"`.
pub fn amount_value(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
}

/// Mollie's `"494.15"` in cents; exactly two decimals.
pub fn parse_amount_value(value: &str) -> Option<i64> {
    let (units, decimals) = value.split_once('.')?;
    if decimals.len() != 2 || units.is_empty() {
        return None;
    }
    let units: i64 = units.parse().ok()?;
    let decimals: i64 = decimals.parse().ok()?;
    if !(0..100).contains(&decimals) || units < 0 {
        return None;
    }
    units.checked_mul(100)?.checked_add(decimals)
}

#[derive(Deserialize)]
struct MollieAmount {
    currency: String,
    value: String,
}

#[derive(Deserialize)]
struct MollieLink {
    href: String,
}

#[derive(Deserialize, Default)]
struct MollieLinks {
    checkout: Option<MollieLink>,
}

#[derive(Deserialize)]
struct MolliePayment {
    id: String,
    status: String,
    amount: MollieAmount,
    #[serde(default)]
    metadata: Option<serde_json::Value>,
    #[serde(default, rename = "_links")]
    links: MollieLinks,
}

impl TryFrom<MolliePayment> for ProviderPayment {
    type Error = ProviderError;

    fn try_from(payment: MolliePayment) -> Result<Self, ProviderError> {
        let status = PaymentStatus::from_provider(&payment.status).ok_or_else(|| {
            ProviderError::Malformed(format!("unknown status {:?}", payment.status))
        })?;
        let amount_cents = parse_amount_value(&payment.amount.value).ok_or_else(|| {
            ProviderError::Malformed(format!("amount {:?}", payment.amount.value))
        })?;
        let local_id = payment
            .metadata
            .as_ref()
            .and_then(|m| m.get("local_payment_id"))
            .and_then(|v| v.as_str())
            .and_then(|s| Uuid::parse_str(s).ok());
        Ok(ProviderPayment {
            id: payment.id,
            status,
            amount_cents,
            currency: payment.amount.currency,
            checkout_url: payment.links.checkout.map(|l| l.href),
            local_id,
        })
    }
}

async fn read(response: reqwest::Response) -> Result<ProviderPayment, ProviderError> {
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        return Err(ProviderError::Status {
            status: status.as_u16(),
            body: body.chars().take(300).collect(),
        });
    }
    let payment: MolliePayment = response
        .json()
        .await
        .map_err(|e| ProviderError::Malformed(e.to_string()))?;
    payment.try_into()
}

fn unreachable(error: reqwest::Error) -> ProviderError {
    ProviderError::Unreachable(error.to_string())
}

#[async_trait::async_trait]
impl PaymentProvider for Mollie {
    fn code(&self) -> &'static str {
        "mollie"
    }

    async fn create(&self, payment: &NewPayment) -> Result<ProviderPayment, ProviderError> {
        let body = json!({
            "amount": { "currency": "EUR", "value": amount_value(payment.amount.as_cents()) },
            "description": payment.description,
            "redirectUrl": payment.redirect_url,
            "webhookUrl": payment.webhook_url,
            "method": "ideal",
            "locale": "nl_NL",
            "metadata": { "local_payment_id": payment.local_id.to_string() },
        });
        let response = self
            .http
            .post(format!("{}/v2/payments", self.api_url))
            .bearer_auth(&self.api_key)
            .header("Idempotency-Key", payment.idempotency_key.to_string())
            .json(&body)
            .send()
            .await
            .map_err(unreachable)?;
        read(response).await
    }

    async fn fetch(&self, id: &str) -> Result<Option<ProviderPayment>, ProviderError> {
        if !self.is_plausible_id(id) {
            return Ok(None);
        }
        let response = self
            .http
            .get(format!("{}/v2/payments/{id}", self.api_url))
            .bearer_auth(&self.api_key)
            .send()
            .await
            .map_err(unreachable)?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        read(response).await.map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_and_read_the_way_mollie_does() {
        assert_eq!(amount_value(49415), "494.15");
        assert_eq!(amount_value(5), "0.05");
        assert_eq!(amount_value(100_000), "1000.00");
        assert_eq!(parse_amount_value("494.15"), Some(49415));
        assert_eq!(parse_amount_value("0.01"), Some(1));
        for bad in ["494", "494.1", "494.155", ".15", "-1.00", "a.bc", "4 94.15"] {
            assert_eq!(parse_amount_value(bad), None, "{bad}");
        }
    }
}
