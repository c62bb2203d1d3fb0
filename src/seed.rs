//! Demo data, so that a newcomer sees a working portal with one command.
//!
//! The seed is idempotent: every row has a natural key and is inserted with
//! `ON CONFLICT DO NOTHING`, so running it twice creates nothing twice. Later parts of the
//! portal add their demo rows (accounts for each role, trainings) to [`seed_demo`].

use sqlx::{PgPool, Postgres, Transaction};

/// Serialises concurrent seeding by several starting instances.
const SEED_LOCK_KEY: i64 = 0x4d69_6a6e_5247_5301;

/// What one run of the seed added.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    /// Institutions that were not there yet.
    pub institutions_added: u64,
}

/// Loads the demo data, adding only what is missing.
pub async fn seed_demo(pool: &PgPool) -> Result<SeedReport, sqlx::Error> {
    let mut tx = pool.begin().await?;
    lock(&mut tx).await?;
    let report = seed_in(&mut tx).await?;
    tx.commit().await?;
    Ok(report)
}

/// Loads the demo data only when this database never had it. Returns the report when it did.
pub async fn seed_demo_if_new(pool: &PgPool) -> Result<Option<SeedReport>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    lock(&mut tx).await?;
    let seeded_before: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM demo_seed_runs)")
        .fetch_one(&mut *tx)
        .await?;
    if seeded_before {
        return Ok(None);
    }
    let report = seed_in(&mut tx).await?;
    tx.commit().await?;
    Ok(Some(report))
}

async fn lock(tx: &mut Transaction<'_, Postgres>) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(SEED_LOCK_KEY)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn seed_in(tx: &mut Transaction<'_, Postgres>) -> Result<SeedReport, sqlx::Error> {
    let (names, rest): (Vec<&str>, Vec<(&str, &str)>) = INSTITUTIONS
        .iter()
        .map(|(name, city, kind)| (*name, (*city, *kind)))
        .unzip();
    let (cities, kinds): (Vec<&str>, Vec<&str>) = rest.into_iter().unzip();
    let institutions_added = sqlx::query(
        "INSERT INTO institutions (name, city, kind)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[])
         ON CONFLICT (name, city) DO NOTHING",
    )
    .bind(&names)
    .bind(&cities)
    .bind(&kinds)
    .execute(&mut **tx)
    .await?
    .rows_affected();

    sqlx::query("INSERT INTO demo_seed_runs DEFAULT VALUES")
        .execute(&mut **tx)
        .await?;
    Ok(SeedReport { institutions_added })
}

/// Dutch training institutions: (name, city, kind).
const INSTITUTIONS: &[(&str, &str, &str)] = &[
    ("Amsterdam UMC", "Amsterdam", "umc"),
    ("Erasmus MC", "Rotterdam", "umc"),
    ("Leids Universitair Medisch Centrum", "Leiden", "umc"),
    ("Maastricht UMC+", "Maastricht", "umc"),
    ("Radboudumc", "Nijmegen", "umc"),
    ("Universitair Medisch Centrum Groningen", "Groningen", "umc"),
    ("UMC Utrecht", "Utrecht", "umc"),
    ("OLVG", "Amsterdam", "ziekenhuis"),
    ("Spaarne Gasthuis", "Haarlem", "ziekenhuis"),
    ("Isala", "Zwolle", "ziekenhuis"),
    ("Catharina Ziekenhuis", "Eindhoven", "ziekenhuis"),
    ("Rijnstate", "Arnhem", "ziekenhuis"),
    ("Medisch Spectrum Twente", "Enschede", "ziekenhuis"),
    ("Jeroen Bosch Ziekenhuis", "'s-Hertogenbosch", "ziekenhuis"),
    ("St. Antonius Ziekenhuis", "Nieuwegein", "ziekenhuis"),
    ("Maasstad Ziekenhuis", "Rotterdam", "ziekenhuis"),
    ("Haaglanden Medisch Centrum", "Den Haag", "ziekenhuis"),
    ("Medisch Centrum Leeuwarden", "Leeuwarden", "ziekenhuis"),
    ("Amphia", "Breda", "ziekenhuis"),
    ("Zuyderland Medisch Centrum", "Heerlen", "ziekenhuis"),
    ("Gelre ziekenhuizen", "Apeldoorn", "ziekenhuis"),
    ("Martini Ziekenhuis", "Groningen", "ziekenhuis"),
    ("Huisartsenpraktijk De Linde", "Utrecht", "praktijk"),
    ("Gezondheidscentrum Oosterpoort", "Groningen", "praktijk"),
    ("Huisartsenpraktijk Het Anker", "Rotterdam", "praktijk"),
    ("Zorggroep Het Laar", "Tilburg", "instelling"),
    ("Ipse de Bruggen", "Zwammerdam", "instelling"),
    ("GGZ inGeest", "Amsterdam", "instelling"),
    ("Ziekenhuis Gelderse Vallei", "Ede", "ziekenhuis"),
];
