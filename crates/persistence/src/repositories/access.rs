//! Taking access away and the trail of who gave and took it: admins list users with
//! their grants, revoke a grant, disable and re-enable an account, end someone's
//! sessions. Every grant, revocation and account change writes an `access_audit` row in
//! the same transaction.
//!
//! A change takes effect at once on every server process: authentication checks the
//! disabled flag and the session in the database, and every state-changing request
//! authenticates from the database (the one-second cache serves only reads, see
//! `accounts::authenticate`).
use chrono::{DateTime, Utc};
use cxc_domain::{
    account::AuditAction,
    policy::{self, AccountAction, AccountRole, Role},
};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, prelude::Expr,
};
use uuid::Uuid;

use super::{Store, accounts::Caller, new_id};
use crate::{
    RepoError, RepoResult,
    entities::{access_audit, role_grants, sessions, users},
};

/// A user and their grants, for the admin list.
#[derive(Debug, Clone)]
pub struct UserWithGrants {
    pub user: users::Model,
    pub grants: Vec<role_grants::Model>,
}

#[derive(Debug, Clone, Default)]
pub struct UserFilter {
    /// Part of the email or name, case-insensitive.
    pub q: Option<String>,
    pub after: Option<Uuid>,
    pub limit: u64,
}

#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Entries about this user.
    pub subject: Option<Uuid>,
    pub after: Option<Uuid>,
    pub limit: u64,
}

/// One audit entry to write.
pub(crate) struct Audit {
    pub actor: Uuid,
    pub subject: Uuid,
    pub action: AuditAction,
    pub role: Option<Role>,
    pub partnership: Option<Uuid>,
    pub detail: Option<String>,
}

pub(crate) async fn audit<C: ConnectionTrait>(
    conn: &C,
    at: DateTime<Utc>,
    a: Audit,
) -> RepoResult<()> {
    access_audit::ActiveModel {
        id: Set(new_id()),
        at: Set(at),
        actor_id: Set(a.actor),
        subject_id: Set(a.subject),
        action: Set(a.action),
        role: Set(a.role),
        partnership_id: Set(a.partnership),
        detail: Set(a.detail),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Ends every live session of `user`.
pub(crate) async fn end_sessions_of<C: ConnectionTrait>(
    conn: &C,
    user: Uuid,
    at: DateTime<Utc>,
) -> RepoResult<u64> {
    Ok(sessions::Entity::update_many()
        .col_expr(sessions::Column::RevokedAt, Expr::value(at))
        .filter(sessions::Column::UserId.eq(user))
        .filter(sessions::Column::RevokedAt.is_null())
        .exec(conn)
        .await?
        .rows_affected)
}

/// The headline role after grants changed: the strongest remaining grant, else
/// `applicant`. An admin made on the command line holds no admin grant row and stays
/// admin unless it is their admin role being taken away.
pub(crate) fn headline(admin_without_grant: bool, grants: &[role_grants::Model]) -> AccountRole {
    AccountRole::headline(admin_without_grant, grants.iter().map(|g| g.role))
}

impl Store {
    /// Users in id order with their grants (admin).
    ///
    /// # Errors
    /// `Denied` for non-admins.
    pub async fn list_users(
        &self,
        caller: &Caller,
        f: &UserFilter,
    ) -> RepoResult<Vec<UserWithGrants>> {
        policy::account_action(&caller.actor, AccountAction::ListUsers)?;
        let mut q = users::Entity::find()
            .filter(users::Column::ErasedAt.is_null())
            .order_by_asc(users::Column::Id);
        if let Some(text) = f.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            let like = format!("%{}%", text.to_lowercase().replace(['%', '_'], ""));
            q = q.filter(
                sea_orm::Condition::any()
                    .add(users::Column::Email.like(like.clone()))
                    .add(
                        Expr::expr(sea_orm::sea_query::Func::lower(Expr::col(
                            users::Column::FullName,
                        )))
                        .like(like),
                    ),
            );
        }
        if let Some(a) = f.after {
            q = q.filter(users::Column::Id.gt(a));
        }
        let users = q.limit(f.limit + 1).all(&self.db.conn).await?;
        let ids: Vec<Uuid> = users.iter().map(|u| u.id).collect();
        let grants = role_grants::Entity::find()
            .filter(role_grants::Column::UserId.is_in(ids))
            .order_by_asc(role_grants::Column::Id)
            .all(&self.db.conn)
            .await?;
        Ok(users
            .into_iter()
            .map(|user| UserWithGrants {
                grants: grants
                    .iter()
                    .filter(|g| g.user_id == user.id)
                    .cloned()
                    .collect(),
                user,
            })
            .collect())
    }

    /// One user with their grants (admin).
    ///
    /// # Errors
    /// `Denied`, `NotFound`.
    pub async fn user_with_grants(&self, caller: &Caller, id: Uuid) -> RepoResult<UserWithGrants> {
        policy::account_action(&caller.actor, AccountAction::ListUsers)?;
        self.with_grants(&self.db.conn, id).await
    }

    async fn with_grants<C: ConnectionTrait>(
        &self,
        conn: &C,
        id: Uuid,
    ) -> RepoResult<UserWithGrants> {
        let user = users::Entity::find_by_id(id)
            .one(conn)
            .await?
            .filter(|u| u.erased_at.is_none())
            .ok_or(RepoError::NotFound)?;
        let grants = role_grants::Entity::find()
            .filter(role_grants::Column::UserId.eq(id))
            .order_by_asc(role_grants::Column::Id)
            .all(conn)
            .await?;
        Ok(UserWithGrants { user, grants })
    }

    /// Takes one grant away; the headline role follows the remaining grants.
    ///
    /// # Errors
    /// `Denied` (non-admin, own admin role), `NotFound` (no such grant of this user).
    pub async fn revoke_grant(
        &self,
        caller: &Caller,
        user_id: Uuid,
        grant_id: Uuid,
    ) -> RepoResult<UserWithGrants> {
        let tx = self.db.write().await?;
        let grant = role_grants::Entity::find_by_id(grant_id)
            .filter(role_grants::Column::UserId.eq(user_id))
            .one(&tx.tx)
            .await?
            .ok_or(RepoError::NotFound)?;
        let role = grant.role;
        policy::account_action(
            &caller.actor,
            AccountAction::Revoke {
                target: user_id,
                role,
            },
        )?;
        role_grants::Entity::delete_by_id(grant_id)
            .exec(&tx.tx)
            .await?;
        let mut out = self.with_grants(&tx.tx, user_id).await?;
        let role_now = headline(
            out.user.role == AccountRole::Admin && role != Role::Admin,
            &out.grants,
        );
        if role_now != out.user.role {
            let mut am: users::ActiveModel = out.user.clone().into();
            am.role = Set(role_now);
            am.version = Set(out.user.version + 1);
            // The grants are as read after the deletion; only the user row changed.
            out.user = am.update(&tx.tx).await?;
        }
        audit(
            &tx.tx,
            self.now(),
            Audit {
                actor: caller.id(),
                subject: user_id,
                action: AuditAction::Revoke,
                role: Some(grant.role),
                partnership: grant.partnership_id,
                detail: None,
            },
        )
        .await?;
        tx.commit().await?;
        self.auth_cache.invalidate();
        Ok(out)
    }

    /// Disables (`true`) or re-enables an account. Disabling ends its sessions at once.
    ///
    /// # Errors
    /// `Denied` (non-admin, oneself), `NotFound`.
    pub async fn set_disabled(
        &self,
        caller: &Caller,
        user_id: Uuid,
        disabled: bool,
        reason: Option<String>,
    ) -> RepoResult<UserWithGrants> {
        let action = if disabled {
            AccountAction::Disable { target: user_id }
        } else {
            AccountAction::Enable { target: user_id }
        };
        policy::account_action(&caller.actor, action)?;
        let tx = self.db.write().await?;
        let mut out = self.with_grants(&tx.tx, user_id).await?;
        let changed = out.user.disabled_at.is_some() != disabled;
        if changed {
            let mut am: users::ActiveModel = out.user.clone().into();
            am.disabled_at = Set(disabled.then(|| self.now()));
            am.version = Set(out.user.version + 1);
            // The grants are as read; only the user row changed.
            out.user = am.update(&tx.tx).await?;
        }
        if disabled {
            end_sessions_of(&tx.tx, user_id, self.now()).await?;
        }
        if changed {
            audit(
                &tx.tx,
                self.now(),
                Audit {
                    actor: caller.id(),
                    subject: user_id,
                    action: if disabled {
                        AuditAction::Disable
                    } else {
                        AuditAction::Enable
                    },
                    role: None,
                    partnership: None,
                    detail: reason,
                },
            )
            .await?;
        }
        tx.commit().await?;
        self.auth_cache.invalidate();
        Ok(out)
    }

    /// Ends every session of a user (admin); returns how many were live.
    ///
    /// # Errors
    /// `Denied`, `NotFound`.
    pub async fn end_sessions(&self, caller: &Caller, user_id: Uuid) -> RepoResult<u64> {
        policy::account_action(
            &caller.actor,
            AccountAction::EndSessions { target: user_id },
        )?;
        let tx = self.db.write().await?;
        self.with_grants(&tx.tx, user_id).await?;
        let n = end_sessions_of(&tx.tx, user_id, self.now()).await?;
        audit(
            &tx.tx,
            self.now(),
            Audit {
                actor: caller.id(),
                subject: user_id,
                action: AuditAction::EndSessions,
                role: None,
                partnership: None,
                detail: Some(format!("{n} live sessions ended")),
            },
        )
        .await?;
        tx.commit().await?;
        self.auth_cache.invalidate();
        Ok(n)
    }

    /// The audit trail, newest first (admin).
    ///
    /// # Errors
    /// `Denied`.
    pub async fn list_access_audit(
        &self,
        caller: &Caller,
        f: &AuditFilter,
    ) -> RepoResult<Vec<access_audit::Model>> {
        policy::account_action(&caller.actor, AccountAction::ReadAudit)?;
        let mut q = access_audit::Entity::find().order_by_desc(access_audit::Column::Id);
        if let Some(s) = f.subject {
            q = q.filter(access_audit::Column::SubjectId.eq(s));
        }
        if let Some(a) = f.after {
            q = q.filter(access_audit::Column::Id.lt(a));
        }
        Ok(q.limit(f.limit + 1).all(&self.db.conn).await?)
    }
}
