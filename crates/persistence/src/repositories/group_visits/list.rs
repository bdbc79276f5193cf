//! Listing group visits: what the caller may see, filtered and keyset-paginated.
use cxc_domain::visit::{RegistrationStatus, VisitStatus};
use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::repositories::{Store, accounts::Caller};
use crate::{
    RepoResult,
    entities::{group_visits, registrations},
};

/// List filters; `from`/`to` keep visits whose dates overlap the range.
#[derive(Debug, Clone, Default)]
pub struct VisitFilter {
    pub host_country: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub partnership_id: Option<Uuid>,
    pub status: Option<String>,
    pub after: Option<Uuid>,
    pub limit: u64,
}

impl Store {
    /// Keyset-paginated list, newest first: public visits, plus drafts of the
    /// partnerships the caller works for.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn list_visits(
        &self,
        f: &VisitFilter,
        caller: Option<&Caller>,
    ) -> RepoResult<Vec<(group_visits::Model, i64)>> {
        use sea_orm::Condition;
        let c = group_visits::Column::Status;
        let public = Condition::any().add(c.eq(VisitStatus::Published)).add(
            Condition::all()
                .add(c.eq(VisitStatus::Cancelled))
                .add(group_visits::Column::AgendaVersion.gt(0)),
        );
        let visible = match caller.map(Caller::partnerships) {
            None => public,
            Some(None) => Condition::all(),
            Some(Some(ps)) => public.add(group_visits::Column::PartnershipId.is_in(ps)),
        };
        let mut q = group_visits::Entity::find()
            .filter(visible)
            .order_by_desc(group_visits::Column::Id);
        if let Some(hc) = &f.host_country {
            q = q.filter(group_visits::Column::HostCountry.eq(hc.to_ascii_uppercase()));
        }
        if let Some(from) = f.from {
            q = q.filter(group_visits::Column::EndsOn.gte(from));
        }
        if let Some(to) = f.to {
            q = q.filter(group_visits::Column::StartsOn.lte(to));
        }
        if let Some(p) = f.partnership_id {
            q = q.filter(group_visits::Column::PartnershipId.eq(p));
        }
        if let Some(s) = &f.status {
            q = q.filter(c.eq(s.as_str()));
        }
        if let Some(a) = f.after {
            q = q.filter(group_visits::Column::Id.lt(a));
        }
        let visits = q.limit(f.limit).all(&self.db.conn).await?;
        let ids: Vec<Uuid> = visits.iter().map(|v| v.id).collect();
        let counts: HashMap<Uuid, i64> = registrations::Entity::find()
            .select_only()
            .column(registrations::Column::VisitId)
            .column_as(registrations::Column::Id.count(), "n")
            .filter(registrations::Column::VisitId.is_in(ids))
            .filter(registrations::Column::ItemId.is_null())
            .filter(registrations::Column::Status.eq(RegistrationStatus::Waitlisted))
            .group_by(registrations::Column::VisitId)
            .into_tuple::<(Uuid, i64)>()
            .all(&self.db.conn)
            .await?
            .into_iter()
            .collect();
        Ok(visits
            .into_iter()
            .map(|v| {
                let n = counts.get(&v.id).copied().unwrap_or(0);
                (v, n)
            })
            .collect())
    }
}
