//! The authorisation table, part 1: service, accounts, privacy, organisations,
//! partnerships and calls, the admin outbox, unsubscribe links.
//! Columns: anon, applicant, other applicant, host contact, partner, coord P, coord P2, admin.
use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use cxc_persistence::{
    entities::role_grants,
    sea_orm::{ColumnTrait, EntityTrait, QueryFilter},
};

use crate::authz::{Cx, Req, Row, Who, fixed, on, row};

pub const PUBLIC: [u16; 8] = [200; 8];
pub const SIGNED_IN: [u16; 8] = [401, 200, 200, 200, 200, 200, 200, 200];
const SIGNED_IN_204: [u16; 8] = [401, 204, 204, 204, 204, 204, 204, 204];
const SIGNED_IN_201: [u16; 8] = [401, 201, 201, 201, 201, 201, 201, 201];
const ADMIN_ONLY: [u16; 8] = [401, 403, 403, 403, 403, 403, 403, 200];
const ADMIN_ONLY_204: [u16; 8] = [401, 403, 403, 403, 403, 403, 403, 204];
const ADMIN_CREATES: [u16; 8] = [401, 403, 403, 403, 403, 403, 403, 201];
/// The full record of V: its contacts, partnership staff (any grant — partnerships
/// validate and match organisations across partnerships; debatable, kept: the contract
/// says "partner, coordinator" without a partnership), admins. Not the other applicant
/// nor the host contact.
const SEES_V: [u16; 8] = [401, 200, 404, 404, 200, 200, 200, 200];
/// Acting for V: its contacts and admins (data care); staff see V, so 403.
const EDITS_V: [u16; 8] = [401, 200, 404, 404, 403, 403, 403, 200];
/// Naming a contact of V sends an invitation (202): V's contacts and admins.
const INVITES_CONTACT: [u16; 8] = [401, 202, 404, 404, 403, 403, 403, 202];
/// An invitation addressed to the applicant: only the applicant answers it; to everyone
/// else, admins included, it does not exist.
const INVITEE_ONLY: [u16; 8] = [401, 200, 404, 404, 404, 404, 404, 404];
/// Account-lifecycle links: the token in the mail is the credential, whoever follows it.
const WITH_TOKEN_204: [u16; 8] = [204; 8];
/// Partnerships and calls are public knowledge, so outsiders get 403, not 404.
const COORDINATES_P: [u16; 8] = [401, 403, 403, 403, 403, 200, 403, 200];
const WORKS_FOR_P: [u16; 8] = [401, 403, 403, 403, 200, 200, 403, 200];

pub fn org_body(name: &str) -> Value {
    json!({
        "name": name, "country": "LT", "city": "Kaunas", "latitude": 54.9, "longitude": 23.9,
        "profile": "large_company", "cluster_ids": [], "sectors": ["energy"], "competencies": []
    })
}

fn dk_body() -> Value {
    json!({
        "name": "Calc host", "country": "DK", "city": "Aarhus", "latitude": 56.16, "longitude": 10.2,
        "profile": "large_company", "cluster_ids": [], "sectors": [], "competencies": []
    })
}

fn exchange_body(visitor: Value, host: Value) -> Value {
    json!({"visitor": visitor, "host": host, "start_date": "2026-03-02", "end_date": "2026-03-06"})
}

fn partnership_body(cx: &Cx) -> Value {
    let n = cx.next();
    json!({
        "name": format!("New partnership {n}"), "grant_agreement": format!("1010{n:05}"),
        "programme": "COSME", "budget_cents": 1_000_000,
        "starts_on": "2026-01-01", "ends_on": "2028-12-31",
        "partners": [{"organisation_id": cx.w.lt_cluster, "role": "coordinator"}]
    })
}

fn call_body(cx: &Cx) -> Value {
    json!({
        "title": format!("Call {}", cx.next()),
        "opens_at": Utc::now() + Duration::days(60), "closes_at": Utc::now() + Duration::days(90),
        "budget_cents": 1_000_000, "places": 10, "min_working_days": 3, "max_days": 31,
        "lump_sum_default_cents": 60_000, "lump_sums_by_host_country": {"DK": 78_000}
    })
}

async fn unsubscribe_token(cx: &Cx) -> String {
    let (user, _) = cx.bystander().await;
    cx.app.store.unsubscribe_token(user)
}

pub fn rows() -> Vec<Row> {
    use Method as M;
    vec![
        // Service. Metrics are public in the test configuration ("anyone (configurable)").
        fixed(M::GET, "/health", PUBLIC),
        fixed(M::GET, "/metrics", PUBLIC),
        // The constant endpoint: the benchmark's framework ceiling.
        fixed(M::GET, "/api/v1/ping", PUBLIC),
        // The OpenAPI document (twice: the Swagger UI page at /docs reads the second).
        fixed(M::GET, "/openapi.json", PUBLIC),
        fixed(M::GET, "/docs/openapi.json", PUBLIC),
        // Accounts. A signed-in caller may register or log in another account.
        row(
            M::POST,
            "/api/v1/auth/register",
            [201; 8],
            |cx, _| async move {
                let email = format!("new{}@example.eu", cx.next());
                let pw = "correct horse battery";
                Req::new()
                    .json(json!({"email": email, "password": pw, "full_name": "N", "locale": "en"}))
            },
        ),
        row(M::POST, "/api/v1/auth/login", PUBLIC, |cx, _| async move {
            let email = cx.app.store.user(cx.w.applicant_id).await.unwrap().email;
            Req::new().json(json!({"email": email, "password": "correct horse battery"}))
        }),
        // A fresh session of the caller's own account, so the caller's token survives.
        row(
            M::POST,
            "/api/v1/auth/logout",
            SIGNED_IN_204,
            |cx, who| async move {
                match who {
                    Who::Anon => Req::new(),
                    _ => Req::new().token(cx.fresh_session(who).await),
                }
            },
        ),
        fixed(M::GET, "/api/v1/me", SIGNED_IN),
        // Account lifecycle (issue 12). Each caller follows the link of a fresh mail.
        row(
            M::POST,
            "/api/v1/auth/verify-email",
            PUBLIC,
            |cx, _| async move {
                let email = format!("unverified{}@example.eu", cx.next());
                cx.app.register(&email).await;
                let token = cx.app.mail_token(&email, "verify_email").await;
                Req::new().json(json!({"token": token}))
            },
        ),
        // Verified callers get 204 and no mail.
        fixed(M::POST, "/api/v1/auth/verify-email/resend", SIGNED_IN_204),
        row(
            M::POST,
            "/api/v1/auth/password-reset",
            [202; 8],
            |cx, _| async move {
                Req::new().json(json!({"email": format!("forgetful{}@example.eu", cx.next())}))
            },
        ),
        row(
            M::POST,
            "/api/v1/auth/password-reset/confirm",
            WITH_TOKEN_204,
            |cx, _| async move {
                let (_, email) = cx.bystander().await;
                cx.app.store.request_password_reset(&email).await.unwrap();
                let token = cx.app.mail_token(&email, "password_reset").await;
                Req::new().json(json!({"token": token, "new_password": "a new horse battery"}))
            },
        ),
        // Changing a password ends the account's other sessions: each caller changes the
        // password of an account of its own kind made for the purpose.
        row(
            M::POST,
            "/api/v1/auth/password",
            SIGNED_IN_204,
            |cx, who| async move {
                let body = json!({"current_password": "correct horse battery", "new_password": "a new horse battery"});
                match who {
                    Who::Anon => Req::new().json(body),
                    _ => {
                        let email = format!("changer{}@example.eu", cx.next());
                        Req::new().json(body).token(cx.app.user(&email).await.1)
                    }
                }
            },
        ),
        fixed(M::GET, "/api/v1/me/invitations", SIGNED_IN),
        row(
            M::POST,
            "/api/v1/invitations/{id}/accept",
            INVITEE_ONLY,
            |cx, _| async move { Req::id(cx.invitation_to_applicant().await) },
        ),
        row(
            M::POST,
            "/api/v1/invitations/{id}/decline",
            INVITEE_ONLY,
            |cx, _| async move { Req::id(cx.invitation_to_applicant().await) },
        ),
        row(
            M::PUT,
            "/api/v1/users/{id}/role",
            ADMIN_ONLY,
            |cx, _| async move {
                let (target, _) = cx.bystander().await;
                Req::id(target).json(json!({"role": "partner", "partnership_id": cx.p2}))
            },
        ),
        // Account administration (issue 12): admins only; every caller gets a fresh
        // target so an allowed change does not spoil the next caller's row.
        fixed(M::GET, "/api/v1/users", ADMIN_ONLY),
        row(
            M::GET,
            "/api/v1/users/{id}",
            ADMIN_ONLY,
            |cx, _| async move { Req::id(cx.bystander().await.0) },
        ),
        row(
            M::DELETE,
            "/api/v1/users/{id}/grants/{grant_id}",
            ADMIN_ONLY,
            |cx, _| async move {
                let (target, _) = cx.bystander().await;
                let admin = cx.user_id(Who::Admin);
                let s = &cx.app.store;
                s.grant_role(
                    target,
                    cxc_domain::policy::Role::Partner,
                    Some(cx.p2),
                    admin,
                )
                .await
                .unwrap();
                let grant = role_grants::Entity::find()
                    .filter(role_grants::Column::UserId.eq(target))
                    .one(&s.db().conn)
                    .await
                    .unwrap()
                    .unwrap()
                    .id;
                Req::id(target).param("grant_id", grant)
            },
        ),
        row(
            M::POST,
            "/api/v1/users/{id}/disable",
            ADMIN_ONLY,
            |cx, _| async move { Req::id(cx.bystander().await.0).json(json!({})) },
        ),
        row(
            M::POST,
            "/api/v1/users/{id}/enable",
            ADMIN_ONLY,
            |cx, _| async move { Req::id(cx.bystander().await.0) },
        ),
        row(
            M::DELETE,
            "/api/v1/users/{id}/sessions",
            ADMIN_ONLY_204,
            |cx, _| async move { Req::id(cx.bystander().await.0) },
        ),
        fixed(M::GET, "/api/v1/admin/access-audit", ADMIN_ONLY),
        fixed(M::GET, "/api/v1/me/notification-preferences", SIGNED_IN),
        row(
            M::PUT,
            "/api/v1/me/notification-preferences",
            SIGNED_IN,
            |_, _| async { Req::new().json(json!({"locale": "en", "reminders": true})) },
        ),
        fixed(M::GET, "/api/v1/me/export", SIGNED_IN),
        // Erasure is irreversible: a throwaway account with the caller's grants.
        row(
            M::DELETE,
            "/api/v1/me",
            SIGNED_IN_204,
            |cx, who| async move {
                match who {
                    Who::Anon => Req::new(),
                    _ => Req::new().token(cx.throwaway(who).await),
                }
            },
        ),
        // Organisations: anyone signed in registers one (and becomes its contact).
        row(
            M::POST,
            "/api/v1/organisations",
            SIGNED_IN_201,
            |cx, _| async move {
                let name = format!("Kaunas Works {}", cx.next());
                Req::new().json(org_body(&name))
            },
        ),
        fixed(M::GET, "/api/v1/organisations", SIGNED_IN),
        on(M::GET, "/api/v1/organisations/{id}", SEES_V, |cx| {
            cx.w.visitor
        }),
        row(
            M::PATCH,
            "/api/v1/organisations/{id}",
            EDITS_V,
            |cx, _| async move {
                let version = cx.org_version(cx.w.visitor).await;
                Req::id(cx.w.visitor)
                    .json(json!({"city": "Kaunas"}))
                    .if_match(version)
            },
        ),
        row(
            M::POST,
            "/api/v1/organisations/{id}/contacts",
            INVITES_CONTACT,
            |cx, _| async move {
                let (_, email) = cx.bystander().await;
                Req::id(cx.w.visitor).json(json!({"email": email}))
            },
        ),
        on(
            M::GET,
            "/api/v1/organisations/{id}/contacts",
            SEES_V,
            |cx| cx.w.visitor,
        ),
        on(
            M::GET,
            "/api/v1/organisations/{id}/eligibility",
            SEES_V,
            |cx| cx.w.visitor,
        ),
        on(
            M::GET,
            "/api/v1/organisations/{id}/host-suggestions",
            EDITS_V,
            |cx| cx.w.visitor,
        ),
        row(M::POST, "/api/v1/eligibility/check", PUBLIC, |_, _| async {
            Req::new().json(org_body("Ad-hoc check"))
        }),
        // The exchange calculator is public like the ad-hoc check (inline organisations);
        // naming a stored visitor by id needs a caller who may read it (else 401/404).
        row(
            M::POST,
            "/api/v1/eligibility/exchange-check",
            PUBLIC,
            |_, _| async {
                Req::new().json(exchange_body(
                    json!({"organisation": org_body("Calc visitor")}),
                    json!({"organisation": dk_body()}),
                ))
            },
        ),
        row(
            M::POST,
            "/api/v1/eligibility/exchange-check",
            SEES_V,
            |cx, _| async move {
                Req::new().json(exchange_body(
                    json!({"organisation_id": cx.w.visitor}),
                    json!({"organisation_id": cx.w.host}),
                ))
            },
        )
        .variant("stored organisations by id"),
        fixed(M::GET, "/api/v1/competency-matrix", SIGNED_IN),
        fixed(M::GET, "/api/v1/competency-matrix.csv", SIGNED_IN),
        // Partnerships and calls.
        row(
            M::POST,
            "/api/v1/partnerships",
            ADMIN_CREATES,
            |cx, _| async move { Req::new().json(partnership_body(&cx)) },
        ),
        fixed(M::GET, "/api/v1/partnerships", SIGNED_IN),
        on(M::GET, "/api/v1/partnerships/{id}", SIGNED_IN, |cx| {
            cx.w.partnership
        }),
        row(
            M::POST,
            "/api/v1/partnerships/{id}/calls",
            created(COORDINATES_P),
            |cx, _| async move { Req::id(cx.w.partnership).json(call_body(&cx)) },
        ),
        on(
            M::GET,
            "/api/v1/partnerships/{id}/report",
            WORKS_FOR_P,
            |cx| cx.w.partnership,
        ),
        fixed(M::GET, "/api/v1/calls", PUBLIC),
        on(M::GET, "/api/v1/calls/{id}", PUBLIC, |cx| cx.w.call),
        // Contract: "coordinator". Partners read applications one by one but do not export
        // the call (participants' personal data in bulk).
        on(
            M::GET,
            "/api/v1/calls/{id}/applications.csv",
            COORDINATES_P,
            |cx| cx.w.call,
        ),
        // The admin outbox; the message is failed again before each caller's retry.
        fixed(M::GET, "/api/v1/admin/outbox", ADMIN_ONLY),
        row(
            M::POST,
            "/api/v1/admin/outbox/{id}/retry",
            ADMIN_ONLY,
            |cx, _| async move {
                cx.fail_message().await;
                Req::id(cx.message)
            },
        ),
        // Unsubscribe links: the signed token is the credential, whoever follows it.
        row(
            M::GET,
            "/api/v1/unsubscribe/{token}",
            PUBLIC,
            |cx, _| async move { Req::new().param("token", unsubscribe_token(&cx).await) },
        ),
        row(
            M::POST,
            "/api/v1/unsubscribe/{token}",
            PUBLIC,
            |cx, _| async move { Req::new().param("token", unsubscribe_token(&cx).await) },
        ),
    ]
}

/// The same access with 201 for success.
pub fn created(m: [u16; 8]) -> [u16; 8] {
    m.map(|s| if s == 200 { 201 } else { s })
}

/// The same access with 204 for success.
pub fn deleted(m: [u16; 8]) -> [u16; 8] {
    m.map(|s| if s == 200 { 204 } else { s })
}
