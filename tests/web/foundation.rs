//! The foundation every page stands on: layout and language, sessions, CSRF, the API's
//! rules and throttle behind the forms.
use reqwest::StatusCode;
use serde_json::json;

use crate::{both, client::Browser, helpers::TestApp};

const PASSWORD: &str = "correct horse battery";

async fn start_page(app: TestApp) {
    let mut b = Browser::new(&app);
    let p = b.get("/").await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(p.lang(), "en");
    assert!(p.has("href=\"#main\""), "skip link");
    assert!(p.has("<main id=\"main\""), "main landmark");
    assert!(p.has("<nav aria-label="), "labelled navigation");
    assert!(p.has("/assets/app.css"));
    let cookies = p.set_cookies().join("\n");
    assert!(cookies.contains("cxc_csrf="), "{cookies}");
    assert!(
        cookies.contains("HttpOnly") && cookies.contains("SameSite=Lax"),
        "{cookies}"
    );
    // Not https here, so no Secure flag (it is set when public_url is https).
    assert!(!cookies.contains("Secure"), "{cookies}");
    let csp = p.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
    // The API and the docs are where they were.
    assert_eq!(app.get("/api/v1/nope", None).await.status, 404);
    let r = app.get("/api/v1/nope", None).await;
    assert_eq!(r.headers["content-type"], "application/problem+json");
    assert_eq!(b.get("/health").await.status, 200);
    let css = b.get("/assets/app.css").await;
    assert_eq!(css.status, 200);
    assert!(css.has("@media print"));
    let missing = b.get("/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.lang(), "en");
    assert!(missing.has("Page not found"));
}
both!(start_page);

async fn language_from_header_cookie_and_account(app: TestApp) {
    let mut b = Browser::new(&app);
    b.accept_language = Some("fr;q=0.9, lt-LT;q=0.8, en;q=0.5".into());
    let p = b.get("/sign-in").await;
    assert_eq!(p.lang(), "lt");
    assert!(p.has("Prisijungimas"), "Lithuanian title");
    // The switcher sets a cookie that wins over the header.
    let p = b
        .post("/language", &[("lang", "da"), ("back", "/sign-in")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location(), "/sign-in");
    let p = b.get("/sign-in").await;
    assert_eq!(p.lang(), "da");
    // "back" never leaves the site.
    let p = b
        .post("/language", &[("lang", "es"), ("back", "//evil.example/x")])
        .await;
    assert_eq!(p.location(), "/");
    // A signed-in user's choice goes to the account (and so to their emails).
    let (_, token) = app.user("lang@example.eu").await;
    let mut b = Browser::with_session(&app, &token);
    b.get("/").await;
    let p = b.post("/language", &[("lang", "es"), ("back", "/")]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let me = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me["locale"], "es");
    b.cookies.remove("cxc_lang");
    assert_eq!(b.get("/").await.lang(), "es");
}
both!(language_from_header_cookie_and_account);

async fn sign_up_shows_the_apis_rules_and_signs_in(app: TestApp) {
    let mut b = Browser::new(&app);
    b.get("/sign-up").await;
    let p = b
        .post(
            "/sign-up",
            &[
                ("full_name", ""),
                ("email", "not-an-email"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.has("There is a problem"));
    assert!(p.has("href=\"#f-email\""), "summary links to the field");
    assert!(
        p.has("id=\"f-password-error\""),
        "message next to the field"
    );
    assert!(
        p.has("the password needs 10 to 1024 characters"),
        "the API's own message"
    );
    assert!(p.has("aria-invalid=\"true\""));
    assert!(p.has("value=\"not-an-email\""), "input kept");
    assert!(!p.has("value=\"short\""), "a password is never echoed");

    let p = b
        .post(
            "/sign-up",
            &[
                ("full_name", "Ona Jonaitė"),
                ("email", "ona@sme.lt"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    assert!(
        p.set_cookies()
            .iter()
            .any(|c| c.starts_with("cxc_session=") && c.contains("HttpOnly"))
    );
    let home = b.get("/").await;
    assert!(home.has("Welcome, Ona Jonaitė"), "{}", home.html);
    assert!(home.has("Your account is ready"));
    // The notice is shown once.
    assert!(!b.get("/").await.has("Your account is ready"));

    // The same email again: the API's conflict, next to the email field.
    let mut other = Browser::new(&app);
    other.get("/sign-up").await;
    let p = other
        .post(
            "/sign-up",
            &[
                ("full_name", "Ona"),
                ("email", "ona@sme.lt"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        p.has("an account with this email already exists"),
        "{}",
        p.html
    );
}
both!(sign_up_shows_the_apis_rules_and_signs_in);

async fn sign_out_revokes_the_session_server_side(app: TestApp) {
    app.user("out@example.eu").await;
    let mut b = Browser::new(&app);
    b.get("/sign-in?next=/calls").await;
    let p = b
        .post(
            "/sign-in",
            &[
                ("email", "out@example.eu"),
                ("password", PASSWORD),
                ("next", "/calls"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(p.location(), "/calls");
    let token = b.cookies["cxc_session"].clone();
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, 200);
    // The CSRF token changes with the session: the one from before sign-in is refused.
    let before = b.csrf.clone();
    b.get("/").await;
    assert_ne!(b.csrf, before);
    let p = b.post_raw("/sign-out", &[("csrf", &before)]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, 200);
    let p = b.post("/sign-out", &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(!b.cookies.contains_key("cxc_session"));
    // Revoked in the database, not only forgotten by the browser.
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, 401);
    // A page asked with the revoked cookie shows a signed-out visitor and drops the cookie.
    b.cookies.insert("cxc_session".into(), token);
    let p = b.get("/").await;
    assert!(p.has("href=\"/sign-in\""));
    assert!(
        p.set_cookies()
            .iter()
            .any(|c| c.starts_with("cxc_session=;"))
    );
}
both!(sign_out_revokes_the_session_server_side);

async fn forms_without_a_valid_csrf_token_are_refused(app: TestApp) {
    let mut b = Browser::new(&app);
    b.get("/sign-up").await;
    let fields = [
        ("full_name", "Eve"),
        ("email", "eve@example.eu"),
        ("password", PASSWORD),
    ];
    // No token at all.
    let p = b.post_raw("/sign-up", &fields).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert!(p.has("This form has expired"));
    // A token issued to another browser.
    let mut other = Browser::new(&app);
    other.get("/sign-up").await;
    let mut forged = vec![("csrf", other.csrf.as_str())];
    forged.extend_from_slice(&fields);
    assert_eq!(
        b.post_raw("/sign-up", &forged).await.status,
        StatusCode::FORBIDDEN
    );
    // No cookie at all (a cross-site post carries none with SameSite=Lax).
    let mut bare = Browser::new(&app);
    bare.csrf = b.csrf.clone();
    assert_eq!(
        bare.post("/sign-up", &fields).await.status,
        StatusCode::FORBIDDEN
    );
    // Nothing was created.
    let r = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "eve@example.eu", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 401);
    // The genuine form works.
    assert_eq!(
        b.post("/sign-up", &fields).await.status,
        StatusCode::SEE_OTHER
    );
}
both!(forms_without_a_valid_csrf_token_are_refused);

async fn sign_in_uses_the_apis_throttle(app: TestApp) {
    app.user("throttled@example.eu").await;
    let mut b = Browser::new(&app);
    b.get("/sign-in").await;
    for _ in 0..5 {
        let p = b
            .post(
                "/sign-in",
                &[
                    ("email", "throttled@example.eu"),
                    ("password", "wrong password!"),
                ],
            )
            .await;
        assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(p.has("The email address or the password is wrong."));
        assert!(p.has("value=\"throttled@example.eu\""));
    }
    let p = b
        .post(
            "/sign-in",
            &[("email", "throttled@example.eu"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(p.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(p.has("Too many failed attempts"));
}
both!(sign_in_uses_the_apis_throttle);
