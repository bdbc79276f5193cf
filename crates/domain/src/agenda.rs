//! Group-visit (360ºXchange) agenda rules: item kinds, conflicts, travel warnings and
//! the changelog used to notify participants. Times are entered in the visit's local
//! zone and compared in UTC so DST changes during a visit cannot hide an overlap.

mod changelog;
mod local_time;
mod warnings;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_time;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use uuid::Uuid;

pub use changelog::{Changelog, diff};
pub(crate) use local_time::first_change_by;
pub use local_time::{LocalTimeError, format_local, parse_local, parse_tz, resolve_local};
pub use warnings::{AgendaWarning, transfer_warnings};

crate::code_enum! {
    /// What kind of programme item this is; the API spells these in snake_case.
    pub enum ItemKind: "agenda item kind" {
        FacilityVisit = "facility_visit",
        Workshop = "workshop",
        Seminar = "seminar",
        Conference = "conference",
        StakeholderVisit = "stakeholder_visit",
        Networking = "networking",
        Transfer = "transfer",
    }
}

/// One programme item with its local times (as entered) and resolved UTC instants.
#[derive(Debug, Clone)]
pub struct AgendaItem {
    pub id: Uuid,
    pub kind: ItemKind,
    pub title: String,
    pub starts_local: NaiveDateTime,
    pub ends_local: NaiveDateTime,
    pub starts_utc: DateTime<Utc>,
    pub ends_utc: DateTime<Utc>,
    pub venue: String,
    pub facility: Option<String>,
    /// Free text shown to participants (calendar DESCRIPTION).
    pub description: Option<String>,
}

impl AgendaItem {
    /// Venue key used for every comparison: trimmed and case-folded, so "Lab 1" and
    /// " lab 1 " are the same room.
    pub fn venue_key(&self) -> String {
        venue_key(&self.venue)
    }

    /// Does this item share any instant with `other`? Intervals are half-open, so an
    /// item ending at 10:00 and one starting at 10:00 do not overlap.
    pub fn overlaps(&self, other: &AgendaItem) -> bool {
        self.starts_utc < other.ends_utc && other.starts_utc < self.ends_utc
    }
}

pub(crate) fn venue_key(venue: &str) -> String {
    venue.trim().to_lowercase()
}

/// Why an item cannot be saved (the API answers 409 with `code()` and `message()`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub enum AgendaConflict {
    EndsBeforeStart,
    OutsideVisitDates {
        starts_on: NaiveDate,
        ends_on: NaiveDate,
    },
    VenueOverlap {
        other_id: Uuid,
        other_title: String,
        venue: String,
    },
}

impl AgendaConflict {
    pub fn code(&self) -> &'static str {
        match self {
            Self::EndsBeforeStart => "ends_before_start",
            Self::OutsideVisitDates { .. } => "outside_visit_dates",
            Self::VenueOverlap { .. } => "venue_overlap",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Self::EndsBeforeStart => "The item must end after it starts.".to_owned(),
            Self::OutsideVisitDates { starts_on, ends_on } => {
                format!("The item must take place within the visit, from {starts_on} to {ends_on}.")
            }
            Self::VenueOverlap {
                other_title, venue, ..
            } => format!("{venue} is already booked for \"{other_title}\" at that time."),
        }
    }
}

/// Validates `candidate` against the visit dates and the other items.
///
/// Checks run in order (times, dates, venue) and the first failure is returned. An item
/// ending exactly at midnight after `visit_ends_on` counts as ending on that day, so an
/// evening reception until 00:00 on the last day is allowed. Items with an empty venue
/// never clash, since an unknown place cannot be double-booked.
pub fn check_item(
    candidate: &AgendaItem,
    others: &[AgendaItem],
    visit_starts_on: NaiveDate,
    visit_ends_on: NaiveDate,
) -> Result<(), AgendaConflict> {
    if candidate.ends_utc <= candidate.starts_utc || candidate.ends_local <= candidate.starts_local
    {
        return Err(AgendaConflict::EndsBeforeStart);
    }
    let end_day = if candidate.ends_local.time() == NaiveTime::MIN {
        let day = candidate.ends_local.date();
        day.pred_opt().unwrap_or(day)
    } else {
        candidate.ends_local.date()
    };
    if candidate.starts_local.date() < visit_starts_on || end_day > visit_ends_on {
        return Err(AgendaConflict::OutsideVisitDates {
            starts_on: visit_starts_on,
            ends_on: visit_ends_on,
        });
    }
    let key = candidate.venue_key();
    if key.is_empty() {
        return Ok(());
    }
    // Report the earliest clashing item so the message is deterministic.
    let clash = others
        .iter()
        .filter(|o| o.id != candidate.id && o.venue_key() == key && candidate.overlaps(o))
        .min_by_key(|o| (o.starts_utc, o.id));
    match clash {
        Some(other) => Err(AgendaConflict::VenueOverlap {
            other_id: other.id,
            other_title: other.title.clone(),
            venue: other.venue.trim().to_owned(),
        }),
        None => Ok(()),
    }
}
