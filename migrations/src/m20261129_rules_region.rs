use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The host's ISO 3166-2 region (e.g. `ES-MD`), whose public holidays decide its working
/// days; NULL means the national calendar applies.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("organisations")
                .add_column(string_null("region"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("organisations")
                .drop_column("region")
                .to_owned(),
        )
        .await
    }
}
