//! Public holidays per host country, as data that configuration can replace.
//!
//! Whether public holidays count as working days is UNCONFIRMED (domain-rules §4); the
//! engine excludes the host country's national holidays, and a country with no calendar
//! simply has none, so the rule degrades to "weekdays minus travel days".

mod rules;

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;

use crate::countries::ProgrammeCountries;

pub use rules::easter_sunday;

/// Years precomputed by `builtin()`: covers the phase-2 era and the years ahead.
pub const BUILTIN_YEARS: std::ops::RangeInclusive<i32> = 2020..=2035;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HolidayCalendars {
    by_country: HashMap<String, BTreeSet<NaiveDate>>,
}

impl HolidayCalendars {
    /// No holidays at all (every weekday is a working day).
    pub fn empty() -> Self {
        Self::default()
    }

    /// National holidays of DK, ES and LT (the BIGINN partner countries) for `BUILTIN_YEARS`.
    pub fn builtin() -> Self {
        let mut by_country = HashMap::new();
        for code in rules::builtin_codes() {
            let dates: BTreeSet<NaiveDate> = BUILTIN_YEARS
                .flat_map(|y| rules::national_holidays(code, y))
                .collect();
            by_country.insert(code.to_owned(), dates);
        }
        HolidayCalendars { by_country }
    }

    /// Replace the calendar of one country (configuration override); "EL" means GR.
    pub fn with_country(mut self, code: &str, dates: Vec<NaiveDate>) -> Self {
        let key = ProgrammeCountries::normalise(code);
        self.by_country.insert(key, dates.into_iter().collect());
        self
    }

    /// Countries that have a calendar, sorted.
    pub fn countries(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.by_country.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    pub fn is_holiday(&self, code: &str, d: NaiveDate) -> bool {
        self.by_country
            .get(&ProgrammeCountries::normalise(code))
            .is_some_and(|s| s.contains(&d))
    }

    /// Holidays of `code` within `from..=to`, ascending; empty when `to < from`.
    pub fn holidays_in(&self, code: &str, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        if to < from {
            return Vec::new();
        }
        self.by_country
            .get(&ProgrammeCountries::normalise(code))
            .map(|s| s.range(from..=to).copied().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
