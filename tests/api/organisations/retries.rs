//! Retries and races: Idempotency-Key replays and concurrent writers.
use reqwest::Method;
use serde_json::json;

use crate::{
    both,
    helpers::TestApp,
    organisations::patch,
    organisations::support::{VNO, body},
};

async fn idempotent_create_replays_the_first_response(app: TestApp) {
    let (_, token) = app.user("ana@photonics.lt").await;
    let b = body("Replayed Org", "LT", VNO, "cluster_organisation");
    let send = |b: serde_json::Value| {
        app.req(
            Method::POST,
            "/api/v1/organisations",
            Some(&token),
            Some(b),
            &[("idempotency-key", "k-1")],
        )
    };
    let first = send(b.clone()).await;
    let second = send(b.clone()).await;
    assert_eq!(
        (first.status.as_u16(), second.status.as_u16()),
        (201, 201),
        "{}",
        second.text
    );
    assert_eq!(first["id"], second["id"]);
    assert_eq!(second.headers["idempotent-replayed"], "true");
    assert_eq!(second.etag(), "\"1\"");
    let rows = app.store.all_organisations().await.unwrap();
    assert_eq!(rows.iter().filter(|o| o.name == "Replayed Org").count(), 1);
    let mut other = b;
    other["name"] = json!("Another Org");
    assert_eq!(
        send(other).await.status,
        422,
        "a key reused for another body is refused"
    );
}
both!(idempotent_create_replays_the_first_response);

async fn concurrent_writes_are_decided_by_the_database(app: TestApp) {
    let (_, token) = app.user("ana@photonics.lt").await;
    // Five simultaneous creates with one Idempotency-Key: one row, one id.
    let b = body("Raced Org", "LT", VNO, "cluster_organisation");
    let sends = (0..5).map(|_| {
        app.req(
            Method::POST,
            "/api/v1/organisations",
            Some(&token),
            Some(b.clone()),
            &[("idempotency-key", "race")],
        )
    });
    let results = futures::future::join_all(sends).await;
    let created: Vec<&str> = results
        .iter()
        .filter(|r| r.status == 201)
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(!created.is_empty());
    assert!(created.iter().all(|id| *id == created[0]), "{created:?}");
    assert!(
        results.iter().all(|r| r.status == 201 || r.status == 409),
        "{:?}",
        results.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let rows = app.store.all_organisations().await.unwrap();
    assert_eq!(rows.iter().filter(|o| o.name == "Raced Org").count(), 1);

    // Five simultaneous PATCHes of version 1: exactly one wins, the others are stale.
    let path = format!("/api/v1/organisations/{}", created[0]);
    let patches = (0..5).map(|i| {
        patch(
            &app,
            &path,
            &token,
            Some("\"1\""),
            json!({"city": format!("City {i}")}),
        )
    });
    let results = futures::future::join_all(patches).await;
    let mut statuses: Vec<u16> = results.iter().map(|r| r.status.as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 412, 412, 412, 412]);
    let winner = results.iter().find(|r| r.status == 200).unwrap();
    let now = app.get(&path, Some(&token)).await;
    assert_eq!(
        (now.etag(), &now["city"]),
        ("\"2\"".to_owned(), &winner["city"])
    );
}
both!(concurrent_writes_are_decided_by_the_database);
