//! Organisation rules R01-R08, each passing and failing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::fixtures::{CPH, cluster, d, figures, org, sme};
use super::*;
use crate::organisation::Profile::*;

fn outcome(r: &EligibilityReport, id: &str) -> Option<bool> {
    r.checks.iter().find(|c| c.rule == id).map(|c| c.passed)
}

fn run(o: &OrganisationFacts, role: Role) -> EligibilityReport {
    check_organisation(o, role, d(2026, 3, 2), &RuleConfig::default())
}

#[test]
fn profile_type_rules_r01_r02_r03() {
    // (profile, R01 visitor ok, R03 ok) — hosts always pass R02.
    let cases = [
        (ClusterOrganisation, true),
        (ScaleUpSupport, true),
        (Sme, true),
        (TrainingProvider, false),
        (LargeCompany, false),
        (PublicAuthority, false),
    ];
    for (p, can_visit) in cases {
        let o = org("Org", "DK", CPH, p);
        let v = run(&o, Role::Visitor);
        assert_eq!(
            outcome(&v, rule::VISITOR_TYPE_ALLOWED),
            Some(can_visit),
            "{p:?}"
        );
        assert_eq!(
            outcome(&v, rule::HOST_ONLY_TYPE_CANNOT_VISIT),
            Some(can_visit),
            "{p:?}"
        );
        assert_eq!(outcome(&v, rule::HOST_TYPE_ALLOWED), None);
        assert_eq!(v.eligible, can_visit, "{p:?}");
        let h = run(&o, Role::Host);
        assert_eq!(outcome(&h, rule::HOST_TYPE_ALLOWED), Some(true), "{p:?}");
        assert_eq!(outcome(&h, rule::VISITOR_TYPE_ALLOWED), None);
        assert!(h.eligible, "{p:?}: {:?}", h.checks);
    }
    let v = run(&org("Big Corp", "DK", CPH, LargeCompany), Role::Visitor);
    let r03 = v
        .checks
        .iter()
        .find(|c| c.rule == rule::HOST_ONLY_TYPE_CANNOT_VISIT)
        .unwrap();
    assert_eq!(
        r03.message,
        "A large company may take part only as a host, not as a visiting organisation."
    );
}

#[test]
fn cluster_membership_r04() {
    let member = org("Lab", "DK", CPH, ScaleUpSupport);
    let mut no_eccp = member.clone();
    no_eccp.clusters = vec![cluster("Unlisted cluster", ClusterOrganisation, false)];
    let mut network_only = member.clone();
    network_only.clusters = vec![cluster("Business network", ClusterOrganisation, false)];
    let mut none = member.clone();
    none.clusters.clear();
    let cluster_itself = org("BigScience.dk", "DK", CPH, ClusterOrganisation);
    let cases = [
        (&member, true),
        (&no_eccp, false),
        (&network_only, false),
        (&none, false),
        (&cluster_itself, true),
    ];
    for (o, want) in cases {
        for role in [Role::Visitor, Role::Host] {
            assert_eq!(
                outcome(&run(o, role), rule::CLUSTER_MEMBERSHIP),
                Some(want),
                "{} {role:?}",
                o.clusters.len()
            );
        }
    }
    let r = run(&none, Role::Visitor);
    let c = r
        .checks
        .iter()
        .find(|c| c.rule == rule::CLUSTER_MEMBERSHIP)
        .unwrap();
    assert!(
        c.message
            .contains("Membership of a business network alone is not sufficient")
    );
}

#[test]
fn non_member_sme_host_exception_r05() {
    let mut o = sme("Tiny", "DK", CPH);
    o.clusters.clear();
    // Host without approval: R04 and R05 fail.
    let h = run(&o, Role::Host);
    assert_eq!(
        outcome(&h, rule::NON_MEMBER_SME_HOST_EXCEPTION),
        Some(false)
    );
    assert_eq!(outcome(&h, rule::CLUSTER_MEMBERSHIP), Some(false));
    // With the agency reference it may host ...
    o.agency_exception_ref = Some("EISMEA-2026-17".into());
    let h = run(&o, Role::Host);
    assert_eq!(outcome(&h, rule::NON_MEMBER_SME_HOST_EXCEPTION), Some(true));
    assert_eq!(outcome(&h, rule::CLUSTER_MEMBERSHIP), Some(true));
    assert!(h.eligible);
    // ... but never visit.
    let v = run(&o, Role::Visitor);
    assert_eq!(outcome(&v, rule::CLUSTER_MEMBERSHIP), Some(false));
    assert_eq!(outcome(&v, rule::NON_MEMBER_SME_HOST_EXCEPTION), None);
    // A member SME host passes R05 without a reference; non-SMEs are not asked.
    assert_eq!(
        outcome(
            &run(&sme("M", "DK", CPH), Role::Host),
            rule::NON_MEMBER_SME_HOST_EXCEPTION
        ),
        Some(true)
    );
    assert_eq!(
        outcome(
            &run(&org("L", "DK", CPH, LargeCompany), Role::Host),
            rule::NON_MEMBER_SME_HOST_EXCEPTION
        ),
        None
    );
    // A blank reference is no reference.
    o.agency_exception_ref = Some("  ".into());
    assert_eq!(
        outcome(&run(&o, Role::Host), rule::NON_MEMBER_SME_HOST_EXCEPTION),
        Some(false)
    );
}

#[test]
fn sme_status_r06_with_sub_checks() {
    let ok = run(&sme("Small", "DK", CPH), Role::Visitor);
    assert_eq!(ok.sme_category, Some(SmeCategory::Small));
    for id in [
        rule::SME_STATUS,
        rule::SME_HEADCOUNT,
        rule::SME_FINANCIAL_CEILING,
        rule::SME_PUBLIC_CONTROL,
    ] {
        assert_eq!(outcome(&ok, id), Some(true), "{id}");
    }
    let mut big = sme("Too big", "DK", CPH);
    big.own = figures(250.0, 60_000_000, 50_000_000);
    big.public_bodies_control_percent = Some(25.0);
    let r = run(&big, Role::Visitor);
    for id in [
        rule::SME_STATUS,
        rule::SME_HEADCOUNT,
        rule::SME_FINANCIAL_CEILING,
        rule::SME_PUBLIC_CONTROL,
    ] {
        assert_eq!(outcome(&r, id), Some(false), "{id}");
    }
    let status = r
        .checks
        .iter()
        .find(|c| c.rule == rule::SME_STATUS)
        .unwrap();
    assert!(status.message.starts_with(
        "The organisation 'Too big' does not meet the EU SME definition (Recommendation 2003/361/EC): "
    ));
    assert!(
        status.message.contains("250") && status.message.contains("25%"),
        "{}",
        status.message
    );
    // Non-SME profiles are not asked for SME status.
    let cl = run(&org("C", "DK", CPH, ClusterOrganisation), Role::Host);
    assert_eq!(outcome(&cl, rule::SME_STATUS), None);
}

#[test]
fn country_on_date_r07_r08() {
    let cfg = RuleConfig::default();
    let cases = [
        ("XK", d(2017, 12, 31), false),
        ("XK", d(2018, 1, 1), true),
        ("GB", d(2020, 12, 31), true),
        ("GB", d(2021, 1, 1), false),
        ("RE", d(2022, 5, 1), true),
        ("AX", d(2022, 5, 1), true),
        ("PF", d(2022, 5, 1), true),
        ("EL", d(2026, 3, 2), true),
        ("GR", d(2026, 3, 2), true),
        ("GB", d(2022, 5, 1), false),
        ("CH", d(2026, 3, 2), false),
    ];
    for (cc, on, want) in cases {
        let o = sme("Org", cc, CPH);
        let v = check_organisation(&o, Role::Visitor, on, &cfg);
        assert_eq!(
            outcome(&v, rule::VISITOR_COUNTRY_ELIGIBLE),
            Some(want),
            "{cc} {on}"
        );
        let h = check_organisation(&o, Role::Host, on, &cfg);
        assert_eq!(
            outcome(&h, rule::HOST_COUNTRY_ELIGIBLE),
            Some(want),
            "{cc} {on}"
        );
    }
    let v = check_organisation(&sme("Org", "CH", CPH), Role::Visitor, d(2026, 3, 2), &cfg);
    let c = v
        .checks
        .iter()
        .find(|c| c.rule == rule::VISITOR_COUNTRY_ELIGIBLE)
        .unwrap();
    assert_eq!(
        c.message,
        "Visiting organisation country CH is not a programme participating country on 2026-03-02."
    );
}

#[test]
fn several_failures_reported_at_once() {
    let mut o = org("Ministry", "CH", CPH, PublicAuthority);
    o.clusters.clear();
    let r = run(&o, Role::Visitor);
    let failed: Vec<&str> = r
        .checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.rule)
        .collect();
    assert_eq!(
        failed,
        [
            rule::VISITOR_TYPE_ALLOWED,
            rule::HOST_ONLY_TYPE_CANNOT_VISIT,
            rule::CLUSTER_MEMBERSHIP,
            rule::VISITOR_COUNTRY_ELIGIBLE
        ]
    );
    assert!(!r.eligible);
    assert!(
        r.checks
            .iter()
            .all(|c| rule::ALL.contains(&c.rule) && !c.message.is_empty())
    );
}
