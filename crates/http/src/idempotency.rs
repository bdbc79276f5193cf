//! `Idempotency-Key` as one layer around every create (ADR 0006), in zero2prod's shape:
//! try (claim the key) → process (run the handler) → save (store its response).
//!
//! The routes it wraps are the POSTs whose OpenAPI operation declares an
//! `Idempotency-Key` header, so the documentation and the behaviour cannot disagree. The
//! handlers themselves know nothing about keys.
//!
//! No transaction is held while the handler runs: the claim and the saved response are two
//! short transactions of their own (SQLite has a single writer; holding one across the
//! handler deadlocked). A twin arriving while the first is in progress waits a little and
//! replays; a failed first attempt gives the key back.
use std::{collections::HashSet, sync::Arc, time::Duration};

use axum::{
    body::{Body, Bytes, to_bytes},
    extract::{FromRequestParts, MatchedPath, Request, State},
    http::{HeaderName, HeaderValue, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use cxc_persistence::repositories::{
    Store,
    idempotency::{Begin, Claim, IdemRequest, StoredResponse},
};
use sha2::{Digest, Sha256};
use tokio::time::{Instant, sleep};
use tracing::Instrument;

use crate::{
    error::ApiError,
    extract::{Auth, BODY_LIMIT, IdempotencyKey},
    state::AppState,
};

/// How long a twin waits for the first request to finish before answering 409.
const WAIT_FOR_TWIN: Duration = Duration::from_secs(10);
/// First pause between two looks at a twin's progress; doubles up to [`MAX_POLL`].
const FIRST_POLL: Duration = Duration::from_millis(20);
const MAX_POLL: Duration = Duration::from_millis(250);

/// The response headers a replay repeats: the ones a client acts on.
const REPLAYED_HEADERS: [HeaderName; 3] = [header::CONTENT_TYPE, header::ETAG, header::LOCATION];

/// What the layer needs: the application state and the keyed routes.
#[derive(Clone)]
pub struct Layer {
    app: AppState,
    keyed: Arc<HashSet<String>>,
}

impl Layer {
    /// The layer for every POST whose documentation declares an `Idempotency-Key` header.
    #[must_use]
    pub fn new(app: AppState, api: &utoipa::openapi::OpenApi) -> Self {
        Self {
            app,
            keyed: Arc::new(keyed_routes(api)),
        }
    }
}

/// Route templates (`/api/v1/calls/{id}/applications`) of the POSTs that take a key.
#[must_use]
pub fn keyed_routes(api: &utoipa::openapi::OpenApi) -> HashSet<String> {
    use utoipa::openapi::path::ParameterIn;
    api.paths
        .paths
        .iter()
        .filter(|(_, item)| {
            item.post
                .as_ref()
                .and_then(|op| op.parameters.as_ref())
                .is_some_and(|ps| {
                    ps.iter().any(|p| {
                        p.parameter_in == ParameterIn::Header
                            && p.name.eq_ignore_ascii_case("idempotency-key")
                    })
                })
        })
        .map(|(path, _)| path.clone())
        .collect()
}

/// The middleware (installed with `route_layer`, so the matched route is known).
pub async fn layer(State(l): State<Layer>, req: Request, next: Next) -> Response {
    let keyed = req.method() == Method::POST
        && req
            .extensions()
            .get::<MatchedPath>()
            .is_some_and(|p| l.keyed.contains(p.as_str()))
        && req.headers().contains_key("idempotency-key");
    if !keyed {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    // Without a valid caller the handler answers (401) and nothing is remembered. `Auth`
    // keeps the caller in the request, so the handler does not look it up again.
    let Ok(Auth(caller)) = Auth::from_request_parts(&mut parts, &l.app).await else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let key = match IdempotencyKey::from_request_parts(&mut parts, &l.app).await {
        Ok(IdempotencyKey(Some(k))) => k,
        Ok(IdempotencyKey(None)) => return next.run(Request::from_parts(parts, body)).await,
        Err(e) => return e.into_response(),
    };
    let bytes = match to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return ApiError::PayloadTooLarge(BODY_LIMIT).into_response(),
    };
    let r = IdemRequest {
        user_id: caller.id(),
        key,
        path: parts.uri.path().to_owned(),
        hash: fingerprint(&bytes),
    };
    let claim = match claim(&l.app.store, &r).await {
        Ok(Ok(claim)) => claim,
        Ok(Err(stored)) => return replay(stored),
        Err(e) => return e.into_response(),
    };
    // The handler and the saving of its answer run in a task of their own: a client that
    // hangs up (or the request timeout) does not leave the key claimed with the work done
    // and the answer unsaved; the retry will find the answer.
    let req = Request::from_parts(parts, Body::from(bytes));
    let store = l.app.store.clone();
    let (r2, store2) = (r.clone(), store.clone());
    let task = tokio::spawn(
        async move {
            let res = next.run(req).await;
            save(&store, &r, claim, res).await
        }
        .in_current_span(),
    );
    match task.await {
        Ok(res) => res,
        Err(e) => {
            if let Err(err) = store2.idem_release(&r2, claim).await {
                tracing::error!(error.message = %err, "could not release an idempotency key");
            }
            ApiError::Internal(format!("handler failed: {e}")).into_response()
        }
    }
}

/// The key for us (`Ok(Ok)`), the answer to replay (`Ok(Err)`), or the error to send.
async fn claim(store: &Store, r: &IdemRequest) -> Result<Result<Claim, StoredResponse>, ApiError> {
    let deadline = Instant::now() + WAIT_FOR_TWIN;
    let mut pause = FIRST_POLL;
    loop {
        match store.idem_begin(r).await? {
            Begin::Started(c) => return Ok(Ok(c)),
            Begin::Replay(s) => return Ok(Err(s)),
            Begin::InProgress if Instant::now() + pause <= deadline => {
                sleep(pause).await;
                pause = (pause * 2).min(MAX_POLL);
            }
            Begin::InProgress => {
                return Err(ApiError::conflict(
                    "idempotency_in_progress",
                    "a request with this Idempotency-Key is still being processed; retry shortly",
                ));
            }
        }
    }
}

/// Stores a successful answer for replays, or gives the key back after a failure; the
/// response goes out either way.
async fn save(store: &Store, r: &IdemRequest, claim: Claim, res: Response) -> Response {
    let (parts, body) = res.into_parts();
    let bytes = to_bytes(body, usize::MAX)
        .await
        .unwrap_or_else(|_| Bytes::new());
    let text = std::str::from_utf8(&bytes).ok();
    let outcome = match text {
        Some(text) if parts.status.is_success() => {
            let headers = REPLAYED_HEADERS
                .iter()
                .filter_map(|h| {
                    let v = parts.headers.get(h)?.to_str().ok()?;
                    Some((h.as_str().to_owned(), v.to_owned()))
                })
                .collect();
            let stored = StoredResponse {
                status: parts.status.as_u16(),
                headers,
                body: text.to_owned(),
            };
            store.idem_complete(r, claim, &stored).await
        }
        _ => store.idem_release(r, claim).await,
    };
    if let Err(e) = outcome {
        // The answer stands; the key stays claimed until it goes stale.
        tracing::error!(error.message = %e, "could not record an idempotency key's outcome");
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The first answer again, marked as a replay.
fn replay(s: StoredResponse) -> Response {
    let status = StatusCode::from_u16(s.status).unwrap_or(StatusCode::OK);
    let mut res = (status, s.body).into_response();
    res.headers_mut().remove(header::CONTENT_TYPE);
    for (name, value) in &s.headers {
        if let (Ok(n), Ok(v)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::from_str(value),
        ) {
            res.headers_mut().insert(n, v);
        }
    }
    res.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    res
}

/// SHA-256 of the body as canonical JSON (keys sorted, no whitespace), so that a retry
/// re-serialised by another client library is still the same request. serde_json's map is
/// ordered by key (its `preserve_order` feature is off; the test below fails if a dependency
/// ever turns it on), so re-serialising the parsed value is the canonical form. A body that
/// is not JSON is hashed as it is (its handler refuses it and the key is given back).
fn fingerprint(bytes: &[u8]) -> String {
    let canonical = serde_json::from_slice::<serde_json::Value>(bytes)
        .ok()
        .and_then(|v| serde_json::to_vec(&v).ok())
        .unwrap_or_else(|| bytes.to_vec());
    hex::encode(Sha256::digest(canonical))
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn the_fingerprint_ignores_key_order_and_whitespace_only() {
        let a = fingerprint(br#"{"a": 1, "b": {"y": [1, 2], "x": null}}"#);
        assert_eq!(a, fingerprint(br#"{"b":{"x":null,"y":[1,2]},"a":1}"#));
        assert_ne!(a, fingerprint(br#"{"b":{"x":null,"y":[2,1]},"a":1}"#));
        assert_ne!(a, fingerprint(br#"{"b":{"x":null,"y":[1,2]},"a":"1"}"#));
    }
}
