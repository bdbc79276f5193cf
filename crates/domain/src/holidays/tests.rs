#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::eligibility::fixtures::d;

#[test]
fn easter_known_values() {
    let known = [
        (2000, d(2000, 4, 23)),
        (2019, d(2019, 4, 21)),
        (2022, d(2022, 4, 17)),
        (2023, d(2023, 4, 9)),
        (2024, d(2024, 3, 31)),
        (2025, d(2025, 4, 20)),
        (2026, d(2026, 4, 5)),
        (2027, d(2027, 3, 28)),
        (2038, d(2038, 4, 25)),
    ];
    for (y, want) in known {
        assert_eq!(easter_sunday(y), Some(want), "{y}");
    }
}

#[test]
fn denmark_2026_2027() {
    let h = HolidayCalendars::builtin();
    let dk26 = h.holidays_in("DK", d(2026, 1, 1), d(2026, 12, 31));
    let want26 = [
        d(2026, 1, 1),
        d(2026, 4, 2),
        d(2026, 4, 3),
        d(2026, 4, 5),
        d(2026, 4, 6),
        d(2026, 5, 14),
        d(2026, 5, 24),
        d(2026, 5, 25),
        d(2026, 12, 25),
        d(2026, 12, 26),
    ];
    assert_eq!(dk26, want26);
    // Great Prayer Day existed in 2023 (5 May) and was abolished from 2024.
    assert!(h.is_holiday("DK", d(2023, 5, 5)));
    assert!(!h.is_holiday("DK", d(2024, 4, 26)));
    for day in [
        d(2027, 3, 25),
        d(2027, 3, 26),
        d(2027, 3, 29),
        d(2027, 5, 6),
        d(2027, 5, 17),
    ] {
        assert!(h.is_holiday("DK", day), "{day}");
    }
}

#[test]
fn spain_and_lithuania() {
    let h = HolidayCalendars::builtin();
    assert_eq!(
        h.holidays_in("ES", d(2026, 1, 1), d(2026, 12, 31)).len(),
        10
    );
    assert!(h.is_holiday("ES", d(2026, 4, 3))); // Good Friday
    assert!(h.is_holiday("ES", d(2027, 3, 26)));
    assert!(!h.is_holiday("ES", d(2026, 4, 6))); // Easter Monday is regional only
    assert!(h.is_holiday("ES", d(2026, 10, 12)));
    for day in [
        d(2026, 2, 16),
        d(2026, 3, 11),
        d(2026, 4, 6),
        d(2026, 7, 6),
        d(2026, 11, 2),
        d(2026, 12, 24),
        d(2027, 3, 29),
    ] {
        assert!(h.is_holiday("LT", day), "{day}");
    }
    assert!(!h.is_holiday("LT", d(2026, 4, 3)));
    assert!(!h.is_holiday("FR", d(2026, 12, 25)));
}

#[test]
fn override_and_empty_ranges() {
    let h = HolidayCalendars::builtin().with_country("EL", vec![d(2026, 3, 25)]);
    assert!(h.is_holiday("GR", d(2026, 3, 25)));
    assert!(h.is_holiday("EL", d(2026, 3, 25)));
    let h = h.with_country("DK", vec![]);
    assert!(!h.is_holiday("DK", d(2026, 12, 25)));
    assert!(h.holidays_in("LT", d(2026, 3, 1), d(2026, 2, 1)).is_empty());
    assert_eq!(h.countries(), ["DK", "ES", "GR", "LT"]);
    assert!(HolidayCalendars::empty().countries().is_empty());
}
