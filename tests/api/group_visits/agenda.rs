//! A three-day agenda through publication and changes: versions, changelog and who
//! is emailed (with the updated calendar attached).

use reqwest::Method;
use serde_json::{Value, json};

use crate::{both, group_visits::fixtures::*, helpers::TestApp};

async fn three_day_agenda_is_versioned_and_only_affected_participants_are_told(app: TestApp) {
    let fx = setup(&app).await;
    let visit = create(
        &app,
        &fx,
        with(cern(fx.partnership), json!({"capacity": 2})),
    )
    .await;
    let v = id(&visit);
    let day1 = [
        item(
            "transfer",
            "Airport transfer",
            "2027-03-27T09:00",
            "2027-03-27T10:00",
            "Geneva Airport",
        ),
        item(
            "facility_visit",
            "Welcome and CERN overview",
            "2027-03-27T10:00",
            "2027-03-27T11:30",
            "CERN Globe",
        ),
        item(
            "facility_visit",
            "SM18 magnet test facility",
            "2027-03-27T13:00",
            "2027-03-27T15:00",
            "SM18",
        ),
        item(
            "networking",
            "Welcome dinner",
            "2027-03-27T19:00",
            "2027-03-27T22:00",
            "Restaurant 1",
        ),
    ];
    let mut ids = Vec::new();
    for it in day1 {
        ids.push(id(&add_item(&app, &fx, &v, it).await));
    }
    let mut workshop = item(
        "workshop",
        "Procurement at CERN",
        "2027-03-28T09:00",
        "2027-03-28T12:00",
        "Council Chamber",
    );
    workshop["capacity"] = json!(5);
    workshop["description"] =
        json!("How CERN buys: tenders, market surveys, supplier registration.");
    let workshop = id(&add_item(&app, &fx, &v, workshop).await);
    let seminar = id(&add_item(
        &app,
        &fx,
        &v,
        item(
            "seminar",
            "Knowledge transfer",
            "2027-03-28T13:00",
            "2027-03-28T14:45",
            "Council Chamber",
        ),
    )
    .await);
    let biotech = add_item(
        &app,
        &fx,
        &v,
        item(
            "stakeholder_visit",
            "Campus Biotech",
            "2027-03-28T15:00",
            "2027-03-28T17:00",
            "Campus Biotech",
        ),
    )
    .await;
    assert_eq!(
        biotech["warnings"][0]["code"], "tight_transfer",
        "{biotech}"
    );
    add_item(
        &app,
        &fx,
        &v,
        item(
            "conference",
            "Big Science Business Forum session",
            "2027-03-29T09:00",
            "2027-03-29T12:00",
            "CICG",
        ),
    )
    .await;
    add_item(
        &app,
        &fx,
        &v,
        item(
            "networking",
            "B2B meetings",
            "2027-03-29T13:00",
            "2027-03-29T16:00",
            "CICG",
        ),
    )
    .await;

    let r = app
        .get(&format!("/api/v1/group-visits/{v}"), Some(&fx.organiser))
        .await;
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
    assert_eq!(
        register(&app, &v, &a, a_org, None).await["status"],
        "confirmed"
    );
    assert_eq!(
        register(&app, &v, &b, b_org, None).await["status"],
        "confirmed"
    );
    assert_eq!(
        register(&app, &v, &c, c_org, None).await["status"],
        "waitlisted"
    );
    assert_eq!(
        register(&app, &v, &b, b_org, Some(&workshop)).await["status"],
        "confirmed"
    );

    let patch = |item_id: String, body: Value| {
        let path = format!("/api/v1/group-visits/{v}/agenda-items/{item_id}");
        let token = fx.organiser.clone();
        let app = &app;
        async move {
            app.req(Method::PATCH, &path, Some(&token), Some(body), &[])
                .await
        }
    };
    // 1: an item everyone attends moves.
    let r = patch(
        ids[2].clone(),
        json!({"starts_at": "2027-03-27T13:30", "ends_at": "2027-03-27T15:30"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["sequence"], 1);
    // 2: the limited workshop moves: only its participant is concerned.
    let r = patch(workshop.clone(), json!({"starts_at": "2027-03-28T09:30"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["ends_at"], "2027-03-28T12:00");
    // 3: the dinner is dropped.
    cancel_item(&app, &fx, &v, &ids[3]).await;
    // 4: an item is added; 5: a title changes.
    add_item(
        &app,
        &fx,
        &v,
        item(
            "networking",
            "Closing remarks",
            "2027-03-29T16:00",
            "2027-03-29T16:30",
            "CICG",
        ),
    )
    .await;
    assert_eq!(
        patch(
            seminar.clone(),
            json!({"title": "Knowledge and technology transfer"})
        )
        .await
        .status,
        200
    );
    // A change that changes nothing freezes no version.
    assert_eq!(
        patch(seminar.clone(), json!({"venue": "Council Chamber"}))
            .await
            .status,
        200
    );

    let r = app.get(&format!("/api/v1/group-visits/{v}"), None).await;
    assert_eq!(r["agenda_version"], 6);
    assert_eq!(r["agenda"].as_array().unwrap().len(), 9);
    let versions = app
        .get(&format!("/api/v1/group-visits/{v}/agenda-versions"), None)
        .await;
    let versions = versions.body.as_array().unwrap().clone();
    assert_eq!(versions.len(), 6);
    assert_eq!(versions[0]["number"], 1);
    assert_eq!(versions[0]["items"].as_array().unwrap().len(), 9);
    assert_eq!(
        versions[0]["changelog"],
        json!({"added": [], "moved": [], "removed": [], "changed": []})
    );
    assert_eq!(
        versions[1]["changelog"]["moved"],
        json!([{"id": ids[2], "title": "SM18 magnet test facility"}])
    );
    assert_eq!(
        versions[2]["changelog"]["moved"][0]["id"],
        workshop.as_str()
    );
    assert_eq!(
        versions[3]["changelog"]["removed"],
        json!([{"id": ids[3], "title": "Welcome dinner"}])
    );
    assert_eq!(versions[3]["items"].as_array().unwrap().len(), 8);
    assert_eq!(
        versions[4]["changelog"]["added"][0]["title"],
        "Closing remarks"
    );
    assert_eq!(
        versions[5]["changelog"]["changed"][0]["title"],
        "Knowledge and technology transfer"
    );

    // Whole-visit participants hear about every change of their agenda (not the limited
    // workshop they have no place on); the workshop participant about that too; the
    // waiting list about nothing.
    assert_eq!(mails(&app, "ana@litek.lt", "agenda_changed").await.len(), 4);
    assert_eq!(
        mails(&app, "bo@bigscience.dk", "agenda_changed")
            .await
            .len(),
        5
    );
    assert_eq!(
        mails(&app, "carla@ineustar.es", "agenda_changed")
            .await
            .len(),
        0
    );
    let first_to_ana = mails(&app, "ana@litek.lt", "agenda_changed")
        .await
        .pop()
        .unwrap();
    let att = &first_to_ana.attachments[0];
    assert_eq!(att.filename, "agenda.ics");
    assert_eq!(att.content_type, "text/calendar");
    let ics = att.content.as_str();
    assert!(
        ics.contains(&format!("UID:{}@clusterxchange", ids[2])),
        "{ics}"
    );
    assert!(ics.contains("SEQUENCE:1"), "{ics}");
    assert!(
        !ics.contains(&format!("UID:{workshop}@clusterxchange")),
        "Ana has no place on the workshop"
    );
    let to_bo = mails(&app, "bo@bigscience.dk", "agenda_changed").await;
    assert!(to_bo.iter().all(|m| {
        m.attachments[0]
            .content
            .contains(&format!("UID:{workshop}@clusterxchange"))
    }));

    // And the mail really went out over SMTP with the calendar attached.
    let got = delivered(&app, "ana@litek.lt", "agenda_changed").await;
    assert!(got.data.contains("agenda.ics"), "{}", got.data);
    assert!(got.data.to_ascii_lowercase().contains("text/calendar"));
    delivered(&app, "bo@bigscience.dk", "agenda_changed").await;
    assert!(
        app.smtp
            .received()
            .iter()
            .all(|m| !m.to.contains(&"carla@ineustar.es".to_owned())
                || !m.data.contains("agenda.ics"))
    );
}
both!(three_day_agenda_is_versioned_and_only_affected_participants_are_told);
