//! `agenda.ics` built once per visit version (issue 17), not on every request.
//!
//! Every change to a visit or its agenda bumps the visit's `version`, and each request
//! reads the visit anyway (for access control), so an entry keyed by the visit's id,
//! `version` and `updated_at` is exact for that state, also with several server
//! processes on one database: a change made by another process shows as another
//! version. The only other input is the clock: a cancelled item leaves the feed when
//! its cancellation is older than the retention period, so an entry is also valid only
//! until the first such moment (and at most [`MAX_AGE`], a bound on what a wrong clock
//! can cost).
use std::{
    collections::HashMap,
    sync::{Arc, Mutex, PoisonError},
};

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::Feed;

/// Entries are dropped wholesale past this many visits (they are rebuilt on demand).
const MAX_ENTRIES: usize = 4_096;
/// Longest life of an entry.
pub const MAX_AGE: Duration = Duration::hours(1);

struct Entry {
    version: i32,
    updated_at: DateTime<Utc>,
    valid_until: DateTime<Utc>,
    feed: Arc<Feed>,
}

#[derive(Default)]
pub struct AgendaCache {
    entries: Mutex<HashMap<Uuid, Entry>>,
}

impl AgendaCache {
    /// The feed built for this state of the visit, if it is still valid now.
    pub fn get(
        &self,
        visit: Uuid,
        version: i32,
        updated_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Option<Arc<Feed>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(&visit)
            .filter(|e| e.version == version && e.updated_at == updated_at && now < e.valid_until)
            .map(|e| Arc::clone(&e.feed))
    }

    /// Keeps `feed` for this state of the visit until `valid_until`.
    pub fn put(
        &self,
        visit: Uuid,
        version: i32,
        updated_at: DateTime<Utc>,
        valid_until: DateTime<Utc>,
        feed: Arc<Feed>,
    ) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(&visit) {
            entries.clear();
        }
        entries.insert(
            visit,
            Entry {
                version,
                updated_at,
                valid_until,
                feed,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_serves_only_its_version_and_only_until_it_expires() {
        let c = AgendaCache::default();
        let (v, t) = (Uuid::now_v7(), Utc::now());
        let feed = Arc::new(Feed::new("BEGIN:VCALENDAR".into(), None));
        c.put(v, 3, t, t + Duration::minutes(5), feed);
        assert!(c.get(v, 3, t, t).is_some());
        assert!(c.get(v, 4, t, t).is_none(), "another version");
        assert!(
            c.get(v, 3, t + Duration::seconds(1), t).is_none(),
            "another change time"
        );
        assert!(
            c.get(v, 3, t, t + Duration::minutes(5)).is_none(),
            "expired"
        );
        assert!(c.get(Uuid::now_v7(), 3, t, t).is_none());
    }
}
