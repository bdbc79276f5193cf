use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The SME declaration's figures for the period before the last closed one (Art. 4(2) of
/// Recommendation 2003/361/EC: a category changes only over two consecutive periods).
/// NULL for a first-year enterprise.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("organisations")
                .add_column(json_null("previous_period"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("organisations")
                .drop_column("previous_period")
                .to_owned(),
        )
        .await
    }
}
