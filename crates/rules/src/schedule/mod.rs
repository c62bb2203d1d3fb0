//! The schedule rules engine (`docs/domain/schedule-rules.md`): given a training schedule and
//! the definition of its specialty, say exactly what is wrong, what is merely incomplete, and
//! when the training will end.
//!
//! Read in this order: [`months`] (how time is measured: exact months, exclusive end dates),
//! [`model`] (what a schedule holds), [`findings`] (what the engine can say), [`totals`] (how
//! much training the schedule holds, per part, and when it ends), [`check`] (the rules
//! themselves). The engine is pure: no database, no clock; today's date comes in with the
//! [`model::CheckContext`].

pub mod check;
pub mod diff;
pub mod findings;
pub mod model;
pub mod months;
pub mod totals;

#[cfg(test)]
mod cases;
#[cfg(test)]
mod properties;
