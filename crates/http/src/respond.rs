//! Response helpers: ETags from versions, `201 Created`, and `Idempotency-Key` handling.
use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use cxc_persistence::repositories::idempotency::IdemRequest;
use serde::Serialize;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{error::ApiResult, state::AppState};

/// `200` with `ETag: "<version>"`.
pub fn tagged<T: Serialize>(version: i32, body: T) -> Response {
    with_etag(StatusCode::OK, version, body)
}

/// `201` with `ETag: "<version>"`.
pub fn created<T: Serialize>(version: i32, body: T) -> Response {
    with_etag(StatusCode::CREATED, version, body)
}

fn with_etag<T: Serialize>(status: StatusCode, version: i32, body: T) -> Response {
    let mut res = (status, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

/// The keyed request, when the client sent an `Idempotency-Key`.
pub fn idem_request<B: Serialize>(
    caller: Uuid,
    key: Option<String>,
    path: &str,
    body: &B,
) -> Option<IdemRequest> {
    let key = key?;
    let hash = hex::encode(Sha256::digest(serde_json::to_vec(body).unwrap_or_default()));
    Some(IdemRequest {
        user_id: caller,
        key,
        path: path.to_owned(),
        hash,
    })
}

/// The stored response of an earlier request with the same key, if any.
///
/// # Errors
/// 422 when the key was used for a different request.
pub async fn replay(st: &AppState, req: Option<&IdemRequest>) -> ApiResult<Option<Response>> {
    let Some(req) = req else { return Ok(None) };
    let Some(r) = st.store.idem_lookup(req).await? else {
        return Ok(None);
    };
    let status = StatusCode::from_u16(r.status).unwrap_or(StatusCode::OK);
    let mut res = (status, r.body).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    Ok(Some(res))
}

/// The JSON body stored for a replay.
pub fn body_of<T: Serialize>(dto: &T) -> String {
    serde_json::to_string(dto).unwrap_or_default()
}
