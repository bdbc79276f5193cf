//! Conditional GET on versioned resources (issue 17): `If-None-Match` with the current
//! `ETag` gets `304 Not Modified` and no body; after a change the old tag gets the new
//! representation. The harness checks each answer against the OpenAPI document, so the
//! declared 304 is checked too.
use reqwest::Method;
use serde_json::json;

use crate::{both, fixtures::World, helpers::TestApp};

async fn get_if(app: &TestApp, path: &str, token: &str, tag: &str) -> crate::helpers::Resp {
    app.req(
        Method::GET,
        path,
        Some(token),
        None,
        &[("if-none-match", tag)],
    )
    .await
}

async fn unchanged_resources_answer_304_and_changed_ones_200(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let r = app
        .post(
            &format!("/api/v1/calls/{}/applications", w.call),
            Some(&w.applicant),
            w.body(w.visitor),
        )
        .await;
    let id = r["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/applications/{id}");
    let first = app.get(&path, Some(&w.applicant)).await;
    assert_eq!(first.status, 200);
    let tag = first.etag();
    let same = get_if(&app, &path, &w.applicant, &tag).await;
    assert_eq!(same.status, 304, "{}", same.text);
    assert!(same.text.is_empty(), "a 304 has no body");
    assert_eq!(same.etag(), tag);
    // Weak comparison, lists and `*` (RFC 9110 §13.1.2); another tag is not a match.
    let listed = format!("\"nope\", W/{tag}");
    assert_eq!(get_if(&app, &path, &w.applicant, &listed).await.status, 304);
    assert_eq!(get_if(&app, &path, &w.applicant, "*").await.status, 304);
    assert_eq!(get_if(&app, &path, &w.applicant, "\"0\"").await.status, 200);
    // Conditional requests do not bypass access control.
    let nosy = app.user("nosy@sme.lt").await.1;
    assert_eq!(get_if(&app, &path, &nosy, &tag).await.status, 404);
    let changed = app
        .req(
            Method::PATCH,
            &path,
            Some(&w.applicant),
            Some(json!({"objectives": "Changed objectives"})),
            &[("if-match", &tag)],
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    let after = get_if(&app, &path, &w.applicant, &tag).await;
    assert_eq!(after.status, 200);
    assert_eq!(after["objectives"], "Changed objectives");
    assert_eq!(after.etag(), changed.etag());
    // The other versioned resources use the same rule.
    for path in [
        format!("/api/v1/calls/{}", w.call),
        format!("/api/v1/partnerships/{}", w.partnership),
        format!("/api/v1/organisations/{}", w.visitor),
    ] {
        let ok = app.get(&path, Some(&w.coordinator)).await;
        assert_eq!(ok.status, 200, "{path}: {}", ok.text);
        let again = get_if(&app, &path, &w.coordinator, &ok.etag()).await;
        assert_eq!(again.status, 304, "{path}");
    }
}
both!(unchanged_resources_answer_304_and_changed_ones_200);
