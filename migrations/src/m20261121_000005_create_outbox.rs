use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("outbox")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(string_uniq("message_id"))
                .col(string("kind"))
                .col(string("to_email"))
                .col(string_null("to_name"))
                .col(uuid_null("to_user_id"))
                .col(string("locale"))
                .col(string("subject"))
                .col(text("body_text"))
                .col(text("body_html"))
                .col(json("attachments"))
                .col(boolean("optional"))
                .col(string_null("list_unsubscribe_url"))
                .col(uuid_null("subject_id"))
                .col(string("status"))
                .col(integer("attempts"))
                .col(timestamp_with_time_zone("not_before"))
                .col(timestamp_with_time_zone_null("locked_until"))
                .col(string_null("locked_by"))
                .col(text_null("last_error"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("sent_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("outbox", &["status", "not_before"], false))
            .await?;
        m.create_index(index("outbox", &["subject_id", "kind"], false))
            .await?;
        m.create_index(index("outbox", &["to_email"], false)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(m, &["outbox"]).await
    }
}
