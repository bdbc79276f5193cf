use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// When the retention job or an erasure anonymised the participant, so the job skips
/// rows it already handled.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("applications")
                .add_column(timestamp_with_time_zone_null("anonymised_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("applications")
                .drop_column("anonymised_at")
                .to_owned(),
        )
        .await
    }
}
