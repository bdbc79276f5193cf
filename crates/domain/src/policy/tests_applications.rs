//! Applications: visibility, who acts, conflicts of interest and the four signatures.
#![allow(clippy::unwrap_used)]
use uuid::Uuid;

use super::tests::{P, P2, admin, id, nobody, with_grant};
use super::*;
use crate::workflow::Signatory;

const APPLICANT: u128 = 1;
const V: u128 = 10; // visiting organisation
const H: u128 = 11; // host organisation
const VC: u128 = 12; // cluster of the visiting organisation
const HC: u128 = 13; // cluster of the host organisation

fn parties() -> Parties {
    Parties {
        applicant: id(APPLICANT),
        visiting_organisation: id(V),
        host_organisation: id(H),
        visiting_partnership: id(P),
        host_partnership: id(P2),
        visitor_clusters: vec![id(VC)],
        host_clusters: vec![id(HC)],
        recorded_visitor_side: vec![],
        recorded_host_side: vec![],
    }
}

fn contact(n: u128, orgs: &[u128]) -> Actor {
    Actor {
        id: id(n),
        organisations: orgs.iter().copied().map(id).collect(),
        ..Actor::default()
    }
}

fn and_contact(mut a: Actor, orgs: &[u128]) -> Actor {
    a.organisations.extend(orgs.iter().copied().map(id));
    a
}

fn and_grant(mut a: Actor, role: Role, p: u128) -> Actor {
    a.grants.push(Grant {
        role,
        partnership: Some(id(p)),
    });
    a
}

const ACTIONS: [AppAction; 12] = [
    AppAction::Read,
    AppAction::Edit,
    AppAction::Submit,
    AppAction::Withdraw,
    AppAction::Report,
    AppAction::RespondAsHost,
    AppAction::Review,
    AppAction::Decide,
    AppAction::Cancel,
    AppAction::ValidateReport,
    AppAction::Pay,
    AppAction::ReadEvidence,
];

/// `2` allowed, `3` forbidden, `4` hidden: one letter per action of [`ACTIONS`].
fn outcomes(who: &Actor, p: &Parties) -> String {
    ACTIONS
        .iter()
        .map(|a| match application_action(who, p, *a) {
            Ok(_) => '2',
            Err(d) if d.refusal == Refusal::Hidden => '4',
            Err(_) => '3',
        })
        .collect()
}

#[test]
fn every_plain_relation_against_every_action() {
    let p = parties();
    //            R E S W R H R D C V P E
    let table = [
        ("outsider", nobody(50), "444444444444"),
        ("applicant", nobody(APPLICANT), "222223333333"),
        ("visiting contact", contact(51, &[V]), "222223333333"),
        ("host contact", contact(52, &[H]), "233332333333"),
        // Cluster contacts are not shown the application for being cluster contacts.
        (
            "visiting cluster contact",
            contact(53, &[VC]),
            "444444444444",
        ),
        (
            "VOP coordinator",
            with_grant(54, Role::Coordinator, Some(P)),
            "233333222222",
        ),
        (
            "HOP coordinator",
            with_grant(55, Role::Coordinator, Some(P2)),
            "233333333332",
        ),
        (
            "VOP partner",
            with_grant(56, Role::Partner, Some(P)),
            "233333333333",
        ),
        (
            "HOP partner",
            with_grant(57, Role::Partner, Some(P2)),
            "233333333333",
        ),
        (
            "other partnership",
            with_grant(58, Role::Coordinator, Some(999)),
            "444444444444",
        ),
        ("admin", admin(59), "233333222222"),
    ];
    for (name, who, expected) in table {
        assert_eq!(outcomes(&who, &p), expected, "{name}");
    }
}

/// A read is judged on the application's own parties alone: for every kind of caller,
/// including contacts of either cluster and people recorded at submission, `may_read`
/// answers what the full check answers for `Read`.
#[test]
fn reading_needs_only_the_own_parties() {
    let mut full = parties();
    full.recorded_visitor_side = vec![id(60)];
    full.recorded_host_side = vec![id(61)];
    let own = OwnParties {
        applicant: full.applicant,
        visiting_organisation: full.visiting_organisation,
        host_organisation: full.host_organisation,
        visiting_partnership: full.visiting_partnership,
        host_partnership: full.host_partnership,
    };
    let callers = [
        nobody(50),
        nobody(APPLICANT),
        contact(51, &[V]),
        contact(52, &[H]),
        contact(53, &[VC]),
        contact(54, &[HC]),
        nobody(60),
        nobody(61),
        and_contact(contact(62, &[VC]), &[HC]),
        with_grant(63, Role::Coordinator, Some(P)),
        with_grant(64, Role::Coordinator, Some(P2)),
        with_grant(65, Role::Partner, Some(P)),
        with_grant(66, Role::Partner, Some(P2)),
        with_grant(67, Role::Coordinator, Some(999)),
        and_grant(contact(68, &[VC]), Role::Partner, P2),
        admin(69),
    ];
    let mut seen = 0;
    for who in callers {
        let full_answer = application_action(&who, &full, AppAction::Read).is_ok();
        assert_eq!(may_read(&who, own).is_ok(), full_answer, "{who:?}");
        seen += usize::from(full_answer);
    }
    // Both answers occur, so the comparison is not vacuous.
    assert!(seen > 0 && seen < 16, "{seen}");
}

#[test]
fn a_decider_acting_for_either_side_is_refused_with_the_reason() {
    let p = parties();
    let vop = || with_grant(60, Role::Coordinator, Some(P));
    let cases = [
        (
            and_contact(vop(), &[V]),
            "conflict_visiting_side",
            "contact of the visiting organisation",
        ),
        (
            and_contact(vop(), &[VC]),
            "conflict_visiting_cluster",
            "member of your cluster",
        ),
        (
            and_contact(vop(), &[H]),
            "conflict_host_side",
            "contact of the host organisation",
        ),
        (
            and_contact(vop(), &[HC]),
            "conflict_host_cluster",
            "host organisation is a member of your cluster",
        ),
        (
            and_contact(admin(61), &[H]),
            "conflict_host_side",
            "contact of the host organisation",
        ),
    ];
    for (who, rule, why) in cases {
        for action in [AppAction::Review, AppAction::Decide] {
            let d = application_action(&who, &p, action).unwrap_err();
            assert_eq!((d.rule, d.refusal), (rule, Refusal::Forbidden), "{who:?}");
            assert!(
                d.reason.starts_with("conflict of interest") && d.reason.contains(why),
                "{}",
                d.reason
            );
        }
    }
    // The applicant holding the VOP grant: conflicted too.
    let d = application_action(
        &and_grant(nobody(APPLICANT), Role::Coordinator, P),
        &p,
        AppAction::Decide,
    )
    .unwrap_err();
    assert_eq!(d.rule, "conflict_visiting_side");
    // Unrelated clusters do not conflict.
    let free = and_contact(vop(), &[777]);
    assert!(application_action(&free, &p, AppAction::Decide).is_ok());
}

#[test]
fn relations_recorded_at_submission_still_conflict_after_they_end() {
    let mut p = parties();
    let vop = with_grant(62, Role::Coordinator, Some(P));
    assert!(application_action(&vop, &p, AppAction::Decide).is_ok());
    p.recorded_visitor_side = vec![id(62)];
    let d = application_action(&vop, &p, AppAction::Decide).unwrap_err();
    assert_eq!(d.rule, "conflict_visiting_side_at_submission");
    p.recorded_visitor_side = vec![];
    p.recorded_host_side = vec![id(62)];
    let d = application_action(&vop, &p, AppAction::Review).unwrap_err();
    assert_eq!(d.rule, "conflict_host_side_at_submission");
    // A cluster the visitor left after submission is still among its clusters (the
    // caller merges both lists), so its contacts stay conflicted.
    let mut p = parties();
    p.visitor_clusters = vec![id(VC), id(70)];
    let d = application_action(&and_contact(vop, &[70]), &p, AppAction::Decide).unwrap_err();
    assert_eq!(d.rule, "conflict_visiting_cluster");
}

#[test]
fn the_host_answers_only_when_not_acting_for_the_visitor() {
    let p = parties();
    assert!(application_action(&contact(63, &[H]), &p, AppAction::RespondAsHost).is_ok());
    // The host's own cluster is the host side: fine.
    assert!(application_action(&contact(63, &[H, HC]), &p, AppAction::RespondAsHost).is_ok());
    for visiting in [V, VC] {
        let d = application_action(&contact(63, &[H, visiting]), &p, AppAction::RespondAsHost)
            .unwrap_err();
        assert_eq!(d.rule, "conflict_visiting_side", "{visiting}");
    }
    let d = application_action(
        &and_contact(nobody(APPLICANT), &[H]),
        &p,
        AppAction::RespondAsHost,
    )
    .unwrap_err();
    assert_eq!(d.rule, "conflict_visiting_side");
    let mut recorded = parties();
    recorded.recorded_visitor_side = vec![id(63)];
    assert!(application_action(&contact(63, &[H]), &recorded, AppAction::RespondAsHost).is_err());
}

fn sign(who: &Actor, p: &Parties, s: &Signatures) -> Verdict<Signatory> {
    signatory(who, p, s)
}

fn put(s: &mut Signatures, party: Signatory, who: Uuid) {
    match party {
        Signatory::Visitor => s.visitor = Some(who),
        Signatory::Host => s.host = Some(who),
        Signatory::Vop => s.vop = Some(who),
        Signatory::Hop => s.hop = Some(who),
    }
}

#[test]
fn four_different_people_sign_each_for_their_party() {
    let p = parties();
    let mut s = Signatures::default();
    let people = [
        (nobody(APPLICANT), Signatory::Visitor),
        (contact(64, &[H]), Signatory::Host),
        (with_grant(65, Role::Coordinator, Some(P)), Signatory::Vop),
        (with_grant(66, Role::Coordinator, Some(P2)), Signatory::Hop),
    ];
    for (who, party) in &people {
        assert_eq!(sign(who, &p, &s), Ok(*party));
        put(&mut s, *party, who.id);
    }
    for (who, _) in &people {
        let d = sign(who, &p, &s).unwrap_err();
        assert_eq!((d.rule, d.refusal), ("already_signed", Refusal::Conflict));
    }
}

#[test]
fn one_person_cannot_play_three_parties() {
    // Issue 12: coordinator of both partnerships and a contact of the host.
    let p = parties();
    let who = and_contact(
        and_grant(
            with_grant(67, Role::Coordinator, Some(P)),
            Role::Coordinator,
            P2,
        ),
        &[H],
    );
    let mut s = Signatures {
        visitor: Some(id(APPLICANT)),
        ..Signatures::default()
    };
    assert_eq!(sign(&who, &p, &s), Ok(Signatory::Host));
    put(&mut s, Signatory::Host, who.id);
    let d = sign(&who, &p, &s).unwrap_err();
    assert_eq!(d.rule, "already_signed", "nothing else they may sign for");
    // Had someone else signed for the host, they may not sign for a partnership.
    let s = Signatures {
        visitor: Some(id(APPLICANT)),
        host: Some(id(68)),
        ..Signatures::default()
    };
    let d = sign(&who, &p, &s).unwrap_err();
    assert_eq!((d.rule, d.refusal), ("already_signed", Refusal::Conflict));
    // Nor may they decide.
    let d = application_action(&who, &p, AppAction::Decide).unwrap_err();
    assert_eq!(d.rule, "conflict_host_side");
}

#[test]
fn a_coordinator_of_both_partnerships_signs_once() {
    let p = parties();
    let both = and_grant(
        with_grant(69, Role::Coordinator, Some(P)),
        Role::Coordinator,
        P2,
    );
    let mut s = Signatures::default();
    assert_eq!(sign(&both, &p, &s), Ok(Signatory::Vop));
    put(&mut s, Signatory::Vop, both.id);
    let d = sign(&both, &p, &s).unwrap_err();
    assert_eq!(
        (d.rule, d.refusal),
        ("one_signature_per_person", Refusal::Forbidden)
    );
    assert!(d.reason.contains("different person"));
    // An unscoped coordinator grant is the same: one signature.
    let everywhere = with_grant(70, Role::Coordinator, None);
    let s = Signatures {
        hop: Some(id(70)),
        ..Signatures::default()
    };
    assert_eq!(
        sign(&everywhere, &p, &s).unwrap_err().rule,
        "one_signature_per_person"
    );
}

#[test]
fn conflicted_coordinators_and_admins_do_not_sign_for_a_partnership() {
    let p = parties();
    let s = Signatures::default();
    for orgs in [[VC], [HC]] {
        let who = and_contact(with_grant(71, Role::Coordinator, Some(P)), &orgs);
        let d = sign(&who, &p, &s).unwrap_err();
        assert_eq!(d.rule, "conflict_signatory", "{orgs:?}");
        assert!(d.reason.starts_with("conflict of interest"));
    }
    let mut recorded = parties();
    recorded.recorded_host_side = vec![id(71)];
    let d = sign(&with_grant(71, Role::Coordinator, Some(P2)), &recorded, &s).unwrap_err();
    assert_eq!(d.rule, "conflict_signatory");
    // A visiting contact with the VOP grant signs as the visitor only.
    let who = and_contact(with_grant(72, Role::Coordinator, Some(P)), &[V]);
    assert_eq!(sign(&who, &p, &s), Ok(Signatory::Visitor));
    // A host contact who also acts for the visitor signs for no one but the visitor.
    let who = contact(73, &[V, H]);
    assert_eq!(sign(&who, &p, &s), Ok(Signatory::Visitor));
    let d = sign(
        &who,
        &p,
        &Signatures {
            visitor: Some(id(1)),
            ..s
        },
    )
    .unwrap_err();
    assert_eq!(d.rule, "already_signed");
    for who in [admin(74), with_grant(75, Role::Partner, Some(P))] {
        let d = sign(&who, &p, &s).unwrap_err();
        assert_eq!((d.rule, d.refusal), ("not_a_signatory", Refusal::Forbidden));
    }
    let d = sign(&nobody(76), &p, &s).unwrap_err();
    assert_eq!(d.refusal, Refusal::Hidden);
}
