//! Agenda items: a three-day programme through publication and changes (versions,
//! changelog, who is emailed), DST-aware local times, conflicts and races.
use futures::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    both,
    group_visits::{add_item, cern, create, delivered, item, mails, participant, publish, register, setup, with},
    helpers::TestApp,
};

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn three_day_agenda_is_versioned_and_only_affected_participants_are_told(app: TestApp) {
    let fx = setup(&app).await;
    let visit = create(&app, &fx, with(cern(fx.partnership), json!({"capacity": 2}))).await;
    let v = id(&visit);
    let day1 = [
        item("transfer", "Airport transfer", "2027-03-27T09:00", "2027-03-27T10:00", "Geneva Airport"),
        item("facility_visit", "Welcome and CERN overview", "2027-03-27T10:00", "2027-03-27T11:30", "CERN Globe"),
        item("facility_visit", "SM18 magnet test facility", "2027-03-27T13:00", "2027-03-27T15:00", "SM18"),
        item("networking", "Welcome dinner", "2027-03-27T19:00", "2027-03-27T22:00", "Restaurant 1"),
    ];
    let mut ids = Vec::new();
    for it in day1 {
        ids.push(id(&add_item(&app, &fx, &v, it).await));
    }
    let mut workshop = item("workshop", "Procurement at CERN", "2027-03-28T09:00", "2027-03-28T12:00", "Council Chamber");
    workshop["capacity"] = json!(5);
    workshop["description"] = json!("How CERN buys: tenders, market surveys, supplier registration.");
    let workshop = id(&add_item(&app, &fx, &v, workshop).await);
    let seminar = id(&add_item(&app, &fx, &v, item("seminar", "Knowledge transfer", "2027-03-28T13:00", "2027-03-28T14:45", "Council Chamber")).await);
    let biotech = add_item(&app, &fx, &v, item("stakeholder_visit", "Campus Biotech", "2027-03-28T15:00", "2027-03-28T17:00", "Campus Biotech")).await;
    assert_eq!(biotech["warnings"][0]["code"], "tight_transfer", "{biotech}");
    add_item(&app, &fx, &v, item("conference", "Big Science Business Forum session", "2027-03-29T09:00", "2027-03-29T12:00", "CICG")).await;
    add_item(&app, &fx, &v, item("networking", "B2B meetings", "2027-03-29T13:00", "2027-03-29T16:00", "CICG")).await;

    let r = app.get(&format!("/api/v1/group-visits/{v}"), Some(&fx.organiser)).await;
    assert_eq!(r["agenda"].as_array().unwrap().len(), 9);
    assert_eq!(r["agenda"][0]["starts_at"], "2027-03-27T09:00");
    assert_eq!(r["agenda"][0]["starts_at_utc"], "2027-03-27T08:00:00Z");
    // Day 2 is the DST change: 09:00 is already summer time (UTC+2).
    assert_eq!(r["agenda"][4]["starts_at_utc"], "2027-03-28T07:00:00Z");
    let warnings = r["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0]["item_ids"], json!([seminar, id(&biotech)]));
    publish(&app, &fx, &v).await;

    let (_, a, a_org) = participant(&app, "ana@litek.lt").await;
    let (_, b, b_org) = participant(&app, "bo@bigscience.dk").await;
    let (_, c, c_org) = participant(&app, "carla@ineustar.es").await;
    assert_eq!(register(&app, &v, &a, a_org, None).await["status"], "confirmed");
    assert_eq!(register(&app, &v, &b, b_org, None).await["status"], "confirmed");
    assert_eq!(register(&app, &v, &c, c_org, None).await["status"], "waitlisted");
    assert_eq!(register(&app, &v, &b, b_org, Some(&workshop)).await["status"], "confirmed");

    let patch = |item_id: String, body: Value| {
        let path = format!("/api/v1/group-visits/{v}/agenda-items/{item_id}");
        let token = fx.organiser.clone();
        let app = &app;
        async move { app.req(Method::PATCH, &path, Some(&token), Some(body), &[]).await }
    };
    // 1: an item everyone attends moves.
    let r = patch(ids[2].clone(), json!({"starts_at": "2027-03-27T13:30", "ends_at": "2027-03-27T15:30"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["sequence"], 1);
    // 2: the limited workshop moves: only its participant is concerned.
    let r = patch(workshop.clone(), json!({"starts_at": "2027-03-28T09:30"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["ends_at"], "2027-03-28T12:00");
    // 3: the dinner is dropped.
    let r = app.req(Method::DELETE, &format!("/api/v1/group-visits/{v}/agenda-items/{}", ids[3]), Some(&fx.organiser), None, &[]).await;
    assert_eq!(r.status, 204, "{}", r.text);
    // 4: an item is added; 5: a title changes.
    add_item(&app, &fx, &v, item("networking", "Closing remarks", "2027-03-29T16:00", "2027-03-29T16:30", "CICG")).await;
    assert_eq!(patch(seminar.clone(), json!({"title": "Knowledge and technology transfer"})).await.status, 200);
    // A change that changes nothing freezes no version.
    assert_eq!(patch(seminar.clone(), json!({"venue": "Council Chamber"})).await.status, 200);

    let r = app.get(&format!("/api/v1/group-visits/{v}"), None).await;
    assert_eq!(r["agenda_version"], 6);
    assert_eq!(r["agenda"].as_array().unwrap().len(), 9);
    let versions = app.get(&format!("/api/v1/group-visits/{v}/agenda-versions"), None).await;
    let versions = versions.body.as_array().unwrap().clone();
    assert_eq!(versions.len(), 6);
    assert_eq!(versions[0]["number"], 1);
    assert_eq!(versions[0]["items"].as_array().unwrap().len(), 9);
    assert_eq!(versions[0]["changelog"], json!({"added": [], "moved": [], "removed": [], "changed": []}));
    assert_eq!(versions[1]["changelog"]["moved"], json!([{"id": ids[2], "title": "SM18 magnet test facility"}]));
    assert_eq!(versions[2]["changelog"]["moved"][0]["id"], workshop.as_str());
    assert_eq!(versions[3]["changelog"]["removed"], json!([{"id": ids[3], "title": "Welcome dinner"}]));
    assert_eq!(versions[3]["items"].as_array().unwrap().len(), 8);
    assert_eq!(versions[4]["changelog"]["added"][0]["title"], "Closing remarks");
    assert_eq!(versions[5]["changelog"]["changed"][0]["title"], "Knowledge and technology transfer");

    // Whole-visit participants hear about every change of their agenda (not the limited
    // workshop they have no place on); the workshop participant about that too; the
    // waiting list about nothing.
    assert_eq!(mails(&app, "ana@litek.lt", "agenda_changed").await.len(), 4);
    assert_eq!(mails(&app, "bo@bigscience.dk", "agenda_changed").await.len(), 5);
    assert_eq!(mails(&app, "carla@ineustar.es", "agenda_changed").await.len(), 0);
    let first_to_ana = mails(&app, "ana@litek.lt", "agenda_changed").await.pop().unwrap();
    let att = &first_to_ana.attachments[0];
    assert_eq!(att["filename"], "agenda.ics");
    assert_eq!(att["content_type"], "text/calendar");
    let ics = att["content"].as_str().unwrap();
    assert!(ics.contains(&format!("UID:{}@clusterxchange", ids[2])), "{ics}");
    assert!(ics.contains("SEQUENCE:1"), "{ics}");
    assert!(!ics.contains(&format!("UID:{workshop}@clusterxchange")), "Ana has no place on the workshop");
    let to_bo = mails(&app, "bo@bigscience.dk", "agenda_changed").await;
    assert!(to_bo.iter().all(|m| m.attachments[0]["content"].as_str().unwrap().contains(&format!("UID:{workshop}@clusterxchange"))));

    // And the mail really went out over SMTP with the calendar attached.
    let got = delivered(&app, "ana@litek.lt", "agenda_changed").await;
    assert!(got.data.contains("agenda.ics"), "{}", got.data);
    assert!(got.data.to_ascii_lowercase().contains("text/calendar"));
    delivered(&app, "bo@bigscience.dk", "agenda_changed").await;
    assert!(app.smtp.received().iter().all(|m| !m.to.contains(&"carla@ineustar.es".to_owned()) || !m.data.contains("agenda.ics")));
}
both!(three_day_agenda_is_versioned_and_only_affected_participants_are_told);

async fn nonexistent_and_ambiguous_local_times_are_422(app: TestApp) {
    let fx = setup(&app).await;
    let v = id(&create(&app, &fx, cern(fx.partnership)).await);
    let path = format!("/api/v1/group-visits/{v}/agenda-items");
    let r = app.post(&path, Some(&fx.organiser), item("workshop", "Night shift", "2027-03-28T02:30", "2027-03-28T04:00", "Control room")).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r["errors"][0]["field"], "starts_at");
    assert_eq!(r["errors"][0]["code"], "nonexistent_local_time");
    let msg = r["errors"][0]["message"].as_str().unwrap();
    assert!(msg.contains("does not exist in Europe/Zurich") && msg.contains("02:00") && msg.contains("03:00"), "{msg}");

    let autumn = with(cern(fx.partnership), json!({"starts_on": "2027-10-30", "ends_on": "2027-11-01", "registration_closes_at": "2027-10-20T12:00:00Z"}));
    let v2 = id(&create(&app, &fx, autumn).await);
    let r = app.post(&format!("/api/v1/group-visits/{v2}/agenda-items"), Some(&fx.organiser), item("workshop", "Early", "2027-10-31T01:00", "2027-10-31T02:30", "Hall")).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r["errors"][0]["field"], "ends_at");
    assert_eq!(r["errors"][0]["code"], "ambiguous_local_time");
    assert!(r["errors"][0]["message"].as_str().unwrap().contains("happens twice"));

    let r = app.post(&path, Some(&fx.organiser), json!({"kind": "lunch", "title": "x", "starts_at": "2027-03-27 09:00", "ends_at": "2027-03-27T10:00Z", "venue": "Hall"})).await;
    assert_eq!(r.status, 422);
    let codes: Vec<&str> = r["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["invalid_kind", "invalid_local_time", "invalid_local_time"]);
    // Nothing was stored.
    let r = app.get(&format!("/api/v1/group-visits/{v}"), Some(&fx.organiser)).await;
    assert_eq!(r["agenda"].as_array().unwrap().len(), 0);
}
both!(nonexistent_and_ambiguous_local_times_are_422);

async fn conflicts_are_409_and_name_the_item(app: TestApp) {
    let fx = setup(&app).await;
    let v = id(&create(&app, &fx, cern(fx.partnership)).await);
    let path = format!("/api/v1/group-visits/{v}/agenda-items");
    let first = id(&add_item(&app, &fx, &v, item("workshop", "Cryogenics", "2027-03-27T09:00", "2027-03-27T11:00", "Building 40")).await);

    let r = app.post(&path, Some(&fx.organiser), item("seminar", "Vacuum", "2027-03-27T10:30", "2027-03-27T12:00", " building 40 ")).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r["code"], "venue_overlap");
    let detail = r["detail"].as_str().unwrap();
    assert!(detail.contains("Cryogenics") && detail.contains(&first), "{detail}");
    // Back to back at the same venue, or at the same time elsewhere, is fine.
    let second = id(&add_item(&app, &fx, &v, item("seminar", "Vacuum", "2027-03-27T11:00", "2027-03-27T12:00", "Building 40")).await);
    add_item(&app, &fx, &v, item("seminar", "Detectors", "2027-03-27T10:30", "2027-03-27T12:00", "Building 4")).await;

    let r = app.post(&path, Some(&fx.organiser), item("networking", "Farewell", "2027-03-30T18:00", "2027-03-30T20:00", "Hall")).await;
    assert_eq!(r.status, 409);
    assert_eq!(r["code"], "outside_visit_dates");
    let r = app.post(&path, Some(&fx.organiser), item("networking", "Eve", "2027-03-26T18:00", "2027-03-27T01:00", "Hall")).await;
    assert_eq!(r["code"], "outside_visit_dates");
    let r = app.post(&path, Some(&fx.organiser), item("networking", "Backwards", "2027-03-27T18:00", "2027-03-27T17:00", "Hall")).await;
    assert_eq!(r.status, 409);
    assert_eq!(r["code"], "ends_before_start");

    let r = app.req(Method::PATCH, &format!("{path}/{second}"), Some(&fx.organiser), Some(json!({"starts_at": "2027-03-27T10:59"})), &[]).await;
    assert_eq!(r.status, 409);
    assert!(r["detail"].as_str().unwrap().contains(&first));
    let r = app.req(Method::PATCH, &format!("{path}/{second}"), Some(&fx.organiser), Some(json!({"venue": "Building 52", "starts_at": "2027-03-27T10:59"})), &[]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["sequence"], 0, "drafts do not bump SEQUENCE");
}
both!(conflicts_are_409_and_name_the_item);

async fn racing_inserts_at_one_venue_cannot_both_succeed(app: TestApp) {
    let fx = setup(&app).await;
    // A draft: nothing else (like the agenda version number) serialises the writers.
    let v = id(&create(&app, &fx, cern(fx.partnership)).await);
    let path = format!("/api/v1/group-visits/{v}/agenda-items");
    let attempts = (0..30).map(|n| {
        let body = item("workshop", &format!("Slot {n}"), "2027-03-27T09:00", "2027-03-27T10:00", "Main Auditorium");
        let (app, path, token) = (&app, path.clone(), fx.organiser.clone());
        async move { app.post(&path, Some(&token), body).await.status.as_u16() }
    });
    let statuses = join_all(attempts).await;
    let created = statuses.iter().filter(|s| **s == 201).count();
    assert_eq!(created, 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
    let r = app.get(&format!("/api/v1/group-visits/{v}"), Some(&fx.organiser)).await;
    assert_eq!(r["agenda"].as_array().unwrap().len(), 1);
}
both!(racing_inserts_at_one_venue_cannot_both_succeed);

async fn only_organisers_edit_and_if_match_guards_the_agenda(app: TestApp) {
    let fx = setup(&app).await;
    let (_, stranger, _) = participant(&app, "stranger@x.eu").await;
    let v = id(&create(&app, &fx, cern(fx.partnership)).await);
    let path = format!("/api/v1/group-visits/{v}/agenda-items");
    let it = item("workshop", "Cryogenics", "2027-03-27T09:00", "2027-03-27T11:00", "Building 40");
    assert_eq!(app.post(&path, Some(&stranger), it.clone()).await.status, 404, "a draft is invisible");
    let etag = publish(&app, &fx, &v).await["version"].to_string();
    assert_eq!(app.post(&path, Some(&stranger), it.clone()).await.status, 403);
    assert_eq!(app.post(&path, None, it.clone()).await.status, 401);

    let stale = app.req(Method::POST, &path, Some(&fx.organiser), Some(it.clone()), &[("if-match", "\"1\"")]).await;
    assert_eq!(stale.status, 412, "{}", stale.text);
    let ok = app.req(Method::POST, &path, Some(&fx.organiser), Some(it), &[("if-match", &format!("\"{etag}\""))]).await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    assert_eq!(ok.etag(), format!("\"{}\"", etag.parse::<i32>().unwrap() + 1));
    let item_id = id(&ok.body);
    let r = app.req(Method::DELETE, &format!("{path}/{item_id}"), Some(&fx.organiser), None, &[("if-match", "\"2\"")]).await;
    assert_eq!(r.status, 412);
    let unknown = app.req(Method::DELETE, &format!("{path}/{}", uuid::Uuid::now_v7()), Some(&fx.organiser), None, &[]).await;
    assert_eq!(unknown.status, 404);

    let r = app.post(&format!("/api/v1/group-visits/{v}/cancel"), Some(&fx.organiser), json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = app.req(Method::PATCH, &format!("{path}/{item_id}"), Some(&fx.organiser), Some(json!({"title": "Late"})), &[]).await;
    assert_eq!(r.status, 409);
    assert_eq!(r["code"], "visit_cancelled");
}
both!(only_organisers_edit_and_if_match_guards_the_agenda);
