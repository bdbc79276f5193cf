use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("users")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(string_uniq("email"))
                .col(string("password_hash"))
                .col(string("full_name"))
                .col(string("locale"))
                .col(string("role"))
                .col(boolean("reminders"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("erased_at"))
                .col(integer("version"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("role_grants")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(string("role"))
                .col(uuid_null("partnership_id"))
                .col(uuid("granted_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("role_grants", &["user_id", "partnership_id"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("sessions")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(string_uniq("token_hash"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("revoked_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("sessions", &["user_id"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("idempotency_keys")
                .if_not_exists()
                .col(uuid("user_id"))
                .col(string("key"))
                .col(string("request_path"))
                .col(string("request_hash"))
                .col(integer("status_code"))
                .col(text("response_body"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("user_id").col("key"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(m, &["idempotency_keys", "sessions", "role_grants", "users"]).await
    }
}
