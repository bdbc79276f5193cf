use sea_orm_migration::{prelude::*, schema::*};

use crate::{drop_tables, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Who may act (issue 12):
/// - `application_parties`: the relations recorded when an application was submitted (contacts of both organisations and of their clusters), so a conflict of
///   interest cannot be undone by editing an organisation before deciding;
/// - `users.disabled_at`: a disabled account cannot sign in, and its sessions end;
/// - `access_audit`: every grant, revocation, disabling, enabling and ending of
///   sessions, with who did it and when.
#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("application_parties")
                .if_not_exists()
                .col(pk_uuid("application_id"))
                .col(timestamp_with_time_zone("recorded_at"))
                .col(json("visitor_clusters"))
                .col(json("host_clusters"))
                .col(json("visitor_side"))
                .col(json("host_side"))
                .to_owned(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(timestamp_with_time_zone_null("disabled_at"))
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("access_audit")
                .if_not_exists()
                .col(pk_uuid("id"))
                .col(timestamp_with_time_zone("at"))
                .col(uuid("actor_id"))
                .col(uuid("subject_id"))
                .col(string("action"))
                .col(string_null("role"))
                .col(uuid_null("partnership_id"))
                .col(string_null("detail"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("access_audit", &["subject_id", "at"], false))
            .await?;
        m.create_index(index("role_grants", &["partnership_id", "role"], false))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(m, &["access_audit"]).await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .drop_column("disabled_at")
                .to_owned(),
        )
        .await?;
        drop_tables(m, &["application_parties"]).await
    }
}
