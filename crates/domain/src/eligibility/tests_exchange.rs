//! Exchange rules R09-R15, call_open, R21, R22 and the whole report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::fixtures::{CPH, MAD, VNO, d, exchange, org, participant, sme};
use super::*;
use crate::organisation::Profile;

fn failed(r: &ExchangeReport) -> Vec<&'static str> {
    r.checks
        .iter()
        .filter(|c| !c.passed)
        .map(|c| c.rule)
        .collect()
}

fn message<'r>(r: &'r ExchangeReport, id: &str) -> &'r str {
    &r.checks.iter().find(|c| c.rule == id).unwrap().message
}

#[test]
fn happy_path_lists_every_rule() {
    let (v, h) = (
        sme("Nordic Optics", "DK", CPH),
        org("INEUSTAR", "ES", MAD, Profile::ClusterOrganisation),
    );
    let p = participant("DK", "DK");
    let travel = [d(2026, 3, 2), d(2026, 3, 13)];
    let r = check_exchange(&exchange(&v, &h, &p, &travel), &RuleConfig::default());
    assert!(r.eligible, "{:?}", failed(&r));
    assert_eq!(
        (r.working_days, r.grant_cents, r.halved),
        (8, 78_000, false)
    );
    assert!((r.distance_km - 2073.0).abs() < 15.0);
    assert_eq!(
        (r.visitor_sme_category, r.host_sme_category),
        (Some(SmeCategory::Small), Some(SmeCategory::Small))
    );
    let mut ids: Vec<&str> = r.checks.iter().map(|c| c.rule).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut all: Vec<&str> = rule::ALL
        .iter()
        .copied()
        .filter(|id| *id != rule::NON_MEMBER_SME_HOST_EXCEPTION)
        .collect();
    all.sort_unstable();
    assert_eq!(ids, all);
    assert!(message(&r, rule::LUMP_SUM_HALVING).starts_with("The full lump sum of €780 applies"));
}

/// Each case mutates the happy path and expects exactly these failed rules.
#[test]
fn each_exchange_rule_fails_alone() {
    type Case = (&'static str, fn(&mut Scenario), &'static [&'static str]);
    let cases: [Case; 14] = [
        (
            "same country",
            |s| s.host.country = "DK".into(),
            &[rule::TRANSNATIONAL],
        ),
        (
            "greece EL vs GR",
            |s| {
                s.visitor.country = "EL".into();
                s.host.country = "GR".into();
                s.p.base_country = "GR".into();
            },
            &[rule::TRANSNATIONAL],
        ),
        (
            "base elsewhere",
            |s| s.p.base_country = "SE".into(),
            &[rule::RESIDENCE_BASIS],
        ),
        (
            "base in establishment",
            |s| {
                s.visitor.establishments = vec!["SE".into()];
                s.p.base_country = "SE".into();
            },
            &[],
        ),
        (
            "third-country national",
            |s| s.p.nationality = "US".into(),
            &[rule::THIRD_COUNTRY_NATIONAL],
        ),
        (
            "tcn 182 days",
            |s| {
                s.p.nationality = "US".into();
                s.p.residence_permit_days = Some(182);
                s.p.business_started_or_intended = Some(true);
            },
            &[rule::THIRD_COUNTRY_NATIONAL],
        ),
        (
            "tcn 183 days + business",
            |s| {
                s.p.nationality = "US".into();
                s.p.residence_permit_days = Some(183);
                s.p.business_started_or_intended = Some(true);
            },
            &[],
        ),
        (
            "32 days",
            |s| {
                s.start = d(2026, 3, 1);
                s.end = d(2026, 4, 1);
                s.travel.clear();
            },
            &[rule::MAX_DURATION],
        ),
        (
            "31 days (the other side of R13)",
            |s| {
                s.start = d(2026, 3, 1);
                s.end = d(2026, 3, 31);
                s.travel.clear();
            },
            &[],
        ),
        (
            "lump sum exactly €1,100 (the other side of R21)",
            |s| s.lump = 110_000,
            &[],
        ),
        (
            "travel outside",
            |s| s.travel.push(d(2026, 3, 20)),
            &[rule::CONSECUTIVE_STAY],
        ),
        (
            "visited before",
            |s| s.previous = vec![uuid::Uuid::nil()],
            &[rule::VISIT_ONCE],
        ),
        ("call closed", |s| s.call_open = false, &[rule::CALL_OPEN]),
        (
            "lump sum above €1,100",
            |s| s.lump = 120_000,
            &[rule::LUMP_SUM_CEILING],
        ),
    ];
    for (label, mutate, want) in cases {
        let mut s = Scenario::new();
        mutate(&mut s);
        let r = s.run(&RuleConfig::default());
        assert_eq!(failed(&r), want, "{label}");
        assert_eq!(r.eligible, want.is_empty(), "{label}");
    }
}

#[test]
fn working_day_boundaries_r12_r22() {
    // Mon 2 Mar 2026 + n weekdays, no travel days.
    let cases = [
        (2, false, true),
        (3, true, true),
        (4, true, true),
        (5, true, false),
    ];
    for (days, min_ok, halved) in cases {
        let mut s = Scenario::new();
        s.travel.clear();
        s.end = d(2026, 3, 1 + days);
        let r = s.run(&RuleConfig::default());
        assert_eq!(r.working_days, days, "{days}");
        assert_eq!(
            failed(&r).contains(&rule::MIN_WORKING_DAYS),
            !min_ok,
            "{days}"
        );
        assert_eq!(r.halved, halved, "{days}");
        assert_eq!(r.grant_cents, if halved { 39_000 } else { 78_000 });
    }
    let mut s = Scenario::new();
    s.travel.clear();
    s.end = d(2026, 3, 3);
    let r = s.run(&RuleConfig::default());
    assert_eq!(
        message(&r, rule::MIN_WORKING_DAYS),
        "The exchange lasts 2 working day(s) at the host. The minimum is 3 working days, not counting travel days, weekends or public holidays. The host states no region, so only the national public holidays of ES apply (days that every region keeps); regional holidays are not excluded."
    );
}

#[test]
fn holiday_and_travel_days_reduce_working_days() {
    // Visit to Vilnius Mon 16 .. Fri 20 Feb 2026: 16 Feb is a Lithuanian holiday and Friday
    // is the travel day home, leaving 3 working days: eligible but halved.
    let mut s = Scenario::new();
    s.host = sme("LITEK member", "LT", VNO);
    (s.start, s.end, s.travel) = (d(2026, 2, 16), d(2026, 2, 20), vec![d(2026, 2, 20)]);
    let r = s.run(&RuleConfig::default());
    assert_eq!(
        (r.working_days, r.eligible, r.halved, r.grant_cents),
        (3, true, true, 39_000)
    );
    assert!(message(&r, rule::LUMP_SUM_HALVING).contains("shorter than 5 working days"));
}

#[test]
fn distance_boundary_200_km() {
    // Host exactly 200 km (and 199.9 km) due north of the visitor on the same meridian.
    for (km, halved) in [
        (200.0, false),
        (199.9, true),
        (200.1, false),
        (200.25, false),
        (199.99, true),
    ] {
        let cfg = RuleConfig::default();
        let mut s = Scenario::new();
        s.host.country = "SE".into();
        (s.host.latitude, s.host.longitude) = (north_of(CPH, km), CPH.1);
        let r = s.run(&cfg);
        assert_eq!(r.halved, halved, "{km} km -> {}", r.distance_km);
        assert!(r.eligible);
    }
}

#[test]
fn start_date_decides_country_eligibility() {
    let mut s = Scenario::new();
    s.host.country = "ME".into();
    // Montenegro's COSME agreement entered into force on 29 Oct 2014 (a Wednesday).
    (s.start, s.end, s.travel) = (d(2014, 10, 28), d(2014, 10, 31), vec![]);
    assert_eq!(
        failed(&s.run(&RuleConfig::default())),
        [rule::HOST_COUNTRY_ELIGIBLE]
    );
    (s.start, s.end) = (d(2014, 10, 29), d(2014, 10, 31));
    assert_eq!(failed(&s.run(&RuleConfig::default())), [] as [&str; 0]);
}

#[test]
fn many_failures_at_once() {
    let mut s = Scenario::new();
    s.visitor = org("Big Corp", "CH", CPH, Profile::LargeCompany);
    s.host.country = "CH".into();
    s.p = participant("US", "CH");
    (s.start, s.end, s.travel) = (d(2026, 3, 10), d(2026, 3, 2), vec![]);
    s.previous = vec![uuid::Uuid::nil()];
    s.call_open = false;
    let r = s.run(&RuleConfig::default());
    assert_eq!(
        failed(&r),
        [
            rule::VISITOR_TYPE_ALLOWED,
            rule::HOST_ONLY_TYPE_CANNOT_VISIT,
            rule::VISITOR_COUNTRY_ELIGIBLE,
            rule::HOST_COUNTRY_ELIGIBLE,
            rule::TRANSNATIONAL,
            rule::RESIDENCE_BASIS,
            rule::THIRD_COUNTRY_NATIONAL,
            rule::MIN_WORKING_DAYS,
            rule::CONSECUTIVE_STAY,
            rule::VISIT_ONCE,
            rule::CALL_OPEN,
        ]
    );
    assert!(message(&r, rule::CONSECUTIVE_STAY).contains("before the start date"));
    assert!(message(&r, rule::VISIT_ONCE).contains("00000000-0000-0000-0000-000000000000"));
}

/// Owned inputs for one exchange so a test can tweak any field.
struct Scenario {
    visitor: OrganisationFacts,
    host: OrganisationFacts,
    p: Participant,
    start: NaiveDate,
    end: NaiveDate,
    travel: Vec<NaiveDate>,
    previous: Vec<uuid::Uuid>,
    call_open: bool,
    lump: i64,
}

impl Scenario {
    fn new() -> Self {
        Scenario {
            visitor: sme("Nordic Optics", "DK", CPH),
            host: org("INEUSTAR", "ES", MAD, Profile::ClusterOrganisation),
            p: participant("DK", "DK"),
            start: d(2026, 3, 2),
            end: d(2026, 3, 13),
            travel: vec![d(2026, 3, 2), d(2026, 3, 13)],
            previous: vec![],
            call_open: true,
            lump: 78_000,
        }
    }

    fn run(&self, cfg: &RuleConfig) -> ExchangeReport {
        let mut x = exchange(&self.visitor, &self.host, &self.p, &self.travel);
        (x.start_date, x.end_date, x.previous_visits) = (self.start, self.end, &self.previous);
        (x.call_open, x.lump_sum_for_host_cents) = (self.call_open, self.lump);
        check_exchange(&x, cfg)
    }
}

/// The latitude `km` (geodesic, WGS-84) due north of `from`, found by bisection to 1 mm;
/// rounded up so that "exactly 200 km" is not a hair short.
fn north_of(from: (f64, f64), km: f64) -> f64 {
    let (mut lo, mut hi) = (from.0, from.0 + 5.0);
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if crate::geo::geodesic_km(from.0, from.1, mid, from.1) < km {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}
