//! National public holidays as rules: fixed dates as tables, movable feasts as offsets from
//! Easter Sunday. Only nationwide statutory holidays are listed; regional ones (e.g. Spanish
//! regional days, Maundy Thursday outside the national list) vary by host address and are
//! left to the configuration override.

use chrono::{Duration, NaiveDate};

/// A movable feast: days after Easter Sunday, valid for an inclusive range of years.
struct EasterOffset {
    days: i64,
    first_year: i32,
    last_year: i32,
}

const ALWAYS: (i32, i32) = (i32::MIN, i32::MAX);

const fn off(days: i64, (first_year, last_year): (i32, i32)) -> EasterOffset {
    EasterOffset {
        days,
        first_year,
        last_year,
    }
}

struct CountryRules {
    code: &'static str,
    fixed: &'static [(u32, u32)],
    easter: &'static [EasterOffset],
}

const RULES: [CountryRules; 3] = [
    // Denmark. Christmas Eve and Constitution Day (5 June) are customary, not statutory.
    CountryRules {
        code: "DK",
        fixed: &[(1, 1), (12, 25), (12, 26)],
        easter: &[
            off(-3, ALWAYS),           // Maundy Thursday
            off(-2, ALWAYS),           // Good Friday
            off(0, ALWAYS),            // Easter Sunday
            off(1, ALWAYS),            // Easter Monday
            off(26, (i32::MIN, 2023)), // Great Prayer Day, abolished from 2024
            off(39, ALWAYS),           // Ascension Day
            off(49, ALWAYS),           // Whit Sunday
            off(50, ALWAYS),           // Whit Monday
        ],
    },
    // Spain, national holidays only (Good Friday is the one movable national feast).
    CountryRules {
        code: "ES",
        fixed: &[
            (1, 1),
            (1, 6),
            (5, 1),
            (8, 15),
            (10, 12),
            (11, 1),
            (12, 6),
            (12, 8),
            (12, 25),
        ],
        easter: &[off(-2, ALWAYS)],
    },
    // Lithuania. Mother's and Father's Day (first Sundays of May/June) fall on Sundays
    // anyway, so they can never remove a working day and are not listed.
    CountryRules {
        code: "LT",
        fixed: &[
            (1, 1),
            (2, 16),
            (3, 11),
            (5, 1),
            (6, 24),
            (7, 6),
            (8, 15),
            (11, 1),
            (11, 2),
            (12, 24),
            (12, 25),
            (12, 26),
        ],
        easter: &[off(0, ALWAYS), off(1, ALWAYS)],
    },
];

/// Countries with built-in rules.
pub(super) fn builtin_codes() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.code)
}

/// Gregorian Easter Sunday (anonymous Gregorian algorithm, Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    let a = year.rem_euclid(19);
    let b = year.div_euclid(100);
    let c = year.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c.div_euclid(4);
    let k = c.rem_euclid(4);
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let month = (h + l - 7 * m + 114).div_euclid(31);
    let day = (h + l - 7 * m + 114).rem_euclid(31) + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// The national public holidays of `code` (already normalised) in `year`.
pub(super) fn national_holidays(code: &str, year: i32) -> Vec<NaiveDate> {
    let Some(rules) = RULES.iter().find(|r| r.code == code) else {
        return Vec::new();
    };
    let fixed = rules
        .fixed
        .iter()
        .filter_map(|&(m, d)| NaiveDate::from_ymd_opt(year, m, d));
    let easter = easter_sunday(year);
    let movable = rules
        .easter
        .iter()
        .filter(|o| (o.first_year..=o.last_year).contains(&year))
        .filter_map(|o| easter.and_then(|e| e.checked_add_signed(Duration::days(o.days))));
    let mut v: Vec<NaiveDate> = fixed.chain(movable).collect();
    v.sort();
    v
}
