//! The transactional outbox: emails are rows written with the change that causes them,
//! and a dispatcher claims, sends and settles them ([`dispatch`]). Admin views are in
//! [`admin`]. The `not_before` column is the schedule: a reminder is a row that waits, so
//! it survives restarts and is cancelled or moved with the record it is about.
pub mod admin;
pub mod dispatch;

use chrono::{DateTime, Utc};
use cxc_domain::notify::{Attachment, Email, EmailKind, Frame, OutboxStatus};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, prelude::Expr};
use uuid::Uuid;

use super::{Store, new_id};
use crate::{
    RepoError, RepoResult, Stored,
    entities::{outbox, users},
};

pub use admin::{OutboxFilter, OutboxStats};

/// What a use case wants sent; rendered and stored by [`Store::enqueue`].
#[derive(Debug, Clone)]
pub struct Envelope {
    /// The kind and its typed facts.
    pub email: Email,
    pub to_email: String,
    /// Every email greets its recipient by this name.
    pub to_name: String,
    pub to_user_id: Option<Uuid>,
    pub locale: String,
    pub reminders_wanted: bool,
    pub attachments: Vec<Attachment>,
    /// The record the message is about (application, visit), for evidence and cancelling.
    pub subject_id: Option<Uuid>,
    /// Scheduled messages wait until this moment.
    pub not_before: Option<DateTime<Utc>>,
}

impl Envelope {
    #[must_use]
    pub fn to_user(u: &users::Model, email: Email) -> Self {
        Self {
            email,
            to_email: u.email.clone(),
            to_name: u.full_name.clone(),
            to_user_id: Some(u.id),
            locale: u.locale.clone(),
            reminders_wanted: u.reminders,
            attachments: Vec::new(),
            subject_id: None,
            not_before: None,
        }
    }

    #[must_use]
    pub fn about(mut self, id: Uuid) -> Self {
        self.subject_id = Some(id);
        self
    }

    /// Schedules the message: it is not sent before `when` (a past moment means now).
    #[must_use]
    pub fn at(mut self, when: DateTime<Utc>) -> Self {
        self.not_before = Some(when);
        self
    }

    #[must_use]
    pub fn attach(mut self, filename: &str, content_type: &str, content: String) -> Self {
        self.attachments.push(Attachment {
            filename: filename.to_owned(),
            content_type: content_type.to_owned(),
            content,
        });
        self
    }
}

impl Store {
    /// Renders and stores one email in the caller's transaction. Optional kinds
    /// (reminders) are skipped for users who opted out, and carry a signed one-click
    /// unsubscribe link (RFC 8058).
    ///
    /// # Errors
    /// When rendering fails (a bug, not user input) or the insert fails.
    pub async fn enqueue<C: ConnectionTrait>(&self, conn: &C, env: Envelope) -> RepoResult<()> {
        self.enqueue_many(conn, vec![env]).await
    }

    /// [`Store::enqueue`] of several emails (the messages of one change), stored with one
    /// multi-row `INSERT` per 500 rows instead of one statement each.
    ///
    /// # Errors
    /// When rendering fails (a bug, not user input) or the insert fails.
    pub async fn enqueue_many<C: ConnectionTrait>(
        &self,
        conn: &C,
        envs: Vec<Envelope>,
    ) -> RepoResult<()> {
        let mut rows = Vec::with_capacity(envs.len());
        for env in envs {
            rows.extend(self.outbox_row(env)?);
        }
        // Twenty-two values a row stays far below either database's limit on bound values.
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<outbox::ActiveModel> = rows.by_ref().take(500).collect();
            outbox::Entity::insert_many(chunk)
                .exec_without_returning(conn)
                .await?;
        }
        Ok(())
    }

    /// The rendered row of one email; `None` for a reminder that is not wanted or too late.
    fn outbox_row(&self, env: Envelope) -> RepoResult<Option<outbox::ActiveModel>> {
        let optional = env.email.is_optional();
        if optional && !env.reminders_wanted {
            return Ok(None);
        }
        let now = self.now();
        // A reminder of something that has already begun is noise, not a reminder.
        if optional && env.not_before.is_some_and(|at| at <= now) {
            return Ok(None);
        }
        let kind = env.email.kind();
        let id = new_id();
        let unsubscribe = optional
            .then(|| env.to_user_id.map(|u| self.unsubscribe_url(u)))
            .flatten();
        let frame = Frame {
            recipient_name: env.to_name.clone(),
            app_url: self.public_url.clone(),
            unsubscribe_url: unsubscribe.clone(),
        };
        let r = self
            .mail
            .render(&env.email, &frame, &env.locale)
            .map_err(|cause| RepoError::Template { kind, cause })?;
        Ok(Some(outbox::ActiveModel {
            id: Set(id),
            message_id: Set(format!("{id}@{}", self.mail_domain)),
            kind: Set(kind),
            to_email: Set(env.to_email),
            to_name: Set(Some(env.to_name)),
            to_user_id: Set(env.to_user_id),
            locale: Set(env.locale),
            subject: Set(r.subject),
            body_text: Set(r.text),
            body_html: Set(r.html),
            attachments: Set(Stored(env.attachments)),
            optional: Set(optional),
            list_unsubscribe_url: Set(unsubscribe),
            subject_id: Set(env.subject_id),
            status: Set(OutboxStatus::Pending),
            attempts: Set(0),
            not_before: Set(env.not_before.unwrap_or(now)),
            locked_until: Set(None),
            locked_by: Set(None),
            last_error: Set(None),
            created_at: Set(now),
            sent_at: Set(None),
        }))
    }

    /// Drops scheduled messages of these kinds about `subject` that have not gone yet
    /// (e.g. the reminder of a cancelled exchange).
    ///
    /// # Errors
    /// Database failures only.
    pub async fn unschedule<C: ConnectionTrait>(
        &self,
        conn: &C,
        subject: Uuid,
        kinds: &[EmailKind],
    ) -> RepoResult<()> {
        outbox::Entity::delete_many()
            .filter(outbox::Column::SubjectId.eq(subject))
            .filter(outbox::Column::Kind.is_in(kinds.iter().copied()))
            .filter(outbox::Column::Status.eq(OutboxStatus::Pending))
            .filter(outbox::Column::NotBefore.gt(self.now()))
            .exec(conn)
            .await?;
        Ok(())
    }

    /// Moves scheduled messages of these kinds about `subject` that have not gone yet to
    /// `when` (e.g. the start reminder of an exchange whose dates changed). Returns how
    /// many moved; zero means there was nothing scheduled, so the caller may enqueue.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn reschedule<C: ConnectionTrait>(
        &self,
        conn: &C,
        subject: Uuid,
        kinds: &[EmailKind],
        when: DateTime<Utc>,
    ) -> RepoResult<u64> {
        let res = outbox::Entity::update_many()
            .col_expr(outbox::Column::NotBefore, Expr::value(when))
            .filter(outbox::Column::SubjectId.eq(subject))
            .filter(outbox::Column::Kind.is_in(kinds.iter().copied()))
            .filter(outbox::Column::Status.eq(OutboxStatus::Pending))
            .filter(outbox::Column::NotBefore.gt(self.now()))
            .exec(conn)
            .await?;
        Ok(res.rows_affected)
    }

    /// Drops the optional messages (reminders) still waiting for a user who opted out,
    /// so an unsubscribe also stops what was scheduled before it.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn drop_optional_for<C: ConnectionTrait>(
        &self,
        conn: &C,
        user_id: Uuid,
    ) -> RepoResult<u64> {
        let res = outbox::Entity::delete_many()
            .filter(outbox::Column::ToUserId.eq(user_id))
            .filter(outbox::Column::Optional.eq(true))
            .filter(outbox::Column::Status.eq(OutboxStatus::Pending))
            .exec(conn)
            .await?;
        Ok(res.rows_affected)
    }
}
