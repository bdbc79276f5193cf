//! Forgotten passwords and the demo accounts' sign-in hint (issue 15): the pages call the
//! API's reset endpoints, so the single-use token, the password rules and the end of every
//! session are the API's.
use reqwest::StatusCode;

use crate::{both, client::Browser, helpers::TestApp};

async fn forgotten_password_is_reset_from_the_mailed_link(app: TestApp) {
    let email = "forgetful@example.eu";
    let (_, old_session) = app.user(email).await;
    let mut b = Browser::new(&app);
    let signin = b.get("/sign-in").await;
    assert!(signin.has("href=\"/forgot-password\""), "{}", signin.html);
    let form = b.get("/forgot-password").await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.lang(), "en");
    // An address that is no address: the API's message next to the field.
    let p = b
        .post("/forgot-password", &[("email", "not an address")])
        .await;
    assert_eq!(
        p.status,
        StatusCode::SEE_OTHER,
        "the API answers 202 for any text"
    );
    // A real address and an unknown one get the same answer.
    let unknown = b
        .post("/forgot-password", &[("email", "nobody@example.eu")])
        .await;
    let known = b.post("/forgot-password", &[("email", email)]).await;
    assert_eq!(unknown.status, known.status);
    assert_eq!(unknown.location(), known.location());
    assert_eq!(known.location(), "/sign-in");
    let token = app.mail_token(email, "password_reset").await;
    let page = b.get(&format!("/reset-password?token={token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("name=\"new_password\""), "{}", page.html);
    // Opening the link changed nothing: the old session still works.
    assert_eq!(app.get("/api/v1/me", Some(&old_session)).await.status, 200);
    // Too short: the API's rule, next to the field, and the token is still good.
    let p = b
        .post(
            "/reset-password",
            &[("token", &token), ("new_password", "short")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    assert!(p.has("id=\"f-new_password-error\""), "{}", p.html);
    let p = b
        .post(
            "/reset-password",
            &[
                ("token", &token),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    assert_eq!(p.location(), "/sign-in");
    // Every session ended; the new password signs in.
    assert_eq!(app.get("/api/v1/me", Some(&old_session)).await.status, 401);
    let p = b
        .post(
            "/sign-in",
            &[
                ("email", email),
                ("password", "a brand new passphrase"),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    // The link is single use: a second try is refused with the API's message.
    let mut other = Browser::new(&app);
    other.get("/sign-in").await;
    let p = other
        .post(
            "/reset-password",
            &[
                ("token", &token),
                ("new_password", "yet another passphrase"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    assert!(p.has("error-summary"), "{}", p.html);
    // Without the CSRF token nothing happens.
    let p = other
        .post_raw("/forgot-password", &[("email", email)])
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
}
both!(forgotten_password_is_reset_from_the_mailed_link);

async fn sign_in_names_the_demo_accounts_in_demo_mode(app: TestApp) {
    let mut b = Browser::new(&app);
    let p = b.get("/sign-in").await;
    assert!(!p.has("Demo accounts"), "no demo data, no hint");
    let hash = cxc_http::auth::hash_password(cxc_domain::demo::DEFAULT_PASSWORD).unwrap();
    for (_, email, name, role) in cxc_domain::demo::ACCOUNTS {
        app.store
            .create_user(cxc_persistence::repositories::accounts::NewUser {
                email,
                password_hash: hash.clone(),
                full_name: name,
                locale: "en",
                role,
            })
            .await
            .unwrap();
    }
    let p = b.get("/sign-in").await;
    assert!(p.has("Demo accounts"), "{}", p.html);
    for (_, email, _, _) in cxc_domain::demo::ACCOUNTS {
        assert!(p.has(email), "{email}");
    }
    assert!(p.has(cxc_domain::demo::DEFAULT_PASSWORD));
    // The hint works: the applicant signs in with what the page shows.
    let p = b
        .post(
            "/sign-in",
            &[
                (
                    "email",
                    cxc_domain::demo::email_of(cxc_domain::demo::DemoRole::Applicant),
                ),
                ("password", cxc_domain::demo::DEFAULT_PASSWORD),
                ("next", "/"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
}
both!(sign_in_names_the_demo_accounts_in_demo_mode);
