//! The outbox dispatcher: claims due messages, sends them, and settles each one as sent,
//! retried later (exponential backoff with jitter) or failed.
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use chrono::Utc;
use cxc_email::{Attachment, EmailSettings, Mailer, OutgoingEmail, SendError};
use cxc_persistence::{entities::outbox, repositories::Store};
use futures::StreamExt;
use rand::Rng;
use tokio::sync::watch;

use crate::settings::DispatcherSettings;

pub struct Dispatcher {
    store: Store,
    email: Arc<EmailSettings>,
    mailer: Option<Arc<Mailer>>,
    cfg: DispatcherSettings,
    worker: String,
}

impl Dispatcher {
    #[must_use]
    pub fn new(store: Store, email: &EmailSettings, cfg: DispatcherSettings) -> Self {
        let mailer = match Mailer::new(email) {
            Ok(m) => Some(Arc::new(m)),
            Err(e) => {
                tracing::error!(error.message = %e, "email transport misconfigured; messages stay queued");
                None
            }
        };
        let worker = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
        Self {
            store,
            email: Arc::new(email.clone()),
            mailer,
            cfg,
            worker,
        }
    }

    /// Runs until `stop` turns true; a message being sent is finished first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let Some(mailer) = self.mailer.clone() else {
            return;
        };
        let idle = Duration::from_millis(self.cfg.poll_interval_ms);
        loop {
            if *stop.borrow() {
                return;
            }
            let sent = match self.tick(&mailer).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error.message = %e, "outbox poll failed");
                    0
                }
            };
            if sent == 0 {
                tokio::select! {
                    () = tokio::time::sleep(idle) => {}
                    _ = stop.changed() => {}
                }
            }
        }
    }

    /// One batch. Returns how many messages were claimed.
    ///
    /// # Errors
    /// When the outbox cannot be read.
    pub async fn tick(&self, mailer: &Arc<Mailer>) -> Result<usize, cxc_persistence::RepoError> {
        let lease = chrono::Duration::seconds(self.cfg.lease_secs);
        let batch = self
            .store
            .claim_due(&self.worker, self.cfg.batch_size, lease)
            .await?;
        let n = batch.len();
        futures::stream::iter(batch)
            .for_each_concurrent(self.cfg.concurrency.max(1), |m| {
                let mailer = Arc::clone(mailer);
                async move { self.deliver(&mailer, m).await }
            })
            .await;
        Ok(n)
    }

    async fn deliver(&self, mailer: &Mailer, m: outbox::Model) {
        let started = Instant::now();
        let attachments: Vec<Attachment> =
            serde_json::from_value(m.attachments.clone()).unwrap_or_default();
        let outgoing = OutgoingEmail {
            message_id: &m.message_id,
            to_email: &m.to_email,
            to_name: m.to_name.as_deref(),
            subject: &m.subject,
            text: &m.body_text,
            html: &m.body_html,
            attachments: &attachments,
            list_unsubscribe_url: m.list_unsubscribe_url.as_deref(),
        };
        let result = match cxc_email::build_message(&self.email, &outgoing) {
            Ok(msg) => mailer.send(msg).await,
            Err(e) => Err(SendError::Permanent(e.to_string())),
        };
        let outcome = match result {
            Ok(()) => {
                metrics::counter!("cxc_email_sent_total").increment(1);
                metrics::histogram!("cxc_email_send_seconds")
                    .record(started.elapsed().as_secs_f64());
                self.store.mark_sent(m.id).await
            }
            Err(SendError::Permanent(e)) => {
                metrics::counter!("cxc_email_failed_total").increment(1);
                tracing::warn!(message.id = %m.id, error.message = %e, "email rejected permanently");
                self.store.mark_failed(m.id, &e).await
            }
            Err(SendError::Transient(e)) if m.attempts >= self.cfg.max_attempts => {
                metrics::counter!("cxc_email_failed_total").increment(1);
                tracing::warn!(message.id = %m.id, attempts = m.attempts, error.message = %e, "email failed after all attempts");
                self.store.mark_failed(m.id, &e).await
            }
            Err(SendError::Transient(e)) => {
                metrics::counter!("cxc_email_retried_total").increment(1);
                let next = Utc::now() + self.backoff(m.attempts);
                tracing::info!(message.id = %m.id, attempts = m.attempts, error.message = %e, "email deferred");
                self.store.mark_retry(m.id, &e, next).await
            }
        };
        if let Err(e) = outcome {
            // The lease expires and the message is claimed again: at-least-once, with a
            // stable Message-ID so the duplicate is recognisable downstream.
            tracing::warn!(message.id = %m.id, error.message = %e, "could not record delivery outcome");
        }
    }

    /// `base · 2^(attempt-1)`, capped, with ±50 % jitter so retries of many messages spread out.
    fn backoff(&self, attempt: i32) -> chrono::Duration {
        let exp = u32::try_from(attempt.saturating_sub(1).clamp(0, 20)).unwrap_or(0);
        let secs = self
            .cfg
            .backoff_base_secs
            .saturating_mul(1u64 << exp)
            .min(self.cfg.backoff_max_secs);
        let ms = (secs * 1000) as f64 * rand::rng().random_range(0.5..1.5);
        chrono::Duration::milliseconds(ms as i64)
    }
}
