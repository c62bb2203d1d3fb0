//! The rules of MijnRGS (docs/domain/README.md): domain types, invariants and decisions as pure
//! functions. No I/O, and the time is always passed in. This crate depends on no database,
//! runtime, web framework or template engine, so purity is checked by the build
//! (docs/architecture.md): the portal asks these functions what a change leads to and stores
//! the answer.
//!
//! Where to start: [`schedule`] is the schedule rules engine; [`training`] holds the statuses
//! of a registration and its versions; [`decision`], [`shortening`] and [`intervention`] are the
//! decisions of the opleider and the RGS; [`reregistration`] the proposal for a herregistratie;
//! [`money`] and [`payment`] the fees and what a payment does.

pub mod account;
pub mod code;
pub mod decision;
pub mod intervention;
pub mod lockout;
pub mod money;
pub mod payment;
pub mod person;
pub mod reason;
pub mod reference_data;
pub mod register_entry;
pub mod report;
pub mod reregistration;
pub mod schedule;
pub mod shortening;
pub mod training;
