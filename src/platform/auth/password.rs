//! Password hashing with argon2id at OWASP's parameters (m = 19 MiB, t = 2, p = 1).
//!
//! Hashing runs off the request threads behind a semaphore, so a storm of logins queues up
//! instead of starving page requests: on threads of their own (one per core) at a lower CPU
//! priority, so that when the machine is busy, pages are served first and the hashes take the
//! time that is left. A login for an unknown username verifies against a dummy hash, so it
//! costs the same time as one for a known username (no account enumeration by timing).

use std::sync::{Arc, OnceLock};

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use thread_priority::{ThreadPriority, ThreadPriorityValue};
use tokio::sync::{OnceCell, Semaphore, oneshot};

/// The niceness of the hashing threads (0 is normal, 19 the lowest): under full load they get
/// about a tenth of the CPU time of a page request's threads.
pub const HASHING_NICENESS: i32 = 10;

/// The cross-platform priority (0 to 99) that thread-priority turns into [`HASHING_NICENESS`]
/// on Linux: it maps the range linearly onto niceness 19 … −20 (a unit test checks it).
const HASHING_PRIORITY: u8 = 22;

/// The threads that hash, one per core, started on first use.
fn hashing_threads() -> Option<&'static rayon::ThreadPool> {
    static THREADS: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    THREADS
        .get_or_init(|| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(cores())
                .thread_name(|i| format!("argon2-{i}"))
                .start_handler(|_| {
                    let lowered = ThreadPriorityValue::try_from(HASHING_PRIORITY)
                        .map_err(|error| error.to_string())
                        .and_then(|value| {
                            thread_priority::set_current_thread_priority(
                                ThreadPriority::Crossplatform(value),
                            )
                            .map_err(|error| error.to_string())
                        });
                    if let Err(error) = lowered {
                        tracing::warn!(%error, "could not lower the priority of a hashing thread");
                    }
                })
                .panic_handler(|_| tracing::error!("a password hash panicked"))
                .build()
                .map_err(|error| tracing::error!(%error, "could not start the hashing threads"))
                .ok()
        })
        .as_ref()
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// Runs `work` on a hashing thread (or, if those could not start, on the blocking pool).
async fn on_hashing_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> anyhow::Result<T> {
    match hashing_threads() {
        Some(threads) => {
            let (done, result) = oneshot::channel();
            threads.spawn(move || {
                let _ = done.send(work());
            });
            Ok(result.await?)
        }
        None => Ok(tokio::task::spawn_blocking(work).await?),
    }
}

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
        Self {
            permits: Arc::new(Semaphore::new(cores())),
            dummy: OnceCell::new(),
        }
    }

    /// The PHC string of `password`.
    pub async fn hash(&self, password: &str) -> anyhow::Result<String> {
        let _permit = self.permits.acquire().await?;
        let password = password.to_owned();
        let hash = on_hashing_thread(move || {
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
        let matches = on_hashing_thread(move || {
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
    async fn hashing_runs_on_threads_of_lower_priority_than_the_pages() {
        // The thread's nice value, field 19 of its stat line (Linux).
        let nice = || {
            let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
            let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
            after_name.split_whitespace().nth(16).map(str::to_owned)
        };
        let hashing = on_hashing_thread(nice).await.unwrap();
        assert_eq!(hashing, Some(HASHING_NICENESS.to_string()));
        assert_eq!(
            nice(),
            Some("0".to_owned()),
            "the test's own thread is normal"
        );
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        let hasher = PasswordHasher::new();
        assert!(!hasher.verify(None, "dummy password for timing").await);
    }
}
