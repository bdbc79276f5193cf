//! An application that does not exist, or that the caller may not see, is 404 before
//! anything else is judged: `Store::act` reads the row under its lock and asks the
//! policy before its state, version or dates, so no 409/412/422 can give it away.

use serde_json::{Value, json};
use uuid::Uuid;

use crate::{both, fixtures::World, helpers::TestApp};

/// Every state-changing action on an application, with a body it accepts.
fn actions() -> [(&'static str, Value); 10] {
    [
        ("submit", json!({})),
        ("host-response", json!({"response": "accept"})),
        ("review", json!({})),
        ("decision", json!({"decision": "approve"})),
        ("commitment", json!({"goals": "g", "agenda": "a"})),
        ("withdraw", json!({})),
        ("cancel", json!({})),
        (
            "report",
            json!({"summary": "s", "outcomes": "o", "would_recommend": true}),
        ),
        ("report/validate", json!({})),
        (
            "payment",
            json!({"paid_on": "2027-01-01", "amount_cents": 100}),
        ),
    ]
}

async fn a_missing_or_hidden_application_is_404_before_its_state(app: TestApp) {
    let w = World::new(&app, 5, 1_000_000).await;
    // A draft: every action but submit and withdraw would be a state conflict (409), and
    // version 99 a stale one (412), for someone who may see it.
    let draft = w.draft(&app, w.visitor, &w.applicant).await;
    let (_, stranger) = app.user("stranger@elsewhere.eu").await;
    let missing = Uuid::now_v7();
    for (path, body) in actions() {
        for (who, token, id) in [
            ("admin, unknown id", &w.admin, missing.to_string()),
            (
                "coordinator, unknown id",
                &w.coordinator,
                missing.to_string(),
            ),
            ("stranger, hidden draft", &stranger, draft.clone()),
        ] {
            let r = app
                .post_if(
                    &format!("/api/v1/applications/{id}/{path}"),
                    token,
                    Some("\"99\""),
                    body.clone(),
                )
                .await;
            assert_eq!(r.status, 404, "{path} by {who}: {}", r.text);
            assert_eq!(r["code"], "not_found", "{path} by {who}");
        }
    }
    // The draft is untouched, and its owner still gets the state answers.
    let own = app
        .get(&format!("/api/v1/applications/{draft}"), Some(&w.applicant))
        .await;
    assert_eq!(
        (own["status"].as_str(), own["version"].as_i64()),
        (Some("draft"), Some(1))
    );
    let r = app
        .post(
            &format!("/api/v1/applications/{draft}/report/validate"),
            Some(&w.applicant),
            json!({}),
        )
        .await;
    assert_ne!(r.status, 404, "the owner may see it: {}", r.text);
}
both!(a_missing_or_hidden_application_is_404_before_its_state);
