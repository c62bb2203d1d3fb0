//! The PostgreSQL connection: creating the database on first start, the pool and migrations.

use std::time::Duration;

use rules::code::Coded;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};
use url::Url;

/// The migrations in `migrations/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// Creates the database named in `database_url` when it does not exist yet, by connecting to the
/// server's `postgres` maintenance database. Returns whether it was created.
pub async fn ensure_database_exists(database_url: &Url) -> Result<bool, sqlx::Error> {
    let name = database_name(database_url);
    let mut maintenance_url = database_url.clone();
    maintenance_url.set_path("/postgres");
    let options: PgConnectOptions = maintenance_url.as_str().parse()?;
    let mut conn = PgConnection::connect_with(&options.disable_statement_logging()).await?;

    let exists: bool = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1) AS "exists!""#,
        &name,
    )
    .fetch_one(&mut conn)
    .await?;
    if exists {
        conn.close().await?;
        return Ok(false);
    }
    // CREATE DATABASE takes no bind parameters; the name is quoted as an identifier.
    let created = sqlx::query(&format!("CREATE DATABASE {}", quote_identifier(&name)))
        .execute(&mut conn)
        .await;
    conn.close().await?;
    match created {
        Ok(_) => Ok(true),
        // Another instance started at the same moment and won the race.
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => Ok(false),
        Err(e) => Err(e),
    }
}

/// Opens the connection pool.
pub async fn connect(database_url: &Url, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    pool_options(max_connections)
        .connect(database_url.as_str())
        .await
}

/// A pool that connects on first use; used where the database may be down at start.
pub fn connect_lazy(database_url: &Url, max_connections: u32) -> Result<PgPool, sqlx::Error> {
    pool_options(max_connections).connect_lazy(database_url.as_str())
}

/// A pooled connection unused for this long is checked (one round trip) before it is handed
/// out, so one that broke while it waited (the database restarted) is replaced instead of
/// failing a request.
pub const CHECK_AFTER_IDLE: Duration = Duration::from_secs(1);

/// How the pool hands out connections.
///
/// sqlx checks every connection before handing it out by default: a round trip to the
/// database on every acquire, several per page, as many as the page's own statements. A
/// connection coming back to the pool is checked anyway (sqlx always does that), so only one
/// that waited in the pool for [`CHECK_AFTER_IDLE`] is checked again before use; under load a
/// connection waits microseconds and goes straight to work.
pub fn pool_options(max_connections: u32) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for >= CHECK_AFTER_IDLE {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
}

/// Applies every migration that has not run yet. Running it again is a no-op.
pub async fn migrate(pool: &PgPool) -> Result<(), sqlx::migrate::MigrateError> {
    MIGRATOR.run(pool).await
}

/// The database name in a connection URL.
pub fn database_name(database_url: &Url) -> String {
    database_url.path().trim_start_matches('/').to_owned()
}

fn quote_identifier(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `text` with the LIKE wildcards (`%`, `_` and the escape `\`) taken literally.
pub fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// A LIKE pattern that matches any text containing `text` (trimmed), taken literally.
pub fn contains_pattern(text: &str) -> String {
    format!("%{}%", escape_like(text.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_quoted_so_a_name_cannot_break_out() {
        assert_eq!(quote_identifier("mijnrgs"), "\"mijnrgs\"");
        assert_eq!(quote_identifier("a\"; DROP"), "\"a\"\"; DROP\"");
    }

    #[test]
    fn the_database_name_is_the_path_of_the_url() {
        let url = Url::parse("postgres://postgres@127.0.0.1:5432/mijnrgs").unwrap();
        assert_eq!(database_name(&url), "mijnrgs");
    }
}

/// A [`Coded`] value as the database stores it: its code, as `text` (docs/architecture.md,
/// "Typed states"). A statement reads a status column as `status AS "status: Stored<T>"`, so a
/// row carries the enum, and a code the rules do not know fails the statement when it is read.
/// Binds pass the code itself (`status.code()`). A JSON list decodes it the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stored<T>(pub T);

impl<T: Coded> sqlx::Type<sqlx::Postgres> for Stored<T> {
    fn type_info() -> sqlx::postgres::PgTypeInfo {
        <&str as sqlx::Type<sqlx::Postgres>>::type_info()
    }

    fn compatible(ty: &sqlx::postgres::PgTypeInfo) -> bool {
        <&str as sqlx::Type<sqlx::Postgres>>::compatible(ty)
    }
}

impl<T: Coded> sqlx::postgres::PgHasArrayType for Stored<T> {
    fn array_type_info() -> sqlx::postgres::PgTypeInfo {
        <&str as sqlx::postgres::PgHasArrayType>::array_type_info()
    }
}

impl<'r, T: Coded> sqlx::Decode<'r, sqlx::Postgres> for Stored<T> {
    fn decode(value: sqlx::postgres::PgValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
        let code = <&str as sqlx::Decode<sqlx::Postgres>>::decode(value)?;
        T::from_code(code)
            .map(Stored)
            .ok_or_else(|| format!("unknown code {code:?}").into())
    }
}

impl<T: Coded> sqlx::Encode<'_, sqlx::Postgres> for Stored<T> {
    fn encode_by_ref(
        &self,
        buf: &mut sqlx::postgres::PgArgumentBuffer,
    ) -> Result<sqlx::encode::IsNull, sqlx::error::BoxDynError> {
        <&str as sqlx::Encode<sqlx::Postgres>>::encode(self.0.code(), buf)
    }
}

impl<'de, T: Coded> serde::Deserialize<'de> for Stored<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let code = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        T::from_code(&code)
            .map(Stored)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown code {code:?}")))
    }
}

/// Reads a [`Coded`] value from its code in JSON, for a field that holds the value itself:
/// `#[serde(deserialize_with = "crate::platform::db::coded")]`.
pub fn coded<'de, D: serde::Deserializer<'de>, T: Coded>(deserializer: D) -> Result<T, D::Error> {
    <Stored<T> as serde::Deserialize>::deserialize(deserializer).map(|stored| stored.0)
}
