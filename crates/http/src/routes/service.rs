//! `/health`, `/metrics`, `/api/v1/ping`, `/openapi.json`, `/docs`.
use axum::{
    Json,
    extract::State,
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use cxc_domain::policy::{self, AccountAction};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::openapi::problems::Forbidden;
use crate::{
    error::{ApiError, ApiResult},
    extract::MaybeAuth,
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health))
        .routes(routes!(metrics))
        .routes(routes!(ping))
}

#[derive(Serialize, ToSchema)]
pub struct Pong {
    pong: bool,
}

/// A constant answer through the whole middleware stack, touching nothing else: the
/// benchmark's ceiling for the framework and the network (load balancers may use it too).
#[utoipa::path(get, path = "/api/v1/ping", tag = "service",
    responses((status = 200, body = Pong)))]
async fn ping() -> Json<Pong> {
    Json(Pong { pong: true })
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    status: &'static str,
    database: &'static str,
}

/// Liveness and database reachability.
#[utoipa::path(get, path = "/health", tag = "service",
    responses((status = 200, body = Health), (status = 503, body = Health)))]
async fn health(State(st): State<AppState>) -> Response {
    match st.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database: "ok",
            }),
        )
            .into_response(),
        Err(e) => {
            tracing::warn!(error.message = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(Health {
                    status: "degraded",
                    database: "unreachable",
                }),
            )
                .into_response()
        }
    }
}

/// Prometheus metrics: request counts and latency, outbox depth and delivery.
#[utoipa::path(get, path = "/metrics", tag = "service", security((), ("bearer" = [])),
    responses((status = 200, description = "Prometheus text exposition format 0.0.4. Public unless `metrics_public` is off; then for admins only.", content_type = "text/plain", body = String), Forbidden))]
async fn metrics(State(st): State<AppState>, MaybeAuth(caller): MaybeAuth) -> ApiResult<Response> {
    if !st.settings.metrics_public {
        match caller {
            None => return Err(ApiError::Unauthorized),
            Some(c) => policy::account_action(&c.actor, AccountAction::Metrics)?,
        }
    }
    let stats = st.store.outbox_stats().await?;
    metrics::gauge!("cxc_outbox_messages", "status" => "pending").set(stats.pending as f64);
    metrics::gauge!("cxc_outbox_messages", "status" => "sending").set(stats.sending as f64);
    metrics::gauge!("cxc_outbox_messages", "status" => "sent").set(stats.sent as f64);
    metrics::gauge!("cxc_outbox_messages", "status" => "failed").set(stats.failed as f64);
    // How long the longest-waiting due message has waited for a dispatcher (0 = none):
    // dispatcher lag, the number to alert on. Scheduled messages count from their time.
    let oldest = stats.oldest_due.map_or(0.0, |t| {
        (st.store.now() - t).num_milliseconds().max(0) as f64 / 1000.0
    });
    metrics::gauge!("cxc_outbox_oldest_pending_seconds").set(oldest);
    let body = st
        .metrics
        .as_ref()
        .map(metrics_exporter_prometheus::PrometheusHandle::render)
        .unwrap_or_default();
    Ok((
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        body,
    )
        .into_response())
}
