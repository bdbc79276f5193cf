//! The outbox dispatcher: claims due messages, sends them, and settles each one as sent,
//! retried later (exponential backoff with jitter) or failed.
//!
//! Delivery is at-least-once. A claimed row is leased; a send is only started while more
//! than half of the lease is left and is cut off at half a lease, so it always ends before
//! the lease does and no other process re-claims a message that is still being sent. Only
//! a worker that dies (or cannot record the outcome) lets a message go out twice, and then
//! with the same `Message-ID`.
use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use cxc_email::{EmailSettings, Mailer, OutgoingEmail, SendError};
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

enum Outcome {
    Sent,
    Retry(String),
    Failed(String),
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
        // Counters exist from the start so dashboards see 0 rather than no series.
        metrics::counter!("cxc_email_sent_total").increment(0);
        metrics::counter!("cxc_email_failed_total").increment(0);
        metrics::counter!("cxc_email_retried_total").increment(0);
        let worker = format!("{}-{}", std::process::id(), uuid::Uuid::new_v4().simple());
        Self {
            store,
            email: Arc::new(email.clone()),
            mailer,
            cfg,
            worker,
        }
    }

    /// This dispatcher's name in `outbox.locked_by`.
    #[must_use]
    pub fn worker(&self) -> &str {
        &self.worker
    }

    /// Runs until `stop` turns true; the batch in hand is finished first.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let Some(mailer) = self.mailer.clone() else {
            return;
        };
        tracing::info!(worker = %self.worker, "outbox dispatcher started");
        let idle = Duration::from_millis(self.cfg.poll_interval_ms);
        loop {
            if *stop.borrow() {
                return;
            }
            let claimed = match self.tick(&mailer).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error.message = %e, "outbox poll failed");
                    0
                }
            };
            if claimed == 0 {
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
        let lease = Duration::from_secs(u64::try_from(self.cfg.lease_secs.max(2)).unwrap_or(2));
        let claimed_at = Instant::now();
        let batch = self
            .store
            .claim_due(
                &self.worker,
                self.cfg.batch_size.max(1),
                chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::seconds(120)),
            )
            .await?;
        let n = batch.len();
        futures::stream::iter(batch)
            .for_each_concurrent(self.cfg.concurrency.max(1), |m| {
                let mailer = Arc::clone(mailer);
                async move { self.deliver(&mailer, m, claimed_at, lease).await }
            })
            .await;
        Ok(n)
    }

    async fn deliver(
        &self,
        mailer: &Mailer,
        m: outbox::Model,
        claimed_at: Instant,
        lease: Duration,
    ) {
        let half = lease / 2;
        if claimed_at.elapsed() >= half {
            // Too late in the lease to start a send: hand the message back untried.
            if let Err(e) = self.store.release(m.id, &self.worker).await {
                tracing::warn!(message.id = %m.id, error.message = %e, "could not release message");
            }
            return;
        }
        let started = Instant::now();
        let result = tokio::time::timeout(half, self.send(mailer, &m))
            .await
            .unwrap_or_else(|_| {
                Err(SendError::Transient(
                    "send timed out; outcome unknown".into(),
                ))
            });
        let outcome = match result {
            Ok(()) => Outcome::Sent,
            Err(SendError::Permanent(e)) => Outcome::Failed(e),
            Err(SendError::Transient(e)) if m.attempts >= self.cfg.max_attempts => {
                Outcome::Failed(format!("gave up after {} attempts: {e}", m.attempts))
            }
            Err(SendError::Transient(e)) => Outcome::Retry(e),
        };
        let outcome_label = match outcome {
            Outcome::Sent => "sent",
            Outcome::Retry(_) => "retry",
            Outcome::Failed(_) => "failed",
        };
        metrics::histogram!("cxc_email_send_seconds", "outcome" => outcome_label)
            .record(started.elapsed().as_secs_f64());
        let settled = match outcome {
            Outcome::Sent => {
                metrics::counter!("cxc_email_sent_total").increment(1);
                tracing::info!(message.id = %m.id, kind = %m.kind, attempts = m.attempts, "email sent");
                self.store.mark_sent(m.id, &self.worker).await
            }
            Outcome::Failed(e) => {
                metrics::counter!("cxc_email_failed_total").increment(1);
                tracing::warn!(message.id = %m.id, kind = %m.kind, attempts = m.attempts, error.message = %redact(&e), "email failed");
                self.store.mark_failed(m.id, &self.worker, &e).await
            }
            Outcome::Retry(e) => {
                metrics::counter!("cxc_email_retried_total").increment(1);
                let next = self.store.now() + self.backoff(m.attempts);
                tracing::info!(message.id = %m.id, kind = %m.kind, attempts = m.attempts, error.message = %redact(&e), "email deferred");
                self.store.mark_retry(m.id, &self.worker, &e, next).await
            }
        };
        match settled {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(message.id = %m.id, "lease lost before the outcome was recorded");
            }
            // The lease expires and the message is claimed again: at-least-once, with a
            // stable Message-ID so the duplicate is recognisable downstream.
            Err(e) => {
                tracing::warn!(message.id = %m.id, error.message = %e, "could not record delivery outcome");
            }
        }
    }

    async fn send(&self, mailer: &Mailer, m: &outbox::Model) -> Result<(), SendError> {
        let outgoing = OutgoingEmail {
            message_id: &m.message_id,
            to_email: &m.to_email,
            to_name: m.to_name.as_deref(),
            subject: &m.subject,
            text: &m.body_text,
            html: &m.body_html,
            attachments: &m.attachments,
            list_unsubscribe_url: m.list_unsubscribe_url.as_deref(),
            content_language: Some(&m.locale),
        };
        let msg = cxc_email::build_message(&self.email, &outgoing)
            .map_err(|e| SendError::Permanent(e.to_string()))?;
        mailer.send(msg).await
    }

    fn backoff(&self, attempt: i32) -> chrono::Duration {
        let jitter = rand::rng().random_range(0.5..1.5);
        backoff_delay(
            self.cfg.backoff_base_secs,
            self.cfg.backoff_max_secs,
            attempt,
            jitter,
        )
    }
}

/// SMTP replies often quote the recipient (`550 <ana@x.eu>: no such user`); logs must not
/// carry addresses, so every word with an `@` is masked. (`last_error` in the database,
/// shown to admins, keeps the full reply.)
fn redact(error: &str) -> String {
    error
        .split(' ')
        .map(|w| if w.contains('@') { "<address>" } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

const MAX_BACKOFF_SECS: u64 = 30 * 86_400;

/// `base · 2^(attempt-1)` seconds, capped at `max`, times `jitter` (drawn from 0.5..1.5) so
/// the retries of many messages that failed together (a mail server outage) spread out
/// instead of all arriving at once.
fn backoff_delay(base: u64, max: u64, attempt: i32, jitter: f64) -> chrono::Duration {
    let exp = u32::try_from(attempt.saturating_sub(1).clamp(0, 30)).unwrap_or(0);
    let secs = base
        .max(1)
        .saturating_mul(1u64 << exp)
        .min(max.max(1))
        .min(MAX_BACKOFF_SECS);
    let ms = secs.saturating_mul(1000) as f64 * jitter;
    chrono::Duration::milliseconds(ms as i64)
}

#[cfg(test)]
mod tests {
    use super::{backoff_delay, redact};

    #[test]
    fn addresses_are_masked_in_logged_errors() {
        assert_eq!(
            redact("permanent: 550 5.1.1 <ana@x.eu>: no such user"),
            "permanent: 550 5.1.1 <address> no such user"
        );
        assert_eq!(redact("connection refused"), "connection refused");
    }

    fn secs(base: u64, max: u64, attempt: i32, jitter: f64) -> f64 {
        backoff_delay(base, max, attempt, jitter).num_milliseconds() as f64 / 1000.0
    }

    #[test]
    fn doubles_per_attempt_up_to_the_cap() {
        let got: Vec<f64> = (1..=8).map(|a| secs(2, 60, a, 1.0)).collect();
        assert_eq!(got, [2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0]);
    }

    #[test]
    fn jitter_spreads_by_half_either_way() {
        assert_eq!(secs(2, 3600, 3, 0.5), 4.0);
        assert_eq!(secs(2, 3600, 3, 1.499), 11.992);
    }

    #[test]
    fn absurd_settings_stay_in_range() {
        // Capped at 30 days whatever the settings say, so `now + delay` cannot overflow.
        assert_eq!(
            secs(u64::MAX, u64::MAX, i32::MAX, 1.49),
            30.0 * 86_400.0 * 1.49
        );
        assert_eq!(secs(0, 0, 0, 1.0), 1.0);
        assert_eq!(secs(1, 10, -5, 1.0), 1.0);
    }
}
