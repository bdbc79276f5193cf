//! Contact invitations (issue 12): naming someone a contact of an organisation sends them
//! an invitation; they become a contact only when they accept. Nobody acts for an
//! organisation without having agreed to.
use chrono::Duration;
use cxc_domain::organisation::InvitationStatus;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set, prelude::Expr,
};
use uuid::Uuid;

use crate::repositories::{Store, new_id, outbox::Envelope};
use crate::{
    RepoError, RepoResult,
    entities::{organisation_contacts, organisation_invitations as inv, organisations, users},
};
use cxc_domain::notify::{ContactInvitation, Email};

/// How long an invitation can be answered.
pub const INVITATION_TTL_DAYS: i64 = 14;

/// An invitation with the names a reader needs.
#[derive(Debug, Clone)]
pub struct Invitation {
    pub row: inv::Model,
    pub organisation_name: String,
    pub email: String,
}

impl Store {
    /// Invites the account with this (canonical) address to act for `org`, and mails it.
    ///
    /// # Errors
    /// `Invalid` when no account has the address or it is unverified; `Conflict` when the
    /// person is already a contact or already has a pending invitation.
    pub async fn invite_contact(&self, org: Uuid, email: &str, by: Uuid) -> RepoResult<Invitation> {
        let user = self.user_by_email(email).await?.ok_or_else(|| {
            RepoError::invalid(
                "email",
                "unknown_user",
                "no account with this email; ask them to register first",
            )
        })?;
        if user.email_verified_at.is_none() {
            return Err(RepoError::invalid(
                "email",
                "account_unverified",
                "this account has not confirmed its email address yet",
            ));
        }
        let tx = self.db.write().await?;
        let organisation = organisations::Entity::find_by_id(org)
            .one(&tx.tx)
            .await?
            .ok_or(RepoError::NotFound)?;
        if organisation_contacts::Entity::find_by_id((org, user.id))
            .one(&tx.tx)
            .await?
            .is_some()
        {
            return Err(RepoError::conflict(
                "already_contact",
                "this user is already a contact",
            ));
        }
        let now = self.now();
        let expires_at = now + Duration::days(INVITATION_TTL_DAYS);
        let existing = inv::Entity::find()
            .filter(inv::Column::OrganisationId.eq(org))
            .filter(inv::Column::UserId.eq(user.id))
            .one(&tx.tx)
            .await?;
        let row = match existing {
            Some(e) if e.status == InvitationStatus::Pending && e.expires_at > now => {
                return Err(RepoError::conflict(
                    "already_invited",
                    "this person already has a pending invitation",
                ));
            }
            // A declined, expired or (since removed) accepted invitation is renewed.
            Some(e) => {
                let mut am: inv::ActiveModel = e.into();
                am.status = Set(InvitationStatus::Pending);
                am.invited_by = Set(by);
                am.created_at = Set(now);
                am.expires_at = Set(expires_at);
                am.answered_at = Set(None);
                am.update(&tx.tx).await?
            }
            // A racing twin invitation is `already_invited` (`constraints::UNIQUE`).
            None => {
                inv::ActiveModel {
                    id: Set(new_id()),
                    organisation_id: Set(org),
                    user_id: Set(user.id),
                    invited_by: Set(by),
                    status: Set(InvitationStatus::Pending),
                    created_at: Set(now),
                    expires_at: Set(expires_at),
                    answered_at: Set(None),
                }
                .insert(&tx.tx)
                .await?
            }
        };
        let inviter = users::Entity::find_by_id(by).one(&tx.tx).await?;
        let email = Email::ContactInvitation(ContactInvitation {
            organisation_name: organisation.name.clone(),
            inviter_name: inviter.map(|u| u.full_name),
            action_url: format!("{}/invitations/{}", self.public_url, row.id),
            expires_on: expires_at.date_naive(),
        });
        self.enqueue(&tx.tx, Envelope::to_user(&user, email).about(row.id))
            .await?;
        tx.commit().await?;
        Ok(Invitation {
            row,
            organisation_name: organisation.name,
            email: user.email,
        })
    }

    /// The caller's invitations still waiting for an answer, newest first.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn pending_invitations(&self, user: &users::Model) -> RepoResult<Vec<Invitation>> {
        let rows = inv::Entity::find()
            .filter(inv::Column::UserId.eq(user.id))
            .filter(inv::Column::Status.eq(InvitationStatus::Pending))
            .filter(inv::Column::ExpiresAt.gt(self.now()))
            .order_by_desc(inv::Column::CreatedAt)
            .all(&self.db.conn)
            .await?;
        let orgs = self
            .organisations(&rows.iter().map(|r| r.organisation_id).collect::<Vec<_>>())
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| Invitation {
                organisation_name: orgs
                    .iter()
                    .find(|o| o.id == row.organisation_id)
                    .map(|o| o.name.clone())
                    .unwrap_or_default(),
                email: user.email.clone(),
                row,
            })
            .collect())
    }

    /// Accepts (the user becomes a contact) or declines an invitation addressed to `user`.
    /// Answering is a compare-and-set on `pending`: of two concurrent answers one wins.
    ///
    /// # Errors
    /// `NotFound` when the invitation is not the user's; `Conflict` when it was answered
    /// already or has expired.
    pub async fn answer_invitation(
        &self,
        id: Uuid,
        user: Uuid,
        accept: bool,
    ) -> RepoResult<inv::Model> {
        let tx = self.db.write().await?;
        let row = inv::Entity::find_by_id(id)
            .filter(inv::Column::UserId.eq(user))
            .one(&tx.tx)
            .await?
            .ok_or(RepoError::NotFound)?;
        let now = self.now();
        if row.status != InvitationStatus::Pending {
            return Err(RepoError::conflict(
                "already_answered",
                format!("this invitation was {} already", row.status),
            ));
        }
        if row.expires_at <= now {
            return Err(RepoError::conflict(
                "invitation_expired",
                "this invitation has expired; ask for a new one",
            ));
        }
        let status = if accept {
            InvitationStatus::Accepted
        } else {
            InvitationStatus::Declined
        };
        let done = inv::Entity::update_many()
            .col_expr(inv::Column::Status, Expr::value(status))
            .col_expr(inv::Column::AnsweredAt, Expr::value(now))
            .filter(inv::Column::Id.eq(id))
            .filter(inv::Column::Status.eq(InvitationStatus::Pending))
            .exec(&tx.tx)
            .await?;
        if done.rows_affected != 1 {
            return Err(RepoError::conflict(
                "already_answered",
                "this invitation was answered already",
            ));
        }
        // One invitation per (organisation, person) exists (unique index), so only this
        // answer can add the contact; they may have been added directly meanwhile.
        let already = organisation_contacts::Entity::find_by_id((row.organisation_id, user))
            .one(&tx.tx)
            .await?
            .is_some();
        if accept && !already {
            organisation_contacts::ActiveModel {
                organisation_id: Set(row.organisation_id),
                user_id: Set(user),
                created_at: Set(now),
            }
            .insert(&tx.tx)
            .await?;
        }
        tx.commit().await?;
        self.auth_cache.invalidate();
        Ok(inv::Model {
            status,
            answered_at: Some(now),
            ..row
        })
    }
}
