//! Wiring: settings → database (migrated) → store → router + dispatcher → serve.
use std::{future::Future, net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use cxc_domain::notify::{Email, Frame, RenderedEmail, Renderer};
use cxc_http::AppState;
use cxc_persistence::{Db, repositories::Store};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use tokio::{net::TcpListener, sync::watch};

use crate::{dispatcher::Dispatcher, settings::Settings};

/// The email crate's templates behind the domain's rendering port.
pub struct EmailRenderer;

impl Renderer for EmailRenderer {
    fn render(&self, email: &Email, frame: &Frame, locale: &str) -> Result<RenderedEmail, String> {
        cxc_email::render(email, frame, locale)
            .map(|r| RenderedEmail {
                subject: r.subject,
                text: r.text,
                html: r.html,
            })
            .map_err(|e| e.to_string())
    }
}

/// Opens the database and applies migrations.
///
/// # Errors
/// When the database is unreachable or a migration fails.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let db = Db::connect(&settings.database)
        .await
        .context("connecting to the database")?;
    db.migrate().await.context("applying migrations")?;
    // The URL is not logged: it may hold a password.
    tracing::info!(backend = ?db.backend(), "database ready, migrations applied");
    let mut store = Store::new(
        db,
        Arc::new(EmailRenderer),
        settings.server.public_url.trim_end_matches('/').to_owned(),
        settings.email.message_id_domain.clone(),
        &settings.security.unsubscribe_key(),
    )
    .with_rules(settings.rules.rule_config());
    store.calendar.organizer_name = settings.email.from_name.clone();
    store.calendar.organizer_email = settings.email.from_address.clone();
    store.calendar.cancelled_retention =
        chrono::Duration::days(settings.calendar.cancelled_retention_days.clamp(0, 3650));
    Ok(store)
}

fn metrics_handle() -> Option<PrometheusHandle> {
    static HANDLE: std::sync::OnceLock<Option<PrometheusHandle>> = std::sync::OnceLock::new();
    HANDLE
        .get_or_init(|| PrometheusBuilder::new().install_recorder().ok())
        .clone()
}

/// A bound, migrated server ready to run.
pub struct Application {
    listener: TcpListener,
    addr: SocketAddr,
    state: AppState,
    settings: Settings,
}

impl Application {
    /// # Errors
    /// When the database or the port cannot be opened.
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        Self::build_with_clock(settings, Arc::new(cxc_persistence::SystemClock)).await
    }

    /// [`Application::build`] reading the time from `clock`: the tests' hook to move
    /// time forward (a `SettableClock`) instead of sleeping. Production uses the system
    /// clock.
    ///
    /// # Errors
    /// As [`Application::build`].
    pub async fn build_with_clock(
        settings: Settings,
        clock: Arc<dyn cxc_persistence::Clock>,
    ) -> anyhow::Result<Self> {
        let store = open_store(&settings).await?.with_clock(clock);
        let mut http = settings.http.clone();
        http.smtputf8 = settings.email.smtputf8;
        let state = AppState::new(store, http, metrics_handle());
        let listener = TcpListener::bind((settings.server.host.as_str(), settings.server.port))
            .await
            .with_context(|| {
                format!("binding {}:{}", settings.server.host, settings.server.port)
            })?;
        let addr = listener.local_addr()?;
        Ok(Self {
            listener,
            addr,
            state,
            settings,
        })
    }

    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    #[must_use]
    pub fn store(&self) -> &Store {
        &self.state.store
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish (bounded by
    /// the grace period) and stops the dispatcher between messages.
    ///
    /// # Errors
    /// When the listener fails.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        tracing::info!(address = %self.addr, "listening");
        let (stop_tx, stop_rx) = watch::channel(false);
        let dispatcher = self.settings.dispatcher.enabled.then(|| {
            let d = Dispatcher::new(
                self.state.store.clone(),
                &self.settings.email,
                self.settings.dispatcher.clone(),
            );
            tokio::spawn(d.run(stop_rx.clone()))
        });
        let retention = tokio::spawn(retention_loop(
            self.state.store.clone(),
            self.settings.retention.clone(),
            stop_rx.clone(),
        ));
        let app = cxc_http::app_with_pages(self.state, cxc_web::router);
        let grace = Duration::from_secs(self.settings.server.shutdown_grace_secs);
        let header_timeout = Duration::from_secs(self.settings.server.header_read_timeout_secs);
        crate::serve::serve(self.listener, app, header_timeout, grace, shutdown).await;
        tracing::info!("shutting down: stopping the dispatcher");
        let _ = stop_tx.send(true);
        if let Some(d) = dispatcher {
            let _ = tokio::time::timeout(grace, d).await;
        }
        let _ = tokio::time::timeout(grace, retention).await;
        tracing::info!("stopped");
        Ok(())
    }
}

/// Anonymises old participants periodically (the schedule is the data itself, so a
/// restart loses nothing).
async fn retention_loop(
    store: Store,
    cfg: crate::settings::RetentionSettings,
    mut stop: watch::Receiver<bool>,
) {
    loop {
        match store.apply_retention(cfg.participant_days).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(applications = n, "retention: participants anonymised"),
            Err(e) => tracing::warn!(error.message = %e, "retention run failed"),
        }
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(cfg.interval_secs.max(1))) => {}
            _ = stop.changed() => return,
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed when this is called (not
/// when first polled), so a signal that arrives right after "listening" is not lost.
/// Must be called inside the runtime.
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate()).ok();
        let int = signal(SignalKind::interrupt()).ok();
        async move {
            let wait = |s: Option<tokio::signal::unix::Signal>| async move {
                match s {
                    Some(mut s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            tokio::select! { () = wait(term) => {}, () = wait(int) => {} }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
