//! The authorisation table, part 2: exchange applications.
//! Columns: anon, applicant, other applicant, host contact, partner, coord P, coord P2, admin.
//!
//! A is approved with the Commitment to Quality signed by the visitor; every action gets
//! a fresh application walked to the stage where the action is legal, so an allowed
//! caller succeeds and a refused one is refused for who they are, not for the state.
//! The coordinator of P2 and the other applicant never see P's applications: 404.
use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    authz::table::SIGNED_IN,
    authz::{Req, Row, Stage, fixed, on, row},
};

/// Everyone the contract lists for GET: applicant, host contacts, VOP/HOP coordinators
/// and partners, admins.
const SEES_A: [u16; 8] = [401, 200, 404, 200, 200, 200, 404, 200];
/// The applicant side acts; everyone else who sees the application gets 403. Admins do
/// not act as the applicant.
const APPLICANT_ACTS: [u16; 8] = [401, 200, 404, 403, 403, 403, 404, 403];
/// Only a contact of the host answers for the host.
const HOST_ACTS: [u16; 8] = [401, 403, 404, 200, 403, 403, 404, 403];
/// A coordinator of the VOP (or an admin) acts; partners are read-only.
const VOP_ACTS: [u16; 8] = [401, 403, 404, 403, 403, 200, 404, 200];
/// The four parties sign (visitor, host, VOP and HOP coordinator — here both P); admins
/// oversee and do not sign.
const PARTIES_SIGN: [u16; 8] = [401, 200, 404, 200, 403, 200, 404, 403];
/// Evidence packs: VOP/HOP coordinators and admins (auditors), not the parties.
const AUDITS: [u16; 8] = [401, 403, 404, 403, 403, 200, 404, 200];
/// Filing is for contacts of the visiting organisation (V here); an admin is not one.
const FILES_FOR_V: [u16; 8] = [401, 201, 403, 403, 403, 403, 403, 403];

/// With a host managed by P2, P2 is the HOP: its coordinator reads, signs for the host's
/// partnership and gets the evidence pack, but decides nothing (that is the VOP's). The
/// host contact of the table is not H2's contact, so 404.
const HOP_P2: &str = "HOP is P2";
const HOP_SEES: [u16; 8] = [401, 200, 404, 404, 200, 200, 200, 200];
const HOP_NO_DECISION: [u16; 8] = [401, 403, 404, 404, 403, 200, 403, 200];
const HOP_SIGNS: [u16; 8] = [401, 200, 404, 404, 403, 200, 200, 403];
const HOP_AUDITS: [u16; 8] = [401, 403, 404, 404, 403, 200, 200, 200];

fn first_signature() -> Value {
    json!({"goals": "Meet suppliers", "agenda": "Day 1 tour"})
}

fn report() -> Value {
    json!({
        "summary": "Good", "outcomes": "Two leads", "would_recommend": true, "evidence": ["a.pdf"]
    })
}

pub fn rows() -> Vec<Row> {
    use Method as M;
    vec![
        row(
            M::POST,
            "/api/v1/calls/{id}/applications",
            FILES_FOR_V,
            |cx, _| async move { Req::id(cx.w.call).json(cx.w.body(cx.w.visitor)) },
        ),
        // Everyone signed in lists; what they see is scoped (authz/visibility.rs).
        fixed(M::GET, "/api/v1/applications", SIGNED_IN),
        on(M::GET, "/api/v1/applications/{id}", SEES_A, |cx| cx.a),
        // Debatable, kept: the host contact and the partnerships read drafts too (the
        // contract lists them for GET without a state); only the applicant side edits.
        row(
            M::GET,
            "/api/v1/applications/{id}",
            SEES_A,
            |cx, _| async move { Req::id(cx.fresh_app(Stage::Draft).await) },
        )
        .variant("draft"),
        row(
            M::GET,
            "/api/v1/applications/{id}",
            HOP_SEES,
            |cx, _| async move { Req::id(cx.fresh_app_hosted_by_h2(Stage::Draft).await) },
        )
        .variant(HOP_P2),
        row(
            M::PATCH,
            "/api/v1/applications/{id}",
            APPLICANT_ACTS,
            |cx, _| async move {
                let id = cx.fresh_app(Stage::Draft).await;
                let version = cx.app_version(id).await;
                Req::id(id)
                    .json(json!({"objectives": "Meet ESS suppliers"}))
                    .if_match(version)
            },
        ),
        on(M::GET, "/api/v1/applications/{id}/history", SEES_A, |cx| {
            cx.a
        }),
        on(M::GET, "/api/v1/applications/{id}/evidence", AUDITS, |cx| {
            cx.a
        }),
        row(
            M::GET,
            "/api/v1/applications/{id}/evidence",
            HOP_AUDITS,
            |cx, _| async move { Req::id(cx.fresh_app_hosted_by_h2(Stage::Submitted).await) },
        )
        .variant(HOP_P2),
        on(
            M::GET,
            "/api/v1/applications/{id}/commitment",
            SEES_A,
            |cx| cx.a,
        ),
        row(
            M::POST,
            "/api/v1/applications/{id}/commitment",
            PARTIES_SIGN,
            |cx, _| async move {
                let id = cx.fresh_app(Stage::Approved).await;
                Req::id(id).json(first_signature())
            },
        ),
        row(
            M::POST,
            "/api/v1/applications/{id}/commitment",
            HOP_SIGNS,
            |cx, _| async move {
                Req::id(cx.fresh_app_hosted_by_h2(Stage::Approved).await).json(first_signature())
            },
        )
        .variant(HOP_P2),
        row(
            M::POST,
            "/api/v1/applications/{id}/submit",
            APPLICANT_ACTS,
            |cx, _| async move { Req::id(cx.fresh_app(Stage::Draft).await) },
        ),
        row(
            M::POST,
            "/api/v1/applications/{id}/host-response",
            HOST_ACTS,
            |cx, _| async move {
                Req::id(cx.fresh_app(Stage::Submitted).await).json(json!({"response": "accept"}))
            },
        ),
        row(
            M::POST,
            "/api/v1/applications/{id}/review",
            VOP_ACTS,
            |cx, _| async move { Req::id(cx.fresh_app(Stage::HostAccepted).await).json(json!({})) },
        ),
        row(
            M::POST,
            "/api/v1/applications/{id}/review",
            HOP_NO_DECISION,
            |cx, _| async move {
                Req::id(cx.fresh_app_hosted_by_h2(Stage::HostAccepted).await).json(json!({}))
            },
        )
        .variant(HOP_P2),
        row(
            M::POST,
            "/api/v1/applications/{id}/decision",
            VOP_ACTS,
            |cx, _| async move {
                let id = cx.fresh_app(Stage::UnderReview).await;
                let version = cx.app_version(id).await;
                Req::id(id)
                    .json(json!({"decision": "approve"}))
                    .if_match(version)
            },
        ),
        row(
            M::POST,
            "/api/v1/applications/{id}/withdraw",
            APPLICANT_ACTS,
            |cx, _| async move { Req::id(cx.fresh_app(Stage::Submitted).await).json(json!({})) },
        ),
        // Debatable, kept: cancelling, validating the report and paying do not re-check
        // the conflict of interest (issue 8 names review and decision); the grant is fixed
        // at the unconflicted decision.
        row(
            M::POST,
            "/api/v1/applications/{id}/cancel",
            VOP_ACTS,
            |cx, _| async move { Req::id(cx.fresh_app(Stage::Approved).await).json(json!({})) },
        ),
        row(
            M::POST,
            "/api/v1/applications/{id}/report",
            APPLICANT_ACTS,
            |cx, _| async move { Req::id(cx.fresh_app(Stage::Committed).await).json(report()) },
        ),
        row(
            M::POST,
            "/api/v1/applications/{id}/report/validate",
            VOP_ACTS,
            |cx, _| async move { Req::id(cx.fresh_app(Stage::Reported).await).json(json!({})) },
        ),
        row(
            M::POST,
            "/api/v1/applications/{id}/payment",
            VOP_ACTS,
            |cx, _| async move {
                let paid_on = chrono::Utc::now().date_naive();
                let body = json!({"paid_on": paid_on, "amount_cents": 50_000});
                Req::id(cx.fresh_app(Stage::Completed).await).json(body)
            },
        ),
    ]
}
