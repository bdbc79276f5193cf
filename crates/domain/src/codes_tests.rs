//! Every closed set: each code reads back as its value (through `FromStr` and serde,
//! which the API and the database use), codes are distinct, and a code outside the set
//! is refused, never read as some default.
use std::{collections::HashSet, fmt::Debug};

use serde::{Serialize, de::DeserializeOwned};

use super::{Code, UnknownCode};
use crate::{
    account::{AuditAction, TokenPurpose},
    agenda::ItemKind,
    notify::{EmailKind, OutboxStatus},
    organisation::{InvitationStatus, Profile, SupportType, TagKind},
    policy::{AccountRole, MemberRole, Role},
    visit::{RegistrationStatus, VisitStatus},
    workflow::{HostResponse, Status},
};

fn round_trips<T>()
where
    T: Code
        + Debug
        + PartialEq
        + Serialize
        + DeserializeOwned
        + std::str::FromStr<Err = UnknownCode>,
{
    let mut seen = HashSet::new();
    for v in T::ALL {
        let code = v.code();
        assert!(seen.insert(code), "{} code {code} is used twice", T::WHAT);
        assert_eq!(T::from_code(code), Ok(*v));
        assert_eq!(code.parse::<T>(), Ok(*v));
        let json = serde_json::to_string(v).unwrap_or_default();
        assert_eq!(
            json,
            format!("\"{code}\""),
            "{} serialises as its code",
            T::WHAT
        );
        assert_eq!(serde_json::from_str::<T>(&json).ok(), Some(*v));
    }
    for bad in ["", "unknown", "DRAFT", " pending", "Admin"] {
        if seen.contains(bad) {
            continue;
        }
        assert_eq!(
            T::from_code(bad),
            Err(UnknownCode {
                what: T::WHAT,
                value: bad.to_owned()
            })
        );
        assert!(serde_json::from_str::<T>(&format!("\"{bad}\"")).is_err());
    }
}

#[test]
fn every_code_round_trips_and_unknown_codes_are_refused() {
    round_trips::<Status>();
    round_trips::<HostResponse>();
    round_trips::<Profile>();
    round_trips::<SupportType>();
    round_trips::<VisitStatus>();
    round_trips::<RegistrationStatus>();
    round_trips::<ItemKind>();
    round_trips::<Role>();
    round_trips::<AccountRole>();
    round_trips::<MemberRole>();
    round_trips::<TokenPurpose>();
    round_trips::<AuditAction>();
    round_trips::<InvitationStatus>();
    round_trips::<TagKind>();
    round_trips::<EmailKind>();
    round_trips::<OutboxStatus>();
}

#[test]
fn stored_codes_keep_their_spelling() {
    // These strings are in existing rows; renaming a variant must not change them.
    assert_eq!(AccountRole::Applicant.as_str(), "applicant");
    assert_eq!(MemberRole::Coordinator.as_str(), "coordinator");
    assert_eq!(TokenPurpose::VerifyEmail.as_str(), "verify_email");
    assert_eq!(AuditAction::EndSessions.as_str(), "end_sessions");
    assert_eq!(InvitationStatus::Declined.as_str(), "declined");
    assert_eq!(TagKind::Competency.as_str(), "competency");
    assert_eq!(OutboxStatus::Sending.as_str(), "sending");
    assert_eq!(
        EmailKind::ApplicationSubmittedCoordinator.as_str(),
        "application_submitted_coordinator"
    );
    assert_eq!(EmailKind::ALL.len(), 28);
}

#[test]
fn the_headline_role_is_the_strongest_held() {
    use AccountRole as A;
    assert_eq!(A::headline(false, []), A::Applicant);
    assert_eq!(A::headline(false, [Role::Partner]), A::Partner);
    assert_eq!(
        A::headline(false, [Role::Partner, Role::Coordinator, Role::Partner]),
        A::Coordinator
    );
    assert_eq!(
        A::headline(false, [Role::Coordinator, Role::Admin]),
        A::Admin
    );
    // An admin made on the command line holds no admin grant.
    assert_eq!(A::headline(true, []), A::Admin);
    assert_eq!(A::headline(true, [Role::Partner]), A::Admin);
}
