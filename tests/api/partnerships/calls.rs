//! Calls: who opens them, validation, and the `open` and `partnership_id` filters.
use serde_json::{Value, json};

use crate::{
    both,
    helpers::{Resp, TestApp},
    organisations::support::{cast, fields, partnership},
};

fn call_body(opens: &str, closes: &str) -> Value {
    json!({"title": "BIGINN call 2026", "opens_at": opens, "closes_at": closes, "budget_cents": 3_300_000, "places": 30,
           "lump_sum_default_cents": 60_000, "lump_sums_by_host_country": {"DK": 78_000, "ES": 66_000, "LT": 54_000},
           "eligible_profiles": ["sme", "cluster_organisation"], "sectors": ["Space", "energy"]})
}

async fn post_call(app: &TestApp, partnership: &str, token: Option<&str>, body: Value) -> Resp {
    app.post(
        &format!("/api/v1/partnerships/{partnership}/calls"),
        token,
        body,
    )
    .await
}

async fn coordinators_open_calls_anyone_reads_them(app: TestApp) {
    let c = cast(&app).await;
    let (_, applicant) = app.user("ana@photonics.lt").await;
    let other = partnership(&app, &c.admin, "LASER-GO", &[(&c.cluster, "partner")]).await;
    let (oid, other_coordinator) = app.user("coordinator@litek.lt").await;
    app.grant(&c.admin, &oid, "coordinator", Some(&other)).await;
    let b = call_body("2026-01-01T00:00:00Z", "2026-06-30T23:59:59+02:00");
    assert_eq!(
        post_call(&app, &c.partnership, None, b.clone())
            .await
            .status,
        401
    );
    for (who, token) in [
        ("applicant", &applicant),
        ("partner", &c.partner),
        ("coordinator of another partnership", &other_coordinator),
    ] {
        assert_eq!(
            post_call(&app, &c.partnership, Some(token), b.clone())
                .await
                .status,
            403,
            "{who}"
        );
    }
    assert_eq!(
        post_call(
            &app,
            &uuid::Uuid::now_v7().to_string(),
            Some(&c.coordinator),
            b.clone()
        )
        .await
        .status,
        404
    );
    let r = post_call(&app, &c.partnership, Some(&c.coordinator), b.clone()).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.etag(), "\"1\"");
    assert_eq!(
        (r["min_working_days"].as_i64(), r["max_days"].as_i64()),
        (Some(3), Some(31)),
        "defaults"
    );
    assert_eq!(r["closes_at"], "2026-06-30T21:59:59Z", "stored in UTC");
    assert_eq!(r["sectors"], json!(["space", "energy"]));
    assert_eq!(r["lump_sums_by_host_country"]["DK"], 78_000);
    let id = r["id"].as_str().unwrap().to_owned();
    let keyed = |token: &str| {
        let path = format!("/api/v1/partnerships/{}/calls", c.partnership);
        let (b, token, app) = (b.clone(), token.to_owned(), &app);
        async move {
            app.req(
                reqwest::Method::POST,
                &path,
                Some(&token),
                Some(b),
                &[("idempotency-key", "call-1")],
            )
            .await
        }
    };
    let first = keyed(&c.admin).await;
    assert_eq!(first.status, 201, "admins may open calls too");
    let again = keyed(&c.admin).await;
    assert_eq!(
        (again.status.as_u16(), &again["id"], again.etag()),
        (201, &first["id"], "\"1\"".to_owned()),
        "replayed"
    );

    let r = app.get(&format!("/api/v1/calls/{id}"), None).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.etag(), "\"1\"");
    assert_eq!(r["partnership_id"], c.partnership.as_str());
    for (field, want) in [
        ("budget_cents", 3_300_000),
        ("budget_committed_cents", 0),
        ("budget_remaining_cents", 3_300_000),
        ("places", 30),
        ("places_taken", 0),
        ("places_remaining", 30),
    ] {
        assert_eq!(r[field], want, "{field}");
    }
    assert_eq!(
        r["eligible_profiles"],
        json!(["sme", "cluster_organisation"])
    );
    assert_eq!(
        app.get(&format!("/api/v1/calls/{}", uuid::Uuid::now_v7()), None)
            .await
            .status,
        404
    );
}
both!(coordinators_open_calls_anyone_reads_them);

async fn call_validation_lists_every_problem(app: TestApp) {
    let c = cast(&app).await;
    let mut b = call_body("2026-06-01T00:00:00Z", "2026-01-01T00:00:00Z");
    b["budget_cents"] = json!(-1);
    b["places"] = json!(0);
    b["min_working_days"] = json!(0);
    b["lump_sum_default_cents"] = json!(-5);
    b["lump_sums_by_host_country"] = json!({"DK": 120_000, "XX": 50_000, "dk": 1});
    b["eligible_profiles"] = json!(["sme", "wizard"]);
    let r = post_call(&app, &c.partnership, Some(&c.coordinator), b).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let mut got = fields(&r);
    got.sort();
    assert_eq!(
        got,
        [
            "budget_cents",
            "closes_at",
            "eligible_profiles[1]",
            "lump_sum_default_cents",
            "lump_sums_by_host_country.DK",
            "lump_sums_by_host_country.XX",
            "lump_sums_by_host_country.dk",
            "min_working_days",
            "places"
        ]
    );
    let mut b = call_body("2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z");
    b["min_working_days"] = json!(5);
    b["max_days"] = json!(4);
    assert_eq!(
        fields(&post_call(&app, &c.partnership, Some(&c.coordinator), b.clone()).await),
        ["max_days"]
    );
    b["max_days"] = json!("many");
    assert_eq!(
        fields(&post_call(&app, &c.partnership, Some(&c.coordinator), b).await),
        ["max_days"]
    );
    let calls = app.get("/api/v1/calls", None).await;
    assert!(
        calls["items"].as_array().unwrap().is_empty(),
        "nothing stored"
    );
}
both!(call_validation_lists_every_problem);

async fn calls_filter_by_open_and_partnership(app: TestApp) {
    let c = cast(&app).await;
    let other = partnership(&app, &c.admin, "LASER-GO", &[(&c.cluster, "partner")]).await;
    let now = chrono::Utc::now();
    let at = |days: i64| (now + chrono::Duration::days(days)).to_rfc3339();
    let open = post_call(
        &app,
        &c.partnership,
        Some(&c.admin),
        call_body(&at(-1), &at(30)),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let future = post_call(
        &app,
        &c.partnership,
        Some(&c.admin),
        call_body(&at(10), &at(40)),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let closed = post_call(&app, &other, Some(&c.admin), call_body(&at(-40), &at(-10))).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ids = |r: Resp| r.item_ids();
    assert_eq!(
        ids(app.get("/api/v1/calls?open=true", None).await),
        std::slice::from_ref(&open)
    );
    assert_eq!(
        ids(app.get("/api/v1/calls?open=false", None).await),
        [closed.clone(), future.clone()]
    );
    assert_eq!(
        ids(app
            .get(&format!("/api/v1/calls?partnership_id={other}"), None)
            .await),
        std::slice::from_ref(&closed)
    );
    assert_eq!(
        ids(app
            .get(
                &format!("/api/v1/calls?open=true&partnership_id={other}"),
                None
            )
            .await),
        Vec::<String>::new()
    );
    let page = app.get("/api/v1/calls?limit=2", None).await;
    assert_eq!(page["items"][0]["is_open"], false);
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    assert_eq!(
        ids(app
            .get(&format!("/api/v1/calls?limit=2&cursor={cursor}"), None)
            .await),
        [open]
    );
    assert_eq!(app.get("/api/v1/calls?open=maybe", None).await.status, 422);
    assert_eq!(
        app.get("/api/v1/calls?partnership_id=nope", None)
            .await
            .status,
        422
    );
}
both!(calls_filter_by_open_and_partnership);

/// The rule set belongs to each server, not to the process: a second server started with
/// a lower `[rules] lump_sum_ceiling_cents` judges by it while the first keeps its own.
async fn each_server_judges_by_its_own_rules(app: TestApp) {
    let c = cast(&app).await;
    let peer = app
        .spawn_peer(|s| s.rules.lump_sum_ceiling_cents = 50_000)
        .await;
    assert_eq!(peer.store.rules().lump_sum_ceiling_cents, 50_000);
    assert_eq!(app.store.rules().lump_sum_ceiling_cents, 110_000);
    let b = call_body("2026-01-01T00:00:00Z", "2026-06-30T23:59:59Z");
    let path = format!("/api/v1/partnerships/{}/calls", c.partnership);
    let r = app
        .send(
            app.client
                .post(format!("{}{path}", peer.base))
                .bearer_auth(&c.coordinator)
                .json(&b),
        )
        .await;
    assert_eq!(r.status, 422, "60 000 cents is over the peer's ceiling");
    let problem = r.body;
    assert!(
        problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "lump_sum_default_cents"),
        "{problem}"
    );
    let r = post_call(&app, &c.partnership, Some(&c.coordinator), b).await;
    assert_eq!(r.status, 201, "{}", r.text);
}
both!(each_server_judges_by_its_own_rules);
