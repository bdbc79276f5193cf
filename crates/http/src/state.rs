//! Shared state handed to every handler.
use std::sync::Arc;

use cxc_persistence::repositories::Store;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::throttle::{ThrottleSettings, trusted_nets};

/// `[http]` settings the handlers need.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(default)]
pub struct HttpSettings {
    /// Lifetime of a bearer token.
    pub token_ttl_hours: i64,
    /// Progressive delays for logins, registrations and reset requests.
    pub throttle: ThrottleSettings,
    /// Proxies (addresses or CIDR ranges) whose `X-Forwarded-For` names the client.
    /// Empty by default: the header is ignored.
    pub trusted_proxies: Vec<String>,
    /// Copied from `email.smtputf8` at start: may addresses have non-ASCII local parts.
    #[serde(skip)]
    pub smtputf8: bool,
    /// Whether `/metrics` answers anyone (otherwise admins only).
    pub metrics_public: bool,
    pub request_timeout_secs: u64,
    pub max_concurrent_requests: usize,
    /// A request body must arrive within this time.
    pub body_read_timeout_secs: u64,
    /// Minimum gap between agenda items at different venues before a warning.
    pub transfer_buffer_minutes: i64,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            token_ttl_hours: 24,
            throttle: ThrottleSettings::default(),
            trusted_proxies: Vec::new(),
            smtputf8: false,
            metrics_public: true,
            request_timeout_secs: 30,
            max_concurrent_requests: 1024,
            body_read_timeout_secs: 15,
            transfer_buffer_minutes: 30,
        }
    }
}

/// What every handler and middleware reads. Axum clones the state for each layer and
/// extractor of every request (about ten times); behind one `Arc` a clone is one atomic
/// increment instead of copying the Store's strings and a dozen reference counts (the
/// profile of the eligibility check put 6 % of the server's CPU in those clones).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl std::ops::Deref for AppState {
    type Target = Shared;
    fn deref(&self) -> &Shared {
        &self.0
    }
}

/// The fields of [`AppState`].
pub struct Shared {
    pub store: Store,
    pub settings: Arc<HttpSettings>,
    pub trusted_proxies: Arc<[ipnet::IpNet]>,
    pub metrics: Option<PrometheusHandle>,
}

impl AppState {
    #[must_use]
    pub fn new(store: Store, settings: HttpSettings, metrics: Option<PrometheusHandle>) -> Self {
        let trusted_proxies = trusted_nets(&settings.trusted_proxies).into();
        Self(Arc::new(Shared {
            store,
            settings: Arc::new(settings),
            trusted_proxies,
            metrics,
        }))
    }
}
