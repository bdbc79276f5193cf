//! Response helpers: JSON bodies, ETags from versions and `201 Created`.
use std::cell::RefCell;

use axum::{
    body::Bytes,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Serialize;

thread_local! {
    /// Where bodies are written before they are copied into the response. Grown once to
    /// the size of a large body, it spares each response the reallocations and copies of
    /// a buffer that starts at 128 bytes and doubles (what `axum::Json` does): a page of
    /// 50 applications is 40–60 KB, and growing it showed as `malloc`, `memmove` and
    /// `malloc_consolidate` at the top of the list profiles.
    static BODY_BUFFER: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// A buffer larger than this is given back after use (a page of 200 large rows).
const KEEP_AT_MOST: usize = 1 << 20;

/// `status` with `body` as JSON: one allocation of the exact size.
pub fn json<T: Serialize + ?Sized>(status: StatusCode, body: &T) -> Response {
    let written = BODY_BUFFER.with(|cell| {
        let mut buf = cell.take();
        buf.clear();
        let result = serde_json::to_writer(&mut buf, body).map(|()| Bytes::copy_from_slice(&buf));
        if buf.capacity() <= KEEP_AT_MOST {
            cell.replace(buf);
        }
        result
    });
    match written {
        Ok(bytes) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response(),
        // What `axum::Json` answers when a value cannot be written as JSON.
        Err(e) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            )],
            e.to_string(),
        )
            .into_response(),
    }
}

/// `200` with `ETag: "<version>"`.
pub fn tagged<T: Serialize>(version: i32, body: T) -> Response {
    with_etag(StatusCode::OK, version, body)
}

/// `201` with `ETag: "<version>"`.
pub fn created<T: Serialize>(version: i32, body: T) -> Response {
    with_etag(StatusCode::CREATED, version, body)
}

fn with_etag<T: Serialize>(status: StatusCode, version: i32, body: T) -> Response {
    let mut res = json(status, &body);
    if let Ok(v) = HeaderValue::from_str(&format!("\"{version}\"")) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}
