//! Every use case that reads or writes the database, as methods on [`Store`].
//! Rules come from `cxc-domain`; a method that changes state writes its emails to the
//! outbox in the same transaction.

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

use cxc_domain::notify::Renderer;

use crate::Db;

/// The storage façade handed to the HTTP layer.
#[derive(Clone)]
pub struct Store {
    pub db: Db,
    pub mail: Arc<dyn Renderer>,
    /// Base address of the web front end, used for links in emails.
    pub public_url: String,
    /// Right-hand side of every `Message-ID`.
    pub mail_domain: String,
    /// Key of the HMAC that signs unsubscribe links (see [`unsubscribe`]).
    pub unsubscribe_secret: Arc<[u8]>,
    /// Callers authenticated in the last second (shared by clones).
    pub auth_cache: Arc<auth_cache::AuthCache>,
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
        Self {
            db,
            mail,
            public_url,
            mail_domain,
            unsubscribe_secret: Arc::from(unsubscribe_secret),
            auth_cache: Arc::default(),
        }
    }
}

/// A fresh time-ordered id.
#[must_use]
pub fn new_id() -> uuid::Uuid {
    uuid::Uuid::now_v7()
}
