//! Group visits: lifecycle (create, visibility, list filters, publish), validation
//! and the demo seed.

pub mod activities;
pub mod activity_removal;
pub mod agenda;
pub mod agenda_rules;
pub mod audience;
pub mod calendar;
pub mod feeds;
pub mod fixtures;
pub mod my_calendar;
pub mod registrations;

use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use crate::{both, group_visits::fixtures::*, helpers::TestApp};

async fn lifecycle_visibility_and_filters(app: TestApp) {
    let fx = setup(&app).await;
    let (_, stranger) = quick_user(&app, "stranger@x.eu").await;

    let r = app
        .post(
            "/api/v1/group-visits",
            Some(&stranger),
            cern(fx.partnership),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = app
        .post("/api/v1/group-visits", None, cern(fx.partnership))
        .await;
    assert_eq!(r.status, 401);

    let r = app
        .post(
            "/api/v1/group-visits",
            Some(&fx.organiser),
            cern(fx.partnership),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.etag(), "\"1\"");
    assert_eq!(r["status"], "draft");
    assert_eq!(r["agenda_version"], 0);
    assert_eq!(r["places_left"], 20);
    assert_eq!(r["registration_open"], false);
    let id = r["id"].as_str().unwrap().to_owned();

    // A draft is invisible to everyone but its organisers.
    let listed = app.get("/api/v1/group-visits", Some(&stranger)).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    assert_eq!(listed["items"], json!([]));
    assert_eq!(
        app.get(&format!("/api/v1/group-visits/{id}"), None)
            .await
            .status,
        404
    );
    assert_eq!(
        app.get(&format!("/api/v1/group-visits/{id}"), Some(&stranger))
            .await
            .status,
        404
    );
    assert_eq!(
        app.get(&format!("/api/v1/group-visits/{id}"), Some(&fx.organiser))
            .await
            .status,
        200
    );
    assert_eq!(
        app.get("/api/v1/group-visits", None).await["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );
    assert_eq!(
        app.get("/api/v1/group-visits", Some(&fx.organiser)).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let r = app
        .post(
            &format!("/api/v1/group-visits/{id}/publish"),
            Some(&stranger),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 404);

    let ess = with(
        cern(fx.partnership),
        json!({"title": "BIGINN 360ºXchange: ESS", "host_country": "SE", "city": "Lund", "timezone": "Europe/Stockholm", "starts_on": "2027-05-10", "ends_on": "2027-05-12", "registration_closes_at": "2027-05-01T12:00:00Z"}),
    );
    let ess = create(&app, &fx, ess).await;
    let ess_id = ess["id"].as_str().unwrap().to_owned();

    let r = app
        .req(
            Method::POST,
            &format!("/api/v1/group-visits/{id}/publish"),
            Some(&fx.organiser),
            None,
            &[("if-match", "\"7\"")],
        )
        .await;
    assert_eq!(r.status, 412, "{}", r.text);
    let published = publish(&app, &fx, &id).await;
    assert_eq!(published["status"], "published");
    assert_eq!(published["agenda_version"], 1);
    assert_eq!(published["registration_open"], true);
    publish(&app, &fx, &ess_id).await;
    let r = app
        .post(
            &format!("/api/v1/group-visits/{id}/publish"),
            Some(&fx.organiser),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r["code"], "not_draft");

    let r = app.get(&format!("/api/v1/group-visits/{id}"), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.etag(), format!("\"{}\"", r["version"]));
    assert_eq!(r["timezone"], "Europe/Zurich");

    let titles = |r: &crate::helpers::Resp| -> Vec<String> {
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["city"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        titles(&app.get("/api/v1/group-visits", None).await),
        ["Lund", "Geneva"]
    );
    assert_eq!(
        titles(&app.get("/api/v1/group-visits?host_country=ch", None).await),
        ["Geneva"]
    );
    assert_eq!(
        titles(
            &app.get("/api/v1/group-visits?from=2027-03-29&to=2027-04-30", None)
                .await
        ),
        ["Geneva"]
    );
    assert_eq!(
        titles(&app.get("/api/v1/group-visits?from=2027-03-30", None).await),
        ["Lund"]
    );
    assert_eq!(
        titles(&app.get("/api/v1/group-visits?to=2027-03-26", None).await),
        Vec::<String>::new()
    );
    let page = app.get("/api/v1/group-visits?limit=1", None).await;
    assert_eq!(titles(&page), ["Lund"]);
    let next = page["next_cursor"].as_str().unwrap();
    assert_eq!(
        titles(
            &app.get(&format!("/api/v1/group-visits?limit=1&cursor={next}"), None)
                .await
        ),
        ["Geneva"]
    );
    assert_eq!(
        app.get("/api/v1/group-visits?from=yesterday", None)
            .await
            .status,
        422
    );
    assert_eq!(
        app.get("/api/v1/group-visits?limit=0", None).await.status,
        422
    );
}
both!(lifecycle_visibility_and_filters);

async fn invalid_visits_are_422_and_idempotent_creation(app: TestApp) {
    let fx = setup(&app).await;
    let bad = with(
        cern(fx.partnership),
        json!({"timezone": "Europe/Atlantis", "host_country": "XX", "starts_on": "2027-03-29", "ends_on": "2027-03-27", "capacity": 0, "title": " "}),
    );
    let r = app
        .post("/api/v1/group-visits", Some(&fx.organiser), bad)
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    let codes: Vec<&str> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    for code in [
        "unknown_time_zone",
        "invalid_country",
        "ends_before_starts",
        "out_of_range",
        "invalid_length",
    ] {
        assert!(codes.contains(&code), "{code} missing in {codes:?}");
    }
    let r = app
        .post(
            "/api/v1/group-visits",
            Some(&fx.organiser),
            with(cern(fx.partnership), json!({"starts_on": "2027-02-30"})),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r["errors"][0]["field"], "starts_on");
    let r = app
        .post(
            "/api/v1/group-visits",
            Some(&fx.admin),
            cern(Uuid::now_v7()),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r["errors"][0]["code"], "unknown_partnership");

    let send = || {
        app.req(
            Method::POST,
            "/api/v1/group-visits",
            Some(&fx.organiser),
            Some(cern(fx.partnership)),
            &[("idempotency-key", "visit-1")],
        )
    };
    let (a, b) = (send().await, send().await);
    assert_eq!((a.status.as_u16(), b.status.as_u16()), (201, 201));
    assert_eq!(a["id"], b["id"]);
    assert_eq!(b.headers["idempotent-replayed"], "true");
    let list = app.get("/api/v1/group-visits", Some(&fx.organiser)).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}
both!(invalid_visits_are_422_and_idempotent_creation);

async fn demo_visits_are_seeded_once(app: TestApp) {
    let fx = setup(&app).await;
    assert_eq!(
        cxc_server::seed_visits::biginn(&app.store).await.unwrap(),
        Some((fx.partnership, fx.organiser_id))
    );
    cxc_server::seed_visits::visits(&app.store, fx.partnership, fx.organiser_id)
        .await
        .unwrap();
    cxc_server::seed_visits::visits(&app.store, fx.partnership, fx.organiser_id)
        .await
        .unwrap();
    let list = app.get("/api/v1/group-visits", None).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "seeding twice creates nothing new");
    for v in items {
        assert_eq!(v["status"], "published");
        let full = app
            .get(
                &format!("/api/v1/group-visits/{}", v["id"].as_str().unwrap()),
                None,
            )
            .await;
        let kinds: std::collections::HashSet<&str> = full["agenda"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["kind"].as_str().unwrap())
            .collect();
        assert_eq!(kinds.len(), 7, "every kind of building block: {kinds:?}");
        assert_eq!(full["warnings"], json!([]), "{}", full["warnings"]);
        let days: std::collections::HashSet<&str> = full["agenda"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| &i["starts_at"].as_str().unwrap()[..10])
            .collect();
        assert_eq!(days.len(), 3);
    }
}
both!(demo_visits_are_seeded_once);

async fn patching_a_visit_needs_if_match_and_more_places_promote(app: TestApp) {
    let fx = setup(&app).await;
    let v = open_visit(&app, &fx, 1).await;
    let path = format!("/api/v1/group-visits/{v}");
    let (_, a, a_org) = participant(&app, "ana@litek.lt").await;
    let (_, b, b_org) = participant(&app, "bo@bigscience.dk").await;
    register(&app, &v, &a, a_org, None).await;
    let waiting = register(&app, &v, &b, b_org, None).await;
    assert_eq!(waiting["status"], "waitlisted");
    let etag = app.get(&path, None).await.etag();

    let patch = |body: serde_json::Value, if_match: Option<String>| {
        let (app, path, token) = (&app, path.clone(), fx.organiser.clone());
        async move {
            let headers: Vec<(&str, &str)> = if_match
                .as_deref()
                .map(|m| vec![("if-match", m)])
                .unwrap_or_default();
            app.req(Method::PATCH, &path, Some(&token), Some(body), &headers)
                .await
        }
    };
    assert_eq!(patch(json!({"capacity": 2}), None).await.status, 428);
    assert_eq!(
        patch(json!({"capacity": 2}), Some("\"1\"".into()))
            .await
            .status,
        412
    );
    let r = patch(json!({"capacity": 0}), Some(etag.clone())).await;
    assert_eq!(r.status, 422);
    let r = patch(json!({"starts_on": "2027-04-01"}), Some(etag.clone())).await;
    assert_eq!(r.status, 422, "dates are fixed: {}", r.text);

    let r = patch(
        json!({"capacity": 2, "title": "BIGINN at CERN"}),
        Some(etag.clone()),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["title"], "BIGINN at CERN");
    assert_eq!(
        (
            r["confirmed_count"].as_i64(),
            r["waitlisted_count"].as_i64()
        ),
        (Some(2), Some(0))
    );
    assert_ne!(r.etag(), etag);
    delivered(&app, "bo@bigscience.dk", "visit_registration_promoted").await;
    let r = patch(json!({"capacity": 1}), Some(r.etag())).await;
    assert_eq!(r.status, 409);
    assert_eq!(r["code"], "capacity_below_confirmed");
}
both!(patching_a_visit_needs_if_match_and_more_places_promote);
