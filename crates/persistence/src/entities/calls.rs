//! `calls` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "calls")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partnership_id: Uuid,
    pub title: String,
    pub opens_at: DateTimeUtc,
    pub closes_at: DateTimeUtc,
    pub budget_cents: i64,
    pub budget_committed_cents: i64,
    pub budget_paid_cents: i64,
    pub places: i32,
    pub places_taken: i32,
    pub min_working_days: i32,
    pub max_days: i32,
    pub lump_sum_default_cents: i64,
    pub lump_sums_by_host_country: crate::Stored<std::collections::BTreeMap<String, i64>>,
    pub eligible_profiles: crate::Stored<Vec<cxc_domain::organisation::Profile>>,
    pub sectors: crate::Stored<Vec<String>>,
    pub created_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
