//! The API, called in-process. Pages never reach the database themselves: they send the
//! same request a client would send (JSON, bearer token) to the API's router and read the
//! answer, so every rule, permission check and message is the API's own.
use std::net::SocketAddr;

use axum::{
    Router,
    body::Body,
    extract::ConnectInfo,
    http::{Method, Request, StatusCode, header},
};
use serde_json::Value;
use tower::ServiceExt;

/// Largest API answer a page reads (lists are paged, so this is generous).
const ANSWER_LIMIT: usize = 4 * 1024 * 1024;

#[derive(Clone)]
pub struct Api {
    router: Router,
}

/// One failed field or rule of a problem document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The API's field name (`participant.email`, `end_date`, `sme_headcount` …); forms
    /// name their inputs the same way, so the message lands next to its input.
    pub field: String,
    pub message: String,
}

/// An API answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
    /// The `ETag` header, for `If-Match` on the next change.
    pub etag: Option<String>,
}

impl Reply {
    #[must_use]
    pub fn ok(&self) -> bool {
        self.status.is_success()
    }

    /// Every entry of the problem document's `errors`; a problem without entries (a 409,
    /// say) becomes one entry with an empty field and the `detail`.
    #[must_use]
    pub fn errors(&self) -> Vec<FieldError> {
        if self.ok() {
            return Vec::new();
        }
        let entries: Vec<FieldError> = self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| FieldError {
                        field: e["field"].as_str().unwrap_or_default().to_owned(),
                        message: e["message"].as_str().unwrap_or_default().to_owned(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        if entries.is_empty() {
            let detail = self.body["detail"]
                .as_str()
                .or_else(|| self.body["title"].as_str())
                .unwrap_or("the request failed");
            return vec![FieldError {
                field: String::new(),
                message: detail.to_owned(),
            }];
        }
        entries
    }

    /// `items` of a list answer (empty for anything else).
    #[must_use]
    pub fn items(&self) -> Vec<Value> {
        self.body["items"].as_array().cloned().unwrap_or_default()
    }
}

impl Api {
    #[must_use]
    pub fn new(router: Router) -> Self {
        Self { router }
    }

    /// Sends one request to the API. `client` is the browser's address, so the login
    /// throttle counts per real client.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        extra: &[(&str, String)],
        client: SocketAddr,
    ) -> Reply {
        match self.respond(method, path, token, body, extra, client).await {
            Ok(res) => Self::read(res).await,
            Err(reply) => reply,
        }
    }

    /// The API's answer as it is (a file such as the CSV export) when it succeeds; the
    /// problem document read otherwise.
    pub async fn forward(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        client: SocketAddr,
    ) -> Result<axum::response::Response, Reply> {
        let res = self.respond(method, path, token, None, &[], client).await?;
        if res.status().is_success() {
            Ok(res)
        } else {
            Err(Self::read(res).await)
        }
    }

    async fn respond(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        extra: &[(&str, String)],
        client: SocketAddr,
    ) -> Result<axum::response::Response, Reply> {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        for (k, v) in extra {
            req = req.header(*k, v.as_str());
        }
        let body = match body {
            Some(b) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(b.to_string())
            }
            None => Body::empty(),
        };
        let Ok(mut req) = req.body(body) else {
            return Err(Self::failed("the page built a request the API cannot read"));
        };
        req.extensions_mut().insert(ConnectInfo(client));
        let Ok(res) = self.router.clone().oneshot(req).await;
        Ok(res)
    }

    async fn read(res: axum::response::Response) -> Reply {
        let status = res.status();
        let etag = res
            .headers()
            .get(header::ETAG)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let bytes = axum::body::to_bytes(res.into_body(), ANSWER_LIMIT)
            .await
            .unwrap_or_default();
        let body = serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
        Reply { status, body, etag }
    }

    fn failed(detail: &str) -> Reply {
        Reply {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            body: serde_json::json!({ "detail": detail }),
            etag: None,
        }
    }
}
