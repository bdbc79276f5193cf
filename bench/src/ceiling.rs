//! The storage ceiling: single-row INSERT transactions through a pool configured like
//! the server's (same journal mode, synchronous level, busy timeout; on SQLite through
//! the same process-wide writer lock), from as many tasks as the load has connections.
use std::time::{Duration, Instant};

use cxc_persistence::{
    Db,
    repositories::new_id,
    sea_orm::{ConnectionTrait, Statement},
};

/// Insert transactions per second.
///
/// # Errors
/// Database failures.
pub async fn raw_inserts(db: &Db, tasks: u32, duration: Duration) -> anyhow::Result<f64> {
    let backend = db.conn.get_database_backend();
    db.conn
        .execute_unprepared(
            "CREATE TABLE IF NOT EXISTS bench_ceiling (id VARCHAR(36) PRIMARY KEY, payload TEXT NOT NULL, created_at VARCHAR(40) NOT NULL)",
        )
        .await?;
    // About the size of an application row.
    let payload = "x".repeat(600);
    let started = Instant::now();
    let deadline = started + duration;
    let mut handles = Vec::new();
    for _ in 0..tasks.max(1) {
        let (db, payload) = (db.clone(), payload.clone());
        handles.push(tokio::spawn(async move {
            let mut n = 0u64;
            while Instant::now() < deadline {
                let tx = db.write().await?;
                tx.tx
                    .execute_raw(Statement::from_sql_and_values(
                        backend,
                        "INSERT INTO bench_ceiling (id, payload, created_at) VALUES ($1, $2, $3)",
                        [
                            new_id().to_string().into(),
                            payload.clone().into(),
                            chrono::Utc::now().to_rfc3339().into(),
                        ],
                    ))
                    .await?;
                tx.commit().await?;
                n += 1;
            }
            Ok::<u64, anyhow::Error>(n)
        }));
    }
    let mut total = 0;
    for h in handles {
        total += h.await??;
    }
    let secs = started.elapsed().as_secs_f64();
    db.conn
        .execute_unprepared("DROP TABLE bench_ceiling")
        .await?;
    Ok(total as f64 / secs)
}
