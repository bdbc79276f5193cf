//! Secret addresses of personal calendar feeds. Calendar applications cannot send a
//! bearer token, so the feed's address is its credential: a random token in the path,
//! of which only the hash is stored. One per user; rotating replaces it (the old address
//! stops working at once), revoking deletes it.
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::repositories::Store;
use crate::{
    RepoResult,
    entities::{calendar_feeds, users},
};

impl Store {
    /// Makes `token_hash` the user's only feed secret.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn rotate_calendar_feed(&self, user: Uuid, token_hash: String) -> RepoResult<()> {
        let tx = self.db.write().await?;
        calendar_feeds::Entity::delete_by_id(user)
            .exec(&tx.tx)
            .await?;
        calendar_feeds::ActiveModel {
            user_id: Set(user),
            token_hash: Set(token_hash),
            created_at: Set(self.now()),
        }
        .insert(&tx.tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Revokes the user's feed address; false when there was none.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn revoke_calendar_feed(&self, user: Uuid) -> RepoResult<bool> {
        let tx = self.db.write().await?;
        let res = calendar_feeds::Entity::delete_by_id(user)
            .exec(&tx.tx)
            .await?;
        tx.commit().await?;
        Ok(res.rows_affected > 0)
    }

    /// The (not erased) user whose feed secret hashes to `token_hash`.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn calendar_feed_user(&self, token_hash: &str) -> RepoResult<Option<Uuid>> {
        let Some(feed) = calendar_feeds::Entity::find()
            .filter(calendar_feeds::Column::TokenHash.eq(token_hash))
            .one(&self.db.conn)
            .await?
        else {
            return Ok(None);
        };
        let live = users::Entity::find_by_id(feed.user_id)
            .filter(users::Column::ErasedAt.is_null())
            .one(&self.db.conn)
            .await?
            .is_some();
        Ok(live.then_some(feed.user_id))
    }
}
