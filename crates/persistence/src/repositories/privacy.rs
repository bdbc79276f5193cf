//! Data protection: a user's own data export, erasure (anonymisation that keeps financial
//! and audit records), the retention job, and consistent SQLite backups.
use chrono::Duration;
use cxc_domain::notify::OutboxStatus;
use sea_orm::sea_query::ExprTrait;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, prelude::Expr};
use serde_json::{Value, json};
use uuid::Uuid;

use super::{Store, applications::status_in_public};
use crate::{
    Backend, RepoError, RepoResult,
    entities::{
        applications, organisation_contacts, outbox, registrations, role_grants, sessions, users,
    },
};

const ERASED: &str = "[erased]";

fn anonymous_participant() -> Value {
    json!({"full_name": ERASED, "email": "", "job_title": "", "nationality": "", "base_country": ""})
}

impl Store {
    /// Everything stored about the user, as one JSON document (GDPR art. 15 and 20).
    ///
    /// # Errors
    /// Database failures only.
    pub async fn export_user(&self, user: Uuid) -> RepoResult<Value> {
        let c = &self.db.conn;
        let u = users::Entity::find_by_id(user)
            .one(c)
            .await?
            .ok_or(RepoError::NotFound)?;
        let grants = role_grants::Entity::find()
            .filter(role_grants::Column::UserId.eq(user))
            .all(c)
            .await?;
        let orgs = self.organisation_ids_of(user).await?;
        let apps = applications::Entity::find()
            .filter(applications::Column::ApplicantId.eq(user))
            .all(c)
            .await?;
        let regs = registrations::Entity::find()
            .filter(registrations::Column::UserId.eq(user))
            .all(c)
            .await?;
        let mails = outbox::Entity::find()
            .filter(outbox::Column::ToUserId.eq(user))
            .order_by_asc(outbox::Column::Id)
            .all(c)
            .await?;
        let sessions = sessions::Entity::find()
            .filter(sessions::Column::UserId.eq(user))
            .all(c)
            .await?;
        Ok(json!({
            "exported_at": self.now(),
            "account": {"id": u.id, "email": u.email, "full_name": u.full_name, "locale": u.locale, "role": u.role, "reminders": u.reminders, "created_at": u.created_at},
            "role_grants": grants.iter().map(|g| json!({"role": g.role, "partnership_id": g.partnership_id, "granted_at": g.created_at})).collect::<Vec<_>>(),
            "organisation_ids": orgs,
            "applications": apps.iter().map(|a| json!({"id": a.id, "status": a.status, "participant": a.participant, "start_date": a.start_date, "end_date": a.end_date, "objectives": a.objectives, "created_at": a.created_at})).collect::<Vec<_>>(),
            "group_visit_registrations": regs.iter().map(|r| json!({"id": r.id, "visit_id": r.visit_id, "item_id": r.item_id, "status": r.status, "created_at": r.created_at})).collect::<Vec<_>>(),
            "emails": mails.iter().map(|m| json!({"kind": m.kind, "subject": m.subject, "status": m.status, "created_at": m.created_at, "sent_at": m.sent_at})).collect::<Vec<_>>(),
            "sessions": sessions.iter().map(|s| json!({"created_at": s.created_at, "expires_at": s.expires_at, "revoked": s.revoked_at.is_some()})).collect::<Vec<_>>(),
        }))
    }

    /// Erases the user: personal data anonymised, sessions revoked, contact roles removed,
    /// unsent mail dropped; applications, history and payments stay (financial and audit
    /// records), with the participant anonymised.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn erase_user(&self, user: Uuid) -> RepoResult<()> {
        let tx = self.db.write().await?;
        let now = self.now();
        users::Entity::update_many()
            .col_expr(
                users::Column::Email,
                Expr::value(format!("erased-{user}@invalid")),
            )
            .col_expr(users::Column::FullName, Expr::value(ERASED))
            .col_expr(users::Column::PasswordHash, Expr::value("!"))
            .col_expr(users::Column::Reminders, Expr::value(false))
            .col_expr(users::Column::ErasedAt, Expr::value(now))
            .col_expr(
                users::Column::Version,
                Expr::col(users::Column::Version).add(1),
            )
            .filter(users::Column::Id.eq(user))
            .exec(&tx.tx)
            .await?;
        sessions::Entity::update_many()
            .col_expr(sessions::Column::RevokedAt, Expr::value(now))
            .filter(sessions::Column::UserId.eq(user))
            .filter(sessions::Column::RevokedAt.is_null())
            .exec(&tx.tx)
            .await?;
        organisation_contacts::Entity::delete_many()
            .filter(organisation_contacts::Column::UserId.eq(user))
            .exec(&tx.tx)
            .await?;
        applications::Entity::update_many()
            .col_expr(
                applications::Column::Participant,
                Expr::value(anonymous_participant()),
            )
            .col_expr(applications::Column::AnonymisedAt, Expr::value(now))
            .filter(applications::Column::ApplicantId.eq(user))
            .exec(&tx.tx)
            .await?;
        outbox::Entity::delete_many()
            .filter(outbox::Column::ToUserId.eq(user))
            .filter(outbox::Column::Status.is_in([OutboxStatus::Pending, OutboxStatus::Failed]))
            .exec(&tx.tx)
            .await?;
        anonymise_mail(&tx.tx, outbox::Column::ToUserId.eq(user)).await?;
        tx.commit().await?;
        self.auth_cache.invalidate();
        Ok(())
    }

    /// Anonymises the participants of exchanges closed longer than `days` ago.
    /// Returns how many applications were anonymised.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn apply_retention(&self, days: i64) -> RepoResult<u64> {
        use cxc_domain::workflow::Status;
        let cutoff = self.now() - Duration::days(days);
        let closed = [
            Status::Paid,
            Status::Rejected,
            Status::Withdrawn,
            Status::Cancelled,
        ];
        let tx = self.db.write().await?;
        let res = applications::Entity::update_many()
            .col_expr(
                applications::Column::Participant,
                Expr::value(anonymous_participant()),
            )
            .filter(status_in_public(&closed))
            .filter(applications::Column::UpdatedAt.lt(cutoff))
            .col_expr(applications::Column::AnonymisedAt, Expr::value(self.now()))
            .filter(applications::Column::AnonymisedAt.is_null())
            .exec(&tx.tx)
            .await?;
        tx.commit().await?;
        Ok(res.rows_affected)
    }

    /// A consistent online copy of the SQLite database (`VACUUM INTO`); other writers
    /// keep working while it runs.
    ///
    /// # Errors
    /// `Invalid` on PostgreSQL (use `pg_dump`), or when the target exists.
    pub async fn backup_sqlite(&self, target: &std::path::Path) -> RepoResult<()> {
        if self.db.backend() != Backend::Sqlite {
            return Err(RepoError::invalid(
                "database",
                "unsupported",
                "backups of PostgreSQL are made with pg_dump / pg_basebackup",
            ));
        }
        if target.exists() {
            return Err(RepoError::invalid(
                "to",
                "exists",
                format!("{} already exists", target.display()),
            ));
        }
        let path = target.to_string_lossy().replace('\'', "''");
        self.db
            .conn
            .execute_unprepared(&format!("VACUUM INTO '{path}'"))
            .await?;
        Ok(())
    }
}

async fn anonymise_mail<C: ConnectionTrait>(
    conn: &C,
    filter: sea_orm::sea_query::SimpleExpr,
) -> RepoResult<()> {
    outbox::Entity::update_many()
        .col_expr(outbox::Column::ToEmail, Expr::value("erased@invalid"))
        .col_expr(outbox::Column::ToName, Expr::value(Option::<String>::None))
        .col_expr(outbox::Column::BodyText, Expr::value(ERASED))
        .col_expr(outbox::Column::BodyHtml, Expr::value(ERASED))
        .col_expr(outbox::Column::Attachments, Expr::value(json!([])))
        .filter(filter)
        .exec(conn)
        .await?;
    Ok(())
}

impl Store {
    /// Everything an auditor needs about one exchange, as one document: the application,
    /// its hash-chained history (with the verification result), commitment, closing
    /// report, payment and every email sent about it.
    ///
    /// # Errors
    /// `NotFound` for an unknown id.
    pub async fn evidence_pack(&self, id: Uuid) -> RepoResult<Value> {
        let app = applications::Entity::find_by_id(id)
            .one(&self.db.conn)
            .await?
            .ok_or(RepoError::NotFound)?;
        let history = self.history(id).await?;
        let mut prev = super::applications::GENESIS.to_owned();
        let mut intact = true;
        for e in &history {
            intact &= e.prev_hash == prev && super::applications::entry_hash(e) == e.hash;
            prev.clone_from(&e.hash);
        }
        let mails = self.outbox_about(id).await?;
        Ok(json!({
            "generated_at": self.now(),
            "application": app,
            "history": history,
            "history_intact": intact,
            "commitment": self.commitment(id).await?,
            "closing_report": self.closing_report(id).await?,
            "payment": self.payment(id).await?,
            "emails": mails.iter().map(|m| json!({
                "message_id": m.message_id, "kind": m.kind, "to": m.to_email, "subject": m.subject,
                "status": m.status, "attempts": m.attempts, "created_at": m.created_at, "sent_at": m.sent_at,
            })).collect::<Vec<_>>(),
        }))
    }
}
