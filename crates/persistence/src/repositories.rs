//! Every use case that reads or writes the database, as methods on [`Store`].
//! Rules come from `cxc-domain`; a method that changes state writes its emails to the
//! outbox in the same transaction.

pub mod access;
pub mod accounts;
pub mod applications;
pub mod auth_cache;
pub mod bulk;
pub mod group_visits;
pub mod idempotency;
pub mod organisations;
pub mod outbox;
pub mod partnerships;
pub mod privacy;
pub mod unsubscribe;

use std::sync::Arc;

use cxc_domain::{eligibility::RuleConfig, notify::Renderer};

use crate::{Clock, Db, SystemClock};

/// The storage façade handed to the HTTP layer.
#[derive(Clone)]
pub struct Store {
    /// Private: request handlers call use cases, never the connection. Maintenance code
    /// (CLI, demo seed, benchmarks, tests) reaches it through [`Store::db`].
    db: Db,
    pub mail: Arc<dyn Renderer>,
    /// Base address of the web front end, used for links in emails.
    pub public_url: String,
    /// Right-hand side of every `Message-ID`.
    pub mail_domain: String,
    /// Key of the HMAC that signs unsubscribe links (see [`unsubscribe`]).
    pub unsubscribe_secret: Arc<[u8]>,
    /// Callers authenticated in the last second (shared by clones).
    pub auth_cache: Arc<auth_cache::AuthCache>,
    /// `agenda.ics` per visit version (shared by clones).
    pub agenda_cache: Arc<group_visits::calendar::agenda_cache::AgendaCache>,
    /// The rule set every check judges by; see [`Store::rules`].
    rules: Arc<RuleConfig>,
    /// Who publishes the calendars and how long cancelled events stay in them.
    pub calendar: group_visits::calendar::CalendarSettings,
    /// Where "now" comes from; see [`Store::now`].
    clock: Arc<dyn Clock>,
}

impl Store {
    #[must_use]
    pub fn new(
        db: Db,
        mail: Arc<dyn Renderer>,
        public_url: String,
        mail_domain: String,
        unsubscribe_secret: &[u8],
    ) -> Self {
        let calendar = group_visits::calendar::CalendarSettings::for_domain(&mail_domain);
        Self {
            db,
            mail,
            public_url,
            mail_domain,
            unsubscribe_secret: Arc::from(unsubscribe_secret),
            auth_cache: Arc::default(),
            agenda_cache: Arc::default(),
            rules: Arc::default(),
            calendar,
            clock: Arc::new(SystemClock),
        }
    }

    /// Reads the time from `clock` instead of the system clock (tests move it forward).
    #[must_use]
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The time every use case judges by (and stamps records with).
    #[must_use]
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// Today's date in UTC by [`Store::now`].
    #[must_use]
    pub fn today(&self) -> chrono::NaiveDate {
        self.now().date_naive()
    }

    /// Judges by `rules` (the built-in tables with the operator's `[rules]` settings
    /// applied) instead of the built-in defaults. Each store has its own: two servers in
    /// one process, as in the tests, may run with different settings.
    #[must_use]
    pub fn with_rules(mut self, rules: RuleConfig) -> Self {
        self.rules = Arc::new(rules);
        self
    }

    /// The database, for maintenance code only (CLI, demo seed, benchmarks, tests that
    /// set up or corrupt rows). `crates/http` must not call it (checked by `.ci/run`).
    #[must_use]
    pub fn db(&self) -> &Db {
        &self.db
    }

    /// Whether the database answers (readiness probe).
    ///
    /// # Errors
    /// The database error when it does not.
    pub async fn ping(&self) -> Result<(), sea_orm::DbErr> {
        self.db.ping().await
    }

    /// The rule set every check uses; calls override the duration limits.
    #[must_use]
    pub fn rules(&self) -> &RuleConfig {
        &self.rules
    }
}

/// A fresh time-ordered id.
#[must_use]
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}
