//! Eligibility reports: for a stored organisation (both roles) and ad hoc (stores nothing).
use axum::{
    Json,
    extract::State,
    http::{HeaderMap, header},
};
use chrono::NaiveDate;
use cxc_domain::{
    eligibility::{EligibilityReport, check_organisation},
    organisation::{Profile, Role},
    sme::SmeCategory,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{
    dto::{OrgBody, ProfileName, RoleName, SmeCategoryName},
    validation, visible,
};
use crate::openapi::problems::UnprocessableContent;
use crate::{
    error::{ApiError, ApiResult},
    extract::{ApiJson, ApiPath, ApiQuery, Auth, from_value, off_workers_if_large},
    state::AppState,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(organisation_eligibility))
        .routes(routes!(check_eligibility))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OnQuery {
    /// The date the rules are judged on (programme countries change over time); default today (UTC).
    on: Option<NaiveDate>,
}

/// The stored organisation judged as a visitor and as a host.
#[derive(Serialize, ToSchema)]
pub struct OrgEligibility {
    organisation_id: Uuid,
    on: NaiveDate,
    visitor: ReportDto,
    host: ReportDto,
}

/// Every rule for the organisation as stored, as visitor and as host.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/eligibility", tag = "organisations", security(("bearer" = [])),
    params(("id" = Uuid, Path), OnQuery),
    responses((status = 200, body = OrgEligibility), UnprocessableContent))]
async fn organisation_eligibility(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<OnQuery>,
) -> ApiResult<Json<OrgEligibility>> {
    let (m, _) = visible(&st, &c, id).await?;
    let on = q.on.unwrap_or_else(|| st.store.now().date_naive());
    let facts = st.store.organisation_facts(&m).await?;
    Ok(Json(OrgEligibility {
        organisation_id: id,
        on,
        visitor: check_organisation(&facts, Role::Visitor, on, st.store.rules()).into(),
        host: check_organisation(&facts, Role::Host, on, st.store.rules()).into(),
    }))
}

/// The body of an ad-hoc check: an organisation plus the role and date to judge
/// (documentation only: the body is split by [`split`]).
#[derive(Serialize, ToSchema)]
pub struct CheckRequest {
    #[serde(flatten)]
    organisation: OrgBody,
    /// Default `visitor`.
    #[schema(value_type = Option<RoleName>)]
    role: Option<Role>,
    /// Default today (UTC).
    on: Option<NaiveDate>,
}

/// The two extra fields, parsed on their own so that the organisation keeps rejecting
/// unknown fields.
#[derive(Deserialize)]
struct Extras {
    role: Option<Role>,
    on: Option<NaiveDate>,
}

fn split(body: Value) -> ApiResult<(Extras, OrgBody)> {
    let Value::Object(mut fields) = body else {
        return Err(ApiError::invalid(
            "body",
            "invalid_value",
            "the body must be a JSON object",
        ));
    };
    let mut extras = serde_json::Map::new();
    for k in ["role", "on"] {
        if let Some(v) = fields.remove(k) {
            extras.insert(k.to_owned(), v);
        }
    }
    // The whole body passed the strict parse already; each part is bound straight from
    // the parsed value (writing it out and parsing it again cost a third of the check).
    let extras: Extras = from_value(Value::Object(extras))?;
    let org: OrgBody = from_value(Value::Object(fields))?;
    Ok((extras, org))
}

/// The organisation of an ad-hoc check's body, as the handler reads it.
#[cfg(test)]
pub(crate) fn split_for_probe(body: Value) -> ApiResult<OrgBody> {
    split(body).map(|(_, org)| org)
}

/// Judges an organisation described in the body, for anyone, without storing anything.
#[utoipa::path(post, path = "/api/v1/eligibility/check", tag = "organisations",
    request_body = CheckRequest,
    responses((status = 200, body = ReportDto)))]
async fn check_eligibility(
    State(st): State<AppState>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<Value>,
) -> ApiResult<Json<ReportDto>> {
    // Binding the body is linear, like the extractor's parse: the same rule decides
    // where it runs.
    let len = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    let (extras, org) = off_workers_if_large(len, move || split(body)).await?;
    let v = validation::validate(&st, org).await?;
    let role = extras.role.unwrap_or(Role::Visitor);
    let on = extras.on.unwrap_or_else(|| st.store.now().date_naive());
    Ok(Json(
        check_organisation(&v.facts, role, on, st.store.rules()).into(),
    ))
}

/// One evaluated rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct CheckDto {
    /// Stable rule id, e.g. `sme_headcount`.
    pub rule: String,
    pub passed: bool,
    /// Plain-language explanation, whether passed or not.
    pub message: String,
}

/// Every rule evaluated for one organisation in one role, passed or not.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDto {
    pub eligible: bool,
    #[schema(value_type = RoleName)]
    pub role: Role,
    #[schema(value_type = ProfileName)]
    pub profile: Profile,
    #[schema(value_type = Option<SmeCategoryName>)]
    pub sme_category: Option<SmeCategory>,
    pub checks: Vec<CheckDto>,
}

impl From<EligibilityReport> for ReportDto {
    fn from(r: EligibilityReport) -> Self {
        Self {
            eligible: r.eligible,
            role: r.role,
            profile: r.profile,
            sme_category: r.sme_category,
            checks: r
                .checks
                .into_iter()
                .map(|c| CheckDto {
                    rule: c.rule.to_owned(),
                    passed: c.passed,
                    message: c.message,
                })
                .collect(),
        }
    }
}
