//! Partnerships, and the demo seed.

pub mod calls;

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    both,
    helpers::TestApp,
    organisations::support::{MAD, VNO, cluster, fields, partnership},
};

fn partnership_body(partners: Value) -> Value {
    json!({"name": "LASER-GO", "grant_agreement": "COS-CLUSTER-2014-3-03", "programme": "COSME", "budget_cents": 0,
           "target_exchanges": 40, "starts_on": "2016-01-01", "ends_on": "2017-12-31", "partners": partners})
}

async fn admins_create_partnerships_everyone_signed_in_reads(app: TestApp) {
    let admin = app.admin().await;
    let (_, applicant) = app.user("ana@photonics.lt").await;
    let litek = cluster(&app, &admin, "LITEK", "LT", VNO).await;
    let ineustar = cluster(&app, &admin, "INEUSTAR", "ES", MAD).await;
    let b = partnership_body(
        json!([{"organisation_id": ineustar, "role": "partner"}, {"organisation_id": litek, "role": "coordinator"}]),
    );
    assert_eq!(
        app.post("/api/v1/partnerships", None, b.clone())
            .await
            .status,
        401
    );
    assert_eq!(
        app.post("/api/v1/partnerships", Some(&applicant), b.clone())
            .await
            .status,
        403
    );
    let send = || {
        app.req(
            Method::POST,
            "/api/v1/partnerships",
            Some(&admin),
            Some(b.clone()),
            &[("idempotency-key", "p-1")],
        )
    };
    let r = send().await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.etag(), "\"1\"");
    let id = r["id"].as_str().unwrap().to_owned();
    assert_eq!(
        r["partners"],
        json!([
            {"organisation_id": litek, "name": "LITEK", "country": "LT", "role": "coordinator"},
            {"organisation_id": ineustar, "name": "INEUSTAR", "country": "ES", "role": "partner"},
        ])
    );
    let again = send().await;
    assert_eq!(
        (again.status.as_u16(), again["id"].as_str()),
        (201, Some(id.as_str())),
        "replayed"
    );
    let r = app
        .get(&format!("/api/v1/partnerships/{id}"), Some(&applicant))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.etag(), "\"1\"");
    assert_eq!(
        (
            r["grant_agreement"].as_str(),
            r["budget_cents"].as_i64(),
            r["target_exchanges"].as_i64()
        ),
        (Some("COS-CLUSTER-2014-3-03"), Some(0), Some(40))
    );
    assert_eq!(r["partners"][0]["role"], "coordinator");
    assert_eq!(
        app.get(&format!("/api/v1/partnerships/{id}"), None)
            .await
            .status,
        401
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/partnerships/{}", uuid::Uuid::now_v7()),
            Some(&applicant)
        )
        .await
        .status,
        404
    );
    partnership(&app, &admin, "BIGINN", &[(&litek, "partner")]).await;
    let page = app
        .get("/api/v1/partnerships?limit=1", Some(&applicant))
        .await;
    assert_eq!(page["items"][0]["name"], "BIGINN");
    assert_eq!(page["items"][0]["partners"].as_array().unwrap().len(), 1);
    let cursor = page["next_cursor"].as_str().unwrap();
    let page2 = app
        .get(
            &format!("/api/v1/partnerships?limit=1&cursor={cursor}"),
            Some(&applicant),
        )
        .await;
    assert_eq!(page2["items"][0]["id"], id.as_str());
    assert_eq!(page2["next_cursor"], Value::Null);
    assert_eq!(app.get("/api/v1/partnerships", None).await.status, 401);
}
both!(admins_create_partnerships_everyone_signed_in_reads);

async fn partnership_validation_lists_every_problem(app: TestApp) {
    let admin = app.admin().await;
    let litek = cluster(&app, &admin, "LITEK", "LT", VNO).await;
    let mut b = partnership_body(json!([]));
    b["name"] = json!(" ");
    b["budget_cents"] = json!(-1);
    b["ends_on"] = json!("2015-12-31");
    let mut got = fields(
        &app.post("/api/v1/partnerships", Some(&admin), b.clone())
            .await,
    );
    got.sort();
    assert_eq!(got, ["budget_cents", "ends_on", "name", "partners"]);
    b = partnership_body(
        json!([{"organisation_id": uuid::Uuid::now_v7(), "role": "partner"}, {"organisation_id": litek, "role": "coordinator"}, {"organisation_id": litek, "role": "partner"}]),
    );
    let r = app.post("/api/v1/partnerships", Some(&admin), b).await;
    assert_eq!(
        fields(&r),
        ["partners[0].organisation_id", "partners[2].organisation_id"],
        "{}",
        r.text
    );
    b = partnership_body(json!([{"organisation_id": litek, "role": "boss"}]));
    assert_eq!(
        fields(&app.post("/api/v1/partnerships", Some(&admin), b).await),
        ["partners[0].role"]
    );
    assert!(
        app.get("/api/v1/partnerships", Some(&admin)).await["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}
both!(partnership_validation_lists_every_problem);

async fn demo_seed_is_idempotent(app: TestApp) {
    cxc_server::seed::demo(&app.store).await.unwrap();
    let orgs = app.store.all_organisations().await.unwrap().len();
    cxc_server::seed::demo(&app.store).await.unwrap();
    assert_eq!(
        app.store.all_organisations().await.unwrap().len(),
        orgs,
        "a second run adds nothing"
    );
    let admin = app.admin().await;
    let list = app.get("/api/v1/partnerships", Some(&admin)).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let biginn = items.iter().find(|p| p["name"] == "BIGINN").unwrap();
    assert_eq!(
        (
            biginn["grant_agreement"].as_str(),
            biginn["budget_cents"].as_i64()
        ),
        (Some("101037928"), Some(49_626_100))
    );
    let partners: Vec<(&str, &str)> = biginn["partners"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap(), p["role"].as_str().unwrap()))
        .collect();
    assert_eq!(
        partners,
        [
            ("BigScience.dk", "coordinator"),
            ("INEUSTAR", "partner"),
            ("LITEK", "partner")
        ]
    );
    let open = app.get("/api/v1/calls?open=true", None).await;
    assert_eq!(open["items"].as_array().unwrap().len(), 1);
    assert_eq!(open["items"][0]["partnership_id"], biginn["id"]);
    // Every seeded organisation is eligible, and the demo applicant gets suggestions.
    let login = app.post("/api/v1/auth/login", None, json!({"email": "applicant@clusterxchange-demo.example", "password": "demo-password-123"})).await;
    let token = login["token"].as_str().unwrap().to_owned();
    let mine = app.get("/api/v1/me", Some(&token)).await["organisation_ids"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .get(
            &format!("/api/v1/organisations/{mine}/eligibility"),
            Some(&token),
        )
        .await;
    assert_eq!(
        (
            r["visitor"]["eligible"].as_bool(),
            r["visitor"]["sme_category"].as_str()
        ),
        (Some(true), Some("small")),
        "{}",
        r.text
    );
    let s = app
        .get(
            &format!("/api/v1/organisations/{mine}/host-suggestions"),
            Some(&token),
        )
        .await;
    assert!(!s["items"].as_array().unwrap().is_empty(), "{}", s.text);
    for o in app.store.all_organisations().await.unwrap() {
        let r = app
            .get(
                &format!("/api/v1/organisations/{}/eligibility", o.id),
                Some(&admin),
            )
            .await;
        assert_eq!(r["host"]["eligible"], true, "{}: {}", o.name, r.text);
    }
}
both!(demo_seed_is_idempotent);
