//! `users` table.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub email: String,
    #[serde(skip)]
    pub password_hash: String,
    pub full_name: String,
    pub locale: String,
    pub role: cxc_domain::policy::AccountRole,
    pub reminders: bool,
    pub created_at: DateTimeUtc,
    pub erased_at: Option<DateTimeUtc>,
    pub version: i32,
    /// A disabled account cannot sign in and its sessions are not accepted.
    pub disabled_at: Option<DateTimeUtc>,
    /// When the owner proved the address (issue 12); `None` until then.
    pub email_verified_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
