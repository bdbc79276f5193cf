//! The caller's own calendar: confirmed visit items and exchanges.

use chrono::Utc;
use cxc_persistence::{
    Stored,
    entities::applications,
    sea_orm::{ActiveModelTrait, Set},
};
use serde_json::json;
use uuid::Uuid;

use crate::{
    both,
    group_visits::calendar::{ics, parse, uid},
    group_visits::fixtures::*,
    helpers::TestApp,
};

async fn exchange(
    app: &TestApp,
    applicant: Uuid,
    host: Uuid,
    status: &str,
    start: &str,
    end: &str,
) -> Uuid {
    let now = Utc::now();
    let id = Uuid::now_v7();
    applications::ActiveModel {
        id: Set(id),
        call_id: Set(Uuid::now_v7()),
        partnership_id: Set(Uuid::now_v7()),
        host_partnership_id: Set(Uuid::now_v7()),
        applicant_id: Set(applicant),
        organisation_id: Set(Uuid::now_v7()),
        host_organisation_id: Set(host),
        visitor_country: Set("LT".into()),
        host_country: Set("DK".into()),
        participant: Set(Stored::default()),
        start_date: Set(start.parse().unwrap()),
        end_date: Set(end.parse().unwrap()),
        travel_days: Set(Stored::default()),
        objectives: Set("Learn".into()),
        activities: Set(Stored::default()),
        sectors: Set(Stored::default()),
        primary_sector: Set(None),
        status: Set(status.parse().unwrap()),
        host_response: Set("accepted".parse().unwrap()),
        grant_cents: Set(None),
        working_days: Set(None),
        distance_km: Set(None),
        eligibility: Set(None),
        submitted_at: Set(None),
        decided_at: Set(None),
        validated_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(3),
        anonymised_at: Set(None),
    }
    .insert(&app.store.db().conn)
    .await
    .unwrap();
    id
}

async fn my_calendar_has_my_items_and_exchanges(app: TestApp) {
    let fx = setup(&app).await;
    let (me, token, org) = participant(&app, "ana@litek.lt").await;
    let (_, other, other_org) = participant(&app, "bo@bigscience.dk").await;

    let cern_v = id(&create(&app, &fx, cern(fx.partnership)).await);
    let (tour, mine) = tour_and_workshop(&app, &fx, &cern_v).await;
    let mut theirs = item(
        "workshop",
        "Cryogenics",
        "2027-03-28T09:00",
        "2027-03-28T11:00",
        "Building 40",
    );
    theirs["capacity"] = json!(10);
    let theirs = id(&add_item(&app, &fx, &cern_v, theirs).await);
    publish(&app, &fx, &cern_v).await;
    assert_eq!(
        register(&app, &cern_v, &token, org, None).await["status"],
        "confirmed"
    );
    assert_eq!(
        register(&app, &cern_v, &token, org, Some(&mine)).await["status"],
        "confirmed"
    );

    let ess = with(
        cern(fx.partnership),
        json!({"title": "BIGINN 360ºXchange: ESS", "host_country": "SE", "city": "Lund", "timezone": "Europe/Stockholm", "starts_on": "2027-05-10", "ends_on": "2027-05-12", "registration_closes_at": "2027-05-01T12:00:00Z", "capacity": 1}),
    );
    let ess_v = id(&create(&app, &fx, ess.clone()).await);
    let linac = id(&add_item(
        &app,
        &fx,
        &ess_v,
        item(
            "facility_visit",
            "ESS linac",
            "2027-05-10T10:00",
            "2027-05-10T12:00",
            "ESS",
        ),
    )
    .await);
    publish(&app, &fx, &ess_v).await;
    assert_eq!(
        register(&app, &ess_v, &token, org, None).await["status"],
        "confirmed"
    );

    // A visit Ana is only waiting for stays out of her calendar.
    let full = id(&create(
        &app,
        &fx,
        with(
            ess,
            json!({"title": "Full visit", "starts_on": "2027-05-13", "ends_on": "2027-05-13"}),
        ),
    )
    .await);
    let waiting = id(&add_item(
        &app,
        &fx,
        &full,
        item(
            "seminar",
            "Full seminar",
            "2027-05-13T10:00",
            "2027-05-13T11:00",
            "Lund",
        ),
    )
    .await);
    publish(&app, &fx, &full).await;
    assert_eq!(
        register(&app, &full, &other, other_org, None).await["status"],
        "confirmed"
    );
    assert_eq!(
        register(&app, &full, &token, org, None).await["status"],
        "waitlisted"
    );

    let host = app
        .store
        .create_organisation(
            &org_input(
                "DTU Space",
                "DK",
                cxc_domain::organisation::Profile::ClusterOrganisation,
            ),
            me,
        )
        .await
        .unwrap();
    let approved = exchange(&app, me, host.id, "approved", "2027-06-07", "2027-06-11").await;
    let draft = exchange(&app, me, host.id, "draft", "2027-07-05", "2027-07-09").await;

    let (status, text) = ics(&app, "/api/v1/me/calendar.ics", Some(&token)).await;
    assert_eq!(status, 200);
    let cal = parse(&text);
    let mut zones = cal.zones.clone();
    zones.sort();
    assert_eq!(zones, ["Europe/Stockholm", "Europe/Zurich"]);
    let uids = cal.uids();
    for expected in [
        uid(&tour),
        uid(&mine),
        uid(&linac),
        uid(&approved.to_string()),
    ] {
        assert!(uids.contains(&expected), "{expected} missing from {uids:?}");
    }
    for absent in [uid(&theirs), uid(&waiting), uid(&draft.to_string())] {
        assert!(
            !uids.contains(&absent),
            "{absent} should not be in {uids:?}"
        );
    }
    assert_eq!(
        cal.param(&uid(&linac), "DTSTART", "TZID").unwrap(),
        "Europe/Stockholm"
    );
    let exchange_uid = uid(&approved.to_string());
    assert_eq!(cal.prop(&exchange_uid, "DTSTART").unwrap(), "20270607");
    assert_eq!(
        cal.param(&exchange_uid, "DTSTART", "VALUE").unwrap(),
        "DATE"
    );
    assert_eq!(
        cal.prop(&exchange_uid, "DTEND").unwrap(),
        "20270612",
        "DTEND of a date is exclusive"
    );
    assert!(
        cal.prop(&exchange_uid, "SUMMARY")
            .unwrap()
            .contains("DTU Space")
    );

    let (_, theirs_text) = ics(&app, "/api/v1/me/calendar.ics", Some(&other)).await;
    assert!(!parse(&theirs_text).uids().contains(&exchange_uid));
    assert_eq!(app.get("/api/v1/me/calendar.ics", None).await.status, 401);
}
both!(my_calendar_has_my_items_and_exchanges);
