//! The second factor: TOTP (RFC 6238) with SHA-1, 6 digits and 30-second steps, the settings
//! every authenticator app understands. One step of clock drift either way is accepted.

use chrono::{DateTime, Utc};
use qrcode::QrCode;
use qrcode::render::svg;
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// The issuer shown in the authenticator app.
pub const ISSUER: &str = "MijnRGS";
const STEP_SECONDS: u64 = 30;

/// A fresh 160-bit secret.
pub fn new_secret() -> Vec<u8> {
    Secret::generate().as_bytes().to_vec()
}

fn totp(secret: &[u8], username: &str) -> Option<Totp> {
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(STEP_SECONDS)
        .with_secret(Secret::new(secret.to_vec().into_boxed_slice()))
        .with_issuer(Some(ISSUER))
        .with_account_name(username)
        .build()
        .ok()
}

/// The secret in base32, for typing into an app by hand.
pub fn secret_text(secret: &[u8]) -> String {
    let text = Secret::new(secret.to_vec().into_boxed_slice()).to_base32();
    // Groups of four are easier to type.
    text.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The QR code of the `otpauth://` URL as inline SVG (without the XML declaration).
pub fn qr_svg(secret: &[u8], username: &str) -> Option<String> {
    let url = totp(secret, username)?.to_url().ok()?;
    let code = QrCode::new(url.as_bytes()).ok()?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(220, 220)
        .quiet_zone(true)
        .build();
    let start = image.find("<svg")?;
    Some(image[start..].to_owned())
}

/// The time step whose code `code` is, within one step of `now`; `None` for a wrong code.
pub fn matching_step(secret: &[u8], code: &str, now: DateTime<Utc>) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let seconds = u64::try_from(now.timestamp()).ok()?;
    let step = totp(secret, "-")?.check(&code, seconds)?;
    i64::try_from(step).ok()
}

/// The code of `secret` at `now` (demo data and tests).
pub fn code_at(secret: &[u8], now: DateTime<Utc>) -> String {
    let seconds = u64::try_from(now.timestamp()).unwrap_or_default();
    totp(secret, "-").map_or_else(String::new, |t| t.generate(seconds).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_rfc_6238_test_vector_gives_the_published_code() {
        // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits); the last six digits.
        let secret = b"12345678901234567890";
        let at = Utc.timestamp_opt(59, 0).unwrap();
        assert_eq!(code_at(secret, at), "287082");
        assert_eq!(matching_step(secret, "287082", at), Some(1));
    }

    #[test]
    fn a_code_from_the_previous_step_is_accepted_but_not_from_two_steps_ago() {
        let secret = new_secret();
        let now = Utc.with_ymd_and_hms(2026, 5, 1, 12, 0, 0).unwrap();
        let previous = code_at(&secret, now - chrono::Duration::seconds(30));
        let older = code_at(&secret, now - chrono::Duration::seconds(60));
        assert!(matching_step(&secret, &previous, now).is_some());
        if older != code_at(&secret, now) && older != previous {
            assert_eq!(matching_step(&secret, &older, now), None);
        }
    }

    #[test]
    fn malformed_codes_are_refused() {
        let secret = new_secret();
        let now = Utc::now();
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
    }

    #[test]
    fn the_qr_code_is_inline_svg_without_xml_declaration() {
        let svg = qr_svg(&new_secret(), "anna").unwrap();
        assert!(svg.starts_with("<svg"));
    }
}
