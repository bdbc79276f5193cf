//! The time the use cases judge by (ADR 0007). Production reads the system clock; tests
//! plug in a [`SettableClock`] to move time forward instead of sleeping. The domain never
//! asks for the time: it takes `now`/`today` as arguments.
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};

/// Where "now" comes from.
pub trait Clock: Send + Sync + std::fmt::Debug + 'static {
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// The system clock shifted by an offset that a test moves; time keeps running, so
/// timestamps stay ordered as in production.
#[derive(Debug, Default)]
pub struct SettableClock {
    offset_ms: AtomicI64,
}

impl SettableClock {
    /// Moves the clock by `by` (negative goes back).
    pub fn advance(&self, by: Duration) {
        self.offset_ms
            .fetch_add(by.num_milliseconds(), Ordering::SeqCst);
    }

    /// Makes "now" be `at` (and run on from there).
    pub fn set(&self, at: DateTime<Utc>) {
        self.offset_ms
            .store((at - Utc::now()).num_milliseconds(), Ordering::SeqCst);
    }
}

impl Clock for SettableClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.offset_ms.load(Ordering::SeqCst))
    }
}
