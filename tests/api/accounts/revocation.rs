//! Issue 12, "grants cannot be taken away": admins revoke a grant, disable and re-enable
//! an account and end someone's sessions; it holds at once, on every server process;
//! every change is in the audit trail.
use reqwest::Method;
use serde_json::{Value, json};

use crate::{both, fixtures::World, helpers::TestApp};

async fn grant_id(app: &TestApp, admin: &str, user: &str, role: &str) -> String {
    let u = app.get(&format!("/api/v1/users/{user}"), Some(admin)).await;
    assert_eq!(u.status, 200, "{}", u.text);
    u["grants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["role"] == role)
        .and_then(|g| g["id"].as_str())
        .unwrap_or_else(|| panic!("no {role} grant: {}", u.text))
        .to_owned()
}

async fn a_departed_coordinator_stops_deciding_at_once(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let (id, etag) = w.reviewed(&app, w.visitor, &w.applicant).await;
    let coord = w.coordinator_id.to_string();
    // The coordinator reads the application (their caller is now in the one-second cache).
    let base = format!("/api/v1/applications/{id}");
    assert_eq!(app.get(&base, Some(&w.coordinator)).await.status, 200);
    let grant = grant_id(&app, &w.admin, &coord, "coordinator").await;
    let r = app
        .req(
            Method::DELETE,
            &format!("/api/v1/users/{coord}/grants/{grant}"),
            Some(&w.admin),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["role"], "applicant");
    assert_eq!(r["grants"], json!([]));
    let r = w.try_approve(&app, &id, &etag).await;
    assert_eq!(r.status, 404, "no longer sees P's applications: {}", r.text);
    let now = app.get(&base, Some(&w.admin)).await;
    assert_eq!(now["status"], "under_review");
    // Revoking again: the grant is gone.
    let again = app
        .req(
            Method::DELETE,
            &format!("/api/v1/users/{coord}/grants/{grant}"),
            Some(&w.admin),
            None,
            &[],
        )
        .await;
    assert_eq!(again.status, 404);
    // The trail: who granted and who revoked, when, what.
    let trail = app
        .get(
            &format!("/api/v1/admin/access-audit?user_id={coord}"),
            Some(&w.admin),
        )
        .await;
    assert_eq!(trail.status, 200, "{}", trail.text);
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["revoke", "grant"], "newest first: {}", trail.text);
    let admin_id = app.get("/api/v1/me", Some(&w.admin)).await["id"].clone();
    for e in trail["items"].as_array().unwrap() {
        assert_eq!(e["actor_id"], admin_id);
        assert_eq!(e["role"], "coordinator");
        assert_eq!(e["partnership_id"], w.partnership.to_string());
        assert!(e["at"].as_str().is_some());
    }
    // Nobody else reads the trail or revokes.
    for who in [&w.coordinator, &w.applicant] {
        let r = app.get("/api/v1/admin/access-audit", Some(who)).await;
        assert_eq!(r.status, 403, "{}", r.text);
        assert_eq!(r["rule"], "admin_only");
    }
}
both!(a_departed_coordinator_stops_deciding_at_once);

/// A request to another server process; its answer is held to the document like any other.
async fn peer_status(
    app: &TestApp,
    base: &str,
    m: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> u16 {
    let mut rb = app
        .client
        .request(m, format!("{base}{path}"))
        .bearer_auth(token);
    if let Some(b) = body {
        rb = rb.json(&b);
    }
    app.send(rb).await.status.as_u16()
}

async fn a_disabled_account_is_shut_out_on_every_instance(app: TestApp) {
    let admin = app.admin().await;
    let (uid, token) = app.user("leaver@cluster.lt").await;
    let peer = app.spawn_peer(|_| {}).await;
    let prefs = json!({"locale": "en", "reminders": true});
    // The peer has just authenticated the user (and caches them for a second).
    assert_eq!(
        peer_status(&app, &peer.base, Method::GET, "/api/v1/me", &token, None).await,
        200
    );
    let r = app
        .post(
            &format!("/api/v1/users/{uid}/disable"),
            Some(&admin),
            json!({"reason": "left the cluster"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r["disabled_at"].as_str().is_some());
    // At once, on the other process too, nothing changes any more.
    let put = peer_status(
        &app,
        &peer.base,
        Method::PUT,
        "/api/v1/me/notification-preferences",
        &token,
        Some(prefs.clone()),
    )
    .await;
    assert_eq!(put, 401, "a write on the peer right after disabling");
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, 401);
    let login = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "leaver@cluster.lt", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(login.status, 403, "{}", login.text);
    assert_eq!(login["rule"], "account_disabled");
    // Re-enabled: the owner signs in again; the old session stays ended.
    let r = app
        .post(
            &format!("/api/v1/users/{uid}/enable"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["disabled_at"], Value::Null);
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, 401);
    let fresh = app.login("leaver@cluster.lt").await;
    assert_eq!(app.get("/api/v1/me", Some(&fresh)).await.status, 200);
    // Ending someone's sessions: their token stops at once, on both processes.
    let r = app
        .req(
            Method::DELETE,
            &format!("/api/v1/users/{uid}/sessions"),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let put = peer_status(
        &app,
        &peer.base,
        Method::PUT,
        "/api/v1/me/notification-preferences",
        &fresh,
        Some(prefs),
    )
    .await;
    assert_eq!(put, 401);
    // An admin cannot lock themselves out; others cannot disable anyone.
    let me = app.get("/api/v1/me", Some(&admin)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = app
        .post(
            &format!("/api/v1/users/{me}/disable"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 403);
    assert_eq!(r["rule"], "self_lockout");
    let other = app.login("leaver@cluster.lt").await;
    let r = app
        .post(
            &format!("/api/v1/users/{me}/disable"),
            Some(&other),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 403);
    let trail = app
        .get(
            &format!("/api/v1/admin/access-audit?user_id={uid}&limit=2"),
            Some(&admin),
        )
        .await;
    let actions: Vec<&str> = trail["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["end_sessions", "enable"]);
    let next = trail["next_cursor"].as_str().expect("a second page");
    let rest = app
        .get(
            &format!("/api/v1/admin/access-audit?user_id={uid}&cursor={next}"),
            Some(&admin),
        )
        .await;
    assert_eq!(rest["items"][0]["action"], "disable");
    assert_eq!(rest["items"][0]["detail"], "left the cluster");
}
both!(a_disabled_account_is_shut_out_on_every_instance);

async fn admins_list_users_with_their_grants(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let r = app.get("/api/v1/users?limit=2", Some(&w.admin)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["items"].as_array().unwrap().len(), 2);
    let mut seen = 0;
    let mut cursor = r["next_cursor"].as_str().map(str::to_owned);
    seen += 2;
    while let Some(c) = cursor {
        let page = app
            .get(&format!("/api/v1/users?limit=2&cursor={c}"), Some(&w.admin))
            .await;
        seen += page["items"].as_array().unwrap().len();
        cursor = page["next_cursor"].as_str().map(str::to_owned);
    }
    assert!(
        seen >= 4,
        "admin, applicant, host contact, coordinator: {seen}"
    );
    let coord = w.coordinator_id.to_string();
    let found = app.get("/api/v1/users?q=coord-", Some(&w.admin)).await;
    let row = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == coord.as_str())
        .cloned()
        .expect("found by email");
    assert_eq!(row["grants"][0]["role"], "coordinator");
    assert_eq!(
        row["grants"][0]["partnership_id"],
        w.partnership.to_string()
    );
    assert_eq!(
        app.get("/api/v1/users", Some(&w.coordinator)).await.status,
        403
    );
    assert_eq!(
        app.get("/api/v1/users?limit=0", Some(&w.admin))
            .await
            .status,
        422
    );
}
both!(admins_list_users_with_their_grants);
