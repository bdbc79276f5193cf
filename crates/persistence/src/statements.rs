//! Counting the statements one piece of work sends to the database, for the tests that
//! hold the write paths to a budget of round trips and for the benchmark's report (issue
//! 17). Every query pays a round trip (on SQLite a hand-off to the connection's thread and
//! back), so their number is the cost that matters on the write paths.
//!
//! The pool reports every statement it runs (`set_metric_callback`, in [`crate::Db`]);
//! the report is kept only inside [`record`], for the task running it, so concurrent
//! requests and the dispatcher do not mix into a count. Outside `record` the cost is one
//! failed task-local lookup per statement. `BEGIN`/`COMMIT` are not reported by the pool
//! and not counted.
use std::{
    future::Future,
    sync::{Arc, Mutex},
};

tokio::task_local! {
    static SEEN: Arc<Mutex<Vec<String>>>;
}

/// Called by the pool for every statement it ran.
pub(crate) fn observe(info: &sea_orm::metric::Info<'_>) {
    let _ = SEEN.try_with(|seen| {
        if let Ok(mut seen) = seen.lock() {
            seen.push(info.statement.sql.clone());
        }
    });
}

/// Runs `work` and returns its result with the SQL of every statement it sent, in order.
pub async fn record<F: Future>(work: F) -> (F::Output, Vec<String>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let out = SEEN.scope(Arc::clone(&seen), work).await;
    let sql = seen.lock().map(|s| s.clone()).unwrap_or_default();
    (out, sql)
}
