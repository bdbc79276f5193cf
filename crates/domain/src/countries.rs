//! Programme participating countries as data with validity dates (domain-rules §8), and the
//! ISO 3166-1 code list used to validate stored country codes.
//!
//! Eligibility is always judged on a date (the exchange start date, §8.2 advice), never on
//! "today", so every row carries a `from` and an optional inclusive `until`.

mod iso;
mod table;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One built-in row: a country taking part in one programme over a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgrammeCountry {
    pub code: &'static str,
    pub name: &'static str,
    /// "COSME" | "SMP"
    pub programme: &'static str,
    pub from: NaiveDate,
    /// Inclusive last day; `None` = still participating.
    pub until: Option<NaiveDate>,
    /// Where the dates come from; UNCONFIRMED marks a day no source gives.
    pub source: &'static str,
}

/// The same row with owned strings, so it can be loaded from configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProgrammeCountryOwned {
    pub code: String,
    pub name: String,
    pub programme: String,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    #[serde(default)]
    pub source: String,
}

impl From<ProgrammeCountry> for ProgrammeCountryOwned {
    fn from(p: ProgrammeCountry) -> Self {
        ProgrammeCountryOwned {
            code: p.code.to_owned(),
            name: p.name.to_owned(),
            programme: p.programme.to_owned(),
            from: p.from,
            until: p.until,
            source: p.source.to_owned(),
        }
    }
}

/// The table of participating countries consulted by R07/R08/R10/R11.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeCountries {
    entries: Vec<ProgrammeCountryOwned>,
}

impl Default for ProgrammeCountries {
    fn default() -> Self {
        Self::builtin()
    }
}

impl ProgrammeCountries {
    /// The rows documented in domain-rules §8 (see `countries/table.rs` for each choice).
    pub fn builtin() -> Self {
        Self::from_entries(table::builtin_rows().into_iter().map(Into::into).collect())
    }

    /// Replace the whole table, e.g. from configuration. Codes are normalised on the way in
    /// so that a configured "EL" or "UK" still matches.
    pub fn from_entries(v: Vec<ProgrammeCountryOwned>) -> Self {
        let entries = v
            .into_iter()
            .map(|mut e| {
                e.code = Self::normalise(&e.code);
                e
            })
            .collect();
        ProgrammeCountries { entries }
    }

    /// Moves every row of `code` to start on `from` and end on `until` (configuration of an
    /// UNCONFIRMED date); adds a COSME row when the code has none.
    pub fn with_dates(mut self, code: &str, from: NaiveDate, until: Option<NaiveDate>) -> Self {
        let code = Self::normalise(code);
        let mut found = false;
        for e in self.entries.iter_mut().filter(|e| e.code == code) {
            e.from = from;
            e.until = until;
            e.source = "configured".to_owned();
            found = true;
        }
        if !found {
            self.entries.push(ProgrammeCountryOwned {
                name: code.clone(),
                code,
                programme: "COSME".to_owned(),
                from,
                until,
                source: "configured".to_owned(),
            });
        }
        self
    }

    pub fn entries(&self) -> &[ProgrammeCountryOwned] {
        &self.entries
    }

    /// True when any programme row covers `code` on day `on` (both ends inclusive).
    pub fn is_participating(&self, code: &str, on: NaiveDate) -> bool {
        let code = Self::normalise(code);
        self.entries
            .iter()
            .any(|e| e.code == code && e.from <= on && e.until.is_none_or(|u| on <= u))
    }

    pub fn name(&self, code: &str) -> Option<&str> {
        let code = Self::normalise(code);
        self.entries
            .iter()
            .find(|e| e.code == code)
            .map(|e| e.name.as_str())
    }

    /// "DK (Denmark)" when the name is known, else the code; used in rule messages.
    pub fn describe(&self, code: &str) -> String {
        match self.name(code) {
            Some(n) => format!("{} ({n})", Self::normalise(code)),
            None => Self::normalise(code),
        }
    }

    /// Uppercase, trimmed, with the EU's own spellings mapped to ISO: EL -> GR, UK -> GB.
    pub fn normalise(code: &str) -> String {
        let up = code.trim().to_ascii_uppercase();
        match up.as_str() {
            "EL" => "GR".to_owned(),
            "UK" => "GB".to_owned(),
            _ => up,
        }
    }
}

/// A known country code: the ISO 3166-1 alpha-2 list plus XK (Kosovo, user-assigned code
/// the EC uses) and the EU spellings EL (Greece) and UK (United Kingdom). Case-sensitive:
/// callers validating input want to reject "dk".
pub fn is_iso_country(code: &str) -> bool {
    matches!(code, "XK" | "EL" | "UK") || iso::ISO_3166_ALPHA2.binary_search(&code).is_ok()
}

#[cfg(test)]
mod tests;
