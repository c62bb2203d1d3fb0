//! Who is asking: password hashing, the second factor, random tokens and sealed secrets, the
//! login session in PostgreSQL and the user with their roles. The extractors with which a page
//! requires a login or a role are in `web::current_user`; the login steps in `accounts`.

pub mod backend;
pub mod password;
pub mod secrets;
pub mod session_store;
pub mod totp;
pub mod user;
