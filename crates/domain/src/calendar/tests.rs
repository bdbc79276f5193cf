#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use icalendar::parser::{Component, read_calendar, unfold};

use super::*;

const ZRH: Tz = chrono_tz::Europe::Zurich;

fn local(s: &str) -> NaiveDateTime {
    crate::agenda::parse_local(s).unwrap()
}

fn event(n: u128, start: &str, end: &str, tz: Tz) -> CalEvent {
    CalEvent {
        uid: uid_for(Uuid::from_u128(n)),
        sequence: 0,
        summary: format!("Item {n}"),
        description: None,
        location: Some("Main Hall".into()),
        starts_local: local(start),
        ends_local: local(end),
        tz,
        cancelled: false,
        last_modified: Utc.with_ymd_and_hms(2026, 1, 10, 12, 0, 0).unwrap(),
    }
}

/// A feed stamped with its revision, like the personal feed.
fn publication() -> Publication {
    Publication {
        method: Method::Publish,
        organizer_name: "ClusterXchange".into(),
        organizer_email: "noreply@clusterxchange.eu".into(),
        attendee: None,
        created: Utc.with_ymd_and_hms(2026, 1, 10, 12, 0, 0).unwrap(),
    }
}

#[test]
fn published_events_name_their_organizer_and_cancel_removes_the_attendee() {
    let events = [event(1, "2026-03-02T09:00", "2026-03-02T10:00", ZRH)];
    let text = render_calendar(&publication(), "x", &events, &[]);
    let unfolded = unfold(&text);
    let cal = read_calendar(&unfolded).unwrap();
    let ev = children(&cal.components, "VEVENT")[0];
    assert_eq!(
        prop(ev, "ORGANIZER"),
        Some("mailto:noreply@clusterxchange.eu")
    );
    assert_eq!(prop(ev, "ATTENDEE"), None);
    assert_eq!(prop(ev, "STATUS"), Some("CONFIRMED"));

    let created = Utc.with_ymd_and_hms(2026, 2, 1, 8, 30, 0).unwrap();
    let cancel = Publication {
        method: Method::Cancel,
        attendee: Some(("Ona \"O\" P".into(), "ona@x.eu".into())),
        created,
        ..publication()
    };
    let text = render_calendar(&cancel, "x", &events, &[]);
    assert!(text.contains("METHOD:CANCEL\r\n"), "{text}");
    let unfolded = unfold(&text);
    let cal = read_calendar(&unfolded).unwrap();
    let ev = children(&cal.components, "VEVENT")[0];
    assert_eq!(prop(ev, "STATUS"), Some("CANCELLED"));
    assert_eq!(prop(ev, "ATTENDEE"), Some("mailto:ona@x.eu"));
    assert_eq!(
        prop(ev, "DTSTAMP"),
        Some("20260201T083000Z"),
        "the object's creation"
    );
    assert_eq!(
        prop(ev, "LAST-MODIFIED"),
        Some("20260110T120000Z"),
        "the item's change"
    );
    assert!(
        text.contains("ATTENDEE;CN=\"Ona O P\":mailto:ona@x.eu"),
        "{text}"
    );
}

fn prop<'a>(c: &'a Component<'_>, name: &str) -> Option<&'a str> {
    c.find_prop(name).map(|p| p.val.as_str())
}

fn children<'a>(c: &'a [Component<'a>], name: &str) -> Vec<&'a Component<'a>> {
    c.iter().filter(|c| c.name == name).collect()
}

#[test]
fn calendar_structure_round_trips_through_parser() {
    let mut cancelled = event(2, "2026-03-03T14:00", "2026-03-03T15:30", ZRH);
    cancelled.cancelled = true;
    cancelled.sequence = 3;
    let events = [
        event(1, "2026-03-02T09:00", "2026-03-02T10:00", ZRH),
        cancelled,
    ];
    let text = render_calendar(&publication(), "Visit, Zurich", &events, &[]);
    let unfolded = unfold(&text);
    let cal = read_calendar(&unfolded).unwrap();

    let head = |name: &str| {
        cal.properties
            .iter()
            .find(|p| p.name == name)
            .unwrap()
            .val
            .as_str()
    };
    assert_eq!(head("PRODID"), "-//ClusterXchange//cxc//EN");
    assert_eq!(head("VERSION"), "2.0");
    assert_eq!(head("METHOD"), "PUBLISH");
    // The parser unescapes TEXT values; the wire form must carry the escape.
    assert_eq!(head("X-WR-CALNAME"), "Visit, Zurich");
    assert!(text.contains("\r\nX-WR-CALNAME:Visit\\, Zurich\r\n"));

    let zones = children(&cal.components, "VTIMEZONE");
    assert_eq!(zones.len(), 1);
    assert_eq!(prop(zones[0], "TZID"), Some("Europe/Zurich"));
    assert_eq!(prop(zones[0], "UID"), None, "VTIMEZONE must not carry UID");
    assert_eq!(prop(zones[0], "DTSTAMP"), None);

    let vevents = children(&cal.components, "VEVENT");
    assert_eq!(vevents.len(), 2);
    let start = vevents[0].find_prop("DTSTART").unwrap();
    assert_eq!(start.val.as_str(), "20260302T090000");
    assert_eq!(start.params[0].key.as_str(), "TZID");
    assert_eq!(
        start.params[0].val.as_ref().unwrap().as_str(),
        "Europe/Zurich"
    );
    assert_eq!(prop(vevents[0], "DTEND"), Some("20260302T100000"));
    assert_eq!(prop(vevents[1], "DTSTART"), Some("20260303T140000"));
    assert_eq!(
        prop(vevents[0], "UID"),
        Some("00000000-0000-0000-0000-000000000001@clusterxchange")
    );
    assert_eq!(prop(vevents[0], "SEQUENCE"), Some("0"));
    assert_eq!(prop(vevents[1], "SEQUENCE"), Some("3"));
    assert_eq!(prop(vevents[0], "STATUS"), Some("CONFIRMED"));
    assert_eq!(prop(vevents[1], "STATUS"), Some("CANCELLED"));
    assert_eq!(prop(vevents[0], "DTSTAMP"), Some("20260110T120000Z"));
    assert_eq!(prop(vevents[0], "LOCATION"), Some("Main Hall"));
    assert_eq!(prop(vevents[0], "SUMMARY"), Some("Item 1"));
}

#[test]
fn rendering_is_stable() {
    let events = [event(1, "2026-03-02T09:00", "2026-03-02T10:00", ZRH)];
    assert_eq!(
        render_calendar(&publication(), "x", &events, &[]),
        render_calendar(&publication(), "x", &events, &[])
    );
}

#[test]
fn zurich_vtimezone_has_real_2026_transitions() {
    let events = [event(1, "2026-03-02T09:00", "2026-03-02T10:00", ZRH)];
    let text = render_calendar(&publication(), "x", &events, &[]);
    let unfolded = unfold(&text);
    let cal = read_calendar(&unfolded).unwrap();
    let zone = children(&cal.components, "VTIMEZONE")[0];
    let spring = zone
        .components
        .iter()
        .find(|c| prop(c, "DTSTART") == Some("20260329T020000"))
        .expect("March 2026 transition");
    assert_eq!(spring.name, "DAYLIGHT");
    assert_eq!(prop(spring, "TZOFFSETFROM"), Some("+0100"));
    assert_eq!(prop(spring, "TZOFFSETTO"), Some("+0200"));
    assert_eq!(prop(spring, "TZNAME"), Some("CEST"));
    let autumn = zone
        .components
        .iter()
        .find(|c| prop(c, "DTSTART") == Some("20261025T030000"))
        .expect("October 2026 transition");
    assert_eq!(autumn.name, "STANDARD");
    assert_eq!(prop(autumn, "TZOFFSETFROM"), Some("+0200"));
    assert_eq!(prop(autumn, "TZOFFSETTO"), Some("+0100"));
    // 2025..=2027, two transitions a year, nothing else.
    assert_eq!(zone.components.len(), 6);
}

#[test]
fn zone_without_dst_gets_single_standard_and_zones_are_distinct() {
    let tokyo = chrono_tz::Asia::Tokyo;
    let events = [
        event(1, "2026-03-02T09:00", "2026-03-02T10:00", tokyo),
        event(2, "2026-03-02T09:00", "2026-03-02T10:00", ZRH),
        event(3, "2026-03-03T09:00", "2026-03-03T10:00", ZRH),
    ];
    let text = render_calendar(&publication(), "x", &events, &[]);
    let unfolded = unfold(&text);
    let cal = read_calendar(&unfolded).unwrap();
    let zones = children(&cal.components, "VTIMEZONE");
    let ids: Vec<_> = zones.iter().map(|z| prop(z, "TZID").unwrap()).collect();
    assert_eq!(ids, ["Asia/Tokyo", "Europe/Zurich"]);
    let tokyo_obs = &zones[0].components;
    assert_eq!(tokyo_obs.len(), 1);
    assert_eq!(tokyo_obs[0].name, "STANDARD");
    assert_eq!(prop(&tokyo_obs[0], "TZOFFSETFROM"), Some("+0900"));
    assert_eq!(prop(&tokyo_obs[0], "TZOFFSETTO"), Some("+0900"));
}

#[test]
fn lines_are_crlf_folded_and_text_escaped() {
    let mut e = event(1, "2026-03-02T09:00", "2026-03-02T10:00", ZRH);
    let long = "Visite des installations; café, thé\r\nand a very long line ".repeat(5);
    e.description = Some(long.clone());
    let text = render_calendar(&publication(), "x", &[e], &[]);
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        assert!(!line.contains('\n') && !line.contains('\r'));
    }
    let unfolded = unfold(&text);
    let cal = read_calendar(&unfolded).unwrap();
    let ev = children(&cal.components, "VEVENT")[0];
    assert_eq!(
        prop(ev, "DESCRIPTION"),
        Some(long.replace("\r\n", "\n").as_str())
    );
    assert!(text.contains("DESCRIPTION:Visite des installations\\; café\\, thé\\nand"));
    assert_eq!(escape_text("a,b;c\\d\ne\u{7}"), "a\\,b\\;c\\\\d\\ne");
}

#[test]
fn all_day_events_use_exclusive_end_date() {
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let exchange = AllDayEvent {
        uid: uid_for(Uuid::from_u128(9)),
        sequence: 1,
        summary: "Exchange".into(),
        description: None,
        location: Some("Aarhus".into()),
        start: day("2026-04-06"),
        end_inclusive: day("2026-04-10"),
        cancelled: true,
        last_modified: Utc.with_ymd_and_hms(2026, 1, 10, 12, 0, 0).unwrap(),
    };
    let text = render_calendar(&publication(), "me", &[], &[exchange]);
    let unfolded = unfold(&text);
    let cal = read_calendar(&unfolded).unwrap();
    assert!(children(&cal.components, "VTIMEZONE").is_empty());
    let ev = children(&cal.components, "VEVENT")[0];
    let start = ev.find_prop("DTSTART").unwrap();
    assert_eq!(start.val.as_str(), "20260406");
    assert_eq!(start.params[0].val.as_ref().unwrap().as_str(), "DATE");
    assert_eq!(prop(ev, "DTEND"), Some("20260411"));
    assert_eq!(prop(ev, "STATUS"), Some("CANCELLED"));
}

#[test]
fn agenda_item_conversion() {
    let item = crate::agenda::AgendaItem {
        id: Uuid::from_u128(5),
        kind: crate::agenda::ItemKind::FacilityVisit,
        title: "Pilot plant".into(),
        starts_local: local("2026-03-02T09:00"),
        ends_local: local("2026-03-02T10:00"),
        starts_utc: Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap(),
        ends_utc: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        venue: " Campus ".into(),
        facility: Some("Bioreactor".into()),
        description: None,
    };
    let modified = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
    let ev = CalEvent::from_agenda_item(&item, ZRH, 2, modified);
    assert_eq!(
        ev.uid,
        "00000000-0000-0000-0000-000000000005@clusterxchange"
    );
    assert_eq!(ev.location.as_deref(), Some("Campus"));
    assert_eq!(ev.description.as_deref(), Some("Facility: Bioreactor"));
    assert_eq!(ev.sequence, 2);
}

#[test]
fn agenda_item_description_comes_before_facility() {
    let mut item = crate::agenda::AgendaItem {
        id: Uuid::from_u128(6),
        kind: crate::agenda::ItemKind::Workshop,
        title: "Cryogenics".into(),
        starts_local: local("2026-03-02T09:00"),
        ends_local: local("2026-03-02T10:00"),
        starts_utc: Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0).unwrap(),
        ends_utc: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
        venue: "Hall".into(),
        facility: Some("SM18".into()),
        description: Some(" Hands-on session ".into()),
    };
    let modified = Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap();
    let ev = CalEvent::from_agenda_item(&item, ZRH, 0, modified);
    assert_eq!(
        ev.description.as_deref(),
        Some("Hands-on session\n\nFacility: SM18")
    );
    item.facility = None;
    let ev = CalEvent::from_agenda_item(&item, ZRH, 0, modified);
    assert_eq!(ev.description.as_deref(), Some("Hands-on session"));
}
