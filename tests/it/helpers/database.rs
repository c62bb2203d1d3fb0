//! Each test's own database, cloned from one migrated template.
//!
//! Running the migrations costs about a second of PostgreSQL's time; cloning a migrated
//! database with `CREATE DATABASE … TEMPLATE` costs less, but still most of a second here,
//! nearly all of it waiting for the disk. The first test of a run migrates a template named
//! after the migrations' checksums (so a changed migration makes a new one). A thread of the
//! test process then keeps a few clones ready ahead of the tests, and drops each test's clone
//! after it ends, passed or failed (`DROP DATABASE … WITH (FORCE)`, so a connection the test
//! left open does not hold it up): a test neither waits for its clone to be made nor for it to
//! be dropped. The database of a failed test stays for a look (its name is printed); the next
//! run drops it, with any other clone whose process has ended (the spares left when a run
//! ends, a drop not yet done).

use std::fmt::Write as _;
use std::str::FromStr;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use mijnrgs::platform::db::MIGRATOR;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, Executor, PgConnection, PgPool};
use tokio::sync::{Mutex, mpsc};

/// Clones are named `mijnrgs_test_<process id>_<number>`.
const CLONE_PREFIX: &str = "mijnrgs_test_";
/// Templates are named `mijnrgs_template_<checksum of the migrations>`.
const TEMPLATE_PREFIX: &str = "mijnrgs_template_";
/// One lock for making the template, shared by every test process ("mijnrgs" in ASCII).
const TEMPLATE_LOCK: i64 = 0x006d_696a_6e72_6773;

/// How many clones are kept ready; the test threads seldom take more than one each at once.
const SPARES: usize = 2;

static CLONES: AtomicU32 = AtomicU32::new(0);
static LEFTOVERS_DROPPED: AtomicBool = AtomicBool::new(false);
static KEEPER: OnceLock<Keeper> = OnceLock::new();

/// The thread that makes clones ahead and drops them after: what the tests talk to.
struct Keeper {
    /// Clones ready for a test, made from the template.
    ready: Mutex<mpsc::Receiver<String>>,
    /// Clones whose test has ended.
    done: mpsc::UnboundedSender<String>,
}

impl Keeper {
    /// The keeper, started by the first test that wants a migrated database.
    fn get() -> &'static Keeper {
        KEEPER.get_or_init(|| {
            let (ready_tx, ready) = mpsc::channel(SPARES);
            let (done, done_rx) = mpsc::unbounded_channel();
            std::thread::Builder::new()
                .name("test-databases".into())
                .spawn(move || keep(ready_tx, done_rx))
                .expect("start the thread that keeps the test databases");
            Keeper {
                ready: Mutex::new(ready),
                done,
            }
        })
    }
}

/// Makes clones of the template (two at a time, so a slow one does not leave a test waiting)
/// and drops those whose test has ended, until the test process exits.
fn keep(ready: mpsc::Sender<String>, mut done: mpsc::UnboundedReceiver<String>) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime for the test databases");
    runtime.block_on(async move {
        let mut admin = admin_connection().await;
        let template = template(&mut admin).await;
        if !LEFTOVERS_DROPPED.swap(true, Ordering::Relaxed) {
            drop_leftovers(&mut admin).await;
        }
        let _ = admin.close().await;
        let makers: Vec<_> = (0..2)
            .map(|_| {
                let ready = ready.clone();
                let template = template.clone();
                tokio::spawn(async move {
                    loop {
                        let admin = admin_connection().await;
                        let name = create(admin, &format!("TEMPLATE {template}")).await;
                        if ready.send(name).await.is_err() {
                            return;
                        }
                    }
                })
            })
            .collect();
        drop(ready);
        while let Some(name) = done.recv().await {
            let mut admin = admin_connection().await;
            let _ = admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await;
            let _ = admin.close().await;
        }
        for maker in makers {
            maker.abort();
        }
    });
}

/// The test's migrated database and a pool on it; the database lives as long as the first.
pub async fn database() -> (TestDatabase, PgPool) {
    let database = TestDatabase::migrated().await;
    let pool = database.pool();
    (database, pool)
}

/// A test's database; dropping it drops the database.
pub struct TestDatabase {
    name: String,
    options: PgConnectOptions,
}

impl TestDatabase {
    /// A database with every migration applied, cloned from the template ahead of time.
    pub async fn migrated() -> Self {
        let name = Keeper::get()
            .ready
            .lock()
            .await
            .recv()
            .await
            .expect("the thread that makes the test databases runs");
        Self::named(name)
    }

    /// A database without the migrations, for the tests of the migrations themselves.
    pub async fn empty() -> Self {
        let mut admin = admin_connection().await;
        if !LEFTOVERS_DROPPED.swap(true, Ordering::Relaxed) {
            drop_leftovers(&mut admin).await;
        }
        Self::named(create(admin, "").await)
    }

    fn named(name: String) -> Self {
        // A test's database need not survive a crash of the server: its commits do not wait
        // for the disk (which most of its time would otherwise be).
        let options = admin_options()
            .database(&name)
            .options([("synchronous_commit", "off")]);
        Self { name, options }
    }

    /// A pool on the test's database, as `#[sqlx::test]` hands one out: a few connections,
    /// closed soon after they go idle.
    pub fn pool(&self) -> PgPool {
        PgPoolOptions::new()
            .max_connections(5)
            .idle_timeout(Some(Duration::from_secs(1)))
            .connect_lazy_with(self.options.clone())
    }
}

/// Creates a database of this process with `clause` (a template, or none); its name.
async fn create(mut admin: PgConnection, clause: &str) -> String {
    let number = CLONES.fetch_add(1, Ordering::Relaxed);
    let name = format!("{CLONE_PREFIX}{}_{number}", std::process::id());
    admin
        .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
        .await
        .expect("drop a clone of an earlier process with the same id");
    execute_when_unused(&mut admin, &format!("CREATE DATABASE {name} {clause}")).await;
    let _ = admin.close().await;
    name
}

impl Drop for TestDatabase {
    /// Hands the database to the keeper's thread to drop: `Drop` cannot wait for the test's
    /// runtime, which may be unwinding from a failed assertion.
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "the failed test's database stays until the next run: {}",
                self.name
            );
            return;
        }
        let _ = Keeper::get().done.send(std::mem::take(&mut self.name));
    }
}

/// The server and the database of `DATABASE_URL` (which the test binary creates at start).
fn admin_options() -> PgConnectOptions {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| mijnrgs::platform::config::DEFAULT_DATABASE_URL.to_owned());
    PgConnectOptions::from_str(&url).expect("DATABASE_URL is a PostgreSQL URL")
}

async fn admin_connection() -> PgConnection {
    PgConnection::connect_with(&admin_options())
        .await
        .expect("PostgreSQL answers on DATABASE_URL")
}

/// The template's name: a digest of every migration's version and checksum.
fn template_name() -> String {
    let mut checksums = String::new();
    for migration in MIGRATOR.iter() {
        let _ = write!(checksums, "{}:", migration.version);
        for byte in migration.checksum.iter() {
            let _ = write!(checksums, "{byte:02x}");
        }
    }
    let digest: String = sha256_hex(&checksums).chars().take(16).collect();
    format!("{TEMPLATE_PREFIX}{digest}")
}

/// The name of the migrated template, made by the first test that needs it. A template is
/// made under a temporary name and renamed when its migrations have run, so a template that
/// exists is complete.
async fn template(admin: &mut PgConnection) -> String {
    let template = template_name();
    if database_exists(admin, &template).await {
        return template;
    }

    sqlx::query("SELECT pg_advisory_lock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut *admin)
        .await
        .expect("take the template lock");
    if !database_exists(admin, &template).await {
        let building = format!("{template}_wordt_gemaakt");
        admin
            .execute(format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)").as_str())
            .await
            .expect("drop a half-made template");
        admin
            .execute(format!("CREATE DATABASE {building}").as_str())
            .await
            .expect("create the template");
        let mut connection = PgConnection::connect_with(&admin_options().database(&building))
            .await
            .expect("connect to the template");
        MIGRATOR
            .run(&mut connection)
            .await
            .expect("the migrations run on the template");
        connection.close().await.expect("close the template");
        execute_when_unused(
            admin,
            &format!("ALTER DATABASE {building} RENAME TO {template}"),
        )
        .await;
    }
    sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(TEMPLATE_LOCK)
        .execute(&mut *admin)
        .await
        .expect("release the template lock");
    template
}

async fn database_exists(admin: &mut PgConnection, name: &str) -> bool {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
        .bind(name)
        .fetch_one(&mut *admin)
        .await
        .expect("look for a database")
}

/// Runs `statement`, which needs the template (or the database it renames) to have no
/// connections; a connection that was just closed may take a moment to end on the server.
async fn execute_when_unused(admin: &mut PgConnection, statement: &str) {
    let mut attempts = 0;
    loop {
        match admin.execute(statement).await {
            Ok(_) => return,
            Err(sqlx::Error::Database(error))
                if error.code().as_deref() == Some("55006") && attempts < 100 =>
            {
                attempts += 1;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(error) => panic!("{statement}: {error}"),
        }
    }
}

/// Drops clones whose process has ended, and templates of other migrations.
async fn drop_leftovers(admin: &mut PgConnection) {
    let template = template_name();
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname::text FROM pg_database WHERE datname LIKE 'mijnrgs\\_te%'",
    )
    .fetch_all(&mut *admin)
    .await
    .expect("list the test databases");
    for name in names {
        let stale = if let Some(rest) = name.strip_prefix(CLONE_PREFIX) {
            let pid = rest.split('_').next().unwrap_or_default();
            !std::path::Path::new(&format!("/proc/{pid}")).exists()
        } else {
            name.starts_with(TEMPLATE_PREFIX) && name != template
        };
        if stale {
            // A database another run still uses stays; the next run tries again.
            let _ = admin
                .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
                .await;
        }
    }
}

fn sha256_hex(text: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .fold(String::new(), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}
