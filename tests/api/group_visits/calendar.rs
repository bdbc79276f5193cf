//! iCalendar feeds, parsed back with the `icalendar` crate's parser.
use icalendar::parser::{Component, read_calendar, unfold};
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use crate::{
    both,
    group_visits::fixtures::id,
    group_visits::fixtures::{
        add_item, cancel_item, cern, create, item, move_item, publish, setup,
    },
    helpers::TestApp,
};

/// `(name, value, params)` of the properties of each VEVENT, and the VTIMEZONE ids.
pub struct Parsed {
    pub events: Vec<Vec<(String, String, Vec<(String, String)>)>>,
    pub zones: Vec<String>,
}

impl Parsed {
    pub fn prop(&self, uid: &str, name: &str) -> Option<String> {
        let ev = self
            .events
            .iter()
            .find(|e| e.iter().any(|p| p.0 == "UID" && p.1 == uid))?;
        ev.iter().find(|p| p.0 == name).map(|p| p.1.clone())
    }

    pub fn param(&self, uid: &str, name: &str, param: &str) -> Option<String> {
        let ev = self
            .events
            .iter()
            .find(|e| e.iter().any(|p| p.0 == "UID" && p.1 == uid))?;
        let p = ev.iter().find(|p| p.0 == name)?;
        p.2.iter().find(|(k, _)| k == param).map(|(_, v)| v.clone())
    }

    pub fn uids(&self) -> Vec<String> {
        self.events
            .iter()
            .filter_map(|e| e.iter().find(|p| p.0 == "UID").map(|p| p.1.clone()))
            .collect()
    }
}

pub fn parse(text: &str) -> Parsed {
    let unfolded = unfold(text);
    let cal = read_calendar(&unfolded).expect("a valid calendar");
    let props = |c: &Component<'_>| {
        c.properties
            .iter()
            .map(|p| {
                let params = p
                    .params
                    .iter()
                    .map(|x| {
                        (
                            x.key.as_str().to_owned(),
                            x.val
                                .as_ref()
                                .map(|v| v.as_str().to_owned())
                                .unwrap_or_default(),
                        )
                    })
                    .collect();
                (
                    p.name.as_str().to_owned(),
                    p.val.as_str().to_owned(),
                    params,
                )
            })
            .collect::<Vec<_>>()
    };
    Parsed {
        events: cal
            .components
            .iter()
            .filter(|c| c.name == "VEVENT")
            .map(props)
            .collect(),
        zones: cal
            .components
            .iter()
            .filter(|c| c.name == "VTIMEZONE")
            .filter_map(|c| c.find_prop("TZID").map(|p| p.val.as_str().to_owned()))
            .collect(),
    }
}

pub async fn ics(app: &TestApp, path: &str, token: Option<&str>) -> (u16, String) {
    let r = app.get(path, token).await;
    if r.status == 200 {
        assert_eq!(r.headers["content-type"], "text/calendar; charset=utf-8");
    }
    (r.status.as_u16(), r.text)
}

pub fn uid(item: &str) -> String {
    format!("{item}@clusterxchange")
}

async fn agenda_ics_round_trips_with_stable_uids_and_sequences(app: TestApp) {
    let fx = setup(&app).await;
    let v = id(&create(&app, &fx, cern(fx.partnership)).await);
    let mut sm18 = item(
        "facility_visit",
        "SM18, magnet tests",
        "2027-03-27T13:00",
        "2027-03-27T15:00",
        "SM18",
    );
    sm18["facility"] = json!("SM18 test hall");
    sm18["description"] = json!("Safety shoes required; no photos.");
    let sm18 = id(&add_item(&app, &fx, &v, sm18).await);
    let forum = id(&add_item(
        &app,
        &fx,
        &v,
        item(
            "conference",
            "Business forum",
            "2027-03-29T09:00",
            "2027-03-29T12:00",
            "CICG",
        ),
    )
    .await);
    let dinner = id(&add_item(
        &app,
        &fx,
        &v,
        item(
            "networking",
            "Dinner",
            "2027-03-28T19:00",
            "2027-03-28T22:00",
            "Restaurant 1",
        ),
    )
    .await);
    let path = format!("/api/v1/group-visits/{v}/agenda.ics");
    assert_eq!(ics(&app, &path, None).await.0, 404, "drafts are private");
    assert_eq!(
        ics(&app, &path, Some(&fx.organiser)).await.0,
        200,
        "organisers preview drafts"
    );
    publish(&app, &fx, &v).await;

    let (status, first) = ics(&app, &path, None).await;
    assert_eq!(status, 200);
    let cal = parse(&first);
    assert_eq!(cal.zones, ["Europe/Zurich"]);
    assert_eq!(cal.uids(), [uid(&sm18), uid(&dinner), uid(&forum)]);
    assert_eq!(cal.prop(&uid(&sm18), "DTSTART").unwrap(), "20270327T130000");
    assert_eq!(
        cal.param(&uid(&sm18), "DTSTART", "TZID").unwrap(),
        "Europe/Zurich"
    );
    assert_eq!(cal.prop(&uid(&sm18), "DTEND").unwrap(), "20270327T150000");
    // Summer time from the 28th: the local times are still as entered.
    assert_eq!(
        cal.prop(&uid(&dinner), "DTSTART").unwrap(),
        "20270328T190000"
    );
    assert_eq!(
        cal.prop(&uid(&sm18), "SUMMARY").unwrap(),
        "SM18, magnet tests"
    );
    assert!(
        first.contains("SUMMARY:SM18\\, magnet tests"),
        "TEXT is escaped on the wire"
    );
    assert!(
        cal.prop(&uid(&sm18), "DESCRIPTION")
            .unwrap()
            .contains("Facility: SM18 test hall")
    );
    assert_eq!(cal.prop(&uid(&sm18), "LOCATION").unwrap(), "SM18");
    assert_eq!(cal.prop(&uid(&sm18), "SEQUENCE").unwrap(), "0");
    assert_eq!(cal.prop(&uid(&sm18), "STATUS").unwrap(), "CONFIRMED");
    assert_eq!(
        ics(&app, &path, None).await.1,
        first,
        "the same agenda renders the same bytes"
    );

    let moved = json!({"starts_at": "2027-03-27T14:00", "ends_at": "2027-03-27T16:00"});
    move_item(&app, &fx, &v, &sm18, moved).await;
    cancel_item(&app, &fx, &v, &dinner).await;
    let cal = parse(&ics(&app, &path, None).await.1);
    assert_eq!(
        cal.uids(),
        [uid(&sm18), uid(&dinner), uid(&forum)],
        "UIDs are stable and removed items stay"
    );
    assert_eq!(cal.prop(&uid(&sm18), "SEQUENCE").unwrap(), "1");
    assert_eq!(cal.prop(&uid(&sm18), "DTSTART").unwrap(), "20270327T140000");
    assert_eq!(cal.prop(&uid(&dinner), "STATUS").unwrap(), "CANCELLED");
    assert_eq!(cal.prop(&uid(&dinner), "SEQUENCE").unwrap(), "1");
    assert_eq!(cal.prop(&uid(&forum), "SEQUENCE").unwrap(), "0");

    let r = app
        .post(
            &format!("/api/v1/group-visits/{v}/cancel"),
            Some(&fx.organiser),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200);
    let cal = parse(&ics(&app, &path, None).await.1);
    assert_eq!(cal.prop(&uid(&forum), "STATUS").unwrap(), "CANCELLED");
    assert_eq!(cal.prop(&uid(&forum), "SEQUENCE").unwrap(), "1");
    assert_eq!(
        ics(
            &app,
            &format!("/api/v1/group-visits/{}/agenda.ics", Uuid::now_v7()),
            None
        )
        .await
        .0,
        404
    );
}
both!(agenda_ics_round_trips_with_stable_uids_and_sequences);

/// Issue 17: `agenda.ics` is built once per visit version and kept in the process. A
/// change made through ANOTHER server process on the same database must still show at
/// once (the visit's version, read on every request, is part of the key), and the
/// process that changed nothing keeps answering 304 to the old tag only until then.
async fn a_cached_agenda_follows_changes_made_by_another_process(app: TestApp) {
    let fx = setup(&app).await;
    let v = id(&create(&app, &fx, cern(fx.partnership)).await);
    let first = id(&add_item(
        &app,
        &fx,
        &v,
        item(
            "conference",
            "Forum",
            "2027-03-29T09:00",
            "2027-03-29T12:00",
            "CICG",
        ),
    )
    .await);
    publish(&app, &fx, &v).await;
    let path = format!("/api/v1/group-visits/{v}/agenda.ics");
    let before = app.get(&path, None).await;
    assert_eq!(before.status, 200);
    assert_eq!(app.get(&path, None).await.text, before.text, "served again");
    let tag = before.headers["etag"].to_str().unwrap().to_owned();
    let peer = app.spawn_peer(|_| {}).await;
    let added = app
        .send(
            app.client
                .post(format!(
                    "{}/api/v1/group-visits/{v}/agenda-items",
                    peer.base
                ))
                .bearer_auth(&fx.organiser)
                .json(&item(
                    "networking",
                    "Dinner",
                    "2027-03-28T19:00",
                    "2027-03-28T22:00",
                    "Restaurant 1",
                )),
        )
        .await;
    assert_eq!(added.status, 201, "{}", added.text);
    let dinner = id(&added.body);
    let after = app
        .req(Method::GET, &path, None, None, &[("if-none-match", &tag)])
        .await;
    assert_eq!(after.status, 200, "the old copy is no longer current");
    assert_eq!(parse(&after.text).uids(), [uid(&dinner), uid(&first)]);
}
both!(a_cached_agenda_follows_changes_made_by_another_process);
