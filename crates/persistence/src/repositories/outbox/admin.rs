//! What admins and `/metrics` see of the outbox, and the admin re-queue.
use chrono::{DateTime, Utc};
use cxc_domain::notify::OutboxStatus;
use sea_orm::{
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    prelude::Expr,
    sea_query::{ExprTrait, Func},
};
use uuid::Uuid;

use super::super::Store;
use crate::{RepoError, RepoResult, entities::outbox};

/// Counts for `/metrics`.
#[derive(Debug, Default, Clone, Copy)]
pub struct OutboxStats {
    pub pending: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
    /// Since when the longest-waiting due message has been waiting for a dispatcher
    /// (`not_before` of the oldest due, undelivered row); `None` when nothing is due.
    pub oldest_due: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Default)]
pub struct OutboxFilter {
    pub status: Option<OutboxStatus>,
    /// Recipient address, compared case-insensitively.
    pub to: Option<String>,
    pub after: Option<Uuid>,
    pub limit: u64,
}

impl Store {
    /// Re-queues a failed message (admin): due now, with a fresh attempt budget.
    ///
    /// # Errors
    /// `NotFound`, or `Conflict` when the message has not failed.
    pub async fn requeue(&self, id: Uuid) -> RepoResult<outbox::Model> {
        let tx = self.db.write().await?;
        let res = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(OutboxStatus::Pending))
            .col_expr(outbox::Column::Attempts, Expr::value(0))
            .col_expr(outbox::Column::NotBefore, Expr::value(self.now()))
            .filter(outbox::Column::Id.eq(id))
            .filter(outbox::Column::Status.eq(OutboxStatus::Failed))
            .exec(&tx.tx)
            .await?;
        let row = outbox::Entity::find_by_id(id)
            .one(&tx.tx)
            .await?
            .ok_or(RepoError::NotFound)?;
        if res.rows_affected == 0 {
            return Err(RepoError::conflict(
                "not_failed",
                format!("the message is {}, not failed", row.status),
            ));
        }
        tx.commit().await?;
        Ok(row)
    }

    /// Newest first, `limit` rows after the cursor.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn list_outbox(&self, f: &OutboxFilter) -> RepoResult<Vec<outbox::Model>> {
        let mut q = outbox::Entity::find().order_by_desc(outbox::Column::Id);
        if let Some(s) = &f.status {
            q = q.filter(outbox::Column::Status.eq(*s));
        }
        if let Some(t) = &f.to {
            q = q.filter(
                Expr::expr(Func::lower(Expr::col(outbox::Column::ToEmail)))
                    .eq(t.trim().to_lowercase()),
            );
        }
        if let Some(a) = f.after {
            q = q.filter(outbox::Column::Id.lt(a));
        }
        Ok(q.limit(f.limit).all(&self.db.conn).await?)
    }

    /// # Errors
    /// `NotFound` for an unknown id.
    pub async fn outbox_message(&self, id: Uuid) -> RepoResult<outbox::Model> {
        outbox::Entity::find_by_id(id)
            .one(&self.db.conn)
            .await?
            .ok_or(RepoError::NotFound)
    }

    /// Messages about one record (evidence packs, tests).
    ///
    /// # Errors
    /// Database failures only.
    pub async fn outbox_about(&self, subject: Uuid) -> RepoResult<Vec<outbox::Model>> {
        Ok(outbox::Entity::find()
            .filter(outbox::Column::SubjectId.eq(subject))
            .order_by_asc(outbox::Column::Id)
            .all(&self.db.conn)
            .await?)
    }

    /// # Errors
    /// Database failures only.
    pub async fn outbox_stats(&self) -> RepoResult<OutboxStats> {
        let rows: Vec<(OutboxStatus, i64)> = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::Status)
            .column_as(outbox::Column::Id.count(), "n")
            .group_by(outbox::Column::Status)
            .into_tuple()
            .all(&self.db.conn)
            .await?;
        let mut s = OutboxStats::default();
        for (status, n) in rows {
            match status {
                OutboxStatus::Pending => s.pending = n,
                OutboxStatus::Sending => s.sending = n,
                OutboxStatus::Sent => s.sent = n,
                OutboxStatus::Failed => s.failed = n,
            }
        }
        s.oldest_due = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::NotBefore)
            .filter(outbox::Column::Status.is_in([OutboxStatus::Pending, OutboxStatus::Sending]))
            .filter(outbox::Column::NotBefore.lte(self.now()))
            .order_by_asc(outbox::Column::NotBefore)
            .limit(1)
            .into_tuple::<DateTime<Utc>>()
            .one(&self.db.conn)
            .await?;
        Ok(s)
    }
}
