//! `throttle_counters` table: attempts per throttle key (a hash of account and client),
//! shared by every server process on the database.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "throttle_counters")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub count: i32,
    /// Bumped by every change (a change counter; check-and-count no longer needs it as a token).
    pub version: i32,
    /// The next attempt is allowed from this moment.
    pub next_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
