//! `idempotency_requests` table: one row per (user, `Idempotency-Key`), claimed before the
//! handler runs and completed with its response (ADR 0006).
use sea_orm::entity::prelude::*;

/// Where a keyed request is: its handler is running, or its response is stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, EnumIter, DeriveActiveEnum, serde::Serialize)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
pub enum IdemState {
    #[sea_orm(string_value = "in_progress")]
    InProgress,
    #[sea_orm(string_value = "completed")]
    Completed,
}

#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "idempotency_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub key: String,
    pub request_path: String,
    pub request_hash: String,
    pub state: IdemState,
    /// Who holds the claim: completing or releasing it needs this id, so a stale claim
    /// taken over by a retry cannot be completed by its first owner.
    pub claim_id: Uuid,
    pub claimed_at: DateTimeUtc,
    pub status_code: Option<i32>,
    /// JSON array of `[name, value]` pairs.
    pub response_headers: Option<String>,
    pub response_body: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
