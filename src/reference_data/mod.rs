//! Reference data (docs/domain/reference-data.md): specialties with their parts and
//! recognitions, institutions, institutes, interruption types and fees.
//!
//! - `lookup`: what every feature reads (a specialty's rules, the interruption types).
//! - `upkeep`: the back office's changes, each with its audit record.
//! - `pages`: the back office's pages for it, generic over a [`pages::Kind`];
//! - `kinds`: the four kinds whose pages are the same (institutions, institutes, interruption
//!   types, fees);
//! - `specialty_pages`: the specialties' own pages (their parts and recognitions).

pub mod kinds;
pub mod lookup;
pub mod pages;
pub mod specialty_pages;
pub mod upkeep;

pub use pages::router;
