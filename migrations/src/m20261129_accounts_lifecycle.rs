use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Account lifecycle (issue 12): verified addresses, single-use account tokens (email
/// verification, password reset), contact invitations, and the shared throttle counters
/// that make login limits hold across server processes.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(timestamp_with_time_zone_null("email_verified_at"))
                .to_owned(),
        )
        .await?;
        // Accounts that exist before this migration were created by operators or
        // registered when no check existed; they keep working (see docs/security.md).
        m.get_connection()
            .execute_unprepared("UPDATE users SET email_verified_at = created_at")
            .await?;
        m.create_table(
            Table::create()
                .table("account_tokens")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(string("purpose"))
                .col(string_uniq("token_hash"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("used_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("account_tokens", &["user_id", "purpose"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("organisation_invitations")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("organisation_id"))
                .col(uuid("user_id"))
                .col(uuid("invited_by"))
                .col(string("status"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("expires_at"))
                .col(timestamp_with_time_zone_null("answered_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "organisation_invitations",
            &["organisation_id", "user_id"],
            true,
        ))
        .await?;
        m.create_index(index("organisation_invitations", &["user_id"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("throttle_counters")
                .if_not_exists()
                .col(string("key").primary_key())
                .col(integer("count"))
                .col(integer("version"))
                .col(timestamp_with_time_zone("next_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("throttle_counters", &["updated_at"], false))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            m,
            &[
                "throttle_counters",
                "organisation_invitations",
                "account_tokens",
            ],
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .drop_column("email_verified_at")
                .to_owned(),
        )
        .await
    }
}
