//! `GET /api/v1/applications?view=summary` (issue 17): list rows with only the fields a
//! list view shows. A summary row is a strict subset of the full row (same names, same
//! types), so a client can switch views without changing how it reads a row; the full
//! record is one request away at `GET /api/v1/applications/{id}`.
use chrono::{DateTime, NaiveDate, Utc};
use cxc_persistence::repositories::applications::ApplicationSummary;
use serde::{Deserialize, Serialize};
use utoipa::{
    PartialSchema, ToSchema,
    openapi::{
        RefOr,
        schema::{AnyOfBuilder, Ref, Schema},
    },
};
use uuid::Uuid;

use super::ApplicationDto;
use crate::error::ApiError;

/// Which fields each row of a list carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Full,
    Summary,
}

impl View {
    /// `full` (or nothing) or `summary`.
    ///
    /// # Errors
    /// 422 for anything else.
    pub fn parse(v: Option<&str>) -> Result<Self, ApiError> {
        match v.map(str::trim) {
            None | Some("" | "full") => Ok(Self::Full),
            Some("summary") => Ok(Self::Summary),
            Some(other) => Err(ApiError::invalid(
                "view",
                "unknown_view",
                format!("view must be full or summary, not '{other}'"),
            )),
        }
    }
}

/// The representative's name, the only participant field a list shows.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ParticipantName {
    pub full_name: String,
}

/// An application as a list shows it (`?view=summary`): the full record's fields
/// without the participant's contact details, objectives, activities, sectors, travel
/// days, working days, distance and eligibility report. The full record is
/// `GET /api/v1/applications/{id}`.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = ApplicationSummary)]
pub struct ApplicationSummaryDto {
    pub id: Uuid,
    pub call_id: Uuid,
    pub partnership_id: Uuid,
    pub host_partnership_id: Uuid,
    pub applicant_id: Uuid,
    pub organisation_id: Uuid,
    pub host_organisation_id: Uuid,
    pub visitor_country: String,
    pub host_country: String,
    pub participant: ParticipantName,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// draft, submitted, under_review, approved, rejected, waitlisted, committed, reported, completed, paid, withdrawn, cancelled
    pub status: String,
    /// pending, accepted, declined
    pub host_response: String,
    pub grant_cents: Option<i64>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<ApplicationSummary> for ApplicationSummaryDto {
    fn from(a: ApplicationSummary) -> Self {
        let participant = ParticipantName {
            full_name: a.participant.into_inner().full_name,
        };
        Self {
            id: a.id,
            call_id: a.call_id,
            partnership_id: a.partnership_id,
            host_partnership_id: a.host_partnership_id,
            applicant_id: a.applicant_id,
            organisation_id: a.organisation_id,
            host_organisation_id: a.host_organisation_id,
            visitor_country: a.visitor_country,
            host_country: a.host_country,
            participant,
            start_date: a.start_date,
            end_date: a.end_date,
            status: a.status.to_string(),
            host_response: a.host_response.to_string(),
            grant_cents: a.grant_cents,
            submitted_at: a.submitted_at,
            decided_at: a.decided_at,
            created_at: a.created_at,
            updated_at: a.updated_at,
            version: a.version,
        }
    }
}

/// A row of `GET /api/v1/applications`: the full record (`view=full`, the default) or a
/// summary (`view=summary`). Declared as `anyOf`, not `oneOf`: a full row also has every
/// field of a summary.
pub struct ApplicationListItem;

impl PartialSchema for ApplicationListItem {
    fn schema() -> RefOr<Schema> {
        AnyOfBuilder::new()
            .item(Ref::from_schema_name(ApplicationDto::name()))
            .item(Ref::from_schema_name(ApplicationSummaryDto::name()))
            .description(Some(
                "The full application (view=full, the default) or its summary (view=summary).",
            ))
            .into()
    }
}

impl ToSchema for ApplicationListItem {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((ApplicationDto::name().into(), ApplicationDto::schema()));
        <ApplicationDto as ToSchema>::schemas(schemas);
        schemas.push((
            ApplicationSummaryDto::name().into(),
            ApplicationSummaryDto::schema(),
        ));
        <ApplicationSummaryDto as ToSchema>::schemas(schemas);
    }
}
