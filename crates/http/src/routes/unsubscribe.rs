//! One-click unsubscribe from optional mail (RFC 8058). The token in the path is the
//! proof (an HMAC the server signed); no sign-in. GET only shows a confirmation page, so
//! link scanners that prefetch URLs unsubscribe nobody; POST (what mail clients send for
//! `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, or the page's button) acts.
use axum::{
    Json,
    body::Bytes,
    extract::State,
    http::{HeaderMap, header},
    response::{Html, IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

mod pages;

use crate::{
    error::{ApiError, ApiResult, ProblemDoc},
    extract::ApiPath,
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(confirm_page, unsubscribe))
}

/// The recipient's optional-mail setting after the request.
#[derive(Serialize, ToSchema)]
pub struct UnsubscribeResult {
    /// Always `false`: reminders are off.
    reminders: bool,
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// Confirmation page for the unsubscribe link in reminder emails, in the recipient's
/// language; changes nothing.
#[utoipa::path(get, path = "/api/v1/unsubscribe/{token}", tag = "notifications",
    params(("token" = String, Path, description = "signed token from the List-Unsubscribe header")),
    responses((status = 200, description = "a page in the recipient's language with a button that POSTs to the same URL (no JavaScript)", content_type = "text/html", body = String),
              (status = 404, body = ProblemDoc, description = "not a token this server signed")))]
async fn confirm_page(
    State(st): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> ApiResult<Html<String>> {
    let user = st
        .store
        .unsubscribe_user(&token)
        .ok_or(ApiError::NotFound)?;
    let user = st.store.user(user).await.map_err(|_| ApiError::NotFound)?;
    Ok(Html(pages::confirm(&user.locale)))
}

/// One-click unsubscribe (RFC 8058): turns the recipient's reminders off. Any body is
/// accepted (mail clients send `List-Unsubscribe=One-Click`); repeating it is harmless.
/// The confirmation page's form (and any client accepting `text/html`) gets a page in
/// the recipient's language, other clients JSON.
#[utoipa::path(post, path = "/api/v1/unsubscribe/{token}", tag = "notifications",
    params(("token" = String, Path, description = "signed token from the List-Unsubscribe header")),
    request_body(content = Option<String>, content_type = "application/x-www-form-urlencoded", description = "ignored, e.g. `List-Unsubscribe=One-Click`"),
    responses((status = 200, description = "reminders are off: JSON, or a page in the recipient's language for the confirmation form or a client accepting text/html",
                content((UnsubscribeResult = "application/json"), (String = "text/html"))),
              (status = 404, body = ProblemDoc, description = "not a token this server signed")))]
async fn unsubscribe(
    State(st): State<AppState>,
    headers: HeaderMap,
    ApiPath(token): ApiPath<String>,
    body: Bytes,
) -> ApiResult<Response> {
    let user = st.store.unsubscribe(&token).await?;
    let from_page = body
        .split(|b| *b == b'&')
        .any(|field| field == pages::FROM_PAGE.as_bytes());
    if from_page || wants_html(&headers) {
        return Ok(Html(pages::done(&user.locale)).into_response());
    }
    Ok(Json(UnsubscribeResult {
        reminders: user.reminders,
    })
    .into_response())
}
