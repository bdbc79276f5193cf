//! `Idempotency-Key` on every create (ADR 0006): simultaneous twins create one record and
//! all get the first answer; a retry replays it; another body with the key is refused; a
//! failed attempt gives the key back; a claim left by a crash goes stale and is taken over.
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    both,
    fixtures::World,
    group_visits::fixtures::{self as gv, cern, with},
    helpers::{Resp, TestApp},
    organisations::support::{VNO, body as org_body},
};

const TWINS: usize = 6;

async fn keyed(app: &TestApp, path: &str, token: &str, body: &Value, key: &str) -> Resp {
    app.req(
        Method::POST,
        path,
        Some(token),
        Some(body.clone()),
        &[("idempotency-key", key)],
    )
    .await
}

/// Races [`TWINS`] identical keyed creates and checks what a client may rely on; returns
/// the created record as first answered.
async fn race(app: &TestApp, path: &str, token: &str, body: Value) -> Value {
    // A key names one request of its user: each route gets its own.
    let key = &format!("race {path}");
    let results =
        futures::future::join_all((0..TWINS).map(|_| keyed(app, path, token, &body, key))).await;
    let summary: Vec<_> = results.iter().map(|r| (r.status, &r.text)).collect();
    // Every twin gets the first answer; only past the bounded wait (a very slow first
    // request) may one be told to retry instead. Never another record, never an error.
    assert!(
        results.iter().all(|r| r.status == 201
            || (r.status == 409 && r["code"] == "idempotency_in_progress")),
        "{summary:?}"
    );
    let created: Vec<&Resp> = results.iter().filter(|r| r.status == 201).collect();
    let first: Vec<&&Resp> = created
        .iter()
        .filter(|r| !r.headers.contains_key("idempotent-replayed"))
        .collect();
    assert_eq!(first.len(), 1, "one request did the work: {summary:?}");
    let first = first[0];
    for r in &created {
        assert_eq!(r.text, first.text, "the same answer");
        assert_eq!(r.headers.get("etag"), first.headers.get("etag"));
        assert_eq!(r.headers.get("location"), first.headers.get("location"));
    }
    // Later: a retry replays; another request under the same key is refused.
    let again = keyed(app, path, token, &body, key).await;
    assert_eq!(
        (
            again.status.as_u16(),
            &again.text,
            &again.headers["idempotent-replayed"]
        ),
        (201, &first.text, &"true".parse().unwrap())
    );
    let mut other = body.clone();
    other["another_field"] = json!(1);
    let r = keyed(app, path, token, &other, key).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r["errors"][0]["code"], "idempotency_key_reused");
    first.body.clone()
}

fn named<'a>(items: &'a Value, field: &str, value: &str) -> Vec<&'a Value> {
    items
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i[field] == value)
        .collect()
}

async fn organisations_are_created_once(app: TestApp) {
    let (_, token) = app.user("ana@photonics.lt").await;
    let b = org_body("Raced Org", "LT", VNO, "cluster_organisation");
    let org = race(&app, "/api/v1/organisations", &token, b).await;
    let rows = app.store.all_organisations().await.unwrap();
    let raced: Vec<_> = rows.iter().filter(|o| o.name == "Raced Org").collect();
    assert_eq!(raced.len(), 1);
    assert_eq!(raced[0].id.to_string(), org["id"].as_str().unwrap());
}
both!(organisations_are_created_once);

async fn partnerships_and_calls_are_created_once(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let b = json!({"name": "RACED", "grant_agreement": "101037928", "programme": "COSME",
        "budget_cents": 1_000_000, "starts_on": "2022-02-01", "ends_on": "2030-01-31",
        "partners": [{"organisation_id": w.lt_cluster, "role": "coordinator"}]});
    race(&app, "/api/v1/partnerships", &w.admin, b).await;
    let list = app
        .get("/api/v1/partnerships?limit=200", Some(&w.admin))
        .await;
    assert_eq!(named(&list["items"], "name", "RACED").len(), 1);

    let b = json!({"title": "Raced call", "opens_at": "2026-01-01T00:00:00Z",
        "closes_at": "2030-06-30T21:59:59Z", "budget_cents": 3_300_000, "places": 30,
        "lump_sum_default_cents": 60_000, "eligible_profiles": ["sme"], "sectors": []});
    let path = format!("/api/v1/partnerships/{}/calls", w.partnership);
    race(&app, &path, &w.admin, b).await;
    let list = app
        .get(
            &format!("/api/v1/calls?partnership_id={}&limit=200", w.partnership),
            None,
        )
        .await;
    assert_eq!(named(&list["items"], "title", "Raced call").len(), 1);
}
both!(partnerships_and_calls_are_created_once);

async fn applications_are_created_once(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let path = format!("/api/v1/calls/{}/applications", w.call);
    race(&app, &path, &w.applicant, w.body(w.visitor)).await;
    let list = app
        .get(
            &format!("/api/v1/applications?call_id={}", w.call),
            Some(&w.applicant),
        )
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{}", list.text);
}
both!(applications_are_created_once);

async fn visits_items_and_registrations_are_created_once(app: TestApp) {
    let fx = gv::setup(&app).await;
    let b = with(cern(fx.partnership), json!({"title": "Raced visit"}));
    let visit = race(&app, "/api/v1/group-visits", &fx.organiser, b).await;
    let list = app
        .get("/api/v1/group-visits?limit=200", Some(&fx.organiser))
        .await;
    assert_eq!(named(&list["items"], "title", "Raced visit").len(), 1);

    let v = gv::id(&visit);
    let item = gv::item(
        "facility_visit",
        "Raced item",
        "2027-03-27T13:00",
        "2027-03-27T15:00",
        "SM18",
    );
    let path = format!("/api/v1/group-visits/{v}/agenda-items");
    race(&app, &path, &fx.organiser, item).await;
    let got = app
        .get(&format!("/api/v1/group-visits/{v}"), Some(&fx.organiser))
        .await;
    assert_eq!(named(&got["agenda"], "title", "Raced item").len(), 1);

    let open = gv::open_visit(&app, &fx, 10).await;
    let (_, token, org) = gv::participant(&app, "pia@cluster.lt").await;
    let path = format!("/api/v1/group-visits/{open}/registrations");
    race(&app, &path, &token, json!({"organisation_id": org})).await;
    assert_eq!(gv::regs(&app, &open, "confirmed").await.len(), 1);
}
both!(visits_items_and_registrations_are_created_once);

async fn a_failed_attempt_gives_the_key_back(app: TestApp) {
    let (_, token) = app.user("ana@photonics.lt").await;
    let mut bad = org_body("Keyed Org", "LT", VNO, "cluster_organisation");
    bad["country"] = json!("XX");
    let r = keyed(&app, "/api/v1/organisations", &token, &bad, "k").await;
    assert_eq!(r.status, 422, "{}", r.text);
    let good = org_body("Keyed Org", "LT", VNO, "cluster_organisation");
    let r = keyed(&app, "/api/v1/organisations", &token, &good, "k").await;
    assert_eq!(
        r.status, 201,
        "the corrected request may use the key: {}",
        r.text
    );
    assert!(!r.headers.contains_key("idempotent-replayed"));
}
both!(a_failed_attempt_gives_the_key_back);

/// A claim whose owner died (the row stays `in_progress`) holds twins off while fresh and
/// is taken over once stale.
async fn a_claim_left_by_a_crash_expires(app: TestApp) {
    use cxc_persistence::entities::idempotency_requests as rows;
    use cxc_persistence::sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

    let (_, token) = app.user("ana@photonics.lt").await;
    let b = org_body("Crashed Org", "LT", VNO, "cluster_organisation");
    let r = keyed(&app, "/api/v1/organisations", &token, &b, "crash").await;
    assert_eq!(r.status, 201);
    // As if the process had died between creating the record and saving the answer.
    let crash = |claimed_at: chrono::DateTime<chrono::Utc>| {
        rows::Entity::update_many()
            .col_expr(
                rows::Column::State,
                Expr::value(rows::IdemState::InProgress),
            )
            .col_expr(rows::Column::ClaimedAt, Expr::value(claimed_at))
            .filter(rows::Column::Key.eq("crash"))
            .exec(&app.store.db().conn)
    };
    crash(chrono::Utc::now()).await.unwrap();
    let r = keyed(&app, "/api/v1/organisations", &token, &b, "crash").await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r["code"], "idempotency_in_progress");

    crash(chrono::Utc::now() - chrono::Duration::minutes(10))
        .await
        .unwrap();
    let r = keyed(&app, "/api/v1/organisations", &token, &b, "crash").await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert!(!r.headers.contains_key("idempotent-replayed"), "run again");
    let again = keyed(&app, "/api/v1/organisations", &token, &b, "crash").await;
    assert_eq!(again.text, r.text, "and its answer is the one kept");
}
both!(a_claim_left_by_a_crash_expires);
