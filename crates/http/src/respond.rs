//! Response helpers: ETags from versions and `201 Created`.
use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;

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
