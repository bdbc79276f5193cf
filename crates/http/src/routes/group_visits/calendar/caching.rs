//! Conditional GET for calendar feeds: calendar applications poll subscriptions every
//! few minutes, so an unchanged feed is answered `304 Not Modified` without a body.
//! The ETag is the feed's, a hash of its bytes taken when it was built (feeds render
//! deterministically); `Last-Modified` is the latest change of anything in the feed.
//! `If-None-Match` wins over `If-Modified-Since` (RFC 9110 §13.2.2). The API's
//! `conditional::not_modified` layer answers `If-None-Match` alone; feeds answer both
//! here because calendar clients also revalidate by date.
use axum::{
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, SubsecRound, Utc};
use cxc_persistence::repositories::group_visits::calendar::Feed;

use crate::conditional::matches_etag;

/// The feed as `text/calendar`, or 304 when the client's copy is current.
pub fn calendar(request: &HeaderMap, feed: &Feed, filename: &str) -> Response {
    let etag = &feed.etag;
    // HTTP dates have whole seconds.
    let modified = feed.last_modified.map(|t| t.trunc_subsecs(0));
    let current = match request.get(header::IF_NONE_MATCH) {
        Some(v) => v.to_str().is_ok_and(|v| matches_etag(v, etag)),
        None => match (request.get(header::IF_MODIFIED_SINCE), modified) {
            (Some(v), Some(m)) => http_date(v).is_some_and(|since| m <= since),
            _ => false,
        },
    };
    let mut res = if current {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        feed.body.clone().into_response()
    };
    let h = res.headers_mut();
    if !current {
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/calendar; charset=utf-8"),
        );
        if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{filename}\"")) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
    }
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    if let Some(m) = modified
        && let Ok(v) = HeaderValue::from_str(&m.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
    {
        h.insert(header::LAST_MODIFIED, v);
    }
    // Personal (or draft) content: no shared caches; always revalidate, cheaply.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    res
}

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`); `None` for anything else, which
/// RFC 9110 says to ignore.
fn http_date(v: &HeaderValue) -> Option<DateTime<Utc>> {
    let s = v.to_str().ok()?;
    DateTime::parse_from_rfc2822(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_imf_dates_parse() {
        let ok = HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(&ok).map(|t| t.timestamp()), Some(784_111_777));
        assert_eq!(http_date(&HeaderValue::from_static("yesterday")), None);
    }
}
