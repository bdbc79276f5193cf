use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("group_visits")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("partnership_id"))
                .col(string("title"))
                .col(text("description"))
                .col(string("host_country"))
                .col(string("city"))
                .col(string("timezone"))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .col(integer("capacity"))
                .col(integer("confirmed_count"))
                .col(timestamp_with_time_zone("registration_closes_at"))
                .col(string("status"))
                .col(integer("agenda_version"))
                .col(uuid("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("group_visits", &["status", "starts_on"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("agenda_items")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("visit_id"))
                .col(string("kind"))
                .col(string("title"))
                .col(text_null("description"))
                .col(string("starts_local"))
                .col(string("ends_local"))
                .col(timestamp_with_time_zone("starts_at"))
                .col(timestamp_with_time_zone("ends_at"))
                .col(string("venue"))
                .col(string_null("facility"))
                .col(integer_null("capacity"))
                .col(integer("confirmed_count"))
                .col(integer("sequence"))
                .col(boolean("removed"))
                .col(timestamp_with_time_zone("updated_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("agenda_items", &["visit_id", "starts_at"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("agenda_versions")
                .if_not_exists()
                .col(uuid("visit_id"))
                .col(integer("number"))
                .col(json("items"))
                .col(json("changelog"))
                .col(uuid("published_by"))
                .col(timestamp_with_time_zone("published_at"))
                .primary_key(Index::create().col("visit_id").col("number"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("registrations")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("visit_id"))
                .col(uuid_null("item_id"))
                .col(uuid("user_id"))
                .col(uuid("organisation_id"))
                .col(string("status"))
                .col(big_integer("queue_seq"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone_null("cancelled_at"))
                // "<visit>/<item or ->/<user>" while active, NULL once cancelled: a unique
                // index on it forbids double registration on both databases.
                .col(string_null("active_key"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "registrations",
            &["visit_id", "item_id", "status", "queue_seq"],
            false,
        ))
        .await?;
        m.create_index(index("registrations", &["user_id"], false))
            .await?;
        m.create_index(index("registrations", &["active_key"], true))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            m,
            &[
                "registrations",
                "agenda_versions",
                "agenda_items",
                "group_visits",
            ],
        )
        .await
    }
}
