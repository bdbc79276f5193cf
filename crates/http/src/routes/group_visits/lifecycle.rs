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
    respond::tagged,
    state::AppState,
    validate,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(update_visit))
        .routes(routes!(publish_visit))
        .routes(routes!(cancel_visit))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateVisit {
    title: Option<String>,
    description: Option<String>,
    city: Option<String>,
    /// Not below the confirmed places; more places promote waiting participants.
    capacity: Option<i32>,
    registration_closes_at: Option<DateTime<Utc>>,
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
    let mut problems = Vec::new();
    let patch = VisitPatch {
        title: r
            .title
            .map(|t| validate::text(&t, "title", 1, 200, &mut problems)),
        description: r
            .description
            .map(|d| validate::text(&d, "description", 0, 10_000, &mut problems)),
        city: r
            .city
            .map(|t| validate::text(&t, "city", 1, 100, &mut problems)),
        capacity: r.capacity,
        registration_closes_at: r.registration_closes_at,
    };
    if patch.capacity.is_some_and(|c| !(1..=10_000).contains(&c)) {
        problems.push(Problem::new(
            "capacity",
            "out_of_range",
            "capacity must be between 1 and 10000",
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::Unprocessable(problems));
    }
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

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelVisit {
    /// Told to everyone registered.
    comment: Option<String>,
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
    let mut problems = Vec::new();
    let comment = r
        .comment
        .map(|t| validate::text(&t, "comment", 0, 2000, &mut problems))
        .filter(|t| !t.is_empty());
    if !problems.is_empty() {
        return Err(ApiError::Unprocessable(problems));
    }
    let v = st
        .store
        .cancel_visit(id, &c, if_match, comment.as_deref())
        .await?;
    let version = v.version;
    Ok(tagged(version, VisitDto::summary(v, 0, st.store.now())))
}
