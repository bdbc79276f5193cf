//! Users, sessions (bearer tokens), role grants and preferences; the lifecycle by email
//! ([`tokens`]) and the shared throttle counters ([`throttle`]).
pub mod throttle;
pub mod tokens;

use chrono::{DateTime, Utc};
use cxc_domain::{
    account::AuditAction,
    policy::{self, AccountRole, Actor, Grant, Grantee, Role},
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, JoinType, QueryFilter,
    QuerySelect, RelationDef, Set, Statement, prelude::Expr,
};
use uuid::Uuid;

use super::{Store, access, new_id, outbox::Envelope};
use crate::{
    RepoError, RepoResult,
    entities::{organisation_contacts, role_grants, sessions, users},
};
use cxc_domain::notify::Email;

/// The authenticated caller with everything authorisation needs.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: users::Model,
    pub session_id: Uuid,
    /// Organisations the caller is a contact of, read with the session.
    pub organisations: Vec<Uuid>,
    /// The same facts as the access policy sees them (`cxc_domain::policy`).
    pub actor: Actor,
}

/// A caller's grants (`g`) and the organisations they are a contact of (`o`), in one
/// round trip.
const AUTHZ_SQL: &str = "SELECT 'g' AS kind, role, partnership_id AS id FROM role_grants WHERE user_id = ? \
     UNION ALL SELECT 'o' AS kind, NULL AS role, organisation_id AS id FROM organisation_contacts WHERE user_id = ?";

impl Caller {
    /// `grants`: the caller's role grants (`None` partnership: every partnership).
    #[must_use]
    pub fn new(
        user: users::Model,
        session_id: Uuid,
        grants: Vec<Grant>,
        organisations: Vec<Uuid>,
    ) -> Self {
        let actor = Actor {
            id: user.id,
            admin: user.role == AccountRole::Admin,
            grants,
            organisations: organisations.clone(),
        };
        Self {
            user,
            session_id,
            organisations,
            actor,
        }
    }

    #[must_use]
    pub fn id(&self) -> Uuid {
        self.user.id
    }

    /// Whether the caller proved their address (issue 12). Unverified accounts may sign
    /// in and read, but not create organisations, be named a contact or receive a grant;
    /// the access policy asks this.
    #[must_use]
    pub fn is_verified(&self) -> bool {
        self.user.email_verified_at.is_some()
    }

    #[must_use]
    pub fn is_admin(&self) -> bool {
        self.actor.admin
    }

    /// Coordinator of this partnership (admins count as coordinators everywhere).
    #[must_use]
    pub fn coordinates(&self, partnership: Uuid) -> bool {
        self.actor.coordinates(partnership)
    }

    /// Partner or coordinator of this partnership.
    #[must_use]
    pub fn works_for(&self, partnership: Uuid) -> bool {
        self.actor.works_for(partnership)
    }

    /// Partnerships the caller works for; `None` means all (admin or unscoped grant).
    #[must_use]
    pub fn partnerships(&self) -> Option<Vec<Uuid>> {
        self.actor.partnerships()
    }
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub password_hash: String,
    pub full_name: &'a str,
    pub locale: &'a str,
    pub role: AccountRole,
}

impl Store {
    /// Creates a verified account and queues the welcome email: the path of operators
    /// (`cxc admin create`, the demo seed), who vouch for the address. Self-registration
    /// goes through [`Store::register_user`], which leaves the account unverified.
    ///
    /// # Errors
    /// `Conflict` when the email is taken.
    pub async fn create_user(&self, u: NewUser<'_>) -> RepoResult<users::Model> {
        let tx = self.db.write().await?;
        let user = self.insert_user(&tx.tx, u, Some(self.now())).await?;
        self.enqueue(&tx.tx, Envelope::to_user(&user, Email::Welcome))
            .await?;
        tx.commit().await?;
        Ok(user)
    }

    /// # Errors
    /// `Conflict` when the email is taken.
    pub(super) async fn insert_user<C: ConnectionTrait>(
        &self,
        conn: &C,
        u: NewUser<'_>,
        verified_at: Option<DateTime<Utc>>,
    ) -> RepoResult<users::Model> {
        let model = users::ActiveModel {
            id: Set(new_id()),
            email: Set(u.email.to_lowercase()),
            password_hash: Set(u.password_hash),
            full_name: Set(u.full_name.to_owned()),
            locale: Set(u.locale.to_owned()),
            role: Set(u.role),
            reminders: Set(true),
            created_at: Set(self.now()),
            erased_at: Set(None),
            version: Set(1),
            disabled_at: Set(None),
            email_verified_at: Set(verified_at),
        };
        // A taken address is `email_taken` (`constraints::UNIQUE`).
        Ok(model.insert(conn).await?)
    }

    /// # Errors
    /// Database failures only.
    pub async fn user_by_email(&self, email: &str) -> RepoResult<Option<users::Model>> {
        Ok(users::Entity::find()
            .filter(users::Column::Email.eq(email.to_lowercase()))
            .filter(users::Column::ErasedAt.is_null())
            .one(&self.db.conn)
            .await?)
    }

    /// # Errors
    /// `NotFound` for an unknown id.
    pub async fn user(&self, id: Uuid) -> RepoResult<users::Model> {
        users::Entity::find_by_id(id)
            .one(&self.db.conn)
            .await?
            .ok_or(RepoError::NotFound)
    }

    /// # Errors
    /// Database failures only.
    pub async fn create_session(
        &self,
        user_id: Uuid,
        token_hash: String,
        expires_at: DateTime<Utc>,
    ) -> RepoResult<()> {
        let tx = self.db.write().await?;
        let disabled = users::Entity::find_by_id(user_id)
            .one(&tx.tx)
            .await?
            .is_none_or(|u| u.disabled_at.is_some());
        if disabled {
            return Err(RepoError::Denied(policy::Denied::forbidden(
                "account_disabled",
                "this account is disabled; ask an administrator",
            )));
        }
        sessions::ActiveModel {
            id: Set(new_id()),
            user_id: Set(user_id),
            token_hash: Set(token_hash),
            created_at: Set(self.now()),
            expires_at: Set(expires_at),
            revoked_at: Set(None),
        }
        .insert(&tx.tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The caller behind a token hash, when the session is live. Every authenticated
    /// request runs this: two round trips (the session with its user, then the grants
    /// and organisation contacts together), or none when the token was seen within the
    /// last second (see `auth_cache`).
    ///
    /// # Errors
    /// Database failures only.
    pub async fn authenticate(&self, token_hash: &str) -> RepoResult<Option<Caller>> {
        self.authenticate_for(token_hash, true).await
    }

    /// [`Store::authenticate`]; `cached: false` always asks the database. Requests that
    /// change state pass `false`, so a disabled account, an ended session or a revoked
    /// grant stops every write at once on every server process; reads may be served
    /// from this process's one-second cache.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn authenticate_for(
        &self,
        token_hash: &str,
        cached: bool,
    ) -> RepoResult<Option<Caller>> {
        if cached && let Some(c) = self.auth_cache.get(token_hash, self.now()) {
            return Ok(Some(c));
        }
        let generation = self.auth_cache.generation();
        let session_user: RelationDef = sessions::Entity::belongs_to(users::Entity)
            .from(sessions::Column::UserId)
            .to(users::Column::Id)
            .into();
        let Some((user, Some(session))) = users::Entity::find()
            .join(JoinType::InnerJoin, session_user.rev())
            .select_also(sessions::Entity)
            .filter(sessions::Column::TokenHash.eq(token_hash))
            .filter(sessions::Column::RevokedAt.is_null())
            .filter(sessions::Column::ExpiresAt.gt(self.now()))
            .filter(users::Column::ErasedAt.is_null())
            .filter(users::Column::DisabledAt.is_null())
            .one(&self.db.conn)
            .await?
        else {
            return Ok(None);
        };
        let backend = self.db.conn.get_database_backend();
        let sql = match backend {
            DbBackend::Postgres => AUTHZ_SQL.replacen('?', "$1", 1).replacen('?', "$2", 1),
            _ => AUTHZ_SQL.to_owned(),
        };
        let rows = self
            .db
            .conn
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [user.id.into(), user.id.into()],
            ))
            .await?;
        let (mut grants, mut organisations) = (Vec::new(), Vec::new());
        for r in rows {
            let kind: String = r.try_get("", "kind")?;
            let id: Option<Uuid> = r.try_get("", "id")?;
            if kind == "g" {
                // An unknown stored role is an error, as on `role_grants` itself.
                grants.push(Grant {
                    role: r.try_get::<Role>("", "role")?,
                    partnership: id,
                });
            } else if let Some(id) = id {
                organisations.push(id);
            }
        }
        let caller = Caller::new(user, session.id, grants, organisations);
        self.auth_cache
            .put(token_hash, caller.clone(), session.expires_at, generation);
        Ok(Some(caller))
    }

    /// # Errors
    /// Database failures only.
    pub async fn revoke_session(&self, session_id: Uuid) -> RepoResult<()> {
        let tx = self.db.write().await?;
        sessions::Entity::update_many()
            .col_expr(sessions::Column::RevokedAt, Expr::value(self.now()))
            .filter(sessions::Column::Id.eq(session_id))
            .exec(&tx.tx)
            .await?;
        tx.commit().await?;
        self.auth_cache.invalidate();
        Ok(())
    }

    /// Organisations the user is a contact of.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn organisation_ids_of(&self, user_id: Uuid) -> RepoResult<Vec<Uuid>> {
        Ok(organisation_contacts::Entity::find()
            .select_only()
            .column(organisation_contacts::Column::OrganisationId)
            .filter(organisation_contacts::Column::UserId.eq(user_id))
            .into_tuple::<Uuid>()
            .all(&self.db.conn)
            .await?)
    }

    /// Grants `partner`/`coordinator` (scoped to a partnership when given) or `admin`.
    /// The user's headline role becomes the granted one unless they are an admin.
    ///
    /// # Errors
    /// `NotFound` for an unknown user; `Conflict` for an unverified one.
    pub async fn grant_role(
        &self,
        user_id: Uuid,
        granted: Role,
        partnership: Option<Uuid>,
        by: Uuid,
    ) -> RepoResult<users::Model> {
        let tx = self.db.write().await?;
        let user = users::Entity::find_by_id(user_id)
            .one(&tx.tx)
            .await?
            .filter(|u| u.erased_at.is_none())
            .ok_or(RepoError::NotFound)?;
        let grantee = Grantee {
            id: user.id,
            // A grant goes to the person who owns the address, so the address must be
            // proven (issue 12: whoever registers a colleague's address first would
            // receive it).
            verified: user.email_verified_at.is_some(),
            disabled: user.disabled_at.is_some(),
        };
        policy::may_receive(&grantee, granted)?;
        let exists = role_grants::Entity::find()
            .filter(role_grants::Column::UserId.eq(user_id))
            .filter(role_grants::Column::Role.eq(granted))
            .filter(match partnership {
                Some(p) => role_grants::Column::PartnershipId.eq(p),
                None => role_grants::Column::PartnershipId.is_null(),
            })
            .one(&tx.tx)
            .await?
            .is_some();
        if !exists {
            role_grants::ActiveModel {
                id: Set(new_id()),
                user_id: Set(user_id),
                role: Set(granted),
                partnership_id: Set(partnership),
                granted_by: Set(by),
                created_at: Set(self.now()),
            }
            .insert(&tx.tx)
            .await?;
            access::audit(
                &tx.tx,
                self.now(),
                access::Audit {
                    actor: by,
                    subject: user_id,
                    action: AuditAction::Grant,
                    role: Some(granted),
                    partnership,
                    detail: None,
                },
            )
            .await?;
        }
        // The headline role is the highest one held, worked out as a revocation does
        // (granting "partner" to a coordinator must not demote them).
        let grants = role_grants::Entity::find()
            .filter(role_grants::Column::UserId.eq(user_id))
            .all(&tx.tx)
            .await?;
        let headline = access::headline(user.role == AccountRole::Admin, &grants);
        let user = if headline == user.role {
            user
        } else {
            let mut am: users::ActiveModel = user.clone().into();
            am.role = Set(headline);
            am.version = Set(user.version + 1);
            am.update(&tx.tx).await?
        };
        tx.commit().await?;
        self.auth_cache.invalidate();
        Ok(user)
    }

    /// # Errors
    /// Database failures only.
    pub async fn set_preferences(
        &self,
        user_id: Uuid,
        locale: &str,
        reminders: bool,
    ) -> RepoResult<users::Model> {
        let tx = self.db.write().await?;
        let user = users::Entity::find_by_id(user_id)
            .one(&tx.tx)
            .await?
            .ok_or(RepoError::NotFound)?;
        let mut am: users::ActiveModel = user.clone().into();
        am.locale = Set(locale.to_owned());
        am.reminders = Set(reminders);
        am.version = Set(user.version + 1);
        let user = am.update(&tx.tx).await?;
        if !reminders {
            self.drop_optional_for(&tx.tx, user_id).await?;
        }
        tx.commit().await?;
        self.auth_cache.invalidate();
        Ok(user)
    }
}
