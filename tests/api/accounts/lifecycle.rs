//! Issue 12, "Anyone can be anyone": no verification, no reset, no change of password,
//! look-alike and invisible characters accepted, contacts added without consent. Each
//! is replayed here against the real server and now refused or required.
use cxc_persistence::{
    entities::outbox,
    sea_orm::{ColumnTrait, EntityTrait, QueryFilter},
};
use futures::future::join_all;
use reqwest::Method;
use serde_json::json;

use crate::{both, helpers::TestApp};

const PASSWORD: &str = "correct horse battery";

async fn register_status(app: &TestApp, email: &str) -> (u16, String) {
    let r = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": email, "password": PASSWORD, "full_name": "Look Alike"}),
        )
        .await;
    let code = r["errors"][0]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (r.status.as_u16(), code)
}

/// A colleague's address with one look-alike or invisible character is refused, so it
/// cannot be registered by someone else; the real address still can be.
async fn look_alike_and_invisible_addresses_are_refused(app: TestApp) {
    for (raw, code) in [
        ("\u{430}na@cluster.lt", "confusable_characters"), // Cyrillic а
        ("\u{FF41}na@cluster.lt", "confusable_characters"), // full-width ａ
        ("an\u{200B}a@cluster.lt", "invisible_characters"), // zero-width space
        ("an\u{AD}a@cluster.lt", "invisible_characters"),  // soft hyphen
        ("ana@clust\u{435}r.lt", "confusable_characters"), // Cyrillic е in the domain
        ("jūratė@cluster.lt", "non_ascii_local_part"),     // relay without SMTPUTF8
    ] {
        assert_eq!(
            register_status(&app, raw).await,
            (422, code.to_owned()),
            "{raw:?}"
        );
    }
    app.user("ana@cluster.lt").await;
    // An internationalised domain is stored in its ASCII form: both spellings are one
    // address, so the second registration is a duplicate.
    let r = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": "Anna@BÜCHER.de", "password": PASSWORD, "full_name": "Anna"}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r["email"], "anna@xn--bcher-kva.de");
    assert_eq!(r["email_verified"], false);
    assert_eq!(register_status(&app, "anna@xn--bcher-kva.de").await.0, 409);
    assert_eq!(
        register_status(&app, "anna@bu\u{308}cher.de").await.0,
        409,
        "decomposed ü is the same address after NFC"
    );
    // Login accepts any spelling of the same address.
    let r = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "anna@bücher.de", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
}
both!(look_alike_and_invisible_addresses_are_refused);

/// Before the address is proven the account can sign in and read, but not register an
/// organisation, be named a contact or receive a role; after the link in the mail, it can.
async fn an_unverified_account_gets_no_rights(app: TestApp) {
    let admin = app.admin().await;
    let (_, owner) = app.user("owner@org.eu").await;
    let org = app
        .post(
            "/api/v1/organisations",
            Some(&owner),
            crate::authz::table::org_body("Owner Works"),
        )
        .await;
    assert_eq!(org.status, 201, "{}", org.text);
    let org_id = org["id"].as_str().unwrap().to_owned();

    let id = app.register("squatter@org.eu").await;
    let token = app.login("squatter@org.eu").await;
    let me = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me["email_verified"], false);
    let r = app
        .post(
            "/api/v1/organisations",
            Some(&token),
            crate::authz::table::org_body("Squat"),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = app
        .post(
            &format!("/api/v1/organisations/{org_id}/contacts"),
            Some(&owner),
            json!({"email": "squatter@org.eu"}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r["errors"][0]["code"], "account_unverified");
    let r = app
        .req(
            Method::PUT,
            &format!("/api/v1/users/{id}/role"),
            Some(&admin),
            Some(json!({"role": "admin"})),
            &[],
        )
        .await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r["code"], "account_unverified");

    // A resent link voids the first one.
    let first = app.mail_token("squatter@org.eu", "verify_email").await;
    let r = app
        .req(
            Method::POST,
            "/api/v1/auth/verify-email/resend",
            Some(&token),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 204);
    let second = app.mail_token("squatter@org.eu", "verify_email").await;
    assert_ne!(first, second);
    let r = app
        .post("/api/v1/auth/verify-email", None, json!({"token": first}))
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r["errors"][0]["code"], "invalid_token");
    // Two concurrent uses of one link: exactly one succeeds.
    let uses = join_all(
        (0..2).map(|_| app.post("/api/v1/auth/verify-email", None, json!({"token": second}))),
    )
    .await;
    let mut statuses: Vec<u16> = uses.iter().map(|r| r.status.as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 422]);
    app.wait_for_mail("squatter@org.eu", "Welcome").await;
    let r = app
        .post(
            "/api/v1/organisations",
            Some(&token),
            crate::authz::table::org_body("Now Verified"),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}
both!(an_unverified_account_gets_no_rights);

/// Naming someone a contact sends an invitation; declining adds nothing, only the invitee
/// answers, an answer is final, and a second invitation works.
async fn contacts_need_consent(app: TestApp) {
    let (_, owner) = app.user("boss@org.eu").await;
    let (_, bob) = app.user("bob@org.eu").await;
    let (_, eve) = app.user("eve@org.eu").await;
    let org = app
        .post(
            "/api/v1/organisations",
            Some(&owner),
            crate::authz::table::org_body("Consent Works"),
        )
        .await;
    let contacts = format!(
        "/api/v1/organisations/{}/contacts",
        org["id"].as_str().unwrap()
    );
    let inv = app
        .post(&contacts, Some(&owner), json!({"email": "bob@org.eu"}))
        .await;
    assert_eq!(inv.status, 202, "{}", inv.text);
    app.wait_for_mail("bob@org.eu", "Consent Works").await;
    let row = outbox::Entity::find()
        .filter(outbox::Column::Kind.eq("contact_invitation"))
        .one(&app.store.db().conn)
        .await
        .unwrap()
        .unwrap();
    assert!(
        row.body_text
            .contains(&format!("/invitations/{}", inv["id"].as_str().unwrap())),
        "the mail links to the invitation: {}",
        row.body_text
    );
    let again = app
        .post(&contacts, Some(&owner), json!({"email": "bob@org.eu"}))
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(again["code"], "already_invited");
    let mine = app.get("/api/v1/me/invitations", Some(&bob)).await;
    assert_eq!(mine.body.as_array().unwrap().len(), 1);
    assert_eq!(mine.body[0]["organisation_name"], "Consent Works");
    let id = inv["id"].as_str().unwrap();
    let decline = format!("/api/v1/invitations/{id}/decline");
    let r = app.req(Method::POST, &decline, Some(&eve), None, &[]).await;
    assert_eq!(r.status, 404, "only the invitee answers");
    let r = app.req(Method::POST, &decline, Some(&bob), None, &[]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["status"], "declined");
    let accept = format!("/api/v1/invitations/{id}/accept");
    let r = app.req(Method::POST, &accept, Some(&bob), None, &[]).await;
    assert_eq!(r.status, 409, "an answer is final");
    assert_eq!(
        app.get(&contacts, Some(&owner)).await["contacts"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Invited again, bob accepts, twice at once: one answer wins.
    let inv = app
        .post(&contacts, Some(&owner), json!({"email": "bob@org.eu"}))
        .await;
    assert_eq!(inv.status, 202, "{}", inv.text);
    let accept = format!("/api/v1/invitations/{}/accept", inv["id"].as_str().unwrap());
    let answers =
        join_all((0..2).map(|_| app.req(Method::POST, &accept, Some(&bob), None, &[]))).await;
    let mut statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409]);
    assert_eq!(
        app.get(&contacts, Some(&owner)).await["contacts"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(
        app.get("/api/v1/me/invitations", Some(&bob))
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );
}
both!(contacts_need_consent);

/// Reset by email: the same 202 for known and unknown addresses, a single-use link,
/// every session ended, the old password dead, a notice sent.
async fn password_reset_by_email(app: TestApp) {
    app.user("forgetful@x.eu").await;
    let session = app.login("forgetful@x.eu").await;
    let known = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            json!({"email": "Forgetful@x.eu"}),
        )
        .await;
    let unknown = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            json!({"email": "nobody@x.eu"}),
        )
        .await;
    let malformed = app
        .post(
            "/api/v1/auth/password-reset",
            None,
            json!({"email": "not an address"}),
        )
        .await;
    for r in [&known, &unknown, &malformed] {
        assert_eq!(r.status, 202, "{}", r.text);
        assert_eq!(r.text, known.text, "the same answer");
    }
    let token = app.mail_token("forgetful@x.eu", "password_reset").await;
    let r = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": token, "new_password": "short"}),
        )
        .await;
    assert_eq!(r.status, 422, "weak password refused, token kept");
    let confirm = json!({"token": token, "new_password": "a brand new horse"});
    let r = app
        .post("/api/v1/auth/password-reset/confirm", None, confirm.clone())
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    let r = app
        .post("/api/v1/auth/password-reset/confirm", None, confirm)
        .await;
    assert_eq!(r.status, 422, "single use");
    assert_eq!(
        app.get("/api/v1/me", Some(&session)).await.status,
        401,
        "sessions ended"
    );
    let old = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "forgetful@x.eu", "password": PASSWORD}),
        )
        .await;
    assert_eq!(old.status, 401);
    let new = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "forgetful@x.eu", "password": "a brand new horse"}),
        )
        .await;
    assert_eq!(new.status, 200);
    app.wait_for_mail("forgetful@x.eu", "password was changed")
        .await;
    let r = app
        .post(
            "/api/v1/auth/password-reset/confirm",
            None,
            json!({"token": "x".repeat(5000), "new_password": "a brand new horse"}),
        )
        .await;
    assert_eq!(r.status, 422);
}
both!(password_reset_by_email);

/// A signed-in change needs the current password and ends the other sessions only.
async fn password_change_ends_the_other_sessions(app: TestApp) {
    let (_, current) = app.user("changer@x.eu").await;
    let other = app.login("changer@x.eu").await;
    let wrong =
        json!({"current_password": "not my password", "new_password": "an even better horse"});
    let r = app
        .req(
            Method::POST,
            "/api/v1/auth/password",
            Some(&current),
            Some(wrong),
            &[],
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    let body = json!({"current_password": PASSWORD, "new_password": "an even better horse"});
    let r = app
        .req(
            Method::POST,
            "/api/v1/auth/password",
            Some(&current),
            Some(body),
            &[],
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
    assert_eq!(app.get("/api/v1/me", Some(&current)).await.status, 200);
    assert_eq!(app.get("/api/v1/me", Some(&other)).await.status, 401);
    app.wait_for_mail("changer@x.eu", "password was changed")
        .await;
    let r = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": "changer@x.eu", "password": "an even better horse"}),
        )
        .await;
    assert_eq!(r.status, 200);
}
both!(password_change_ends_the_other_sessions);
