//! The account lifecycle by email (issue 12): self-registration with address
//! verification, password reset and password change.
//!
//! Tokens are 256 random bits sent in the mail and stored only as
//! `HMAC-SHA256(secret, purpose ‖ token)`: someone who reads the table can neither use a
//! row nor test guesses offline without the server's secret, and a verification token is
//! no reset token. A token is single-use (consumed by one conditional `UPDATE`, so two
//! concurrent uses cannot both succeed), expires, and issuing a new one voids the older
//! unused ones of the same purpose.
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, prelude::Expr,
};
use sha2_hmac::Sha256;
use uuid::Uuid;

use super::NewUser;
use crate::repositories::{Store, new_id, outbox::Envelope};
use crate::{
    RepoError, RepoResult,
    entities::{account_tokens, sessions, users},
};
use cxc_domain::notify::{Email, PasswordChanged, PasswordReset, VerifyEmail};

pub use cxc_domain::account::TokenPurpose;

const INVALID_TOKEN: &str = "this link is invalid, expired or already used; ask for a new one";

impl Store {
    /// The stored form of a token.
    fn account_token_hash(&self, purpose: TokenPurpose, token: &str) -> String {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.unsubscribe_secret)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(b"account-token\0");
        mac.update(purpose.as_str().as_bytes());
        mac.update(b"\0");
        mac.update(token.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// Voids the user's unused tokens of this purpose and stores a new one; returns the
    /// token to put in the mail.
    async fn issue_account_token<C: ConnectionTrait>(
        &self,
        conn: &C,
        user_id: Uuid,
        purpose: TokenPurpose,
    ) -> RepoResult<String> {
        let now = self.now();
        account_tokens::Entity::update_many()
            .col_expr(account_tokens::Column::UsedAt, Expr::value(now))
            .filter(account_tokens::Column::UserId.eq(user_id))
            .filter(account_tokens::Column::Purpose.eq(purpose))
            .filter(account_tokens::Column::UsedAt.is_null())
            .exec(conn)
            .await?;
        let token = random_token();
        account_tokens::ActiveModel {
            id: Set(new_id()),
            user_id: Set(user_id),
            purpose: Set(purpose),
            token_hash: Set(self.account_token_hash(purpose, &token)),
            created_at: Set(now),
            expires_at: Set(now + purpose.ttl()),
            used_at: Set(None),
        }
        .insert(conn)
        .await?;
        Ok(token)
    }

    /// Marks the token used and returns its user, or `Invalid` when it is unknown,
    /// expired or used. One conditional `UPDATE`: of two concurrent uses one wins.
    async fn consume_account_token<C: ConnectionTrait>(
        &self,
        conn: &C,
        purpose: TokenPurpose,
        token: &str,
    ) -> RepoResult<users::Model> {
        let invalid = || RepoError::invalid("token", "invalid_token", INVALID_TOKEN);
        if token.is_empty() || token.len() > 128 {
            return Err(invalid());
        }
        let hash = self.account_token_hash(purpose, token);
        let now = self.now();
        let done = account_tokens::Entity::update_many()
            .col_expr(account_tokens::Column::UsedAt, Expr::value(now))
            .filter(account_tokens::Column::TokenHash.eq(&hash))
            .filter(account_tokens::Column::Purpose.eq(purpose))
            .filter(account_tokens::Column::UsedAt.is_null())
            .filter(account_tokens::Column::ExpiresAt.gt(now))
            .exec(conn)
            .await?;
        if done.rows_affected != 1 {
            return Err(invalid());
        }
        let row = account_tokens::Entity::find()
            .filter(account_tokens::Column::TokenHash.eq(&hash))
            .one(conn)
            .await?
            .ok_or_else(invalid)?;
        users::Entity::find_by_id(row.user_id)
            .filter(users::Column::ErasedAt.is_null())
            .one(conn)
            .await?
            .ok_or_else(invalid)
    }

    /// Self-registration: an unverified account and the verification mail (the welcome
    /// mail follows verification). Operators' accounts come from [`Store::create_user`].
    ///
    /// # Errors
    /// `Conflict` when the email is taken.
    pub async fn register_user(&self, u: NewUser<'_>) -> RepoResult<users::Model> {
        let tx = self.db.write().await?;
        let user = self.insert_user(&tx.tx, u, None).await?;
        self.send_verification(&tx.tx, &user).await?;
        tx.commit().await?;
        Ok(user)
    }

    async fn send_verification<C: ConnectionTrait>(
        &self,
        conn: &C,
        user: &users::Model,
    ) -> RepoResult<()> {
        let token = self
            .issue_account_token(conn, user.id, TokenPurpose::VerifyEmail)
            .await?;
        let email = Email::VerifyEmail(VerifyEmail {
            action_url: format!("{}/verify-email?token={token}", self.public_url),
            valid_hours: TokenPurpose::VerifyEmail.ttl().num_hours(),
        });
        self.enqueue(conn, Envelope::to_user(user, email)).await
    }

    /// Sends a fresh verification mail (voiding the previous link); nothing for an
    /// account that is already verified.
    ///
    /// # Errors
    /// `NotFound` for an unknown user.
    pub async fn resend_verification(&self, user_id: Uuid) -> RepoResult<bool> {
        let tx = self.db.write().await?;
        let user = users::Entity::find_by_id(user_id)
            .one(&tx.tx)
            .await?
            .ok_or(RepoError::NotFound)?;
        if user.email_verified_at.is_some() {
            return Ok(false);
        }
        self.send_verification(&tx.tx, &user).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Proves the address: marks the account verified and sends the welcome mail.
    ///
    /// # Errors
    /// `Invalid` for an unknown, expired or used token.
    pub async fn verify_email(&self, token: &str) -> RepoResult<users::Model> {
        let tx = self.db.write().await?;
        let user = self
            .consume_account_token(&tx.tx, TokenPurpose::VerifyEmail, token)
            .await?;
        let user = self.mark_verified(&tx.tx, user).await?;
        tx.commit().await?;
        self.auth_cache.invalidate();
        Ok(user)
    }

    async fn mark_verified<C: ConnectionTrait>(
        &self,
        conn: &C,
        user: users::Model,
    ) -> RepoResult<users::Model> {
        if user.email_verified_at.is_some() {
            return Ok(user);
        }
        let mut am: users::ActiveModel = user.clone().into();
        am.email_verified_at = Set(Some(self.now()));
        am.version = Set(user.version + 1);
        let user = am.update(conn).await?;
        self.enqueue(conn, Envelope::to_user(&user, Email::Welcome))
            .await?;
        Ok(user)
    }

    /// Mails a reset link when an account has this (canonical) address; does nothing
    /// otherwise. The caller answers the same either way and runs this off the request
    /// (see the `password-reset` route), so neither answer nor timing tells them apart.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn request_password_reset(&self, email: &str) -> RepoResult<()> {
        let Some(user) = self.user_by_email(email).await? else {
            return Ok(());
        };
        let tx = self.db.write().await?;
        let token = self
            .issue_account_token(&tx.tx, user.id, TokenPurpose::PasswordReset)
            .await?;
        let email = Email::PasswordReset(PasswordReset {
            action_url: format!("{}/reset-password?token={token}", self.public_url),
            valid_minutes: TokenPurpose::PasswordReset.ttl().num_minutes(),
        });
        self.enqueue(&tx.tx, Envelope::to_user(&user, email))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Sets a new password with a reset token: every session ends, the address counts
    /// as verified (the mail reached its owner) and a notice goes to the address.
    ///
    /// # Errors
    /// `Invalid` for an unknown, expired or used token.
    pub async fn reset_password(&self, token: &str, hash: String) -> RepoResult<users::Model> {
        let tx = self.db.write().await?;
        let user = self
            .consume_account_token(&tx.tx, TokenPurpose::PasswordReset, token)
            .await?;
        let user = self.mark_verified(&tx.tx, user).await?;
        let user = self.set_password(&tx.tx, user, hash, None).await?;
        tx.commit().await?;
        self.auth_cache.invalidate();
        Ok(user)
    }

    /// Sets a new password for a signed-in user who proved the current one: every other
    /// session ends and a notice goes to the address.
    ///
    /// # Errors
    /// `NotFound` for an unknown user.
    pub async fn change_password(
        &self,
        user_id: Uuid,
        hash: String,
        keep_session: Uuid,
    ) -> RepoResult<users::Model> {
        let tx = self.db.write().await?;
        let user = users::Entity::find_by_id(user_id)
            .one(&tx.tx)
            .await?
            .ok_or(RepoError::NotFound)?;
        let user = self
            .set_password(&tx.tx, user, hash, Some(keep_session))
            .await?;
        tx.commit().await?;
        self.auth_cache.invalidate();
        Ok(user)
    }

    async fn set_password<C: ConnectionTrait>(
        &self,
        conn: &C,
        user: users::Model,
        hash: String,
        keep_session: Option<Uuid>,
    ) -> RepoResult<users::Model> {
        let now = self.now();
        let mut am: users::ActiveModel = user.clone().into();
        am.password_hash = Set(hash);
        am.version = Set(user.version + 1);
        let user = am.update(conn).await?;
        let mut end = sessions::Entity::update_many()
            .col_expr(sessions::Column::RevokedAt, Expr::value(now))
            .filter(sessions::Column::UserId.eq(user.id))
            .filter(sessions::Column::RevokedAt.is_null());
        if let Some(keep) = keep_session {
            end = end.filter(sessions::Column::Id.ne(keep));
        }
        end.exec(conn).await?;
        // Outstanding reset links die with the old password.
        account_tokens::Entity::update_many()
            .col_expr(account_tokens::Column::UsedAt, Expr::value(now))
            .filter(account_tokens::Column::UserId.eq(user.id))
            .filter(account_tokens::Column::Purpose.eq(TokenPurpose::PasswordReset))
            .filter(account_tokens::Column::UsedAt.is_null())
            .exec(conn)
            .await?;
        let email = Email::PasswordChanged(PasswordChanged {
            action_url: format!("{}/forgot-password", self.public_url),
            changed_at: now.format("%Y-%m-%d %H:%M UTC").to_string(),
        });
        self.enqueue(conn, Envelope::to_user(&user, email)).await?;
        Ok(user)
    }
}

/// 256 random bits, URL-safe base64.
fn random_token() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
