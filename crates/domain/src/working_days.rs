//! Working days at the host (R12, R22): the inclusive date range minus weekends, travel
//! days and the public holidays of the host's region (or country), with every excluded day
//! listed and explained (domain-rules §4, §9).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use crate::holidays::HolidayCalendars;

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Why a day of the stay is not a working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    Weekend,
    PublicHoliday,
    TravelDay,
}

/// One excluded day, e.g. `2024-03-28 Jueves Santo (ES-MD)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExcludedDay {
    pub date: NaiveDate,
    pub reason: Exclusion,
    /// The holiday's name in the country's language (public holidays only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub holiday: Option<String>,
    /// "2024-03-28 Jueves Santo (ES-MD)", "2024-03-30 weekend", "2024-03-25 travel day".
    pub description: String,
}

/// A working-day figure and everything it excluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkingDays {
    pub count: u32,
    /// The holiday calendar used: a region (`ES-MD`) or a country (`ES`).
    pub calendar: String,
    /// Says which calendar applied and why, in plain words.
    pub calendar_note: String,
    /// Every day of the stay that is not a working day, in date order (at most
    /// [`MAX_LISTED`]; `excluded_complete` is false when more were left out).
    pub excluded: Vec<ExcludedDay>,
    pub excluded_complete: bool,
}

/// Bound on the listed days: a stay may last one month (R13), and a longer range is refused
/// anyway, so an absurd range never produces an absurd report.
pub const MAX_LISTED: usize = 100;

/// The host's place: its country and, when it states one, its ISO 3166-2 region.
#[derive(Debug, Clone, Copy)]
pub struct HostPlace<'a> {
    pub country: &'a str,
    pub region: Option<&'a str>,
}

fn calendar_note(place: HostPlace<'_>, calendar: &str) -> String {
    match place.region {
        Some(_) if calendar.contains('-') => {
            format!("Public holidays of the host's region {calendar} apply.")
        }
        Some(r) => format!(
            "The host's region {r} has no calendar of its own; the national public holidays of {calendar} apply."
        ),
        None => format!(
            "The host states no region, so only the national public holidays of {calendar} apply (days that every region keeps); regional holidays are not excluded."
        ),
    }
}

/// Counts and explains the working days in `start..=end` at the host.
///
/// Counted arithmetically (whole weeks, then the days left over) and explained by looking
/// up only holidays and travel days, so an absurd end date costs nothing.
pub fn count_working_days(
    start: NaiveDate,
    end: NaiveDate,
    travel_days: &[NaiveDate],
    place: HostPlace<'_>,
    holidays: &HolidayCalendars,
) -> WorkingDays {
    let calendar = HolidayCalendars::calendar_code(place.country, place.region);
    let calendar_note = calendar_note(place, &calendar);
    let total = calendar_days(start, end);
    if total == 0 {
        return WorkingDays {
            count: 0,
            calendar,
            calendar_note,
            excluded: Vec::new(),
            excluded_complete: true,
        };
    }
    let (weeks, rest) = (total / 7, total % 7);
    let leftover = start
        .iter_days()
        .skip(7 * weeks as usize)
        .take(rest as usize)
        .filter(|d| !is_weekend(*d))
        .count();
    let weekdays = weeks.saturating_mul(5).saturating_add(leftover as u32);

    // Weekday exclusions; a holiday that is also a travel day is explained as the holiday.
    let mut weekday_excluded: BTreeMap<NaiveDate, ExcludedDay> = BTreeMap::new();
    for t in travel_days
        .iter()
        .filter(|d| (start..=end).contains(*d) && !is_weekend(**d))
    {
        weekday_excluded.insert(
            *t,
            ExcludedDay {
                date: *t,
                reason: Exclusion::TravelDay,
                holiday: None,
                description: format!("{t} travel day"),
            },
        );
    }
    for h in holidays
        .named_in(&calendar, start, end)
        .into_iter()
        .filter(|h| !is_weekend(h.date))
    {
        let description = format!("{} {} ({})", h.date, h.name, h.calendar);
        weekday_excluded.insert(
            h.date,
            ExcludedDay {
                date: h.date,
                reason: Exclusion::PublicHoliday,
                holiday: Some(h.name),
                description,
            },
        );
    }
    let count = weekdays.saturating_sub(u32::try_from(weekday_excluded.len()).unwrap_or(u32::MAX));

    // The listing: weekends of the (bounded) first days, merged with the weekday exclusions.
    let mut excluded: Vec<ExcludedDay> = start
        .iter_days()
        .take_while(|d| *d <= end)
        .take(MAX_LISTED * 7 / 2)
        .filter(|d| is_weekend(*d))
        .map(|d| ExcludedDay {
            date: d,
            reason: Exclusion::Weekend,
            holiday: None,
            description: format!("{d} weekend"),
        })
        .collect();
    excluded.extend(weekday_excluded.into_values());
    excluded.sort_by_key(|e| e.date);
    let all_excluded = u64::from(total) - u64::from(count);
    excluded.truncate(MAX_LISTED);
    let excluded_complete = excluded.len() as u64 == all_excluded;
    WorkingDays {
        count,
        calendar,
        calendar_note,
        excluded,
        excluded_complete,
    }
}

/// Inclusive count of days in `start..=end` that are neither Saturday/Sunday, nor a travel
/// day, nor a public holiday of the host country's national calendar. 0 when `end < start`.
pub fn working_days(
    start: NaiveDate,
    end: NaiveDate,
    travel_days: &[NaiveDate],
    host_country: &str,
    holidays: &HolidayCalendars,
) -> u32 {
    let place = HostPlace {
        country: host_country,
        region: None,
    };
    count_working_days(start, end, travel_days, place, holidays).count
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
