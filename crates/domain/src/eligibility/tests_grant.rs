//! Lump-sum computation: ceiling and single halving.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use proptest::prelude::*;

fn grant(amount: i64, wd: u32, km: f64) -> Grant {
    compute_grant(
        &GrantInput {
            lump_sum_for_host_cents: amount,
            working_days: wd,
            distance_km: km,
        },
        &RuleConfig::default(),
    )
}

#[test]
fn halving_table() {
    let cases = [
        (78_000, 5, 200.0, 78_000, false), // both exactly at the boundary: full
        (78_000, 4, 1000.0, 39_000, true),
        (78_000, 10, 199.9, 39_000, true),
        (78_000, 3, 50.0, 39_000, true), // both reasons, halved once only
        (78_001, 3, 50.0, 39_000, true), // rounds down to whole cents
        (150_000, 10, 900.0, 110_000, false), // capped at €1,100
        (150_000, 2, 900.0, 55_000, true),
        (-5, 10, 900.0, 0, false),
    ];
    for (amount, wd, km, cents, halved) in cases {
        let g = grant(amount, wd, km);
        assert_eq!((g.cents, g.halved), (cents, halved), "{amount} {wd} {km}");
    }
    assert_eq!(grant(78_000, 3, 50.0).reasons.len(), 2);
}

#[test]
fn clamtex_worked_example() {
    // €780 full for 5 days, €390 for 3 days (domain-rules §5).
    assert_eq!(grant(78_000, 5, 800.0).cents, 78_000);
    assert_eq!(grant(78_000, 3, 800.0).cents, 39_000);
}

#[test]
fn euro_formatting() {
    assert_eq!(format_eur(110_000), "€1,100");
    assert_eq!(format_eur(39_050), "€390.50");
    assert_eq!(format_eur(5_000_000_000), "€50,000,000");
    assert_eq!(format_eur(-101), "-€1.01");
    assert_eq!(format_eur(0), "€0");
}

proptest! {
    #[test]
    fn never_above_ceiling_and_halved_at_most_once(amount in -1_000_000i64..1_000_000, wd in 0u32..40, km in 0.0f64..5000.0) {
        let cfg = RuleConfig::default();
        let g = grant(amount, wd, km);
        let full = amount.clamp(0, cfg.lump_sum_ceiling_cents);
        prop_assert!(g.cents <= cfg.lump_sum_ceiling_cents && g.cents >= 0);
        prop_assert_eq!(g.cents, if g.halved { full / 2 } else { full });
        prop_assert_eq!(g.halved, wd < 5 || km < 200.0);
    }
}
