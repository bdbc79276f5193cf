//! `group_visits` table.
use cxc_domain::visit::VisitStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "group_visits")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub partnership_id: Uuid,
    pub title: String,
    pub description: String,
    pub host_country: String,
    pub city: String,
    pub timezone: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub capacity: i32,
    pub confirmed_count: i32,
    pub registration_closes_at: DateTimeUtc,
    pub status: VisitStatus,
    pub agenda_version: i32,
    pub created_by: Uuid,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
