//! The append-only, hash-chained history of an application.
use chrono::{DateTime, Utc};
use cxc_domain::workflow::Status;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{
    RepoResult,
    entities::application_history as history,
    repositories::{Store, new_id},
};

/// The hash of the first entry's predecessor.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The canonical hash of an entry: any edit of any field, or of an earlier entry, breaks
/// the chain from that point on.
#[must_use]
pub fn entry_hash(e: &history::Model) -> String {
    let canonical = format!(
        "{}|{}|{}|{}|{}|{}|{}|{}",
        e.prev_hash,
        e.application_id,
        e.seq,
        e.from_state.map_or("-", Status::as_str),
        e.to_state,
        e.by_user_id,
        e.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
        e.comment.as_deref().unwrap_or("")
    );
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

/// Appends an entry. Callers hold the application row (by having just updated it), so
/// the sequence number cannot race; a unique index backs that up.
pub(crate) async fn append<C: ConnectionTrait>(
    conn: &C,
    application: Uuid,
    from: Option<Status>,
    to: Status,
    by: Uuid,
    comment: Option<&str>,
    at: DateTime<Utc>,
) -> RepoResult<()> {
    let last = history::Entity::find()
        .filter(history::Column::ApplicationId.eq(application))
        .order_by_desc(history::Column::Seq)
        .one(conn)
        .await?;
    let (seq, prev_hash) = last.map_or((1, GENESIS.to_owned()), |l| (l.seq + 1, l.hash));
    write(conn, application, seq, prev_hash, from, to, by, comment, at).await
}

/// The first entry of an application created in the same transaction: there is no
/// earlier entry to read (one round trip less on every create).
pub(crate) async fn append_first<C: ConnectionTrait>(
    conn: &C,
    application: Uuid,
    to: Status,
    by: Uuid,
    at: DateTime<Utc>,
) -> RepoResult<()> {
    write(
        conn,
        application,
        1,
        GENESIS.to_owned(),
        None,
        to,
        by,
        None,
        at,
    )
    .await
}

#[allow(clippy::too_many_arguments)]
async fn write<C: ConnectionTrait>(
    conn: &C,
    application: Uuid,
    seq: i32,
    prev_hash: String,
    from: Option<Status>,
    to: Status,
    by: Uuid,
    comment: Option<&str>,
    at: DateTime<Utc>,
) -> RepoResult<()> {
    // Microsecond precision survives both databases' timestamp types unchanged.
    let at = at - chrono::Duration::nanoseconds(i64::from(at.timestamp_subsec_nanos() % 1000));
    let mut entry = history::Model {
        id: new_id(),
        application_id: application,
        seq,
        from_state: from,
        to_state: to,
        by_user_id: by,
        at,
        comment: comment.map(str::to_owned),
        prev_hash,
        hash: String::new(),
    };
    entry.hash = entry_hash(&entry);
    history::ActiveModel {
        id: Set(entry.id),
        application_id: Set(entry.application_id),
        seq: Set(entry.seq),
        from_state: Set(entry.from_state),
        to_state: Set(entry.to_state),
        by_user_id: Set(entry.by_user_id),
        at: Set(entry.at),
        comment: Set(entry.comment),
        prev_hash: Set(entry.prev_hash),
        hash: Set(entry.hash),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Where a chain breaks: the first entry whose hash or link does not match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenLink {
    pub application_id: Uuid,
    pub seq: i32,
    pub reason: String,
}

impl Store {
    /// # Errors
    /// Database failures only.
    pub async fn history(&self, application: Uuid) -> RepoResult<Vec<history::Model>> {
        Ok(history::Entity::find()
            .filter(history::Column::ApplicationId.eq(application))
            .order_by_asc(history::Column::Seq)
            .all(&self.db.conn)
            .await?)
    }

    /// Verifies every application's chain; returns the first broken link of each.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn verify_history(&self) -> RepoResult<(usize, Vec<BrokenLink>)> {
        let all = history::Entity::find()
            .order_by_asc(history::Column::ApplicationId)
            .order_by_asc(history::Column::Seq)
            .all(&self.db.conn)
            .await?;
        let mut broken: Vec<BrokenLink> = Vec::new();
        let mut prev: Option<&history::Model> = None;
        for e in &all {
            let expected_prev = match prev {
                Some(p) if p.application_id == e.application_id => p.hash.clone(),
                _ => GENESIS.to_owned(),
            };
            let expected_seq = match prev {
                Some(p) if p.application_id == e.application_id => p.seq + 1,
                _ => 1,
            };
            let already = broken.iter().any(|b| b.application_id == e.application_id);
            if !already {
                let reason = if e.seq != expected_seq {
                    Some(format!("entry {expected_seq} is missing"))
                } else if e.prev_hash != expected_prev {
                    Some("link to the previous entry does not match".to_owned())
                } else if entry_hash(e) != e.hash {
                    Some("entry content does not match its hash".to_owned())
                } else {
                    None
                };
                if let Some(reason) = reason {
                    broken.push(BrokenLink {
                        application_id: e.application_id,
                        seq: e.seq,
                        reason,
                    });
                }
            }
            prev = Some(e);
        }
        Ok((all.len(), broken))
    }
}
