//! The harness itself: it fails on drift, and the responses a generated client choked on
//! are now documented.
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::{Value, json};

use super::check;
use crate::{both, fixtures::World, helpers::TestApp};

fn headers(content_type: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    if let Ok(v) = content_type.parse() {
        h.insert(reqwest::header::CONTENT_TYPE, v);
    }
    h
}

const PATH: &str = "/api/v1/applications/0190b6a0-0000-7000-8000-000000000001";

#[test]
fn drift_is_caught() {
    let problem = json!({"type": "https://clusterxchange.eu/problems/not_found", "title": "Not Found",
                         "status": 404, "detail": "not found", "code": "not_found"});
    let ok = |status: u16, ct: &str, body: &Value| {
        check(
            &Method::GET,
            PATH,
            None,
            StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
            &headers(ct),
            &body.to_string(),
        )
    };
    assert_eq!(
        ok(404, "application/problem+json", &problem),
        Ok(()),
        "a declared problem passes"
    );
    assert!(
        ok(404, "application/json", &problem).is_err(),
        "wrong media type"
    );
    assert!(
        ok(418, "application/problem+json", &problem).is_err(),
        "undeclared status"
    );
    let mut incomplete = problem.clone();
    incomplete.as_object_mut().map(|o| o.remove("code"));
    assert!(
        ok(404, "application/problem+json", &incomplete).is_err(),
        "body not matching its schema"
    );
    assert!(
        ok(200, "application/json", &json!({"id": "not a uuid"})).is_err(),
        "a 200 body is validated too"
    );
    assert!(
        check(
            &Method::GET,
            "/api/v1/undocumented",
            None,
            StatusCode::OK,
            &headers("application/json"),
            "{}"
        )
        .is_err(),
        "an undocumented route"
    );
    assert!(
        check(
            &Method::POST,
            "/api/v1/auth/register",
            Some(&json!({"organisation_id": "0190b6a0-0000-7000-8000-000000000001"})),
            StatusCode::CREATED,
            &headers("application/json"),
            "{}"
        )
        .is_err(),
        "an accepted request the document does not describe"
    );
}

/// A client generated from the document raised on every draft: `eligibility` is null
/// until submission, and the document said it was a required object.
async fn a_draft_with_null_eligibility_is_documented(app: TestApp) {
    let w = World::new(&app, 5, 1_000_000).await;
    let r = w.file(&app, w.visitor, &w.applicant).await;
    assert_eq!(r["eligibility"], Value::Null);
    let id = r["id"].as_str().unwrap_or_default().to_owned();
    for path in [
        "/api/v1/applications".to_owned(),
        format!("/api/v1/applications/{id}"),
    ] {
        // `req` checks the response already; the explicit check keeps this test honest
        // should the hook ever move.
        let r = app.get(&path, Some(&w.applicant)).await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(
            check(&Method::GET, &path, None, r.status, &r.headers, &r.text),
            Ok(())
        );
    }
    let list = app.get("/api/v1/applications", Some(&w.applicant)).await;
    assert_eq!(
        list["items"][0]["eligibility"],
        Value::Null,
        "{}",
        list.text
    );
}
both!(a_draft_with_null_eligibility_is_documented);
