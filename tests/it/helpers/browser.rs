//! A real headless Chromium, driven through chromedriver, with axe-core for accessibility.
//!
//! Each test starts its own chromedriver on a free port and its own browser with a fresh
//! profile, so tests stay independent when they run in parallel.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use thirtyfour::prelude::*;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";
const AXE_SOURCE: &str = include_str!("../../vendor/axe-core/axe.min.js");

/// A browser session; quits the browser and stops chromedriver when dropped or closed.
pub struct Browser {
    pub driver: WebDriver,
    chromedriver: Child,
}

impl Browser {
    /// Starts chromedriver and a headless Chromium.
    pub async fn start() -> Self {
        assert!(
            std::path::Path::new(CHROMEDRIVER).exists() && std::path::Path::new(CHROMIUM).exists(),
            "browser tests need Debian's chromium and chromium-driver: \
             apt-get install chromium chromium-driver"
        );
        let port = free_port();
        let chromedriver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let server = format!("http://127.0.0.1:{port}");
        wait_for_port(port).await;

        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(CHROMIUM).expect("binary");
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            "--window-size=1280,900",
        ] {
            caps.add_arg(arg).expect("argument");
        }
        let driver = WebDriver::new(server, caps)
            .await
            .expect("start a Chromium session");
        Self {
            driver,
            chromedriver,
        }
    }

    /// Runs axe-core on the current page with the WCAG 2.1 A and AA rules and returns the
    /// violations as "rule: description (n elements)" lines, empty when there are none.
    pub async fn axe_violations(&self) -> Vec<String> {
        self.driver
            .execute(AXE_SOURCE, Vec::new())
            .await
            .expect("inject axe-core");
        let result = self
            .driver
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   axe.run(document, { runOnly: { type: 'tag',
                       values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
                     .then(r => done(r.violations))
                     .catch(e => done([{ id: 'axe-error', description: String(e), nodes: [] }]));"#,
                Vec::new(),
            )
            .await
            .expect("run axe-core");
        let violations = result.json().as_array().cloned().unwrap_or_default();
        violations
            .iter()
            .map(|v: &Value| {
                let targets: Vec<String> = v["nodes"]
                    .as_array()
                    .map(|nodes| nodes.iter().map(|n| n["target"].to_string()).collect())
                    .unwrap_or_default();
                format!(
                    "{}: {} ({})",
                    v["id"].as_str().unwrap_or("?"),
                    v["description"].as_str().unwrap_or("?"),
                    targets.join(", ")
                )
            })
            .collect()
    }

    /// Quits the browser and stops chromedriver.
    pub async fn close(mut self) {
        let _ = self.driver.clone().quit().await;
        let _ = self.chromedriver.kill();
        let _ = self.chromedriver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.chromedriver.kill();
        let _ = self.chromedriver.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn wait_for_port(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not start listening on port {port}");
}

impl Browser {
    /// Opens `url` and fails the test with the violations when axe-core finds any.
    pub async fn open_and_check(&self, url: &str) {
        self.driver.goto(url).await.expect("open page");
        self.assert_accessible().await;
    }

    /// Fails the test with the violations when axe-core finds any on the current page.
    pub async fn assert_accessible(&self) {
        let violations = self.axe_violations().await;
        let url = self
            .driver
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        assert!(
            violations.is_empty(),
            "axe-core on {url}:\n  {}",
            violations.join("\n  ")
        );
    }

    /// Types `text` into the field with id `id`.
    pub async fn fill(&self, id: &str, text: &str) {
        let field = self.driver.find(By::Id(id)).await.expect("field");
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    /// Chooses the option with this visible text in the select list with id `id`.
    pub async fn choose(&self, id: &str, text: &str) {
        let select = self.driver.find(By::Id(id)).await.expect("select list");
        thirtyfour::components::SelectElement::new(&select)
            .await
            .expect("a select element")
            .select_by_visible_text(text)
            .await
            .unwrap_or_else(|e| panic!("option {text:?} in {id}: {e}"));
    }

    /// Ticks the radio button or checkbox with id `id`.
    pub async fn check(&self, id: &str) {
        self.driver
            .find(By::Id(id))
            .await
            .unwrap_or_else(|e| panic!("#{id}: {e}"))
            .click()
            .await
            .expect("click");
    }

    /// Clicks the button with this exact text and waits until the next page has loaded.
    pub async fn submit(&self, text: &str) {
        self.driver
            .execute("window.__vorigePagina = true;", Vec::new())
            .await
            .expect("mark page");
        self.click_button(text).await;
        self.wait_for_new_page().await;
    }

    /// Clicks the element with id `id` and waits until the next page has loaded.
    pub async fn press(&self, id: &str) {
        self.driver
            .execute("window.__vorigePagina = true;", Vec::new())
            .await
            .expect("mark page");
        self.driver
            .find(By::Id(id))
            .await
            .unwrap_or_else(|e| panic!("#{id}: {e}"))
            .click()
            .await
            .expect("click");
        self.wait_for_new_page().await;
    }

    /// Clicks the link with this exact text and waits until the next page has loaded.
    pub async fn follow(&self, text: &str) {
        self.driver
            .execute("window.__vorigePagina = true;", Vec::new())
            .await
            .expect("mark page");
        self.driver
            .find(By::LinkText(text))
            .await
            .expect("link")
            .click()
            .await
            .expect("click");
        self.wait_for_new_page().await;
    }

    async fn wait_for_new_page(&self) {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let loaded = self
                .driver
                .execute(
                    "return window.__vorigePagina !== true && document.readyState === 'complete';",
                    Vec::new(),
                )
                .await
                .map(|r| r.json().as_bool() == Some(true))
                .unwrap_or(false);
            if loaded {
                return;
            }
            assert!(Instant::now() < deadline, "the next page did not load");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// On the page "Controleer uw besluit" that `expected` (the decision restated) is on:
    /// confirms with `button` and arrives at the confirmation page titled `done`, checking
    /// both pages with axe-core.
    pub async fn confirm_decision(&self, expected: &str, button: &str, done: &str) {
        let html = self.html().await;
        assert!(html.contains("<h1>Controleer uw besluit</h1>"), "{html}");
        assert!(html.contains(expected), "{expected} in {html}");
        self.assert_accessible().await;
        self.submit(button).await;
        assert_eq!(self.path().await, "/vastgelegd");
        let html = self.html().await;
        assert!(
            html.contains(&format!("<h1>{done}</h1>")),
            "{done} in {html}"
        );
        self.assert_accessible().await;
    }

    /// Clicks the first shown button with this exact text (without waiting for a page): the
    /// header has two menus, one of them hidden at any width.
    pub async fn click_button(&self, text: &str) {
        let buttons = self
            .driver
            .find_all(By::XPath(format!("//button[normalize-space()='{text}']")))
            .await
            .expect("buttons");
        for button in buttons {
            if button.is_displayed().await.unwrap_or(false) {
                button.click().await.expect("click");
                return;
            }
        }
        panic!("no button {text:?} is shown");
    }

    /// The path of the current page.
    pub async fn path(&self) -> String {
        let url = self.driver.current_url().await.expect("url");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// The page's HTML.
    pub async fn html(&self) -> String {
        self.driver.source().await.expect("page source")
    }
}

/// Logging in and out, clicking what the plain helpers above cannot name, and fetching a
/// download, for the journey tests.
impl Browser {
    /// On the authenticator page of a first login: reads the secret, enters its code at the
    /// clock's now, passes the recovery codes and arrives at the start page, checking every
    /// page with axe-core. Returns the secret.
    pub async fn enrol_authenticator(&self, app: &super::TestApp) -> Vec<u8> {
        assert_eq!(self.path().await, "/inloggen/authenticator");
        self.assert_accessible().await;
        let secret = super::accounts::secret_from_page(&self.html().await);
        let code = mijnrgs::platform::auth::totp::code_at(
            &secret,
            mijnrgs::platform::clock::Clock::now(&*app.clock),
        );
        self.fill("code", &code).await;
        self.submit("Koppelen").await;
        assert_eq!(self.path().await, "/inloggen/herstelcodes");
        self.assert_accessible().await;
        self.follow("Ik heb de codes bewaard, ga verder").await;
        assert_eq!(self.path().await, "/start");
        secret
    }

    /// Logs `username` in through the login pages (the current page when it is the login
    /// page, else `/inloggen`), with the authenticator's code of a fresh time step (the clock
    /// moves 30 s first: a code is accepted once). Checks every page with axe-core and ends on
    /// `/account`.
    pub async fn log_in(
        &self,
        app: &super::TestApp,
        username: &str,
        password: &str,
        secret: &[u8],
    ) {
        use mijnrgs::platform::clock::Clock;
        app.clock.advance(chrono::Duration::seconds(30));
        // On the login page a page asked for sent us to, the login ends on that page.
        let here = self.path().await;
        let back = here.strip_prefix("/inloggen?").and_then(|query| {
            url::form_urlencoded::parse(query.as_bytes())
                .find(|(key, _)| key == "terug")
                .map(|(_, value)| value.into_owned())
        });
        if here != "/inloggen" && back.is_none() {
            self.driver
                .goto(app.url("/inloggen"))
                .await
                .expect("open the login page");
        }
        self.assert_accessible().await;
        self.fill("gebruikersnaam", username).await;
        self.fill("wachtwoord", password).await;
        self.submit("Inloggen").await;
        assert_eq!(
            self.path().await,
            "/inloggen/code",
            "{username}: password step"
        );
        self.assert_accessible().await;
        let code = mijnrgs::platform::auth::totp::code_at(secret, app.clock.now());
        self.fill("code", &code).await;
        self.submit("Controleren").await;
        assert_eq!(
            self.path().await,
            back.as_deref().unwrap_or("/start"),
            "{username}: code step"
        );
        self.assert_accessible().await;
    }

    /// Logs a demo account in with the demo password and the demo authenticator's code.
    pub async fn log_in_demo(&self, app: &super::TestApp, username: &str) {
        let secret = totp_rs::Secret::try_from_base32(mijnrgs::seed::DEMO_TOTP_SECRET)
            .expect("the demo secret is base32");
        self.log_in(
            app,
            username,
            mijnrgs::seed::DEMO_PASSWORD,
            secret.as_bytes(),
        )
        .await;
    }

    /// Clicks "Uitloggen" in the header (on a narrow screen after opening its menu) and checks
    /// the page that follows.
    pub async fn log_out(&self) {
        if let Ok(toggle) = self.driver.find(By::ClassName("nav-menu__toggle")).await
            && toggle.is_displayed().await.unwrap_or(false)
        {
            toggle.click().await.expect("open the menu");
        }
        self.submit("Uitloggen").await;
        assert_eq!(self.path().await, "/uitgelogd");
        self.assert_accessible().await;
    }

    /// Clicks the element found `by` and waits until the next page has loaded.
    pub async fn press_by(&self, by: By) {
        self.driver
            .execute("window.__vorigePagina = true;", Vec::new())
            .await
            .expect("mark page");
        self.driver
            .find(by.clone())
            .await
            .unwrap_or_else(|e| panic!("{by:?}: {e}"))
            .click()
            .await
            .expect("click");
        self.wait_for_new_page().await;
    }

    /// The `href` of the first link whose address contains `part`.
    pub async fn href_containing(&self, part: &str) -> String {
        self.driver
            .find(By::XPath(format!("//a[contains(@href, '{part}')]")))
            .await
            .unwrap_or_else(|e| panic!("a link to {part}: {e}"))
            .attr("href")
            .await
            .expect("href")
            .expect("the link has an href")
    }

    /// Fetches `url` from the current page with the browser's own cookies (as a download
    /// would); returns the status and the body as text.
    pub async fn fetch_text(&self, url: &str) -> (u16, String) {
        let result = self
            .driver
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   fetch(arguments[0], { credentials: 'same-origin' })
                     .then(r => r.text().then(t => done([r.status, t])))
                     .catch(e => done([0, String(e)]));"#,
                vec![Value::String(url.to_owned())],
            )
            .await
            .expect("fetch from the page");
        let answer = result.json();
        (
            answer[0]
                .as_u64()
                .and_then(|s| u16::try_from(s).ok())
                .unwrap_or(0),
            answer[1].as_str().unwrap_or_default().to_owned(),
        )
    }
}
