//! Working days at the host (R12, R22): the inclusive date range minus weekends, travel
//! days and the host country's public holidays (domain-rules §4, §9).

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};

use crate::holidays::HolidayCalendars;

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Inclusive count of days in `start..=end` that are neither Saturday/Sunday, nor a travel
/// day, nor a public holiday in `host_country`. Returns 0 when `end < start`.
///
/// Counted arithmetically (whole weeks, then the few days left over) rather than by walking
/// the range, so an absurd end date from an API client costs nothing.
pub fn working_days(
    start: NaiveDate,
    end: NaiveDate,
    travel_days: &[NaiveDate],
    host_country: &str,
    holidays: &HolidayCalendars,
) -> u32 {
    let total = calendar_days(start, end);
    if total == 0 {
        return 0;
    }
    let (weeks, rest) = (total / 7, total % 7);
    let leftover = start
        .iter_days()
        .skip(7 * weeks as usize)
        .take(rest as usize)
        .filter(|d| !is_weekend(*d))
        .count();
    let weekdays = weeks.saturating_mul(5).saturating_add(leftover as u32);
    // A day that is both a holiday and a travel day must only be removed once.
    let excluded: BTreeSet<NaiveDate> = holidays
        .holidays_in(host_country, start, end)
        .into_iter()
        .chain(
            travel_days
                .iter()
                .copied()
                .filter(|d| (start..=end).contains(d)),
        )
        .filter(|d| !is_weekend(*d))
        .collect();
    weekdays.saturating_sub(u32::try_from(excluded.len()).unwrap_or(u32::MAX))
}

/// Calendar days in `start..=end` (0 when `end < start`); the "one month" of R13 is
/// measured in these.
pub fn calendar_days(start: NaiveDate, end: NaiveDate) -> u32 {
    let n = (end - start).num_days() + 1;
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

#[cfg(test)]
#[path = "eligibility/tests_working_days.rs"]
mod tests;
