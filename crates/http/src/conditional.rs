//! Conditional GET for every versioned resource (issue 17): a `GET` (or `HEAD`) whose
//! `200` carries an `ETag` is answered `304 Not Modified` without a body when the
//! request's `If-None-Match` names that tag (RFC 9110 §13.1.2). Handlers stay as they
//! are (`respond::tagged` sets `ETag: "<version>"`); the OpenAPI rule in
//! `openapi::rules` declares the 304 on every `GET` whose 200 declares an `ETag`.
use axum::{
    extract::Request,
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// `If-None-Match`: `*` or a list of (possibly weak) entity tags; the comparison is
/// weak, as RFC 9110 prescribes for `If-None-Match`.
#[must_use]
pub fn matches_etag(header: &str, etag: &str) -> bool {
    let etag = etag.trim_start_matches("W/");
    header
        .split(',')
        .map(str::trim)
        .any(|t| t == "*" || t.trim_start_matches("W/") == etag)
}

/// The middleware: runs the handler, then turns a matching `200` into a `304`.
pub async fn not_modified(req: Request, next: Next) -> Response {
    let conditional = matches!(*req.method(), Method::GET | Method::HEAD)
        .then(|| req.headers().get(header::IF_NONE_MATCH).cloned())
        .flatten();
    let res = next.run(req).await;
    let Some(wanted) = conditional else {
        return res;
    };
    if res.status() != StatusCode::OK {
        return res;
    }
    let current = match (wanted.to_str(), res.headers().get(header::ETAG)) {
        (Ok(w), Some(tag)) => tag.to_str().is_ok_and(|t| matches_etag(w, t)),
        _ => false,
    };
    if !current {
        return res;
    }
    let mut headers = HeaderMap::new();
    // A 304 repeats the validators and caching headers a 200 would have sent.
    for name in [
        header::ETAG,
        header::LAST_MODIFIED,
        header::CACHE_CONTROL,
        header::VARY,
    ] {
        if let Some(v) = res.headers().get(&name) {
            headers.insert(name, v.clone());
        }
    }
    (StatusCode::NOT_MODIFIED, headers).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_lists_and_weak_tags_match() {
        assert!(matches_etag("\"a\"", "\"a\""));
        assert!(matches_etag("\"b\", W/\"a\"", "\"a\""));
        assert!(matches_etag("\"a\"", "W/\"a\""));
        assert!(matches_etag("*", "\"a\""));
        assert!(!matches_etag("\"b\"", "\"a\""));
        assert!(!matches_etag("\"1\"", "\"12\""));
    }
}
