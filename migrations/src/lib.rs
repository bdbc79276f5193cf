//! Database schema history. Append-only: a migration that has run is never edited.
//! Every migration uses the portable schema builder so the same history applies to
//! SQLite and PostgreSQL.

pub use sea_orm_migration::prelude::*;

mod m20261121_000001_create_accounts;
mod m20261121_000002_create_organisations;
mod m20261121_000003_create_applications;
mod m20261121_000004_create_group_visits;
mod m20261121_000005_create_outbox;
mod m20261121_000006_add_anonymised_at;
mod m20261129_accounts_lifecycle;
mod m20261129_calmail_calendar_feeds;
mod m20261129_core_idempotency_requests;
mod m20261129_perf_list_indexes;
mod m20261129_policy_parties_and_accounts;
mod m20261129_rules_region;
mod m20261129_rules_sme_periods;
mod m20261130_perf_scoped_filter_indexes;

/// The ordered list of every migration.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_create_accounts::Migration),
            Box::new(m20261121_000002_create_organisations::Migration),
            Box::new(m20261121_000003_create_applications::Migration),
            Box::new(m20261121_000004_create_group_visits::Migration),
            Box::new(m20261121_000005_create_outbox::Migration),
            Box::new(m20261121_000006_add_anonymised_at::Migration),
            Box::new(m20261129_accounts_lifecycle::Migration),
            Box::new(m20261129_rules_region::Migration),
            Box::new(m20261129_rules_sme_periods::Migration),
            Box::new(m20261129_calmail_calendar_feeds::Migration),
            Box::new(m20261129_policy_parties_and_accounts::Migration),
            Box::new(m20261129_perf_list_indexes::Migration),
            Box::new(m20261129_core_idempotency_requests::Migration),
            Box::new(m20261130_perf_scoped_filter_indexes::Migration),
        ]
    }
}

/// Creates a (possibly unique) index named `ix_<table>_<cols>`.
pub(crate) fn index(
    table: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(format!("ix_{table}_{}", cols.join("_")))
        .table(table)
        .if_not_exists();
    for c in cols {
        stmt.col(*c);
    }
    if unique {
        stmt.unique();
    }
    stmt.to_owned()
}

/// Drops the given tables in order (used by every `down`).
pub(crate) async fn drop_tables(
    manager: &SchemaManager<'_>,
    tables: &[&'static str],
) -> Result<(), DbErr> {
    for t in tables {
        manager
            .drop_table(Table::drop().table(*t).if_exists().to_owned())
            .await?;
    }
    Ok(())
}
