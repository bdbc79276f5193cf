//! SQLite write transactions: a transaction dropped after writing (an error path) is
//! rolled back lazily on the connection's worker thread, after the in-process writer
//! lock is released. Writers must still never see "database is locked" (they start with
//! BEGIN IMMEDIATE and wait). Under CPU load the old deferred BEGIN failed here.
use cxc_persistence::sea_orm::ConnectionTrait;

use crate::helpers::{Backend, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writers_wait_for_a_dropped_transaction_to_roll_back() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let conn = &app.store.db().conn;
    conn.execute_unprepared("CREATE TABLE probe (id INTEGER PRIMARY KEY, n INTEGER)")
        .await
        .unwrap();
    conn.execute_unprepared("INSERT INTO probe VALUES (1, 0)")
        .await
        .unwrap();
    let writers = (0..8).map(|t| {
        let db = app.store.db().clone();
        tokio::spawn(async move {
            for i in 0..300 {
                let tx = db.write().await.unwrap();
                tx.tx
                    .execute_unprepared("SELECT n FROM probe")
                    .await
                    .unwrap();
                tx.tx
                    .execute_unprepared("UPDATE probe SET n = n + 1 WHERE id = 1")
                    .await
                    .unwrap();
                // Every other transaction is abandoned, as on an error path.
                if (i + t) % 2 == 0 {
                    tx.commit().await.unwrap();
                }
            }
        })
    });
    for w in writers.collect::<Vec<_>>() {
        w.await.unwrap();
    }
}
