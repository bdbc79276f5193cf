//! Bulk loading for imports and the benchmark's data volumes: many rows per `INSERT`,
//! one write transaction per batch so a long load never starves other writers.
use sea_orm::{ActiveModelTrait, EntityTrait, Iterable};

use super::Store;
use crate::RepoResult;

/// Bound parameters per statement: below SQLite's 32 766 and PostgreSQL's 65 535.
const MAX_PARAMS: usize = 30_000;

impl Store {
    /// Inserts `rows` (complete active models of one table) in multi-row statements.
    /// Returns the number of rows written. No emails, no history: callers load data
    /// that is already in its final state.
    ///
    /// # Errors
    /// Database failures (a batch that fails rolls back; earlier batches stay).
    pub async fn insert_many<A>(&self, rows: Vec<A>) -> RepoResult<u64>
    where
        A: ActiveModelTrait + Send,
    {
        let columns = <A::Entity as EntityTrait>::Column::iter().count().max(1);
        let per_batch = (MAX_PARAMS / columns).max(1);
        let mut written = 0;
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let batch: Vec<A> = rows.by_ref().take(per_batch).collect();
            let tx = self.db.write().await?;
            written += <A::Entity as EntityTrait>::insert_many(batch)
                .exec_without_returning(&tx.tx)
                .await?;
            tx.commit().await?;
        }
        self.auth_cache.invalidate();
        Ok(written)
    }
}
