//! Agenda rules: DST-aware local times, conflicts (409 naming the item), racing
//! inserts, permissions and If-Match.

use futures::future::join_all;
use reqwest::Method;
use serde_json::json;

use crate::{both, group_visits::fixtures::*, helpers::TestApp};

async fn nonexistent_and_ambiguous_local_times_are_422(app: TestApp) {
    let fx = setup(&app).await;
    let v = id(&create(&app, &fx, cern(fx.partnership)).await);
    let path = format!("/api/v1/group-visits/{v}/agenda-items");
    let r = app
        .post(
            &path,
            Some(&fx.organiser),
            item(
                "workshop",
                "Night shift",
                "2027-03-28T02:30",
                "2027-03-28T04:00",
                "Control room",
            ),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r["errors"][0]["field"], "starts_at");
    assert_eq!(r["errors"][0]["code"], "nonexistent_local_time");
    let msg = r["errors"][0]["message"].as_str().unwrap();
    assert!(
        msg.contains("does not exist in Europe/Zurich")
            && msg.contains("02:00")
            && msg.contains("03:00"),
        "{msg}"
    );

    let autumn = with(
        cern(fx.partnership),
        json!({"starts_on": "2027-10-30", "ends_on": "2027-11-01", "registration_closes_at": "2027-10-20T12:00:00Z"}),
    );
    let v2 = id(&create(&app, &fx, autumn).await);
    let r = app
        .post(
            &format!("/api/v1/group-visits/{v2}/agenda-items"),
            Some(&fx.organiser),
            item(
                "workshop",
                "Early",
                "2027-10-31T01:00",
                "2027-10-31T02:30",
                "Hall",
            ),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r["errors"][0]["field"], "ends_at");
    assert_eq!(r["errors"][0]["code"], "ambiguous_local_time");
    assert!(
        r["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("happens twice")
    );

    let r = app.post(&path, Some(&fx.organiser), json!({"kind": "lunch", "title": "x", "starts_at": "2027-03-27 09:00", "ends_at": "2027-03-27T10:00Z", "venue": "Hall"})).await;
    assert_eq!(r.status, 422);
    let codes: Vec<&str> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["invalid_kind", "invalid_local_time", "invalid_local_time"]
    );
    // Nothing was stored.
    let r = app
        .get(&format!("/api/v1/group-visits/{v}"), Some(&fx.organiser))
        .await;
    assert_eq!(r["agenda"].as_array().unwrap().len(), 0);
}
both!(nonexistent_and_ambiguous_local_times_are_422);

async fn conflicts_are_409_and_name_the_item(app: TestApp) {
    let fx = setup(&app).await;
    let v = id(&create(&app, &fx, cern(fx.partnership)).await);
    let path = format!("/api/v1/group-visits/{v}/agenda-items");
    let first = id(&add_item(
        &app,
        &fx,
        &v,
        item(
            "workshop",
            "Cryogenics",
            "2027-03-27T09:00",
            "2027-03-27T11:00",
            "Building 40",
        ),
    )
    .await);

    let r = app
        .post(
            &path,
            Some(&fx.organiser),
            item(
                "seminar",
                "Vacuum",
                "2027-03-27T10:30",
                "2027-03-27T12:00",
                " building 40 ",
            ),
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r["code"], "venue_overlap");
    let detail = r["detail"].as_str().unwrap();
    assert!(
        detail.contains("Cryogenics") && detail.contains(&first),
        "{detail}"
    );
    // Back to back at the same venue, or at the same time elsewhere, is fine.
    let second = id(&add_item(
        &app,
        &fx,
        &v,
        item(
            "seminar",
            "Vacuum",
            "2027-03-27T11:00",
            "2027-03-27T12:00",
            "Building 40",
        ),
    )
    .await);
    add_item(
        &app,
        &fx,
        &v,
        item(
            "seminar",
            "Detectors",
            "2027-03-27T10:30",
            "2027-03-27T12:00",
            "Building 4",
        ),
    )
    .await;

    let r = app
        .post(
            &path,
            Some(&fx.organiser),
            item(
                "networking",
                "Farewell",
                "2027-03-30T18:00",
                "2027-03-30T20:00",
                "Hall",
            ),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r["code"], "outside_visit_dates");
    let r = app
        .post(
            &path,
            Some(&fx.organiser),
            item(
                "networking",
                "Eve",
                "2027-03-26T18:00",
                "2027-03-27T01:00",
                "Hall",
            ),
        )
        .await;
    assert_eq!(r["code"], "outside_visit_dates");
    let r = app
        .post(
            &path,
            Some(&fx.organiser),
            item(
                "networking",
                "Backwards",
                "2027-03-27T18:00",
                "2027-03-27T17:00",
                "Hall",
            ),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r["code"], "ends_before_start");

    let r = patch_item(
        &app,
        &fx,
        &v,
        &second,
        json!({"starts_at": "2027-03-27T10:59"}),
    )
    .await;
    assert_eq!(r.status, 409);
    assert!(r["detail"].as_str().unwrap().contains(&first));
    let moved = json!({"venue": "Building 52", "starts_at": "2027-03-27T10:59"});
    let r = move_item(&app, &fx, &v, &second, moved).await;
    assert_eq!(r["sequence"], 0, "drafts do not bump SEQUENCE");
}
both!(conflicts_are_409_and_name_the_item);

async fn racing_inserts_at_one_venue_cannot_both_succeed(app: TestApp) {
    let fx = setup(&app).await;
    // A draft: nothing else (like the agenda version number) serialises the writers.
    let v = id(&create(&app, &fx, cern(fx.partnership)).await);
    let path = format!("/api/v1/group-visits/{v}/agenda-items");
    let attempts = (0..30).map(|n| {
        let body = item(
            "workshop",
            &format!("Slot {n}"),
            "2027-03-27T09:00",
            "2027-03-27T10:00",
            "Main Auditorium",
        );
        let (app, path, token) = (&app, path.clone(), fx.organiser.clone());
        async move { app.post(&path, Some(&token), body).await.status.as_u16() }
    });
    let statuses = join_all(attempts).await;
    let created = statuses.iter().filter(|s| **s == 201).count();
    assert_eq!(created, 1, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 409),
        "{statuses:?}"
    );
    let r = app
        .get(&format!("/api/v1/group-visits/{v}"), Some(&fx.organiser))
        .await;
    assert_eq!(r["agenda"].as_array().unwrap().len(), 1);
}
both!(racing_inserts_at_one_venue_cannot_both_succeed);

async fn only_organisers_edit_and_if_match_guards_the_agenda(app: TestApp) {
    let fx = setup(&app).await;
    let (_, stranger, _) = participant(&app, "stranger@x.eu").await;
    let v = id(&create(&app, &fx, cern(fx.partnership)).await);
    let path = format!("/api/v1/group-visits/{v}/agenda-items");
    let it = item(
        "workshop",
        "Cryogenics",
        "2027-03-27T09:00",
        "2027-03-27T11:00",
        "Building 40",
    );
    assert_eq!(
        app.post(&path, Some(&stranger), it.clone()).await.status,
        404,
        "a draft is invisible"
    );
    let etag = publish(&app, &fx, &v).await["version"].to_string();
    assert_eq!(
        app.post(&path, Some(&stranger), it.clone()).await.status,
        403
    );
    assert_eq!(app.post(&path, None, it.clone()).await.status, 401);

    let stale = app
        .req(
            Method::POST,
            &path,
            Some(&fx.organiser),
            Some(it.clone()),
            &[("if-match", "\"1\"")],
        )
        .await;
    assert_eq!(stale.status, 412, "{}", stale.text);
    let ok = app
        .req(
            Method::POST,
            &path,
            Some(&fx.organiser),
            Some(it),
            &[("if-match", &format!("\"{etag}\""))],
        )
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text);
    assert_eq!(
        ok.etag(),
        format!("\"{}\"", etag.parse::<i32>().unwrap() + 1)
    );
    let item_id = id(&ok.body);
    let r = app
        .req(
            Method::DELETE,
            &format!("{path}/{item_id}"),
            Some(&fx.organiser),
            None,
            &[("if-match", "\"2\"")],
        )
        .await;
    assert_eq!(r.status, 412);
    let unknown = app
        .req(
            Method::DELETE,
            &format!("{path}/{}", uuid::Uuid::now_v7()),
            Some(&fx.organiser),
            None,
            &[],
        )
        .await;
    assert_eq!(unknown.status, 404);

    let r = app
        .post(
            &format!("/api/v1/group-visits/{v}/cancel"),
            Some(&fx.organiser),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = patch_item(&app, &fx, &v, &item_id, json!({"title": "Late"})).await;
    assert_eq!(r.status, 409);
    assert_eq!(r["code"], "visit_cancelled");
}
both!(only_organisers_edit_and_if_match_guards_the_agenda);
