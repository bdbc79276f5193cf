//! Email templates and transport for ClusterXchange.
//!
//! This crate only renders and sends; the outbox table and the dispatcher loop
//! that retries live elsewhere. Errors are therefore classified
//! ([`SendError::Transient`] vs [`SendError::Permanent`], [`BuildError`] is
//! always permanent) so the dispatcher can decide whether to retry.

mod format;
pub mod message;
pub mod settings;
pub mod templates;
pub mod transport;

pub use message::{Attachment, BuildError, OutgoingEmail, build_message};
pub use settings::{EmailSettings, TransportKind};
pub use templates::{KINDS, LOCALES, RenderError, Rendered, normalise_locale, render};
pub use transport::{Mailer, SendError};
