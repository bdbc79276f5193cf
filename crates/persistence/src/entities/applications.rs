//! `applications` table.
use cxc_domain::workflow::{HostResponse, Status};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "applications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub call_id: Uuid,
    pub partnership_id: Uuid,
    pub host_partnership_id: Uuid,
    pub applicant_id: Uuid,
    pub organisation_id: Uuid,
    pub host_organisation_id: Uuid,
    pub visitor_country: String,
    pub host_country: String,
    pub participant: crate::Stored<crate::repositories::applications::ParticipantData>,
    pub start_date: Date,
    pub end_date: Date,
    pub travel_days: crate::Stored<Vec<Date>>,
    pub objectives: String,
    pub activities: crate::Stored<Vec<String>>,
    pub sectors: crate::Stored<Vec<String>>,
    pub primary_sector: Option<String>,
    pub status: Status,
    pub host_response: HostResponse,
    pub grant_cents: Option<i64>,
    pub working_days: Option<i32>,
    pub distance_km: Option<f64>,
    pub eligibility: Option<Json>,
    pub submitted_at: Option<DateTimeUtc>,
    pub decided_at: Option<DateTimeUtc>,
    pub validated_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
    pub anonymised_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
