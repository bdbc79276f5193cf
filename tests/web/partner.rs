//! The partner's group-visit pages (issue 16) at the HTML level: creating a visit, the
//! agenda day by day in the visit's zone with the API's clash refusal and travel-buffer
//! warning inline, a change made meanwhile refused, publishing, the versions with what
//! changed, registrations and the waiting list, cancelling.
use reqwest::StatusCode;

use crate::{
    both,
    client::Browser,
    helpers::TestApp,
    visit_fixtures::{participant, register, setup},
};

async fn partner_builds_publishes_and_cancels_a_visit(app: TestApp) {
    let fx = setup(&app).await;
    let mut p = Browser::with_session(&app, &fx.organiser);
    let list = p.get("/manage/visits").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.html);
    assert!(list.has("Create a group visit"), "{}", list.html);
    let partnership = fx.partnership.to_string();
    let mut visit = vec![
        ("partnership_id", partnership.as_str()),
        ("title", "BIGINN 360ºXchange: CERN"),
        ("description", "Three days at CERN."),
        ("host_country", "CH"),
        ("city", "Geneva"),
        ("timezone", "Mars/Olympus"),
        ("starts_on", "2027-03-27"),
        ("ends_on", "2027-03-29"),
        ("capacity", "1"),
        ("registration_closes_at", "2027-03-20"),
    ];
    // An unknown time zone: the API's message next to the field.
    let r = p.post("/manage/visits", &visit).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert!(r.has("id=\"f-timezone-error\""), "{}", r.html);
    visit.retain(|(k, _)| *k != "timezone");
    visit.push(("timezone", "Europe/Zurich"));
    let r = p.post("/manage/visits", &visit).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let builder = r.location().to_owned();
    let id = builder.trim_start_matches("/manage/visits/").to_owned();
    let page = p.get(&builder).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(
        page.has("27 March 2027") && page.has("29 March 2027"),
        "one section a day"
    );
    assert!(page.has("Europe/Zurich"));

    let add = |title: &'static str, start: &'static str, end: &'static str, venue: &'static str| {
        vec![
            ("kind", "facility_visit"),
            ("title", title),
            ("day", "2027-03-28"),
            ("starts_at", start),
            ("ends_at", end),
            ("venue", venue),
        ]
    };
    let v1 = page.hidden("version");
    let with_version = |f: Vec<(&'static str, &'static str)>| {
        let mut f: Vec<(&str, &str)> = f;
        f.push(("version", v1.as_str()));
        f
    };
    let r = p
        .post(
            &format!("/manage/visits/{id}/items"),
            &with_version(add("SM18 magnet tests", "13:00", "14:45", "SM18")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    // The same form again carries the old version: refused and reported.
    let r = p
        .post(
            &format!("/manage/visits/{id}/items"),
            &with_version(add("Council", "08:00", "09:00", "Council Chamber")),
        )
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.html);
    assert!(r.has("Someone changed this visit"), "{}", r.html);
    // A clash at the same venue: the API's refusal, shown with the form.
    let r = p
        .post(
            &format!("/manage/visits/{id}/items"),
            &add("Overlap", "14:00", "15:00", "SM18"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.html);
    assert!(r.has("error-summary"));
    // Too little time to get to the next venue: added, with the warning inline.
    let r = p
        .post(
            &format!("/manage/visits/{id}/items"),
            &add("Campus Biotech", "15:00", "17:00", "Campus Biotech"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let page = p.get(&builder).await;
    assert!(
        page.has("class=\"warning\"") && page.has("Warning"),
        "{}",
        page.html
    );
    assert!(
        page.has("13:00–14:45") && page.has("15:00–17:00"),
        "local times: {}",
        page.html
    );
    let _ = page;

    // Publish: version 1, registration opens.
    let r = p.post(&format!("/manage/visits/{id}/publish"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let page = p.get(&builder).await;
    assert!(
        page.has("Version 1") && page.has("Published"),
        "{}",
        page.html
    );
    // Two registrations for one place: one confirmed, one on the waiting list.
    let (_, t1, o1) = participant(&app, "first@cluster.lt").await;
    let (_, t2, o2) = participant(&app, "second@cluster.lt").await;
    assert_eq!(register(&app, &id, &t1, o1, None).await.status, 201);
    assert_eq!(register(&app, &id, &t2, o2, None).await.status, 201);
    let page = p.get(&builder).await;
    assert!(
        page.has("first@cluster.lt") && page.has("second@cluster.lt"),
        "{}",
        page.html
    );
    assert!(
        // Adding an item emails the one confirmed participant, not the waiting list.
        page.has("Waiting list") && page.has("registered now: 1"),
        "{}",
        page.html
    );
    // A change after publication is a new version, with what changed.
    let r = p
        .post(
            &format!("/manage/visits/{id}/items"),
            &add("Farewell", "18:00", "19:00", "Restaurant 1"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let page = p.get(&builder).await;
    assert!(
        page.has("Version 2") && page.has("Added: Farewell"),
        "{}",
        page.html
    );

    // Cancelling tells everyone registered.
    let r = p
        .post(
            &format!("/manage/visits/{id}/cancel"),
            &[("comment", "The facility is closed.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    let page = p.get(&builder).await;
    assert!(page.has("Cancelled"), "{}", page.html);
    assert!(!page.has("Add to the agenda"));

    // Someone without the partnership cannot build it.
    let (_, stranger, _) = participant(&app, "stranger@cluster.lt").await;
    let mut s = Browser::with_session(&app, &stranger);
    s.get("/manage/visits").await;
    let r = s.post("/manage/visits", &visit).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.html);
}
both!(partner_builds_publishes_and_cancels_a_visit);
