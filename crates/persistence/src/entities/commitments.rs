//! `commitments` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "commitments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub application_id: Uuid,
    pub goals: String,
    pub agenda: String,
    pub visitor_signed_by: Option<Uuid>,
    pub visitor_signed_at: Option<DateTimeUtc>,
    pub host_signed_by: Option<Uuid>,
    pub host_signed_at: Option<DateTimeUtc>,
    pub vop_signed_by: Option<Uuid>,
    pub vop_signed_at: Option<DateTimeUtc>,
    pub hop_signed_by: Option<Uuid>,
    pub hop_signed_at: Option<DateTimeUtc>,
    pub version: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
