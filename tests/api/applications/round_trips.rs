//! Issue 17: the write paths within a budget of database round trips. Create + submit
//! was ~25 statements in two transactions; every statement pays a round trip (on SQLite
//! a hand-off to the connection's thread and back, under the writer lock for the writes).
//! The statements of one call are counted with `cxc_persistence::statements::record`;
//! the budgets fail the test when a change adds a query to these paths.
use cxc_persistence::{
    entities::outbox,
    repositories::applications::ApplicationInput,
    sea_orm::{ColumnTrait, EntityTrait, QueryFilter},
    statements,
};
use serde_json::json;

use crate::{both, fixtures::World, helpers::TestApp};

/// Statements of `create_application` (reads of the call, contact, organisations and
/// membership; the insert and its history entry).
const CREATE_BUDGET: usize = 6;
/// Statements of `submit_application` (the policy's reads, the eligibility facts, the
/// transaction's checks, update, parties, history and the three emails).
const SUBMIT_BUDGET: usize = 19;

async fn create_and_submit_stay_within_their_round_trips(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let token_hash = cxc_http::auth::token_hash(&w.applicant);
    let caller = app
        .store
        .authenticate_for(&token_hash, false)
        .await
        .unwrap()
        .expect("the applicant's session");
    let input: ApplicationInput = serde_json::from_value(w.body(w.visitor)).unwrap();
    let (created, create_sql) =
        statements::record(app.store.create_application(&caller, w.call, &input)).await;
    let created = created.unwrap();
    let (submitted, submit_sql) =
        statements::record(app.store.submit_application(&caller, created.id)).await;
    let submitted = submitted.unwrap();
    eprintln!(
        "{:?}: create {} statements, submit {}\ncreate:\n  {}\nsubmit:\n  {}",
        app.backend,
        create_sql.len(),
        submit_sql.len(),
        short(&create_sql).join("\n  "),
        short(&submit_sql).join("\n  ")
    );
    assert_eq!(submitted.status.as_str(), "submitted");
    assert!(
        create_sql.len() <= CREATE_BUDGET,
        "create: {} statements",
        create_sql.len()
    );
    assert!(
        submit_sql.len() <= SUBMIT_BUDGET,
        "submit: {} statements",
        submit_sql.len()
    );
    // What the statements wrote is what the slower path wrote: one history entry per
    // change, chained; an email to the applicant, the coordinator and the host contact.
    let h = app
        .get(
            &format!("/api/v1/applications/{}/history", created.id),
            Some(&w.applicant),
        )
        .await;
    let to: Vec<&str> = h
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to"].as_str().unwrap())
        .collect();
    assert_eq!(to, ["draft", "submitted"]);
    assert!(app.store.verify_history().await.unwrap().1.is_empty());
    let mut queued: Vec<(String, Option<uuid::Uuid>)> = outbox::Entity::find()
        .filter(outbox::Column::SubjectId.eq(created.id))
        .all(&app.store.db().conn)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.kind.as_str().to_owned(), m.to_user_id))
        .collect();
    queued.sort();
    let host_contact = app
        .store
        .authenticate_for(&cxc_http::auth::token_hash(&w.host_contact), false)
        .await
        .unwrap()
        .expect("the host contact's session")
        .id();
    assert_eq!(
        queued,
        [
            ("application_submitted".to_owned(), Some(w.applicant_id)),
            (
                "application_submitted_coordinator".to_owned(),
                Some(w.coordinator_id)
            ),
            ("host_response_requested".to_owned(), Some(host_contact)),
        ]
    );
    let r = app
        .post(
            &format!("/api/v1/applications/{}/submit", created.id),
            Some(&w.applicant),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 409, "submitted once: {}", r.text);
}
both!(create_and_submit_stay_within_their_round_trips);

/// The first words of each statement (enough to tell them apart in the output).
fn short(sql: &[String]) -> Vec<String> {
    sql.iter()
        .map(|s| {
            let s = s.replace('"', "");
            match s.find(" FROM ") {
                Some(i) if s.starts_with("SELECT") => format!("SELECT … {}", &s[i + 1..]),
                _ => s.chars().take(100).collect(),
            }
        })
        .map(|s| s.chars().take(160).collect())
        .collect()
}
