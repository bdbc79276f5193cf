#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use uuid::Uuid;

use super::*;

const CPH: Tz = chrono_tz::Europe::Copenhagen;

fn local(s: &str) -> NaiveDateTime {
    parse_local(s).unwrap()
}

fn item(kind: ItemKind, start: &str, end: &str, venue: &str) -> AgendaItem {
    let (starts_local, ends_local) = (local(start), local(end));
    AgendaItem {
        id: Uuid::new_v4(),
        kind,
        title: format!("{} at {venue}", kind.as_str()),
        starts_local,
        ends_local,
        starts_utc: resolve_local(starts_local, CPH).unwrap(),
        ends_utc: resolve_local(ends_local, CPH).unwrap(),
        venue: venue.to_owned(),
        facility: None,
        description: None,
    }
}

fn ws(start: &str, end: &str, venue: &str) -> AgendaItem {
    item(ItemKind::Workshop, start, end, venue)
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn check(c: &AgendaItem, others: &[AgendaItem]) -> Result<(), AgendaConflict> {
    check_item(c, others, d("2026-03-02"), d("2026-03-04"))
}

#[test]
fn item_kind_round_trips() {
    use serde::Deserialize;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error, StrDeserializer};
    for k in ItemKind::ALL {
        assert_eq!(ItemKind::parse(k.as_str()), Some(k));
        // The serde spelling must match as_str(), which the API documents.
        let de: StrDeserializer<Error> = k.as_str().into_deserializer();
        assert_eq!(ItemKind::deserialize(de).unwrap(), k);
    }
    assert_eq!(ItemKind::parse("Workshop"), None);
    assert_eq!(ItemKind::parse("lunch"), None);
}

#[test]
fn ends_before_start_and_zero_length_rejected() {
    let ok = ws("2026-03-02T09:00", "2026-03-02T10:00", "Lab");
    assert_eq!(check(&ok, &[]), Ok(()));
    for (s, e) in [
        ("2026-03-02T10:00", "2026-03-02T09:00"),
        ("2026-03-02T10:00", "2026-03-02T10:00"),
    ] {
        let c = ws(s, e, "Lab");
        let err = check(&c, &[]).unwrap_err();
        assert_eq!(err, AgendaConflict::EndsBeforeStart);
        assert_eq!(err.code(), "ends_before_start");
    }
}

#[test]
fn outside_visit_dates_on_each_side() {
    let first = ws("2026-03-02T08:00", "2026-03-02T09:00", "Lab");
    let last = ws("2026-03-04T20:00", "2026-03-05T00:00", "Lab");
    assert_eq!(check(&first, &[]), Ok(()));
    assert_eq!(
        check(&last, &[]),
        Ok(()),
        "ending at midnight is still the last day"
    );
    let before = ws("2026-03-01T23:00", "2026-03-02T01:00", "Lab");
    let after = ws("2026-03-04T23:00", "2026-03-05T00:30", "Lab");
    for c in [before, after] {
        let err = check(&c, &[]).unwrap_err();
        assert_eq!(
            err,
            AgendaConflict::OutsideVisitDates {
                starts_on: d("2026-03-02"),
                ends_on: d("2026-03-04")
            }
        );
        assert_eq!(err.code(), "outside_visit_dates");
        assert!(err.message().contains("2026-03-02"));
    }
}

#[test]
fn venue_overlap_detected_case_insensitively() {
    let a = ws("2026-03-02T09:00", "2026-03-02T11:00", "Main Hall");
    let b = ws("2026-03-02T10:00", "2026-03-02T12:00", "  main hall ");
    let err = check(&b, std::slice::from_ref(&a)).unwrap_err();
    assert_eq!(
        err,
        AgendaConflict::VenueOverlap {
            other_id: a.id,
            other_title: a.title.clone(),
            venue: "Main Hall".into()
        }
    );
    assert_eq!(err.code(), "venue_overlap");
    assert!(err.message().contains(&a.title));
}

#[test]
fn touching_other_venues_and_self_are_fine() {
    let a = ws("2026-03-02T09:00", "2026-03-02T10:00", "Hall");
    let touching = ws("2026-03-02T10:00", "2026-03-02T11:00", "Hall");
    let elsewhere = ws("2026-03-02T09:30", "2026-03-02T10:30", "Lab");
    let mut edited = a.clone();
    edited.ends_local = local("2026-03-02T10:30");
    edited.ends_utc += Duration::minutes(30);
    assert_eq!(check(&touching, std::slice::from_ref(&a)), Ok(()));
    assert_eq!(check(&elsewhere, std::slice::from_ref(&a)), Ok(()));
    assert_eq!(
        check(&edited, std::slice::from_ref(&a)),
        Ok(()),
        "same id is ignored"
    );
    let nowhere = ws("2026-03-02T09:00", "2026-03-02T10:00", " ");
    let nowhere2 = ws("2026-03-02T09:00", "2026-03-02T10:00", "");
    assert_eq!(check(&nowhere, &[nowhere2]), Ok(()));
}

#[test]
fn tight_transfer_warnings() {
    let buffer = Duration::minutes(30);
    let a = ws("2026-03-02T09:00", "2026-03-02T10:00", "Hall");
    let b_close = ws("2026-03-02T10:10", "2026-03-02T11:00", "Lab");
    let w = transfer_warnings(&[b_close.clone(), a.clone()], buffer);
    assert_eq!(w.len(), 1);
    assert_eq!(w[0].code, "tight_transfer");
    assert_eq!(w[0].item_ids, vec![a.id, b_close.id]);
    assert!(w[0].message.contains("10 min"), "{}", w[0].message);

    let b_far = ws("2026-03-02T10:30", "2026-03-02T11:00", "Lab");
    assert!(transfer_warnings(&[a.clone(), b_far], buffer).is_empty());

    let same_venue = ws("2026-03-02T10:10", "2026-03-02T11:00", "hall");
    assert!(transfer_warnings(&[a.clone(), same_venue], buffer).is_empty());

    let bus = item(
        ItemKind::Transfer,
        "2026-03-02T10:00",
        "2026-03-02T10:05",
        "Bus",
    );
    assert!(transfer_warnings(&[a.clone(), bus, b_close.clone()], buffer).is_empty());

    let parallel = ws("2026-03-02T09:30", "2026-03-02T10:30", "Lab");
    assert!(
        transfer_warnings(&[a, parallel], buffer).is_empty(),
        "overlapping items are parallel tracks"
    );
}

#[test]
fn changelog_diff() {
    let kept = ws("2026-03-02T09:00", "2026-03-02T10:00", "Hall");
    let moved = ws("2026-03-02T11:00", "2026-03-02T12:00", "Hall");
    let renamed = ws("2026-03-03T11:00", "2026-03-03T12:00", "Lab");
    let gone = ws("2026-03-04T11:00", "2026-03-04T12:00", "Lab");
    let previous = vec![kept.clone(), moved.clone(), renamed.clone(), gone.clone()];

    let mut moved2 = moved.clone();
    moved2.venue = "Lab".into();
    let mut renamed2 = renamed.clone();
    renamed2.title = "New title".into();
    renamed2.venue = " LAB ".into();
    let new = ws("2026-03-04T13:00", "2026-03-04T14:00", "Lab");
    let current = vec![kept, moved2, renamed2, new.clone()];

    let log = diff(&previous, &current);
    assert_eq!(log.added, vec![new.id]);
    assert_eq!(log.moved, vec![moved.id]);
    assert_eq!(log.changed, vec![renamed.id]);
    assert_eq!(log.removed, vec![gone.id]);
    assert_eq!(log.affected(), vec![new.id, moved.id, renamed.id, gone.id]);
    assert!(!log.is_empty());
    assert!(diff(&previous, &previous).is_empty());

    let mut later = previous.clone();
    later[0].starts_utc += Duration::minutes(15);
    assert_eq!(diff(&previous, &later).moved, vec![previous[0].id]);

    let mut described = previous.clone();
    described[1].description = Some("Bring safety shoes".into());
    assert_eq!(diff(&previous, &described).changed, vec![previous[1].id]);
}

#[test]
fn warnings_only_look_at_the_latest_predecessor() {
    let buffer = Duration::minutes(30);
    let bus = item(
        ItemKind::Transfer,
        "2026-03-02T08:00",
        "2026-03-02T08:30",
        "Bus",
    );
    let a = ws("2026-03-02T09:00", "2026-03-02T10:00", "Hall");
    let b = ws("2026-03-02T10:05", "2026-03-02T11:00", "Lab");
    let w = transfer_warnings(&[bus, a.clone(), b.clone()], buffer);
    assert_eq!(
        w.len(),
        1,
        "an earlier transfer does not cover a later move"
    );
    assert_eq!(w[0].item_ids, vec![a.id, b.id]);

    // Two parallel tracks ending together, then a plenary elsewhere: both warn.
    let track = ws("2026-03-02T09:00", "2026-03-02T10:00", "Room 2");
    let plenary = ws("2026-03-02T10:10", "2026-03-02T11:00", "Aula");
    assert_eq!(
        transfer_warnings(&[a.clone(), track, plenary], buffer).len(),
        2
    );

    // Overnight gaps are never tight.
    let next_day = ws("2026-03-03T09:00", "2026-03-03T10:00", "Lab");
    let evening = ws("2026-03-02T20:00", "2026-03-02T23:00", "Hall");
    assert!(transfer_warnings(&[evening, next_day], buffer).is_empty());
}
