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
    fields::{self, Text},
    respond::tagged,
    state::AppState,
};
use cxc_domain::plausible;
use validator::Validate;

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

/// A note for the application's history; the bound is declared on the type (see
/// `crate::fields`), as on every body below.
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    #[validate(custom(function = "fields::text"))]
    pub comment: Option<Comment>,
}

/// A workflow step's note: up to 5,000 characters, line breaks allowed.
pub type Comment = Text<0, 5000>;

/// The body's declared rules, then the note as stored (an empty one is none).
fn comment<T: Validate>(body: &T, c: Option<&Comment>) -> ApiResult<Option<String>> {
    fields::check(body)?;
    Ok(c.map(Text::clean).filter(|c| !c.is_empty()))
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

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct HostResponseBody {
    pub response: HostAnswer,
    #[validate(custom(function = "fields::text"))]
    pub comment: Option<Comment>,
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
    let note = comment(&b, b.comment.as_ref())?;
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
    let note = comment(&b, b.comment.as_ref())?;
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

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    pub decision: DecisionKind,
    #[validate(custom(function = "fields::text"))]
    pub comment: Option<Comment>,
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
    let note = comment(&b, b.comment.as_ref())?;
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

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CommitmentBody {
    /// Required from the first signer.
    #[validate(custom(function = "fields::text"))]
    pub goals: Option<Text<1, 10_000>>,
    /// Required from the first signer.
    #[validate(custom(function = "fields::text"))]
    pub agenda: Option<Text<1, 10_000>>,
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
    let app = st.store.application_for(&c, id).await?;
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
    fields::check(&b)?;
    let goals = b.goals.as_ref().map(Text::clean);
    let agenda = b.agenda.as_ref().map(Text::clean);
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
    let note = comment(&b, b.comment.as_ref())?;
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
    let note = comment(&b, b.comment.as_ref())?;
    Ok(ok(st
        .store
        .cancel_application(&c, id, note.as_deref())
        .await?))
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ReportBody {
    #[validate(custom(function = "fields::text"))]
    pub summary: Text<1, 10_000>,
    #[validate(custom(function = "fields::text"))]
    pub outcomes: Text<1, 10_000>,
    pub would_recommend: bool,
    /// References to proof that the exchange took place (boarding passes, invoices).
    #[serde(default)]
    #[validate(length(max = 50, code = "too_many", message = "at most 50 evidence entries"))]
    #[schema(max_items = 50)]
    pub evidence: Vec<Text<1, 1000>>,
}

/// Every problem of a report at once; the cleaned report otherwise.
fn check_report(b: &ReportBody) -> ApiResult<ReportInput> {
    let mut p = fields::problems(b.validate());
    let evidence = fields::texts(&b.evidence, "evidence", &mut p);
    if !p.is_empty() {
        return Err(ApiError::Unprocessable(p));
    }
    Ok(ReportInput {
        summary: b.summary.clean(),
        outcomes: b.outcomes.clean(),
        would_recommend: b.would_recommend,
        evidence,
    })
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
    let input = check_report(&b)?;
    Ok(ok(st.store.submit_report(&c, id, input).await?))
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
    let note = comment(&b, b.comment.as_ref())?;
    Ok(ok(st
        .store
        .validate_report(&c, id, note.as_deref())
        .await?))
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PaymentBody {
    /// Between the end of the exchange and today.
    pub paid_on: NaiveDate,
    /// At least 1 cent and at most the application's grant (checked when recorded).
    #[validate(range(min = 1, max = plausible::MAX_CENTS, code = "invalid_amount", message = "the payment must be between 1 and the grant"))]
    #[schema(minimum = 1, maximum = 10_000_000_000_i64)]
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
    fields::check(&b)?;
    Ok(ok(st
        .store
        .record_payment(&c, id, b.paid_on, b.amount_cents)
        .await?))
}

/// Examples and checks of the workflow bodies for `fields::tests::schemas_and_checks_agree`.
#[cfg(test)]
pub(crate) fn probes() -> Vec<crate::routes::Probe> {
    use crate::routes::probe_with;
    use serde_json::json;
    vec![
        probe_with::<CommentBody>("CommentBody", json!({"comment": "fine"}), fields::check),
        probe_with::<HostResponseBody>(
            "HostResponseBody",
            json!({"response": "accept", "comment": "welcome"}),
            fields::check,
        ),
        probe_with::<DecisionBody>(
            "DecisionBody",
            json!({"decision": "approve", "comment": "good plan"}),
            fields::check,
        ),
        probe_with::<CommitmentBody>(
            "CommitmentBody",
            json!({"goals": "learn", "agenda": "day 1"}),
            fields::check,
        ),
        probe_with::<ReportBody>(
            "ReportBody",
            json!({"summary": "went well", "outcomes": "a contract", "would_recommend": true,
                "evidence": ["invoice 1"]}),
            |b| check_report(b).map(|_| ()),
        ),
        probe_with::<PaymentBody>(
            "PaymentBody",
            json!({"paid_on": "2027-04-01", "amount_cents": 50_000}),
            fields::check,
        ),
    ]
}
