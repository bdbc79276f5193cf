//! Working days: weekends, travel days and host public holidays excluded.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::*;
use crate::eligibility::fixtures::d;
use crate::working_days::{HostPlace, WorkingDays, count_working_days};
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
    // France: Christmas Day; a country outside the data (US): weekdays only.
    assert_eq!(wd(d(2026, 12, 21), d(2026, 12, 25), &[], "FR"), 4);
    assert_eq!(wd(d(2026, 12, 21), d(2026, 12, 25), &[], "US"), 5);
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

fn explain(
    s: NaiveDate,
    e: NaiveDate,
    travel: &[NaiveDate],
    cc: &str,
    region: Option<&str>,
) -> WorkingDays {
    let place = HostPlace {
        country: cc,
        region,
    };
    count_working_days(s, e, travel, place, &HolidayCalendars::builtin())
}

fn descriptions(w: &WorkingDays) -> Vec<&str> {
    w.excluded.iter().map(|e| e.description.as_str()).collect()
}

/// The issue's examples, each with the excluded days explained.
#[test]
fn examples_of_issue_14() {
    // Germany, Christmas week 2024: two holidays, 3 working days (halved).
    let w = explain(d(2024, 12, 23), d(2024, 12, 27), &[], "DE", None);
    assert_eq!(w.count, 3);
    assert_eq!(
        descriptions(&w),
        [
            "2024-12-25 Erster Weihnachtstag (DE)",
            "2024-12-26 Zweiter Weihnachtstag (DE)"
        ]
    );
    assert_eq!(
        explain(d(2024, 12, 24), d(2024, 12, 26), &[], "DE", None).count,
        1
    );
    // France: 8 May and Ascension Day 2024.
    assert_eq!(
        explain(d(2024, 5, 6), d(2024, 5, 10), &[], "FR", None).count,
        3
    );
    // Poland: 1 and 3 May.
    assert_eq!(
        explain(d(2024, 4, 29), d(2024, 5, 3), &[], "PL", None).count,
        3
    );
    // Italy: Liberation Day.
    assert_eq!(
        explain(d(2024, 4, 22), d(2024, 4, 26), &[], "IT", None).count,
        4
    );
    // Sweden: National Day.
    assert_eq!(
        explain(d(2024, 6, 3), d(2024, 6, 7), &[], "SE", None).count,
        4
    );
    // Spain, 2022-12-26..30: national 5 days; Madrid and Catalonia 4.
    let es = explain(d(2022, 12, 26), d(2022, 12, 30), &[], "ES", None);
    assert_eq!(es.count, 5);
    assert!(
        es.calendar_note.contains("no region"),
        "{}",
        es.calendar_note
    );
    for region in ["ES-MD", "ES-CT"] {
        let w = explain(d(2022, 12, 26), d(2022, 12, 30), &[], "ES", Some(region));
        assert_eq!(w.count, 4, "{region}");
        assert_eq!(w.calendar, region);
        assert!(
            w.excluded[0].description.starts_with("2022-12-26 "),
            "{:?}",
            w.excluded
        );
        assert!(w.excluded[0].description.ends_with(&format!("({region})")));
    }
    // Maundy Thursday in Madrid, a weekend and a travel day, each explained.
    let w = explain(
        d(2024, 3, 25),
        d(2024, 3, 31),
        &[d(2024, 3, 25)],
        "ES",
        Some("ES-MD"),
    );
    assert_eq!(
        descriptions(&w),
        [
            "2024-03-25 travel day",
            "2024-03-28 Jueves Santo (ES-MD)",
            "2024-03-29 Viernes Santo (ES-MD)",
            "2024-03-30 weekend",
            "2024-03-31 weekend"
        ]
    );
    assert_eq!(w.count, 2);
    assert!(w.excluded_complete);
}

#[test]
fn long_ranges_list_a_bounded_number_of_days() {
    let w = explain(d(2024, 1, 1), d(2099, 12, 31), &[], "DE", None);
    assert_eq!(w.excluded.len(), crate::working_days::MAX_LISTED);
    assert!(!w.excluded_complete);
}
