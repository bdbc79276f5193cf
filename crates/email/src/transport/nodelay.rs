//! Pooled SMTP connections with `TCP_NODELAY`.
//!
//! lettre writes a message's body and the final `\r\n.\r\n` as two writes, then waits
//! for the reply. With Nagle's algorithm on, the final dot waits for the ACK of the
//! body, which the relay delays (40 ms on Linux): about 25 messages per second per
//! connection whatever the hardware. lettre's own pool cannot turn Nagle off, so plain
//! and STARTTLS relays (`smtp://`) use this pool of lettre connections made on our own
//! sockets; `smtps://` and URLs with inline credentials keep lettre's transport.
use std::{
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

use lettre::{
    Message,
    transport::smtp::{
        Error,
        authentication::{Credentials, Mechanism},
        client::{AsyncSmtpConnection, TlsParameters},
        extension::ClientId,
    },
};
use tokio::{net::TcpStream, sync::Semaphore};

use super::SendError;
use crate::{message::BuildError, settings::EmailSettings};

/// Idle connections older than this are closed rather than reused (relays drop them).
const MAX_IDLE: Duration = Duration::from_secs(60);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StartTls {
    Never,
    Opportunistic,
    Required,
}

pub(crate) struct NoDelayPool {
    host: String,
    port: u16,
    starttls: StartTls,
    hello: ClientId,
    credentials: Option<Credentials>,
    timeout: Duration,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    permits: Semaphore,
}

impl NoDelayPool {
    /// `None` when the URL is not one this pool handles (lettre's transport does).
    pub(crate) fn for_settings(s: &EmailSettings) -> Result<Option<Self>, BuildError> {
        let url = url::Url::parse(s.smtp_url.expose())
            .map_err(|e| BuildError::Transport(format!("invalid smtp_url: {e}")))?;
        if url.scheme() != "smtp" || url.password().is_some() || !url.username().is_empty() {
            return Ok(None);
        }
        let tls = url
            .query_pairs()
            .find(|(k, _)| k == "tls")
            .map(|(_, v)| v.to_string());
        let (starttls, default_port) = match tls.as_deref() {
            None => (StartTls::Never, 25),
            Some("opportunistic") => (StartTls::Opportunistic, 587),
            Some("required") => (StartTls::Required, 587),
            Some(_) => return Ok(None),
        };
        let Some(host) = url.host_str() else {
            return Err(BuildError::Transport("invalid smtp_url: no host".into()));
        };
        let hello = if url.path().len() > 1 {
            ClientId::Domain(url.path().trim_matches('/').to_owned())
        } else {
            ClientId::default()
        };
        Ok(Some(Self {
            host: host.trim_matches(['[', ']']).to_owned(),
            port: url.port().unwrap_or(default_port),
            starttls,
            hello,
            credentials: s.smtp_username.as_ref().map(|u| {
                Credentials::new(
                    u.clone(),
                    s.smtp_password
                        .as_ref()
                        .map(|p| p.expose().clone())
                        .unwrap_or_default(),
                )
            }),
            timeout: Duration::from_secs(s.timeout_secs.max(1)),
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(usize::try_from(s.pool_size.max(1)).unwrap_or(1)),
        }))
    }

    async fn connect(&self) -> Result<AsyncSmtpConnection, SendError> {
        let transient = |e: String| SendError::Transient(e);
        let stream = tokio::time::timeout(
            self.timeout,
            TcpStream::connect((self.host.as_str(), self.port)),
        )
        .await
        .map_err(|_| transient("connection timed out".into()))?
        .map_err(|e| transient(format!("connection refused: {e}")))?;
        stream
            .set_nodelay(true)
            .map_err(|e| transient(e.to_string()))?;
        let mut conn = AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello)
            .await
            .map_err(classify)?;
        let wants_tls = match self.starttls {
            StartTls::Never => false,
            StartTls::Opportunistic => conn.can_starttls(),
            StartTls::Required => true,
        };
        if wants_tls {
            let params = TlsParameters::new(self.host.clone()).map_err(classify)?;
            conn.starttls(params, &self.hello).await.map_err(classify)?;
        }
        if let Some(c) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], c)
                .await
                .map_err(classify)?;
        }
        Ok(conn)
    }

    fn take_idle(&self) -> Option<AsyncSmtpConnection> {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some((conn, since)) = idle.pop() {
            if since.elapsed() < MAX_IDLE && !conn.has_broken() {
                return Some(conn);
            }
        }
        None
    }

    fn put_back(&self, conn: AsyncSmtpConnection) {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((conn, Instant::now()));
    }

    async fn send_on(
        &self,
        conn: &mut AsyncSmtpConnection,
        msg: &Message,
        body: &[u8],
    ) -> Result<(), SendError> {
        match tokio::time::timeout(self.timeout, conn.send(msg.envelope(), body)).await {
            Ok(r) => r.map(drop).map_err(classify),
            Err(_) => Err(SendError::Transient(
                "the relay did not answer in time".into(),
            )),
        }
    }

    pub(crate) async fn send(&self, msg: &Message) -> Result<(), SendError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| SendError::Transient(e.to_string()))?;
        let body = msg.formatted();
        // A reused connection may have been closed by the relay meanwhile: on a
        // transient failure the message gets one more try on a fresh connection.
        if let Some(mut conn) = self.take_idle() {
            match self.send_on(&mut conn, msg, &body).await {
                Ok(()) => {
                    self.put_back(conn);
                    return Ok(());
                }
                Err(e @ SendError::Permanent(_)) => {
                    conn.abort().await;
                    return Err(e);
                }
                Err(SendError::Transient(_)) => conn.abort().await,
            }
        }
        let mut conn = self.connect().await?;
        let result = self.send_on(&mut conn, msg, &body).await;
        if result.is_ok() {
            self.put_back(conn);
        } else {
            conn.abort().await;
        }
        result
    }
}

fn classify(e: Error) -> SendError {
    super::classify_smtp(e)
}
