//! Claiming and settling outbox rows for the dispatcher.
//!
//! A claim moves due rows to `sending` under a lease (`locked_by`, `locked_until`) and
//! counts the attempt. Every settle is conditional on still holding that lease, so a worker
//! that lost its lease (it stalled past `locked_until` and another worker re-claimed the
//! row) can never overwrite the new owner's outcome.
use chrono::{DateTime, Duration, Utc};
use cxc_domain::notify::OutboxStatus;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult, QueryFilter,
    QuerySelect, Statement,
    prelude::Expr,
    sea_query::{ExprTrait, SimpleExpr},
};
use uuid::Uuid;

use super::super::Store;
use crate::{Backend, RepoResult, entities::outbox};

/// PostgreSQL: `FOR UPDATE SKIP LOCKED` in CTEs (evaluated exactly once) lets several
/// processes claim concurrently without waiting on, or double-claiming, each other's rows.
/// A row another transaction changed between our snapshot and our lock is re-checked
/// against the `WHERE` clause by PostgreSQL before it is locked.
///
/// Two index range scans on `(status, not_before)` that stop at the limit, expired leases
/// first (rare, and older than anything pending): a single scan with an `OR` read and sorted
/// the whole queue on every claim, which made draining a 100,000-message backlog quadratic.
/// Locking clauses are not allowed in `UNION` branches, hence one CTE per scan.
const CLAIM_PG: &str = "WITH expired AS ( \
     SELECT id FROM outbox WHERE status = 'sending' AND locked_until < $3 \
     ORDER BY not_before LIMIT $4 FOR UPDATE SKIP LOCKED), \
   due AS ( \
     SELECT id FROM outbox WHERE status = 'pending' AND not_before <= $3 \
     ORDER BY not_before LIMIT $4 FOR UPDATE SKIP LOCKED), \
   claimed AS (SELECT id FROM (SELECT id FROM expired UNION ALL SELECT id FROM due) c LIMIT $4) \
   UPDATE outbox SET status = 'sending', locked_by = $1, locked_until = $2, attempts = outbox.attempts + 1 \
   FROM claimed WHERE outbox.id = claimed.id \
   RETURNING outbox.*";

/// SQLite has a single writer: the statement runs alone, so plain sub-selects are enough
/// (same two range scans as on PostgreSQL).
const CLAIM_SQLITE: &str = "UPDATE outbox SET status = 'sending', locked_by = $1, locked_until = $2, attempts = attempts + 1 \
   WHERE id IN (SELECT id FROM ( \
     SELECT id FROM (SELECT id FROM outbox WHERE status = 'sending' AND locked_until < $3 ORDER BY not_before LIMIT $4) \
     UNION ALL \
     SELECT id FROM (SELECT id FROM outbox WHERE status = 'pending' AND not_before <= $3 ORDER BY not_before LIMIT $4) \
   ) LIMIT $4) \
   RETURNING *";

impl Store {
    /// Claims up to `limit` due messages for `worker`, leasing them for `lease`. A message
    /// whose lease ran out (its worker died mid-send) is due again: delivery is
    /// at-least-once, and the stable `Message-ID` makes a repeat recognisable downstream.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn claim_due(
        &self,
        worker: &str,
        limit: u64,
        lease: Duration,
    ) -> RepoResult<Vec<outbox::Model>> {
        let now = self.now();
        // Microseconds, as both databases store it, so the claimed rows can be found again
        // by their lease (`claimed_one_by_one`).
        let until = now + lease;
        let until = until - Duration::nanoseconds(i64::from(until.timestamp_subsec_nanos() % 1000));
        let (sql, db_backend) = match self.db.backend() {
            Backend::Postgres => (CLAIM_PG, DbBackend::Postgres),
            Backend::Sqlite => (CLAIM_SQLITE, DbBackend::Sqlite),
        };
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let stmt = Statement::from_sql_and_values(
            db_backend,
            sql,
            [worker.into(), until.into(), now.into(), limit.into()],
        );
        let tx = self.db.write().await?;
        let rows = match outbox::Model::find_by_statement(stmt).all(&tx.tx).await {
            Ok(rows) => rows,
            Err(e) => claimed_one_by_one(&tx.tx, worker, until, e).await?,
        };
        tx.commit().await?;
        Ok(rows)
    }

    /// Records a delivery. `false` when `worker` no longer holds the lease.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn mark_sent(&self, id: Uuid, worker: &str) -> RepoResult<bool> {
        self.settle(
            id,
            worker,
            &[
                (outbox::Column::Status, Expr::value(OutboxStatus::Sent)),
                (outbox::Column::SentAt, Expr::value(self.now())),
            ],
        )
        .await
    }

    /// Puts a message back in the queue for another attempt at `next`.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn mark_retry(
        &self,
        id: Uuid,
        worker: &str,
        error: &str,
        next: DateTime<Utc>,
    ) -> RepoResult<bool> {
        self.settle(
            id,
            worker,
            &[
                (outbox::Column::Status, Expr::value(OutboxStatus::Pending)),
                (outbox::Column::LastError, Expr::value(clip(error))),
                (outbox::Column::NotBefore, Expr::value(next)),
            ],
        )
        .await
    }

    /// Gives up on a message; it stays visible to admins, who may re-queue it.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn mark_failed(&self, id: Uuid, worker: &str, error: &str) -> RepoResult<bool> {
        self.settle(
            id,
            worker,
            &[
                (outbox::Column::Status, Expr::value(OutboxStatus::Failed)),
                (outbox::Column::LastError, Expr::value(clip(error))),
            ],
        )
        .await
    }

    /// Hands a claimed message back untried (its lease is too close to running out to
    /// start a send safely); the attempt is not counted.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn release(&self, id: Uuid, worker: &str) -> RepoResult<bool> {
        self.settle(
            id,
            worker,
            &[
                (outbox::Column::Status, Expr::value(OutboxStatus::Pending)),
                (
                    outbox::Column::Attempts,
                    Expr::col(outbox::Column::Attempts).sub(1),
                ),
            ],
        )
        .await
    }

    async fn settle(
        &self,
        id: Uuid,
        worker: &str,
        set: &[(outbox::Column, SimpleExpr)],
    ) -> RepoResult<bool> {
        let mut q = outbox::Entity::update_many().col_expr(
            outbox::Column::LockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        );
        for (col, value) in set {
            q = q.col_expr(*col, value.clone());
        }
        // `locked_by` is kept: it records which worker settled the message last.
        let tx = self.db.write().await?;
        let res = q
            .filter(outbox::Column::Id.eq(id))
            .filter(outbox::Column::Status.eq(OutboxStatus::Sending))
            .filter(outbox::Column::LockedBy.eq(worker))
            .exec(&tx.tx)
            .await?;
        tx.commit().await?;
        Ok(res.rows_affected == 1)
    }
}

/// The claimed batch did not read as messages: a row holds a kind, status or attachment
/// outside its type (typed columns refuse it rather than guess). That row must not stop
/// the queue, so the claimed rows are read one at a time under the same lease; each one
/// that does not read is failed with the reason (an admin sees it in the outbox), the
/// others are sent. When nothing was claimed, the statement itself failed: its error is
/// returned.
async fn claimed_one_by_one<C: ConnectionTrait>(
    conn: &C,
    worker: &str,
    until: DateTime<Utc>,
    cause: DbErr,
) -> RepoResult<Vec<outbox::Model>> {
    let ids: Vec<Uuid> = outbox::Entity::find()
        .select_only()
        .column(outbox::Column::Id)
        .filter(outbox::Column::Status.eq(OutboxStatus::Sending))
        .filter(outbox::Column::LockedBy.eq(worker))
        .filter(outbox::Column::LockedUntil.eq(until))
        .into_tuple()
        .all(conn)
        .await?;
    if ids.is_empty() {
        return Err(cause.into());
    }
    let mut rows = Vec::with_capacity(ids.len());
    for id in ids {
        match outbox::Entity::find_by_id(id).one(conn).await {
            Ok(Some(row)) => rows.push(row),
            Ok(None) => {}
            Err(e) => {
                tracing::error!(message.id = %id, error.message = %e, "unreadable outbox message failed");
                outbox::Entity::update_many()
                    .col_expr(outbox::Column::Status, Expr::value(OutboxStatus::Failed))
                    .col_expr(
                        outbox::Column::LastError,
                        Expr::value(clip(&format!("unreadable stored message: {e}"))),
                    )
                    .col_expr(
                        outbox::Column::LockedUntil,
                        Expr::value(Option::<DateTime<Utc>>::None),
                    )
                    .filter(outbox::Column::Id.eq(id))
                    .exec(conn)
                    .await?;
            }
        }
    }
    Ok(rows)
}

/// Server replies can be long; keep the first 2000 characters.
fn clip(error: &str) -> String {
    error.chars().take(2000).collect()
}
