//! Where a request came from, for the audit trail and the rate limits.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;

/// The client's address, browser and the request id.
#[derive(Clone, Debug, Default)]
pub struct RequestMeta {
    /// The client's address (see [`super::edge::identify_client`]).
    pub ip: Option<IpAddr>,
    /// The User-Agent, cut to 300 characters.
    pub user_agent: Option<String>,
    /// The request id the portal gave this request (never one the client sent).
    pub request_id: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for RequestMeta {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<super::edge::ClientAddress>()
            .map(|super::edge::ClientAddress(ip)| *ip)
            .or_else(|| {
                parts
                    .extensions
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|ConnectInfo(addr)| addr.ip())
            });
        let text = |name: &str| {
            parts
                .headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.chars().take(300).collect::<String>())
        };
        Ok(Self {
            ip,
            user_agent: text(header::USER_AGENT.as_str()),
            request_id: text("x-request-id"),
        })
    }
}
