//! Conditional GET on versioned resources (issue 17): `If-None-Match` with the current
//! `ETag` gets `304 Not Modified` and no body; after a change the old tag gets the new
//! representation. The harness checks each answer against the OpenAPI document, so the
//! declared 304 is checked too.
use reqwest::Method;
use serde_json::json;

use crate::{both, fixtures::World, helpers::TestApp};

async fn unchanged_resources_answer_304_and_changed_ones_200(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let id = w.draft(&app, w.visitor, &w.applicant).await;
    let path = format!("/api/v1/applications/{id}");
    let first = app.get(&path, Some(&w.applicant)).await;
    assert_eq!(first.status, 200);
    let tag = first.etag();
    let same = app
        .get_with(&path, Some(&w.applicant), &[("if-none-match", &tag)])
        .await;
    assert_eq!(same.status, 304, "{}", same.text);
    assert!(same.text.is_empty(), "a 304 has no body");
    assert_eq!(same.etag(), tag);
    // Weak comparison, lists and `*` (RFC 9110 §13.1.2); another tag is not a match.
    let listed = format!("\"nope\", W/{tag}");
    assert_eq!(
        app.get_with(&path, Some(&w.applicant), &[("if-none-match", &listed)])
            .await
            .status,
        304
    );
    assert_eq!(
        app.get_with(&path, Some(&w.applicant), &[("if-none-match", "*")])
            .await
            .status,
        304
    );
    assert_eq!(
        app.get_with(&path, Some(&w.applicant), &[("if-none-match", "\"0\"")])
            .await
            .status,
        200
    );
    // Conditional requests do not bypass access control.
    let nosy = app.user("nosy@sme.lt").await.1;
    assert_eq!(
        app.get_with(&path, Some(&nosy), &[("if-none-match", &tag)])
            .await
            .status,
        404
    );
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
    let after = app
        .get_with(&path, Some(&w.applicant), &[("if-none-match", &tag)])
        .await;
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
        let again = app
            .get_with(
                &path,
                Some(&w.coordinator),
                &[("if-none-match", &ok.etag())],
            )
            .await;
        assert_eq!(again.status, 304, "{path}");
    }
}
both!(unchanged_resources_answer_304_and_changed_ones_200);
