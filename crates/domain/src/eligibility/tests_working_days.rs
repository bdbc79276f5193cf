//! Working days: weekends, travel days and host public holidays excluded.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::eligibility::fixtures::d;
use proptest::prelude::*;

fn wd(s: NaiveDate, e: NaiveDate, travel: &[NaiveDate], cc: &str) -> u32 {
    working_days(s, e, travel, cc, &HolidayCalendars::builtin())
}

#[test]
fn weekdays_travel_and_holidays() {
    // Mon 2 .. Fri 6 March 2026: five weekdays, no holidays.
    assert_eq!(wd(d(2026, 3, 2), d(2026, 3, 6), &[], "DK"), 5);
    // Same week with Monday and Friday as travel days.
    assert_eq!(
        wd(
            d(2026, 3, 2),
            d(2026, 3, 6),
            &[d(2026, 3, 2), d(2026, 3, 6)],
            "DK"
        ),
        3
    );
    // Fri .. Mon over a weekend: only the two weekdays.
    assert_eq!(wd(d(2026, 3, 6), d(2026, 3, 9), &[], "DK"), 2);
    // Christmas week 2026 in Denmark: Mon 21 .. Fri 25 Dec, the 25th is a holiday.
    assert_eq!(wd(d(2026, 12, 21), d(2026, 12, 25), &[], "DK"), 4);
    // Lithuania, Mon 16 Feb 2026 is Independence Day.
    assert_eq!(wd(d(2026, 2, 16), d(2026, 2, 20), &[], "LT"), 4);
    assert_eq!(wd(d(2026, 2, 16), d(2026, 2, 20), &[], "ES"), 5);
    // No calendar for a country: weekdays only.
    assert_eq!(wd(d(2026, 12, 21), d(2026, 12, 25), &[], "FR"), 5);
    // Inverted range and a single day.
    assert_eq!(wd(d(2026, 3, 6), d(2026, 3, 2), &[], "DK"), 0);
    assert_eq!(wd(d(2026, 3, 3), d(2026, 3, 3), &[], "DK"), 1);
    assert_eq!(calendar_days(d(2026, 3, 1), d(2026, 3, 31)), 31);
    assert_eq!(calendar_days(d(2026, 3, 2), d(2026, 3, 1)), 0);
}

proptest! {
    #[test]
    fn never_more_than_calendar_days(start in 0i64..4000, len in -5i64..60, t in proptest::collection::vec(0i64..60, 0..4)) {
        let s = d(2022, 1, 1) + chrono::Duration::days(start);
        let e = s + chrono::Duration::days(len);
        let travel: Vec<NaiveDate> = t.iter().map(|o| s + chrono::Duration::days(*o)).collect();
        let n = wd(s, e, &travel, "DK");
        prop_assert!(n <= calendar_days(s, e));
        prop_assert!(n <= wd(s, e, &[], "DK"));
        prop_assert_eq!(n, naive(s, e, &travel, "DK"));
    }
}

/// Reference implementation: walk the range day by day.
fn naive(s: NaiveDate, e: NaiveDate, travel: &[NaiveDate], cc: &str) -> u32 {
    let h = HolidayCalendars::builtin();
    s.iter_days()
        .take_while(|x| *x <= e)
        .filter(|x| x.weekday().number_from_monday() <= 5)
        .filter(|x| !travel.contains(x) && !h.is_holiday(cc, *x))
        .count() as u32
}

#[test]
fn far_future_end_date_is_cheap() {
    let n = wd(d(2026, 1, 1), d(9999, 12, 31), &[], "DK");
    assert!(n > 2_000_000);
}
