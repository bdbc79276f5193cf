//! Summary rows of the application list (`?view=summary`, issue 17): the columns a list
//! view shows, selected by the same statement as the full list (same scope, filters,
//! order and cursor) through a partial model, so the page neither reads nor decodes the
//! objectives, activities, travel days and the stored eligibility report of each row.
use cxc_domain::workflow::{HostResponse, Status};
use sea_orm::{DerivePartialModel, QuerySelect, entity::prelude::*};

use super::reading::AppFilter;
use crate::{
    RepoResult,
    entities::applications,
    repositories::{Store, accounts::Caller},
};

/// One row of a list, as the queue and "my applications" pages show it.
#[derive(Debug, Clone, PartialEq, DerivePartialModel)]
#[sea_orm(entity = "applications::Entity")]
pub struct ApplicationSummary {
    pub id: Uuid,
    pub call_id: Uuid,
    pub partnership_id: Uuid,
    pub host_partnership_id: Uuid,
    pub applicant_id: Uuid,
    pub organisation_id: Uuid,
    pub host_organisation_id: Uuid,
    pub visitor_country: String,
    pub host_country: String,
    /// The participant (a few short fields); only the name is shown. Typed like the full
    /// record's column: a stored participant that does not fit is an error, not a blank.
    pub participant: crate::Stored<super::ParticipantData>,
    pub start_date: Date,
    pub end_date: Date,
    pub status: Status,
    pub host_response: HostResponse,
    pub grant_cents: Option<i64>,
    pub submitted_at: Option<DateTimeUtc>,
    pub decided_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

impl Store {
    /// [`Store::list_applications`] as summary rows.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn list_application_summaries(
        &self,
        caller: &Caller,
        f: &AppFilter,
    ) -> RepoResult<Vec<ApplicationSummary>> {
        let q = self.list_query(caller, f).await?;
        Ok(q.select_only()
            .into_partial_model::<ApplicationSummary>()
            .all(&self.db.conn)
            .await?)
    }
}
