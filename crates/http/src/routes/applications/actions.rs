//! Workflow actions on an application: submit, host response, review, decision,
//! commitment, withdraw, cancel, report, validation, payment.
use axum::{Json, extract::State, response::Response};
use chrono::{DateTime, NaiveDate, Utc};
use cxc_persistence::{
    entities::commitments,
    repositories::applications::{Decision, ReportInput},
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use utoipa::{
    IntoResponses, ToSchema,
    openapi::{Ref, RefOr, ResponseBuilder, content::Content},
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::ApplicationDto;
use crate::openapi::problems::{Conflict, Forbidden, UnprocessableContent};
use crate::{
    error::{ApiError, ApiResult},
    extract::{ApiJson, ApiPath, Auth, IfMatch, OptionalJson},
    respond::tagged,
    state::AppState,
    validate,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit))
        .routes(routes!(host_response))
        .routes(routes!(review))
        .routes(routes!(decision))
        .routes(routes!(get_commitment, sign_commitment))
        .routes(routes!(withdraw))
        .routes(routes!(cancel))
        .routes(routes!(report))
        .routes(routes!(validate_report))
        .routes(routes!(payment))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    pub comment: Option<String>,
}

fn comment(c: Option<String>) -> ApiResult<Option<String>> {
    let mut p = Vec::new();
    let c = c.map(|c| validate::text(&c, "comment", 0, 5000, &mut p));
    if p.is_empty() {
        Ok(c.filter(|c| !c.is_empty()))
    } else {
        Err(ApiError::Unprocessable(p))
    }
}

/// What every workflow step answers: the application in its new state, 403 when the step
/// is not the caller's to take, 409 when the application's state does not allow it. The
/// extractors' statuses (401, 404, 422 ...) are added by `openapi::rules`.
struct Transition;

impl IntoResponses for Transition {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        let ok = ResponseBuilder::new()
            .description("The application in its new state.")
            .content(
                "application/json",
                Content::new(Some(Ref::from_schema_name("ApplicationDto"))),
            )
            .build();
        let mut all = BTreeMap::from([("200".to_owned(), RefOr::T(ok))]);
        all.extend(Forbidden::responses());
        all.extend(Conflict::responses());
        all
    }
}

fn ok(m: cxc_persistence::entities::applications::Model) -> Response {
    tagged(m.version, ApplicationDto::from(m))
}

/// Runs every eligibility rule; `submitted`, or 422 listing every failed rule.
#[utoipa::path(post, path = "/api/v1/applications/{id}/submit", tag = "applications", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses(Transition, UnprocessableContent))]
async fn submit(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    Ok(ok(st.store.submit_application(&c, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HostAnswer {
    Accept,
    Decline,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HostResponseBody {
    pub response: HostAnswer,
    pub comment: Option<String>,
}

/// A contact of the host organisation accepts or declines (once).
#[utoipa::path(post, path = "/api/v1/applications/{id}/host-response", tag = "applications", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = HostResponseBody,
    responses(Transition))]
async fn host_response(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<HostResponseBody>,
) -> ApiResult<Response> {
    let note = comment(b.comment)?;
    Ok(ok(st
        .store
        .host_respond(
            &c,
            id,
            matches!(b.response, HostAnswer::Accept),
            note.as_deref(),
        )
        .await?))
}

/// A VOP coordinator starts reviewing: `submitted → under_review`.
#[utoipa::path(post, path = "/api/v1/applications/{id}/review", tag = "applications", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body(content = Option<CommentBody>),
    responses(Transition))]
async fn review(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    OptionalJson(b): OptionalJson<CommentBody>,
) -> ApiResult<Response> {
    let note = comment(b.comment)?;
    Ok(ok(st
        .store
        .review_application(&c, id, note.as_deref())
        .await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    Approve,
    Reject,
    Waitlist,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    pub decision: DecisionKind,
    pub comment: Option<String>,
}

/// Approve (computes `grant_cents`, reserves it and a place), reject or waitlist, with `If-Match`.
#[utoipa::path(post, path = "/api/v1/applications/{id}/decision", tag = "applications", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = String, Header)), request_body = DecisionBody,
    responses(Transition))]
async fn decision(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(b): ApiJson<DecisionBody>,
) -> ApiResult<Response> {
    let version = if_match.required()?;
    let note = comment(b.comment)?;
    let d = match b.decision {
        DecisionKind::Approve => Decision::Approve,
        DecisionKind::Reject => Decision::Reject,
        DecisionKind::Waitlist => Decision::Waitlist,
    };
    Ok(ok(st
        .store
        .decide(&c, id, version, d, note.as_deref())
        .await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitmentBody {
    /// Required from the first signer.
    pub goals: Option<String>,
    /// Required from the first signer.
    pub agenda: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Signature {
    pub by: Uuid,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommitmentDto {
    pub application_id: Uuid,
    pub status: String,
    pub goals: String,
    pub agenda: String,
    pub visitor: Option<Signature>,
    pub host: Option<Signature>,
    pub vop: Option<Signature>,
    pub hop: Option<Signature>,
    pub complete: bool,
}

fn sig(by: Option<Uuid>, at: Option<DateTime<Utc>>) -> Option<Signature> {
    Some(Signature { by: by?, at: at? })
}

fn commitment_dto(status: String, c: commitments::Model) -> CommitmentDto {
    let (visitor, host, vop, hop) = (
        sig(c.visitor_signed_by, c.visitor_signed_at),
        sig(c.host_signed_by, c.host_signed_at),
        sig(c.vop_signed_by, c.vop_signed_at),
        sig(c.hop_signed_by, c.hop_signed_at),
    );
    let complete = visitor.is_some() && host.is_some() && vop.is_some() && hop.is_some();
    CommitmentDto {
        application_id: c.application_id,
        status,
        goals: c.goals,
        agenda: c.agenda,
        visitor,
        host,
        vop,
        hop,
        complete,
    }
}

/// The Commitment to Quality and its signatures.
#[utoipa::path(get, path = "/api/v1/applications/{id}/commitment", tag = "applications", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = CommitmentDto)))]
async fn get_commitment(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<CommitmentDto>> {
    let (app, _) = st.store.application_for(&c, id).await?;
    let cm = st.store.commitment(id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(commitment_dto(app.status.to_string(), cm)))
}

/// Signs the Commitment to Quality (visitor contact, host contact, VOP and HOP coordinator,
/// each once); the fourth signature makes the application `committed`.
#[utoipa::path(post, path = "/api/v1/applications/{id}/commitment", tag = "applications", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body(content = Option<CommitmentBody>),
    responses((status = 200, body = CommitmentDto), Forbidden,
              Conflict))]
async fn sign_commitment(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    OptionalJson(b): OptionalJson<CommitmentBody>,
) -> ApiResult<Json<CommitmentDto>> {
    let mut p = Vec::new();
    let goals = b
        .goals
        .map(|g| validate::text(&g, "goals", 1, 10_000, &mut p));
    let agenda = b
        .agenda
        .map(|a| validate::text(&a, "agenda", 1, 10_000, &mut p));
    if !p.is_empty() {
        return Err(ApiError::Unprocessable(p));
    }
    let (app, cm) = st
        .store
        .sign_commitment(&c, id, goals.as_deref(), agenda.as_deref())
        .await?;
    Ok(Json(commitment_dto(app.status.to_string(), cm)))
}

/// The applicant withdraws (any state before `reported`); a reservation is freed.
#[utoipa::path(post, path = "/api/v1/applications/{id}/withdraw", tag = "applications", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body(content = Option<CommentBody>),
    responses(Transition))]
async fn withdraw(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    OptionalJson(b): OptionalJson<CommentBody>,
) -> ApiResult<Response> {
    let note = comment(b.comment)?;
    Ok(ok(st
        .store
        .withdraw_application(&c, id, note.as_deref())
        .await?))
}

/// A VOP coordinator cancels an approved or committed exchange; the reservation is freed.
#[utoipa::path(post, path = "/api/v1/applications/{id}/cancel", tag = "applications", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body(content = Option<CommentBody>),
    responses(Transition))]
async fn cancel(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    OptionalJson(b): OptionalJson<CommentBody>,
) -> ApiResult<Response> {
    let note = comment(b.comment)?;
    Ok(ok(st
        .store
        .cancel_application(&c, id, note.as_deref())
        .await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportBody {
    pub summary: String,
    pub outcomes: String,
    pub would_recommend: bool,
    /// References to proof that the exchange took place (boarding passes, invoices).
    #[serde(default)]
    pub evidence: Vec<String>,
}

/// The closing report, after `end_date`: `committed → reported`.
#[utoipa::path(post, path = "/api/v1/applications/{id}/report", tag = "applications", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = ReportBody,
    responses(Transition))]
async fn report(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<ReportBody>,
) -> ApiResult<Response> {
    let mut p = Vec::new();
    let summary = validate::text(&b.summary, "summary", 1, 10_000, &mut p);
    let outcomes = validate::text(&b.outcomes, "outcomes", 1, 10_000, &mut p);
    if b.evidence.len() > 50 {
        p.push(cxc_persistence::Problem::new(
            "evidence",
            "too_many",
            "at most 50 evidence entries",
        ));
    }
    let evidence: Vec<String> = b
        .evidence
        .iter()
        .enumerate()
        .map(|(i, e)| validate::text(e, &format!("evidence[{i}]"), 1, 1000, &mut p))
        .collect();
    if !p.is_empty() {
        return Err(ApiError::Unprocessable(p));
    }
    Ok(ok(st
        .store
        .submit_report(
            &c,
            id,
            ReportInput {
                summary,
                outcomes,
                would_recommend: b.would_recommend,
                evidence,
            },
        )
        .await?))
}

/// The VOP validates the closing report: `reported → completed`.
#[utoipa::path(post, path = "/api/v1/applications/{id}/report/validate", tag = "applications", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body(content = Option<CommentBody>),
    responses(Transition))]
async fn validate_report(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    OptionalJson(b): OptionalJson<CommentBody>,
) -> ApiResult<Response> {
    let note = comment(b.comment)?;
    Ok(ok(st
        .store
        .validate_report(&c, id, note.as_deref())
        .await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentBody {
    pub paid_on: NaiveDate,
    pub amount_cents: i64,
}

/// The single lump-sum payment: `completed → paid`; a second is 409.
#[utoipa::path(post, path = "/api/v1/applications/{id}/payment", tag = "applications", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = PaymentBody,
    responses(Transition))]
async fn payment(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<PaymentBody>,
) -> ApiResult<Response> {
    Ok(ok(st
        .store
        .record_payment(&c, id, b.paid_on, b.amount_cents)
        .await?))
}
