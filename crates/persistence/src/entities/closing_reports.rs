//! `closing_reports` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "closing_reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub application_id: Uuid,
    pub summary: String,
    pub outcomes: String,
    pub would_recommend: bool,
    pub evidence: crate::Stored<Vec<String>>,
    pub submitted_at: DateTimeUtc,
    pub validated_by: Option<Uuid>,
    pub validated_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
