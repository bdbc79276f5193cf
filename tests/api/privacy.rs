//! Self-service export and erasure, retention, evidence packs, tamper evidence, backups.
use cxc_persistence::{
    entities::{application_history, applications},
    sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set},
};
use reqwest::Method;
use serde_json::json;

use crate::{
    both,
    fixtures::World,
    helpers::{Backend, TestApp},
};

async fn export_and_erasure(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let id = w.draft(&app, w.visitor, &w.applicant).await;
    let export = app.get("/api/v1/me/export", Some(&w.applicant)).await;
    assert_eq!(export.status, 200);
    assert_eq!(
        export["applications"][0]["participant"]["full_name"],
        "Rūta Jonaitė"
    );
    assert!(
        export["emails"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "welcome")
    );
    let email = export["account"]["email"].as_str().unwrap().to_owned();

    assert_eq!(
        app.req(Method::DELETE, "/api/v1/me", Some(&w.applicant), None, &[])
            .await
            .status,
        204
    );
    assert_eq!(
        app.get("/api/v1/me", Some(&w.applicant)).await.status,
        401,
        "sessions revoked"
    );
    let login = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": email, "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(login.status, 401);
    let a = applications::Entity::find_by_id(id.parse::<uuid::Uuid>().unwrap())
        .one(&app.store.db().conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        a.participant.full_name, "[erased]",
        "personal data anonymised"
    );
    assert!(
        !app.store.history(a.id).await.unwrap().is_empty(),
        "audit records kept"
    );
    let (_, token) = app.user(&email).await;
    assert_eq!(
        app.get("/api/v1/me", Some(&token)).await.status,
        200,
        "the address can be used again"
    );
}
both!(export_and_erasure);

async fn evidence_pack_and_tamper_evidence(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let (id, _) = w.reviewed(&app, w.visitor, &w.applicant).await;
    let pack = app
        .get(
            &format!("/api/v1/applications/{id}/evidence"),
            Some(&w.coordinator),
        )
        .await;
    assert_eq!(pack.status, 200, "{}", pack.text);
    assert_eq!(pack["history_intact"], true);
    assert!(pack["history"].as_array().unwrap().len() >= 3);
    assert!(
        pack["emails"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["kind"] == "application_submitted")
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/applications/{id}/evidence"),
            Some(&w.applicant)
        )
        .await
        .status,
        403
    );

    let entry = application_history::Entity::find()
        .filter(application_history::Column::ApplicationId.eq(id.parse::<uuid::Uuid>().unwrap()))
        .filter(application_history::Column::Seq.eq(2))
        .one(&app.store.db().conn)
        .await
        .unwrap()
        .unwrap();
    let mut am: application_history::ActiveModel = entry.into();
    am.comment = Set(Some("quietly edited".into()));
    am.update(&app.store.db().conn).await.unwrap();
    let (_, broken) = app.store.verify_history().await.unwrap();
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0].seq, 2);
    let pack = app
        .get(
            &format!("/api/v1/applications/{id}/evidence"),
            Some(&w.coordinator),
        )
        .await;
    assert_eq!(pack["history_intact"], false);
}
both!(evidence_pack_and_tamper_evidence);

async fn retention_anonymises_closed_exchanges_only(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let r = w.file(&app, w.visitor, &w.applicant).await;
    let id: uuid::Uuid = r["id"].as_str().unwrap().parse().unwrap();
    app.post(
        &format!("/api/v1/applications/{id}/withdraw"),
        Some(&w.applicant),
        json!({}),
    )
    .await;
    assert_eq!(
        app.store.apply_retention(30).await.unwrap(),
        0,
        "closed too recently"
    );
    let m = applications::Entity::find_by_id(id)
        .one(&app.store.db().conn)
        .await
        .unwrap()
        .unwrap();
    let mut am: applications::ActiveModel = m.into();
    am.updated_at = Set(chrono::Utc::now() - chrono::Duration::days(40));
    am.update(&app.store.db().conn).await.unwrap();
    assert_eq!(app.store.apply_retention(30).await.unwrap(), 1);
    assert_eq!(app.store.apply_retention(30).await.unwrap(), 0, "done once");
    let a = app
        .get(&format!("/api/v1/applications/{id}"), Some(&w.applicant))
        .await;
    assert_eq!(a["participant"]["full_name"], "[erased]");
    assert_eq!(a["status"], "withdrawn");
}
both!(retention_anonymises_closed_exchanges_only);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_backup_is_a_consistent_copy_that_restores() {
    let app = crate::helpers::spawn_app(Backend::Sqlite).await.unwrap();
    for i in 0..5 {
        app.user(&format!("u{i}@x.eu")).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("backup.db");
    let writes = async {
        for i in 5..15 {
            app.user(&format!("u{i}@x.eu")).await;
        }
    };
    let (_, backup) = tokio::join!(writes, app.store.backup_sqlite(&target));
    backup.unwrap();
    assert!(
        app.store.backup_sqlite(&target).await.is_err(),
        "never overwrites"
    );
    // Restore: a server started on the copy serves the users that were there.
    let url = format!("sqlite://{}?mode=rwc", target.display());
    let smtp = crate::smtp::SmtpServer::start().await;
    let restored = cxc_server::startup::open_store(&crate::helpers::test_settings(&url, &smtp))
        .await
        .unwrap();
    assert!(restored.user_by_email("u0@x.eu").await.unwrap().is_some());
    let integrity: Vec<String> = {
        use cxc_persistence::sea_orm::{ConnectionTrait, Statement};
        let rows = restored
            .db()
            .conn
            .query_all_raw(Statement::from_string(
                restored.db().conn.get_database_backend(),
                "PRAGMA integrity_check",
            ))
            .await
            .unwrap();
        rows.iter()
            .map(|r| r.try_get_by_index::<String>(0).unwrap())
            .collect()
    };
    assert_eq!(integrity, vec!["ok".to_owned()]);
}
