//! Demo data, so that a newcomer sees a working portal with one command.
//!
//! The seed is idempotent: every row has a natural key and is inserted with
//! `ON CONFLICT DO NOTHING`, so running it twice creates nothing twice. `serve --demo-data`
//! runs it at every start, so a demo database made by an older version gets the demo rows
//! that were added since. Later parts of the portal add their demo rows to [`seed_demo`].

mod registers;
mod trainings;

use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use crate::platform::auth::password::PasswordHasher;
use crate::platform::auth::secrets;
use crate::platform::config::Config;
use crate::platform::ids::UserId;

/// Serialises concurrent seeding by several starting instances.
const SEED_LOCK_KEY: i64 = 0x4d69_6a6e_5247_5301;

/// The password of every demo account (listed in the README).
pub const DEMO_PASSWORD: &str = "demo wachtwoord voor iedereen";
/// The TOTP secret of every demo account, in base32 (listed in the README): add it to any
/// authenticator app to get the codes.
pub const DEMO_TOTP_SECRET: &str = "MIJNRGSDEMOTOTPGEHEIMVOORDEMOS23";

/// What one run of the seed added.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    /// Institutions that were not there yet.
    pub institutions_added: u64,
    /// Recognitions of institutions that were not there yet.
    pub recognitions_added: u64,
    /// Demo accounts that were not there yet.
    pub accounts_added: u64,
    /// Demo trainings that were not there yet.
    pub trainings_added: u64,
}

/// Why the demo data was not loaded.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// Demo accounts with a published password never go into the real portal.
    #[error("demo data is refused in production (APP_ENV=production)")]
    Production,
    /// The database failed.
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    /// Hashing or sealing failed.
    #[error(transparent)]
    Crypto(#[from] anyhow::Error),
}

/// Loads the demo data, adding only what is missing.
pub async fn seed_demo(pool: &PgPool, config: &Config) -> Result<SeedReport, SeedError> {
    if config.is_production() {
        return Err(SeedError::Production);
    }
    let accounts = demo_account_material(config).await?;
    let mut tx = pool.begin().await?;
    lock(&mut tx).await?;
    let report = seed_in(&mut tx, &accounts).await?;
    tx.commit().await?;
    Ok(report)
}

/// The password hash and sealed TOTP secret shared by the demo accounts.
struct DemoMaterial {
    password_hash: String,
    sealed_secret: Vec<u8>,
}

async fn demo_account_material(config: &Config) -> Result<DemoMaterial, SeedError> {
    let secret = totp_rs::Secret::try_from_base32(DEMO_TOTP_SECRET)
        .map_err(|e| anyhow::anyhow!("demo secret: {e:?}"))?;
    Ok(DemoMaterial {
        password_hash: PasswordHasher::new().hash(DEMO_PASSWORD).await?,
        sealed_secret: secrets::seal(&config.secret_key, secret.as_bytes())?,
    })
}

async fn lock(tx: &mut Transaction<'_, Postgres>) -> Result<(), sqlx::Error> {
    sqlx::query!("SELECT pg_advisory_xact_lock($1)", SEED_LOCK_KEY,)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

async fn seed_in(
    tx: &mut Transaction<'_, Postgres>,
    material: &DemoMaterial,
) -> Result<SeedReport, sqlx::Error> {
    let (names, rest): (Vec<&str>, Vec<(&str, &str)>) = INSTITUTIONS
        .iter()
        .map(|(name, city, kind)| (*name, (*city, *kind)))
        .unzip();
    let (cities, kinds): (Vec<&str>, Vec<&str>) = rest.into_iter().unzip();
    let institutions_added = sqlx::query!(
        "INSERT INTO institutions (name, city, kind)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[])
         ON CONFLICT (name, city) DO NOTHING",
        &names as &[&str],
        &cities as &[&str],
        &kinds as &[&str],
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();

    let recognitions_added = sqlx::query!(
        "INSERT INTO recognitions (specialty_id, institution_id)
         SELECT s.id, i.id FROM UNNEST($1::text[], $2::text[]) AS r (specialty, institution)
         JOIN specialties s ON s.code = r.specialty
         JOIN institutions i ON i.name = r.institution
         ON CONFLICT DO NOTHING",
        &RECOGNITIONS.iter().map(|(s, _)| *s).collect::<Vec<_>>() as &[&str],
        &RECOGNITIONS.iter().map(|(_, i)| *i).collect::<Vec<_>>() as &[&str],
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();

    let accounts_added = seed_accounts(tx, material).await?;
    // The demo opleider supervises a demo training of each of these specialties, so they are
    // a recognised opleider for them: a new aios can choose them for every one of them.
    sqlx::query!(
        "INSERT INTO role_assignments (user_id, role, specialty_id, institution_id)
         SELECT u.id, 'opleider', s.id, i.id
         FROM UNNEST($1::text[], $2::text[]) AS r (specialty, institution)
         JOIN specialties s ON s.code = r.specialty
         JOIN institutions i ON i.name = r.institution
         JOIN users u ON u.username = 'demo.opleider'
         WHERE NOT EXISTS (SELECT 1 FROM role_assignments a
                           WHERE a.user_id = u.id AND a.role = 'opleider'
                             AND a.specialty_id = s.id AND a.revoked_at IS NULL)",
        &DEMO_OPLEIDER_SPECIALTIES
            .iter()
            .map(|(s, _)| *s)
            .collect::<Vec<_>>() as &[&str],
        &DEMO_OPLEIDER_SPECIALTIES
            .iter()
            .map(|(_, i)| *i)
            .collect::<Vec<_>>() as &[&str],
    )
    .execute(&mut **tx)
    .await?;
    let trainings_added = trainings::seed(tx).await?;
    registers::seed(tx).await?;

    sqlx::query!("INSERT INTO demo_seed_runs DEFAULT VALUES",)
        .execute(&mut **tx)
        .await?;
    Ok(SeedReport {
        institutions_added,
        recognitions_added,
        accounts_added,
        trainings_added,
    })
}

/// Whether `username` is one of the demo accounts.
pub fn is_demo_account(username: &str) -> bool {
    DEMO_ACCOUNTS.iter().any(|(name, _, _)| *name == username)
        || trainings::DEMO_TRAINEES
            .iter()
            .any(|trainee| trainee.username == username)
}

/// One ready account per role, all with [`DEMO_PASSWORD`] and [`DEMO_TOTP_SECRET`].
const DEMO_ACCOUNTS: &[(&str, &str, &[&str])] = &[
    ("demo.aios", "Anna de Vries", &["aios"]),
    (
        "demo.opleider",
        "Dr. Pieter Jansen",
        &["opleider", "specialist"],
    ),
    ("demo.ondersteuner", "Sanne Bakker", &["ondersteuner"]),
    ("demo.specialist", "Dr. Karim El Amrani", &["specialist"]),
    ("demo.contactpersoon", "Marieke Visser", &["contactpersoon"]),
    ("demo.rgs", "Joost Mulder", &["rgs"]),
];

async fn seed_accounts(
    tx: &mut Transaction<'_, Postgres>,
    material: &DemoMaterial,
) -> Result<u64, sqlx::Error> {
    let radboud: Uuid = sqlx::query_scalar!(
        "SELECT id FROM institutions WHERE name = 'Radboudumc' AND city = 'Nijmegen'",
    )
    .fetch_one(&mut **tx)
    .await?;
    let igt: Uuid = sqlx::query_scalar!("SELECT id FROM specialties WHERE code = 'igt'",)
        .fetch_one(&mut **tx)
        .await?;
    let mut added = 0;
    let mut opleider: Option<UserId> = sqlx::query_scalar!(
        r#"SELECT id AS "id: UserId" FROM users WHERE username = 'demo.opleider'"#,
    )
    .fetch_optional(&mut **tx)
    .await?;
    for (username, name, roles) in DEMO_ACCOUNTS {
        let id = insert_demo_user(tx, material, username, name).await?;
        let Some(id) = id else { continue };
        added += 1;
        if *username == "demo.opleider" {
            opleider = Some(id);
        }
        for role in *roles {
            let (specialty, institution, supervisor) = match *role {
                "opleider" => (Some(igt), Some(radboud), None),
                "contactpersoon" => (None, Some(radboud), None),
                "ondersteuner" => (None, None, opleider),
                _ => (None, None, None),
            };
            sqlx::query!(
                "INSERT INTO role_assignments (user_id, role, specialty_id, institution_id, supervisor_id)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                id as UserId,
                role,
                specialty,
                institution,
                supervisor as Option<UserId>,
            )
            .execute(&mut **tx)
            .await?;
        }
    }
    for trainee in trainings::DEMO_TRAINEES {
        let id = insert_demo_user(tx, material, trainee.username, trainee.name).await?;
        let Some(id) = id else { continue };
        added += 1;
        sqlx::query!(
            "INSERT INTO role_assignments (user_id, role) VALUES ($1, 'aios') ON CONFLICT DO NOTHING",
            id as UserId,
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(added)
}

/// The specialties the demo opleider is recognised for besides IGT (a role assignment each),
/// with the institution where: those of the demo trainings they supervise.
const DEMO_OPLEIDER_SPECIALTIES: &[(&str, &str)] = &[
    ("anesthesiologie", "UMC Utrecht"),
    ("huisartsgeneeskunde", "Huisartsenpraktijk De Linde"),
    ("heelkunde", "Isala"),
    ("ouderengeneeskunde", "Zorggroep Het Laar"),
    ("kindergeneeskunde", "Radboudumc"),
    ("psychiatrie", "GGZ inGeest"),
    ("interne-geneeskunde", "OLVG"),
];

/// Demo recognitions: (specialty code, institution name).
const RECOGNITIONS: &[(&str, &str)] = &[
    ("igt", "Radboudumc"),
    ("igt", "Isala"),
    ("igt", "Rijnstate"),
    ("igt", "Medisch Spectrum Twente"),
    ("igt", "Nederlandse Tropencursus (KIT)"),
    ("igt", "Opleidingsziekenhuis in het buitenland"),
    ("kindergeneeskunde", "Radboudumc"),
    ("kindergeneeskunde", "Amphia"),
    ("interne-geneeskunde", "OLVG"),
    ("interne-geneeskunde", "Amsterdam UMC"),
    ("heelkunde", "Isala"),
    ("heelkunde", "Catharina Ziekenhuis"),
    ("anesthesiologie", "UMC Utrecht"),
    ("anesthesiologie", "St. Antonius Ziekenhuis"),
    ("psychiatrie", "GGZ inGeest"),
    ("huisartsgeneeskunde", "Huisartsenpraktijk De Linde"),
    ("huisartsgeneeskunde", "Gezondheidscentrum Oosterpoort"),
    ("huisartsgeneeskunde", "Huisartsenpraktijk Het Anker"),
    // The clinical stages of the second year.
    ("huisartsgeneeskunde", "Radboudumc"),
    ("huisartsgeneeskunde", "GGZ inGeest"),
    ("huisartsgeneeskunde", "Zorggroep Het Laar"),
    ("ouderengeneeskunde", "Zorggroep Het Laar"),
    ("avg", "Ipse de Bruggen"),
];

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
    ("Nederlandse Tropencursus (KIT)", "Amsterdam", "instelling"),
    // The buitenland period of IGT: the hospital abroad is named in the period's label.
    (
        "Opleidingsziekenhuis in het buitenland",
        "Buitenland",
        "overig",
    ),
];

/// Creates demo account `username`, ready to log in with the demo password and code; `None`
/// when it exists already.
async fn insert_demo_user(
    tx: &mut Transaction<'_, Postgres>,
    material: &DemoMaterial,
    username: &str,
    name: &str,
) -> Result<Option<UserId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"INSERT INTO users (id, username, email, full_name, password_hash, email_verified_at,
                            totp_secret_enc, totp_enrolled_at)
         VALUES ($1, $2, $3, $4, $5, now(), $6, now())
         ON CONFLICT (username) DO NOTHING RETURNING id AS "id: UserId""#,
        UserId::generate() as UserId,
        username,
        format!("{username}@mijnrgs.example"),
        name,
        &material.password_hash,
        &material.sealed_secret,
    )
    .fetch_optional(&mut **tx)
    .await
}
