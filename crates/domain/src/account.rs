//! Account lifecycle codes: what a one-time account token is for, and what an entry of
//! the access audit trail records.
use chrono::Duration;

crate::code_enum! {
    /// What a one-time account token (`account_tokens.purpose`) proves. The purpose is
    /// also part of the token's keyed hash, so a token of one purpose cannot be used
    /// for the other.
    pub enum TokenPurpose: "token purpose" {
        VerifyEmail = "verify_email",
        PasswordReset = "password_reset",
    }
}

impl TokenPurpose {
    /// A verification link may sit in an inbox over a weekend; a reset link is a
    /// credential and lives one hour (ASVS 2.5.1 / 2.3.1 ask for short-lived secrets).
    #[must_use]
    pub fn ttl(self) -> Duration {
        match self {
            Self::VerifyEmail => Duration::hours(48),
            Self::PasswordReset => Duration::hours(1),
        }
    }
}

crate::code_enum! {
    /// What an entry of the access audit trail (`access_audit.action`) records.
    pub enum AuditAction: "audit action" {
        Grant = "grant",
        Revoke = "revoke",
        Disable = "disable",
        Enable = "enable",
        EndSessions = "end_sessions",
    }
}
