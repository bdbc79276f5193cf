//! Extractors whose rejections are problem documents: JSON bodies, queries, paths, the
//! bearer token, `If-Match` and `Idempotency-Key`.
use axum::{
    body::Bytes,
    extract::{FromRequest, FromRequestParts, Request, rejection::BytesRejection},
    http::{header, request::Parts},
};
use cxc_persistence::{Problem, repositories::accounts::Caller};
use serde::de::DeserializeOwned;

use crate::{auth::token_hash, error::ApiError, state::AppState};

/// Largest accepted request body.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A JSON body: malformed JSON is 400, well-formed JSON of the wrong shape (wrong type,
/// missing field, unknown enum value) is 422 naming the field.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + Send + 'static, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                let v = v.to_ascii_lowercase();
                v.starts_with("application/json")
                    || (v.starts_with("application/") && v.contains("+json"))
            });
        if !is_json {
            return Err(ApiError::UnsupportedMediaType(
                "expected a body of type application/json".into(),
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(body_error)?;
        parse_json_off_workers(bytes).await.map(ApiJson)
    }
}

/// Bodies above this size are parsed on the blocking pool: a megabyte of JSON is tens of
/// milliseconds of CPU (more in debug builds) that would otherwise hold an async worker,
/// and with it every request queued on that worker (`/health` included).
const PARSE_INLINE_MAX: usize = 64 * 1024;

async fn parse_json_off_workers<T: DeserializeOwned + Send + 'static>(
    bytes: Bytes,
) -> Result<T, ApiError> {
    off_workers_if_large(Some(bytes.len()), move || parse_json(&bytes)).await
}

/// Runs linear work on a body of `len` bytes (`None`: unknown) here when the body is at
/// most [`PARSE_INLINE_MAX`], on the blocking pool otherwise: a hand-off to the pool costs
/// more than a small body's work, and a large body's would hold an async worker.
///
/// # Errors
/// `work`'s error; 500 when the blocking task fails.
pub async fn off_workers_if_large<R: Send + 'static>(
    len: Option<usize>,
    work: impl FnOnce() -> Result<R, ApiError> + Send + 'static,
) -> Result<R, ApiError> {
    if len.is_some_and(|n| n <= PARSE_INLINE_MAX) {
        return work();
    }
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ApiError::Internal(format!("JSON parsing task failed: {e}")))?
}

/// Too large is 413; a body that stops arriving is 408; anything else is 400.
fn body_error(e: BytesRejection) -> ApiError {
    use axum::extract::rejection::FailedToBufferBody;
    match e {
        BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_)) => {
            ApiError::PayloadTooLarge(BODY_LIMIT)
        }
        BytesRejection::FailedToBufferBody(other) => {
            let mut source: Option<&dyn std::error::Error> = Some(&other);
            while let Some(e) = source {
                if e.to_string().contains("timed out") || e.to_string().contains("timeout") {
                    return ApiError::RequestTimeout;
                }
                source = e.source();
            }
            ApiError::BadRequest("the request body could not be read".into())
        }
        other => ApiError::BadRequest(other.body_text()),
    }
}

/// Parses a JSON document with the error classification of [`ApiJson`], strictly: a
/// duplicate key or a NUL character is 422 and trailing data after the document is 400
/// (see [`crate::strict_json`]).
///
/// # Errors
/// 400 for syntax errors and trailing data, 422 for shape errors.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    match crate::strict_json::check(bytes) {
        Ok(Some(problem)) => return Err(ApiError::Unprocessable(vec![problem])),
        Ok(None) => {}
        Err(e) if e.is_syntax() || e.is_eof() => {
            return Err(ApiError::BadRequest(format!("malformed JSON: {e}")));
        }
        // Anything else (e.g. nesting too deep) is reported by the typed pass below.
        Err(_) => {}
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(shape_error)
}

/// Binds part of a body [`parse_json`] already accepted (strictness checked, syntax
/// valid) to its type, with the same errors, without writing it out and parsing it again.
///
/// # Errors
/// 422 for shape errors, naming the field.
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(shape_error)
}

fn shape_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    if inner.is_data() {
        let field = if path == "." { "body".to_owned() } else { path };
        ApiError::Unprocessable(vec![Problem::new(
            field,
            "invalid_value",
            inner.to_string(),
        )])
    } else {
        ApiError::BadRequest(format!("malformed JSON: {inner}"))
    }
}

/// Query parameters; a malformed value is 400 naming it.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let q = parts.uri.query().unwrap_or_default();
        // PostgreSQL cannot store U+0000; refused here so both databases answer alike.
        if let Some((k, _)) = form_urlencoded::parse(q.as_bytes())
            .find(|(k, v)| crate::strict_json::unstorable(k) || crate::strict_json::unstorable(v))
        {
            return Err(ApiError::Unprocessable(vec![
                crate::strict_json::unstorable_problem(k.into_owned()),
            ]));
        }
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(q.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| {
                ApiError::invalid(
                    &e.path().to_string(),
                    "invalid_query",
                    e.inner().to_string(),
                )
            })
    }
}

/// Path parameters; an id that is not a UUID names nothing that exists, so 404. A value
/// with U+0000 names nothing either (nothing stored can hold it), and is refused here so
/// that PostgreSQL never sees it: 404 on both databases, the answer every route with a
/// path parameter declares.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        if let Ok(raw) = axum::extract::RawPathParams::from_request_parts(parts, state).await
            && raw.iter().any(|(_, v)| crate::strict_json::unstorable(v))
        {
            return Err(ApiError::NotFound);
        }
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|_| ApiError::NotFound)
    }
}

/// The signed-in caller; 401 without a live token.
pub struct Auth(pub Caller);

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match MaybeAuth::from_request_parts(parts, state).await? {
            MaybeAuth(Some(c)) => Ok(Auth(c)),
            MaybeAuth(None) => Err(ApiError::Unauthorized),
        }
    }
}

/// The caller when a token is sent; a token that is sent but not valid is still 401.
pub struct MaybeAuth(pub Option<Caller>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(c) = parts.extensions.get::<Caller>() {
            return Ok(MaybeAuth(Some(c.clone())));
        }
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Ok(MaybeAuth(None));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty() && t.len() <= 512)
            .ok_or(ApiError::Unauthorized)?;
        let caller = state
            .store
            .authenticate_for(&token_hash(token), parts.method.is_safe())
            .await?
            .ok_or(ApiError::Unauthorized)?;
        parts.extensions.insert(caller.clone());
        Ok(MaybeAuth(Some(caller)))
    }
}

/// `If-Match: "<version>"`; absent is `None`.
pub struct IfMatch(pub Option<i32>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(v) = parts.headers.get(header::IF_MATCH) else {
            return Ok(IfMatch(None));
        };
        let s = v.to_str().unwrap_or_default().trim();
        // If-Match compares strongly (RFC 9110 §13.1.1): a weak validator never matches,
        // so the precondition is false: 412, as for a stale version.
        if s.starts_with("W/") {
            return Err(ApiError::PreconditionFailed(
                "If-Match needs a strong ETag like \"3\"; a weak one (W/\"3\") never matches"
                    .into(),
            ));
        }
        let s = s.trim_matches('"');
        s.parse::<i32>().map(|n| IfMatch(Some(n))).map_err(|_| {
            ApiError::PreconditionFailed(format!("If-Match must be an ETag like \"3\", got {s:?}"))
        })
    }
}

impl IfMatch {
    /// The version, or 428 when the header is missing.
    ///
    /// # Errors
    /// `PreconditionRequired` without the header.
    pub fn required(&self) -> Result<i32, ApiError> {
        self.0.ok_or(ApiError::PreconditionRequired)
    }
}

/// `Idempotency-Key` (1–255 visible characters).
pub struct IdempotencyKey(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let Some(v) = parts.headers.get("idempotency-key") else {
            return Ok(IdempotencyKey(None));
        };
        match v.to_str() {
            Ok(s) if !s.is_empty() && s.len() <= 255 => Ok(IdempotencyKey(Some(s.to_owned()))),
            _ => Err(ApiError::invalid(
                "Idempotency-Key",
                "invalid_idempotency_key",
                "Idempotency-Key must be 1 to 255 visible ASCII characters",
            )),
        }
    }
}

/// A JSON body that may be absent (empty body means `T::default()`).
pub struct OptionalJson<T>(pub T);

impl<T: DeserializeOwned + Default + Send + 'static, S: Send + Sync> FromRequest<S>
    for OptionalJson<T>
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = Bytes::from_request(req, state).await.map_err(body_error)?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        parse_json_off_workers(bytes).await.map(OptionalJson)
    }
}
