//! Reports (docs/domain/reports.md): the contactpersoon's register report of their institution,
//! on screen and as CSV, XLSX and PDF.

pub mod pages;
pub mod register_report;
pub mod waiting;

pub use pages::router;
