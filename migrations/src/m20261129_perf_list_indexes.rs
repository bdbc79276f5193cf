use sea_orm_migration::prelude::*;

use crate::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Indexes that give each branch of a scoped application list (issue 17) its rows newest
/// first without a sort: `WHERE <scope column> = ? [AND status = ?] ORDER BY id DESC
/// LIMIT n` reads `n` entries. With only `(status, id)` to serve a branch such as "my own
/// submitted applications", SQLite (which keeps no statistics) walks every submitted row
/// of the table looking for the caller's. `(applicant_id, id)`, `(host_organisation_id,
/// id)` and the partnerships' `(…, status, id)` exist since the first migration;
/// `(organisation_id, status)` is replaced by `(organisation_id, status, id)`.
const INDEXES: [&[&str]; 6] = [
    &["partnership_id", "id"],
    &["host_partnership_id", "id"],
    &["organisation_id", "id"],
    &["applicant_id", "status", "id"],
    &["organisation_id", "status", "id"],
    &["host_organisation_id", "status", "id"],
];
const REPLACED: &[&str] = &["organisation_id", "status"];

fn drop(cols: &[&str]) -> IndexDropStatement {
    Index::drop()
        .name(format!("ix_applications_{}", cols.join("_")))
        .table("applications")
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for cols in INDEXES {
            m.create_index(index("applications", cols, false)).await?;
        }
        m.drop_index(drop(REPLACED)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index("applications", REPLACED, false))
            .await?;
        for cols in INDEXES {
            m.drop_index(drop(cols)).await?;
        }
        Ok(())
    }
}
