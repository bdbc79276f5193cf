//! Per-activity places and the registration rules (deadline, eligibility).

use cxc_domain::organisation::Profile;
use cxc_persistence::{entities::agenda_items, sea_orm::EntityTrait};
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use crate::{both, group_visits::fixtures::*, helpers::TestApp};

async fn limited_activities_have_their_own_waiting_list(app: TestApp) {
    let fx = setup(&app).await;
    let (v, ws, open) = workshop_and_seminar(&app, &fx).await;
    let mut p = Vec::new();
    for n in 0..5 {
        p.push(participant(&app, &format!("w{n}@cluster.eu")).await);
    }
    for (_, token, org) in &p[..4] {
        assert_eq!(register(&app, &v, token, *org, None).await.status, 201);
    }
    let r = register(&app, &v, &p[4].1, p[4].2, Some(&ws)).await;
    assert_eq!(r.status, 409);
    assert_eq!(r["code"], "visit_registration_required");
    let r = register(&app, &v, &p[0].1, p[0].2, Some(&open)).await;
    assert_eq!(r.status, 422);
    assert_eq!(r["errors"][0]["code"], "item_not_limited");

    let mut places = Vec::new();
    for (_, token, org) in &p[..4] {
        places.push(register(&app, &v, token, *org, Some(&ws)).await);
    }
    let got: Vec<(&str, Option<i64>)> = places
        .iter()
        .map(|r| (r["status"].as_str().unwrap(), r["position"].as_i64()))
        .collect();
    assert_eq!(
        got,
        [
            ("confirmed", None),
            ("confirmed", None),
            ("waitlisted", Some(1)),
            ("waitlisted", Some(2))
        ]
    );
    let item_row = |app: &TestApp| {
        let ws = Uuid::parse_str(&ws).unwrap();
        let conn = app.store.db().conn.clone();
        async move {
            agenda_items::Entity::find_by_id(ws)
                .one(&conn)
                .await
                .unwrap()
                .unwrap()
        }
    };
    assert_eq!(item_row(&app).await.confirmed_count, 2);
    let r = app.get(&format!("/api/v1/group-visits/{v}"), None).await;
    assert_eq!(r["agenda"][0]["waitlisted_count"], 2);
    assert_eq!(
        r["confirmed_count"], 4,
        "activity places do not take visit places"
    );

    // Leaving the visit gives up the activity place too; the activity's first waiting
    // person gets it.
    let whole0 = app
        .get(
            &format!("/api/v1/group-visits/{v}/registrations"),
            Some(&p[0].1),
        )
        .await;
    let whole0 = whole0["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["item_id"].is_null())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(cancel(&app, &v, &whole0, &p[0].1).await, 204);
    let third = app
        .get(
            &format!(
                "/api/v1/group-visits/{v}/registrations/{}",
                id(&places[2].body)
            ),
            Some(&p[2].1),
        )
        .await;
    assert_eq!(third["status"], "confirmed");
    delivered(&app, "w2@cluster.eu", "visit_registration_promoted").await;
    assert_eq!(item_row(&app).await.confirmed_count, 2);

    // More places on the activity promote the rest of its waiting list.
    let r = patch_item(&app, &fx, &v, &ws, json!({"capacity": 1})).await;
    assert_eq!(r.status, 409);
    assert_eq!(r["code"], "capacity_below_confirmed");
    let r = patch_item(&app, &fx, &v, &ws, json!({"capacity": 3})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["confirmed_count"], 3, "the response counts the promotion");
    assert_eq!(r["waitlisted_count"], 0);
    let fourth = app
        .get(
            &format!(
                "/api/v1/group-visits/{v}/registrations/{}",
                id(&places[3].body)
            ),
            Some(&p[3].1),
        )
        .await;
    assert_eq!(fourth["status"], "confirmed");
    assert_eq!(item_row(&app).await.confirmed_count, 3);
    assert_eq!(
        visit_row(&app, &v).await.agenda_version,
        1,
        "capacity is not an agenda change"
    );
}
both!(limited_activities_have_their_own_waiting_list);

async fn registration_needs_an_open_visit_and_an_eligible_organisation(app: TestApp) {
    let fx = setup(&app).await;
    let (uid, token, org) = participant(&app, "ana@litek.lt").await;
    let closed = with(
        cern(fx.partnership),
        json!({"registration_closes_at": "2026-01-01T00:00:00Z"}),
    );
    let closed = id(&create(&app, &fx, closed).await);
    publish(&app, &fx, &closed).await;
    let r = register(&app, &closed, &token, org, None).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r["code"], "registration_closed");

    let draft = id(&create(&app, &fx, cern(fx.partnership)).await);
    assert_eq!(register(&app, &draft, &token, org, None).await.status, 404);
    assert_eq!(
        register(&app, &draft, &fx.organiser, org, None)
            .await
            .status,
        403,
        "the organiser is no contact of Ana's organisation"
    );

    let v = open_visit(&app, &fx, 5).await;
    let big = app
        .store
        .create_organisation(
            &org_input("Big Cryo Corp", "LT", Profile::LargeCompany),
            uid,
        )
        .await
        .unwrap();
    let r = register(&app, &v, &token, big.id, None).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let rules: Vec<&str> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"visitor_type_allowed") && rules.contains(&"host_only_type_cannot_visit"),
        "{rules:?}"
    );
    assert!(
        r["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["field"] == "organisation_id")
    );
    let mut sme = org_input("Lone SME", "LT", Profile::Sme);
    sme.headcount = Some(300.0);
    let sme = app.store.create_organisation(&sme, uid).await.unwrap();
    let r = register(&app, &v, &token, sme.id, None).await;
    assert_eq!(r.status, 422);
    let rules: Vec<&str> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(
        rules.contains(&"cluster_membership") && rules.contains(&"sme_headcount"),
        "{rules:?}"
    );

    let (_, other, _) = participant(&app, "bo@bigscience.dk").await;
    assert_eq!(register(&app, &v, &other, org, None).await.status, 403);
    let r = register(&app, &v, &token, Uuid::now_v7(), None).await;
    assert_eq!(r.status, 422);
    assert_eq!(r["errors"][0]["code"], "unknown_organisation");
    assert_eq!(
        app.post(
            &format!("/api/v1/group-visits/{v}/registrations"),
            None,
            json!({"organisation_id": org})
        )
        .await
        .status,
        401
    );
    assert!(regs(&app, &v, "confirmed").await.is_empty());

    let path = format!("/api/v1/group-visits/{v}/registrations");
    let keyed = || {
        app.req(
            Method::POST,
            &path,
            Some(&token),
            Some(json!({"organisation_id": org})),
            &[("idempotency-key", "reg-1")],
        )
    };
    let (first, retry) = (keyed().await, keyed().await);
    assert_eq!((first.status.as_u16(), retry.status.as_u16()), (201, 201));
    assert_eq!(first["id"], retry["id"]);
    assert_eq!(regs(&app, &v, "confirmed").await.len(), 1);
}
both!(registration_needs_an_open_visit_and_an_eligible_organisation);
