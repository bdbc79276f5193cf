//! Delivery: pooled async SMTP, or `.eml` files for development.

use std::path::PathBuf;
use std::time::Duration;

use lettre::transport::smtp::PoolConfig;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::message::BuildError;
use crate::settings::{EmailSettings, TransportKind};

/// Why a send failed, and whether retrying can help.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Connection problems, timeouts, 4xx replies, local IO: retry later.
    #[error("transient: {0}")]
    Transient(String),
    /// 5xx replies (unknown mailbox, rejected content): do not retry.
    #[error("permanent: {0}")]
    Permanent(String),
}

mod nodelay;

enum Inner {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Plain or STARTTLS relays: our own pool with `TCP_NODELAY` (see `nodelay`).
    NoDelay(Box<nodelay::NoDelayPool>),
    File {
        transport: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
}

/// Cheap to share behind an `Arc`; the SMTP variant keeps a connection pool.
pub struct Mailer {
    inner: Inner,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Deliberately no URL: it may contain credentials.
        f.debug_struct("Mailer")
            .field("kind", &self.kind())
            .finish()
    }
}

impl Mailer {
    /// Must be called inside a Tokio runtime: lettre's SMTP pool spawns its
    /// idle-connection reaper at construction (and would panic otherwise).
    pub fn new(settings: &EmailSettings) -> Result<Self, BuildError> {
        let inner = match settings.transport {
            TransportKind::Smtp if tokio::runtime::Handle::try_current().is_err() => {
                return Err(BuildError::Transport(
                    "the SMTP mailer must be created inside a Tokio runtime".into(),
                ));
            }
            TransportKind::Smtp => match nodelay::NoDelayPool::for_settings(settings)? {
                Some(pool) => Inner::NoDelay(Box::new(pool)),
                None => Inner::Smtp(smtp_transport(settings)?),
            },
            TransportKind::File => {
                let dir = settings.file_dir.clone();
                std::fs::create_dir_all(&dir).map_err(|e| {
                    BuildError::Transport(format!("cannot create {}: {e}", dir.display()))
                })?;
                Inner::File {
                    transport: AsyncFileTransport::new(&dir),
                    dir,
                }
            }
        };
        Ok(Self { inner })
    }

    pub fn kind(&self) -> TransportKind {
        match self.inner {
            Inner::Smtp(_) | Inner::NoDelay(_) => TransportKind::Smtp,
            Inner::File { .. } => TransportKind::File,
        }
    }

    pub async fn send(&self, msg: Message) -> Result<(), SendError> {
        match &self.inner {
            Inner::Smtp(t) => t.send(msg).await.map(drop).map_err(classify_smtp),
            Inner::NoDelay(p) => p.send(&msg).await,
            Inner::File { transport, dir } => {
                // The directory may have been removed since start-up
                // (e.g. a developer cleaning ./data); recreate it.
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| SendError::Transient(format!("{}: {e}", dir.display())))?;
                transport
                    .send(msg)
                    .await
                    .map(|id| tracing::debug!(%id, dir = %dir.display(), "email written to file"))
                    .map_err(|e| SendError::Transient(e.to_string()))
            }
        }
    }
}

fn smtp_transport(
    settings: &EmailSettings,
) -> Result<AsyncSmtpTransport<Tokio1Executor>, BuildError> {
    if tokio::runtime::Handle::try_current().is_err() {
        return Err(BuildError::Transport(
            "the SMTP mailer must be created inside a Tokio runtime".into(),
        ));
    }
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(settings.smtp_url.expose())
        // lettre's URL errors do not echo the URL, so credentials stay out of logs.
        .map_err(|e| BuildError::Transport(format!("invalid smtp_url: {e}")))?
        .timeout(Some(Duration::from_secs(settings.timeout_secs.max(1))))
        .pool_config(PoolConfig::new().max_size(settings.pool_size.max(1)));
    if let Some(user) = &settings.smtp_username {
        let password = settings
            .smtp_password
            .as_ref()
            .map(|p| p.expose().clone())
            .unwrap_or_default();
        builder = builder.credentials(Credentials::new(user.clone(), password));
    }
    Ok(builder.build())
}

/// 5xx replies are permanent; everything else (4xx, refused connections,
/// timeouts, TLS and protocol hiccups) may succeed on a later attempt.
fn classify_smtp(e: lettre::transport::smtp::Error) -> SendError {
    if e.is_permanent() {
        SendError::Permanent(e.to_string())
    } else {
        SendError::Transient(e.to_string())
    }
}
