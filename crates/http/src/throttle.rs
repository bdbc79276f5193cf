//! Login throttling per account and per client address: failures inside a sliding window.
//! Kept in memory: with several server processes each enforces its own window, which
//! still bounds guessing to (processes × limit) per window.
use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::{Duration, Instant},
};

pub struct Throttle {
    per_account: u32,
    per_ip: u32,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Throttle {
    #[must_use]
    pub fn new(per_account: u32, per_ip: u32, window: Duration) -> Self {
        Self {
            per_account,
            per_ip,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Seconds to wait when either key is over its limit.
    pub fn blocked(&self, account: &str, ip: &str) -> Option<u64> {
        let now = Instant::now();
        let mut map = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let a = Self::wait(
            &mut map,
            &format!("a:{account}"),
            self.per_account,
            self.window,
            now,
        );
        let i = Self::wait(&mut map, &format!("i:{ip}"), self.per_ip, self.window, now);
        a.max(i)
    }

    pub fn record_failure(&self, account: &str, ip: &str) {
        let now = Instant::now();
        let mut map = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if map.len() > 100_000 {
            let window = self.window;
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < window));
        }
        for key in [format!("a:{account}"), format!("i:{ip}")] {
            map.entry(key).or_default().push_back(now);
        }
    }

    pub fn record_success(&self, account: &str) {
        let mut map = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.remove(&format!("a:{account}"));
    }

    fn wait(
        map: &mut HashMap<String, VecDeque<Instant>>,
        key: &str,
        limit: u32,
        window: Duration,
        now: Instant,
    ) -> Option<u64> {
        let q = map.get_mut(key)?;
        while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
            q.pop_front();
        }
        if q.len() < limit as usize {
            return None;
        }
        let oldest = q.front()?;
        let left = window.saturating_sub(now.duration_since(*oldest));
        Some(left.as_secs().max(1))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_the_limit_and_forgets_on_success() {
        let t = Throttle::new(3, 100, Duration::from_secs(60));
        for _ in 0..3 {
            assert!(t.blocked("a@x", "1.1.1.1").is_none());
            t.record_failure("a@x", "1.1.1.1");
        }
        assert!(t.blocked("a@x", "1.1.1.1").is_some());
        assert!(t.blocked("b@x", "1.1.1.1").is_none());
        t.record_success("a@x");
        assert!(t.blocked("a@x", "1.1.1.1").is_none());
    }

    #[test]
    fn blocks_an_address_that_tries_many_accounts() {
        let t = Throttle::new(100, 2, Duration::from_secs(60));
        t.record_failure("a@x", "9.9.9.9");
        t.record_failure("b@x", "9.9.9.9");
        assert!(t.blocked("c@x", "9.9.9.9").is_some());
        assert!(t.blocked("c@x", "8.8.8.8").is_none());
    }
}
