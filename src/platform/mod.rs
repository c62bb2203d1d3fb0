//! The plumbing every feature shares and none owns: configuration, the database pool and
//! migrations, the clock, the typed ids of the main records, the audit trail, the mail outbox and its transport, the job queue,
//! PDF rendering, and the application state that carries them.

pub mod audit;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod ids;
pub mod jobs;
pub mod mail;
pub mod payment_providers;
pub mod pdf;
pub mod state;
