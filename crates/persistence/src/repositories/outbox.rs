//! The transactional outbox: emails are rows written with the change that causes them,
//! and a dispatcher claims, sends and settles them.
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect, Set, Statement, prelude::Expr,
};
use uuid::Uuid;

use super::{Store, new_id};
use crate::{
    Backend, RepoError, RepoResult,
    entities::{outbox, users},
};

/// What a use case wants sent; rendered and stored by [`Store::enqueue`].
#[derive(Debug, Clone)]
pub struct Envelope {
    pub kind: &'static str,
    pub to_email: String,
    pub to_name: Option<String>,
    pub to_user_id: Option<Uuid>,
    pub locale: String,
    pub reminders_wanted: bool,
    pub ctx: serde_json::Value,
    /// `[{filename, content_type, content}]`
    pub attachments: serde_json::Value,
    /// The record the message is about (application, visit), for evidence and cancelling.
    pub subject_id: Option<Uuid>,
    /// Scheduled messages wait until this moment.
    pub not_before: Option<DateTime<Utc>>,
}

impl Envelope {
    #[must_use]
    pub fn to_user(u: &users::Model, kind: &'static str, ctx: serde_json::Value) -> Self {
        Self {
            kind,
            to_email: u.email.clone(),
            to_name: Some(u.full_name.clone()),
            to_user_id: Some(u.id),
            locale: u.locale.clone(),
            reminders_wanted: u.reminders,
            ctx,
            attachments: serde_json::json!([]),
            subject_id: None,
            not_before: None,
        }
    }

    #[must_use]
    pub fn about(mut self, id: Uuid) -> Self {
        self.subject_id = Some(id);
        self
    }

    #[must_use]
    pub fn at(mut self, when: DateTime<Utc>) -> Self {
        self.not_before = Some(when);
        self
    }

    #[must_use]
    pub fn attach(mut self, filename: &str, content_type: &str, content: String) -> Self {
        if let Some(a) = self.attachments.as_array_mut() {
            a.push(serde_json::json!({"filename": filename, "content_type": content_type, "content": content}));
        }
        self
    }
}

/// Counts for `/metrics`.
#[derive(Debug, Default, Clone, Copy)]
pub struct OutboxStats {
    pub pending: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
}

#[derive(Debug, Clone, Default)]
pub struct OutboxFilter {
    pub status: Option<String>,
    pub to: Option<String>,
    pub after: Option<Uuid>,
    pub limit: u64,
}

impl Store {
    /// Renders and stores one email in the caller's transaction.
    ///
    /// # Errors
    /// When rendering fails (a bug, not user input) or the insert fails.
    pub async fn enqueue<C: ConnectionTrait>(&self, conn: &C, env: Envelope) -> RepoResult<()> {
        let optional = self.mail.is_optional(env.kind);
        if optional && !env.reminders_wanted {
            return Ok(());
        }
        let id = new_id();
        let unsubscribe = optional
            .then(|| {
                env.to_user_id
                    .map(|u| format!("{}/api/v1/unsubscribe/{u}", self.public_url))
            })
            .flatten();
        let mut ctx = env.ctx;
        if let (Some(obj), Some(url)) = (ctx.as_object_mut(), &unsubscribe) {
            obj.insert("unsubscribe_url".into(), url.clone().into());
        }
        let r = self.mail.render(env.kind, &env.locale, &ctx).map_err(|e| {
            RepoError::Db(sea_orm::DbErr::Custom(format!("render {}: {e}", env.kind)))
        })?;
        let now = Utc::now();
        outbox::ActiveModel {
            id: Set(id),
            message_id: Set(format!("{id}@{}", self.mail_domain)),
            kind: Set(env.kind.to_owned()),
            to_email: Set(env.to_email),
            to_name: Set(env.to_name),
            to_user_id: Set(env.to_user_id),
            locale: Set(env.locale),
            subject: Set(r.subject),
            body_text: Set(r.text),
            body_html: Set(r.html),
            attachments: Set(env.attachments),
            optional: Set(optional),
            list_unsubscribe_url: Set(unsubscribe),
            subject_id: Set(env.subject_id),
            status: Set("pending".into()),
            attempts: Set(0),
            not_before: Set(env.not_before.unwrap_or(now)),
            locked_until: Set(None),
            locked_by: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            sent_at: Set(None),
        }
        .insert(conn)
        .await?;
        Ok(())
    }

    /// Drops scheduled messages of a kind that have not gone yet (e.g. the reminder of a
    /// cancelled exchange).
    ///
    /// # Errors
    /// Database failures only.
    pub async fn unschedule<C: ConnectionTrait>(
        &self,
        conn: &C,
        subject: Uuid,
        kinds: &[&str],
    ) -> RepoResult<()> {
        outbox::Entity::delete_many()
            .filter(outbox::Column::SubjectId.eq(subject))
            .filter(outbox::Column::Kind.is_in(kinds.iter().copied()))
            .filter(outbox::Column::Status.eq("pending"))
            .filter(outbox::Column::NotBefore.gt(Utc::now()))
            .exec(conn)
            .await?;
        Ok(())
    }

    /// Claims up to `limit` due messages for `worker`, leasing them for `lease`. A message
    /// whose lease ran out (its worker died) is due again. Several processes never claim
    /// the same row: PostgreSQL skips locked rows, SQLite has a single writer.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn claim_due(
        &self,
        worker: &str,
        limit: u64,
        lease: Duration,
    ) -> RepoResult<Vec<outbox::Model>> {
        let now = Utc::now();
        let until = now + lease;
        let backend = self.db.backend();
        // Two index range scans on (status, not_before) that stop at the limit, expired
        // leases first (rare, and older than anything pending): one scan with an OR
        // read and sorted the whole queue on every claim, which made the drain of a
        // 100 000-message backlog quadratic.
        let (sql, db_backend) = match backend {
            Backend::Postgres => (
                // Locking clauses are not allowed in UNION branches, hence the CTEs.
                "WITH expired AS (SELECT id FROM outbox WHERE status = 'sending' AND locked_until < $3 ORDER BY not_before LIMIT $4 FOR UPDATE SKIP LOCKED), \
                 due AS (SELECT id FROM outbox WHERE status = 'pending' AND not_before <= $3 ORDER BY not_before LIMIT $4 FOR UPDATE SKIP LOCKED) \
                 UPDATE outbox SET status = 'sending', locked_by = $1, locked_until = $2, attempts = attempts + 1 \
                 WHERE id IN (SELECT id FROM (SELECT id FROM expired UNION ALL SELECT id FROM due) claimed LIMIT $4) \
                 RETURNING *",
                DbBackend::Postgres,
            ),
            Backend::Sqlite => (
                "UPDATE outbox SET status = 'sending', locked_by = $1, locked_until = $2, attempts = attempts + 1 \
                 WHERE id IN (SELECT id FROM ( \
                   SELECT id FROM (SELECT id FROM outbox WHERE status = 'sending' AND locked_until < $3 ORDER BY not_before LIMIT $4) \
                   UNION ALL \
                   SELECT id FROM (SELECT id FROM outbox WHERE status = 'pending' AND not_before <= $3 ORDER BY not_before LIMIT $4) \
                 ) LIMIT $4) \
                 RETURNING *",
                DbBackend::Sqlite,
            ),
        };
        let tx = self.db.write().await?;
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let stmt = Statement::from_sql_and_values(
            db_backend,
            sql,
            [worker.into(), until.into(), now.into(), limit.into()],
        );
        let rows = outbox::Model::find_by_statement(stmt).all(&tx.tx).await?;
        tx.commit().await?;
        Ok(rows)
    }

    /// # Errors
    /// Database failures only.
    pub async fn mark_sent(&self, id: Uuid) -> RepoResult<()> {
        self.settle(id, "sent", None, None).await
    }

    /// Puts a message back in the queue for another attempt at `next`.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn mark_retry(&self, id: Uuid, error: &str, next: DateTime<Utc>) -> RepoResult<()> {
        self.settle(id, "pending", Some(error), Some(next)).await
    }

    /// # Errors
    /// Database failures only.
    pub async fn mark_failed(&self, id: Uuid, error: &str) -> RepoResult<()> {
        self.settle(id, "failed", Some(error), None).await
    }

    async fn settle(
        &self,
        id: Uuid,
        status: &str,
        error: Option<&str>,
        next: Option<DateTime<Utc>>,
    ) -> RepoResult<()> {
        let tx = self.db.write().await?;
        let mut q = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value(status))
            .col_expr(
                outbox::Column::LockedUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(
                outbox::Column::LockedBy,
                Expr::value(Option::<String>::None),
            );
        if let Some(e) = error {
            q = q.col_expr(
                outbox::Column::LastError,
                Expr::value(e.chars().take(2000).collect::<String>()),
            );
        }
        if let Some(n) = next {
            q = q.col_expr(outbox::Column::NotBefore, Expr::value(n));
        }
        if status == "sent" {
            q = q.col_expr(outbox::Column::SentAt, Expr::value(Utc::now()));
        }
        q.filter(outbox::Column::Id.eq(id)).exec(&tx.tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Re-queues a failed message (admin).
    ///
    /// # Errors
    /// `NotFound`, or `Conflict` when the message has not failed.
    pub async fn requeue(&self, id: Uuid) -> RepoResult<outbox::Model> {
        let tx = self.db.write().await?;
        let res = outbox::Entity::update_many()
            .col_expr(outbox::Column::Status, Expr::value("pending"))
            .col_expr(outbox::Column::Attempts, Expr::value(0))
            .col_expr(outbox::Column::NotBefore, Expr::value(Utc::now()))
            .filter(outbox::Column::Id.eq(id))
            .filter(outbox::Column::Status.eq("failed"))
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

    /// # Errors
    /// Database failures only.
    pub async fn list_outbox(&self, f: &OutboxFilter) -> RepoResult<Vec<outbox::Model>> {
        let mut q = outbox::Entity::find().order_by_desc(outbox::Column::Id);
        if let Some(s) = &f.status {
            q = q.filter(outbox::Column::Status.eq(s.as_str()));
        }
        if let Some(t) = &f.to {
            q = q.filter(outbox::Column::ToEmail.eq(t.to_lowercase()));
        }
        if let Some(a) = f.after {
            q = q.filter(outbox::Column::Id.lt(a));
        }
        Ok(q.limit(f.limit).all(&self.db.conn).await?)
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
        let rows: Vec<(String, i64)> = outbox::Entity::find()
            .select_only()
            .column(outbox::Column::Status)
            .column_as(outbox::Column::Id.count(), "n")
            .group_by(outbox::Column::Status)
            .into_tuple()
            .all(&self.db.conn)
            .await?;
        let mut s = OutboxStats::default();
        for (status, n) in rows {
            match status.as_str() {
                "pending" => s.pending = n,
                "sending" => s.sending = n,
                "sent" => s.sent = n,
                "failed" => s.failed = n,
                _ => {}
            }
        }
        Ok(s)
    }
}
