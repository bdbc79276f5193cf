//! Authenticated callers remembered for one second, so a client's burst of requests
//! costs one authentication query instead of one per request.
//!
//! Every change in this process that can alter a caller (logout, role grant,
//! preferences, erasure, becoming an organisation's contact) invalidates the whole cache
//! after its commit, so this process never serves a stale caller. Another server
//! process on the same database sees such a change at most one second late.
use std::{
    collections::HashMap,
    sync::{
        Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use chrono::{DateTime, Utc};

use super::accounts::Caller;

const TTL: Duration = Duration::from_secs(1);
/// Entries are dropped wholesale past this many (they are one second old at most).
const MAX_ENTRIES: usize = 10_000;

struct Entry {
    caller: Caller,
    expires_at: DateTime<Utc>,
    at: Instant,
    generation: u64,
}

#[derive(Default)]
pub struct AuthCache {
    entries: Mutex<HashMap<String, Entry>>,
    generation: AtomicU64,
}

impl AuthCache {
    /// Read before loading a caller; the entry is stored under this generation, so a
    /// change committed meanwhile makes it invalid.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    pub(crate) fn get(&self, token_hash: &str, now: DateTime<Utc>) -> Option<Caller> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let e = entries.get(token_hash)?;
        let fresh = e.at.elapsed() < TTL && e.generation == self.generation() && e.expires_at > now;
        fresh.then(|| e.caller.clone())
    }

    pub(crate) fn put(
        &self,
        token_hash: &str,
        caller: Caller,
        expires_at: DateTime<Utc>,
        generation: u64,
    ) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, e| e.at.elapsed() < TTL);
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
        }
        entries.insert(
            token_hash.to_owned(),
            Entry {
                caller,
                expires_at,
                at: Instant::now(),
                generation,
            },
        );
    }

    /// After a committed change to users, sessions, grants or contacts.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }
}
