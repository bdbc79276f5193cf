//! Configuration of the email subsystem (deserialised from the server config).

use std::path::PathBuf;

use cxc_domain::secret::Secret;

/// Which transport delivers messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TransportKind {
    /// Write each message as `<file_dir>/<id>.eml` (development, tests).
    File,
    /// Deliver over SMTP using `smtp_url`.
    Smtp,
}

#[derive(Debug, Clone, serde::Deserialize)]
#[serde(default)]
pub struct EmailSettings {
    pub transport: TransportKind,
    pub file_dir: PathBuf,
    /// `smtp://host:25` (plain), `smtp://host:587?tls=required` (STARTTLS),
    /// `smtps://host:465` (implicit TLS); may carry `user:pass@`.
    pub smtp_url: Secret<String>,
    /// Override the credentials in `smtp_url` (keeps secrets out of URLs,
    /// which tend to end up in logs). Applied only when `smtp_username` is
    /// set; a missing password then means an empty one.
    pub smtp_username: Option<String>,
    pub smtp_password: Option<Secret<String>>,
    pub from_address: String,
    pub from_name: String,
    /// Maximum number of pooled SMTP connections.
    pub pool_size: u32,
    /// SMTP command/connect timeout.
    pub timeout_secs: u64,
    /// Right-hand side of generated Message-IDs (`<uuid>@domain`).
    pub message_id_domain: String,
    /// Whether the relay accepts non-ASCII mailbox names (SMTPUTF8, RFC 6531). Off by
    /// default: addresses like `jūratė@…` are then refused at registration, since the
    /// verification mail could never reach them.
    pub smtputf8: bool,
}

impl Default for EmailSettings {
    fn default() -> Self {
        Self {
            // File transport by default so a fresh checkout never tries to
            // talk to a real mail server.
            transport: TransportKind::File,
            file_dir: PathBuf::from("./data/mail"),
            smtp_url: "smtp://127.0.0.1:2525".into(),
            smtp_username: None,
            smtp_password: None,
            from_address: "noreply@clusterxchange.eu".to_owned(),
            from_name: "ClusterXchange".to_owned(),
            pool_size: 4,
            timeout_secs: 10,
            message_id_domain: "clusterxchange.eu".to_owned(),
            smtputf8: false,
        }
    }
}

impl EmailSettings {
    /// A fresh Message-ID (without angle brackets) for a new outbox row.
    pub fn new_message_id(&self) -> String {
        format!("{}@{}", uuid::Uuid::now_v7(), self.message_id_domain)
    }
}
