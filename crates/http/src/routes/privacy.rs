//! Self-service data protection and the auditors' evidence pack.
use axum::{Json, extract::State, http::StatusCode};
use cxc_domain::policy::AppAction;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::openapi::problems::Forbidden;
use crate::{
    error::ApiResult,
    extract::{ApiPath, Auth},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(export_me))
        .routes(routes!(erase_me))
        .routes(routes!(evidence))
}

/// Everything stored about the caller, as one JSON document.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, description = "the caller's personal data", body = Object)))]
async fn export_me(
    State(st): State<AppState>,
    Auth(c): Auth,
) -> ApiResult<Json<serde_json::Value>> {
    Ok(Json(st.store.export_user(c.id()).await?))
}

/// Erases the caller: personal data anonymised, sessions revoked; financial and audit
/// records are kept without the personal data.
#[utoipa::path(delete, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 204)))]
async fn erase_me(State(st): State<AppState>, Auth(c): Auth) -> ApiResult<StatusCode> {
    st.store.erase_user(c.id()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The evidence pack of one exchange (VOP or HOP coordinators, admins).
#[utoipa::path(get, path = "/api/v1/applications/{id}/evidence", tag = "applications", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, description = "history, commitment, report, payment, emails", body = Object), Forbidden))]
async fn evidence(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<serde_json::Value>> {
    let (app, _) = st.store.acting(&c, id, AppAction::ReadEvidence).await?;
    Ok(Json(st.store.evidence_pack(app.id).await?))
}
