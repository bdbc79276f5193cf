//! Reading a posted form. [`Form`] is the only way a handler gets at a form, and it refuses
//! one whose CSRF token does not match this browser and session (403, nothing done).
use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::StatusCode,
    response::{IntoResponse, Response},
};

use crate::{
    WebState,
    api::FieldError,
    ctx::browser_language,
    i18n::Tr,
    session::{self, CSRF, SESSION},
};

/// Largest form accepted (the organisation form with many rows stays far below it).
const FORM_LIMIT: usize = 256 * 1024;

/// The fields of a posted `application/x-www-form-urlencoded` body, in order.
#[derive(Debug, Default)]
pub struct Form(pub Vec<(String, String)>);

impl Form {
    /// The first value of `name`, trimmed ("" when absent).
    #[must_use]
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Every value of `name` (checkbox groups), trimmed, without empty ones.
    #[must_use]
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
            .collect()
    }

    /// `name` as an optional value ("" → None).
    #[must_use]
    pub fn opt(&self, name: &str) -> Option<String> {
        Some(self.get(name))
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    }
}

impl FromRequest<WebState> for Form {
    type Rejection = Response;

    async fn from_request(req: Request, web: &WebState) -> Result<Self, Self::Rejection> {
        let lang = browser_language(req.headers());
        let csrf_cookie = session::cookie(req.headers(), CSRF)
            .unwrap_or_default()
            .to_owned();
        let session = session::cookie(req.headers(), SESSION)
            .unwrap_or_default()
            .to_owned();
        let body = Bytes::from_request(req, web)
            .await
            .map_err(IntoResponse::into_response)?;
        if body.len() > FORM_LIMIT {
            return Err(StatusCode::PAYLOAD_TOO_LARGE.into_response());
        }
        let fields: Vec<(String, String)> = form_urlencoded::parse(&body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let form = Self(fields);
        if !web.csrf.verify(form.get("csrf"), &csrf_cookie, &session) {
            return Err(refused(Tr::new(lang)));
        }
        Ok(form)
    }
}

/// The answer to a form without a valid token: nothing was done, go back and try again.
fn refused(tr: Tr) -> Response {
    let body = maud::html! {
        (maud::DOCTYPE)
        html lang=(tr.lang) {
            head { meta charset="utf-8"; title { (tr.t("csrf-title")) } link rel="stylesheet" href="/assets/app.css"; }
            body { main id="main" { h1 { (tr.t("csrf-title")) } p { (tr.t("csrf-text")) } p { a href="/" { (tr.t("go-home")) } } } }
        }
    };
    (StatusCode::FORBIDDEN, body).into_response()
}

/// The problems of a form shown again.
#[derive(Debug, Default, Clone)]
pub struct Errors(pub Vec<FieldError>);

impl Errors {
    /// One problem the page found itself (an unreadable number, say).
    pub fn add(&mut self, field: &str, message: String) {
        self.0.push(FieldError {
            field: field.to_owned(),
            message,
        });
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// 200 for a form shown as it is, 422 for one shown again with its problems.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        if self.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        }
    }

    /// The messages for one field, joined.
    #[must_use]
    pub fn of(&self, field: &str) -> Option<String> {
        let m: Vec<&str> = self
            .0
            .iter()
            .filter(|e| e.field == field)
            .map(|e| e.message.as_str())
            .collect();
        (!m.is_empty()).then(|| m.join("; "))
    }
}
