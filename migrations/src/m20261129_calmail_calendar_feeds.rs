use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Secret addresses of personal calendar feeds: one per user, only the SHA-256 of the
/// token is kept (like a password), so a leaked database does not leak subscriptions.
/// Rotating replaces the row; revoking deletes it.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("calendar_feeds")
                .if_not_exists()
                .col(pk_uuid("user_id"))
                .col(string_uniq("token_hash"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        crate::drop_tables(m, &["calendar_feeds"]).await
    }
}
