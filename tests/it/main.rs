//! The integration tests: each test spawns the real portal on a random port against its own
//! fresh PostgreSQL database (`#[sqlx::test]`), and talks to it over HTTP or through a real
//! headless browser.

mod helpers;

mod account_requests;
mod accounts;
mod browser;
mod database;
mod errors;
mod health;
mod login;
mod passwords;
mod public_pages;
mod reference;
mod roles;
mod security;
mod startup;
