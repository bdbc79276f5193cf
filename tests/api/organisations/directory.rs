//! Organisations: the list with its filters, contacts, and the OpenAPI description.
use serde_json::json;

use crate::{
    both,
    helpers::{Resp, TestApp},
    organisations::support::{GRAZ, MAD, PARIS, VNO, body, cast, create, fields},
};

async fn list(app: &TestApp, token: &str, query: &str) -> Resp {
    app.get(&format!("/api/v1/organisations{query}"), Some(token))
        .await
}

async fn list_filters_and_pages(app: TestApp) {
    let (_, token) = app.user("ana@photonics.lt").await;
    let mut a = body("Laser 100% Works", "LT", VNO, "sme");
    a["sectors"] = json!(["Space", "energy", "ICT Data"]);
    a["competencies"] = json!(["lasers"]);
    let a = create(&app, &token, a).await;
    let mut b = body("Madrid Vacuum", "ES", MAD, "large_company");
    b["sectors"] = json!(["energy"]);
    let b = create(&app, &token, b).await;
    let c = create(
        &app,
        &token,
        body("Paris Optics", "FR", PARIS, "cluster_organisation"),
    )
    .await;
    create(
        &app,
        &token,
        body("Graz Health", "AT", GRAZ, "cluster_organisation"),
    )
    .await;
    assert_eq!(
        list(&app, &token, "?country=LT").await.item_ids(),
        std::slice::from_ref(&a)
    );
    assert_eq!(
        list(&app, &token, "?profile=large_company")
            .await
            .item_ids(),
        std::slice::from_ref(&b)
    );
    assert_eq!(
        list(&app, &token, "?sector=ENERGY").await.item_ids(),
        [b.clone(), a.clone()]
    );
    assert_eq!(
        list(&app, &token, "?competency=lasers&sector=space")
            .await
            .item_ids(),
        std::slice::from_ref(&a)
    );
    assert_eq!(
        list(&app, &token, "?sector=ict%20Data").await.item_ids(),
        std::slice::from_ref(&a)
    );
    assert_eq!(
        list(&app, &token, "?q=paris").await.item_ids(),
        std::slice::from_ref(&c)
    );
    assert_eq!(
        list(&app, &token, "?q=100%25").await.item_ids(),
        std::slice::from_ref(&a),
        "% is literal"
    );
    assert_eq!(
        list(&app, &token, "?q=%25").await.item_ids(),
        std::slice::from_ref(&a)
    );
    assert_eq!(list(&app, &token, "?profile=wizard").await.status, 422);
    assert_eq!(app.get("/api/v1/organisations", None).await.status, 401);
    let page1 = list(&app, &token, "?limit=3").await;
    assert_eq!(page1.item_ids().len(), 3);
    assert!(
        page1["items"][0].get("headcount").is_none(),
        "the list shows public summaries"
    );
    let cursor = page1["next_cursor"].as_str().unwrap().to_owned();
    let page2 = list(&app, &token, &format!("?limit=3&cursor={cursor}")).await;
    assert_eq!(page2.item_ids(), [a]);
    assert_eq!(page2["next_cursor"], serde_json::Value::Null);
    assert_eq!(list(&app, &token, "?limit=0").await.status, 422);
}
both!(list_filters_and_pages);

/// `mine=true` lists the organisations the caller is a contact of, and no other.
async fn list_mine(app: TestApp) {
    let (_, ana) = app.user("ana@photonics.lt").await;
    let (_, eve) = app.user("eve@elsewhere.eu").await;
    let (_, zed) = app.user("zed@nowhere.eu").await;
    let first = create(&app, &ana, body("Vilnius Photonics", "LT", VNO, "sme")).await;
    let theirs = create(&app, &eve, body("Madrid Vacuum", "ES", MAD, "sme")).await;
    let second = create(&app, &ana, body("Paris Optics", "FR", PARIS, "sme")).await;
    assert_eq!(
        list(&app, &ana, "?mine=true").await.item_ids(),
        [second.clone(), first.clone()]
    );
    assert_eq!(
        list(&app, &eve, "?mine=true").await.item_ids(),
        std::slice::from_ref(&theirs)
    );
    assert!(list(&app, &zed, "?mine=true").await.item_ids().is_empty());
    assert_eq!(
        list(&app, &ana, "?mine=true&country=FR").await.item_ids(),
        std::slice::from_ref(&second),
        "mine narrows the other filters"
    );
    let page1 = list(&app, &ana, "?mine=true&limit=1").await;
    assert_eq!(page1.item_ids(), std::slice::from_ref(&second));
    let cursor = page1["next_cursor"].as_str().unwrap().to_owned();
    let page2 = list(&app, &ana, &format!("?mine=true&limit=1&cursor={cursor}")).await;
    assert_eq!(page2.item_ids(), [first]);
    assert_eq!(page2["next_cursor"], serde_json::Value::Null);
    assert_eq!(
        list(&app, &zed, "?mine=false").await.item_ids().len(),
        3,
        "mine=false is the whole list"
    );
    let r = list(&app, &ana, "?mine=yes").await;
    assert_eq!(r.status, 422, "{}", r.text);
}
both!(list_mine);

async fn contacts_add_other_users(app: TestApp) {
    let c = cast(&app).await;
    let (_, owner) = app.user("ana@photonics.lt").await;
    let (bob_id, bob) = app.user("bob@photonics.lt").await;
    let (_, stranger) = app.user("eve@elsewhere.eu").await;
    let id = create(
        &app,
        &owner,
        body("Vilnius Photonics", "LT", VNO, "cluster_organisation"),
    )
    .await;
    let path = format!("/api/v1/organisations/{id}/contacts");
    assert_eq!(
        app.get(&format!("/api/v1/organisations/{id}"), Some(&bob))
            .await
            .status,
        404
    );
    assert_eq!(
        app.post(&path, None, json!({"email": "bob@photonics.lt"}))
            .await
            .status,
        401
    );
    assert_eq!(
        app.post(&path, Some(&stranger), json!({"email": "bob@photonics.lt"}))
            .await
            .status,
        404
    );
    assert_eq!(
        app.post(
            &path,
            Some(&c.partner),
            json!({"email": "bob@photonics.lt"})
        )
        .await
        .status,
        403
    );
    // Naming bob sends an invitation; he is a contact only once he accepts.
    let r = app
        .post(&path, Some(&owner), json!({"email": "Bob@Photonics.lt"}))
        .await;
    assert_eq!(r.status, 202, "{}", r.text);
    assert_eq!(r["status"], "pending");
    assert_eq!(r["email"], "bob@photonics.lt");
    assert_eq!(
        app.get(&format!("/api/v1/organisations/{id}"), Some(&bob))
            .await
            .status,
        404,
        "an invitation alone gives no access"
    );
    assert!(list(&app, &bob, "?mine=true").await.item_ids().is_empty());
    app.accept_invitation(&bob, r["id"].as_str().unwrap()).await;
    assert_eq!(
        list(&app, &bob, "?mine=true").await.item_ids(),
        std::slice::from_ref(&id),
        "an accepted invitation makes it one of bob's"
    );
    let r = app.get(&path, Some(&owner)).await;
    let emails: Vec<&str> = r["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails, ["ana@photonics.lt", "bob@photonics.lt"]);
    assert_eq!(r["contacts"][1]["user_id"], bob_id.as_str());
    assert_eq!(
        app.get(&format!("/api/v1/organisations/{id}"), Some(&bob))
            .await
            .status,
        200,
        "bob is a contact now"
    );
    let r = app
        .post(&path, Some(&bob), json!({"email": "bob@photonics.lt"}))
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    let r = app
        .post(&path, Some(&owner), json!({"email": "nobody@photonics.lt"}))
        .await;
    assert_eq!(
        (r.status.as_u16(), fields(&r)),
        (422, vec!["email".to_owned()])
    );
    assert_eq!(
        app.post(&path, Some(&owner), json!({"email": "not an email"}))
            .await
            .status,
        422
    );
    let r = app
        .post(&path, Some(&c.admin), json!({"email": "eve@elsewhere.eu"}))
        .await;
    assert_eq!(r.status, 202, "admins may invite contacts: {}", r.text);
    app.accept_invitation(&stranger, r["id"].as_str().unwrap())
        .await;
    assert_eq!(
        app.get(&path, Some(&c.coordinator)).await["contacts"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        app.get(&path, Some(&app.user("zed@x.eu").await.1))
            .await
            .status,
        404
    );
}
both!(contacts_add_other_users);

async fn openapi_documents_every_route(app: TestApp) {
    let doc = app.get("/openapi.json", None).await;
    for (path, methods) in [
        ("/api/v1/organisations", &["post", "get"][..]),
        ("/api/v1/organisations/{id}", &["get", "patch"]),
        ("/api/v1/organisations/{id}/contacts", &["post", "get"]),
        ("/api/v1/organisations/{id}/eligibility", &["get"]),
        ("/api/v1/eligibility/check", &["post"]),
        ("/api/v1/competency-matrix", &["get"]),
        ("/api/v1/competency-matrix.csv", &["get"]),
        ("/api/v1/organisations/{id}/host-suggestions", &["get"]),
        ("/api/v1/partnerships", &["post", "get"]),
        ("/api/v1/partnerships/{id}", &["get"]),
        ("/api/v1/partnerships/{id}/calls", &["post"]),
        ("/api/v1/calls", &["get"]),
        ("/api/v1/calls/{id}", &["get"]),
    ] {
        for m in methods {
            assert!(
                doc["paths"][path][m]["responses"].is_object(),
                "{m} {path} is documented"
            );
        }
    }
    let profile = &doc["components"]["schemas"]["ProfileName"]["enum"];
    assert_eq!(profile.as_array().map(Vec::len), Some(6), "{profile}");
}
both!(openapi_documents_every_route);
