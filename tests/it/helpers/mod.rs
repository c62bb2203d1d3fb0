//! Spawning the portal for a test, and the browser harness.

pub mod browser;

use std::net::SocketAddr;

use axum::Router;
use mijnrgs::config::Config;
use mijnrgs::state::AppState;
use sqlx::PgPool;
use tokio::net::TcpListener;

/// A running portal on `127.0.0.1:<random port>`.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base: String,
    /// A client that keeps cookies and does not follow redirects, so tests see each 303.
    pub client: reqwest::Client,
}

impl TestApp {
    /// The portal with its own routes on `pool`.
    pub async fn spawn(pool: PgPool) -> Self {
        Self::spawn_with(pool, mijnrgs::routes::router(), &[]).await
    }

    /// The portal serving `routes` under the portal's middleware, with extra configuration.
    pub async fn spawn_with(
        pool: PgPool,
        routes: Router<AppState>,
        settings: &[(&str, &str)],
    ) -> Self {
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
                .or_else(|| (name == "BASE_URL").then(|| base_for_config.clone()))
        })
        .expect("test configuration is valid");
        let state = AppState::new(pool, config);
        let app = mijnrgs::with_middleware(routes, state);
        tokio::spawn(async move {
            axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await
            .expect("test server runs");
        });
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("http client");
        Self { base, client }
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

/// A pool that cannot reach any database: connecting is refused at once.
pub fn unreachable_pool() -> PgPool {
    let url = url::Url::parse("postgres://postgres@127.0.0.1:1/nergens").expect("url");
    mijnrgs::db::connect_lazy(&url, 1).expect("lazy pool")
}
