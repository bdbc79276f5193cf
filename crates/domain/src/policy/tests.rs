//! Grants, accounts and partnerships: each rule on both sides of its boundary.
#![allow(clippy::unwrap_used)]
use uuid::Uuid;

use super::*;

pub(super) fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

pub(super) const P: u128 = 100;
pub(super) const P2: u128 = 200;

pub(super) fn nobody(n: u128) -> Actor {
    Actor {
        id: id(n),
        ..Actor::default()
    }
}

pub(super) fn with_grant(n: u128, role: Role, p: Option<u128>) -> Actor {
    Actor {
        id: id(n),
        grants: vec![Grant {
            role,
            partnership: p.map(id),
        }],
        ..Actor::default()
    }
}

pub(super) fn admin(n: u128) -> Actor {
    Actor {
        id: id(n),
        admin: true,
        ..Actor::default()
    }
}

#[test]
fn roles_round_trip_and_unknown_names_are_none() {
    for r in Role::ALL {
        assert_eq!(Role::parse(r.as_str()), Some(r));
    }
    assert_eq!(Role::parse("Admin"), None);
    assert_eq!(Role::parse("applicant"), None);
}

#[test]
fn grants_are_scoped_to_their_partnership() {
    let coord = with_grant(1, Role::Coordinator, Some(P));
    assert!(coord.coordinates(id(P)) && coord.works_for(id(P)));
    assert!(!coord.coordinates(id(P2)) && !coord.works_for(id(P2)));
    let partner = with_grant(2, Role::Partner, Some(P));
    assert!(partner.works_for(id(P)) && !partner.coordinates(id(P)));
    assert!(!partner.works_for(id(P2)));
    let everywhere = with_grant(3, Role::Coordinator, None);
    assert!(everywhere.coordinates(id(P2)) && everywhere.holds(Role::Coordinator, id(P2)));
    assert_eq!(everywhere.partnerships(), None);
    assert_eq!(coord.partnerships(), Some(vec![id(P)]));
    assert_eq!(nobody(4).partnerships(), Some(vec![]));
}

#[test]
fn admins_coordinate_everywhere_but_hold_no_grant() {
    let a = admin(1);
    assert!(a.coordinates(id(P)) && a.works_for(id(P2)));
    assert!(!a.holds(Role::Coordinator, id(P)));
    assert_eq!(a.partnerships(), None);
}

#[test]
fn only_admins_administer_accounts() {
    let target = id(9);
    let actions = [
        AccountAction::ListUsers,
        AccountAction::ReadAudit,
        AccountAction::Revoke {
            target,
            role: Role::Coordinator,
        },
        AccountAction::Disable { target },
        AccountAction::Enable { target },
        AccountAction::EndSessions { target },
        AccountAction::Outbox,
        AccountAction::Metrics,
        AccountAction::CreatePartnership,
        AccountAction::Grant,
    ];
    for a in actions {
        assert_eq!(account_action(&admin(1), a), Ok(()), "{a:?}");
        for who in [
            nobody(2),
            with_grant(3, Role::Coordinator, None),
            with_grant(4, Role::Partner, Some(P)),
        ] {
            let d = account_action(&who, a).unwrap_err();
            assert_eq!(
                (d.rule, d.refusal),
                ("admin_only", Refusal::Forbidden),
                "{a:?}"
            );
        }
    }
}

#[test]
fn an_admin_cannot_lock_themselves_out() {
    let me = admin(1);
    let d = account_action(&me, AccountAction::Disable { target: id(1) }).unwrap_err();
    assert_eq!(d.rule, "self_lockout");
    let d = account_action(
        &me,
        AccountAction::Revoke {
            target: id(1),
            role: Role::Admin,
        },
    )
    .unwrap_err();
    assert_eq!(d.rule, "self_lockout");
    let d = account_action(&me, AccountAction::EndSessions { target: id(1) }).unwrap_err();
    assert_eq!(d.rule, "self_lockout");
    // Other roles of one's own, and other people, are fine.
    for ok in [
        AccountAction::Revoke {
            target: id(1),
            role: Role::Coordinator,
        },
        AccountAction::EndSessions { target: id(2) },
        AccountAction::Disable { target: id(2) },
        AccountAction::Revoke {
            target: id(2),
            role: Role::Admin,
        },
    ] {
        assert_eq!(account_action(&me, ok), Ok(()), "{ok:?}");
    }
}

#[test]
fn grants_go_to_enabled_verified_accounts_from_admins() {
    let fine = Grantee {
        id: id(9),
        verified: true,
        disabled: false,
    };
    for role in Role::ALL {
        assert_eq!(grant_role(&admin(1), &fine, role), Ok(()));
        let d = grant_role(&with_grant(2, Role::Coordinator, None), &fine, role).unwrap_err();
        assert_eq!(d.rule, "admin_only");
    }
    let disabled = Grantee {
        disabled: true,
        ..fine
    };
    let d = grant_role(&admin(1), &disabled, Role::Partner).unwrap_err();
    assert_eq!((d.rule, d.refusal), ("grantee_disabled", Refusal::Conflict));
    let unverified = Grantee {
        verified: false,
        ..fine
    };
    let d = grant_role(&admin(1), &unverified, Role::Partner).unwrap_err();
    assert_eq!(
        (d.rule, d.refusal),
        ("account_unverified", Refusal::Conflict)
    );
}

#[test]
fn partnership_staff_act_for_their_partnership_only() {
    use PartnershipAction as A;
    let cases = [
        (admin(1), [true, true, true]),
        (
            with_grant(2, Role::Coordinator, Some(P)),
            [true, true, true],
        ),
        (with_grant(3, Role::Partner, Some(P)), [false, true, true]),
        (
            with_grant(4, Role::Coordinator, Some(P2)),
            [false, false, false],
        ),
        (with_grant(5, Role::Partner, None), [false, true, true]),
        (nobody(6), [false, false, false]),
    ];
    for (who, expected) in cases {
        for (action, ok) in [A::ManageCalls, A::ReadReport, A::ManageVisits]
            .into_iter()
            .zip(expected)
        {
            let got = partnership_action(&who, id(P), action);
            assert_eq!(got.is_ok(), ok, "{who:?} {action:?}");
            if let Err(d) = got {
                assert_eq!(d.refusal, Refusal::Forbidden);
            }
        }
    }
}

#[test]
fn organisations_are_edited_by_contacts_and_admins_and_read_by_staff() {
    let staff = with_grant(1, Role::Partner, Some(P));
    let cases = [
        (nobody(2), true, Some(OrgAccess::Contact), true),
        (nobody(2), false, None, false),
        (admin(3), false, Some(OrgAccess::Admin), true),
        (staff.clone(), false, Some(OrgAccess::Staff), false),
        (
            with_grant(4, Role::Coordinator, None),
            false,
            Some(OrgAccess::Staff),
            false,
        ),
        (staff, true, Some(OrgAccess::Contact), true),
    ];
    for (who, contact, access, edits) in cases {
        assert_eq!(organisation_access(&who, contact).ok(), access, "{who:?}");
        let e = edit_organisation(&who, contact, "edit it");
        assert_eq!(e.is_ok(), edits, "{who:?}");
        if let Err(d) = e {
            let expected = if access.is_none() {
                Refusal::Hidden
            } else {
                Refusal::Forbidden
            };
            assert_eq!(d.refusal, expected);
        }
    }
}

#[test]
fn registrations_are_cancelled_by_their_registrant_and_the_visits_managers() {
    let registrant = id(7);
    assert_eq!(cancel_registration(&nobody(7), registrant, id(P)), Ok(()));
    assert_eq!(
        cancel_registration(&with_grant(8, Role::Partner, Some(P)), registrant, id(P)),
        Ok(())
    );
    assert_eq!(cancel_registration(&admin(9), registrant, id(P)), Ok(()));
    for other in [nobody(10), with_grant(11, Role::Coordinator, Some(P2))] {
        let d = cancel_registration(&other, registrant, id(P)).unwrap_err();
        assert_eq!(d.refusal, Refusal::Hidden);
    }
}

#[test]
fn a_visit_is_changed_by_its_partnerships_staff_only() {
    for who in [
        with_grant(1, Role::Partner, Some(P)),
        with_grant(2, Role::Coordinator, Some(P)),
        with_grant(3, Role::Coordinator, None),
        admin(4),
    ] {
        for public in [true, false] {
            assert_eq!(manage_visit(&who, id(P), public), Ok(()), "{who:?}");
        }
    }
    for who in [nobody(5), with_grant(6, Role::Partner, Some(P2))] {
        let seen = manage_visit(&who, id(P), true).unwrap_err();
        assert_eq!(
            (seen.refusal, seen.rule),
            (Refusal::Forbidden, "staff_only")
        );
        let unseen = manage_visit(&who, id(P), false).unwrap_err();
        assert_eq!(unseen.refusal, Refusal::Hidden, "{who:?}");
    }
}

#[test]
fn only_a_contact_registers_an_organisation_for_a_visit() {
    assert_eq!(register_for_visit(true), Ok(()));
    let d = register_for_visit(false).unwrap_err();
    assert_eq!((d.refusal, d.rule), (Refusal::Forbidden, "contact_only"));
    assert_eq!(d.reason, "you are not a contact of this organisation");
}
