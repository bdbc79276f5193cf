//! `application_parties` table: who acted for each side when an application was
//! submitted (the conflict-of-interest snapshot).
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "application_parties")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub application_id: Uuid,
    pub recorded_at: DateTimeUtc,
    /// `[uuid]`: clusters of the visiting organisation.
    pub visitor_clusters: crate::Stored<Vec<Uuid>>,
    /// `[uuid]`: clusters of the host organisation.
    pub host_clusters: crate::Stored<Vec<Uuid>>,
    /// `[uuid]`: the applicant and the contacts of the visiting organisation and its clusters.
    pub visitor_side: crate::Stored<Vec<Uuid>>,
    /// `[uuid]`: the contacts of the host organisation and its clusters.
    pub host_side: crate::Stored<Vec<Uuid>>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
