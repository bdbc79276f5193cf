//! Organisations: create, read, update; who may do what; validation and idempotency.

pub mod directory;
pub mod eligibility;
pub mod exchange_rules;
pub mod matching;
pub mod retries;
pub mod support;

use reqwest::Method;
use serde_json::json;

use crate::{
    both,
    helpers::{Resp, TestApp},
    organisations::support::{VNO, body, cast, create, fields, sme_body},
};

async fn each_role_sees_what_it_may(app: TestApp) {
    let c = cast(&app).await;
    let (_, owner) = app.user("ana@photonics.lt").await;
    let (_, stranger) = app.user("eve@elsewhere.eu").await;
    let r = app
        .post(
            "/api/v1/organisations",
            Some(&owner),
            sme_body("Vilnius Photonics", "LT", VNO, &c.cluster),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.etag(), "\"1\"");
    let id = r["id"].as_str().unwrap().to_owned();
    assert_eq!(
        r.headers["location"],
        format!("/api/v1/organisations/{id}").as_str()
    );
    assert_eq!(r["headcount"], 20.0);
    let me = app.get("/api/v1/me", Some(&owner)).await;
    assert_eq!(
        me["organisation_ids"],
        json!([id]),
        "the creator becomes a contact"
    );

    let path = format!("/api/v1/organisations/{id}");
    assert_eq!(app.get(&path, None).await.status, 401);
    assert_eq!(app.get(&path, Some(&stranger)).await.status, 404);
    for (who, token) in [
        ("contact", &owner),
        ("partner", &c.partner),
        ("coordinator", &c.coordinator),
        ("admin", &c.admin),
    ] {
        let r = app.get(&path, Some(token)).await;
        assert_eq!(r.status, 200, "{who}: {}", r.text);
        assert_eq!(r.etag(), "\"1\"");
        assert_eq!(r["annual_turnover_cents"], 300_000_000);
    }
    assert_eq!(
        app.post("/api/v1/organisations", None, body("X", "DK", VNO, "sme"))
            .await
            .status,
        401
    );
    assert_eq!(
        app.get("/api/v1/organisations/not-a-uuid", Some(&owner))
            .await
            .status,
        404
    );
    let unknown = format!("/api/v1/organisations/{}", uuid::Uuid::now_v7());
    assert_eq!(app.get(&unknown, Some(&c.admin)).await.status, 404);
}
both!(each_role_sees_what_it_may);

pub async fn patch(
    app: &TestApp,
    path: &str,
    token: &str,
    if_match: Option<&str>,
    body: serde_json::Value,
) -> Resp {
    let headers: Vec<(&str, &str)> = if_match.map(|v| vec![("if-match", v)]).unwrap_or_default();
    app.req(Method::PATCH, path, Some(token), Some(body), &headers)
        .await
}

async fn patch_needs_a_current_if_match_and_the_right_role(app: TestApp) {
    let c = cast(&app).await;
    let (_, owner) = app.user("ana@photonics.lt").await;
    let (_, stranger) = app.user("eve@elsewhere.eu").await;
    let id = create(
        &app,
        &owner,
        sme_body("Vilnius Photonics", "LT", VNO, &c.cluster),
    )
    .await;
    let path = format!("/api/v1/organisations/{id}");
    assert_eq!(
        patch(&app, &path, &stranger, Some("\"1\""), json!({"city": "X"}))
            .await
            .status,
        404
    );
    assert_eq!(
        patch(&app, &path, &c.partner, Some("\"1\""), json!({"city": "X"}))
            .await
            .status,
        403
    );
    assert_eq!(
        patch(
            &app,
            &path,
            &c.coordinator,
            Some("\"1\""),
            json!({"city": "X"})
        )
        .await
        .status,
        403
    );
    let r = patch(&app, &path, &owner, None, json!({"city": "Kaunas"})).await;
    assert_eq!(r.status, 428, "{}", r.text);
    let r = patch(
        &app,
        &path,
        &owner,
        Some("\"7\""),
        json!({"city": "Kaunas"}),
    )
    .await;
    assert_eq!(r.status, 412, "{}", r.text);
    assert_eq!(
        app.get(&path, Some(&owner)).await["city"],
        "Somewhere",
        "a stale PATCH changes nothing"
    );

    let r = patch(&app, &path, &owner, Some("\"1\""), json!({"city": "Kaunas", "sectors": ["Space", "ICT Data"], "website": "https://photonics.lt"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.etag(), "\"2\"");
    assert_eq!(r["city"], "Kaunas");
    assert_eq!(
        r["name"], "Vilnius Photonics",
        "fields not in the patch are kept"
    );
    assert_eq!(r["headcount"], 20.0);
    assert_eq!(r["sectors"], json!(["space", "ict_data"]));
    let r = patch(
        &app,
        &path,
        &owner,
        Some("\"1\""),
        json!({"city": "Alytus"}),
    )
    .await;
    assert_eq!(r.status, 412, "the old version is stale now");

    // Invalid patches change nothing and name the field.
    let r = patch(
        &app,
        &path,
        &owner,
        Some("\"2\""),
        json!({"latitude": 91, "name": null}),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.text);
    let r = patch(
        &app,
        &path,
        &owner,
        Some("\"2\""),
        json!({"latitude": 91, "profile": "sme"}),
    )
    .await;
    assert_eq!(fields(&r), ["latitude"]);
    let r = patch(&app, &path, &owner, Some("\"2\""), json!({"colour": "red"})).await;
    assert_eq!(r.status, 422);
    assert_eq!(app.get(&path, Some(&owner)).await.etag(), "\"2\"");

    // `null` clears an optional field; echoed read-only fields are ignored; admins may edit.
    let r = patch(
        &app,
        &path,
        &c.admin,
        Some("\"2\""),
        json!({"website": null, "id": id, "version": 2}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["website"], serde_json::Value::Null);
    assert_eq!(r.etag(), "\"3\"");
}
both!(patch_needs_a_current_if_match_and_the_right_role);

async fn every_problem_is_reported_at_once(app: TestApp) {
    let (_, token) = app.user("ana@photonics.lt").await;
    let not_a_cluster = create(&app, &token, body("Some SME", "LT", VNO, "sme")).await;
    let before = app.store.all_organisations().await.unwrap().len();
    let mut b = body("Bad Data", "XX", VNO, "sme");
    b["latitude"] = json!(123.0);
    b["headcount"] = json!(-5);
    b["cluster_ids"] = json!([uuid::Uuid::now_v7(), not_a_cluster]);
    b["support_type"] = json!("fab_lab");
    let r = app.post("/api/v1/organisations", Some(&token), b).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r.headers["content-type"], "application/problem+json");
    let mut got = fields(&r);
    got.sort();
    assert_eq!(
        got,
        [
            "cluster_ids[0]",
            "cluster_ids[1]",
            "country",
            "headcount",
            "latitude",
            "support_type"
        ],
        "{}",
        r.text
    );
    let codes: Vec<&str> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"unknown_cluster") && codes.contains(&"cluster_not_cluster_organisation"),
        "{codes:?}"
    );
    assert_eq!(
        app.store.all_organisations().await.unwrap().len(),
        before,
        "nothing stored"
    );

    // Unknown enum values are named by serde; URLs and tags are checked too.
    let mut b = body("X", "DK", VNO, "wizard");
    let r = app
        .post("/api/v1/organisations", Some(&token), b.clone())
        .await;
    assert_eq!(
        (r.status.as_u16(), fields(&r)),
        (422, vec!["profile".to_owned()]),
        "{}",
        r.text
    );
    b["profile"] = json!("scale_up_support");
    b["support_type"] = json!("castle");
    assert_eq!(
        fields(
            &app.post("/api/v1/organisations", Some(&token), b.clone())
                .await
        ),
        ["support_type"]
    );
    b["support_type"] = json!("fab_lab");
    b["website"] = json!("javascript:alert(1)");
    b["eccp_profile_url"] = json!(format!(
        "https://clustercollaboration.eu/{}",
        "x".repeat(500)
    ));
    b["sectors"] = json!(["ok", "", "y".repeat(81)]);
    b["competencies"] = json!((0..51).map(|i| format!("c{i}")).collect::<Vec<_>>());
    b["managing_partnership_id"] = json!(uuid::Uuid::now_v7());
    b["city"] = json!("  ");
    let mut got = fields(&app.post("/api/v1/organisations", Some(&token), b).await);
    got.sort();
    assert_eq!(
        got,
        [
            "city",
            "competencies",
            "eccp_profile_url",
            "managing_partnership_id",
            "sectors[1]",
            "sectors[2]",
            "website"
        ]
    );
}
both!(every_problem_is_reported_at_once);
