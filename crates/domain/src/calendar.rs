//! iCalendar (RFC 5545) feeds for group-visit agendas and personal calendars.
//!
//! Output is built with the `icalendar` crate's parser-side types (`parser::Calendar`,
//! `parser::Component`) because their serializer writes exactly the properties given:
//! the builder-side `Component` injects DTSTAMP/UID into every component, which is
//! invalid inside VTIMEZONE. Folding at 75 octets and CRLF line ends come from the
//! crate; TEXT escaping is done here since the parser-side types write values verbatim.
//!
//! Every object declares a METHOD, so DTSTAMP is "the date and time that the instance of
//! the iCalendar object was created" (RFC 5545 §3.8.7.2), one value for the whole object
//! given by the [`Publication`]; LAST-MODIFIED stays per event. An emailed attachment is
//! created when it is queued. A feed is a new object whenever its content changes, so it
//! is stamped with its revision (the latest change of anything in it): the same content
//! always yields the same bytes, and HTTP caches and ETags work.

mod vtimezone;
mod web_links;

pub use web_links::{WebCalendarLinks, web_calendar_links};

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;
use icalendar::parser::{Calendar, Component, Parameter, Property};
use uuid::Uuid;

use crate::agenda::AgendaItem;

pub const PRODID: &str = "-//ClusterXchange//cxc//EN";

/// Stable UID for an agenda item or exchange, so updates replace the same event.
pub fn uid_for(id: Uuid) -> String {
    format!("{id}@clusterxchange")
}

/// A timed event shown at local wall-clock times in `tz`.
#[derive(Debug, Clone, PartialEq)]
pub struct CalEvent {
    pub uid: String,
    /// Bump on every change so clients replace their copy (RFC 5545 §3.8.7.4).
    pub sequence: u32,
    pub summary: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub starts_local: NaiveDateTime,
    pub ends_local: NaiveDateTime,
    pub tz: Tz,
    pub cancelled: bool,
    pub last_modified: DateTime<Utc>,
}

impl CalEvent {
    /// The event for an agenda item of a visit held in `tz`.
    pub fn from_agenda_item(
        item: &AgendaItem,
        tz: Tz,
        sequence: u32,
        last_modified: DateTime<Utc>,
    ) -> Self {
        Self {
            uid: uid_for(item.id),
            sequence,
            summary: item.title.clone(),
            description: describe(item),
            location: Some(item.venue.trim().to_owned()).filter(|v| !v.is_empty()),
            starts_local: item.starts_local,
            ends_local: item.ends_local,
            tz,
            cancelled: false,
            last_modified,
        }
    }
}

/// The item's description, followed by its facility when there is one.
fn describe(item: &AgendaItem) -> Option<String> {
    let text = item
        .description
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty());
    let facility = item.facility.as_ref().map(|f| format!("Facility: {f}"));
    match (text, facility) {
        (Some(t), Some(f)) => Some(format!("{t}\n\n{f}")),
        (Some(t), None) => Some(t.to_owned()),
        (None, f) => f,
    }
}

/// A whole-day event (exchanges), from `start` through `end_inclusive`.
#[derive(Debug, Clone, PartialEq)]
pub struct AllDayEvent {
    pub uid: String,
    pub sequence: u32,
    pub summary: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub start: NaiveDate,
    pub end_inclusive: NaiveDate,
    pub cancelled: bool,
    pub last_modified: DateTime<Utc>,
}

/// The iTIP method of an object (RFC 5546 §1.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Feeds and "here is your agenda" attachments.
    Publish,
    /// Removes the events from a calendar that imported them (a cancelled registration).
    Cancel,
}

/// Who publishes and when: the object-level facts every VEVENT repeats.
#[derive(Debug, Clone, PartialEq)]
pub struct Publication {
    pub method: Method,
    /// `ORGANIZER`, required on PUBLISH and CANCEL events (RFC 5546 §3.2.1, §3.2.5).
    pub organizer_name: String,
    pub organizer_email: String,
    /// `ATTENDEE` being removed by a CANCEL (RFC 5546 §3.2.5), as (name, email).
    pub attendee: Option<(String, String)>,
    /// DTSTAMP: when this instance of the object was created.
    pub created: DateTime<Utc>,
}

/// The latest change of anything in a feed: its DTSTAMP and HTTP `Last-Modified`.
/// `None` for an empty feed.
pub fn revision(events: &[CalEvent], all_day: &[AllDayEvent]) -> Option<DateTime<Utc>> {
    let timed = events.iter().map(|e| e.last_modified);
    let days = all_day.iter().map(|e| e.last_modified);
    timed.chain(days).max()
}

/// Renders a complete VCALENDAR: VTIMEZONEs (one per zone used), then timed events,
/// then all-day events, in the order given.
pub fn render_calendar(
    publication: &Publication,
    name: &str,
    events: &[CalEvent],
    all_day: &[AllDayEvent],
) -> String {
    let mut components = Vec::new();

    // Years each zone must cover; BTreeMap keeps the VTIMEZONE order stable.
    let mut years: BTreeMap<&'static str, (Tz, i32, i32)> = BTreeMap::new();
    for e in events {
        let (lo, hi) = (e.starts_local.year(), e.ends_local.year());
        let entry = years.entry(e.tz.name()).or_insert((e.tz, lo, hi));
        entry.1 = entry.1.min(lo).min(hi);
        entry.2 = entry.2.max(lo).max(hi);
    }
    for (tz, first, last) in years.into_values() {
        components.push(vtimezone::vtimezone(tz, first, last));
    }
    components.extend(events.iter().map(|e| timed_event(publication, e)));
    components.extend(all_day.iter().map(|e| all_day_event(publication, e)));
    let method = match publication.method {
        Method::Publish => "PUBLISH",
        Method::Cancel => "CANCEL",
    };

    let calendar = Calendar {
        properties: vec![
            prop("PRODID", PRODID.to_owned()),
            prop("VERSION", "2.0".to_owned()),
            prop("CALSCALE", "GREGORIAN".to_owned()),
            prop("METHOD", method.to_owned()),
            text_prop("X-WR-CALNAME", name),
        ],
        components,
    };
    calendar.to_string()
}

fn timed_event(p: &Publication, e: &CalEvent) -> Component<'static> {
    let tzid = || vec![param("TZID", e.tz.name())];
    let mut properties = common_head(p, &e.uid, e.sequence, e.last_modified);
    properties.push(Property {
        name: "DTSTART".into(),
        val: local_stamp(e.starts_local).into(),
        params: tzid(),
    });
    properties.push(Property {
        name: "DTEND".into(),
        val: local_stamp(e.ends_local).into(),
        params: tzid(),
    });
    common_tail(
        &mut properties,
        &e.summary,
        e.location.as_deref(),
        e.description.as_deref(),
        e.cancelled || p.method == Method::Cancel,
    );
    vevent(properties)
}

fn all_day_event(p: &Publication, e: &AllDayEvent) -> Component<'static> {
    let date = |name: &'static str, d: NaiveDate| Property {
        name: name.into(),
        val: d.format("%Y%m%d").to_string().into(),
        params: vec![param("VALUE", "DATE")],
    };
    let mut properties = common_head(p, &e.uid, e.sequence, e.last_modified);
    properties.push(date("DTSTART", e.start));
    // DTEND of a DATE event is exclusive. At the end of chrono's range there is no next
    // day; omitting DTEND then means "one day", the closest valid rendering.
    let last = e.end_inclusive.max(e.start);
    if let Some(end) = last.succ_opt() {
        properties.push(date("DTEND", end));
    }
    common_tail(
        &mut properties,
        &e.summary,
        e.location.as_deref(),
        e.description.as_deref(),
        e.cancelled || p.method == Method::Cancel,
    );
    vevent(properties)
}

fn common_head(
    p: &Publication,
    uid: &str,
    sequence: u32,
    modified: DateTime<Utc>,
) -> Vec<Property<'static>> {
    let utc = |t: DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    let mut head = vec![
        text_prop("UID", uid),
        prop("SEQUENCE", sequence.to_string()),
        prop("DTSTAMP", utc(p.created)),
        prop("LAST-MODIFIED", utc(modified)),
        person("ORGANIZER", &p.organizer_name, &p.organizer_email),
    ];
    if let Some((name, email)) = &p.attendee {
        head.push(person("ATTENDEE", name, email));
    }
    head
}

/// A CAL-ADDRESS property with its common name: `ORGANIZER;CN="Name":mailto:a@b`.
fn person(name: &'static str, cn: &str, email: &str) -> Property<'static> {
    // A quoted parameter value may hold anything but DQUOTE and controls (§3.1).
    let cn: String = cn
        .chars()
        .filter(|c| *c != '"' && !c.is_control())
        .collect();
    Property {
        name: name.into(),
        val: format!("mailto:{}", email.trim()).into(),
        params: vec![Parameter {
            key: "CN".into(),
            val: Some(format!("\"{cn}\"").into()),
        }],
    }
}

fn common_tail(
    properties: &mut Vec<Property<'static>>,
    summary: &str,
    location: Option<&str>,
    description: Option<&str>,
    cancelled: bool,
) {
    properties.push(text_prop("SUMMARY", summary));
    if let Some(location) = location {
        properties.push(text_prop("LOCATION", location));
    }
    if let Some(description) = description {
        properties.push(text_prop("DESCRIPTION", description));
    }
    let status = if cancelled { "CANCELLED" } else { "CONFIRMED" };
    properties.push(prop("STATUS", status.to_owned()));
}

fn vevent(properties: Vec<Property<'static>>) -> Component<'static> {
    Component {
        name: "VEVENT".into(),
        properties,
        components: Vec::new(),
    }
}

/// Floating local date-time as used with TZID (no `Z`).
fn local_stamp(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

fn param(key: &'static str, val: &str) -> Parameter<'static> {
    Parameter {
        key: key.into(),
        val: Some(val.to_owned().into()),
    }
}

/// A property whose value is already in iCalendar syntax.
fn prop(name: &'static str, val: String) -> Property<'static> {
    Property {
        name: name.into(),
        val: val.into(),
        params: Vec::new(),
    }
}

/// A TEXT property, escaped per RFC 5545 §3.3.11.
fn text_prop(name: &'static str, val: &str) -> Property<'static> {
    prop(name, escape_text(val))
}

/// Escapes TEXT: backslash, `;`, `,` and newlines; CR/CRLF become `\n` and other
/// control characters (forbidden in TEXT) are dropped.
pub fn escape_text(s: &str) -> String {
    let normalised = s.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(normalised.len());
    for c in normalised.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}
