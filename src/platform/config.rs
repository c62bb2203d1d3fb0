//! Configuration read from the environment, with defaults that work on a developer machine.
//!
//! Every variable is documented in `.env.example`. A bad value stops start-up with one sentence
//! that names the variable, so an operator never has to guess which setting is wrong.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use url::Url;

/// The default database: the local PostgreSQL that every developer machine has.
pub const DEFAULT_DATABASE_URL: &str = "postgres://postgres@127.0.0.1:5432/mijnrgs";
/// The default listening address.
pub const DEFAULT_LISTEN_ADDR: &str = "127.0.0.1:8080";

/// The portal's settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where PostgreSQL lives, including the database name.
    pub database_url: Url,
    /// The address the HTTP server binds to.
    pub listen_addr: SocketAddr,
    /// The public address users type in their browser; decides `Secure` cookies and HSTS.
    pub base_url: Url,
    /// The folder with CSS, scripts and images.
    pub static_dir: PathBuf,
    /// How long a request may take before it is answered with an error page.
    pub request_timeout: Duration,
    /// The largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// `pretty` for people, `json` for log shipping.
    pub log_format: LogFormat,
    /// How many connections the pool keeps at most.
    pub database_max_connections: u32,
    /// Development or production; production refuses unsafe defaults and demo accounts.
    pub environment: Environment,
    /// The 32-byte key that encrypts TOTP secrets and keys the hashes of recovery codes.
    pub secret_key: SecretKey,
    /// Where mail goes.
    pub mail: MailConfig,
    /// A session ends after this many seconds without a request (30 minutes by default).
    pub session_idle_seconds: i64,
    /// Which payment service provider collects the invoices.
    pub payment: PaymentConfig,
    /// The reverse proxies whose `X-Forwarded-For`/`Forwarded` headers say who the client is
    /// (`TRUSTED_PROXIES`, addresses or networks separated by commas; none by default, so the
    /// direct peer is the client). See docs/security.md.
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

/// The payment service provider.
#[derive(Clone, PartialEq, Eq)]
pub enum PaymentConfig {
    /// The built-in test provider with its own checkout page (development and demos).
    Test,
    /// iDEAL through Mollie's payments API.
    Mollie {
        /// The API's address (Mollie's, or a stub in tests).
        api_url: String,
        /// The API key (`live_…` or `test_…`).
        api_key: String,
    },
}

impl std::fmt::Debug for PaymentConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PaymentConfig::Test => f.write_str("Test"),
            PaymentConfig::Mollie { api_url, .. } => f
                .debug_struct("Mollie")
                .field("api_url", api_url)
                .field("api_key", &"***")
                .finish(),
        }
    }
}

/// Where the portal runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    /// A developer machine or a demo: defaults allowed, demo accounts allowed.
    Development,
    /// The real portal: a secret key and an https base URL are required; no demo accounts.
    Production,
}

/// How outgoing mail is delivered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MailTransport {
    /// Through an SMTP server (production; Mailpit in docker-compose).
    Smtp(String),
    /// As `.eml` files in a folder (the development default).
    Files(PathBuf),
    /// Kept in memory (tests).
    Memory,
}

/// Mail settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailConfig {
    /// The transport.
    pub transport: MailTransport,
    /// The sender, as `Name <address>`.
    pub from: String,
}

/// A 32-byte key whose `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey(pub [u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(***)")
    }
}

/// The development key: public, so never good enough for production (refused there).
const DEVELOPMENT_SECRET_KEY: [u8; 32] = *b"mijnrgs-development-only-key-32b";

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines for a terminal.
    Pretty,
    /// One JSON object per line, for log shipping (docs/security.md §11).
    Json,
}

/// A configuration value that cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid configuration: {variable} {problem} (got {value:?})")]
pub struct ConfigError {
    /// The environment variable at fault.
    pub variable: &'static str,
    /// What is wrong with it, as the end of a sentence.
    pub problem: &'static str,
    /// The value that was given.
    pub value: String,
}

impl Config {
    /// The full address of `path` (a path of this portal, starting with `/`) for a mail, so
    /// a mail links straight to the item it is about; the login step returns there.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.base_url.as_str().trim_end_matches('/'))
    }

    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup`, which returns a variable's value if it is set.
    /// Kept separate from [`Config::from_env`] so tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str, default: &str| lookup(name).unwrap_or_else(|| default.to_owned());

        let database_url = parse_url(
            "DATABASE_URL",
            &get("DATABASE_URL", DEFAULT_DATABASE_URL),
            &["postgres", "postgresql"],
        )?;
        if database_url.path().trim_start_matches('/').is_empty() {
            return Err(ConfigError {
                variable: "DATABASE_URL",
                problem: "must name a database, as in postgres://postgres@127.0.0.1:5432/mijnrgs",
                value: database_url.to_string(),
            });
        }

        let listen_raw = get("LISTEN_ADDR", DEFAULT_LISTEN_ADDR);
        let listen_addr = listen_raw.parse().map_err(|_| ConfigError {
            variable: "LISTEN_ADDR",
            problem: "must be an IP address with a port, such as 127.0.0.1:8080",
            value: listen_raw.clone(),
        })?;

        let default_base = format!("http://{listen_raw}");
        let base_url = parse_url(
            "BASE_URL",
            &get("BASE_URL", &default_base),
            &["http", "https"],
        )?;

        let static_dir = PathBuf::from(get("STATIC_DIR", &default_static_dir()));

        let request_timeout = Duration::from_secs(parse_number(
            "REQUEST_TIMEOUT_SECS",
            &get("REQUEST_TIMEOUT_SECS", "30"),
            1..=600,
        )?);
        let max_body_bytes = parse_number(
            "MAX_BODY_BYTES",
            &get("MAX_BODY_BYTES", "1048576"),
            1024..=100 * 1024 * 1024,
        )? as usize;
        let database_max_connections = parse_number(
            "DATABASE_MAX_CONNECTIONS",
            &get("DATABASE_MAX_CONNECTIONS", "10"),
            1..=500,
        )? as u32;

        let log_raw = get("LOG_FORMAT", "pretty");
        let log_format = match log_raw.as_str() {
            "pretty" => LogFormat::Pretty,
            "json" => LogFormat::Json,
            _ => {
                return Err(ConfigError {
                    variable: "LOG_FORMAT",
                    problem: "must be pretty or json",
                    value: log_raw,
                });
            }
        };

        let env_raw = get("APP_ENV", "development");
        let environment = match env_raw.as_str() {
            "development" => Environment::Development,
            "production" => Environment::Production,
            _ => {
                return Err(ConfigError {
                    variable: "APP_ENV",
                    problem: "must be development or production",
                    value: env_raw,
                });
            }
        };

        let secret_key = match lookup("SECRET_KEY") {
            Some(hex) => SecretKey(parse_key(&hex)?),
            None if environment == Environment::Production => {
                return Err(ConfigError {
                    variable: "SECRET_KEY",
                    problem: "must be set in production (64 hexadecimal characters)",
                    value: String::new(),
                });
            }
            None => SecretKey(DEVELOPMENT_SECRET_KEY),
        };
        if environment == Environment::Production && base_url.scheme() != "https" {
            return Err(ConfigError {
                variable: "BASE_URL",
                problem: "must start with https:// in production",
                value: base_url.to_string(),
            });
        }

        let transport = match (lookup("SMTP_URL"), lookup("MAIL_DIR")) {
            (Some(url), _) if url == "memory" => MailTransport::Memory,
            (Some(url), _) => {
                if !(url.starts_with("smtp://") || url.starts_with("smtps://")) {
                    return Err(ConfigError {
                        variable: "SMTP_URL",
                        problem: "must start with smtp:// or smtps://",
                        value: url,
                    });
                }
                MailTransport::Smtp(url)
            }
            (None, Some(dir)) => MailTransport::Files(PathBuf::from(dir)),
            (None, None) => MailTransport::Files(PathBuf::from("mail")),
        };
        let from = get("MAIL_FROM", "MijnRGS <noreply@mijnrgs.knmg.nl>");
        if from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError {
                variable: "MAIL_FROM",
                problem: "must be an address such as MijnRGS <noreply@example.nl>",
                value: from,
            });
        }

        let session_idle_seconds = parse_number(
            "SESSION_IDLE_SECONDS",
            &get("SESSION_IDLE_SECONDS", "1800"),
            20..=86_400,
        )? as i64;

        let payment = match get("PAYMENT_PROVIDER", "test").as_str() {
            "test" if environment == Environment::Production => {
                return Err(ConfigError {
                    variable: "PAYMENT_PROVIDER",
                    problem: "must be mollie in production (the test provider collects nothing)",
                    value: "test".to_owned(),
                });
            }
            "test" => PaymentConfig::Test,
            "mollie" => {
                let api_key = lookup("MOLLIE_API_KEY").unwrap_or_default();
                if !(api_key.starts_with("live_") || api_key.starts_with("test_")) {
                    return Err(ConfigError {
                        variable: "MOLLIE_API_KEY",
                        problem: "must be set to a Mollie API key (live_… or test_…)",
                        value: "(hidden)".to_owned(),
                    });
                }
                let api_url = parse_url(
                    "MOLLIE_API_URL",
                    &get(
                        "MOLLIE_API_URL",
                        crate::platform::payment_providers::mollie::DEFAULT_API_URL,
                    ),
                    &["http", "https"],
                )?;
                PaymentConfig::Mollie {
                    api_url: api_url.as_str().trim_end_matches('/').to_owned(),
                    api_key,
                }
            }
            other => {
                return Err(ConfigError {
                    variable: "PAYMENT_PROVIDER",
                    problem: "must be test or mollie",
                    value: other.to_owned(),
                });
            }
        };

        let trusted_proxies = parse_networks("TRUSTED_PROXIES", &get("TRUSTED_PROXIES", ""))?;

        Ok(Self {
            trusted_proxies,
            payment,
            session_idle_seconds,
            environment,
            secret_key,
            mail: MailConfig { transport, from },
            database_url,
            listen_addr,
            base_url,
            static_dir,
            request_timeout,
            max_body_bytes,
            log_format,
            database_max_connections,
        })
    }

    /// Whether users reach the portal over TLS: then cookies are `Secure` and HSTS is sent.
    pub fn is_https(&self) -> bool {
        self.base_url.scheme() == "https"
    }

    /// Seconds before the idle logout at which the warning appears: two minutes, or half the
    /// idle time when that is shorter.
    pub fn session_warning_lead_seconds(&self) -> i64 {
        (self.session_idle_seconds / 2).min(120)
    }

    /// Whether this is the real portal.
    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// The origin (scheme, host, port) of the base URL, as browsers send it in `Origin`.
    pub fn origin(&self) -> String {
        self.base_url.origin().ascii_serialization()
    }
}

fn parse_key(hex: &str) -> Result<[u8; 32], ConfigError> {
    let bad = || ConfigError {
        variable: "SECRET_KEY",
        problem: "must be exactly 64 hexadecimal characters (32 bytes)",
        value: "(hidden)".to_owned(),
    };
    let hex = hex.trim();
    if hex.len() != 64 || !hex.is_ascii() {
        return Err(bad());
    }
    let mut key = [0u8; 32];
    for (i, byte) in key.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
    }
    Ok(key)
}

/// The `static/` folder of the source tree when it exists (development and tests), otherwise
/// `static` next to the working directory (the container image).
fn default_static_dir() -> String {
    let in_tree = concat!(env!("CARGO_MANIFEST_DIR"), "/static");
    if std::path::Path::new(in_tree).is_dir() {
        in_tree.to_owned()
    } else {
        "static".to_owned()
    }
}

fn parse_url(variable: &'static str, value: &str, schemes: &[&str]) -> Result<Url, ConfigError> {
    let url = Url::parse(value).map_err(|_| ConfigError {
        variable,
        problem: "is not a valid URL",
        value: value.to_owned(),
    })?;
    if !schemes.contains(&url.scheme()) {
        return Err(ConfigError {
            variable,
            problem: if schemes.contains(&"https") {
                "must start with http:// or https://"
            } else {
                "must start with postgres://"
            },
            value: value.to_owned(),
        });
    }
    Ok(url)
}

fn parse_number(
    variable: &'static str,
    value: &str,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, ConfigError> {
    match value.trim().parse::<u64>() {
        Ok(n) if range.contains(&n) => Ok(n),
        _ => Err(ConfigError {
            variable,
            problem: "must be a whole number within the allowed range (see .env.example)",
            value: value.to_owned(),
        }),
    }
}

/// A comma-separated list of IP addresses (one host each) and networks (`10.0.0.0/8`).
fn parse_networks(variable: &'static str, raw: &str) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    raw.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| ConfigError {
                    variable,
                    problem: "must list IP addresses or networks separated by commas, \
                              such as 10.0.0.2, 10.1.0.0/16",
                    value: entry.to_owned(),
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config_with(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn an_empty_environment_gives_the_developer_defaults() {
        let config = config_with(&[]).expect("defaults are valid");
        assert_eq!(config.database_url.as_str(), DEFAULT_DATABASE_URL);
        assert_eq!(config.listen_addr.to_string(), DEFAULT_LISTEN_ADDR);
        assert_eq!(config.base_url.as_str(), "http://127.0.0.1:8080/");
        assert!(!config.is_https());
        assert_eq!(config.log_format, LogFormat::Pretty);
    }

    #[test]
    fn a_listen_address_without_port_is_refused_naming_the_variable() {
        let err = config_with(&[("LISTEN_ADDR", "localhost")]).unwrap_err();
        assert_eq!(err.variable, "LISTEN_ADDR");
        assert!(err.to_string().contains("LISTEN_ADDR"));
    }

    #[test]
    fn a_database_url_of_another_kind_is_refused() {
        let err = config_with(&[("DATABASE_URL", "mysql://root@localhost/x")]).unwrap_err();
        assert_eq!(err.variable, "DATABASE_URL");
    }

    #[test]
    fn a_database_url_without_database_name_is_refused() {
        let err =
            config_with(&[("DATABASE_URL", "postgres://postgres@127.0.0.1:5432")]).unwrap_err();
        assert_eq!(err.variable, "DATABASE_URL");
    }

    #[test]
    fn an_https_base_url_switches_on_tls_behaviour() {
        let config = config_with(&[("BASE_URL", "https://mijn.rgs.example")]).unwrap();
        assert!(config.is_https());
        assert_eq!(config.origin(), "https://mijn.rgs.example");
    }

    #[test]
    fn numbers_out_of_range_are_refused() {
        let err = config_with(&[("REQUEST_TIMEOUT_SECS", "0")]).unwrap_err();
        assert_eq!(err.variable, "REQUEST_TIMEOUT_SECS");
        let err = config_with(&[("DATABASE_MAX_CONNECTIONS", "veel")]).unwrap_err();
        assert_eq!(err.variable, "DATABASE_MAX_CONNECTIONS");
    }

    #[test]
    fn production_requires_a_secret_key_and_https() {
        let err =
            config_with(&[("APP_ENV", "production"), ("BASE_URL", "https://x.nl")]).unwrap_err();
        assert_eq!(err.variable, "SECRET_KEY");
        let key = "ab".repeat(32);
        let err = config_with(&[("APP_ENV", "production"), ("SECRET_KEY", &key)]).unwrap_err();
        assert_eq!(err.variable, "BASE_URL");
        let err = config_with(&[
            ("APP_ENV", "production"),
            ("SECRET_KEY", &key),
            ("BASE_URL", "https://x.nl"),
        ])
        .unwrap_err();
        assert_eq!(err.variable, "PAYMENT_PROVIDER");
        let config = config_with(&[
            ("APP_ENV", "production"),
            ("SECRET_KEY", &key),
            ("BASE_URL", "https://x.nl"),
            ("PAYMENT_PROVIDER", "mollie"),
            ("MOLLIE_API_KEY", "live_abcdefghijklmnopqrstuvwxyz1234"),
        ])
        .unwrap();
        assert_eq!(config.secret_key.0, [0xab; 32]);
        assert!(
            !format!("{config:?}").contains("live_abc"),
            "nor the Mollie key"
        );
        assert!(
            !format!("{config:?}").contains("171"),
            "the key never shows in Debug"
        );
    }

    #[test]
    fn payments_go_to_the_test_provider_unless_mollie_is_configured_with_a_key() {
        assert_eq!(config_with(&[]).unwrap().payment, PaymentConfig::Test);
        let err = config_with(&[("PAYMENT_PROVIDER", "mollie")]).unwrap_err();
        assert_eq!(err.variable, "MOLLIE_API_KEY");
        let err = config_with(&[("PAYMENT_PROVIDER", "ideal")]).unwrap_err();
        assert_eq!(err.variable, "PAYMENT_PROVIDER");
        let config = config_with(&[
            ("PAYMENT_PROVIDER", "mollie"),
            ("MOLLIE_API_KEY", "test_abc"),
            ("MOLLIE_API_URL", "http://127.0.0.1:9999/"),
        ])
        .unwrap();
        assert_eq!(
            config.payment,
            PaymentConfig::Mollie {
                api_url: "http://127.0.0.1:9999".to_owned(),
                api_key: "test_abc".to_owned()
            }
        );
    }

    #[test]
    fn a_malformed_secret_key_is_refused_without_echoing_it() {
        let err = config_with(&[("SECRET_KEY", "geheim")]).unwrap_err();
        assert_eq!(err.variable, "SECRET_KEY");
        assert!(!err.to_string().contains("geheim"));
    }

    #[test]
    fn mail_goes_to_files_unless_smtp_is_configured() {
        let config = config_with(&[]).unwrap();
        assert_eq!(
            config.mail.transport,
            MailTransport::Files(PathBuf::from("mail"))
        );
        let config = config_with(&[("SMTP_URL", "smtp://mailpit:1025")]).unwrap();
        assert_eq!(
            config.mail.transport,
            MailTransport::Smtp("smtp://mailpit:1025".into())
        );
        let err = config_with(&[("SMTP_URL", "http://x")]).unwrap_err();
        assert_eq!(err.variable, "SMTP_URL");
    }

    #[test]
    fn an_unknown_log_format_is_refused() {
        let err = config_with(&[("LOG_FORMAT", "xml")]).unwrap_err();
        assert_eq!(err.variable, "LOG_FORMAT");
    }
}
