//! Domain types, invariants and rules. Pure: no I/O, and the time is always passed in.

pub mod account;
pub mod decision;
pub mod intervention;
pub mod lockout;
pub mod money;
pub mod payment;
pub mod person;
pub mod reference_data;
pub mod register_entry;
pub mod report;
pub mod reregistration;
pub mod schedule;
pub mod shortening;
pub mod training;
