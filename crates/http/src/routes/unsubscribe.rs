//! One-click unsubscribe from optional mail (RFC 8058). The token in the path is the
//! proof (an HMAC the server signed); no sign-in. GET only shows a confirmation page, so
//! link scanners that prefetch URLs unsubscribe nobody; POST (what mail clients send for
//! `List-Unsubscribe-Post: List-Unsubscribe=One-Click`, or the page's button) acts.
use axum::{
    Json,
    extract::State,
    http::{HeaderMap, header},
    response::{Html, IntoResponse, Response},
};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

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

const CONFIRM_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>Unsubscribe from reminders</title></head>
<body><h1>Stop reminder emails?</h1>
<p>You will still receive emails about your applications and visits.</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Unsubscribe from reminders</button></form></body></html>
"#;

const DONE_PAGE: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex">
<title>Unsubscribed</title></head>
<body><h1>You are unsubscribed from reminders.</h1>
<p>You can turn them on again in your notification preferences.</p></body></html>
"#;

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// Confirmation page for the unsubscribe link in reminder emails; changes nothing.
#[utoipa::path(get, path = "/api/v1/unsubscribe/{token}", tag = "notifications",
    params(("token" = String, Path, description = "signed token from the List-Unsubscribe header")),
    responses((status = 200, description = "a page with a button that POSTs to the same URL", content_type = "text/html", body = String),
              (status = 404, body = ProblemDoc, description = "not a token this server signed")))]
async fn confirm_page(
    State(st): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> ApiResult<Html<&'static str>> {
    st.store
        .unsubscribe_user(&token)
        .ok_or(ApiError::NotFound)?;
    Ok(Html(CONFIRM_PAGE))
}

/// One-click unsubscribe (RFC 8058): turns the recipient's reminders off. Any body is
/// accepted and ignored (mail clients send `List-Unsubscribe=One-Click`); repeating it is harmless.
#[utoipa::path(post, path = "/api/v1/unsubscribe/{token}", tag = "notifications",
    params(("token" = String, Path, description = "signed token from the List-Unsubscribe header")),
    request_body(content = Option<String>, content_type = "application/x-www-form-urlencoded", description = "ignored, e.g. `List-Unsubscribe=One-Click`"),
    responses((status = 200, description = "reminders are off (an HTML page when the client accepts text/html)",
               content((UnsubscribeResult = "application/json"), (String = "text/html"))),
              (status = 404, body = ProblemDoc, description = "not a token this server signed")))]
async fn unsubscribe(
    State(st): State<AppState>,
    headers: HeaderMap,
    ApiPath(token): ApiPath<String>,
) -> ApiResult<Response> {
    let user = st.store.unsubscribe(&token).await?;
    if wants_html(&headers) {
        return Ok(Html(DONE_PAGE).into_response());
    }
    Ok(Json(UnsubscribeResult {
        reminders: user.reminders,
    })
    .into_response())
}
