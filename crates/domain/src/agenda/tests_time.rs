#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Timelike};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::*;

const CPH: Tz = chrono_tz::Europe::Copenhagen;

fn local(s: &str) -> NaiveDateTime {
    parse_local(s).unwrap()
}

#[test]
fn parse_local_accepts_minutes_and_seconds() {
    assert_eq!(local("2026-03-02T09:00").hour(), 9);
    assert_eq!(local("2026-03-02T09:00:30").second(), 30);
    for bad in [
        "2026-03-02T09:00Z",
        "2026-03-02T09:00+01:00",
        "2026-03-02 09:00",
        "2026-3-2T9:00",
        "2026-02-30T09:00",
        "2026-03-02T24:00",
        "2026-03-02T23:59:60",
        "+2026-03-02T09:00",
        "",
    ] {
        assert!(
            matches!(parse_local(bad), Err(LocalTimeError::Invalid(_))),
            "{bad}"
        );
    }
}

#[test]
fn parse_tz_known_and_unknown() {
    assert_eq!(
        parse_tz("Europe/Zurich").unwrap(),
        chrono_tz::Europe::Zurich
    );
    let err = parse_tz("Europe/Atlantis").unwrap_err();
    assert_eq!(
        err,
        LocalTimeError::UnknownTimeZone("Europe/Atlantis".into())
    );
    assert_eq!(err.code(), "unknown_time_zone");
}

#[test]
fn spring_forward_gap_is_nonexistent() {
    let err = resolve_local(local("2026-03-29T02:30"), CPH).unwrap_err();
    assert_eq!(
        err,
        LocalTimeError::Nonexistent {
            local: "2026-03-29T02:30".into(),
            tz: "Europe/Copenhagen".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "2026-03-29T02:30 does not exist in Europe/Copenhagen: clocks jump from 02:00 to 03:00"
    );
}

#[test]
fn fall_back_overlap_is_ambiguous() {
    let err = resolve_local(local("2026-10-25T02:30"), CPH).unwrap_err();
    assert!(matches!(err, LocalTimeError::Ambiguous { .. }));
    let msg = err.to_string();
    assert!(
        msg.starts_with(
            "2026-10-25T02:30 is ambiguous in Europe/Copenhagen: clocks go back from 03:00 to 02:00"
        ),
        "{msg}"
    );
}

#[test]
fn times_around_dst_change_resolve() {
    let utc = |s: &str| chrono::Utc.from_utc_datetime(&local(s));
    assert_eq!(
        resolve_local(local("2026-03-29T01:30"), CPH).unwrap(),
        utc("2026-03-29T00:30")
    );
    assert_eq!(
        resolve_local(local("2026-03-29T03:00"), CPH).unwrap(),
        utc("2026-03-29T01:00")
    );
}

#[test]
fn nine_local_in_winter_and_summer() {
    let utc = |s: &str| chrono::Utc.from_utc_datetime(&local(s));
    for tz in [CPH, chrono_tz::Europe::Zurich, chrono_tz::Europe::Stockholm] {
        assert_eq!(
            resolve_local(local("2026-01-15T09:00"), tz).unwrap(),
            utc("2026-01-15T08:00"),
            "{tz} winter is UTC+1"
        );
        assert_eq!(
            resolve_local(local("2026-07-15T09:00"), tz).unwrap(),
            utc("2026-07-15T07:00"),
            "{tz} summer is UTC+2"
        );
    }
}

/// Local times biased towards the last week of March and October, when Europe
/// changes its clocks, plus arbitrary ones.
fn any_local() -> impl Strategy<Value = NaiveDateTime> {
    let dst_week = (
        2024i32..2031,
        prop_oneof![Just(3u32), Just(10u32)],
        24u32..32,
    );
    let anywhere = (2024i32..2031, 1u32..13, 1u32..29);
    (prop_oneof![dst_week, anywhere], 0u32..24, 0u32..60).prop_map(|((y, m, d), h, min)| {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]
    #[test]
    fn resolve_round_trips(naive in any_local(), zone in 0usize..3) {
        let tz = [CPH, chrono_tz::Europe::Zurich, chrono_tz::Europe::Stockholm][zone];
        match resolve_local(naive, tz) {
            Ok(utc) => prop_assert_eq!(utc.with_timezone(&tz).naive_local(), naive),
            // Only the 02:00-03:00 hour on change days may fail.
            Err(_) => prop_assert_eq!(naive.hour(), 2),
        }
    }
}

#[test]
fn error_codes_and_zurich_stockholm_gaps() {
    for tz in [chrono_tz::Europe::Zurich, chrono_tz::Europe::Stockholm] {
        let err = resolve_local(local("2026-03-29T02:00"), tz).unwrap_err();
        assert_eq!(err.code(), "nonexistent_local_time");
        let err = resolve_local(local("2026-10-25T02:59"), tz).unwrap_err();
        assert_eq!(err.code(), "ambiguous_local_time");
        assert!(resolve_local(local("2026-10-25T03:00"), tz).is_ok());
    }
    assert_eq!(
        LocalTimeError::Invalid("x".into()).code(),
        "invalid_local_time"
    );
    assert_eq!(
        format_local(local("2026-03-02T09:00:05")),
        "2026-03-02T09:00:05"
    );
}
