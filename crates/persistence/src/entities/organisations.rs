//! `organisations` table.
use cxc_domain::organisation::{Profile, SupportType};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "organisations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub name_lower: String,
    pub country: String,
    pub city: String,
    pub latitude: f64,
    pub longitude: f64,
    pub profile: Profile,
    pub support_type: Option<SupportType>,
    pub eccp_profile_url: Option<String>,
    pub managing_partnership_id: Option<Uuid>,
    pub headcount: Option<f64>,
    pub annual_turnover_cents: Option<i64>,
    pub balance_sheet_total_cents: Option<i64>,
    pub partner_enterprises:
        crate::Stored<Vec<crate::repositories::organisations::RelatedEnterprise>>,
    pub linked_enterprises:
        crate::Stored<Vec<crate::repositories::organisations::RelatedEnterprise>>,
    pub public_bodies_control_percent: Option<f64>,
    pub agency_exception_ref: Option<String>,
    pub establishments: crate::Stored<Vec<String>>,
    pub cluster_ids: crate::Stored<Vec<Uuid>>,
    pub sectors: crate::Stored<Vec<String>>,
    pub competencies: crate::Stored<Vec<String>>,
    pub website: Option<String>,
    pub region: Option<String>,
    pub previous_period: Option<crate::Stored<cxc_domain::organisation::EnterpriseFigures>>,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
