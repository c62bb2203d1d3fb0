//! Spawning the portal for a test, and the browser harness.

pub mod accounts;
pub mod browser;
pub mod database;
pub mod db_proxy;

use std::net::SocketAddr;

use std::sync::Arc;

use axum::Router;
use mijnrgs::platform::clock::{Clock, ManualClock};
use mijnrgs::platform::config::Config;
use mijnrgs::platform::mail::OutgoingEmail;
use mijnrgs::platform::state::AppState;
use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;
use tokio::net::TcpListener;

/// A running portal on `127.0.0.1:<random port>`.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
    /// A client that keeps cookies and does not follow redirects, so tests see each 303.
    pub client: reqwest::Client,
    /// The portal's state (database, mailer).
    pub state: AppState,
    /// The portal's clock, which tests move forward.
    pub clock: Arc<ManualClock>,
    /// The task that serves HTTP.
    server: tokio::task::AbortHandle,
}

impl Drop for TestApp {
    /// Stops the server and closes the portal's pool, so that no request or job of this test
    /// still runs against its database when the database is dropped.
    fn drop(&mut self) {
        self.server.abort();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let pool = self.state.db.clone();
            runtime.spawn(async move { pool.close().await });
        }
    }
}

/// A pool of one connection to `database`, with the portal's own settings otherwise (so tests
/// see how it hands out connections). A request that holds a connection while it waits for
/// another fails on it (after a short acquire timeout), where a larger pool would hide that
/// until enough such requests came at once to empty the pool.
pub fn one_connection_pool(database: PgConnectOptions) -> PgPool {
    mijnrgs::platform::db::pool_options(1)
        .acquire_timeout(std::time::Duration::from_secs(2))
        .connect_lazy_with(database)
}

impl TestApp {
    /// The portal with its own routes on `pool`.
    pub async fn spawn(pool: PgPool) -> Self {
        Self::spawn_with(pool, mijnrgs::router::router(), &[]).await
    }

    /// The portal serving `routes` under the portal's middleware, with extra configuration.
    pub async fn spawn_with(
        pool: PgPool,
        routes: Router<AppState>,
        settings: &[(&str, &str)],
    ) -> Self {
        // Errors the portal logs show with a failing test's output (RUST_LOG for more).
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_test_writer()
            .try_init();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a port");
        let addr = listener.local_addr().expect("local address");
        let base = format!("http://{addr}");
        let settings: Vec<(String, String)> = settings
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        let base_for_config = base.clone();
        let config = Config::from_lookup(move |name| {
            settings
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .or_else(|| match name {
                    "BASE_URL" => Some(base_for_config.clone()),
                    "SMTP_URL" => Some("memory".to_owned()),
                    _ => None,
                })
        })
        .expect("test configuration is valid");
        let clock = Arc::new(ManualClock::new(chrono::Utc::now()));
        // Every test's portal runs on one connection: a request (or job) that holds a
        // connection while it waits for another would wait for ever on it, and fail.
        let pool = one_connection_pool(pool.connect_options().as_ref().clone());
        let state = AppState::with_clock(pool, config, clock.clone()).expect("state");
        let app = mijnrgs::with_middleware(routes, state.clone());
        let server = tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .expect("test server runs");
        })
        .abort_handle();
        Self {
            base,
            client: new_client(),
            state,
            clock,
            server,
        }
    }

    /// A second browser, with its own cookies.
    pub fn new_client(&self) -> reqwest::Client {
        new_client()
    }

    /// Sends the mail that is due and returns everything sent so far.
    pub async fn sent_emails(&self) -> Vec<OutgoingEmail> {
        self.deliver_mail().await;
        self.state.mailer.sent()
    }

    /// Runs the mail worker once at the clock's now; returns how many mails it sent.
    pub async fn deliver_mail(&self) -> usize {
        mijnrgs::platform::mail::deliver_due(
            &self.state.db,
            &self.state.mailer,
            &self.state.config.mail.from,
            self.clock.now(),
        )
        .await
        .expect("deliver mail")
    }

    /// POSTs a form with `client`.
    pub async fn post_form_with(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        client
            .post(self.url(path))
            .form(fields)
            .send()
            .await
            .expect("POST request")
    }

    /// POSTs a form with the default client.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.post_form_with(&self.client, path, fields).await
    }

    /// The body of the page at `path`, fetched with `client`.
    pub async fn page_with(&self, client: &reqwest::Client, path: &str) -> String {
        client
            .get(self.url(path))
            .send()
            .await
            .expect("GET request")
            .text()
            .await
            .expect("page body")
    }

    /// The absolute URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GET `path`.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("GET request")
    }
}

fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

/// The `Location` of a redirect.
pub fn location(response: &reqwest::Response) -> &str {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// A pool that cannot reach any database: connecting is refused at once.
pub fn unreachable_pool() -> PgPool {
    let url = url::Url::parse("postgres://postgres@127.0.0.1:1/nergens").expect("url");
    mijnrgs::platform::db::connect_lazy(&url, 1).expect("lazy pool")
}
