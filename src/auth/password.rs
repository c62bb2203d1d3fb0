//! Password hashing with argon2id at OWASP's parameters (m = 19 MiB, t = 2, p = 1).
//!
//! Hashing runs on the blocking pool behind a semaphore, so a storm of logins queues up instead
//! of starving page requests. A login for an unknown username verifies against a dummy hash, so
//! it costs the same time as one for a known username (no account enumeration by timing).

use std::sync::Arc;

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use tokio::sync::{OnceCell, Semaphore};

/// Hashes and verifies passwords.
pub struct PasswordHasher {
    permits: Arc<Semaphore>,
    dummy: OnceCell<String>,
}

impl Default for PasswordHasher {
    fn default() -> Self {
        Self::new()
    }
}

fn argon2() -> Argon2<'static> {
    // The parameters are constants that are valid; Params::new only fails on out-of-range
    // values, so the default (which equals OWASP's m=19456, t=2, p=1) is the fallback.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

impl PasswordHasher {
    /// At most as many hashes at once as the machine has cores.
    pub fn new() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            permits: Arc::new(Semaphore::new(cores)),
            dummy: OnceCell::new(),
        }
    }

    /// The PHC string of `password`.
    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await?;
        let password = password.to_owned();
        let hash = tokio::task::spawn_blocking(move || {
            argon2()
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
        })
        .await??;
        Ok(hash)
    }

    /// Whether `password` matches `stored`; with no stored hash, the same work is done against
    /// a dummy and the answer is no.
    pub async fn verify(&self, stored: Option<&str>, password: &str) -> bool {
        let dummy = match self
            .dummy
            .get_or_try_init(|| self.hash("dummy password for timing"))
            .await
        {
            Ok(dummy) => dummy.clone(),
            Err(_) => return false,
        };
        let known = stored.is_some();
        let stored = stored.map_or(dummy, str::to_owned);
        let Ok(_permit) = self.permits.acquire().await else {
            return false;
        };
        let password = password.to_owned();
        let matches = tokio::task::spawn_blocking(move || {
            argon2()
                .verify_password(password.as_bytes(), stored.as_str())
                .is_ok()
        })
        .await
        .unwrap_or(false);
        known && matches
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_is_argon2id_with_owasp_parameters_and_verifies() {
        let hasher = PasswordHasher::new();
        let hash = hasher.hash("vlinder kachel optocht").await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(hasher.verify(Some(&hash), "vlinder kachel optocht").await);
        assert!(!hasher.verify(Some(&hash), "vlinder kachel optochT").await);
    }

    #[tokio::test]
    async fn checking_an_unknown_user_costs_as_much_as_checking_a_known_one() {
        let hasher = PasswordHasher::new();
        let hash = hasher.hash("vlinder kachel optocht").await.unwrap();
        hasher.verify(None, "warm up the dummy hash").await;
        let mut known = Vec::new();
        let mut unknown = Vec::new();
        for _ in 0..5 {
            let start = std::time::Instant::now();
            hasher.verify(Some(&hash), "verkeerd wachtwoord").await;
            known.push(start.elapsed());
            let start = std::time::Instant::now();
            hasher.verify(None, "verkeerd wachtwoord").await;
            unknown.push(start.elapsed());
        }
        known.sort();
        unknown.sort();
        // Medians; without the dummy hash the unknown case would be a hundred times faster.
        let ratio = unknown[2].as_secs_f64() / known[2].as_secs_f64();
        assert!(
            ratio > 0.3,
            "unknown {:?} vs known {:?}",
            unknown[2],
            known[2]
        );
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        let hasher = PasswordHasher::new();
        assert!(!hasher.verify(None, "dummy password for timing").await);
    }
}
