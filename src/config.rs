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
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines for a terminal.
    Pretty,
    /// One JSON object per line, for log shipping (SEC-LOG-07).
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

        Ok(Self {
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

    /// The origin (scheme, host, port) of the base URL, as browsers send it in `Origin`.
    pub fn origin(&self) -> String {
        self.base_url.origin().ascii_serialization()
    }
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
    fn an_unknown_log_format_is_refused() {
        let err = config_with(&[("LOG_FORMAT", "xml")]).unwrap_err();
        assert_eq!(err.variable, "LOG_FORMAT");
    }
}
