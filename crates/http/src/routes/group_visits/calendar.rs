//! iCalendar feeds: a visit's agenda and the caller's own calendar.
use axum::{
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::{
    error::ApiResult,
    extract::{ApiPath, Auth, MaybeAuth},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(agenda_ics))
        .routes(routes!(my_calendar))
}

fn calendar(body: String, filename: &str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{filename}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// The visit's agenda as iCalendar (RFC 5545): a VTIMEZONE for the visit's zone and one
/// VEVENT per item with a stable UID; removed items stay as `STATUS:CANCELLED` and
/// every change bumps SEQUENCE. Drafts only for the visit's organisers.
#[utoipa::path(get, path = "/api/v1/group-visits/{id}/agenda.ics", tag = "group-visits", security((), ("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, description = "The visit's agenda as an iCalendar (RFC 5545) file.", content_type = "text/calendar", body = String)))]
async fn agenda_ics(
    State(st): State<AppState>,
    MaybeAuth(c): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let ics = st.store.visit_ics(id, c.as_ref()).await?;
    Ok(calendar(ics, "agenda.ics"))
}

/// The caller's calendar: the agenda of every group visit they hold a confirmed place
/// on (limited activities only when they hold a place on them too) and their approved
/// or later exchanges as all-day events.
#[utoipa::path(get, path = "/api/v1/me/calendar.ics", tag = "group-visits", security(("bearer" = [])),
    responses((status = 200, description = "The caller's calendar as an iCalendar (RFC 5545) file.", content_type = "text/calendar", body = String)))]
async fn my_calendar(State(st): State<AppState>, Auth(c): Auth) -> ApiResult<Response> {
    let ics = st.store.my_calendar(c.id()).await?;
    Ok(calendar(ics, "calendar.ics"))
}
