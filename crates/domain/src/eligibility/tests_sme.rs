//! SME definition boundaries (Recommendation 2003/361/EC).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::eligibility::fixtures::{CPH, figures, sme};
use crate::organisation::{InvestorType, PartnerEnterprise};

fn with_own(h: f64, t: i64, b: i64) -> OrganisationFacts {
    let mut o = sme("Acme", "DK", CPH);
    o.own = figures(h, t, b);
    o
}

#[test]
fn own_figures_table() {
    use SmeCategory::*;
    let m = 1_000_000;
    let cases = [
        (9.0, 2 * m, 2 * m, Some(Micro)),
        (9.9, 2 * m + 1, 2 * m, Some(Micro)), // balance sheet alone suffices
        (10.0, m, m, Some(Small)),
        (5.0, 20 * m, 20 * m, Some(Medium)), // few staff but big money
        (49.0, 10 * m, 10 * m, Some(Small)),
        (50.0, m, m, Some(Medium)),
        (249.0, 50 * m, 43 * m, Some(Medium)),
        (249.0, 50 * m + 1, 43 * m, Some(Medium)),
        (249.0, 60 * m, 43 * m + 1, None),
        (250.0, m, m, None),
    ];
    for (h, t, b, want) in cases {
        assert_eq!(
            assess_sme(&with_own(h, t, b)).category,
            want,
            "{h} staff, €{t}, €{b}"
        );
    }
}

#[test]
fn headcount_249_is_medium_250_is_not() {
    let a = assess_sme(&with_own(249.0, 1_000_000, 1_000_000));
    assert_eq!(
        (a.category, a.headcount_ok),
        (Some(SmeCategory::Medium), Some(true))
    );
    let b = assess_sme(&with_own(250.0, 1_000_000, 1_000_000));
    assert_eq!((b.category, b.headcount_ok), (None, Some(false)));
    assert!(b.reasons[0].contains("250"), "{:?}", b.reasons);
}

/// 200 own staff plus a partner of 200 staff: the stake decides what is added.
#[test]
fn partner_stake_boundaries() {
    let cases = [
        (24.9, 200.0, Some(SmeCategory::Medium)), // ignored: autonomous
        (25.0, 250.0, None),                      // 25 % of 200 = 50 added
        (50.0, 300.0, None),                      // proportional
        (50.1, 400.0, None),                      // control: linked, 100 %
    ];
    for (stake, want_headcount, want) in cases {
        let mut o = with_own(200.0, 1_000_000, 1_000_000);
        o.partner_enterprises = vec![PartnerEnterprise {
            stake_percent: stake,
            figures: figures(200.0, 0, 0),
            ..Default::default()
        }];
        let a = assess_sme(&o);
        assert_eq!(
            (a.headcount, a.category),
            (want_headcount, want),
            "stake {stake}"
        );
    }
    // Below the boundary the proportional share keeps it an SME.
    let mut o = with_own(100.0, 1_000_000, 1_000_000);
    o.partner_enterprises = vec![PartnerEnterprise {
        stake_percent: 25.0,
        figures: figures(100.0, 40_000_000, 0),
        ..Default::default()
    }];
    let a = assess_sme(&o);
    assert_eq!((a.headcount, a.turnover_cents), (125.0, 1_100_000_000));
    assert_eq!(a.category, Some(SmeCategory::Medium));
}

#[test]
fn linked_enterprises_are_added_in_full() {
    let mut o = with_own(8.0, 1_000_000, 1_000_000);
    assert_eq!(assess_sme(&o).category, Some(SmeCategory::Micro));
    o.linked_enterprises = vec![figures(45.0, 9_000_000, 9_000_000).into()];
    let a = assess_sme(&o);
    assert_eq!((a.headcount, a.category), (53.0, Some(SmeCategory::Medium)));
    assert_eq!(a.turnover_cents, 1_000_000_000);
}

#[test]
fn public_control_boundary() {
    for (pct, want) in [(24.9, true), (25.0, false)] {
        let mut o = with_own(5.0, 100_000, 100_000);
        o.public_bodies_control_percent = Some(pct);
        let a = assess_sme(&o);
        assert_eq!(
            (a.public_control_ok, a.category.is_some()),
            (want, want),
            "{pct}"
        );
        if !want {
            assert!(
                a.reasons[0].contains("public bodies control 25%"),
                "{:?}",
                a.reasons
            );
        }
    }
}

#[test]
fn missing_figures_are_not_assessable() {
    let mut o = with_own(5.0, 1, 1);
    o.own.headcount = None;
    let a = assess_sme(&o);
    assert_eq!((a.category, a.headcount_ok), (None, None));
    assert!(
        a.reasons
            .iter()
            .any(|r| r.contains("headcount of the organisation itself is missing"))
    );

    let mut o = with_own(5.0, 1, 1);
    o.own.annual_turnover_cents = None;
    o.own.balance_sheet_total_cents = None;
    let a = assess_sme(&o);
    assert_eq!((a.category, a.financial_ok), (None, None));

    // One figure within its ceiling is enough even when the other is missing.
    let mut o = with_own(5.0, 1_000_000, 0);
    o.own.balance_sheet_total_cents = None;
    assert_eq!(assess_sme(&o).category, Some(SmeCategory::Micro));

    // A partner without headcount makes the total unknown.
    let mut o = with_own(5.0, 1, 1);
    o.partner_enterprises = vec![PartnerEnterprise {
        stake_percent: 30.0,
        figures: Default::default(),
        ..Default::default()
    }];
    let a = assess_sme(&o);
    assert_eq!(a.category, None);
    assert!(
        a.reasons.iter().any(|r| r.contains("partner enterprise 1")),
        "{:?}",
        a.reasons
    );
}

#[test]
fn financial_failure_names_both_figures() {
    let a = assess_sme(&with_own(100.0, 51_000_000, 44_000_000));
    assert_eq!(a.financial_ok, Some(false));
    assert!(
        a.reasons[0].contains("€51,000,000") && a.reasons[0].contains("€43,000,000"),
        "{:?}",
        a.reasons
    );
}

/// Partner holdings for the Guide's examples 4 and 5: own 5 staff; C (ordinary partner,
/// 15 staff); B and D large bodies (2,000 and 1,500 staff).
fn guide_partner(stake: f64, staff: f64, investor: Option<InvestorType>) -> PartnerEnterprise {
    PartnerEnterprise {
        stake_percent: stake,
        figures: figures(staff, 5_000_000, 5_000_000),
        investor_type: investor,
        ..Default::default()
    }
}

fn guide_enterprise(partners: Vec<PartnerEnterprise>) -> OrganisationFacts {
    let mut o = with_own(5.0, 1_000_000, 1_000_000);
    o.partner_enterprises = partners;
    o
}

/// User guide to the SME definition (2020), example 4: B (university, 25 %) and D
/// (institutional investor, 25 %) are exempt Art. 3(2) investors; only 30 % of C counts:
/// 5 + 4.5 = 9.5 staff, a micro enterprise (not 884.5 staff and no SME).
#[test]
fn guide_example_4_exempt_investors() {
    let o = guide_enterprise(vec![
        guide_partner(25.0, 2000.0, Some(InvestorType::University)),
        guide_partner(30.0, 15.0, None),
        guide_partner(25.0, 1500.0, Some(InvestorType::InstitutionalInvestor)),
    ]);
    let a = assess_sme(&o);
    assert_eq!(a.headcount, 9.5);
    // Financial: own €1 M + 30 % of €5 M = €2.5 M turnover, above the micro ceiling of €2 M
    // for both figures, so small; with C's money at €3 M it is micro.
    assert_eq!(a.category, Some(SmeCategory::Small));
    let mut o = o;
    o.partner_enterprises[1].figures = figures(15.0, 3_000_000, 3_000_000);
    let a = assess_sme(&o);
    assert_eq!((a.headcount, a.category), (9.5, Some(SmeCategory::Micro)));
    // Without the exemption the same holdings make 884.5 staff: no SME.
    for p in &mut o.partner_enterprises {
        p.investor_type = None;
    }
    let a = assess_sme(&o);
    assert_eq!((a.headcount, a.category), (884.5, None));
}

/// Example 5: B (university, 25 %) and D (public investment corporation, 30 %) act
/// jointly: 55 % together, above 50 %, so both are linked and counted in full.
#[test]
fn guide_example_5_investors_acting_jointly() {
    let mut b = guide_partner(25.0, 2000.0, Some(InvestorType::University));
    let mut d = guide_partner(
        30.0,
        1500.0,
        Some(InvestorType::PublicInvestmentCorporation),
    );
    b.acting_jointly_group = Some("B+D".into());
    d.acting_jointly_group = Some("B+D".into());
    let c = guide_partner(25.0, 15.0, None);
    let a = assess_sme(&guide_enterprise(vec![b.clone(), c.clone(), d.clone()]));
    assert_eq!(a.headcount, 5.0 + 2000.0 + 1500.0 + 0.25 * 15.0);
    assert_eq!(a.category, None);
    // Boundary: jointly exactly 50 % (25 + 25) stays exempt.
    d.stake_percent = 25.0;
    let a = assess_sme(&guide_enterprise(vec![b, c, d]));
    assert_eq!(a.headcount, 5.0 + 0.25 * 15.0);
}

#[test]
fn investor_conditions_on_both_sides() {
    let angel = |cents: i64| {
        let mut p = guide_partner(30.0, 1000.0, Some(InvestorType::BusinessAngel));
        p.investment_cents = Some(cents);
        guide_enterprise(vec![p])
    };
    assert_eq!(assess_sme(&angel(124_999_999)).headcount, 5.0);
    assert_eq!(assess_sme(&angel(125_000_000)).headcount, 5.0 + 300.0);
    let town = |budget: i64, inhabitants: u64| {
        let mut p = guide_partner(30.0, 1000.0, Some(InvestorType::LocalAuthority));
        p.public_body = true;
        p.annual_budget_cents = Some(budget);
        p.inhabitants = Some(inhabitants);
        guide_enterprise(vec![p])
    };
    let ok = assess_sme(&town(999_999_999, 4_999));
    assert_eq!((ok.headcount, ok.public_control_ok), (5.0, true));
    // Too big a town: a public partner at 30 %, so 25 % or more public control (Art. 3(4)).
    for (budget, people) in [(1_000_000_000, 4_999), (999_999_999, 5_000)] {
        let a = assess_sme(&town(budget, people));
        assert_eq!(a.headcount, 305.0);
        assert!(!a.public_control_ok);
        assert_eq!(a.category, None);
    }
    // Above 50 % even an Art. 3(2) investor controls the enterprise.
    let a = assess_sme(&guide_enterprise(vec![guide_partner(
        50.1,
        1000.0,
        Some(InvestorType::VentureCapital),
    )]));
    assert_eq!(a.headcount, 1005.0);
    let a = assess_sme(&guide_enterprise(vec![guide_partner(
        50.0,
        1000.0,
        Some(InvestorType::VentureCapital),
    )]));
    assert_eq!(a.headcount, 5.0);
}

#[test]
fn public_bodies_below_and_at_25_percent() {
    let public = |stake: f64| {
        let mut p = guide_partner(stake, 0.0, None);
        p.public_body = true;
        assess_sme(&guide_enterprise(vec![p]))
    };
    assert!(public(24.99).public_control_ok);
    assert!(!public(25.0).public_control_ok);
    assert_eq!(public(25.0).category, None);
}

/// Art. 6(3)/(4): a partner's linked enterprises count with the partner's stake; a linked
/// enterprise's partners count in proportion.
#[test]
fn the_chain_of_article_6() {
    let mut p = guide_partner(40.0, 10.0, None);
    p.linked_enterprises = vec![figures(100.0, 0, 0)];
    let a = assess_sme(&guide_enterprise(vec![p]));
    assert!((a.headcount - (5.0 + 0.4 * 110.0)).abs() < 1e-9);
    let mut o = with_own(5.0, 1_000_000, 1_000_000);
    o.linked_enterprises = vec![crate::organisation::LinkedEnterprise {
        figures: figures(20.0, 0, 0),
        partner_enterprises: vec![
            guide_partner(30.0, 100.0, None),
            guide_partner(24.0, 100.0, None),
        ],
    }];
    let a = assess_sme(&o);
    assert!((a.headcount - (5.0 + 20.0 + 30.0)).abs() < 1e-9);
}

/// Art. 4(2): one period across a ceiling changes nothing; two do. A first-year
/// enterprise (no previous period) is judged on its current figures (Art. 4(3)).
#[test]
fn two_consecutive_periods() {
    let m = 1_000_000;
    let mut o = with_own(260.0, 60 * m, 50 * m);
    assert_eq!(
        assess_sme(&o).category,
        None,
        "first year: current figures decide"
    );
    o.previous_period = Some(figures(240.0, 40 * m, 40 * m));
    let a = assess_sme(&o);
    assert_eq!(
        a.category,
        Some(SmeCategory::Medium),
        "one period over: still medium"
    );
    assert!(
        a.notes.iter().any(|n| n.contains("Art. 4(2)")),
        "{:?}",
        a.notes
    );
    o.previous_period = Some(figures(250.0, 60 * m, 50 * m));
    assert_eq!(assess_sme(&o).category, None, "two periods over");
    // Growing out of micro: 12 staff now, 9 before -> still micro; 12 and 11 -> small.
    let mut o = with_own(12.0, m, m);
    o.previous_period = Some(figures(9.0, m, m));
    assert_eq!(assess_sme(&o).category, Some(SmeCategory::Micro));
    o.previous_period = Some(figures(11.0, m, m));
    assert_eq!(assess_sme(&o).category, Some(SmeCategory::Small));
    // Coming back under: large before, medium now -> not yet an SME.
    let mut o = with_own(200.0, m, m);
    o.previous_period = Some(figures(300.0, 60 * m, 50 * m));
    assert_eq!(assess_sme(&o).category, None);
}
