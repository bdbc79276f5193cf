mod lifecycle;
mod revocation;
mod throttle;

use reqwest::Method;
use serde_json::json;

use crate::{both, helpers::TestApp};

async fn register_login_me_logout(app: TestApp) {
    let (id, token) = app.user("ana@cluster.lt").await;
    let me = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me.status, 200);
    assert_eq!(me["id"], id.as_str());
    assert_eq!(me["role"], "applicant");
    assert_eq!(me["locale"], "en");
    assert!(me["organisation_ids"].as_array().unwrap().is_empty());
    assert_eq!(me["grants"], json!([]), "an applicant holds no grant");
    let welcome = app.wait_for_mail("ana@cluster.lt", "Welcome").await;
    assert!(welcome.header("message-id").is_some());
    let out = app
        .req(Method::POST, "/api/v1/auth/logout", Some(&token), None, &[])
        .await;
    assert_eq!(out.status, 204);
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, 401);
}
both!(register_login_me_logout);

/// `/me` lists the caller's role grants (the web shows "Manage" only to holders); a
/// revoked grant is gone from it.
async fn me_lists_the_callers_grants(app: TestApp) {
    let fx = crate::group_visits::fixtures::setup(&app).await;
    let me = app.get("/api/v1/me", Some(&fx.organiser)).await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(
        me["grants"],
        json!([{"role": "partner", "partnership_id": fx.partnership.to_string()}])
    );
    let admin = app.get("/api/v1/me", Some(&fx.admin)).await;
    assert_eq!(admin["role"], "admin");
    let user = app
        .get(
            &format!("/api/v1/users/{}", fx.organiser_id),
            Some(&fx.admin),
        )
        .await;
    assert_eq!(user.status, 200, "{}", user.text);
    let grant = user["grants"][0]["id"].as_str().unwrap().to_owned();
    let r = app
        .req(
            Method::DELETE,
            &format!("/api/v1/users/{}/grants/{grant}", fx.organiser_id),
            Some(&fx.admin),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Reads may be served from the one-second session cache.
    let mut grants = json!(null);
    for _ in 0..30 {
        grants = app.get("/api/v1/me", Some(&fx.organiser)).await["grants"].clone();
        if grants == json!([]) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(grants, json!([]));
}
both!(me_lists_the_callers_grants);

async fn duplicate_email_is_409_and_changes_nothing(app: TestApp) {
    app.user("dup@x.eu").await;
    let r = app.post("/api/v1/auth/register", None, json!({"email": "DUP@x.eu", "password": "another password", "full_name": "X", "locale": "en"})).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r.headers["content-type"], "application/problem+json");
}
both!(duplicate_email_is_409_and_changes_nothing);

async fn unknown_email_and_wrong_password_look_the_same(app: TestApp) {
    app.user("known@x.eu").await;
    let a = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "known@x.eu", "password": "wrong password!"}),
        )
        .await;
    let b = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "nobody@x.eu", "password": "wrong password!"}),
        )
        .await;
    assert_eq!(a.status, 401);
    assert_eq!(b.status, 401);
    assert_eq!(a["detail"], b["detail"]);
    assert_eq!(a["code"], b["code"]);
}
both!(unknown_email_and_wrong_password_look_the_same);

async fn login_is_throttled_per_account(app: TestApp) {
    app.user("victim@x.eu").await;
    for _ in 0..5 {
        let r = app
            .post(
                "/api/v1/auth/login",
                None,
                json!({"email": "victim@x.eu", "password": "wrong password!"}),
            )
            .await;
        assert_eq!(r.status, 401);
    }
    let r = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "victim@x.eu", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(r.status, 429);
    let retry: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry >= 1);
}
both!(login_is_throttled_per_account);

async fn bad_bodies_get_the_right_4xx(app: TestApp) {
    let url = format!("{}/api/v1/auth/register", app.base);
    let send = |body: String, ct: &'static str| {
        app.send(
            app.client
                .post(url.clone())
                .header("content-type", ct)
                .body(body),
        )
    };
    assert_eq!(
        send("{not json".into(), "application/json").await.status,
        400
    );
    let r = send(
        r#"{"email": 5, "password": "x", "full_name": "x"}"#.into(),
        "application/json",
    )
    .await;
    assert_eq!(r.status, 422);
    assert_eq!(r["errors"][0]["field"], "email");
    assert_eq!(send("{}".into(), "text/plain").await.status, 415);
    // Declared too large: refused before the body is read (a raw socket, so the client
    // cannot race the server's early answer with its own upload).
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut s, b"POST /api/v1/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2097152\r\n\r\n").await.unwrap();
    let mut buf = vec![0u8; 4096];
    let n = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        tokio::io::AsyncReadExt::read(&mut s, &mut buf),
    )
    .await
    .unwrap()
    .unwrap();
    let head = String::from_utf8_lossy(&buf[..n]).to_lowercase();
    assert!(
        head.starts_with("http/1.1 413") && head.contains("application/problem+json"),
        "{head}"
    );
    let r = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": "not-an-email", "password": "short", "full_name": "", "locale": "fr"}),
        )
        .await;
    assert_eq!(r.status, 422);
    assert_eq!(r["errors"].as_array().unwrap().len(), 4, "{}", r.text);
}
both!(bad_bodies_get_the_right_4xx);

async fn only_admins_grant_roles(app: TestApp) {
    let (id, token) = app.user("someone@x.eu").await;
    let r = app
        .req(
            Method::PUT,
            &format!("/api/v1/users/{id}/role"),
            Some(&token),
            Some(json!({"role": "admin"})),
            &[],
        )
        .await;
    assert_eq!(r.status, 403);
    let admin = app.admin().await;
    let r = app
        .req(
            Method::PUT,
            &format!("/api/v1/users/{id}/role"),
            Some(&admin),
            Some(json!({"role": "wizard"})),
            &[],
        )
        .await;
    assert_eq!(r.status, 422);
    let r = app
        .req(
            Method::PUT,
            &format!("/api/v1/users/{id}/role"),
            Some(&admin),
            Some(json!({"role": "admin"})),
            &[],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["role"], "admin");
    let r = app
        .req(
            Method::PUT,
            "/api/v1/users/00000000-0000-0000-0000-000000000000/role",
            Some(&admin),
            Some(json!({"role": "admin"})),
            &[],
        )
        .await;
    assert_eq!(r.status, 404);
}
both!(only_admins_grant_roles);

/// The headline role is the highest one held: granting a coordinator a partner role as
/// well must not demote them (it used to become whatever was granted last).
async fn a_lesser_grant_does_not_demote(app: TestApp) {
    let fx = crate::group_visits::fixtures::setup(&app).await;
    let path = format!("/api/v1/users/{}/role", fx.organiser_id);
    let grant = |role: &'static str| {
        app.req(
            Method::PUT,
            &path,
            Some(&fx.admin),
            Some(json!({"role": role, "partnership_id": fx.partnership})),
            &[],
        )
    };
    let r = grant("coordinator").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["role"], "coordinator");
    let r = grant("partner").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["role"], "coordinator", "{}", r.text);
}
both!(a_lesser_grant_does_not_demote);

async fn preferences_round_trip(app: TestApp) {
    let (_, token) = app.user("prefs@x.eu").await;
    let r = app
        .req(
            Method::PUT,
            "/api/v1/me/notification-preferences",
            Some(&token),
            Some(json!({"locale": "da", "reminders": false})),
            &[],
        )
        .await;
    assert_eq!(r.status, 200);
    let r = app
        .get("/api/v1/me/notification-preferences", Some(&token))
        .await;
    assert_eq!(r["locale"], "da");
    assert_eq!(r["reminders"], false);
}
both!(preferences_round_trip);
