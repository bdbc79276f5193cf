//! The port through which use cases turn an email and its facts into a message.
//! Implemented by `cxc-email`; the storage layer calls it inside the transaction that
//! writes the outbox row, so the domain never depends on a template engine.
//!
//! Every email kind is one variant of [`Email`] holding a typed context ([`kinds`]): a
//! use case cannot queue a kind without the facts its templates print, and the
//! templates render in strict mode, so a value that is missing fails instead of
//! printing as empty text. What every email shares (the recipient's name, the links of
//! the frame) is the [`Frame`], filled from the recipient by the outbox.

pub mod kinds;

pub use kinds::{
    AgendaChange, ApplicationNote, ChangedItem, Commitment, ContactInvitation, Email, EmailKind,
    ExchangeFacts, HostAnswer, PasswordChanged, PasswordReset, PaymentOverdue, PaymentRecorded,
    ReportDue, VerifyEmail, VisitFacts, VisitNote, Waitlisted,
};

crate::code_enum! {
    /// Where an outbox message stands (`outbox.status`): waiting (`pending`, possibly
    /// until `not_before`), leased by a dispatcher (`sending`), delivered, or given up
    /// after its last attempt (`failed`, retried by an admin).
    pub enum OutboxStatus: "outbox status" {
        Pending = "pending",
        Sending = "sending",
        Sent = "sent",
        Failed = "failed",
    }
}

/// A file attached to an email (e.g. an `.ics` invitation), stored with the message in
/// the outbox. Text only: every attachment the application sends is generated text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Attachment {
    pub filename: String,
    pub content_type: String,
    pub content: String,
}

/// A rendered email, ready to be stored in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// What every email carries whatever its kind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Frame {
    /// Every email greets its recipient by name.
    pub recipient_name: String,
    /// Base address of the web front end; links in emails start with it.
    pub app_url: String,
    /// One-click unsubscribe link, on optional mail (reminders) only.
    pub unsubscribe_url: Option<String>,
}

/// Renders emails in a recipient's locale.
pub trait Renderer: Send + Sync {
    /// # Errors
    /// When a template fails (a bug: every kind is covered by snapshot tests).
    fn render(&self, email: &Email, frame: &Frame, locale: &str) -> Result<RenderedEmail, String>;
}
