use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("organisations")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(string("name"))
                .col(string("name_lower"))
                .col(string("country"))
                .col(string("city"))
                .col(double("latitude"))
                .col(double("longitude"))
                .col(string("profile"))
                .col(string_null("support_type"))
                .col(string_null("eccp_profile_url"))
                .col(uuid_null("managing_partnership_id"))
                .col(double_null("headcount"))
                .col(big_integer_null("annual_turnover_cents"))
                .col(big_integer_null("balance_sheet_total_cents"))
                .col(json("partner_enterprises"))
                .col(json("linked_enterprises"))
                .col(double_null("public_bodies_control_percent"))
                .col(string_null("agency_exception_ref"))
                .col(json("establishments"))
                .col(json("cluster_ids"))
                .col(json("sectors"))
                .col(json("competencies"))
                .col(string_null("website"))
                .col(uuid("created_by"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("organisations", &["country", "id"], false))
            .await?;
        m.create_index(index("organisations", &["profile", "id"], false))
            .await?;
        m.create_index(index("organisations", &["name_lower"], false))
            .await?;
        // Tags (sectors, competencies) and cluster memberships are rows so that the list
        // filters are index lookups on both databases, not JSON scans.
        m.create_table(
            Table::create()
                .table("organisation_tags")
                .if_not_exists()
                .col(uuid("organisation_id"))
                .col(string("kind"))
                .col(string("tag"))
                .primary_key(
                    Index::create()
                        .col("organisation_id")
                        .col("kind")
                        .col("tag"),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "organisation_tags",
            &["kind", "tag", "organisation_id"],
            false,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("organisation_clusters")
                .if_not_exists()
                .col(uuid("organisation_id"))
                .col(uuid("cluster_id"))
                .primary_key(Index::create().col("organisation_id").col("cluster_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("organisation_clusters", &["cluster_id"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("organisation_contacts")
                .if_not_exists()
                .col(uuid("organisation_id"))
                .col(uuid("user_id"))
                .col(timestamp_with_time_zone("created_at"))
                .primary_key(Index::create().col("organisation_id").col("user_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("organisation_contacts", &["user_id"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("partnerships")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(string("name"))
                .col(string("grant_agreement"))
                .col(string("programme"))
                .col(big_integer("budget_cents"))
                .col(integer_null("target_exchanges"))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("version"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("partnership_members")
                .if_not_exists()
                .col(uuid("partnership_id"))
                .col(uuid("organisation_id"))
                .col(string("role"))
                .primary_key(Index::create().col("partnership_id").col("organisation_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("partnership_members", &["organisation_id"], false))
            .await?;
        m.create_table(
            Table::create()
                .table("calls")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("partnership_id"))
                .col(string("title"))
                .col(timestamp_with_time_zone("opens_at"))
                .col(timestamp_with_time_zone("closes_at"))
                .col(big_integer("budget_cents"))
                .col(big_integer("budget_committed_cents"))
                .col(big_integer("budget_paid_cents"))
                .col(integer("places"))
                .col(integer("places_taken"))
                .col(integer("min_working_days"))
                .col(integer("max_days"))
                .col(big_integer("lump_sum_default_cents"))
                .col(json("lump_sums_by_host_country"))
                .col(json("eligible_profiles"))
                .col(json("sectors"))
                .col(timestamp_with_time_zone("created_at"))
                .col(integer("version"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("calls", &["partnership_id", "id"], false))
            .await?;
        m.create_index(index("calls", &["closes_at"], false)).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            m,
            &[
                "calls",
                "partnership_members",
                "partnerships",
                "organisation_contacts",
                "organisation_clusters",
                "organisation_tags",
                "organisations",
            ],
        )
        .await
    }
}
