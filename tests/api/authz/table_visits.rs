//! The authorisation table, part 3: 360ºXchange group visits.
//! Columns: anon, applicant, other applicant, host contact, partner, coord P, coord P2, admin.
//!
//! G is a published visit of P (public); D a draft of P (its partners and coordinators,
//! and admins, only). The applicant holds a registration on G. Partners and coordinators
//! of P manage P's visits; the coordinator of P2 is an outsider to them.
use reqwest::Method;
use serde_json::json;

use crate::{
    authz::table::{PUBLIC, SIGNED_IN, created, deleted},
    authz::world::visit_body,
    authz::{Req, Row, Who, fixed, on, row},
};

/// Outsiders see a published visit but may not change it.
const MANAGE_PUBLISHED: [u16; 8] = [401, 403, 403, 403, 200, 200, 403, 200];
/// Outsiders do not see a draft at all.
const MANAGE_DRAFT: [u16; 8] = [401, 404, 404, 404, 200, 200, 404, 200];
/// Reading a draft without signing in is the same 404 as for any outsider.
const READ_DRAFT: [u16; 8] = [404, 404, 404, 404, 200, 200, 404, 200];
/// Registering for V: only its contact; nobody registers for an organisation they do
/// not act for, admins included.
const REGISTERS_V: [u16; 8] = [401, 201, 403, 403, 403, 403, 403, 403];
/// On a draft, outsiders do not see the visit (404); organisers see it but are not V's.
const REGISTERS_V_DRAFT: [u16; 8] = [401, 404, 404, 404, 403, 403, 404, 403];
/// The applicant's registration: the registrant and the visit's organisers.
const SEES_REG: [u16; 8] = [401, 200, 404, 404, 200, 200, 404, 200];
const DRAFT: &str = "draft";

pub fn rows() -> Vec<Row> {
    use Method as M;
    vec![
        row(
            M::POST,
            "/api/v1/group-visits",
            created(MANAGE_PUBLISHED),
            |cx, _| async move { Req::new().json(visit_body(cx.w.partnership, "CERN")) },
        ),
        fixed(M::GET, "/api/v1/group-visits", PUBLIC),
        on(M::GET, "/api/v1/group-visits/{id}", PUBLIC, |cx| cx.g),
        on(M::GET, "/api/v1/group-visits/{id}", READ_DRAFT, |cx| cx.d).variant(DRAFT),
        row(
            M::PATCH,
            "/api/v1/group-visits/{id}",
            MANAGE_PUBLISHED,
            |cx, _| async move {
                let version = cx.visit_version(cx.g).await;
                Req::id(cx.g)
                    .json(json!({"description": "Updated"}))
                    .if_match(version)
            },
        ),
        row(
            M::PATCH,
            "/api/v1/group-visits/{id}",
            MANAGE_DRAFT,
            |cx, _| async move {
                let version = cx.visit_version(cx.d).await;
                Req::id(cx.d)
                    .json(json!({"description": "Updated"}))
                    .if_match(version)
            },
        )
        .variant(DRAFT),
        row(
            M::POST,
            "/api/v1/group-visits/{id}/publish",
            MANAGE_DRAFT,
            |cx, _| async move { Req::id(cx.fresh_visit(false).await) },
        ),
        row(
            M::POST,
            "/api/v1/group-visits/{id}/cancel",
            MANAGE_PUBLISHED,
            |cx, _| async move { Req::id(cx.fresh_visit(true).await).json(json!({})) },
        ),
        row(
            M::POST,
            "/api/v1/group-visits/{id}/cancel",
            MANAGE_DRAFT,
            |cx, _| async move { Req::id(cx.fresh_visit(false).await).json(json!({})) },
        )
        .variant(DRAFT),
        // Agenda items: each caller in a room of its own, so no clash decides.
        row(
            M::POST,
            "/api/v1/group-visits/{id}/agenda-items",
            created(MANAGE_PUBLISHED),
            |cx, _| async move { Req::id(cx.g).json(cx.item_body("Room")) },
        ),
        row(
            M::POST,
            "/api/v1/group-visits/{id}/agenda-items",
            created(MANAGE_DRAFT),
            |cx, _| async move { Req::id(cx.d).json(cx.item_body("Room")) },
        )
        .variant(DRAFT),
        row(
            M::PATCH,
            "/api/v1/group-visits/{id}/agenda-items/{item_id}",
            MANAGE_PUBLISHED,
            |cx, _| async move {
                Req::id(cx.g)
                    .param("item_id", cx.g_item)
                    .json(json!({"title": "Renamed"}))
            },
        ),
        row(
            M::PATCH,
            "/api/v1/group-visits/{id}/agenda-items/{item_id}",
            MANAGE_DRAFT,
            |cx, _| async move {
                Req::id(cx.d)
                    .param("item_id", cx.d_item)
                    .json(json!({"title": "Renamed"}))
            },
        )
        .variant(DRAFT),
        row(
            M::DELETE,
            "/api/v1/group-visits/{id}/agenda-items/{item_id}",
            deleted(MANAGE_PUBLISHED),
            |cx, _| async move { Req::id(cx.g).param("item_id", cx.fresh_item(cx.g).await) },
        ),
        row(
            M::DELETE,
            "/api/v1/group-visits/{id}/agenda-items/{item_id}",
            deleted(MANAGE_DRAFT),
            |cx, _| async move { Req::id(cx.d).param("item_id", cx.fresh_item(cx.d).await) },
        )
        .variant(DRAFT),
        // Whom a change would tell: the managers' question, like the registrations list.
        row(
            M::GET,
            "/api/v1/group-visits/{id}/agenda-items/{item_id}/audience",
            MANAGE_PUBLISHED,
            |cx, _| async move { Req::id(cx.g).param("item_id", cx.g_item) },
        ),
        on(
            M::GET,
            "/api/v1/group-visits/{id}/agenda-versions",
            PUBLIC,
            |cx| cx.g,
        ),
        on(
            M::GET,
            "/api/v1/group-visits/{id}/agenda-versions",
            READ_DRAFT,
            |cx| cx.d,
        )
        .variant(DRAFT),
        on(
            M::GET,
            "/api/v1/group-visits/{id}/agenda.ics",
            PUBLIC,
            |cx| cx.g,
        ),
        on(
            M::GET,
            "/api/v1/group-visits/{id}/agenda.ics",
            READ_DRAFT,
            |cx| cx.d,
        )
        .variant(DRAFT),
        // A fresh published visit per caller, so nobody is "already registered".
        row(
            M::POST,
            "/api/v1/group-visits/{id}/registrations",
            REGISTERS_V,
            |cx, _| async move {
                Req::id(cx.fresh_visit(true).await).json(json!({"organisation_id": cx.w.visitor}))
            },
        ),
        row(
            M::POST,
            "/api/v1/group-visits/{id}/registrations",
            REGISTERS_V_DRAFT,
            |cx, _| async move { Req::id(cx.d).json(json!({"organisation_id": cx.w.visitor})) },
        )
        .variant(DRAFT),
        // Organisers see everyone registered; anyone else only their own registrations.
        on(
            M::GET,
            "/api/v1/group-visits/{id}/registrations",
            SIGNED_IN,
            |cx| cx.g,
        ),
        on(
            M::GET,
            "/api/v1/group-visits/{id}/registrations",
            MANAGE_DRAFT,
            |cx| cx.d,
        )
        .variant(DRAFT),
        row(
            M::GET,
            "/api/v1/group-visits/{id}/registrations/{reg_id}",
            SEES_REG,
            |cx, _| async move { Req::id(cx.g).param("reg_id", cx.g_reg) },
        ),
        // Each caller cancels a registration of the applicant's own, on a fresh visit.
        row(
            M::DELETE,
            "/api/v1/group-visits/{id}/registrations/{reg_id}",
            deleted(SEES_REG),
            |cx, _| async move {
                let g = cx.fresh_visit(true).await;
                Req::id(g).param("reg_id", cx.register(g).await)
            },
        ),
        fixed(M::GET, "/api/v1/me/group-visit-registrations", SIGNED_IN),
        fixed(M::GET, "/api/v1/me/calendar.ics", SIGNED_IN),
        // The secret feed address: the token in the path is the credential, whoever
        // follows it; issuing and revoking one is the signed-in caller's own business.
        row(
            M::GET,
            "/api/v1/calendar-feeds/{token}/calendar.ics",
            PUBLIC,
            |cx, _| async move {
                let (user, _) = cx.bystander().await;
                let token = format!("feed-{}-{}", cx.next(), uuid::Uuid::new_v4().simple());
                let hash = cxc_http::auth::token_hash(&token);
                cx.app.store.rotate_calendar_feed(user, hash).await.unwrap();
                Req::new().param("token", token)
            },
        ),
        fixed(M::POST, "/api/v1/me/calendar-feed", created(SIGNED_IN)),
        row(
            M::DELETE,
            "/api/v1/me/calendar-feed",
            deleted(SIGNED_IN),
            |cx, who| async move {
                if who != Who::Anon {
                    let hash = cxc_http::auth::token_hash(&format!("revoke-{}", cx.next()));
                    let user = cx.user_id(who);
                    cx.app.store.rotate_calendar_feed(user, hash).await.unwrap();
                }
                Req::new()
            },
        ),
    ]
}
