//! `access_audit` table: grants, revocations and account changes, append-only.
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "access_audit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub at: DateTimeUtc,
    pub actor_id: Uuid,
    pub subject_id: Uuid,
    /// `grant`, `revoke`, `disable`, `enable`, `end_sessions`.
    pub action: cxc_domain::account::AuditAction,
    pub role: Option<cxc_domain::policy::Role>,
    pub partnership_id: Option<Uuid>,
    pub detail: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
