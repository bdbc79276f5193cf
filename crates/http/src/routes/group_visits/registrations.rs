//! Registering for a group visit or one of its limited activities, and cancelling.
use axum::{Json, extract::State, http::StatusCode, response::IntoResponse, response::Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::dto::RegistrationDto;
use crate::openapi::problems::{Conflict, Forbidden};
use crate::{
    error::{ApiResult, ProblemDoc},
    extract::{ApiJson, ApiPath, ApiQuery, Auth},
    pagination::{Page, Paged, paged},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register, list_registrations))
        .routes(routes!(get_registration, cancel_registration))
        .routes(routes!(my_registrations))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VisitRegistrationRequest {
    /// The visiting organisation; the caller must be one of its contacts and it must be
    /// eligible as a visitor.
    organisation_id: Uuid,
    /// A limited activity of the visit; omit to register for the visit itself.
    item_id: Option<Uuid>,
}

/// Registers the caller: `confirmed` while places are left, otherwise `waitlisted` with
/// a position. Activities with their own capacity need a confirmed place on the visit.
#[utoipa::path(post, path = "/api/v1/group-visits/{id}/registrations", operation_id = "register_for_visit", tag = "group-visits", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header)), request_body = VisitRegistrationRequest,
    responses((status = 201, body = RegistrationDto),
        Forbidden, Conflict,
        (status = 422, body = ProblemDoc, description = "unknown organisation or item, or one entry per failed eligibility rule")))]
async fn register(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<VisitRegistrationRequest>,
) -> ApiResult<Response> {
    let view = st
        .store
        .register_for_visit(id, &c, r.organisation_id, r.item_id)
        .await?;
    Ok((StatusCode::CREATED, Json(RegistrationDto::new(&view))).into_response())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 1..200, default 50.
    limit: Option<i64>,
    cursor: Option<String>,
}

/// The visit's registrations (with the people) for its organisers; the caller's own
/// registrations on it for anyone else.
#[utoipa::path(get, path = "/api/v1/group-visits/{id}/registrations", tag = "group-visits", security(("bearer" = [])),
    params(("id" = Uuid, Path), ListQuery),
    responses((status = 200, body = Paged<RegistrationDto>)))]
async fn list_registrations(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Paged<RegistrationDto>> {
    let page = Page {
        limit: q.limit,
        cursor: q.cursor,
    };
    let limit = page.limit()?;
    let rows = st
        .store
        .visit_registrations(id, &c, page.after()?, limit + 1)
        .await?;
    Ok(paged(
        rows,
        limit,
        |p| p.registration.reg.id,
        |p| RegistrationDto::new(&p.registration).with_user(p.user.as_ref()),
    ))
}

/// One registration (its registrant or the visit's organisers), with the current
/// waiting-list position.
#[utoipa::path(get, path = "/api/v1/group-visits/{id}/registrations/{reg_id}", tag = "group-visits",
    security(("bearer" = [])), params(("id" = Uuid, Path), ("reg_id" = Uuid, Path)),
    responses((status = 200, body = RegistrationDto)))]
async fn get_registration(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath((id, reg_id)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<Json<RegistrationDto>> {
    let view = st.store.visit_registration(id, reg_id, &c).await?;
    Ok(Json(RegistrationDto::new(&view)))
}

/// Cancels a registration (the registrant, or a partner/coordinator of the visit). The
/// place goes to the first person on the waiting list, who is told by email.
#[utoipa::path(delete, path = "/api/v1/group-visits/{id}/registrations/{reg_id}", tag = "group-visits",
    security(("bearer" = [])), params(("id" = Uuid, Path), ("reg_id" = Uuid, Path)),
    responses((status = 204), Conflict))]
async fn cancel_registration(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath((id, reg_id)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    st.store.cancel_registration(id, reg_id, &c).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's registrations on every visit, newest first.
#[utoipa::path(get, path = "/api/v1/me/group-visit-registrations", tag = "group-visits", security(("bearer" = [])),
    params(ListQuery), responses((status = 200, body = Paged<RegistrationDto>)))]
async fn my_registrations(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Paged<RegistrationDto>> {
    let page = Page {
        limit: q.limit,
        cursor: q.cursor,
    };
    let limit = page.limit()?;
    let rows = st
        .store
        .my_visit_registrations(c.id(), page.after()?, limit + 1)
        .await?;
    Ok(paged(
        rows,
        limit,
        |(r, _)| r.reg.id,
        |(r, v)| {
            let mut dto = RegistrationDto::new(&r);
            dto.visit_title = v.map(|v| v.title);
            dto
        },
    ))
}

/// The example of [`VisitRegistrationRequest`] for `fields::tests::schemas_and_checks_agree`:
/// it declares no bounds (two ids), so the probe only shows the example is accepted.
#[cfg(test)]
pub(crate) fn probe() -> crate::routes::Probe {
    crate::routes::probe_with::<VisitRegistrationRequest>(
        "VisitRegistrationRequest",
        serde_json::json!({"organisation_id": uuid::Uuid::nil()}),
        |_| Ok(()),
    )
}
