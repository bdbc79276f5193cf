//! The admin's pages (issue 16): users and their grants, giving and revoking a role,
//! disabling and enabling an account, ending its sessions; every rule the API's.
use reqwest::StatusCode;

use crate::{both, client::Browser, fixtures::World, helpers::TestApp};

async fn admin_grants_revokes_disables_and_enables(app: TestApp) {
    let w = World::new(&app, 5, 1_000_000).await;
    let (id, token) = app.user("newcoordinator@cluster.dk").await;
    let mut admin = Browser::with_session(&app, &w.admin);
    let list = admin.get("/manage/users?q=newcoord").await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.html);
    assert!(list.has("newcoordinator@cluster.dk") && list.has(&format!("/manage/users/{id}")));
    assert!(!list.has("@sme.lt"), "the search filters");
    let page = admin.get(&format!("/manage/users/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.has("Give a role"));

    // An admin is not scoped to a partnership: the API's message next to the field.
    let partnership = w.partnership.to_string();
    let p = admin
        .post(
            &format!("/manage/users/{id}/grant"),
            &[("role", "admin"), ("partnership_id", &partnership)],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    assert!(p.has("id=\"f-partnership_id-error\""), "{}", p.html);
    let p = admin
        .post(
            &format!("/manage/users/{id}/grant"),
            &[("role", "coordinator"), ("partnership_id", &partnership)],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let api = app
        .get(&format!("/api/v1/users/{id}"), Some(&w.admin))
        .await;
    let grant = api["grants"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(api["grants"][0]["role"], "coordinator");
    // The new coordinator now sees the dashboard.
    let mut coordinator = Browser::with_session(&app, &token);
    assert!(coordinator.get("/manage").await.has("Left to commit"));
    let p = admin
        .post(&format!("/manage/users/{id}/grants/{grant}/revoke"), &[])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let api = app
        .get(&format!("/api/v1/users/{id}"), Some(&w.admin))
        .await;
    assert_eq!(api["grants"].as_array().unwrap().len(), 0, "{}", api.text);
    assert!(!coordinator.get("/manage").await.has("Left to commit"));

    // Disabled: every session ends at once; enabled again: the password works again.
    let p = admin
        .post(
            &format!("/manage/users/{id}/disable"),
            &[("reason", "left the cluster")],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    assert!(
        admin
            .get(&format!("/manage/users/{id}"))
            .await
            .has("Disabled")
    );
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, 401);
    let p = admin.post(&format!("/manage/users/{id}/enable"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let fresh = app.login("newcoordinator@cluster.dk").await;
    assert_eq!(app.get("/api/v1/me", Some(&fresh)).await.status, 200);
    let p = admin
        .post(&format!("/manage/users/{id}/sessions"), &[])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    assert_eq!(app.get("/api/v1/me", Some(&fresh)).await.status, 401);

    // Only admins: a coordinator gets the API's refusal, and forms need their token.
    let mut c = Browser::with_session(&app, &w.coordinator);
    assert_eq!(c.get("/manage/users").await.status, StatusCode::FORBIDDEN);
    let p = c
        .post(
            &format!("/manage/users/{id}/grant"),
            &[("role", "admin"), ("partnership_id", "")],
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", p.html);
    assert_eq!(
        admin
            .post_raw(&format!("/manage/users/{id}/disable"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}
both!(admin_grants_revokes_disables_and_enables);
