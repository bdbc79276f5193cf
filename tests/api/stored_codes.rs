//! States, roles, kinds and JSON documents are typed columns: a stored value outside its
//! type is an error (a logged 500 problem over HTTP), never silently read as a default.
use chrono::Duration;
use cxc_domain::notify::{EmailKind, OutboxStatus};
use cxc_persistence::{
    RepoError,
    entities::{applications, calls, organisations, outbox, partnership_members},
    sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect, prelude::Expr},
};
use serde_json::json;
use uuid::Uuid;

use crate::{both, fixtures::World, helpers::TestApp};

/// Reads `path` past the harness's contract check (a 500 is not in the document: it is
/// the answer to a bug or to broken data, not to the request) and returns the status
/// and the problem document.
async fn raw_get(app: &TestApp, path: &str, token: &str) -> (u16, serde_json::Value) {
    let r = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let problem = r.headers().get("content-type").is_some_and(|c| {
        c.to_str()
            .unwrap_or("")
            .starts_with("application/problem+json")
    });
    assert!(problem, "a problem document");
    (status, r.json().await.unwrap_or_default())
}

async fn draft(app: &TestApp, w: &World) -> Uuid {
    let r = app
        .post(
            &format!("/api/v1/calls/{}/applications", w.call),
            Some(&w.applicant),
            w.body(w.visitor),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body["id"].as_str().unwrap().parse().unwrap()
}

async fn unknown_stored_codes_are_errors_not_defaults(app: TestApp) {
    let conn = &app.store.db().conn;
    let w = World::new(&app, 10, 10_000_000).await;
    let id = draft(&app, &w).await;
    let path = format!("/api/v1/applications/{id}");
    assert_eq!(
        app.get(&path, Some(&w.applicant)).await.body["status"],
        "draft"
    );

    // Before typed columns this row read as a draft and could be submitted again.
    let n = applications::Entity::update_many()
        .col_expr(applications::Column::Status, Expr::value("drafty"))
        .filter(applications::Column::Id.eq(id))
        .exec(conn)
        .await
        .unwrap();
    assert_eq!(n.rows_affected, 1);
    let read = applications::Entity::find_by_id(id).one(conn).await;
    assert!(read.is_err(), "{read:?}");
    let (status, problem) = raw_get(&app, &path, &w.applicant).await;
    assert_eq!(status, 500, "{problem}");
    assert_eq!(problem["status"], 500);

    // An organisation whose stored profile is unknown is not read as an SME.
    organisations::Entity::update_many()
        .col_expr(organisations::Column::Profile, Expr::value("giant"))
        .filter(organisations::Column::Id.eq(w.host))
        .exec(conn)
        .await
        .unwrap();
    assert!(matches!(
        app.store.organisation(w.host).await,
        Err(RepoError::Db(_))
    ));
    // The others still read.
    assert!(app.store.organisation(w.visitor).await.is_ok());
}
both!(unknown_stored_codes_are_errors_not_defaults);

/// A member's role is a closed set: an unknown one is not read as `partner`.
async fn an_unknown_member_role_is_an_error(app: TestApp) {
    let conn = &app.store.db().conn;
    let w = World::new(&app, 10, 10_000_000).await;
    let path = format!("/api/v1/partnerships/{}", w.partnership);
    let r = app.get(&path, Some(&w.admin)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["partners"][0]["role"], "coordinator");

    partnership_members::Entity::update_many()
        .col_expr(partnership_members::Column::Role, Expr::value("observer"))
        .filter(partnership_members::Column::PartnershipId.eq(w.partnership))
        .filter(partnership_members::Column::OrganisationId.eq(w.dk_cluster))
        .exec(conn)
        .await
        .unwrap();
    let (status, _) = raw_get(&app, &path, &w.admin).await;
    assert_eq!(status, 500);
}
both!(an_unknown_member_role_is_an_error);

/// A JSON column that does not hold its type is an error, not an empty list: the
/// travel days of an exchange, a call's eligible profiles (each a profile code).
async fn stored_json_that_does_not_fit_is_an_error(app: TestApp) {
    let conn = &app.store.db().conn;
    let w = World::new(&app, 10, 10_000_000).await;
    let id = draft(&app, &w).await;
    let path = format!("/api/v1/applications/{id}");
    assert_eq!(app.get(&path, Some(&w.applicant)).await.status, 200);

    applications::Entity::update_many()
        .col_expr(
            applications::Column::TravelDays,
            Expr::value(json!({"monday": true})),
        )
        .filter(applications::Column::Id.eq(id))
        .exec(conn)
        .await
        .unwrap();
    let (status, _) = raw_get(&app, &path, &w.applicant).await;
    assert_eq!(status, 500);

    let call = format!("/api/v1/calls/{}", w.call);
    assert_eq!(app.get(&call, Some(&w.applicant)).await.status, 200);
    calls::Entity::update_many()
        .col_expr(
            calls::Column::EligibleProfiles,
            Expr::value(json!(["sme", "giant"])),
        )
        .filter(calls::Column::Id.eq(w.call))
        .exec(conn)
        .await
        .unwrap();
    let (status, _) = raw_get(&app, &call, &w.applicant).await;
    assert_eq!(status, 500);
}
both!(stored_json_that_does_not_fit_is_an_error);

/// An outbox row that no longer reads (an unknown kind) is failed on its own, with the
/// reason; it does not stop the other messages of its batch.
async fn an_unreadable_outbox_row_does_not_stop_the_queue(app: TestApp) {
    let conn = &app.store.db().conn;
    // Two verification mails wait (this app runs no dispatcher).
    for e in ["one@x.eu", "two@x.eu"] {
        app.register(e).await;
    }
    let rows = outbox::Entity::find()
        .filter(outbox::Column::Status.eq(OutboxStatus::Pending))
        .all(conn)
        .await
        .unwrap();
    assert!(rows.len() >= 2, "{rows:?}");
    let broken = rows[0].id;
    assert!(rows.iter().all(|r| r.kind == EmailKind::VerifyEmail));
    outbox::Entity::update_many()
        .col_expr(outbox::Column::Kind, Expr::value("mystery"))
        .filter(outbox::Column::Id.eq(broken))
        .exec(conn)
        .await
        .unwrap();

    let claimed = app
        .store
        .claim_due("w1", 100, Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(claimed.len(), rows.len() - 1);
    assert!(claimed.iter().all(|m| m.id != broken));
    // The broken row is failed with the reason, so an admin sees it.
    let (status, last_error): (String, Option<String>) = outbox::Entity::find_by_id(broken)
        .select_only()
        .column(outbox::Column::Status)
        .column(outbox::Column::LastError)
        .into_tuple()
        .one(conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status, "failed");
    assert!(
        last_error.is_some_and(|e| e.starts_with("unreadable stored message")),
        "the reason is kept"
    );
    // Nothing is left to claim: the broken row is not retried on every claim.
    let again = app
        .store
        .claim_due("w2", 100, Duration::minutes(5))
        .await
        .unwrap();
    assert!(again.is_empty(), "{again:?}");
}
mod unreadable_outbox_row {
    use crate::helpers::{Backend, spawn_with};

    fn no_dispatcher(s: &mut cxc_server::settings::Settings) {
        s.dispatcher.enabled = false;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        if let Some(app) = spawn_with(Backend::Sqlite, no_dispatcher).await {
            super::an_unreadable_outbox_row_does_not_stop_the_queue(app).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        if let Some(app) = spawn_with(Backend::Postgres, no_dispatcher).await {
            super::an_unreadable_outbox_row_does_not_stop_the_queue(app).await;
        }
    }
}
