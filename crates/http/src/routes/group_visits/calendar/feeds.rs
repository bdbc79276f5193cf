//! The personal calendar at a secret address. Calendar applications subscribe to a URL
//! and cannot send a bearer token, so the token is in the path; only its SHA-256 is
//! stored, like a session's. Rotating issues a new address and kills the old one;
//! revoking kills it without a replacement.
use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::caching;
use crate::{
    auth::{new_token, token_hash},
    error::{ApiError, ApiResult},
    extract::{ApiPath, Auth},
    openapi::problems::NotFound,
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(feed_ics))
        .routes(routes!(rotate, revoke))
}

/// A new secret address of the caller's calendar. Shown once: the server keeps only a
/// hash, so a lost address is replaced, not recovered.
#[derive(Serialize, ToSchema)]
pub struct CalendarFeedDto {
    /// `https://…/api/v1/calendar-feeds/{token}/calendar.ics`: paste into "subscribe to
    /// calendar from URL".
    pub url: String,
    /// The same address with the `webcal:` scheme, which opens the calendar application.
    pub webcal_url: String,
}

/// Tokens are 43 characters; anything much longer is not one, and is not hashed.
const MAX_TOKEN_LEN: usize = 128;

/// The calendar of `GET /api/v1/me/calendar.ics` for whoever holds the address; the
/// token in the path is the credential. Conditional GET with ETag and Last-Modified.
#[utoipa::path(get, path = "/api/v1/calendar-feeds/{token}/calendar.ics", tag = "group-visits",
    params(("token" = String, Path, description = "secret from `POST /api/v1/me/calendar-feed`")),
    responses((status = 200, description = "The calendar as an iCalendar (RFC 5545) file.", content_type = "text/calendar", body = String),
              (status = 304, description = "The client's copy (`If-None-Match` / `If-Modified-Since`) is current.")))]
async fn feed_ics(
    State(st): State<AppState>,
    headers: HeaderMap,
    ApiPath(token): ApiPath<String>,
) -> ApiResult<Response> {
    if token.is_empty() || token.len() > MAX_TOKEN_LEN {
        return Err(ApiError::NotFound);
    }
    let user = st
        .store
        .calendar_feed_user(&token_hash(&token))
        .await?
        .ok_or(ApiError::NotFound)?;
    let feed = st.store.my_calendar(user).await?;
    Ok(caching::calendar(&headers, &feed, "calendar.ics"))
}

/// Issues a new secret address for the caller's calendar; the previous one stops
/// working at once.
#[utoipa::path(post, path = "/api/v1/me/calendar-feed", tag = "group-visits", security(("bearer" = [])),
    responses((status = 201, description = "The new address.", body = CalendarFeedDto)))]
async fn rotate(State(st): State<AppState>, Auth(c): Auth) -> ApiResult<Response> {
    let token = new_token();
    st.store
        .rotate_calendar_feed(c.id(), token_hash(&token))
        .await?;
    let url = format!(
        "{}/api/v1/calendar-feeds/{token}/calendar.ics",
        st.store.public_url.trim_end_matches('/')
    );
    let webcal_url = match url.split_once("://") {
        Some((_, rest)) => format!("webcal://{rest}"),
        None => url.clone(),
    };
    Ok((
        StatusCode::CREATED,
        Json(CalendarFeedDto { url, webcal_url }),
    )
        .into_response())
}

/// Revokes the caller's calendar address without issuing another.
#[utoipa::path(delete, path = "/api/v1/me/calendar-feed", tag = "group-visits", security(("bearer" = [])),
    responses((status = 204, description = "Revoked."), NotFound))]
async fn revoke(State(st): State<AppState>, Auth(c): Auth) -> ApiResult<StatusCode> {
    if st.store.revoke_calendar_feed(c.id()).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::NotFound)
    }
}
