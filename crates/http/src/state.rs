//! Shared state handed to every handler.
use std::sync::Arc;

use cxc_persistence::repositories::Store;
use metrics_exporter_prometheus::PrometheusHandle;

use crate::throttle::Throttle;

/// `[http]` settings the handlers need.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(default)]
pub struct HttpSettings {
    /// Lifetime of a bearer token.
    pub token_ttl_hours: i64,
    /// Failed logins allowed per account inside the window.
    pub login_max_failures_per_account: u32,
    /// Failed logins allowed per client address inside the window.
    pub login_max_failures_per_ip: u32,
    pub login_window_secs: u64,
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
            login_max_failures_per_account: 5,
            login_max_failures_per_ip: 30,
            login_window_secs: 900,
            metrics_public: true,
            request_timeout_secs: 30,
            max_concurrent_requests: 1024,
            body_read_timeout_secs: 15,
            transfer_buffer_minutes: 30,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub settings: Arc<HttpSettings>,
    pub throttle: Arc<Throttle>,
    pub metrics: Option<PrometheusHandle>,
}

impl AppState {
    #[must_use]
    pub fn new(store: Store, settings: HttpSettings, metrics: Option<PrometheusHandle>) -> Self {
        let throttle = Throttle::new(
            settings.login_max_failures_per_account,
            settings.login_max_failures_per_ip,
            std::time::Duration::from_secs(settings.login_window_secs),
        );
        Self {
            store,
            settings: Arc::new(settings),
            throttle: Arc::new(throttle),
            metrics,
        }
    }
}
