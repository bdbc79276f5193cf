//! Values no one could mean: the bounds that every date, count and amount coming in must
//! respect, whatever route it arrives by. Each bound is a constant so that the checks, the
//! OpenAPI schema and the messages quote the same number.
use chrono::{Datelike, NaiveDate};

/// The years any date coming in must lie in: the years the built-in public-holiday
/// calendars cover (2011-2100 today), so that no working-day figure is ever computed
/// without its holidays. One source of truth: the exchange dates of applications, group
/// visits, calls and payments all use it. Year 0 and 9999 are typing mistakes, not plans.
#[must_use]
pub fn scheme_years() -> std::ops::RangeInclusive<i32> {
    crate::holidays::HolidayCalendars::covered_years()
}

/// Places a call may offer: far beyond any partnership's budget (15 partnerships shared
/// about €7 M at up to €1,100 an exchange), far below what breaks arithmetic.
pub const MAX_PLACES: i32 = 10_000;
/// Working days a call may require: the scheme's minimum (R12) up to the working days
/// that fit in its maximum of one month (R13).
pub const MIN_WORKING_DAYS: i32 = 3;
pub const MAX_WORKING_DAYS: i32 = 23;
/// The longest stay a call may allow, in calendar days (one month, R13).
pub const MAX_DAYS: i32 = 31;
/// The longest group visit, in calendar days.
pub const MAX_VISIT_DAYS: i64 = 31;
/// Places at one group visit.
pub const MAX_VISIT_CAPACITY: i32 = 10_000;
/// The largest amount of money anywhere (€100 M): more than the whole scheme.
pub const MAX_CENTS: i64 = 10_000_000_000;

/// Why a value is refused: a stable code and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Implausible {
    pub code: &'static str,
    pub message: String,
}

impl Implausible {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

/// A date inside [`scheme_years`].
///
/// # Errors
/// `out_of_range` otherwise (the code the application dates have always answered).
pub fn scheme_date(d: NaiveDate) -> Result<(), Implausible> {
    let years = scheme_years();
    if years.contains(&d.year()) {
        Ok(())
    } else {
        Err(Implausible::new(
            "out_of_range",
            format!(
                "dates must lie between {} and {}, the years the public-holiday calendars cover; got {d}",
                years.start(),
                years.end()
            ),
        ))
    }
}

/// A payment's date: within the scheme's years, not before the exchange ended (the lump
/// sum pays for a stay that took place) and not after `today`.
///
/// # Errors
/// `out_of_range`, `before_exchange_end` or `in_future`.
pub fn payment_date(
    paid_on: NaiveDate,
    exchange_end: NaiveDate,
    today: NaiveDate,
) -> Result<(), Implausible> {
    scheme_date(paid_on)?;
    if paid_on > today {
        return Err(Implausible::new(
            "in_future",
            format!("a payment is recorded once made; {paid_on} is after today ({today})"),
        ));
    }
    if paid_on < exchange_end {
        return Err(Implausible::new(
            "before_exchange_end",
            format!("the exchange ends on {exchange_end}; it cannot have been paid on {paid_on}"),
        ));
    }
    Ok(())
}

/// A group visit's days: within the scheme's years, in order, at most [`MAX_VISIT_DAYS`].
/// Problems are returned as `(field, why)`.
#[must_use]
pub fn visit_days(starts_on: NaiveDate, ends_on: NaiveDate) -> Vec<(&'static str, Implausible)> {
    let mut out = Vec::new();
    for (field, d) in [("starts_on", starts_on), ("ends_on", ends_on)] {
        if let Err(e) = scheme_date(d) {
            out.push((field, e));
        }
    }
    if ends_on < starts_on {
        out.push((
            "ends_on",
            Implausible::new(
                "ends_before_starts",
                "the visit must end on or after the day it starts",
            ),
        ));
    } else if (ends_on - starts_on).num_days() + 1 > MAX_VISIT_DAYS {
        out.push((
            "ends_on",
            Implausible::new(
                "too_long",
                format!("a group visit lasts at most {MAX_VISIT_DAYS} days"),
            ),
        ));
    }
    out
}

/// A call's places, working days and maximum stay. Problems are returned as
/// `(field, why)`.
#[must_use]
pub fn call_limits(
    places: i32,
    min_working_days: i32,
    max_days: i32,
) -> Vec<(&'static str, Implausible)> {
    let mut out = Vec::new();
    if !(1..=MAX_PLACES).contains(&places) {
        out.push((
            "places",
            Implausible::new(
                "out_of_range",
                format!("a call offers 1 to {MAX_PLACES} places, got {places}"),
            ),
        ));
    }
    if !(MIN_WORKING_DAYS..=MAX_WORKING_DAYS).contains(&min_working_days) {
        out.push((
            "min_working_days",
            Implausible::new(
                "out_of_range",
                format!(
                    "min_working_days must be {MIN_WORKING_DAYS} to {MAX_WORKING_DAYS} (the scheme's minimum to one month), got {min_working_days}"
                ),
            ),
        ));
    }
    if max_days < min_working_days || max_days > MAX_DAYS {
        out.push((
            "max_days",
            Implausible::new(
                "out_of_range",
                format!(
                    "max_days must be between min_working_days and {MAX_DAYS} (one month), got {max_days}"
                ),
            ),
        ));
    }
    out
}

/// A call's budget against what its partnership has left: the partnership's budget less
/// the budgets of its other calls.
///
/// # Errors
/// `over_partnership_budget`.
pub fn call_budget(
    budget_cents: i64,
    partnership_budget_cents: i64,
    other_calls_cents: i64,
) -> Result<(), Implausible> {
    let left = partnership_budget_cents.saturating_sub(other_calls_cents);
    if budget_cents > left {
        return Err(Implausible::new(
            "over_partnership_budget",
            format!(
                "the partnership's budget is {partnership_budget_cents} cents, of which its other calls hold {other_calls_cents}; this call may have at most {} cents",
                left.max(0)
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    #[test]
    fn scheme_years_are_inclusive_at_both_ends() {
        let (first, last) = (*scheme_years().start(), *scheme_years().end());
        assert!(scheme_date(d(first, 1, 1)).is_ok());
        assert!(scheme_date(d(last, 12, 31)).is_ok());
        assert!(scheme_date(d(first - 1, 12, 31)).is_err());
        assert!(scheme_date(d(last + 1, 1, 1)).is_err());
        assert!(scheme_date(d(0, 1, 1)).is_err());
        assert!(scheme_date(d(9999, 12, 31)).is_err());
    }

    #[test]
    fn a_payment_falls_between_the_end_of_the_exchange_and_today() {
        let (end, today) = (d(2024, 5, 10), d(2024, 6, 1));
        assert!(payment_date(end, end, today).is_ok());
        assert!(payment_date(today, end, today).is_ok());
        let code = |p| payment_date(p, end, today).map_err(|e| e.code);
        assert_eq!(code(d(2024, 5, 9)), Err("before_exchange_end"));
        assert_eq!(code(d(2024, 6, 2)), Err("in_future"));
        assert_eq!(code(d(9999, 12, 31)), Err("out_of_range"));
    }

    #[test]
    fn visits_are_bounded_in_years_and_length() {
        assert!(visit_days(d(2027, 3, 1), d(2027, 3, 31)).is_empty());
        assert_eq!(
            visit_days(d(2027, 3, 1), d(2027, 4, 1))[0].1.code,
            "too_long"
        );
        assert_eq!(visit_days(d(0, 1, 1), d(0, 1, 2)).len(), 2);
        assert_eq!(
            visit_days(d(2027, 3, 2), d(2027, 3, 1))[0].1.code,
            "ends_before_starts"
        );
    }

    #[test]
    fn call_limits_follow_the_rules() {
        assert!(call_limits(1, 3, 3).is_empty());
        assert!(call_limits(MAX_PLACES, MAX_WORKING_DAYS, MAX_DAYS).is_empty());
        let fields = |p, w, m| -> Vec<&str> { call_limits(p, w, m).iter().map(|x| x.0).collect() };
        assert_eq!(fields(i32::MAX, 3, 31), ["places"]);
        assert_eq!(fields(0, 2, 31), ["places", "min_working_days"]);
        assert_eq!(fields(1, 5, 4), ["max_days"]);
        assert_eq!(fields(1, 3, 32), ["max_days"]);
    }

    #[test]
    fn a_call_budget_fits_in_what_the_partnership_has_left() {
        assert!(call_budget(100, 100, 0).is_ok());
        assert!(call_budget(50, 100, 50).is_ok());
        assert!(call_budget(51, 100, 50).is_err());
        assert!(call_budget(1, i64::MIN, i64::MAX).is_err());
    }
}
