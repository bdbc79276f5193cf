//! `Idempotency-Key` records (ADR 0006). The HTTP layer claims a key before the handler
//! runs, then completes it with the response or releases it; each step is its own short
//! transaction, so no lock is held while the handler works (SQLite has one writer).
//! Storage keeps the response as opaque status, headers and body: it never renders one.
use chrono::Duration;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set, sea_query::Expr};
use uuid::Uuid;

use super::Store;
use crate::{
    RepoError, RepoResult,
    entities::idempotency_requests::{self, IdemState},
};

/// A claim not completed within this time belongs to a process that died (a crash
/// between claim and completion): a retry takes it over. Handlers run in a task of their
/// own that survives a client hanging up, so a live claim is far younger than this.
pub const STALE_AFTER: Duration = Duration::seconds(120);

/// One keyed request: who, which key, and a fingerprint of what was asked.
#[derive(Debug, Clone)]
pub struct IdemRequest {
    pub user_id: Uuid,
    pub key: String,
    pub path: String,
    pub hash: String,
}

/// A response as stored for a replay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

/// Proof of holding a key: needed to complete or release it.
#[derive(Debug, Clone, Copy)]
pub struct Claim(Uuid);

/// What to do with a keyed request.
#[derive(Debug)]
pub enum Begin {
    /// The key is ours: run the handler, then complete or release the claim.
    Started(Claim),
    /// The request was answered before: replay this.
    Replay(StoredResponse),
    /// A twin is being handled right now.
    InProgress,
}

impl Store {
    /// Claims the key, or says why not.
    ///
    /// # Errors
    /// `Invalid` (`idempotency_key_reused`) when the key was used for a different request;
    /// database failures.
    pub async fn idem_begin(&self, r: &IdemRequest) -> RepoResult<Begin> {
        // A row released between our insert and our read is gone: try again (bounded).
        for _ in 0..3 {
            let now = self.now();
            let claim = Uuid::now_v7();
            let tx = self.db.write().await?;
            let inserted =
                idempotency_requests::Entity::insert(idempotency_requests::ActiveModel {
                    user_id: Set(r.user_id),
                    key: Set(r.key.clone()),
                    request_path: Set(r.path.clone()),
                    request_hash: Set(r.hash.clone()),
                    state: Set(IdemState::InProgress),
                    claim_id: Set(claim),
                    claimed_at: Set(now),
                    status_code: Set(None),
                    response_headers: Set(None),
                    response_body: Set(None),
                })
                .on_conflict_do_nothing_on([
                    idempotency_requests::Column::UserId,
                    idempotency_requests::Column::Key,
                ])
                .exec_without_returning(&tx.tx)
                .await?;
            if matches!(inserted, sea_orm::TryInsertResult::Inserted(1)) {
                tx.commit().await?;
                return Ok(Begin::Started(Claim(claim)));
            }
            let Some(row) = idempotency_requests::Entity::find_by_id((r.user_id, r.key.clone()))
                .one(&tx.tx)
                .await?
            else {
                continue;
            };
            if row.request_hash != r.hash || row.request_path != r.path {
                return Err(RepoError::invalid(
                    "Idempotency-Key",
                    "idempotency_key_reused",
                    "this Idempotency-Key was already used for a different request",
                ));
            }
            if row.state == IdemState::Completed {
                return stored(row).map(Begin::Replay);
            }
            if row.claimed_at > now - STALE_AFTER {
                return Ok(Begin::InProgress);
            }
            // Its owner died: take the claim over, unless another retry just did.
            let taken = idempotency_requests::Entity::update_many()
                .col_expr(idempotency_requests::Column::ClaimId, Expr::value(claim))
                .col_expr(idempotency_requests::Column::ClaimedAt, Expr::value(now))
                .filter(of(r))
                .filter(idempotency_requests::Column::ClaimId.eq(row.claim_id))
                .filter(idempotency_requests::Column::State.eq(IdemState::InProgress))
                .exec(&tx.tx)
                .await?;
            tx.commit().await?;
            return Ok(if taken.rows_affected == 1 {
                Begin::Started(Claim(claim))
            } else {
                Begin::InProgress
            });
        }
        Ok(Begin::InProgress)
    }

    /// Stores the response of a successful request; later twins replay it. A claim taken
    /// over in the meantime is not ours any more and stores nothing.
    ///
    /// # Errors
    /// Database failures.
    pub async fn idem_complete(
        &self,
        r: &IdemRequest,
        claim: Claim,
        res: &StoredResponse,
    ) -> RepoResult<()> {
        let headers = serde_json::to_string(&res.headers)
            .map_err(|e| RepoError::Db(sea_orm::DbErr::Custom(e.to_string())))?;
        let tx = self.db.write().await?;
        idempotency_requests::Entity::update_many()
            .col_expr(
                idempotency_requests::Column::State,
                Expr::value(IdemState::Completed),
            )
            .col_expr(
                idempotency_requests::Column::StatusCode,
                Expr::value(i32::from(res.status)),
            )
            .col_expr(
                idempotency_requests::Column::ResponseHeaders,
                Expr::value(headers),
            )
            .col_expr(
                idempotency_requests::Column::ResponseBody,
                Expr::value(res.body.clone()),
            )
            .filter(of(r))
            .filter(idempotency_requests::Column::ClaimId.eq(claim.0))
            .exec(&tx.tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Gives the key back after a failed request, so a corrected retry may use it.
    ///
    /// # Errors
    /// Database failures.
    pub async fn idem_release(&self, r: &IdemRequest, claim: Claim) -> RepoResult<()> {
        let tx = self.db.write().await?;
        idempotency_requests::Entity::delete_many()
            .filter(of(r))
            .filter(idempotency_requests::Column::ClaimId.eq(claim.0))
            .filter(idempotency_requests::Column::State.eq(IdemState::InProgress))
            .exec(&tx.tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

fn of(r: &IdemRequest) -> sea_orm::Condition {
    sea_orm::Condition::all()
        .add(idempotency_requests::Column::UserId.eq(r.user_id))
        .add(idempotency_requests::Column::Key.eq(r.key.clone()))
}

/// The stored response of a completed row; a completed row without one is corrupt.
fn stored(row: idempotency_requests::Model) -> RepoResult<StoredResponse> {
    let corrupt = |what: &str| {
        RepoError::Db(sea_orm::DbErr::Custom(format!(
            "idempotency_requests: completed row without a valid {what}"
        )))
    };
    let status = row
        .status_code
        .and_then(|s| u16::try_from(s).ok())
        .ok_or_else(|| corrupt("status_code"))?;
    let headers = row
        .response_headers
        .as_deref()
        .and_then(|h| serde_json::from_str(h).ok())
        .ok_or_else(|| corrupt("response_headers"))?;
    let body = row.response_body.ok_or_else(|| corrupt("response_body"))?;
    Ok(StoredResponse {
        status,
        headers,
        body,
    })
}
