//! What the portal decides about a request before any page sees it (docs/security.md):
//!
//! - **Who is asking**: the client's address is the direct peer, unless that peer is one of
//!   the configured trusted proxies (`TRUSTED_PROXIES`); only then is `X-Forwarded-For` or
//!   `Forwarded` read, from the right, skipping the trusted hops. Rate limits, the audit log and
//!   the request log all use this one address ([`ClientAddress`], [`ClientKey`]).
//! - **Which request this is**: the portal makes its own request id. An id the client sent is
//!   moved to `x-client-request-id`, logged beside ours as untrusted, and never stored.
//! - **Input PostgreSQL cannot store**: a NUL character in the path, the query or a form body is
//!   refused here with a Dutch page, for every field of every form at once.

use std::net::{IpAddr, SocketAddr};

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use ipnet::IpNet;
use tower_governor::GovernorError;
use tower_governor::key_extractor::KeyExtractor;

/// What the edge needs to know of the configuration.
#[derive(Clone, Debug)]
pub struct EdgeSettings {
    /// The reverse proxies whose forwarding headers are believed (`TRUSTED_PROXIES`).
    pub trusted_proxies: std::sync::Arc<[IpNet]>,
    /// The largest request body accepted (`MAX_BODY_BYTES`).
    pub max_body_bytes: usize,
}

/// The request id header the portal sets (and the only one it trusts).
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Where an id the client sent ends up: logged as untrusted, never stored.
pub const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("x-client-request-id");

/// The address of the client, as decided by [`identify_client`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// The client's address behind `peer`: `peer` itself unless it is a trusted proxy; then the
/// forwarded addresses are read from the nearest hop backwards, and the first that is not a
/// trusted proxy is the client. If every hop is trusted, the farthest one is taken. Unreadable
/// entries end the walk at the last address that was read.
pub fn client_ip(peer: IpAddr, trusted: &[IpNet], forwarded: &[IpAddr]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        client = *hop;
        if !is_trusted(hop) {
            break;
        }
    }
    client
}

/// The forwarded addresses in the order the proxies wrote them (farthest first): the standard
/// `Forwarded` header if present, else `X-Forwarded-For`. Reading stops at the first entry that
/// is not an address (an obfuscated or unknown hop), since nothing before it can be trusted.
fn forwarded_addresses(headers: &HeaderMap) -> Vec<IpAddr> {
    let mut entries: Vec<String> = Vec::new();
    let forwarded: Vec<&str> = headers
        .get_all(header::FORWARDED)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    if forwarded.is_empty() {
        for value in headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
        {
            entries.extend(value.split(',').map(|e| e.trim().to_owned()));
        }
    } else {
        for value in forwarded {
            for element in value.split(',') {
                let node = element.split(';').find_map(|pair| {
                    let (key, value) = pair.split_once('=')?;
                    key.trim()
                        .eq_ignore_ascii_case("for")
                        .then(|| value.trim().trim_matches('"').to_owned())
                });
                entries.push(node.unwrap_or_default());
            }
        }
    }
    let parsed: Vec<Option<IpAddr>> = entries.iter().map(|e| parse_node(e)).collect();
    // Only the unbroken run of addresses nearest to us counts.
    let nearest = parsed
        .iter()
        .rposition(Option::is_none)
        .map_or(0, |i| i + 1);
    parsed[nearest..].iter().flatten().copied().collect()
}

/// `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]` or `[2001:db8::1]:4711`.
fn parse_node(node: &str) -> Option<IpAddr> {
    if let Ok(ip) = node.parse() {
        return Some(ip);
    }
    if let Ok(addr) = node.parse::<SocketAddr>() {
        return Some(addr.ip());
    }
    node.strip_prefix('[')
        .and_then(|rest| rest.split(']').next())
        .and_then(|ip| ip.parse().ok())
}

/// Decides the client's address and the request id (see the module documentation).
pub async fn identify_client(
    State(settings): State<EdgeSettings>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if let Some(peer) = peer {
        let trusted = &settings.trusted_proxies;
        let forwarded = if trusted.is_empty() {
            Vec::new()
        } else {
            forwarded_addresses(req.headers())
        };
        let client = client_ip(peer, trusted, &forwarded);
        req.extensions_mut().insert(ClientAddress(client));
    }
    if let Some(theirs) = req.headers_mut().remove(REQUEST_ID) {
        req.headers_mut().insert(CLIENT_REQUEST_ID, theirs);
    }
    next.run(req).await
}

/// The rate limits' key: the client's address as [`identify_client`] decided it.
#[derive(Clone, Copy, Debug)]
pub struct ClientKey;

impl KeyExtractor for ClientKey {
    type Key = IpAddr;

    fn extract<T>(&self, req: &axum::http::Request<T>) -> Result<Self::Key, GovernorError> {
        req.extensions()
            .get::<ClientAddress>()
            .map(|ClientAddress(ip)| *ip)
            .or_else(|| {
                req.extensions()
                    .get::<ConnectInfo<SocketAddr>>()
                    .map(|ConnectInfo(addr)| addr.ip())
            })
            .ok_or(GovernorError::UnableToExtractKey)
    }
}

/// A form body as it was posted, put on a server error's response for the error page: when
/// the database is unreachable it offers to send the same form again (see `error_pages`).
#[derive(Clone, Debug)]
pub struct PostedForm(pub Bytes);

/// Put on the 400 answer to input with a NUL, so the error page can say what was wrong.
#[derive(Clone, Copy, Debug)]
pub struct NulRefused;

/// Whether `bytes` hold a NUL, raw or percent-encoded (`%00`).
fn has_nul(bytes: &[u8]) -> bool {
    bytes.contains(&0) || bytes.windows(3).any(|w| w == b"%00")
}

fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        })
}

/// Refuses a NUL in the path, the query or a form body (400, with a Dutch page); puts the
/// form body on a server error's response as [`PostedForm`] for the error page. A body over the size limit is left to the
/// body limit, which answers 413.
pub async fn refuse_nul(
    State(settings): State<EdgeSettings>,
    req: Request,
    next: Next,
) -> Response {
    let refused = || (StatusCode::BAD_REQUEST, axum::Extension(NulRefused)).into_response();
    let target = req
        .uri()
        .path_and_query()
        .map_or("", |pq| pq.as_str())
        .as_bytes();
    if has_nul(target) {
        return refused();
    }
    if !is_form(req.headers()) {
        return next.run(req).await;
    }
    let limit = settings.max_body_bytes;
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > limit) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, limit).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    if has_nul(&bytes) {
        return refused();
    }
    let mut response = next
        .run(Request::from_parts(parts, Body::from(bytes.clone())))
        .await;
    if response.status().is_server_error() {
        response.extensions_mut().insert(PostedForm(bytes));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn nets(texts: &[&str]) -> Vec<IpNet> {
        texts.iter().map(|t| t.parse().unwrap()).collect()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_it_forwards() {
        assert_eq!(
            client_ip(ip("203.0.113.9"), &[], &[ip("198.51.100.1")]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_peer_that_is_not_trusted_is_the_client_even_when_proxies_are_configured() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            client_ip(ip("203.0.113.9"), &trusted, &[ip("198.51.100.1")]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client() {
        let trusted = nets(&["10.0.0.0/8"]);
        // The client forged the first entry; the proxy appended the real peer it saw.
        let forwarded = [ip("192.0.2.66"), ip("198.51.100.7"), ip("10.0.0.5")];
        assert_eq!(
            client_ip(ip("10.0.0.2"), &trusted, &forwarded),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn when_every_hop_is_trusted_the_farthest_counts() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            client_ip(ip("10.0.0.2"), &trusted, &[ip("10.1.1.1")]),
            ip("10.1.1.1")
        );
        assert_eq!(client_ip(ip("10.0.0.2"), &trusted, &[]), ip("10.0.0.2"));
    }

    #[test]
    fn the_forwarded_header_is_read_with_ports_quotes_and_ipv6() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::FORWARDED,
            "for=192.0.2.60;proto=https, for=\"[2001:db8::1]:4711\", For=198.51.100.3:80"
                .parse()
                .unwrap(),
        );
        headers.insert("x-forwarded-for", "203.0.113.1".parse().unwrap());
        assert_eq!(
            forwarded_addresses(&headers),
            vec![ip("192.0.2.60"), ip("2001:db8::1"), ip("198.51.100.3")]
        );
    }

    #[test]
    fn an_unreadable_hop_hides_everything_before_it() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            "192.0.2.66, unknown, 198.51.100.7".parse().unwrap(),
        );
        assert_eq!(forwarded_addresses(&headers), vec![ip("198.51.100.7")]);
    }

    #[test]
    fn a_nul_is_found_raw_and_percent_encoded_but_not_in_other_escapes() {
        assert!(has_nul(b"naam=a%00b"));
        assert!(has_nul(b"naam=a\0b"));
        assert!(!has_nul(b"naam=a%2500b&x=%0A"));
    }
}
