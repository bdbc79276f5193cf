//! One typed context per email kind. The serialised field names are the template
//! variables; `kind` (the template folder) comes from the variant name.
use chrono::NaiveDate;
use serde::Serialize;
use uuid::Uuid;

use crate::calendar::WebCalendarLinks;

crate::code_enum! {
    /// Which email a message is, without its facts: the outbox's `kind` column, the
    /// template folder and the metrics label. [`Email::kind`] maps each variant to its kind.
    pub enum EmailKind: "email kind" {
        Welcome = "welcome",
        ApplicationSubmitted = "application_submitted",
        ApplicationSubmittedCoordinator = "application_submitted_coordinator",
        HostResponseRequested = "host_response_requested",
        HostResponse = "host_response",
        DecisionApproved = "decision_approved",
        DecisionRejected = "decision_rejected",
        DecisionWaitlisted = "decision_waitlisted",
        CommitmentSignatureNeeded = "commitment_signature_needed",
        CommitmentCompleted = "commitment_completed",
        ApplicationWithdrawn = "application_withdrawn",
        ApplicationCancelled = "application_cancelled",
        ReportDue = "report_due",
        ReportValidated = "report_validated",
        PaymentRecorded = "payment_recorded",
        PaymentOverdue = "payment_overdue",
        VisitRegistrationConfirmed = "visit_registration_confirmed",
        VisitRegistrationWaitlisted = "visit_registration_waitlisted",
        VisitRegistrationPromoted = "visit_registration_promoted",
        VisitRegistrationCancelled = "visit_registration_cancelled",
        AgendaChanged = "agenda_changed",
        VisitCancelled = "visit_cancelled",
        ReminderExchangeStart = "reminder_exchange_start",
        ReminderVisitStart = "reminder_visit_start",
        VerifyEmail = "verify_email",
        PasswordReset = "password_reset",
        PasswordChanged = "password_changed",
        ContactInvitation = "contact_invitation",
    }
}

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
    /// The kind: template folder, outbox `kind` column, metrics label.
    #[must_use]
    pub fn kind(&self) -> EmailKind {
        match self {
            Self::Welcome => EmailKind::Welcome,
            Self::ApplicationSubmitted(_) => EmailKind::ApplicationSubmitted,
            Self::ApplicationSubmittedCoordinator(_) => EmailKind::ApplicationSubmittedCoordinator,
            Self::HostResponseRequested(_) => EmailKind::HostResponseRequested,
            Self::HostResponse(_) => EmailKind::HostResponse,
            Self::DecisionApproved(_) => EmailKind::DecisionApproved,
            Self::DecisionRejected(_) => EmailKind::DecisionRejected,
            Self::DecisionWaitlisted(_) => EmailKind::DecisionWaitlisted,
            Self::CommitmentSignatureNeeded(_) => EmailKind::CommitmentSignatureNeeded,
            Self::CommitmentCompleted(_) => EmailKind::CommitmentCompleted,
            Self::ApplicationWithdrawn(_) => EmailKind::ApplicationWithdrawn,
            Self::ApplicationCancelled(_) => EmailKind::ApplicationCancelled,
            Self::ReportDue(_) => EmailKind::ReportDue,
            Self::ReportValidated(_) => EmailKind::ReportValidated,
            Self::PaymentRecorded(_) => EmailKind::PaymentRecorded,
            Self::PaymentOverdue(_) => EmailKind::PaymentOverdue,
            Self::VisitRegistrationConfirmed(_) => EmailKind::VisitRegistrationConfirmed,
            Self::VisitRegistrationWaitlisted(_) => EmailKind::VisitRegistrationWaitlisted,
            Self::VisitRegistrationPromoted(_) => EmailKind::VisitRegistrationPromoted,
            Self::VisitRegistrationCancelled(_) => EmailKind::VisitRegistrationCancelled,
            Self::AgendaChanged(_) => EmailKind::AgendaChanged,
            Self::VisitCancelled(_) => EmailKind::VisitCancelled,
            Self::ReminderExchangeStart(_) => EmailKind::ReminderExchangeStart,
            Self::ReminderVisitStart(_) => EmailKind::ReminderVisitStart,
            Self::VerifyEmail(_) => EmailKind::VerifyEmail,
            Self::PasswordReset(_) => EmailKind::PasswordReset,
            Self::PasswordChanged(_) => EmailKind::PasswordChanged,
            Self::ContactInvitation(_) => EmailKind::ContactInvitation,
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
