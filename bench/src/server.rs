//! The release `cxc serve` binary as a child process: configured through `APP__*`
//! variables only (run from an empty directory, so no config file of the checkout
//! leaks in), timed from spawn to its first healthy answer, and measured through
//! `/proc/<pid>/status`.
use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context, bail};

pub struct Server {
    child: Child,
    pub base: String,
    /// Spawn to first `200` from `/health`.
    pub startup: Duration,
}

/// What differs between runs of the server.
pub struct Launch<'a> {
    pub bin: &'a Path,
    pub workdir: &'a Path,
    pub db_url: &'a str,
    pub pool: u32,
    /// `None`: dispatcher off. `Some(url)`: deliver over SMTP to `url`.
    pub smtp: Option<&'a str>,
    /// `KEY=VALUE` settings applied last.
    pub env: &'a [String],
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Server {
    /// Starts the server and waits until it serves.
    ///
    /// # Errors
    /// When it exits or does not answer within 60 s.
    pub async fn start(l: &Launch<'_>) -> anyhow::Result<Self> {
        let port = free_port()?;
        let log = std::fs::File::create(l.workdir.join(format!("server-{port}.log")))?;
        let mut cmd = Command::new(l.bin);
        cmd.arg("serve")
            .current_dir(l.workdir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("APP__SERVER__PORT", port.to_string())
            .env(
                "APP__SERVER__PUBLIC_URL",
                format!("http://127.0.0.1:{port}"),
            )
            .env("APP__DATABASE__URL", l.db_url)
            .env("APP__DATABASE__MAX_CONNECTIONS", l.pool.to_string())
            // Production logging: one JSON line per request at info level.
            .env("APP__TELEMETRY__FORMAT", "json")
            .env("APP__HTTP__METRICS_PUBLIC", "true")
            // Benchmark clients log in thousands of times, hundreds at once, to one
            // account from one address; a person never does (docs/security.md).
            .env("APP__HTTP__THROTTLE__LOGIN_CLIENT__FREE", "1000000")
            .env("APP__HTTP__THROTTLE__LOGIN_ACCOUNT_CLIENT__FREE", "1000000")
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .stdin(Stdio::null());
        match l.smtp {
            None => {
                cmd.env("APP__DISPATCHER__ENABLED", "false");
            }
            Some(url) => {
                cmd.env("APP__DISPATCHER__ENABLED", "true")
                    .env("APP__EMAIL__TRANSPORT", "smtp")
                    .env("APP__EMAIL__SMTP_URL", url);
            }
        }
        for kv in l.env {
            if let Some((k, v)) = kv.split_once('=') {
                cmd.env(k, v);
            }
        }
        let started = Instant::now();
        let mut child = cmd
            .spawn()
            .with_context(|| format!("starting {}", l.bin.display()))?;
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        loop {
            if let Some(st) = child.try_wait()? {
                bail!(
                    "the server exited during start-up ({st}); see {}",
                    l.workdir.display()
                );
            }
            if started.elapsed() > Duration::from_secs(60) {
                let _ = child.kill();
                bail!("the server did not answer within 60 s");
            }
            let ok = client
                .get(format!("{base}/health"))
                .timeout(Duration::from_millis(500))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ok {
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        Ok(Self {
            startup: started.elapsed(),
            child,
            base,
        })
    }

    #[must_use]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory now and its peak, in MiB (`VmRSS`, `VmHWM`).
    #[must_use]
    pub fn memory(&self) -> (f64, f64) {
        memory_of(self.pid())
    }

    /// SIGTERM, then wait (graceful shutdown); SIGKILL after 30 s.
    pub fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status();
        let until = Instant::now() + Duration::from_secs(30);
        while Instant::now() < until {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `(VmRSS, VmHWM)` of a process in MiB; zeros when it is gone.
#[must_use]
pub fn memory_of(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The `cxc` binary next to this one (both are built into the same target directory).
///
/// # Errors
/// When it is missing.
pub fn default_binary() -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe()?;
    let bin = me.with_file_name("cxc");
    if !bin.exists() {
        bail!(
            "{} not found: build it with `cargo build --release -p cxc-server` (scripts/bench.sh does)",
            bin.display()
        );
    }
    Ok(bin)
}
