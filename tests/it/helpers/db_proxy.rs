//! A TCP proxy between the portal and PostgreSQL that a test can cut: after a given number of
//! messages from the portal (so at an exact point of a transaction), or altogether (the
//! database is down) until it is brought back. It also counts the statements the portal runs.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use sqlx::PgPool;
use sqlx::postgres::PgConnectOptions;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;

/// Where the real PostgreSQL listens.
const UPSTREAM: &str = "127.0.0.1:5432";

#[derive(Default)]
struct Control {
    /// Writes from the portal still let through before the cut; negative: no cut armed.
    countdown: AtomicI64,
    /// Whether an armed cut happened.
    cut: AtomicBool,
    /// Whether the database is down: new connections are closed at once.
    down: AtomicBool,
    /// Statements run: simple queries and executions of prepared statements.
    statements: AtomicU64,
    /// Sync messages: one ends each extended-protocol statement; alone, it is a connection
    /// check (sqlx's ping).
    syncs: AtomicU64,
    connections: Mutex<Vec<AbortHandle>>,
}

/// The running proxy.
pub struct DbProxy {
    port: u16,
    control: Arc<Control>,
}

impl DbProxy {
    /// The portal with the demo data, talking to `pool`'s database through a new proxy.
    pub async fn demo_app(pool: &PgPool) -> (Self, crate::helpers::TestApp) {
        let proxy = Self::start().await;
        let app = crate::helpers::TestApp::spawn(proxy.pool_for(pool)).await;
        crate::helpers::accounts::seed_demo(&app).await;
        (proxy, app)
    }

    /// Starts a proxy on a free port that lets everything through.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let port = listener.local_addr().expect("proxy address").port();
        let control = Arc::new(Control::default());
        control.countdown.store(-1, Ordering::SeqCst);
        let shared = control.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                if shared.down.load(Ordering::SeqCst) {
                    drop(client);
                    continue;
                }
                let Ok(upstream) = TcpStream::connect(UPSTREAM).await else {
                    continue;
                };
                let task = tokio::spawn(pipe(client, upstream, shared.clone()));
                let mut connections = shared.connections.lock().expect("lock");
                connections.retain(|c| !c.is_finished());
                connections.push(task.abort_handle());
            }
        });
        Self { port, control }
    }

    /// A pool of one connection for the database of `pool`, reached through the proxy.
    pub fn pool_for(&self, pool: &PgPool) -> PgPool {
        crate::helpers::one_connection_pool(self.connect_options(pool))
    }

    /// How to reach the database of `pool` through the proxy: without TLS, so the proxy can
    /// read the protocol's messages.
    pub fn connect_options(&self, pool: &PgPool) -> PgConnectOptions {
        pool.connect_options()
            .as_ref()
            .clone()
            .port(self.port)
            .ssl_mode(sqlx::postgres::PgSslMode::Disable)
    }

    /// Cuts the connection that carries the portal's `n`-th message from now on.
    pub fn cut_after(&self, n: i64) {
        self.control.cut.store(false, Ordering::SeqCst);
        self.control.countdown.store(n, Ordering::SeqCst);
    }

    /// Whether the armed cut happened; disarms it.
    pub fn was_cut(&self) -> bool {
        self.control.countdown.store(-1, Ordering::SeqCst);
        self.control.cut.swap(false, Ordering::SeqCst)
    }

    /// The database goes away: every connection is closed and new ones are refused.
    pub fn down(&self) {
        self.control.down.store(true, Ordering::SeqCst);
        for connection in self.control.connections.lock().expect("lock").drain(..) {
            connection.abort();
        }
    }

    /// The database is back.
    pub fn up(&self) {
        self.control.down.store(false, Ordering::SeqCst);
    }

    /// The statements the portal ran since the last call (each simple query and each execution
    /// of a prepared statement is one; BEGIN and COMMIT count too).
    pub fn take_statements(&self) -> u64 {
        self.control.statements.swap(0, Ordering::SeqCst)
    }

    /// The Sync messages the portal sent since the last call.
    pub fn take_syncs(&self) -> u64 {
        self.control.syncs.swap(0, Ordering::SeqCst)
    }
}

/// Reads the frontend side of the PostgreSQL protocol as it streams past: the start-up
/// messages have no type byte, every later one has a type byte and a length.
#[derive(Default)]
struct Frontend {
    started: bool,
    pending: Vec<u8>,
}

impl Frontend {
    /// Feeds the bytes of one read; returns how many statements and Sync messages they
    /// complete.
    fn feed(&mut self, bytes: &[u8]) -> (u64, u64) {
        self.pending.extend_from_slice(bytes);
        let mut statements = 0;
        let mut syncs = 0;
        loop {
            let header = if self.started { 5 } else { 8 };
            if self.pending.len() < header {
                break;
            }
            let at = usize::from(self.started);
            let length = u32::from_be_bytes(self.pending[at..at + 4].try_into().expect("4 bytes"));
            let total = at + length as usize;
            if self.pending.len() < total {
                break;
            }
            if self.started {
                match self.pending[0] {
                    b'Q' | b'E' => statements += 1,
                    b'S' => syncs += 1,
                    _ => {}
                }
            } else {
                // SSLRequest and GSSENCRequest come before the real start-up message.
                let code = u32::from_be_bytes(self.pending[4..8].try_into().expect("4 bytes"));
                self.started = !matches!(code, 80_877_103 | 80_877_104);
            }
            self.pending.drain(..total);
        }
        (statements, syncs)
    }
}

/// Copies both ways; drops both ends when the portal's write is the one to cut.
async fn pipe(mut client: TcpStream, mut upstream: TcpStream, control: Arc<Control>) {
    let (mut client_read, mut client_write) = client.split();
    let (mut upstream_read, mut upstream_write) = upstream.split();
    let mut from_client = vec![0u8; 64 * 1024];
    let mut from_upstream = vec![0u8; 64 * 1024];
    let mut frontend = Frontend::default();
    loop {
        tokio::select! {
            read = client_read.read(&mut from_client) => {
                let n = match read { Ok(0) | Err(_) => return, Ok(n) => n };
                if control.countdown.load(Ordering::SeqCst) > 0
                    && control.countdown.fetch_sub(1, Ordering::SeqCst) == 1
                {
                    control.cut.store(true, Ordering::SeqCst);
                    return;
                }
                let (statements, syncs) = frontend.feed(&from_client[..n]);
                control.statements.fetch_add(statements, Ordering::SeqCst);
                control.syncs.fetch_add(syncs, Ordering::SeqCst);
                if upstream_write.write_all(&from_client[..n]).await.is_err() {
                    return;
                }
            }
            read = upstream_read.read(&mut from_upstream) => {
                let n = match read { Ok(0) | Err(_) => return, Ok(n) => n };
                if client_write.write_all(&from_upstream[..n]).await.is_err() {
                    return;
                }
            }
        }
    }
}
