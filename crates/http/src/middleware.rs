//! The middleware stack: request ids, tracing, metrics, limits, timeouts, panics.
use std::time::{Duration, Instant};

use axum::{
    Router,
    body::Body,
    extract::{DefaultBodyLimit, MatchedPath, Request},
    http::{HeaderName, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Response},
};
use tower::ServiceBuilder;
use tower_http::{
    catch_panic::CatchPanicLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    sensitive_headers::SetSensitiveRequestHeadersLayer,
    timeout::{RequestBodyTimeoutLayer, TimeoutLayer},
    trace::TraceLayer,
};

use crate::{
    error::{ApiError, InternalCause},
    extract::BODY_LIMIT,
    state::AppState,
};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn wrap(router: Router, state: &AppState) -> Router {
    let trace = TraceLayer::new_for_http()
        .make_span_with(|req: &Request<Body>| {
            let id = req
                .extensions()
                .get::<RequestId>()
                .and_then(|r| r.header_value().to_str().ok())
                .unwrap_or("-")
                .to_owned();
            // Paths may carry ids but never personal data; query strings are left out.
            // Unsubscribe and calendar-feed tokens are credentials: the path is logged
            // without them.
            let path = req.uri().path();
            let path = if path.starts_with("/api/v1/unsubscribe/") {
                "/api/v1/unsubscribe/{token}"
            } else if path.starts_with("/api/v1/calendar-feeds/") {
                "/api/v1/calendar-feeds/{token}/calendar.ics"
            } else {
                path
            };
            tracing::info_span!("request", request_id = %id, method = %req.method(), path = %path)
        })
        .on_request(())
        .on_failure(());
    // Outermost first: ids and tracing see everything; the timeout and limits sit inside
    // `log_and_measure`, so their bare responses become problem documents and are counted.
    router
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(
            ServiceBuilder::new()
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    Duration::from_secs(state.settings.request_timeout_secs),
                ))
                .layer(RequestBodyTimeoutLayer::new(Duration::from_secs(
                    state.settings.body_read_timeout_secs,
                ))),
        )
        .layer(middleware::from_fn(log_and_measure))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(
            ServiceBuilder::new()
                .layer(SetSensitiveRequestHeadersLayer::new([
                    axum::http::header::AUTHORIZATION,
                ]))
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(trace)
                .layer(CatchPanicLayer::custom(|_| {
                    ApiError::Internal("handler panicked".into()).into_response()
                }))
                .layer(tower::limit::ConcurrencyLimitLayer::new(
                    state.settings.max_concurrent_requests,
                )),
        )
}

/// The metrics label of a method: the standard ones by name, every other name one
/// series (`OTHER`), so a client inventing method names cannot grow `/metrics`. Unknown
/// paths are likewise one route, `unmatched`.
fn method_label(m: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    const KNOWN: [(Method, &str); 9] = [
        (Method::GET, "GET"),
        (Method::HEAD, "HEAD"),
        (Method::POST, "POST"),
        (Method::PUT, "PUT"),
        (Method::PATCH, "PATCH"),
        (Method::DELETE, "DELETE"),
        (Method::OPTIONS, "OPTIONS"),
        (Method::TRACE, "TRACE"),
        (Method::CONNECT, "CONNECT"),
    ];
    KNOWN
        .iter()
        .find(|(k, _)| k == m)
        .map_or("OTHER", |(_, name)| name)
}

/// Logs each response once (5xx at error with the cause, 4xx at debug) and records
/// request count and latency per route.
async fn log_and_measure(req: Request, next: Next) -> Response {
    let start = Instant::now();
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    // A declared length over the limit is refused before a byte of the body is read.
    let declared = req
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let mut res = if declared.is_some_and(|n| n > BODY_LIMIT as u64) {
        let mut r = ApiError::PayloadTooLarge(BODY_LIMIT).into_response();
        r.headers_mut().insert(
            axum::http::header::CONNECTION,
            HeaderValue::from_static("close"),
        );
        r
    } else {
        next.run(req).await
    };
    let status = res.status();
    // Layers outside the handlers (timeouts, limits) answer with empty bodies; every
    // error the API gives is a problem document.
    if (status.is_client_error() || status.is_server_error())
        && !res.headers().contains_key(axum::http::header::CONTENT_TYPE)
    {
        let replacement = match status {
            StatusCode::REQUEST_TIMEOUT => Some(ApiError::RequestTimeout),
            StatusCode::SERVICE_UNAVAILABLE => Some(ApiError::Unavailable(
                "the server is busy or the request took too long; retry later".into(),
            )),
            StatusCode::PAYLOAD_TOO_LARGE => Some(ApiError::PayloadTooLarge(BODY_LIMIT)),
            _ => None,
        };
        if let Some(e) = replacement {
            let headers = res.headers().clone();
            res = e.into_response();
            for (k, v) in &headers {
                res.headers_mut().entry(k).or_insert(v.clone());
            }
        }
    }
    let elapsed = start.elapsed();
    if status.is_server_error() {
        let cause = res
            .extensions()
            .get::<InternalCause>()
            .map_or("-", |c| c.0.as_str());
        tracing::error!(status = status.as_u16(), latency_ms = elapsed.as_millis() as u64, error.message = %cause, "request failed");
    } else if status.is_client_error() {
        tracing::debug!(
            status = status.as_u16(),
            latency_ms = elapsed.as_millis() as u64,
            "request rejected"
        );
    } else {
        tracing::info!(
            status = status.as_u16(),
            latency_ms = elapsed.as_millis() as u64,
            "request served"
        );
    }
    let labels = [
        ("method", method.to_owned()),
        ("route", route),
        ("status", status.as_u16().to_string()),
    ];
    metrics::counter!("cxc_http_requests_total", &labels).increment(1);
    metrics::histogram!("cxc_http_request_duration_seconds", &labels).record(elapsed.as_secs_f64());
    if !res.headers().contains_key("cache-control") {
        res.headers_mut()
            .insert("cache-control", HeaderValue::from_static("no-store"));
    }
    res
}
