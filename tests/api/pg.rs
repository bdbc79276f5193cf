//! A throwaway PostgreSQL server for the suite (`cxc-pgtemp`: `initdb`/`pg_ctl`, through
//! `runuser -u postgres` when running as root), one database per test.
//! `TEST_DATABASE_URL` (an admin URL) uses an existing server instead.
use std::sync::OnceLock;

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

fn start() -> Result<PgServer, String> {
    let pg = cxc_pgtemp::PgTemp::start("cxc-test-pg", &cxc_pgtemp::Options::for_tests())?;
    Ok(PgServer {
        base_url: pg.base_url,
    })
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
