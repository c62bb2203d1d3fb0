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
