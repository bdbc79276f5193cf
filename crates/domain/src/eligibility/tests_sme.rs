//! SME definition boundaries (Recommendation 2003/361/EC).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::eligibility::fixtures::{CPH, figures, sme};
use crate::organisation::PartnerEnterprise;

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
