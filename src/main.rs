//! The `mijnrgs` command: parse the configuration, set up logging, and run a subcommand.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mijnrgs::platform::config::{Config, LogFormat};
use mijnrgs::{seed, server};
use tracing_subscriber::EnvFilter;

/// mimalloc instead of the system allocator: a page allocates many small strings from several
/// threads, where glibc's malloc spent a seventh of the portal's time (measured with perf under
/// `bench/run`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// MijnRGS, the self-service portal of the register of medical specialists.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the portal (the default).
    Serve {
        /// Load the demo data when the database never had it.
        #[arg(long)]
        demo_data: bool,
    },
    /// Create the database if needed and apply the migrations, then stop.
    Migrate,
    /// Load the demo data (only what is missing), then stop.
    SeedDemo,
    /// Run only the workers (sending mail, scheduled jobs), without the web server.
    Worker,
}

fn main() -> ExitCode {
    let _ = dotenvy::dotenv();
    let cli = Cli::parse();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("mijnrgs: {error}");
            return ExitCode::from(2);
        }
    };
    init_tracing(config.log_format);

    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("mijnrgs: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(async move {
        match cli.command.unwrap_or(Command::Serve { demo_data: false }) {
            Command::Serve { demo_data } => server::serve(config, demo_data).await,
            Command::Migrate => server::prepare_database(&config).await.map(|_| ()),
            Command::Worker => server::work(config).await,
            Command::SeedDemo => {
                let pool = server::prepare_database(&config).await?;
                let report = seed::seed_demo(&pool, &config).await?;
                println!(
                    "Demodata geladen: {} opleidingsinrichtingen, {} erkenningen, {} demo-accounts en {} opleidingen toegevoegd.",
                    report.institutions_added,
                    report.recognitions_added,
                    report.accounts_added,
                    report.trainings_added
                );
                Ok(())
            }
        }
    });
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("mijnrgs: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Pretty => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}
