//! `Idempotency-Key` on creating POSTs: the first response is stored with the created
//! record, in the same transaction, and replayed for a retry.
use chrono::Utc;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use uuid::Uuid;

use super::Store;
use crate::{
    RepoError, RepoResult, WriteTx, entities::idempotency_keys, error::is_unique_violation,
};

/// One keyed request: who, which key, and a fingerprint of what was asked.
#[derive(Debug, Clone)]
pub struct IdemRequest {
    pub user_id: Uuid,
    pub key: String,
    pub path: String,
    pub hash: String,
}

/// The optional idempotency arguments of a creating repository method: the keyed request
/// and how to render the created record as the response body to store.
pub type Idem<'a, M> = Option<(&'a IdemRequest, &'a (dyn Fn(&M) -> String + Send + Sync))>;

/// A stored response.
#[derive(Debug, Clone)]
pub struct Replay {
    pub status: u16,
    pub body: String,
}

impl Store {
    /// The stored response for this key, if the request was already answered.
    ///
    /// # Errors
    /// `Invalid` when the key was used for a different request.
    pub async fn idem_lookup(&self, r: &IdemRequest) -> RepoResult<Option<Replay>> {
        let Some(row) = idempotency_keys::Entity::find_by_id((r.user_id, r.key.clone()))
            .one(&self.db.conn)
            .await?
        else {
            return Ok(None);
        };
        if row.request_hash != r.hash || row.request_path != r.path {
            return Err(RepoError::invalid(
                "Idempotency-Key",
                "idempotency_key_reused",
                "this Idempotency-Key was already used for a different request",
            ));
        }
        Ok(Some(Replay {
            status: u16::try_from(row.status_code).unwrap_or(200),
            body: row.response_body,
        }))
    }

    /// Stores the response inside the creating transaction. A concurrent twin that got
    /// there first makes this fail with `Conflict("idempotency_race")`, rolling the
    /// duplicate creation back.
    ///
    /// # Errors
    /// As above, or database failures.
    pub async fn idem_save(
        &self,
        tx: &WriteTx,
        r: &IdemRequest,
        status: u16,
        body: &str,
    ) -> RepoResult<()> {
        let res = idempotency_keys::ActiveModel {
            user_id: Set(r.user_id),
            key: Set(r.key.clone()),
            request_path: Set(r.path.clone()),
            request_hash: Set(r.hash.clone()),
            status_code: Set(i32::from(status)),
            response_body: Set(body.to_owned()),
            created_at: Set(Utc::now()),
        }
        .insert(&tx.tx)
        .await;
        match res {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(RepoError::conflict(
                "idempotency_race",
                "a request with this Idempotency-Key was processed concurrently",
            )),
            Err(e) => Err(e.into()),
        }
    }
}
