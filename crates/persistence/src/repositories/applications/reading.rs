//! Lists (visibility by role, keyset pagination), and the partnership report.
use std::collections::BTreeMap;

use chrono::{Duration, Utc};
use cxc_domain::workflow::Status;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Statement,
};
use serde::Serialize;
use uuid::Uuid;

use crate::{
    RepoResult,
    entities::{applications, calls, organisations, payments},
    repositories::{Store, accounts::Caller},
};

#[derive(Debug, Clone, Default)]
pub struct AppFilter {
    pub status: Option<String>,
    pub call_id: Option<Uuid>,
    pub country: Option<String>,
    pub host_country: Option<String>,
    pub sector: Option<String>,
    pub after: Option<Uuid>,
    pub limit: u64,
    /// Oldest first (the queue's first-come order) instead of newest first. Ids are
    /// UUIDv7, so the id order is the creation order and the cursor stays the id.
    pub oldest_first: bool,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct PartnershipReport {
    pub partnership_id: Uuid,
    pub total: u64,
    pub by_status: BTreeMap<String, u64>,
    pub by_country_pair: BTreeMap<String, u64>,
    pub by_sector: BTreeMap<String, u64>,
    pub by_profile: BTreeMap<String, u64>,
    pub budget_cents: i64,
    pub budget_committed_cents: i64,
    pub budget_paid_cents: i64,
    pub target_exchanges: Option<i32>,
    /// R28: the configured target is reached.
    pub target_reached: bool,
    pub overdue_payments: Vec<OverduePayment>,
}

/// id, status, visitor country, host country, sector, visitor, validated at, grant.
type ReportRow = (
    Uuid,
    Status,
    String,
    String,
    Option<String>,
    Uuid,
    Option<chrono::DateTime<Utc>>,
    Option<i64>,
);

#[derive(Debug, Clone, Serialize)]
pub struct OverduePayment {
    pub application_id: Uuid,
    pub validated_at: chrono::DateTime<Utc>,
    pub days_since_validation: i64,
    pub grant_cents: Option<i64>,
}

impl Store {
    /// Applications the caller may see, newest first.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn list_applications(
        &self,
        caller: &Caller,
        f: &AppFilter,
    ) -> RepoResult<Vec<applications::Model>> {
        let q = self.list_query(caller, f).await?;
        Ok(q.all(&self.db.conn).await?)
    }

    /// The database's plan for [`Store::list_applications`] (`EXPLAIN QUERY PLAN` on
    /// SQLite, `EXPLAIN` on PostgreSQL), one line per step: for the benchmark and for
    /// operators checking that the indexes are used.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn explain_list_applications(
        &self,
        caller: &Caller,
        f: &AppFilter,
    ) -> RepoResult<Vec<String>> {
        let backend = self.db.conn.get_database_backend();
        let stmt = self.list_query(caller, f).await?.build(backend);
        let (prefix, column) = match backend {
            DbBackend::Sqlite => ("EXPLAIN QUERY PLAN ", "detail"),
            _ => ("EXPLAIN ", "QUERY PLAN"),
        };
        let explain = Statement::from_sql_and_values(
            backend,
            format!("{prefix}{}", stmt.sql),
            stmt.values.map(|v| v.0).unwrap_or_default(),
        );
        let rows = self.db.conn.query_all_raw(explain).await?;
        Ok(rows
            .iter()
            .filter_map(|r| r.try_get::<String>("", column).ok())
            .collect())
    }

    /// The list as one statement. An administrator's (or a programme-wide grant's) list
    /// walks the primary key newest first. A scoped caller sees the union of up to five
    /// kinds of rows (own applications, their organisations' as visitor or host, their
    /// partnerships' as visitor or host); written as one `OR`, SQLite answered it with a
    /// multi-index OR and a temporary B-tree, reading and sorting every row of the
    /// partnership for each page (issue 17). Instead each scope value is its own branch,
    /// `… WHERE <scope column> = ? AND <filters> ORDER BY id DESC LIMIT n`, which an
    /// `(<scope column>, id)` or `(<scope column>, status, id)` index answers by reading
    /// at most `n` entries; the page is the newest `n` of the branches' ids, and only
    /// those rows are read. So a page reads at most `n` index entries per branch plus the
    /// `n` rows it returns, whatever the partnership's size. A filter on the call, a
    /// country or the sector has its `(<scope column>, <filter column>, id)` index
    /// (`m20261130_perf_scoped_filter_indexes`); two filters at once are read through
    /// one of them and the other tested. Same statement on both databases; `oldest_first` turns every
    /// order (and the cursor) around.
    pub(super) async fn list_query(
        &self,
        caller: &Caller,
        f: &AppFilter,
    ) -> RepoResult<sea_orm::Select<applications::Entity>> {
        use applications::Column as A;
        use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, UnionType};
        let order = if f.oldest_first {
            sea_orm::Order::Asc
        } else {
            sea_orm::Order::Desc
        };
        let sqlite = self.db.backend() == crate::Backend::Sqlite;
        let q = applications::Entity::find().order_by(A::Id, order.clone());
        let Some(scope) = caller.partnerships() else {
            return Ok(q.filter(conditions(f, false)).limit(f.limit));
        };
        let orgs = &caller.organisations;
        let branches = std::iter::once((A::ApplicantId, caller.id()))
            .chain(orgs.iter().map(|o| (A::OrganisationId, *o)))
            .chain(orgs.iter().map(|o| (A::HostOrganisationId, *o)))
            .chain(scope.iter().map(|p| (A::PartnershipId, *p)))
            .chain(scope.iter().map(|p| (A::HostPartnershipId, *p)));
        let mut union: Option<SelectStatement> = None;
        for (i, (column, value)) in branches.enumerate() {
            // SQLite allows no ORDER BY/LIMIT on a member of a compound select, so each
            // branch is a subquery of its own.
            let newest = Query::select()
                .column(A::Id)
                .from(applications::Entity)
                .and_where(Expr::col(column).eq(value))
                .cond_where(conditions(
                    f,
                    sqlite && !matches!(column, A::PartnershipId | A::HostPartnershipId),
                ))
                .order_by(A::Id, order.clone())
                .limit(f.limit)
                .to_owned();
            let branch = Query::select()
                .column(A::Id)
                .from_subquery(newest, Alias::new(format!("b{i}")))
                .to_owned();
            match &mut union {
                None => union = Some(branch),
                Some(u) => {
                    u.union(UnionType::All, branch);
                }
            }
        }
        Ok(match union {
            // The page's ids are chosen among the branches' before any row is read: with
            // `id IN (<branches>)` PostgreSQL fetched every branch's rows (up to `n` per
            // branch, 357 for an SME contact's seven) and sorted them to keep `n`.
            Some(u) => {
                // DISTINCT: a row in two branches (its partnership is both the visitor's
                // and the host's) must count once towards the page.
                let page = Query::select()
                    .distinct()
                    .column(A::Id)
                    .from_subquery(u, Alias::new("branches"))
                    .order_by(A::Id, order)
                    .limit(f.limit)
                    .to_owned();
                q.filter(Expr::col(A::Id).in_subquery(page)).limit(f.limit)
            }
            None => q.filter(conditions(f, false)).limit(f.limit),
        })
    }

    /// Every application of a call with both organisations, for the CSV export.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn call_export(
        &self,
        call: Uuid,
    ) -> RepoResult<(
        Vec<applications::Model>,
        BTreeMap<Uuid, organisations::Model>,
    )> {
        let apps = applications::Entity::find()
            .filter(applications::Column::CallId.eq(call))
            .order_by_asc(applications::Column::Id)
            .all(&self.db.conn)
            .await?;
        let mut ids: Vec<Uuid> = apps
            .iter()
            .flat_map(|a| [a.organisation_id, a.host_organisation_id])
            .collect();
        ids.sort();
        ids.dedup();
        let orgs = self
            .organisations(&ids)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        Ok((apps, orgs))
    }

    /// Exchanges by state, country pair, sector and visitor profile; budget committed
    /// and paid; payments more than 10 days after validation.
    ///
    /// # Errors
    /// `NotFound` for an unknown partnership.
    pub async fn partnership_report(&self, partnership: Uuid) -> RepoResult<PartnershipReport> {
        let p = self.partnership(partnership).await?;
        let rows: Vec<ReportRow> = applications::Entity::find()
            .select_only()
            .columns([
                applications::Column::Id,
                applications::Column::Status,
                applications::Column::VisitorCountry,
                applications::Column::HostCountry,
                applications::Column::PrimarySector,
                applications::Column::OrganisationId,
                applications::Column::ValidatedAt,
                applications::Column::GrantCents,
            ])
            .filter(applications::Column::PartnershipId.eq(partnership))
            .into_tuple()
            .all(&self.db.conn)
            .await?;
        let mut org_ids: Vec<Uuid> = rows.iter().map(|r| r.5).collect();
        org_ids.sort();
        org_ids.dedup();
        let profiles: BTreeMap<Uuid, String> = self
            .organisations(&org_ids)
            .await?
            .into_iter()
            .map(|o| (o.id, o.profile.as_str().to_owned()))
            .collect();
        let paid: Vec<Uuid> = payments::Entity::find()
            .select_only()
            .column(payments::Column::ApplicationId)
            .filter(payments::Column::ApplicationId.is_in(rows.iter().map(|r| r.0)))
            .into_tuple()
            .all(&self.db.conn)
            .await?;
        let mut r = PartnershipReport {
            partnership_id: partnership,
            budget_cents: p.budget_cents,
            target_exchanges: p.target_exchanges,
            ..Default::default()
        };
        let now = self.now();
        for (id, status, vc, hc, sector, org, validated, grant) in &rows {
            r.total += 1;
            *r.by_status.entry(status.to_string()).or_default() += 1;
            if *status != Status::Draft {
                *r.by_country_pair.entry(format!("{vc}-{hc}")).or_default() += 1;
                *r.by_sector
                    .entry(sector.clone().unwrap_or_else(|| "unspecified".into()))
                    .or_default() += 1;
                *r.by_profile
                    .entry(profiles.get(org).cloned().unwrap_or_default())
                    .or_default() += 1;
            }
            if let Some(v) = validated
                && !paid.contains(id)
                && now - *v > Duration::days(10)
            {
                r.overdue_payments.push(OverduePayment {
                    application_id: *id,
                    validated_at: *v,
                    days_since_validation: (now - *v).num_days(),
                    grant_cents: *grant,
                });
            }
        }
        let call_rows: Vec<(i64, i64)> = calls::Entity::find()
            .select_only()
            .columns([
                calls::Column::BudgetCommittedCents,
                calls::Column::BudgetPaidCents,
            ])
            .filter(calls::Column::PartnershipId.eq(partnership))
            .into_tuple()
            .all(&self.db.conn)
            .await?;
        r.budget_committed_cents = call_rows.iter().map(|c| c.0).sum();
        r.budget_paid_cents = call_rows.iter().map(|c| c.1).sum();
        let counted = rows.iter().filter(|r| r.1.holds_reservation()).count();
        let counted = u64::try_from(counted).unwrap_or(u64::MAX);
        r.target_reached = p
            .target_exchanges
            .is_some_and(|t| counted >= u64::try_from(t).unwrap_or(u64::MAX));
        Ok(r)
    }
}

/// The filters of a list as one condition. `off_filter_indexes` writes the filters that
/// have an index of their own as `+col = ?`: on SQLite (no statistics) a branch of a small
/// scope, such as "my own applications", would otherwise seek the filter's own index
/// (`(call_id, id)`, there for administrators) and test every application of the call for
/// the scope; `+col` is SQLite's documented way to keep a term from choosing an index, so
/// the branch walks its scope's index. The partnerships' branches have `(scope, filter,
/// id)` indexes, and PostgreSQL chooses by its statistics.
fn conditions(f: &AppFilter, off_filter_indexes: bool) -> Condition {
    use applications::Column as A;
    use sea_orm::sea_query::{Expr, SimpleExpr};
    let eq = |col: A, v: sea_orm::Value| -> SimpleExpr {
        if off_filter_indexes {
            let name = sea_orm::IdenStatic::as_str(&col);
            Expr::cust_with_values(format!("+\"{name}\" = ?"), [v])
        } else {
            col.eq(v)
        }
    };
    let mut all = Condition::all();
    if let Some(s) = &f.status {
        all = all.add(A::Status.eq(s.as_str()));
    }
    if let Some(c) = f.call_id {
        all = all.add(eq(A::CallId, c.into()));
    }
    if let Some(c) = &f.country {
        all = all.add(eq(A::VisitorCountry, c.to_uppercase().into()));
    }
    if let Some(c) = &f.host_country {
        all = all.add(eq(A::HostCountry, c.to_uppercase().into()));
    }
    if let Some(s) = &f.sector {
        all = all.add(eq(A::PrimarySector, s.as_str().into()));
    }
    if let Some(a) = f.after {
        all = all.add(if f.oldest_first {
            A::Id.gt(a)
        } else {
            A::Id.lt(a)
        });
    }
    all
}
