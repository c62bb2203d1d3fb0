//! Reference data (docs/domain/reference-data.md): specialties with their parts and
//! recognitions, institutions, institutes, interruption types and fees.
//!
//! - `lookup`: what every feature reads (a specialty's rules, the interruption types).
//! - `upkeep`: the back office's changes, each with its audit record.
//! - `routes`: the back office's routes for it and the index page;
//! - `pages`: the pages that are generic over a [`pages::Kind`];
//! - `kinds`: the four kinds whose pages are the same (institutions, institutes, interruption
//!   types, fees);
//! - `specialty_pages`: the specialties' own pages (their parts and recognitions).

pub mod kinds;
pub mod lookup;
pub mod pages;
pub mod routes;
pub mod specialty_pages;
pub mod upkeep;

pub use routes::router;
