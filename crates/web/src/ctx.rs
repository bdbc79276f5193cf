//! What a page handler knows about its request: who is signed in (asked of the API with
//! the session cookie's token), the language, the CSRF token for its forms, the notice
//! left by the previous redirect.
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, Method, StatusCode, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use cxc_domain::policy::AccountRole;
use maud::Markup;
use serde_json::Value;

use crate::{
    WebState,
    api::Reply,
    format,
    i18n::{self, Tr},
    layout,
    pages::util::str_of,
    session::{self, CSRF, LANG, NOTICE, SESSION},
};

pub struct Ctx {
    pub web: WebState,
    /// The API session token from the cookie, when it is still live.
    pub token: Option<String>,
    /// `GET /api/v1/me` of the signed-in user.
    pub user: Option<Value>,
    pub tr: Tr,
    /// The token this request's forms carry.
    pub csrf: String,
    pub client: SocketAddr,
    /// Path and query of this request (for "back" links and sign-in redirects).
    pub here: String,
    /// A message id left by the previous action, shown once.
    pub notice: Option<String>,
    /// The session cookie named a session the API no longer knows (expired or revoked).
    pub stale_session: bool,
}

/// The language of a request without asking the API (forms refused before any handler
/// runs): the language cookie, else `Accept-Language`, else English.
#[must_use]
pub fn browser_language(headers: &HeaderMap) -> &'static str {
    session::cookie(headers, LANG)
        .and_then(i18n::supported)
        .or_else(|| i18n::from_accept_language(headers))
        .unwrap_or("en")
}

impl FromRequestParts<WebState> for Ctx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        web: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let client = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0), |c| c.0);
        let headers = &parts.headers;
        let mut token = session::cookie(headers, SESSION).map(str::to_owned);
        let mut user = None;
        let mut stale_session = false;
        if let Some(t) = &token {
            let me = web
                .api
                .call(Method::GET, "/api/v1/me", Some(t), None, &[], client)
                .await;
            if me.ok() {
                user = Some(me.body);
            } else {
                stale_session = true;
            }
        }
        if user.is_none() {
            token = None;
        }
        // The account's language first, then the browser's choice.
        let lang = user
            .as_ref()
            .and_then(|u| u["locale"].as_str())
            .and_then(i18n::supported)
            .unwrap_or_else(|| browser_language(headers));
        let csrf_cookie = session::cookie(headers, CSRF).unwrap_or_default();
        let csrf = web
            .csrf
            .token(csrf_cookie, token.as_deref().unwrap_or_default());
        let notice = session::cookie(headers, NOTICE)
            .filter(|n| n.len() <= 64 && n.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
            .map(str::to_owned);
        let here = parts
            .uri
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
        Ok(Self {
            web: web.clone(),
            token,
            user,
            tr: Tr::new(lang),
            csrf,
            client,
            here,
            notice,
            stale_session,
        })
    }
}

impl Ctx {
    #[must_use]
    pub fn t(&self, id: &str) -> String {
        self.tr.t(id)
    }

    #[must_use]
    pub fn lang(&self) -> &'static str {
        self.tr.lang
    }

    #[must_use]
    pub fn signed_in(&self) -> bool {
        self.user.is_some()
    }

    /// Whether the user holds a grant (partner, coordinator) or is an admin: who sees
    /// the pages of the people who run the scheme.
    #[must_use]
    pub fn runs_the_scheme(&self) -> bool {
        self.user.as_ref().is_some_and(|u| {
            crate::pages::util::code_of(u, "role") == Some(AccountRole::Admin)
                || u["grants"].as_array().is_some_and(|g| !g.is_empty())
        })
    }

    /// An amount in cents from the API as money in the reader's language; "—" when the
    /// answer has none (a missing amount is not shown as €0.00).
    #[must_use]
    pub fn money(&self, cents: &Value) -> String {
        cents
            .as_i64()
            .map_or_else(|| "—".to_owned(), |c| format::money(self.lang(), c))
    }

    /// The organisations the signed-in user is a contact of (public summaries, newest
    /// first), in one request (`mine=true`); none when signed out. One page of 200: more
    /// than that is not a person's list.
    pub async fn my_organisations(&self) -> Result<Vec<Value>, Reply> {
        if !self.signed_in() {
            return Ok(Vec::new());
        }
        let r = self.get("/api/v1/organisations?mine=true&limit=200").await;
        if r.ok() { Ok(r.items()) } else { Err(r) }
    }

    /// [`Self::my_organisations`] as the (id, name) choices of a form's select.
    pub async fn my_organisation_choices(&self) -> Result<Vec<(String, String)>, Reply> {
        Ok(self
            .my_organisations()
            .await?
            .iter()
            .map(|o| (str_of(o, "id"), str_of(o, "name")))
            .collect())
    }

    /// The API, as the signed-in user.
    pub async fn api(&self, method: Method, path: &str, body: Option<&Value>) -> Reply {
        self.web
            .api
            .call(method, path, self.token.as_deref(), body, &[], self.client)
            .await
    }

    /// A change made against the version a page showed (`If-Match: <version>`, the
    /// `ETag` it read), so a change made meanwhile is refused rather than overwritten; an
    /// empty `version` sends none.
    pub async fn send_if_match(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        version: &str,
    ) -> Reply {
        let extra: Vec<(&str, String)> = if version.is_empty() {
            Vec::new()
        } else {
            vec![("if-match", version.to_owned())]
        };
        self.web
            .api
            .call(
                method,
                path,
                self.token.as_deref(),
                body,
                &extra,
                self.client,
            )
            .await
    }

    /// The API's own answer (a file), or its problem read as a [`Reply`].
    pub async fn forward(&self, method: Method, path: &str) -> Result<Response, Reply> {
        self.web
            .api
            .forward(method, path, self.token.as_deref(), self.client)
            .await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.api(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.api(Method::POST, path, Some(body)).await
    }

    /// For a signed-out visitor, the way to the sign-in page (coming back here afterwards).
    #[must_use]
    pub fn sign_in_first(&self) -> Option<Response> {
        if self.user.is_some() {
            return None;
        }
        let next: String = form_urlencoded::byte_serialize(self.here.as_bytes()).collect();
        Some(Redirect::to(&format!("/sign-in?next={next}")).into_response())
    }

    /// The page, 200.
    #[must_use]
    pub fn page(&self, title: &str, body: Markup) -> Response {
        self.page_status(StatusCode::OK, title, body)
    }

    /// The page with a status (422 for a form shown again with its errors).
    #[must_use]
    pub fn page_status(&self, status: StatusCode, title: &str, body: Markup) -> Response {
        let mut res = (status, layout::page(self, title, body)).into_response();
        let h = res.headers_mut();
        if self.notice.is_some() {
            h.append(
                header::SET_COOKIE,
                session::set_cookie(NOTICE, "", 0, self.web.secure_cookies),
            );
        }
        if self.stale_session {
            h.append(
                header::SET_COOKIE,
                session::set_cookie(SESSION, "", 0, self.web.secure_cookies),
            );
        }
        h.insert(
            header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
        res
    }

    /// 303 to `to`, leaving a notice (a message id) for the next page.
    #[must_use]
    pub fn redirect_with(&self, to: &str, notice: &str) -> Response {
        let mut res = Redirect::to(to).into_response();
        res.headers_mut().append(
            header::SET_COOKIE,
            session::set_cookie(NOTICE, notice, 60, self.web.secure_cookies),
        );
        res
    }

    /// The "not found" page (also for what the user may not see: the API answers 404).
    #[must_use]
    pub fn not_found(&self) -> Response {
        let body = maud::html! { p { (self.t("not-found-text")) } p { a href="/" { (self.t("go-home")) } } };
        self.page_status(StatusCode::NOT_FOUND, &self.t("not-found-title"), body)
    }

    /// An API answer the page cannot handle otherwise, shown as such.
    #[must_use]
    pub fn failed(&self, reply: &Reply) -> Response {
        match reply.status {
            StatusCode::NOT_FOUND => self.not_found(),
            StatusCode::UNAUTHORIZED => self
                .sign_in_first()
                .unwrap_or_else(|| Redirect::to("/sign-in").into_response()),
            status => {
                let errors = reply.errors();
                let body = maud::html! {
                    ul { @for e in &errors { li { (e.message) } } }
                    p { a href="/" { (self.t("go-home")) } }
                };
                self.page_status(status, &self.t("problem-title"), body)
            }
        }
    }
}

/// Only a path on this site may be a redirect target (no `//evil.example`).
#[must_use]
pub fn local_path(raw: &str) -> String {
    if raw.starts_with('/') && !raw.starts_with("//") && !raw.starts_with("/\\") && raw.len() < 1024
    {
        raw.to_owned()
    } else {
        "/".to_owned()
    }
}
