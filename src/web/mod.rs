//! What every page shares: the layout, flash messages, form errors, security headers, error
//! pages and static assets.

pub mod error_pages;
pub mod flash;
pub mod form;
pub mod headers;
pub mod layout;
pub mod request_meta;
pub mod schedule_view;
pub mod shortening_view;
pub mod static_files;
