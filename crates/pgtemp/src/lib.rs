//! A throwaway PostgreSQL server started with `initdb`/`pg_ctl` (through
//! `runuser -u postgres` when running as root), shared by the API test suite and the
//! benchmark so both start PostgreSQL the same way. No dependencies: plain processes.
use std::{
    path::PathBuf,
    process::{Command, Stdio},
    time::Duration,
};

/// A running server; stopped by [`PgTemp::stop`], or at the latest when the process
/// that started it exits (a watcher shell stops it and removes its directory).
pub struct PgTemp {
    /// Admin URL without a database name, e.g. `postgres://postgres@127.0.0.1:5432`.
    pub base_url: String,
    pub dir: PathBuf,
    data: String,
}

/// Server settings that differ between users: the tests trade durability for speed,
/// the benchmark keeps PostgreSQL's durable defaults.
#[derive(Debug, Clone)]
pub struct Options {
    /// Extra `-c name=value` settings.
    pub settings: Vec<String>,
}

impl Options {
    /// Fast and not crash-safe: for tests only.
    #[must_use]
    pub fn for_tests() -> Self {
        Self {
            settings: [
                "fsync=off",
                "synchronous_commit=off",
                "full_page_writes=off",
                "max_connections=400",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

fn have(cmd: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {cmd}"))
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn as_pg(args: &[&str]) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).args(args);
        c
    } else {
        let mut c = Command::new(args[0]);
        c.args(&args[1..]);
        c
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(55432)
}

impl PgTemp {
    /// Starts a server in `/tmp/<prefix>-<pid>`.
    ///
    /// # Errors
    /// When PostgreSQL is not installed or does not start (the message says why).
    pub fn start(prefix: &str, opts: &Options) -> Result<Self, String> {
        for c in ["initdb", "pg_ctl", "postgres"] {
            if !have(c) {
                return Err(format!("`{c}` is not on the PATH"));
            }
        }
        let dir = PathBuf::from(format!("/tmp/{prefix}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        if is_root() {
            Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&dir)
                .status()
                .map_err(|e| e.to_string())?;
        }
        let data = dir.join("data").to_string_lossy().to_string();
        let dir_s = dir.to_string_lossy().to_string();
        let out = as_pg(&[
            "initdb",
            "-D",
            &data,
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        ])
        .stdout(Stdio::null())
        .output()
        .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let port = free_port();
        let mut pg_opts = format!("-p {port} -k {dir_s} -c listen_addresses=127.0.0.1");
        for s in &opts.settings {
            pg_opts.push_str(" -c ");
            pg_opts.push_str(s);
        }
        let log = format!("{dir_s}/log");
        let st = as_pg(&[
            "pg_ctl", "-D", &data, "-l", &log, "-o", &pg_opts, "-w", "start",
        ])
        .stdout(Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
        if !st.success() {
            return Err(format!("pg_ctl start failed; see {log}"));
        }
        // Stop the server when this process ends, whatever way it ends.
        let me = std::process::id();
        let _ = Command::new("sh")
            .arg("-c")
            .arg(format!(
                "while kill -0 {me} 2>/dev/null; do sleep 1; done; {} >/dev/null 2>&1; rm -rf {dir_s}",
                stop_command(&data)
            ))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        std::thread::sleep(Duration::from_millis(100));
        Ok(Self {
            base_url: format!("postgres://postgres@127.0.0.1:{port}"),
            dir,
            data,
        })
    }

    /// Stops the server now and removes its files.
    pub fn stop(&self) {
        let _ = Command::new("sh")
            .arg("-c")
            .arg(stop_command(&self.data))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn stop_command(data: &str) -> String {
    if is_root() {
        format!("runuser -u postgres -- pg_ctl -D {data} -m immediate stop")
    } else {
        format!("pg_ctl -D {data} -m immediate stop")
    }
}
