use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("applications")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("call_id"))
                .col(uuid("partnership_id"))
                .col(uuid("host_partnership_id"))
                .col(uuid("applicant_id"))
                .col(uuid("organisation_id"))
                .col(uuid("host_organisation_id"))
                .col(string("visitor_country"))
                .col(string("host_country"))
                .col(json("participant"))
                .col(date("start_date"))
                .col(date("end_date"))
                .col(json("travel_days"))
                .col(text("objectives"))
                .col(json("activities"))
                .col(json("sectors"))
                .col(string_null("primary_sector"))
                .col(string("status"))
                .col(string("host_response"))
                .col(big_integer_null("grant_cents"))
                .col(integer_null("working_days"))
                .col(double_null("distance_km"))
                .col(json_null("eligibility"))
                .col(timestamp_with_time_zone_null("submitted_at"))
                .col(timestamp_with_time_zone_null("decided_at"))
                .col(timestamp_with_time_zone_null("validated_at"))
                .col(timestamp_with_time_zone("created_at"))
                .col(timestamp_with_time_zone("updated_at"))
                .col(integer("version"))
                .to_owned(),
        )
        .await?;
        // Keyset pagination walks `id` (UUIDv7, time-ordered) inside each filter.
        for cols in [
            &["partnership_id", "status", "id"][..],
            &["host_partnership_id", "status", "id"],
            &["call_id", "status", "id"],
            &["applicant_id", "id"],
            &["organisation_id", "status"],
            &["host_organisation_id", "id"],
            &["status", "id"],
        ] {
            m.create_index(index("applications", cols, false)).await?;
        }
        m.create_table(
            Table::create()
                .table("application_history")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(uuid("application_id"))
                .col(integer("seq"))
                .col(string_null("from_state"))
                .col(string("to_state"))
                .col(uuid("by_user_id"))
                .col(timestamp_with_time_zone("at"))
                .col(text_null("comment"))
                .col(string("prev_hash"))
                .col(string("hash"))
                .to_owned(),
        )
        .await?;
        // One row per (application, seq): two racing writers cannot both append entry n.
        m.create_index(index(
            "application_history",
            &["application_id", "seq"],
            true,
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("commitments")
                .if_not_exists()
                .col(pk_uuid("application_id"))
                .col(text("goals"))
                .col(text("agenda"))
                .col(uuid_null("visitor_signed_by"))
                .col(timestamp_with_time_zone_null("visitor_signed_at"))
                .col(uuid_null("host_signed_by"))
                .col(timestamp_with_time_zone_null("host_signed_at"))
                .col(uuid_null("vop_signed_by"))
                .col(timestamp_with_time_zone_null("vop_signed_at"))
                .col(uuid_null("hop_signed_by"))
                .col(timestamp_with_time_zone_null("hop_signed_at"))
                .col(integer("version"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("closing_reports")
                .if_not_exists()
                .col(pk_uuid("application_id"))
                .col(text("summary"))
                .col(text("outcomes"))
                .col(boolean("would_recommend"))
                .col(json("evidence"))
                .col(timestamp_with_time_zone("submitted_at"))
                .col(uuid_null("validated_by"))
                .col(timestamp_with_time_zone_null("validated_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("payments")
                .if_not_exists()
                .col(pk_uuid("application_id"))
                .col(date("paid_on"))
                .col(big_integer("amount_cents"))
                .col(uuid("recorded_by"))
                .col(timestamp_with_time_zone("created_at"))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            m,
            &[
                "payments",
                "closing_reports",
                "commitments",
                "application_history",
                "applications",
            ],
        )
        .await
    }
}
