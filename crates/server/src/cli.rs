//! The command line: `serve` (default), `migrate`, `admin create`, `seed --demo`, `openapi`.
use std::{io::Read, process::ExitCode};

use anyhow::Context;
use clap::{Parser, Subcommand};
use cxc_persistence::repositories::accounts::NewUser;

use crate::{settings::Settings, startup, telemetry};

#[derive(Parser)]
#[command(
    name = "cxc",
    version,
    about = "ClusterXchange exchange-management server"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP server and the email dispatcher (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Account administration.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Load demonstration data.
    Seed {
        /// The partnerships, organisations, calls, applications and visits of the seed texts.
        #[arg(long)]
        demo: bool,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Audit tools.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// A consistent online copy of the SQLite database (`VACUUM INTO`).
    Backup {
        /// The file to write; it must not exist.
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Run the retention job now.
    Retention,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify every application's hash-chained history; exits 1 at the first broken link.
    Verify,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Create an admin account; the password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "Administrator")]
        full_name: String,
        /// Read the password from stdin (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

pub async fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(&settings.telemetry);
    let env = std::env::var("APP_ENV").unwrap_or_else(|_| "local".into());
    if let Some(problem) = settings.public_url_problem(&env) {
        tracing::warn!("{problem}");
    }
    match run(cli, settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error.chain = ?e, "command failed");
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli, settings: Settings) -> anyhow::Result<()> {
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = startup::Application::build(settings).await?;
            app.run_until(startup::shutdown_signal()).await
        }
        Command::Migrate => {
            startup::open_store(&settings).await?;
            println!("migrations applied");
            Ok(())
        }
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    full_name,
                    password_stdin: _,
                },
        } => {
            // The same address rules as registration; the account is created verified
            // (the operator vouches for the address).
            let email =
                cxc_domain::email_address::EmailAddress::parse(&email, settings.email.smtputf8)
                    .map_err(|e| anyhow::anyhow!("{email:?}: {e}"))?
                    .into_string();
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("reading the password from stdin")?;
            let password = password.trim_end_matches(['\n', '\r']).to_owned();
            anyhow::ensure!(
                password.chars().count() >= 10,
                "the password needs at least 10 characters"
            );
            let store = startup::open_store(&settings).await?;
            let hash = cxc_http::auth::hash_password(&password).map_err(anyhow::Error::msg)?;
            let user = store
                .create_user(NewUser {
                    email: &email,
                    password_hash: hash,
                    full_name: &full_name,
                    locale: "en",
                    role: cxc_domain::policy::AccountRole::Admin,
                })
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("admin {} created ({})", user.email, user.id);
            Ok(())
        }
        Command::Seed { demo } => {
            anyhow::ensure!(demo, "only `seed --demo` exists");
            let store = startup::open_store(&settings).await?;
            crate::seed::demo(&store).await
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let store = startup::open_store(&settings).await?;
            let (entries, broken) = store
                .verify_history()
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if broken.is_empty() {
                println!("history intact: {entries} entries verified");
                return Ok(());
            }
            for b in &broken {
                println!(
                    "BROKEN application {} at entry {}: {}",
                    b.application_id, b.seq, b.reason
                );
            }
            anyhow::bail!("{} application histories are broken", broken.len())
        }
        Command::Backup { to } => {
            let store = startup::open_store(&settings).await?;
            store
                .backup_sqlite(&to)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("backup written to {}", to.display());
            Ok(())
        }
        Command::Retention => {
            let store = startup::open_store(&settings).await?;
            let n = store
                .apply_retention(settings.retention.participant_days)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{n} applications anonymised");
            Ok(())
        }
        Command::Openapi => {
            println!(
                "{}",
                serde_json::to_string_pretty(&cxc_http::openapi_document())?
            );
            Ok(())
        }
    }
}
