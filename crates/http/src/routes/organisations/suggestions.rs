//! Host suggestions: eligible hosts abroad, ranked by shared sectors and competencies.
use axum::{Json, extract::State};
use chrono::NaiveDate;
use cxc_persistence::repositories::organisations::HostSuggestion;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::editable;
use crate::openapi::problems::{Forbidden, UnprocessableContent};
use crate::{
    error::{ApiError, ApiResult},
    extract::{ApiPath, ApiQuery, Auth},
    state::AppState,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(host_suggestions))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestionQuery {
    /// 1..100, default 20.
    limit: Option<i64>,
    /// Date the hosts' eligibility is judged on; default today (UTC).
    on: Option<NaiveDate>,
}

#[derive(Serialize, ToSchema)]
pub struct SuggestionDto {
    organisation_id: Uuid,
    name: String,
    country: String,
    city: String,
    /// Shared sectors × 2 + shared competencies.
    score: u32,
    /// Great-circle distance, one decimal.
    distance_km: f64,
    shared_sectors: Vec<String>,
    shared_competencies: Vec<String>,
    /// Why this host is suggested, in plain language.
    reasons: Vec<String>,
}

impl From<HostSuggestion> for SuggestionDto {
    fn from(s: HostSuggestion) -> Self {
        Self {
            organisation_id: s.organisation.id,
            name: s.organisation.name,
            country: s.organisation.country,
            city: s.organisation.city,
            score: s.score,
            distance_km: (s.distance_km * 10.0).round() / 10.0,
            shared_sectors: s.shared_sectors,
            shared_competencies: s.shared_competencies,
            reasons: s.reasons,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Suggestions {
    items: Vec<SuggestionDto>,
}

/// Eligible hosts in other countries, best match first; for the organisation's contacts.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/host-suggestions", tag = "organisations", security(("bearer" = [])),
    params(("id" = Uuid, Path), SuggestionQuery),
    responses((status = 200, body = Suggestions), Forbidden, UnprocessableContent))]
async fn host_suggestions(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(q): ApiQuery<SuggestionQuery>,
) -> ApiResult<Json<Suggestions>> {
    let m = editable(&st, &c, id, "ask for host suggestions").await?;
    let limit = match q.limit {
        None => 20,
        Some(n @ 1..=100) => usize::try_from(n).unwrap_or(20),
        Some(_) => {
            return Err(ApiError::invalid(
                "limit",
                "out_of_range",
                "limit must be between 1 and 100",
            ));
        }
    };
    let on = q.on.unwrap_or_else(|| st.store.now().date_naive());
    let found = st
        .store
        .host_suggestions(&m, on, st.store.rules(), limit)
        .await?;
    Ok(Json(Suggestions {
        items: found.into_iter().map(Into::into).collect(),
    }))
}
