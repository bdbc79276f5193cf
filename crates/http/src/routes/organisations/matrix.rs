//! The competency matrix for partner search: organisations × sectors and competencies, as
//! JSON or as a spreadsheet-safe CSV.
use std::collections::BTreeSet;

use axum::{
    Json,
    extract::State,
    http::header,
    response::{IntoResponse, Response},
};
use cxc_domain::organisation::Profile;
use cxc_persistence::repositories::organisations::{CatalogueEntry, MatrixFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{dto::ProfileName, validation::tag_of};
use crate::openapi::problems::UnprocessableContent;
use crate::{
    error::{ApiError, ApiResult},
    extract::{ApiQuery, Auth},
    state::AppState,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(matrix_json))
        .routes(routes!(matrix_csv))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MatrixQuery {
    country: Option<String>,
    #[param(value_type = Option<ProfileName>)]
    profile: Option<Profile>,
    sector: Option<String>,
    competency: Option<String>,
}

impl MatrixQuery {
    fn filter(self) -> MatrixFilter {
        let tag = |t: Option<String>| t.map(|t| tag_of(&t)).filter(|t| !t.is_empty());
        MatrixFilter {
            country: self.country.filter(|c| !c.trim().is_empty()),
            profile: self.profile,
            sector: tag(self.sector),
            competency: tag(self.competency),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct MatrixRow {
    organisation_id: Uuid,
    name: String,
    country: String,
    profile: String,
    sectors: Vec<String>,
    competencies: Vec<String>,
}

/// Column headings (every tag in use, sorted) and one row per organisation (by name).
#[derive(Serialize, ToSchema)]
pub struct Matrix {
    sectors: Vec<String>,
    competencies: Vec<String>,
    rows: Vec<MatrixRow>,
}

fn build(entries: Vec<CatalogueEntry>) -> Matrix {
    let sectors: BTreeSet<String> = entries.iter().flat_map(|e| e.sectors.clone()).collect();
    let competencies: BTreeSet<String> = entries
        .iter()
        .flat_map(|e| e.competencies.clone())
        .collect();
    Matrix {
        sectors: sectors.into_iter().collect(),
        competencies: competencies.into_iter().collect(),
        rows: entries
            .into_iter()
            .map(|e| MatrixRow {
                organisation_id: e.model.id,
                name: e.model.name,
                country: e.model.country,
                profile: e.model.profile.to_string(),
                sectors: e.sectors,
                competencies: e.competencies,
            })
            .collect(),
    }
}

/// Organisations × sectors/competencies.
#[utoipa::path(get, path = "/api/v1/competency-matrix", tag = "organisations", security(("bearer" = [])),
    params(MatrixQuery),
    responses((status = 200, body = Matrix), UnprocessableContent))]
async fn matrix_json(
    State(st): State<AppState>,
    Auth(_caller): Auth,
    ApiQuery(q): ApiQuery<MatrixQuery>,
) -> ApiResult<Json<Matrix>> {
    Ok(Json(build(st.store.competency_matrix(&q.filter()).await?)))
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR) gets a
/// leading single quote, so it is shown as text (OWASP CSV injection advice).
fn cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_owned()
    }
}

fn to_csv(m: &Matrix) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = ["organisation_id", "name", "country", "profile"]
        .into_iter()
        .map(str::to_owned)
        .collect();
    header.extend(m.sectors.iter().chain(&m.competencies).map(|t| cell(t)));
    w.write_record(&header)?;
    for r in &m.rows {
        let mut rec = vec![
            r.organisation_id.to_string(),
            cell(&r.name),
            cell(&r.country),
            cell(&r.profile),
        ];
        let flag = |has: bool| if has { "1" } else { "0" }.to_owned();
        rec.extend(m.sectors.iter().map(|s| flag(r.sectors.contains(s))));
        rec.extend(
            m.competencies
                .iter()
                .map(|c| flag(r.competencies.contains(c))),
        );
        w.write_record(&rec)?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The same matrix as CSV: `organisation_id,name,country,profile,<sectors…>,<competencies…>` with 1/0 cells.
#[utoipa::path(get, path = "/api/v1/competency-matrix.csv", tag = "organisations", security(("bearer" = [])),
    params(MatrixQuery),
    responses((status = 200, description = "CSV, one row per organisation", content_type = "text/csv", body = String), UnprocessableContent))]
async fn matrix_csv(
    State(st): State<AppState>,
    Auth(_caller): Auth,
    ApiQuery(q): ApiQuery<MatrixQuery>,
) -> ApiResult<Response> {
    let m = build(st.store.competency_matrix(&q.filter()).await?);
    let body = to_csv(&m).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"competency-matrix.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(cell("=cmd()"), "'=cmd()");
        assert_eq!(cell("+1"), "'+1");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("LITEK"), "LITEK");
    }
}
