//! `agenda_items` table.
use cxc_domain::agenda::ItemKind;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "agenda_items")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub visit_id: Uuid,
    pub kind: ItemKind,
    pub title: String,
    pub description: Option<String>,
    pub starts_local: String,
    pub ends_local: String,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub venue: String,
    pub facility: Option<String>,
    pub capacity: Option<i32>,
    pub confirmed_count: i32,
    pub sequence: i32,
    pub removed: bool,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
