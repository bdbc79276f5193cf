//! `cxc-bench`: starts the release server on SQLite and on a throwaway PostgreSQL, seeds
//! realistic data through the repositories, drives the HTTP API with `wrk` over
//! loopback and prints requests/s, latency percentiles, errors and the ratio of each
//! scenario to its ceiling (see docs/benchmarks.md). `scripts/bench.sh` is the one
//! command that builds everything and runs it.
mod ceiling;
mod lists;
mod report;
mod run;
mod scenarios;
mod server;
mod smtp;
mod visits;
mod volume;
mod world;
mod wrk;

use std::{path::PathBuf, process::ExitCode};

use clap::{Parser, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    Sqlite,
    Postgres,
    Both,
}

#[derive(Debug, Clone, Parser)]
#[command(
    name = "cxc-bench",
    about = "Benchmark the ClusterXchange server (see docs/benchmarks.md)"
)]
pub struct Args {
    /// Seconds per scenario.
    #[arg(long, default_value_t = 10)]
    pub duration: u64,
    /// Concurrent connections per scenario.
    #[arg(long, default_value_t = 32)]
    pub connections: u32,
    /// wrk threads (one per core is plenty).
    #[arg(long, default_value_t = 2)]
    pub threads: u32,
    #[arg(long, value_enum, default_value = "both")]
    pub backend: Backend,
    /// Applications for the main run and the small list measurement.
    #[arg(long, default_value_t = 10_000)]
    pub small: usize,
    /// Applications for the large list measurement (0 skips it).
    #[arg(long, default_value_t = 1_000_000)]
    pub large: usize,
    /// Queued emails for the dispatcher drain (0 skips it).
    #[arg(long, default_value_t = 100_000)]
    pub emails: usize,
    /// Visitors with their own organisation, for create + submit (registrations get half as many).
    #[arg(long, default_value_t = 20_000)]
    pub slots: usize,
    /// Places left in the call the approvals race for.
    #[arg(long, default_value_t = 100)]
    pub race_places: i32,
    /// Server database pool size (the shipped default).
    #[arg(long, default_value_t = 8)]
    pub pool: u32,
    /// Only scenarios whose name contains one of these (comma-separated).
    #[arg(long)]
    pub only: Option<String>,
    /// A few seconds in all, tiny data: proves the benchmark still works (CI may run it);
    /// fails when any scenario gets an unexpected answer.
    #[arg(long)]
    pub smoke: bool,
    /// Extra server settings, e.g. `--env APP__DISPATCHER__CONCURRENCY=32` (repeatable).
    #[arg(long = "env", value_name = "KEY=VALUE")]
    pub env: Vec<String>,
    /// Record a `perf` profile of the server during each scenario into the temporary
    /// directory (implies --keep): `perf report -i <dir>/<scenario>.perf.data`.
    #[arg(long)]
    pub perf: bool,
    /// Keep the temporary directory (server logs, Lua scripts, SQLite database).
    #[arg(long)]
    pub keep: bool,
    /// The `cxc` binary (default: next to this one).
    #[arg(long)]
    pub server: Option<PathBuf>,
}

impl Args {
    fn smoke(mut self) -> Self {
        self.duration = 1;
        self.connections = self.connections.min(8);
        self.small = 300;
        self.large = self.large.min(1_000);
        self.emails = self.emails.min(300);
        self.slots = 2_000;
        self.race_places = 5;
        self
    }

    #[must_use]
    pub fn wants(&self, name: &str) -> bool {
        self.only
            .as_deref()
            .is_none_or(|o| o.split(',').any(|p| name.contains(p.trim())))
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let mut args = Args::parse();
    if args.smoke {
        args = args.smoke();
    }
    let backends: &[Backend] = match args.backend {
        Backend::Both => &[Backend::Sqlite, Backend::Postgres],
        Backend::Sqlite => &[Backend::Sqlite],
        Backend::Postgres => &[Backend::Postgres],
    };
    let mut out = String::new();
    let mut failed = false;
    for b in backends {
        match run::backend(&args, *b).await {
            Ok(r) => {
                // The smoke run is a check: an unexpected answer fails it.
                if args.smoke && r.rows.iter().any(|row| row.errors > 0) {
                    eprintln!("{b:?}: unexpected answers in the smoke run");
                    failed = true;
                }
                let text = r.render();
                println!("{text}");
                out.push_str(&text);
            }
            Err(e) => {
                eprintln!("{b:?}: benchmark failed: {e:#}");
                failed = true;
            }
        }
    }
    println!(
        "\n## Summary ({} s per scenario, {} connections, {} wrk threads; {} cores)\n{out}",
        args.duration,
        args.connections,
        args.threads,
        std::thread::available_parallelism().map_or(0, std::num::NonZero::get)
    );
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
