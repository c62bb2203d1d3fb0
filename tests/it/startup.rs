//! The `mijnrgs` binary itself: creating its database, printing the URL, refusing bad
//! configuration, and stopping cleanly on SIGTERM and SIGINT.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::{Connection, PgConnection};

const BINARY: &str = env!("CARGO_BIN_EXE_mijnrgs");

fn server_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| mijnrgs::platform::config::DEFAULT_DATABASE_URL.into())
}

/// A database name no other test uses, on the test server.
fn fresh_database_url() -> (String, String) {
    let name = format!("mijnrgs_start_{}", uuid::Uuid::new_v4().simple());
    let mut url = url::Url::parse(&server_url()).unwrap();
    url.set_path(&format!("/{name}"));
    (name, url.to_string())
}

async fn drop_database(name: &str) {
    let mut url = url::Url::parse(&server_url()).unwrap();
    url.set_path("/postgres");
    let mut conn = PgConnection::connect(url.as_str()).await.unwrap();
    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut conn)
        .await
        .unwrap();
}

async fn database_exists(name: &str) -> bool {
    let mut url = url::Url::parse(&server_url()).unwrap();
    url.set_path("/postgres");
    let mut conn = PgConnection::connect(url.as_str()).await.unwrap();
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(name)
        .fetch_one(&mut conn)
        .await
        .unwrap()
}

/// Starts `mijnrgs serve --demo-data` on a free port and returns the process and the URL it
/// printed.
fn start_server(database_url: &str) -> (Child, String) {
    let mut child = Command::new(BINARY)
        .args(["serve", "--demo-data"])
        .env("DATABASE_URL", database_url)
        .env("LISTEN_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start mijnrgs");
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let line = lines
        .next()
        .expect("the server prints where it runs")
        .unwrap();
    let url = line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_owned();
    (child, url)
}

fn send_signal(child: &Child, signal: &str) {
    let status = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

fn wait_for_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "the server did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
}

async fn serves_pages_then_stops_cleanly_on(signal: &str) {
    let (name, database_url) = fresh_database_url();
    assert!(!database_exists(&name).await);

    let (mut child, url) = start_server(&database_url);
    assert!(
        database_exists(&name).await,
        "the server created its database"
    );
    let home = reqwest::get(&url).await.unwrap();
    assert_eq!(home.status(), 200);
    assert!(home.text().await.unwrap().contains("Voor wie is MijnRGS?"));
    let ready = reqwest::get(format!("{url}readyz")).await.unwrap();
    assert_eq!(ready.status(), 200);

    send_signal(&child, signal);
    let status = wait_for_exit(&mut child);
    drop_database(&name).await;
    assert!(status.success(), "exit status after {signal}: {status}");
}

#[tokio::test]
async fn the_server_creates_its_database_prints_its_url_and_stops_cleanly_on_sigterm() {
    serves_pages_then_stops_cleanly_on("-TERM").await;
}

#[tokio::test]
async fn the_server_stops_cleanly_on_sigint() {
    serves_pages_then_stops_cleanly_on("-INT").await;
}

#[tokio::test]
async fn the_server_fills_a_new_database_with_demo_data() {
    let (name, database_url) = fresh_database_url();
    let (mut child, _url) = start_server(&database_url);
    send_signal(&child, "-TERM");
    wait_for_exit(&mut child);

    let mut conn = PgConnection::connect(&database_url).await.unwrap();
    let institutions: i64 = sqlx::query_scalar("SELECT count(*) FROM institutions")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    drop_database(&name).await;
    assert!(institutions > 20);
}

#[test]
fn a_bad_configuration_value_stops_start_up_with_one_sentence_naming_the_variable() {
    let output = Command::new(BINARY)
        .arg("serve")
        .env("LISTEN_ADDR", "ergens")
        .output()
        .expect("run mijnrgs");
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("LISTEN_ADDR"), "{stderr}");
    assert!(stderr.contains("ergens"), "{stderr}");
}

#[tokio::test]
async fn on_sigterm_a_request_in_flight_completes_no_new_one_is_taken_and_the_exit_is_clean() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let (name, database_url) = fresh_database_url();
    let (mut child, url) = start_server(&database_url);
    let address = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_owned();

    // A login whose body is still on its way when the signal comes.
    let body = "gebruikersnaam=demo.aios&wachtwoord=niet+het+goede+wachtwoord";
    let (first, rest) = body.split_at(20);
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /inloggen HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(first.as_bytes()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    send_signal(&child, "-TERM");
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "the server waits for the request in flight"
    );
    assert!(
        tokio::net::TcpStream::connect(&address).await.is_err(),
        "no new connection is taken while stopping"
    );

    stream.write_all(rest.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let status = wait_for_exit(&mut child);
    drop_database(&name).await;
    let status_line = answer.lines().next().unwrap_or("");
    assert!(
        status_line.starts_with("HTTP/1.1 4") || status_line.starts_with("HTTP/1.1 3"),
        "the request in flight got its answer: {status_line:?}"
    );
    assert!(answer.contains("lang=\"nl\""), "with its page");
    assert!(status.success(), "exit status after SIGTERM: {status}");
}
