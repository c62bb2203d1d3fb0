//! Small cryptographic helpers: random tokens, their stored hashes, sealing TOTP secrets and
//! keyed hashes of recovery codes. All randomness comes from the operating system's CSPRNG.

use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::platform::config::SecretKey;

/// A random token for a link: 32 bytes (256 bits), URL-safe text.
pub fn new_link_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex_encode(&bytes)
}

/// Lower-case hexadecimal text of `bytes`.
pub fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of hexadecimal text; `None` when it is not hex.
pub fn hex_decode(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// What the database stores of a link token: its SHA-256.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Encrypts a TOTP secret with AES-256-GCM: a fresh 12-byte nonce, then the ciphertext.
pub fn seal(key: &SecretKey, plaintext: &[u8]) -> anyhow::Result<Vec<u8>> {
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key.0));
    let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
    let mut out = nonce.to_vec();
    out.extend(
        cipher
            .encrypt(&nonce, plaintext)
            .map_err(|_| anyhow::anyhow!("encryption failed"))?,
    );
    Ok(out)
}

/// Decrypts what [`seal`] made; fails when the key is wrong or the data was altered.
pub fn open(key: &SecretKey, sealed: &[u8]) -> anyhow::Result<Vec<u8>> {
    if sealed.len() < 12 {
        anyhow::bail!("sealed data too short");
    }
    let (nonce, ciphertext) = sealed.split_at(12);
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key.0));
    cipher
        .decrypt(Nonce::from_slice(nonce), ciphertext)
        .map_err(|_| anyhow::anyhow!("decryption failed: wrong SECRET_KEY or altered data"))
}

/// The alphabet of recovery codes: no 0/O, 1/l/I, so they survive being written down.
const CODE_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";

/// A recovery code: ten characters from a 31-letter alphabet (about 50 bits), shown as
/// `xxxxx-xxxxx`.
pub fn new_recovery_code() -> String {
    let mut rng = rand::rng();
    let chars: String = (0..10)
        .map(|_| {
            let i = (rng.next_u32() % CODE_ALPHABET.len() as u32) as usize;
            char::from(CODE_ALPHABET[i])
        })
        .collect();
    format!("{}-{}", &chars[..5], &chars[5..])
}

/// The keyed hash stored for a recovery code: HMAC-SHA256 under the server key, of the code
/// with spaces and dashes removed and lower-cased, so a stolen database alone is not enough.
pub fn recovery_code_hash(key: &SecretKey, code: &str) -> Vec<u8> {
    let normalised: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&key.0)
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(normalised.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: SecretKey = SecretKey([7; 32]);

    #[test]
    fn link_tokens_carry_256_bits_and_differ_each_time() {
        let a = new_link_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_link_token());
    }

    #[test]
    fn a_sealed_secret_opens_with_the_same_key_only() {
        let sealed = seal(&KEY, b"geheim").unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"geheim"));
        assert_eq!(open(&KEY, &sealed).unwrap(), b"geheim");
        assert!(open(&SecretKey([8; 32]), &sealed).is_err());
    }

    #[test]
    fn recovery_codes_are_eleven_characters_and_their_hash_ignores_layout() {
        let code = new_recovery_code();
        assert_eq!(code.len(), 11);
        let loose = code.replace('-', " ").to_uppercase();
        assert_eq!(
            recovery_code_hash(&KEY, &code),
            recovery_code_hash(&KEY, &loose)
        );
        assert_ne!(
            recovery_code_hash(&KEY, &code),
            recovery_code_hash(&SecretKey([8; 32]), &code)
        );
    }
}
