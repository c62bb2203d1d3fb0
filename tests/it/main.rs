//! The integration tests: each test spawns the real portal on a random port against its own
//! fresh PostgreSQL database (`helpers::database`: a clone of one migrated template), and
//! talks to it over HTTP or through a real headless browser.

mod helpers;

/// Each test's database is created through a connection to the database named by
/// `DATABASE_URL`, which on a fresh machine does not exist yet. The test binary creates it
/// before any test starts, the same way the portal does at start-up.
#[ctor::ctor(unsafe)]
fn the_database_of_database_url_exists() {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| mijnrgs::platform::config::DEFAULT_DATABASE_URL.to_owned());
    let Ok(url) = url::Url::parse(&url) else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the database set-up");
    // When PostgreSQL is unreachable, the tests themselves report it.
    let _ = runtime.block_on(mijnrgs::platform::db::ensure_database_exists(&url));
}

mod abuse;
mod account_requests;
mod accounts;
mod aios;
mod audit_log;
mod authorisation;
mod back_office;
mod bad_input;
mod browser;
mod database;
mod errors;
mod faults;
mod formula_injection;
mod handlers;
mod health;
mod invoices;
mod jobs;
mod journeys;
mod login;
mod passwords;
mod payments;
mod public_pages;
mod public_register;
mod queries;
mod reference;
mod reference_admin;
mod reflow;
mod registers;
mod reports;
mod roles;
mod schedule_check;
mod schedule_pages;
mod security;
mod session_connection;
mod shortenings;
mod start;
mod startup;
mod summaries;
mod supervision;
