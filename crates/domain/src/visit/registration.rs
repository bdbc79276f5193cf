//! The state machine of a group-visit registration, and nothing else: every change not
//! listed here is a conflict. Like `workflow::next` for applications, the storage layer
//! asks [`next`] before its conditional update and pins the state it read.
//!
//! ```text
//!   (none) ──register, a place left──▶ confirmed ──cancel──▶ cancelled
//!   (none) ──register, full─────────▶ waitlisted ──cancel──▶ cancelled
//!                                     waitlisted ──promote─▶ confirmed
//! ```
//! A cancelled registration stays cancelled; registering again makes a new one.
use super::RegistrationStatus;

/// What happens to a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationAction {
    /// A new registration: `place` says whether the conditional increment of the visit's
    /// (or activity's) confirmed places succeeded.
    Register { place: bool },
    /// A freed place goes to the first waiting registration (its place already taken).
    Promote,
    /// By the registrant, a manager of the visit, or with the visit or activity.
    Cancel,
}

impl RegistrationAction {
    /// Every action, for exhaustive tests and for building conditional updates.
    pub const ALL: [Self; 4] = [
        Self::Register { place: true },
        Self::Register { place: false },
        Self::Promote,
        Self::Cancel,
    ];

    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Register { .. } => "register",
            Self::Promote => "promote",
            Self::Cancel => "cancel",
        }
    }
}

impl RegistrationStatus {
    /// States that hold one of the visit's (or activity's) counted places.
    #[must_use]
    pub fn holds_place(self) -> bool {
        self == Self::Confirmed
    }

    /// States that still count as registered (one such per person and scope).
    #[must_use]
    pub fn is_active(self) -> bool {
        self != Self::Cancelled
    }
}

/// Why a registration cannot change as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistrationTransitionError {
    #[error("this registration is already cancelled")]
    AlreadyCancelled,
    #[error("you are already registered for this")]
    AlreadyRegistered,
    #[error("cannot {action} a registration that is {}", .from.map_or("not yet made", RegistrationStatus::as_str))]
    Other {
        from: Option<RegistrationStatus>,
        action: &'static str,
    },
}

impl RegistrationTransitionError {
    /// The stable code of the conflict (the problem document's `code`).
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::AlreadyCancelled => "registration_cancelled",
            Self::AlreadyRegistered => "already_registered",
            Self::Other { .. } => "invalid_transition",
        }
    }
}

/// The state `action` leads to from `from` (`None`: no registration yet).
///
/// # Errors
/// When the transition is not listed above.
pub fn next(
    from: Option<RegistrationStatus>,
    action: RegistrationAction,
) -> Result<RegistrationStatus, RegistrationTransitionError> {
    use RegistrationAction as A;
    use RegistrationStatus as S;
    match (from, action) {
        (None, A::Register { place: true }) | (Some(S::Waitlisted), A::Promote) => Ok(S::Confirmed),
        (None, A::Register { place: false }) => Ok(S::Waitlisted),
        (Some(S::Confirmed | S::Waitlisted), A::Cancel) => Ok(S::Cancelled),
        (Some(S::Confirmed | S::Waitlisted), A::Register { .. }) => {
            Err(RegistrationTransitionError::AlreadyRegistered)
        }
        (Some(S::Cancelled), A::Cancel) => Err(RegistrationTransitionError::AlreadyCancelled),
        (from, action) => Err(RegistrationTransitionError::Other {
            from,
            action: action.as_str(),
        }),
    }
}

/// The stored states from which `action` is allowed (for conditional updates).
#[must_use]
pub fn sources(action: RegistrationAction) -> Vec<RegistrationStatus> {
    RegistrationStatus::ALL
        .into_iter()
        .filter(|s| next(Some(*s), action).is_ok())
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use RegistrationAction as A;
    use RegistrationStatus as S;

    const ALLOWED: &[(Option<S>, A, S)] = &[
        (None, A::Register { place: true }, S::Confirmed),
        (None, A::Register { place: false }, S::Waitlisted),
        (Some(S::Waitlisted), A::Promote, S::Confirmed),
        (Some(S::Confirmed), A::Cancel, S::Cancelled),
        (Some(S::Waitlisted), A::Cancel, S::Cancelled),
    ];

    fn froms() -> Vec<Option<S>> {
        std::iter::once(None).chain(S::ALL.map(Some)).collect()
    }

    #[test]
    fn every_listed_transition_is_allowed_and_every_other_is_refused() {
        for from in froms() {
            for action in A::ALL {
                let expected = ALLOWED
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|t| t.2);
                match (next(from, action), expected) {
                    (Ok(to), Some(exp)) => assert_eq!(to, exp, "{from:?} {action:?}"),
                    (Err(_), None) => {}
                    (got, exp) => panic!("{from:?} {action:?}: got {got:?}, expected {exp:?}"),
                }
            }
        }
    }

    #[test]
    fn nothing_leaves_cancelled() {
        for action in A::ALL {
            assert!(next(Some(S::Cancelled), action).is_err(), "{action:?}");
        }
    }

    #[test]
    fn a_confirmed_registration_is_not_promoted_again() {
        assert!(next(Some(S::Confirmed), A::Promote).is_err());
        assert_eq!(next(Some(S::Waitlisted), A::Promote), Ok(S::Confirmed));
    }

    #[test]
    fn a_place_decides_between_confirmed_and_waitlisted() {
        assert_eq!(next(None, A::Register { place: true }), Ok(S::Confirmed));
        assert_eq!(next(None, A::Register { place: false }), Ok(S::Waitlisted));
        assert!(next(None, A::Cancel).is_err());
        assert!(next(None, A::Promote).is_err());
    }

    #[test]
    fn refusals_carry_the_contract_codes() {
        let again = next(Some(S::Cancelled), A::Cancel).unwrap_err();
        assert_eq!(again.code(), "registration_cancelled");
        assert_eq!(again.to_string(), "this registration is already cancelled");
        for active in [S::Confirmed, S::Waitlisted] {
            let twice = next(Some(active), A::Register { place: true }).unwrap_err();
            assert_eq!(twice.code(), "already_registered");
        }
        assert_eq!(
            next(Some(S::Confirmed), A::Promote).unwrap_err().code(),
            "invalid_transition"
        );
    }

    #[test]
    fn only_confirmed_holds_a_place_and_only_cancelled_is_inactive() {
        assert!(S::Confirmed.holds_place());
        assert!(!S::Waitlisted.holds_place());
        assert!(!S::Cancelled.holds_place());
        assert!(S::Confirmed.is_active() && S::Waitlisted.is_active());
        assert!(!S::Cancelled.is_active());
    }

    #[test]
    fn sources_are_the_states_each_action_leaves() {
        assert_eq!(sources(A::Cancel), vec![S::Confirmed, S::Waitlisted]);
        assert_eq!(sources(A::Promote), vec![S::Waitlisted]);
        assert!(sources(A::Register { place: true }).is_empty());
    }
}
