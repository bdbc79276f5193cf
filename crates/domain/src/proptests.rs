//! Property tests over every parser and rule entry point: arbitrary input never panics,
//! and the outputs keep their invariants.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate};
use proptest::prelude::*;

use crate::{
    agenda::{ItemKind, parse_local, parse_tz, resolve_local},
    countries::{ProgrammeCountries, is_iso_country},
    eligibility::{
        ExchangeFacts, Participant, RuleConfig, check_exchange, check_organisation, rule,
    },
    organisation::{
        EnterpriseFigures, OrganisationFacts, PartnerEnterprise, Profile, Role, SupportType,
        validate_organisation_input,
    },
    sme::assess_sme,
    workflow::{HostResponse, Status},
};

fn profile() -> impl Strategy<Value = Profile> {
    prop::sample::select(Profile::ALL.to_vec())
}

fn figures() -> impl Strategy<Value = EnterpriseFigures> {
    (
        prop::option::of(-10.0f64..1000.0),
        prop::option::of(-1_000i64..10_000_000_000),
        prop::option::of(-1_000i64..10_000_000_000),
    )
        .prop_map(|(h, t, b)| EnterpriseFigures {
            headcount: h,
            annual_turnover_cents: t,
            balance_sheet_total_cents: b,
        })
}

fn org() -> impl Strategy<Value = OrganisationFacts> {
    (
        "[A-Za-z ]{0,20}",
        prop::sample::select(vec![
            "LT", "DK", "ES", "EL", "GR", "CH", "XX", "lt", "", "UK", "US",
        ]),
        -100.0f64..100.0,
        -200.0f64..200.0,
        profile(),
        prop::option::of(prop::sample::select(SupportType::ALL.to_vec())),
        figures(),
        prop::collection::vec((-10.0f64..120.0, figures()), 0..3),
        prop::collection::vec(figures(), 0..3),
        prop::option::of(-5.0f64..110.0),
    )
        .prop_map(
            |(name, country, lat, lon, profile, support_type, own, partners, linked, public)| {
                OrganisationFacts {
                    name,
                    country: country.into(),
                    latitude: lat,
                    longitude: lon,
                    profile,
                    support_type,
                    eccp_profile_url: None,
                    clusters: vec![],
                    own,
                    partner_enterprises: partners
                        .into_iter()
                        .map(|(s, f)| PartnerEnterprise {
                            stake_percent: s,
                            figures: f,
                            ..Default::default()
                        })
                        .collect(),
                    linked_enterprises: linked.into_iter().map(Into::into).collect(),
                    public_bodies_control_percent: public,
                    agency_exception_ref: None,
                    establishments: vec![],
                    region: None,
                    previous_period: None,
                }
            },
        )
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (0i64..6000).prop_map(|d| NaiveDate::from_ymd_opt(2014, 1, 1).unwrap() + Duration::days(d))
}

proptest! {
    #[test]
    fn parsers_never_panic_and_round_trip(s in ".{0,40}") {
        let _ = parse_local(&s);
        let _ = parse_tz(&s);
        let _ = is_iso_country(&s);
        let _ = ProgrammeCountries::normalise(&s);
        if let Some(p) = Profile::parse(&s) { prop_assert_eq!(p.as_str(), s.as_str()); }
        if let Some(p) = Status::parse(&s) { prop_assert_eq!(p.as_str(), s.as_str()); }
        if let Some(p) = HostResponse::parse(&s) { prop_assert_eq!(p.as_str(), s.as_str()); }
        if let Some(p) = ItemKind::parse(&s) { prop_assert_eq!(p.as_str(), s.as_str()); }
    }

    #[test]
    fn local_times_in_the_wild_parse_or_fail_cleanly(y in 2000i32..2100, mo in 0u32..14, d in 0u32..33, h in 0u32..26, mi in 0u32..62) {
        let s = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}");
        if let Ok(local) = parse_local(&s) {
            let tz = parse_tz("Europe/Copenhagen").unwrap();
            let _ = resolve_local(local, tz);
        }
    }

    #[test]
    fn organisation_reports_list_every_rule_once_and_agree_with_eligible(o in org(), role in prop::sample::select(vec![Role::Visitor, Role::Host]), on in date()) {
        let _ = validate_organisation_input(&o);
        let r = check_organisation(&o, role, on, &RuleConfig::default());
        prop_assert_eq!(r.eligible, r.checks.iter().all(|c| c.passed));
        prop_assert!(!r.checks.is_empty());
        for c in &r.checks {
            prop_assert!(rule::ALL.contains(&c.rule), "unknown rule id {}", c.rule);
            prop_assert!(!c.message.is_empty());
        }
    }

    #[test]
    fn an_sme_category_implies_the_headcount_ceiling(o in org()) {
        let a = assess_sme(&o);
        if a.category.is_some() {
            prop_assert!(a.headcount < 250.0);
            prop_assert!(a.reasons.is_empty() || a.category.is_some());
        }
    }

    #[test]
    fn exchange_reports_never_panic_and_cap_the_grant(v in org(), h in org(), start in date(), len in -10i64..80, lump in -1000i64..500_000, open in any::<bool>()) {
        let p = Participant { full_name: "X".into(), nationality: "LT".into(), base_country: v.country.clone(), residence_permit_days: None, business_started_or_intended: None };
        let end = start + Duration::days(len);
        let cfg = RuleConfig::default();
        let r = check_exchange(&ExchangeFacts { visitor: &v, host: &h, participant: &p, start_date: start, end_date: end, travel_days: &[], previous_visits: &[], call_open: open, lump_sum_for_host_cents: lump }, &cfg);
        prop_assert!(r.grant_cents >= 0 && r.grant_cents <= cfg.lump_sum_ceiling_cents);
        prop_assert_eq!(r.eligible, r.checks.iter().all(|c| c.passed));
        prop_assert!(r.checks.iter().any(|c| c.rule == rule::CALL_OPEN && c.passed == open));
    }
}
