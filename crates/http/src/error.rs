//! The one error → HTTP mapping: every failure becomes an RFC 9457 problem document.
//! 5xx responses hide internals; the cause is logged once by the trace middleware.
use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use cxc_domain::policy::Refusal;
use cxc_persistence::{Problem, RepoError};
use serde::Serialize;
use utoipa::ToSchema;

/// Problem document (`application/problem+json`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemDoc {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine-readable code of the problem.
    pub code: String,
    /// For a refusal by the access policy: the id of the rule that refused (for example
    /// `conflict_host_side`, `one_signature_per_person`); `detail` says why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// At most [`MAX_PROBLEM_ENTRIES`]; the rest are counted in `errors_omitted`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Problem>,
    /// How many further problems were found but not listed.
    #[serde(skip_serializing_if = "is_zero")]
    #[schema(minimum = 1)]
    pub errors_omitted: usize,
}

/// A problem document lists at most this many entries: a body with 150,000 bad tags
/// gets a small answer, not one entry per tag.
pub const MAX_PROBLEM_ENTRIES: usize = 100;

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    BadRequest(String),
    #[error("authentication required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    /// Refused by the access policy, with the rule and the reason.
    #[error("{0}")]
    Denied(cxc_domain::policy::Denied),
    #[error("not found")]
    NotFound,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("{message}")]
    Conflict { code: String, message: String },
    #[error("the request body did not arrive in time")]
    RequestTimeout,
    #[error("{0}")]
    PreconditionFailed(String),
    #[error("this request needs an If-Match header with the resource's current version")]
    PreconditionRequired,
    #[error("request body larger than {0} bytes")]
    PayloadTooLarge(usize),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("validation failed")]
    Unprocessable(Vec<Problem>),
    #[error("too many attempts; retry in {0} s")]
    TooManyRequests(u64),
    #[error("{0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn invalid(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::Unprocessable(vec![Problem::new(field, code, message)])
    }

    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code: code.into(),
            message: message.into(),
        }
    }

    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Denied(d) => match d.refusal {
                Refusal::Forbidden => StatusCode::FORBIDDEN,
                Refusal::Hidden => StatusCode::NOT_FOUND,
                Refusal::Conflict => StatusCode::CONFLICT,
            },
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable snake_case code clients can branch on.
    #[must_use]
    pub fn code(&self) -> String {
        match self {
            Self::BadRequest(_) => "malformed_request".into(),
            Self::Unauthorized => "unauthorized".into(),
            Self::Forbidden(_) => "forbidden".into(),
            Self::Denied(d) => match d.refusal {
                Refusal::Forbidden => "forbidden".into(),
                Refusal::Hidden => "not_found".into(),
                Refusal::Conflict => d.rule.into(),
            },
            Self::NotFound => "not_found".into(),
            Self::MethodNotAllowed => "method_not_allowed".into(),
            Self::Conflict { code, .. } => code.clone(),
            Self::RequestTimeout => "request_timeout".into(),
            Self::PreconditionFailed(_) => "stale_version".into(),
            Self::PreconditionRequired => "if_match_required".into(),
            Self::PayloadTooLarge(_) => "payload_too_large".into(),
            Self::UnsupportedMediaType(_) => "unsupported_media_type".into(),
            Self::Unprocessable(_) => "validation_failed".into(),
            Self::TooManyRequests(_) => "rate_limited".into(),
            Self::Unavailable(_) => "unavailable".into(),
            Self::Internal(_) => "internal_error".into(),
        }
    }
}

impl From<RepoError> for ApiError {
    fn from(e: RepoError) -> Self {
        match e {
            RepoError::NotFound => Self::NotFound,
            RepoError::Conflict { code, message } => Self::Conflict {
                code: code.into(),
                message,
            },
            RepoError::Stale { current } => Self::PreconditionFailed(format!(
                "the resource was changed by someone else; its current version is {current}"
            )),
            RepoError::Invalid(p) => Self::Unprocessable(p),
            RepoError::Forbidden(m) => Self::Forbidden(m),
            RepoError::Denied(d) => Self::Denied(d),
            RepoError::Db(_) | RepoError::Template { .. } => Self::Internal(e.to_string()),
        }
    }
}

impl From<cxc_domain::policy::Denied> for ApiError {
    fn from(d: cxc_domain::policy::Denied) -> Self {
        match d.refusal {
            Refusal::Hidden => Self::NotFound,
            _ => Self::Denied(d),
        }
    }
}

/// The internal cause of a 5xx, kept in the response extensions for the logger.
#[derive(Clone, Debug)]
pub struct InternalCause(pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let title = status.canonical_reason().unwrap_or("Error").to_owned();
        let detail = if status.is_server_error() {
            match &self {
                Self::Unavailable(m) => m.clone(),
                _ => "internal error".into(),
            }
        } else {
            self.to_string()
        };
        let code = self.code();
        let (errors, errors_omitted) = match &self {
            Self::Unprocessable(p) => (
                p.iter().take(MAX_PROBLEM_ENTRIES).cloned().collect(),
                p.len().saturating_sub(MAX_PROBLEM_ENTRIES),
            ),
            _ => (vec![], 0),
        };
        let rule = match &self {
            Self::Denied(d) if d.refusal != Refusal::Hidden => Some(d.rule.to_owned()),
            _ => None,
        };
        let doc = ProblemDoc {
            kind: format!("https://clusterxchange.eu/problems/{code}"),
            title,
            status: status.as_u16(),
            detail,
            code,
            rule,
            errors,
            errors_omitted,
        };
        let mut res = (status, Json(doc)).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Self::TooManyRequests(secs) = self
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if let Self::Internal(cause) = self {
            res.extensions_mut().insert(InternalCause(cause));
        }
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
