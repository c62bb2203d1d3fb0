//! Who is asking: passwords, the second factor, single-use links, the login session and the
//! current user with their roles.

pub mod backend;
pub mod current_user;
pub mod password;
pub mod secrets;
pub mod session_store;
pub mod totp;
