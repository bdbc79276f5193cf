//! Invariants under concurrent requests: call budget and places, one decision per state.
use std::collections::HashMap;

use reqwest::Method;
use serde_json::json;

use crate::{both, fixtures::World, helpers::TestApp};

async fn approve(app: &TestApp, w: &World, id: &str, etag: &str) -> u16 {
    w.try_approve(app, id, etag).await.status.as_u16()
}

async fn reviewed_batch(app: &TestApp, w: &World, n: usize) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for i in 0..n {
        let (v, t) = w.another_visitor(app, i).await;
        out.push(w.reviewed(app, v, &t).await);
    }
    out
}

async fn racing_approvals_never_exceed_the_calls_places(app: TestApp) {
    let w = World::new(&app, 10, 100_000_000).await;
    let apps = reviewed_batch(&app, &w, 30).await;
    let statuses =
        futures::future::join_all(apps.iter().map(|(id, etag)| approve(&app, &w, id, etag))).await;
    let mut count: HashMap<u16, usize> = HashMap::new();
    for s in &statuses {
        *count.entry(*s).or_default() += 1;
    }
    assert_eq!(count.get(&200), Some(&10), "{count:?}");
    assert_eq!(count.get(&409), Some(&20), "{count:?}");
    let call = app.store.call(w.call).await.unwrap();
    assert_eq!(call.places_taken, 10);
    assert_eq!(call.budget_committed_cents, 10 * 110_000);
    let approved = app
        .get(
            &format!(
                "/api/v1/applications?status=approved&call_id={}&limit=200",
                w.call
            ),
            Some(&w.coordinator),
        )
        .await;
    assert_eq!(approved["items"].as_array().unwrap().len(), 10);
}
both!(racing_approvals_never_exceed_the_calls_places);

async fn racing_approvals_never_exceed_the_calls_budget(app: TestApp) {
    // Budget for exactly four grants of €1,100, ten places.
    let w = World::new(&app, 10, 4 * 110_000 + 50_000).await;
    let apps = reviewed_batch(&app, &w, 12).await;
    let statuses =
        futures::future::join_all(apps.iter().map(|(id, etag)| approve(&app, &w, id, etag))).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        4,
        "{statuses:?}"
    );
    let call = app.store.call(w.call).await.unwrap();
    assert!(call.budget_committed_cents <= call.budget_cents);
    assert_eq!(
        (call.places_taken, call.budget_committed_cents),
        (4, 4 * 110_000)
    );
}
both!(racing_approvals_never_exceed_the_calls_budget);

async fn one_decision_per_state(app: TestApp) {
    let w = World::new(&app, 10, 100_000_000).await;
    let (id, etag) = w.reviewed(&app, w.visitor, &w.applicant).await;
    let decisions = [
        "approve", "reject", "waitlist", "approve", "reject", "waitlist", "approve", "approve",
    ];
    let path = format!("/api/v1/applications/{id}/decision");
    let statuses = futures::future::join_all(decisions.iter().map(|d| {
        let (path, etag, w) = (&path, &etag, &w);
        let app = &app;
        async move {
            app.req(
                Method::POST,
                path,
                Some(&w.coordinator),
                Some(json!({"decision": d})),
                &[("if-match", etag.as_str())],
            )
            .await
        }
    }))
    .await;
    let ok = statuses.iter().filter(|r| r.status == 200).count();
    assert_eq!(
        ok,
        1,
        "{:?}",
        statuses.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    assert!(
        statuses
            .iter()
            .all(|r| [200, 409, 412].contains(&r.status.as_u16()))
    );
    let h = app
        .get(
            &format!("/api/v1/applications/{id}/history"),
            Some(&w.applicant),
        )
        .await;
    let decided = h
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| ["approved", "rejected", "waitlisted"].contains(&e["to"].as_str().unwrap()))
        .count();
    assert_eq!(decided, 1, "exactly one decision recorded");
    let call = app.store.call(w.call).await.unwrap();
    let a = app
        .get(&format!("/api/v1/applications/{id}"), Some(&w.applicant))
        .await;
    assert_eq!(call.places_taken, i32::from(a["status"] == "approved"));
}
both!(one_decision_per_state);

async fn withdrawal_frees_the_place_for_the_waitlist(app: TestApp) {
    let w = World::new(&app, 1, 100_000_000).await;
    let apps = reviewed_batch(&app, &w, 2).await;
    let (first, e1) = &apps[0];
    let (second, e2) = &apps[1];
    assert_eq!(approve(&app, &w, first, e1).await, 200);
    let r = app
        .req(
            Method::POST,
            &format!("/api/v1/applications/{second}/decision"),
            Some(&w.coordinator),
            Some(json!({"decision": "waitlist"})),
            &[("if-match", e2)],
        )
        .await;
    assert_eq!(r["status"], "waitlisted");
    let e2 = r.etag();
    assert_eq!(approve(&app, &w, second, &e2).await, 409, "no place left");
    let r = app
        .post(
            &format!("/api/v1/applications/{first}/cancel"),
            Some(&w.coordinator),
            json!({"comment": "visa refused"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let call = app.store.call(w.call).await.unwrap();
    assert_eq!((call.places_taken, call.budget_committed_cents), (0, 0));
    assert_eq!(
        approve(&app, &w, second, &e2).await,
        200,
        "the waitlisted application takes the freed place"
    );
}
both!(withdrawal_frees_the_place_for_the_waitlist);
