//! Reads the audit origin of a request ([`Origin`]: address, browser, request id) from its
//! parts, for the handlers that record what they do.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;

use crate::platform::audit::Origin;
use crate::web::edge::ClientAddress;

impl<S: Send + Sync> FromRequestParts<S> for Origin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ClientAddress>()
            .map(|ClientAddress(ip)| *ip)
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
