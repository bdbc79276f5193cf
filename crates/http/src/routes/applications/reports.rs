//! Exports for coordinators: a call's applications as CSV, the partnership report.
use axum::{Json, extract::State, response::Response};
use cxc_domain::policy::{self, PartnershipAction};
use cxc_persistence::repositories::applications::{ParticipantData, PartnershipReport};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::openapi::problems::Forbidden;
use crate::{
    error::ApiResult,
    export::csv_response,
    extract::{ApiPath, Auth},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(call_csv))
        .routes(routes!(partnership_report))
}

/// Every application of a call as CSV (coordinators of the call's partnership).
#[utoipa::path(get, path = "/api/v1/calls/{id}/applications.csv", tag = "applications", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, description = "One row per application: RFC 4180 CSV, UTF-8, with a header row; sent as an attachment.", content_type = "text/csv", body = String,
        headers(("Content-Disposition" = String, description = "`attachment; filename=\"call-<id>-applications.csv\"`"))), Forbidden))]
async fn call_csv(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let call = st.store.call(id).await?;
    policy::partnership_action(
        &c.actor,
        call.partnership_id,
        PartnershipAction::ManageCalls,
    )?;
    let (apps, orgs) = st.store.call_export(id).await?;
    let name = |o: Uuid| orgs.get(&o).map(|o| o.name.clone()).unwrap_or_default();
    let mut rows = vec![
        [
            "id",
            "status",
            "host_response",
            "visitor_organisation",
            "visitor_country",
            "host_organisation",
            "host_country",
            "participant",
            "participant_email",
            "start_date",
            "end_date",
            "working_days",
            "distance_km",
            "grant_cents",
            "sectors",
            "submitted_at",
            "decided_at",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for a in apps {
        let p: ParticipantData = a.participant.0.clone();
        let sectors: Vec<String> = a.sectors.0.clone();
        rows.push(vec![
            a.id.to_string(),
            a.status.to_string(),
            a.host_response.to_string(),
            name(a.organisation_id),
            a.visitor_country,
            name(a.host_organisation_id),
            a.host_country,
            p.full_name,
            p.email,
            a.start_date.to_string(),
            a.end_date.to_string(),
            a.working_days.map(|w| w.to_string()).unwrap_or_default(),
            a.distance_km.map(|d| format!("{d:.1}")).unwrap_or_default(),
            a.grant_cents.map(|g| g.to_string()).unwrap_or_default(),
            sectors.join(";"),
            a.submitted_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
            a.decided_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ]);
    }
    csv_response(&format!("call-{id}-applications.csv"), &rows)
}

/// Exchanges by state, country pair, sector and profile; budget committed and paid;
/// payments overdue (more than 10 days after validation).
#[utoipa::path(get, path = "/api/v1/partnerships/{id}/report", tag = "partnerships", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, description = "the report", body = Object), Forbidden))]
async fn partnership_report(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<PartnershipReport>> {
    st.store.partnership(id).await?;
    policy::partnership_action(&c.actor, id, PartnershipAction::ReadReport)?;
    Ok(Json(st.store.partnership_report(id).await?))
}
