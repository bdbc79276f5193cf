//! One-click unsubscribe (RFC 8058) from optional mail.
//!
//! The link must work without signing in, so it carries its own proof: the token is
//! `base64url(user_id ‖ HMAC-SHA256(secret, user_id))`. It cannot be guessed from a user id
//! or forged without the server's secret, and it needs no table. Rotating the secret
//! invalidates the links in mail already sent.
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use sha2_hmac::Sha256;
use uuid::Uuid;

use super::Store;
use crate::{RepoError, RepoResult, entities::users};

type HmacSha256 = Hmac<Sha256>;

const ID_LEN: usize = 16;
const MAC_LEN: usize = 32;

impl Store {
    /// The unguessable unsubscribe token of a user.
    #[must_use]
    pub fn unsubscribe_token(&self, user_id: Uuid) -> String {
        let mut raw = Vec::with_capacity(ID_LEN + MAC_LEN);
        raw.extend_from_slice(user_id.as_bytes());
        raw.extend_from_slice(&self.unsubscribe_mac(user_id).finalize().into_bytes());
        URL_SAFE_NO_PAD.encode(raw)
    }

    /// `{public_url}/api/v1/unsubscribe/{token}`, as put in `List-Unsubscribe`.
    #[must_use]
    pub fn unsubscribe_url(&self, user_id: Uuid) -> String {
        format!(
            "{}/api/v1/unsubscribe/{}",
            self.public_url,
            self.unsubscribe_token(user_id)
        )
    }

    /// The user a token was issued for; `None` for anything this server did not sign.
    #[must_use]
    pub fn unsubscribe_user(&self, token: &str) -> Option<Uuid> {
        if token.len() > 128 {
            return None;
        }
        let raw = URL_SAFE_NO_PAD.decode(token).ok()?;
        if raw.len() != ID_LEN + MAC_LEN {
            return None;
        }
        let (id, mac) = raw.split_at(ID_LEN);
        let user_id = Uuid::from_slice(id).ok()?;
        // Constant-time comparison: timing reveals nothing about the right MAC.
        self.unsubscribe_mac(user_id).verify_slice(mac).ok()?;
        Some(user_id)
    }

    /// Turns reminders off for the token's user and drops reminders already scheduled.
    /// Repeating it is harmless.
    ///
    /// # Errors
    /// `NotFound` for a token this server did not sign or a user that no longer exists.
    pub async fn unsubscribe(&self, token: &str) -> RepoResult<users::Model> {
        let user_id = self.unsubscribe_user(token).ok_or(RepoError::NotFound)?;
        let tx = self.db.write().await?;
        let user = users::Entity::find_by_id(user_id)
            .one(&tx.tx)
            .await?
            .ok_or(RepoError::NotFound)?;
        let user = if user.reminders {
            let mut am: users::ActiveModel = user.clone().into();
            am.reminders = Set(false);
            am.version = Set(user.version + 1);
            am.update(&tx.tx).await?
        } else {
            user
        };
        self.drop_optional_for(&tx.tx, user_id).await?;
        tx.commit().await?;
        self.auth_cache.invalidate();
        tracing::info!(user.id = %user_id, "unsubscribed from optional mail");
        Ok(user)
    }

    fn unsubscribe_mac(&self, user_id: Uuid) -> HmacSha256 {
        // HMAC takes keys of any length (long ones are hashed first), so this cannot fail.
        let mut mac = <HmacSha256 as KeyInit>::new_from_slice(&self.unsubscribe_secret)
            .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
        mac.update(user_id.as_bytes());
        mac
    }
}
