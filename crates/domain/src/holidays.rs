//! Public holidays per host country and region, from a maintained data set.
//!
//! The built-in calendars are generated from the PyPI package `holidays` (pinned version,
//! regenerated and compared in CI: `scripts/holidays/`), for every country and territory
//! that can pass the programme-country rules, national and for each ISO 3166-2 region the
//! package knows. Configuration can add days to a calendar or replace it (`[rules]`
//! `extra_holidays` / `replace_holidays`).
//!
//! Which calendar applies (domain-rules §4 leaves it open, so it is DERIVED): the host's
//! region when the host states one, else the host country's national holidays (the days
//! every region of the country keeps), and the report says which.

mod data;

use std::collections::HashMap;
use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate};

use crate::countries::ProgrammeCountries;

pub use data::Entry;

/// A holiday as reported: the date, its name and the calendar it comes from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
    /// "ES-MD" or "DE".
    pub calendar: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Override {
    /// Days added to the built-in calendar.
    Extra(Vec<NaiveDate>),
    /// The calendar is exactly these days.
    Replace(Vec<NaiveDate>),
}

/// Name given to a day that comes from configuration rather than the data set.
pub const CONFIGURED_NAME: &str = "public holiday (configured)";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HolidayCalendars {
    builtin: bool,
    overrides: HashMap<String, Override>,
}

/// Upper-case, with EL/UK for the country part mapped to GR/GB.
fn key_of(code: &str) -> String {
    let up = code.trim().to_ascii_uppercase();
    match up.split_once('-') {
        Some((cc, sub)) => format!("{}-{sub}", ProgrammeCountries::normalise(cc)),
        None => ProgrammeCountries::normalise(&up),
    }
}

impl HolidayCalendars {
    /// No holidays at all (every weekday is a working day).
    pub fn empty() -> Self {
        Self::default()
    }

    /// The generated calendars (parsed once per process; cloning this is cheap).
    pub fn builtin() -> Self {
        HolidayCalendars {
            builtin: true,
            overrides: HashMap::new(),
        }
    }

    /// Replace the calendar of one country or region (`ES`, `ES-MD`); "EL" means GR.
    pub fn with_country(mut self, code: &str, dates: Vec<NaiveDate>) -> Self {
        self.overrides
            .insert(key_of(code), Override::Replace(dates));
        self
    }

    /// Add days to the calendar of one country or region (applies to its regions too).
    pub fn with_extra(mut self, code: &str, mut dates: Vec<NaiveDate>) -> Self {
        let key = key_of(code);
        match self.overrides.get_mut(&key) {
            Some(Override::Extra(v) | Override::Replace(v)) => v.append(&mut dates),
            None => {
                self.overrides.insert(key, Override::Extra(dates));
            }
        }
        self
    }

    /// The years the built-in data covers (every calendar covers all of them).
    pub fn covered_years() -> RangeInclusive<i32> {
        let b = data::builtin();
        b.first_year..=b.last_year
    }

    /// Version of the `holidays` package the data was generated from.
    pub fn data_version() -> &'static str {
        data::builtin().version
    }

    /// Countries and regions that have a built-in or configured calendar, sorted.
    pub fn countries(&self) -> Vec<String> {
        let mut v: Vec<String> = self.overrides.keys().cloned().collect();
        if self.builtin {
            v.extend(data::builtin().calendars.keys().map(|k| (*k).to_owned()));
        }
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Whether `region` (e.g. `ES-MD`) is a region of `country` with its own calendar.
    pub fn is_known_region(country: &str, region: &str) -> bool {
        let key = key_of(region);
        key.split_once('-')
            .is_some_and(|(cc, _)| cc == key_of(country))
            && data::builtin().calendars.contains_key(key.as_str())
    }

    /// The regions of `country` with a built-in calendar, sorted (for error messages).
    pub fn regions_of(country: &str) -> Vec<&'static str> {
        let prefix = format!("{}-", key_of(country));
        let mut v: Vec<&'static str> = data::builtin()
            .calendars
            .keys()
            .copied()
            .filter(|k| k.starts_with(&prefix))
            .collect();
        v.sort_unstable();
        v
    }

    /// The calendar that applies: the region's when given and known, else the country's.
    pub fn calendar_code(country: &str, region: Option<&str>) -> String {
        match region {
            Some(r) if Self::is_known_region(country, r) => key_of(r),
            _ => key_of(country),
        }
    }

    pub fn is_holiday(&self, code: &str, d: NaiveDate) -> bool {
        !self.holidays_in(code, d, d).is_empty()
    }

    /// Dates of the holidays of `code` (country or region) within `from..=to`, ascending.
    pub fn holidays_in(&self, code: &str, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        self.named_in(code, from, to)
            .into_iter()
            .map(|h| h.date)
            .collect()
    }

    /// The holidays of `code` (country `DE` or region `DE-BY`) within `from..=to`, with
    /// names; empty when `to < from`. Cost: one binary search plus the days returned.
    pub fn named_in(&self, code: &str, from: NaiveDate, to: NaiveDate) -> Vec<Holiday> {
        if to < from {
            return Vec::new();
        }
        let key = key_of(code);
        let country = key.split('-').next().unwrap_or_default().to_owned();
        let own = self.overrides.get(&key);
        let inherited = self.overrides.get(&country).filter(|_| key != country);
        let configured = |dates: &[NaiveDate], out: &mut Vec<Holiday>| {
            out.extend(
                dates
                    .iter()
                    .filter(|d| (from..=to).contains(*d))
                    .map(|d| Holiday {
                        date: *d,
                        name: CONFIGURED_NAME.to_owned(),
                        calendar: key.clone(),
                    }),
            );
        };
        let mut out = Vec::new();
        match (own, inherited) {
            (Some(Override::Replace(v)), _) | (None, Some(Override::Replace(v))) => {
                configured(v, &mut out);
            }
            _ => {
                if self.builtin {
                    out.extend(builtin_in(&key, from, to));
                }
                for o in [own, inherited].into_iter().flatten() {
                    if let Override::Extra(v) = o {
                        configured(v, &mut out);
                    }
                }
            }
        }
        out.sort_by_key(|h| h.date);
        out.dedup_by_key(|h| h.date);
        out
    }
}

fn builtin_in(key: &str, from: NaiveDate, to: NaiveDate) -> Vec<Holiday> {
    let Some(cal) = data::builtin().calendars.get(key) else {
        return Vec::new();
    };
    let start = cal.entries.partition_point(|e| e.date < from);
    cal.entries[start..]
        .iter()
        .take_while(|e| e.date <= to)
        .map(|e| Holiday {
            date: e.date,
            name: e.name.to_owned(),
            calendar: key.to_owned(),
        })
        .collect()
}

/// Whether the built-in data covers every day of `from..=to`.
pub fn covers(from: NaiveDate, to: NaiveDate) -> bool {
    let years = HolidayCalendars::covered_years();
    years.contains(&from.year()) && years.contains(&to.year())
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_generated;
