//! iCalendar feeds: a visit's agenda, the caller's own calendar (bearer token) and the
//! same calendar at a secret address that calendar applications can subscribe to.
mod caching;
mod feeds;

use axum::{extract::State, http::HeaderMap, response::Response};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

pub use feeds::CalendarFeedDto;

use crate::{
    error::ApiResult,
    extract::{ApiPath, Auth, MaybeAuth},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(agenda_ics))
        .routes(routes!(my_calendar))
        .merge(feeds::router())
}

/// The visit's agenda as iCalendar (RFC 5545): a VTIMEZONE for the visit's zone and one
/// VEVENT per item with a stable UID; removed items (all items of a cancelled visit)
/// stay as `STATUS:CANCELLED` for the configured period and every change bumps
/// SEQUENCE. Drafts only for the visit's organisers. Conditional GET with ETag and
/// Last-Modified.
#[utoipa::path(get, path = "/api/v1/group-visits/{id}/agenda.ics", tag = "group-visits", security((), ("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, description = "The visit's agenda as an iCalendar (RFC 5545) file.", content_type = "text/calendar", body = String),
              (status = 304, description = "The client's copy (`If-None-Match` / `If-Modified-Since`) is current.")))]
async fn agenda_ics(
    State(st): State<AppState>,
    MaybeAuth(c): MaybeAuth,
    headers: HeaderMap,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let feed = st.store.visit_ics(id, c.as_ref()).await?;
    Ok(caching::calendar(&headers, &feed, "agenda.ics"))
}

/// The caller's calendar: the agenda of every group visit they hold a confirmed place
/// on (limited activities only when they hold a place on them too) and their approved
/// or later exchanges as all-day events; cancelled visits, registrations, items and
/// exchanges stay as `STATUS:CANCELLED` for the configured period. For calendar
/// applications, which cannot send a token, see `POST /api/v1/me/calendar-feed`.
#[utoipa::path(get, path = "/api/v1/me/calendar.ics", tag = "group-visits", security(("bearer" = [])),
    responses((status = 200, description = "The caller's calendar as an iCalendar (RFC 5545) file.", content_type = "text/calendar", body = String),
              (status = 304, description = "The client's copy (`If-None-Match` / `If-Modified-Since`) is current.")))]
async fn my_calendar(
    State(st): State<AppState>,
    Auth(c): Auth,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let feed = st.store.my_calendar(c.id()).await?;
    Ok(caching::calendar(&headers, &feed, "calendar.ics"))
}
