//! VTIMEZONE blocks computed from chrono-tz, so calendar clients that do not know the
//! zone (or know an outdated version of it) still place events correctly.
//!
//! Rather than RRULEs we list the real transitions around the events' years: exact for
//! the dates that matter, and immune to rule changes between years.

use std::{
    collections::HashMap,
    sync::{Mutex, OnceLock, PoisonError},
};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use icalendar::parser::Component;

use super::{local_stamp, prop, text_prop};
use crate::agenda::first_change_by;

/// How a zone behaves at one instant; a transition is any change of it.
#[derive(Debug, Clone, PartialEq)]
struct Observance {
    offset_secs: i32,
    daylight: bool,
    name: Option<String>,
}

fn observance(tz: Tz, at: DateTime<Utc>) -> Observance {
    let off = tz.offset_from_utc_datetime(&at.naive_utc());
    Observance {
        offset_secs: off.fix().local_minus_utc(),
        daylight: !off.dst_offset().is_zero(),
        name: off.abbreviation().map(str::to_owned),
    }
}

fn year_start(year: i32) -> Option<DateTime<Utc>> {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|d| d.and_utc())
}

/// Transitions as `(instant, observance before, observance after)` within `[from, to)`.
fn transitions(
    tz: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<(DateTime<Utc>, Observance, Observance)> {
    // Hourly sampling catches every real-world transition (they are months apart);
    // bisection then finds the exact second.
    let step = Duration::hours(1);
    let mut out = Vec::new();
    let mut at = from;
    let mut current = observance(tz, at);
    while at < to {
        let next_at = at + step;
        let next = observance(tz, next_at);
        if next != current {
            let instant = first_change_by(at, next_at, |t| observance(tz, t));
            out.push((instant, current, next.clone()));
            current = next;
        }
        at = next_at;
    }
    out
}

/// `+0100`, `-0500`, `+053000` style offsets (seconds only when non-zero).
pub(super) fn format_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    let (h, m, s) = (abs / 3600, abs % 3600 / 60, abs % 60);
    if s == 0 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}{m:02}{s:02}")
    }
}

fn sub_component(
    onset_local: NaiveDateTime,
    from: &Observance,
    to: &Observance,
) -> Component<'static> {
    let name = if to.daylight { "DAYLIGHT" } else { "STANDARD" };
    let mut properties = vec![
        prop("DTSTART", local_stamp(onset_local)),
        prop("TZOFFSETFROM", format_offset(from.offset_secs)),
        prop("TZOFFSETTO", format_offset(to.offset_secs)),
    ];
    if let Some(tzname) = &to.name {
        properties.push(text_prop("TZNAME", tzname));
    }
    Component {
        name: name.into(),
        properties,
        components: Vec::new(),
    }
}

/// A VTIMEZONE for `tz` covering the years `first_year..=last_year` with a year of
/// margin on each side. Finding the transitions samples every hour of those years
/// (~30,000 offset lookups, 3 ms): the result depends on nothing else, so it is computed
/// once per zone and year range and kept (a handful of entries in practice; the map is
/// emptied past 256).
pub(super) fn vtimezone(tz: Tz, first_year: i32, last_year: i32) -> Component<'static> {
    type Cache = Mutex<HashMap<(Tz, i32, i32), Component<'static>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    let key = (tz, first_year, last_year);
    if let Some(c) = cache
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .get(&key)
    {
        return c.clone();
    }
    let c = compute_vtimezone(tz, first_year, last_year);
    let mut map = cache.lock().unwrap_or_else(PoisonError::into_inner);
    if map.len() >= 256 {
        map.clear();
    }
    map.insert(key, c.clone());
    c
}

fn compute_vtimezone(tz: Tz, first_year: i32, last_year: i32) -> Component<'static> {
    let mut components = Vec::new();
    let range = year_start(first_year - 1).zip(year_start(last_year + 2));
    let events_from = year_start(first_year);
    if let Some((from, to)) = range {
        let found = transitions(tz, from, to);
        // Without a transition before the events' first year (zones without DST, or a
        // zone whose only change comes later) the period before it needs its own entry.
        let covered = found
            .first()
            .zip(events_from)
            .is_some_and(|((at, _, _), start)| *at <= start);
        if !covered {
            let initial = observance(tz, from);
            let local = from.naive_utc() + Duration::seconds(initial.offset_secs.into());
            components.push(sub_component(local, &initial, &initial));
        }
        for (at, before, after) in &found {
            // DTSTART of an observance is the onset in the local time in force before it.
            let onset = at.naive_utc() + Duration::seconds(before.offset_secs.into());
            components.push(sub_component(onset, before, after));
        }
    }
    Component {
        name: "VTIMEZONE".into(),
        properties: vec![text_prop("TZID", tz.name())],
        components,
    }
}
