//! Changing, publishing and cancelling a group visit.
use axum::{body::Bytes, extract::State, response::Response};
use chrono::{DateTime, Utc};
use cxc_persistence::{Problem, repositories::group_visits::lifecycle::VisitPatch};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::dto::VisitDto;
use crate::openapi::problems::{Conflict, Forbidden};
use crate::{
    error::{ApiError, ApiResult},
    extract::{ApiJson, ApiPath, Auth, IfMatch, parse_json},
    fields::{self, Text},
    respond::tagged,
    state::AppState,
};
use cxc_domain::plausible;
use validator::Validate;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(update_visit))
        .routes(routes!(publish_visit))
        .routes(routes!(cancel_visit))
}

/// Changes to a visit; the bounds are those of `CreateVisit`, declared per field.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct UpdateVisit {
    #[validate(custom(function = "fields::text"))]
    title: Option<Text<1, 200>>,
    #[validate(custom(function = "fields::text"))]
    description: Option<Text<0, 10_000>>,
    #[validate(custom(function = "fields::text"))]
    city: Option<Text<1, 100>>,
    /// 1 to 10,000, not below the confirmed places; more places promote waiting
    /// participants.
    #[validate(range(min = 1, max = plausible::MAX_VISIT_CAPACITY, code = "out_of_range", message = "capacity must be between 1 and 10000"))]
    #[schema(minimum = 1, maximum = 10_000)]
    capacity: Option<i32>,
    registration_closes_at: Option<DateTime<Utc>>,
}

/// Every problem of the changes at once; the cleaned changes otherwise.
fn check_update(r: &UpdateVisit) -> ApiResult<VisitPatch> {
    let mut problems = fields::problems(r.validate());
    if let Some(Err(e)) = r
        .registration_closes_at
        .map(|at| plausible::scheme_date(at.date_naive()))
    {
        problems.push(Problem::new("registration_closes_at", e.code, e.message));
    }
    if !problems.is_empty() {
        return Err(ApiError::Unprocessable(problems));
    }
    Ok(VisitPatch {
        title: r.title.as_ref().map(Text::clean),
        description: r.description.as_ref().map(Text::clean),
        city: r.city.as_ref().map(Text::clean),
        capacity: r.capacity,
        registration_closes_at: r.registration_closes_at,
    })
}

/// Changes title, description, city, capacity or registration deadline (dates and time
/// zone are fixed once created). Needs `If-Match`.
#[utoipa::path(patch, path = "/api/v1/group-visits/{id}", tag = "group-visits", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = String, Header)), request_body = UpdateVisit,
    responses((status = 200, body = VisitDto, headers(("ETag" = String))),
        Forbidden, Conflict))]
async fn update_visit(
    State(st): State<AppState>,
    Auth(c): Auth,
    if_match: IfMatch,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<UpdateVisit>,
) -> ApiResult<Response> {
    let version = if_match.required()?;
    let patch = check_update(&r)?;
    st.store.update_visit(id, &c, version, patch).await?;
    let view = st.store.visit_view(id, Some(&c)).await?;
    let version = view.visit.version;
    Ok(tagged(
        version,
        VisitDto::full(view, st.settings.transfer_buffer_minutes, st.store.now()),
    ))
}

/// `draft` → `published`: freezes agenda version 1 and opens registration.
#[utoipa::path(post, path = "/api/v1/group-visits/{id}/publish", tag = "group-visits", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 200, body = VisitDto), Forbidden,
        Conflict))]
async fn publish_visit(
    State(st): State<AppState>,
    Auth(c): Auth,
    IfMatch(if_match): IfMatch,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    st.store.publish_visit(id, &c, if_match).await?;
    let view = st.store.visit_view(id, Some(&c)).await?;
    let version = view.visit.version;
    Ok(tagged(
        version,
        VisitDto::full(view, st.settings.transfer_buffer_minutes, st.store.now()),
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CancelVisit {
    /// Told to everyone registered.
    #[validate(custom(function = "fields::text"))]
    comment: Option<Text<0, 2000>>,
}

/// Cancels the visit and every registration; everyone registered is told by email.
#[utoipa::path(post, path = "/api/v1/group-visits/{id}/cancel", tag = "group-visits", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header)), request_body(content = Option<CancelVisit>, description = "Optional: an empty body is fine."),
    responses((status = 200, body = VisitDto), Forbidden,
        Conflict))]
async fn cancel_visit(
    State(st): State<AppState>,
    Auth(c): Auth,
    IfMatch(if_match): IfMatch,
    ApiPath(id): ApiPath<Uuid>,
    body: Bytes,
) -> ApiResult<Response> {
    let r: CancelVisit = if body.iter().all(u8::is_ascii_whitespace) {
        CancelVisit::default()
    } else {
        parse_json(&body)?
    };
    fields::check(&r)?;
    let comment = r
        .comment
        .as_ref()
        .map(Text::clean)
        .filter(|t| !t.is_empty());
    let v = st
        .store
        .cancel_visit(id, &c, if_match, comment.as_deref())
        .await?;
    let version = v.version;
    Ok(tagged(version, VisitDto::summary(v, 0, st.store.now())))
}

/// Examples and checks of [`UpdateVisit`] and [`CancelVisit`] for
/// `fields::tests::schemas_and_checks_agree`.
#[cfg(test)]
pub(crate) fn probes() -> Vec<crate::routes::Probe> {
    use crate::routes::probe_with;
    vec![
        probe_with::<UpdateVisit>(
            "UpdateVisit",
            serde_json::json!({"title": "CERN", "description": "Three days", "city": "Geneva",
                "capacity": 20, "registration_closes_at": "2027-03-20T12:00:00Z"}),
            |b| check_update(b).map(|_| ()),
        ),
        probe_with::<CancelVisit>(
            "CancelVisit",
            serde_json::json!({"comment": "the lab is closed"}),
            fields::check,
        ),
    ]
}
