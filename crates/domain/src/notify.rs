//! The port through which use cases turn a message kind and its facts into an email.
//! Implemented by `cxc-email`; the storage layer calls it inside the transaction that
//! writes the outbox row, so the domain never depends on a template engine.

/// A rendered email, ready to be stored in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Renders message kinds in a recipient's locale.
pub trait Renderer: Send + Sync {
    /// # Errors
    /// When the kind is unknown or its template fails.
    fn render(
        &self,
        kind: &str,
        locale: &str,
        ctx: &serde_json::Value,
    ) -> Result<RenderedEmail, String>;
    /// Optional mail (reminders) honours preferences and carries an unsubscribe link.
    fn is_optional(&self, kind: &str) -> bool;
}
