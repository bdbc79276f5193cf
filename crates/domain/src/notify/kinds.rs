//! One typed context per email kind. The serialised field names are the template
//! variables; `kind` (the template folder) comes from the variant name.
use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::calendar::WebCalendarLinks;

/// Every email the application sends. Adding a kind means adding a variant here, its
/// templates in four languages and a case in the email crate's snapshot test.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Email {
    Welcome,
    ApplicationSubmitted(ExchangeFacts),
    ApplicationSubmittedCoordinator(ExchangeFacts),
    HostResponseRequested(ExchangeFacts),
    HostResponse(HostAnswer),
    DecisionApproved(ApplicationNote),
    DecisionRejected(ApplicationNote),
    DecisionWaitlisted(ApplicationNote),
    CommitmentSignatureNeeded(Commitment),
    CommitmentCompleted(Commitment),
    ApplicationWithdrawn(ApplicationNote),
    ApplicationCancelled(ApplicationNote),
    ReportDue(ReportDue),
    ReportValidated(ApplicationNote),
    PaymentRecorded(PaymentRecorded),
    PaymentOverdue(PaymentOverdue),
    VisitRegistrationConfirmed(VisitFacts),
    VisitRegistrationWaitlisted(Waitlisted),
    VisitRegistrationPromoted(VisitFacts),
    VisitRegistrationCancelled(VisitFacts),
    AgendaChanged(AgendaChange),
    VisitCancelled(VisitNote),
    ReminderExchangeStart(ExchangeFacts),
    ReminderVisitStart(VisitFacts),
    VerifyEmail(VerifyEmail),
    PasswordReset(PasswordReset),
    PasswordChanged(PasswordChanged),
    ContactInvitation(ContactInvitation),
}

impl Email {
    /// The kind's name: template folder, outbox `kind` column, metrics label.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Welcome => "welcome",
            Self::ApplicationSubmitted(_) => "application_submitted",
            Self::ApplicationSubmittedCoordinator(_) => "application_submitted_coordinator",
            Self::HostResponseRequested(_) => "host_response_requested",
            Self::HostResponse(_) => "host_response",
            Self::DecisionApproved(_) => "decision_approved",
            Self::DecisionRejected(_) => "decision_rejected",
            Self::DecisionWaitlisted(_) => "decision_waitlisted",
            Self::CommitmentSignatureNeeded(_) => "commitment_signature_needed",
            Self::CommitmentCompleted(_) => "commitment_completed",
            Self::ApplicationWithdrawn(_) => "application_withdrawn",
            Self::ApplicationCancelled(_) => "application_cancelled",
            Self::ReportDue(_) => "report_due",
            Self::ReportValidated(_) => "report_validated",
            Self::PaymentRecorded(_) => "payment_recorded",
            Self::PaymentOverdue(_) => "payment_overdue",
            Self::VisitRegistrationConfirmed(_) => "visit_registration_confirmed",
            Self::VisitRegistrationWaitlisted(_) => "visit_registration_waitlisted",
            Self::VisitRegistrationPromoted(_) => "visit_registration_promoted",
            Self::VisitRegistrationCancelled(_) => "visit_registration_cancelled",
            Self::AgendaChanged(_) => "agenda_changed",
            Self::VisitCancelled(_) => "visit_cancelled",
            Self::ReminderExchangeStart(_) => "reminder_exchange_start",
            Self::ReminderVisitStart(_) => "reminder_visit_start",
            Self::VerifyEmail(_) => "verify_email",
            Self::PasswordReset(_) => "password_reset",
            Self::PasswordChanged(_) => "password_changed",
            Self::ContactInvitation(_) => "contact_invitation",
        }
    }

    /// Optional mail (reminders) honours the recipient's preference and carries a
    /// one-click unsubscribe link; everything else is transactional.
    #[must_use]
    pub fn is_optional(&self) -> bool {
        matches!(
            self,
            Self::ReminderExchangeStart(_) | Self::ReminderVisitStart(_)
        )
    }
}

/// "Confirm your address": the link and how long it works.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VerifyEmail {
    pub action_url: String,
    pub valid_hours: i64,
}

/// "Choose a new password": the link and how long it works.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PasswordReset {
    pub action_url: String,
    pub valid_minutes: i64,
}

/// "Your password was changed", with where to go if it was not you.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PasswordChanged {
    pub action_url: String,
    /// When, as shown (`2026-11-29 15:04 UTC`).
    pub changed_at: String,
}

/// An invitation to become a contact of an organisation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContactInvitation {
    pub organisation_name: String,
    pub inviter_name: Option<String>,
    pub action_url: String,
    pub expires_on: NaiveDate,
}

/// The facts of an exchange application that its emails print.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExchangeFacts {
    pub application_id: Uuid,
    pub call_title: String,
    pub participant_name: String,
    pub visitor_org: String,
    pub host_org: String,
    /// The host organisation's city.
    pub city: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub grant_cents: Option<i64>,
    pub objectives: String,
}

/// An exchange email with the decider's optional comment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ApplicationNote {
    #[serde(flatten)]
    pub exchange: ExchangeFacts,
    pub comment: Option<String>,
}

/// The host organisation's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HostAnswer {
    #[serde(flatten)]
    pub exchange: ExchangeFacts,
    pub accepted: bool,
    pub comment: Option<String>,
}

/// Progress of the Commitment to Quality.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Commitment {
    #[serde(flatten)]
    pub exchange: ExchangeFacts,
    pub signed_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportDue {
    #[serde(flatten)]
    pub exchange: ExchangeFacts,
    pub report_due_date: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaymentRecorded {
    #[serde(flatten)]
    pub exchange: ExchangeFacts,
    pub amount_cents: i64,
    pub paid_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaymentOverdue {
    #[serde(flatten)]
    pub exchange: ExchangeFacts,
    pub days_overdue: u32,
}

/// The facts of a group visit (or one of its activities) that its emails print.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VisitFacts {
    pub visit_id: Uuid,
    /// The visit's title, followed by the activity's for per-activity emails.
    pub visit_title: String,
    pub city: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// "Add to my calendar" links of the common web calendars.
    pub add_to_calendar: WebCalendarLinks,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Waitlisted {
    #[serde(flatten)]
    pub visit: VisitFacts,
    pub position: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VisitNote {
    #[serde(flatten)]
    pub visit: VisitFacts,
    pub comment: Option<String>,
}

/// One agenda item named in a change email.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangedItem {
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgendaChange {
    #[serde(flatten)]
    pub visit: VisitFacts,
    pub added: Vec<ChangedItem>,
    pub moved: Vec<ChangedItem>,
    pub removed: Vec<ChangedItem>,
    pub changed: Vec<ChangedItem>,
}
