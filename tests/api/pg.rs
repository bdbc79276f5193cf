//! A throwaway PostgreSQL server for the suite, started with `initdb`/`pg_ctl` when they
//! are on the PATH (through `runuser -u postgres` when running as root), one database
//! per test. `TEST_DATABASE_URL` (an admin URL) uses an existing server instead.
use std::{
    path::PathBuf,
    process::{Command, Stdio},
    sync::OnceLock,
    time::Duration,
};

pub struct PgServer {
    /// Admin URL without a database name, e.g. `postgres://postgres@127.0.0.1:5432`.
    pub base_url: String,
}

static SERVER: OnceLock<Option<PgServer>> = OnceLock::new();

/// The shared server, or `None` when PostgreSQL is unavailable (which fails under CI=true).
pub fn server() -> Option<&'static PgServer> {
    SERVER
        .get_or_init(|| {
            if let Ok(url) = std::env::var("TEST_DATABASE_URL") {
                return Some(PgServer {
                    base_url: url.trim_end_matches('/').to_owned(),
                });
            }
            match start() {
                Ok(s) => Some(s),
                Err(e) => {
                    let msg = format!("PostgreSQL tests SKIPPED: {e}");
                    if std::env::var("CI").is_ok_and(|v| v == "true") {
                        panic!("{msg} (CI=true requires PostgreSQL)");
                    }
                    eprintln!("\n\n!!!!!!!! {msg} !!!!!!!!\n");
                    None
                }
            }
        })
        .as_ref()
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

fn start() -> Result<PgServer, String> {
    for c in ["initdb", "pg_ctl", "postgres"] {
        if !have(c) {
            return Err(format!("`{c}` is not on the PATH"));
        }
    }
    let dir = PathBuf::from(format!("/tmp/cxc-test-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    if is_root() {
        Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(&dir)
            .status()
            .map_err(|e| e.to_string())?;
    }
    let data = dir.join("data");
    let data_s = data.to_string_lossy().to_string();
    let dir_s = dir.to_string_lossy().to_string();
    let out = as_pg(&[
        "initdb",
        "-D",
        &data_s,
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
    let opts = format!(
        "-p {port} -k {dir_s} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400"
    );
    let log = format!("{dir_s}/log");
    let st = as_pg(&[
        "pg_ctl", "-D", &data_s, "-l", &log, "-o", &opts, "-w", "start",
    ])
    .stdout(Stdio::null())
    .status()
    .map_err(|e| e.to_string())?;
    if !st.success() {
        return Err(format!("pg_ctl start failed; see {log}"));
    }
    // Stop the server when this test process ends, whatever way it ends.
    let me = std::process::id();
    let stop = if is_root() {
        format!("runuser -u postgres -- pg_ctl -D {data_s} -m immediate stop")
    } else {
        format!("pg_ctl -D {data_s} -m immediate stop")
    };
    let _ = Command::new("sh")
        .arg("-c")
        .arg(format!("while kill -0 {me} 2>/dev/null; do sleep 1; done; {stop} >/dev/null 2>&1; rm -rf {dir_s}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    std::thread::sleep(Duration::from_millis(100));
    Ok(PgServer {
        base_url: format!("postgres://postgres@127.0.0.1:{port}"),
    })
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or(55432)
}

/// Creates a fresh database and returns its URL.
pub async fn fresh_database(server: &PgServer) -> String {
    use cxc_persistence::sea_orm::{ConnectionTrait, Database};
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let admin = Database::connect(format!("{}/postgres", server.base_url))
        .await
        .expect("connect to postgres");
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("create database");
    admin.close().await.ok();
    format!("{}/{name}", server.base_url)
}
