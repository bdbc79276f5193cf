//! Eligibility reports: stored organisations (both roles) and the ad-hoc check.
use serde_json::{Value, json};

use crate::{
    both,
    helpers::{Resp, TestApp},
    organisations::support::{CPH, VNO, body, cast, create, fields, sme_body},
};

fn rules(report: &Value) -> Vec<&str> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rule"].as_str().unwrap())
        .collect()
}

fn passed(report: &Value, rule: &str) -> bool {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == rule)
        .unwrap_or_else(|| panic!("no {rule} in {report}"))["passed"]
        .as_bool()
        .unwrap()
}

async fn stored_organisation_is_judged_as_visitor_and_host(app: TestApp) {
    let c = cast(&app).await;
    let (_, owner) = app.user("ana@photonics.lt").await;
    let (_, stranger) = app.user("eve@elsewhere.eu").await;
    let id = create(
        &app,
        &owner,
        sme_body("Vilnius Photonics", "LT", VNO, &c.cluster),
    )
    .await;
    let path = format!("/api/v1/organisations/{id}/eligibility?on=2026-03-02");
    let r = app.get(&path, Some(&owner)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["organisation_id"], id.as_str());
    assert_eq!(r["on"], "2026-03-02");
    let v = &r["visitor"];
    assert_eq!(
        (
            v["eligible"].as_bool(),
            v["role"].as_str(),
            v["profile"].as_str(),
            v["sme_category"].as_str()
        ),
        (Some(true), Some("visitor"), Some("sme"), Some("small"))
    );
    assert_eq!(
        rules(v),
        [
            "visitor_type_allowed",
            "host_only_type_cannot_visit",
            "cluster_membership",
            "sme_status",
            "sme_headcount",
            "sme_financial_ceiling",
            "sme_public_control",
            "visitor_country_eligible"
        ]
    );
    for check in v["checks"].as_array().unwrap() {
        let mut keys: Vec<&String> = check.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["message", "passed", "rule"]);
        assert!(check["passed"].as_bool().unwrap());
        assert!(!check["message"].as_str().unwrap().is_empty());
    }
    let h = &r["host"];
    assert_eq!(h["role"], "host");
    assert_eq!(h["eligible"], true);
    assert_eq!(
        rules(h),
        [
            "host_type_allowed",
            "cluster_membership",
            "non_member_sme_host_exception",
            "sme_status",
            "sme_headcount",
            "sme_financial_ceiling",
            "sme_public_control",
            "host_country_eligible"
        ]
    );
    for token in [&c.partner, &c.coordinator, &c.admin] {
        assert_eq!(app.get(&path, Some(token)).await.status, 200);
    }
    assert_eq!(app.get(&path, Some(&stranger)).await.status, 404);
    assert_eq!(app.get(&path, None).await.status, 401);
    assert_eq!(
        app.get(
            &format!("/api/v1/organisations/{id}/eligibility?on=soon"),
            Some(&owner)
        )
        .await
        .status,
        422
    );
    let today = app
        .get(
            &format!("/api/v1/organisations/{id}/eligibility"),
            Some(&owner),
        )
        .await;
    assert_eq!(today["on"], chrono::Utc::now().date_naive().to_string());
}
both!(stored_organisation_is_judged_as_visitor_and_host);

async fn a_too_big_sme_fails_with_every_reason(app: TestApp) {
    let c = cast(&app).await;
    let mut b = sme_body("Big Lasers", "LT", VNO, &c.cluster);
    b["headcount"] = json!(300);
    b["annual_turnover_cents"] = json!(9_000_000_000_i64);
    b["balance_sheet_total_cents"] = json!(8_000_000_000_i64);
    b["public_bodies_control_percent"] = json!(30);
    let id = create(&app, &c.admin, b).await;
    let r = app
        .get(
            &format!("/api/v1/organisations/{id}/eligibility"),
            Some(&c.admin),
        )
        .await;
    let v = &r["visitor"];
    assert_eq!(v["eligible"], false);
    assert_eq!(v["sme_category"], Value::Null);
    for rule in [
        "sme_status",
        "sme_headcount",
        "sme_financial_ceiling",
        "sme_public_control",
    ] {
        assert!(!passed(v, rule), "{rule} fails");
    }
    assert!(passed(v, "cluster_membership") && passed(v, "visitor_country_eligible"));
}
both!(a_too_big_sme_fails_with_every_reason);

async fn check(app: &TestApp, body: Value) -> Resp {
    app.post("/api/v1/eligibility/check", None, body).await
}

async fn ad_hoc_check_stores_nothing(app: TestApp) {
    let c = cast(&app).await;
    let before = app.store.all_organisations().await.unwrap().len();
    let mut big = body("Big Corp", "DK", CPH, "large_company");
    big["cluster_ids"] = json!([c.cluster]);
    let r = check(&app, big.clone()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (r["eligible"].as_bool(), r["role"].as_str()),
        (Some(false), Some("visitor")),
        "visitor by default"
    );
    assert!(
        !passed(&r.body, "visitor_type_allowed") && !passed(&r.body, "host_only_type_cannot_visit")
    );
    big["role"] = json!("host");
    big["on"] = json!("2026-03-02");
    let r = check(&app, big.clone()).await;
    assert_eq!(
        (r["eligible"].as_bool(), r["role"].as_str()),
        (Some(true), Some("host")),
        "{}",
        r.text
    );

    // Programme countries are judged on the date: the UK left after January 2020.
    let mut uk = body(
        "London Cluster",
        "GB",
        (51.5, -0.12),
        "cluster_organisation",
    );
    uk["on"] = json!("2019-06-01");
    assert!(passed(
        &check(&app, uk.clone()).await.body,
        "visitor_country_eligible"
    ));
    uk["on"] = json!("2023-06-01");
    assert!(!passed(
        &check(&app, uk).await.body,
        "visitor_country_eligible"
    ));

    // A non-member SME may host only with an agency approval reference.
    let mut lone = sme_body("Lone SME", "ES", (40.4, -3.7), &c.cluster);
    lone["cluster_ids"] = json!([]);
    lone["role"] = json!("host");
    let r = check(&app, lone.clone()).await;
    assert!(!passed(&r.body, "non_member_sme_host_exception"));
    lone["agency_exception_ref"] = json!("EISMEA-2023-0042");
    assert_eq!(check(&app, lone).await["eligible"], true);

    assert_eq!(
        app.store.all_organisations().await.unwrap().len(),
        before,
        "nothing stored"
    );
    big["role"] = json!("tourist");
    assert_eq!(fields(&check(&app, big.clone()).await), ["role"]);
    big["role"] = json!("host");
    big["latitude"] = json!(-100);
    big["country"] = json!("dk");
    let r = check(&app, big).await;
    assert_eq!(
        (r.status.as_u16(), fields(&r).len()),
        (422, 2),
        "{}",
        r.text
    );
}
both!(ad_hoc_check_stores_nothing);
