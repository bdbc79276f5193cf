//! Shape validation of organisation input (HTTP 422 problems).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::eligibility::fixtures::{CPH, eccp_cluster, org};

fn codes(o: &OrganisationFacts) -> Vec<(String, String)> {
    validate_organisation_input(o)
        .into_iter()
        .map(|p| (p.field, p.code))
        .collect()
}

#[test]
fn valid_input_has_no_problems() {
    for p in Profile::ALL {
        assert!(codes(&org("Acme", "DK", CPH, p)).is_empty(), "{p:?}");
    }
    let mut o = org("Athens Lab", "EL", (37.98, 23.72), Profile::ScaleUpSupport);
    o.support_type = Some(SupportType::FabLab);
    o.partner_enterprises = vec![PartnerEnterprise {
        stake_percent: 100.0,
        figures: Default::default(),
        ..Default::default()
    }];
    o.public_bodies_control_percent = Some(0.0);
    assert!(codes(&o).is_empty());
}

#[test]
fn each_shape_problem_is_reported() {
    let base = org("Acme", "DK", CPH, Profile::Sme);
    type Case = (
        &'static str,
        fn(&mut OrganisationFacts),
        &'static str,
        &'static str,
    );
    let cases: Vec<Case> = vec![
        (
            "lowercase country",
            |o| o.country = "dk".into(),
            "country",
            "invalid_country",
        ),
        (
            "unknown country",
            |o| o.country = "ZZ".into(),
            "country",
            "invalid_country",
        ),
        (
            "three letters",
            |o| o.country = "DNK".into(),
            "country",
            "invalid_country",
        ),
        (
            "bad establishment",
            |o| o.establishments = vec!["QQ".into()],
            "establishments[0]",
            "invalid_country",
        ),
        (
            "latitude",
            |o| o.latitude = 90.5,
            "latitude",
            "out_of_range",
        ),
        (
            "longitude",
            |o| o.longitude = -180.01,
            "longitude",
            "out_of_range",
        ),
        (
            "NaN latitude",
            |o| o.latitude = f64::NAN,
            "latitude",
            "out_of_range",
        ),
        ("empty name", |o| o.name = "  ".into(), "name", "required"),
        (
            "negative headcount",
            |o| o.own.headcount = Some(-1.0),
            "headcount",
            "negative",
        ),
        (
            "negative turnover",
            |o| o.own.annual_turnover_cents = Some(-1),
            "annual_turnover_cents",
            "negative",
        ),
        (
            "negative balance",
            |o| o.own.balance_sheet_total_cents = Some(-5),
            "balance_sheet_total_cents",
            "negative",
        ),
        (
            "stake above 100",
            |o| {
                o.partner_enterprises = vec![PartnerEnterprise {
                    stake_percent: 100.1,
                    figures: Default::default(),
                    ..Default::default()
                }]
            },
            "partner_enterprises[0].stake_percent",
            "out_of_range",
        ),
        (
            "negative stake",
            |o| {
                o.partner_enterprises = vec![PartnerEnterprise {
                    stake_percent: -0.1,
                    figures: Default::default(),
                    ..Default::default()
                }]
            },
            "partner_enterprises[0].stake_percent",
            "out_of_range",
        ),
        (
            "negative linked headcount",
            |o| {
                o.linked_enterprises = vec![
                    EnterpriseFigures {
                        headcount: Some(-3.0),
                        ..Default::default()
                    }
                    .into(),
                ]
            },
            "linked_enterprises[0].headcount",
            "negative",
        ),
        (
            "public control",
            |o| o.public_bodies_control_percent = Some(101.0),
            "public_bodies_control_percent",
            "out_of_range",
        ),
        (
            "support type on SME",
            |o| o.support_type = Some(SupportType::Incubator),
            "support_type",
            "support_type_not_allowed",
        ),
        (
            "cluster that is an SME",
            |o| {
                o.clusters.push(crate::eligibility::fixtures::cluster(
                    "Not a cluster",
                    Profile::Sme,
                    true,
                ))
            },
            "cluster_ids",
            "cluster_not_cluster_organisation",
        ),
    ];
    for (label, mutate, field, code) in cases {
        let mut o = base.clone();
        mutate(&mut o);
        assert_eq!(
            codes(&o),
            vec![(field.to_string(), code.to_string())],
            "{label}"
        );
    }
}

#[test]
fn several_problems_at_once() {
    let mut o = org("", "XX", (91.0, 181.0), Profile::LargeCompany);
    o.support_type = Some(SupportType::Accelerator);
    o.clusters = vec![
        eccp_cluster(),
        crate::eligibility::fixtures::cluster("Agency", Profile::PublicAuthority, false),
    ];
    let got: Vec<String> = validate_organisation_input(&o)
        .into_iter()
        .map(|p| p.code)
        .collect();
    assert_eq!(
        got,
        [
            "required",
            "invalid_country",
            "out_of_range",
            "out_of_range",
            "support_type_not_allowed",
            "cluster_not_cluster_organisation"
        ]
    );
}

#[test]
fn enum_strings_round_trip() {
    for p in Profile::ALL {
        assert_eq!(Profile::parse(p.as_str()), Some(p));
    }
    for t in SupportType::ALL {
        assert_eq!(SupportType::parse(t.as_str()), Some(t));
    }
    assert_eq!(Profile::parse("cluster"), None);
    assert_eq!(Role::parse("host"), Some(Role::Host));
    let visitors: Vec<bool> = Profile::ALL.iter().map(Profile::can_visit).collect();
    assert_eq!(visitors, [true, true, true, false, false, false]);
}
