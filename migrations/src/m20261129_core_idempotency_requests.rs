use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// `Idempotency-Key` requests as a two-step record (ADR 0006): a row is claimed
/// (`in_progress`, with a claim id and time) before the handler runs and completed with the
/// response afterwards, each in its own short transaction. It replaces `idempotency_keys`,
/// whose rows could only be written inside the creating transaction. Answered keys are
/// copied over so a retry in flight during the upgrade still replays.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("idempotency_requests")
                .if_not_exists()
                .col(uuid("user_id"))
                .col(string("key"))
                .col(string("request_path"))
                .col(string("request_hash"))
                .col(string("state"))
                .col(uuid("claim_id"))
                .col(timestamp_with_time_zone("claimed_at"))
                .col(integer_null("status_code"))
                .col(text_null("response_headers"))
                .col(text_null("response_body"))
                .primary_key(Index::create().col("user_id").col("key"))
                .to_owned(),
        )
        .await?;
        m.get_connection()
            .execute_unprepared(
                "INSERT INTO idempotency_requests (user_id, key, request_path, request_hash, \
                 state, claim_id, claimed_at, status_code, response_headers, response_body) \
                 SELECT user_id, key, request_path, request_hash, 'completed', user_id, \
                 created_at, status_code, '[[\"content-type\",\"application/json\"]]', \
                 response_body FROM idempotency_keys",
            )
            .await?;
        crate::drop_tables(m, &["idempotency_keys"]).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
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
        .await?;
        crate::drop_tables(m, &["idempotency_requests"]).await
    }
}
