//! The exchange-application state machine of the contract, and nothing else: every
//! transition not listed here is a conflict.

crate::code_enum! {
    pub enum Status: "application status" {
        Draft = "draft",
        Submitted = "submitted",
        UnderReview = "under_review",
        Approved = "approved",
        Rejected = "rejected",
        Waitlisted = "waitlisted",
        Committed = "committed",
        Reported = "reported",
        Completed = "completed",
        Paid = "paid",
        Withdrawn = "withdrawn",
        Cancelled = "cancelled",
    }
}

impl Status {
    /// States in which the call's budget and a place are reserved for the application.
    #[must_use]
    pub fn holds_reservation(self) -> bool {
        matches!(
            self,
            Self::Approved | Self::Committed | Self::Reported | Self::Completed | Self::Paid
        )
    }

    /// States that count as "has visited" for the visit-once rule (R15).
    #[must_use]
    pub fn counts_as_visit(self) -> bool {
        !matches!(
            self,
            Self::Draft | Self::Rejected | Self::Withdrawn | Self::Cancelled
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Submit,
    Review,
    Approve,
    Reject,
    Waitlist,
    /// The fourth Commitment-to-Quality signature.
    Commit,
    Report,
    Validate,
    Pay,
    Withdraw,
    Cancel,
}

impl Action {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Review => "review",
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Waitlist => "waitlist",
            Self::Commit => "commit",
            Self::Report => "report",
            Self::Validate => "validate",
            Self::Pay => "pay",
            Self::Withdraw => "withdraw",
            Self::Cancel => "cancel",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action} an application that is {from}")]
pub struct TransitionError {
    pub from: Status,
    pub action: &'static str,
}

/// The state an action leads to from `from`, or why it is not allowed.
///
/// # Errors
/// When the contract does not list the transition.
pub fn next(from: Status, action: Action) -> Result<Status, TransitionError> {
    use Status as S;
    let to = match (from, action) {
        (S::Draft, Action::Submit) => S::Submitted,
        (S::Submitted, Action::Review) => S::UnderReview,
        (S::UnderReview | S::Waitlisted, Action::Approve) => S::Approved,
        (S::UnderReview | S::Waitlisted, Action::Reject) => S::Rejected,
        (S::UnderReview, Action::Waitlist) => S::Waitlisted,
        (S::Approved, Action::Commit) => S::Committed,
        (S::Committed, Action::Report) => S::Reported,
        (S::Reported, Action::Validate) => S::Completed,
        (S::Completed, Action::Pay) => S::Paid,
        (
            S::Draft | S::Submitted | S::UnderReview | S::Approved | S::Waitlisted | S::Committed,
            Action::Withdraw,
        ) => S::Withdrawn,
        (S::Approved | S::Committed, Action::Cancel) => S::Cancelled,
        _ => {
            return Err(TransitionError {
                from,
                action: action.as_str(),
            });
        }
    };
    Ok(to)
}

/// The actions a reviewer's decision takes (`POST /applications/{id}/decision`), in the
/// order a form offers them.
pub const DECISIONS: [Action; 3] = [Action::Approve, Action::Reject, Action::Waitlist];

/// The states from which `action` is allowed (used to build conditional updates).
#[must_use]
pub fn sources(action: Action) -> Vec<Status> {
    Status::ALL
        .into_iter()
        .filter(|s| next(*s, action).is_ok())
        .collect()
}

crate::code_enum! {
    pub enum HostResponse: "host response" {
        Pending = "pending",
        Accepted = "accepted",
        Declined = "declined",
    }
}

/// The host may answer once, while the application is waiting for a decision.
#[must_use]
pub fn host_may_respond(status: Status, current: HostResponse) -> bool {
    current == HostResponse::Pending
        && matches!(
            status,
            Status::Submitted | Status::UnderReview | Status::Waitlisted
        )
}

/// The four parties whose signatures make a Commitment to Quality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Signatory {
    Visitor,
    Host,
    Vop,
    Hop,
}

impl Signatory {
    pub const ALL: [Self; 4] = [Self::Visitor, Self::Host, Self::Vop, Self::Hop];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visitor => "visitor",
            Self::Host => "host",
            Self::Vop => "vop",
            Self::Hop => "hop",
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const ALLOWED: &[(Status, Action, Status)] = &[
        (Status::Draft, Action::Submit, Status::Submitted),
        (Status::Submitted, Action::Review, Status::UnderReview),
        (Status::UnderReview, Action::Approve, Status::Approved),
        (Status::UnderReview, Action::Reject, Status::Rejected),
        (Status::UnderReview, Action::Waitlist, Status::Waitlisted),
        (Status::Waitlisted, Action::Approve, Status::Approved),
        (Status::Waitlisted, Action::Reject, Status::Rejected),
        (Status::Approved, Action::Commit, Status::Committed),
        (Status::Committed, Action::Report, Status::Reported),
        (Status::Reported, Action::Validate, Status::Completed),
        (Status::Completed, Action::Pay, Status::Paid),
        (Status::Draft, Action::Withdraw, Status::Withdrawn),
        (Status::Submitted, Action::Withdraw, Status::Withdrawn),
        (Status::UnderReview, Action::Withdraw, Status::Withdrawn),
        (Status::Approved, Action::Withdraw, Status::Withdrawn),
        (Status::Waitlisted, Action::Withdraw, Status::Withdrawn),
        (Status::Committed, Action::Withdraw, Status::Withdrawn),
        (Status::Approved, Action::Cancel, Status::Cancelled),
        (Status::Committed, Action::Cancel, Status::Cancelled),
    ];

    const ACTIONS: [Action; 11] = [
        Action::Submit,
        Action::Review,
        Action::Approve,
        Action::Reject,
        Action::Waitlist,
        Action::Commit,
        Action::Report,
        Action::Validate,
        Action::Pay,
        Action::Withdraw,
        Action::Cancel,
    ];

    #[test]
    fn every_listed_transition_is_allowed_and_every_other_is_refused() {
        for from in Status::ALL {
            for action in ACTIONS {
                let expected = ALLOWED
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|t| t.2);
                match (next(from, action), expected) {
                    (Ok(to), Some(exp)) => assert_eq!(to, exp, "{from} {action:?}"),
                    (Err(_), None) => {}
                    (got, exp) => panic!("{from} {action:?}: got {got:?}, expected {exp:?}"),
                }
            }
        }
    }

    #[test]
    fn nothing_leaves_a_terminal_state() {
        for from in [
            Status::Rejected,
            Status::Paid,
            Status::Withdrawn,
            Status::Cancelled,
        ] {
            assert!(ACTIONS.iter().all(|a| next(from, *a).is_err()), "{from}");
        }
    }

    #[test]
    fn withdrawal_is_refused_from_reported_onwards() {
        for from in [Status::Reported, Status::Completed, Status::Paid] {
            assert!(next(from, Action::Withdraw).is_err());
        }
    }

    #[test]
    fn status_names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("approvedd"), None);
    }

    #[test]
    fn host_answers_once_and_only_while_waiting() {
        assert!(host_may_respond(Status::Submitted, HostResponse::Pending));
        assert!(!host_may_respond(Status::Submitted, HostResponse::Accepted));
        assert!(!host_may_respond(Status::Draft, HostResponse::Pending));
        assert!(!host_may_respond(Status::Approved, HostResponse::Pending));
    }

    #[test]
    fn reservation_is_held_from_approval_to_payment() {
        assert!(Status::Approved.holds_reservation());
        assert!(Status::Paid.holds_reservation());
        assert!(!Status::Waitlisted.holds_reservation());
        assert!(!Status::Cancelled.holds_reservation());
        assert_eq!(
            sources(Action::Cancel),
            vec![Status::Approved, Status::Committed]
        );
    }
}
