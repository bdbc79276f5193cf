//! Partnerships (with their member organisations) and their calls.
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    Set,
};
use uuid::Uuid;

use super::{Store, new_id};
use crate::{
    RepoError, RepoResult, Stored,
    entities::{calls, partnership_members, partnerships},
};

pub struct PartnershipInput {
    pub name: String,
    pub grant_agreement: String,
    pub programme: String,
    pub budget_cents: i64,
    pub target_exchanges: Option<i32>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// `(organisation, "coordinator" | "partner")`
    pub partners: Vec<(Uuid, cxc_domain::policy::MemberRole)>,
}

pub struct CallInput {
    pub title: String,
    pub opens_at: DateTime<Utc>,
    pub closes_at: DateTime<Utc>,
    pub budget_cents: i64,
    pub places: i32,
    pub min_working_days: i32,
    pub max_days: i32,
    pub lump_sum_default_cents: i64,
    pub lump_sums_by_host_country: std::collections::BTreeMap<String, i64>,
    /// Empty: every profile.
    pub eligible_profiles: Vec<cxc_domain::organisation::Profile>,
    pub sectors: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct CallFilter {
    /// Only calls accepting applications at this instant.
    pub open_at: Option<DateTime<Utc>>,
    /// Only calls NOT accepting applications at this instant (not yet open or closed).
    pub closed_at: Option<DateTime<Utc>>,
    pub partnership_id: Option<Uuid>,
    pub after: Option<Uuid>,
    pub limit: u64,
}

impl Store {
    /// # Errors
    /// `Invalid` for unknown partner organisations.
    pub async fn create_partnership(
        &self,
        p: &PartnershipInput,
    ) -> RepoResult<partnerships::Model> {
        let ids: Vec<Uuid> = p.partners.iter().map(|x| x.0).collect();
        let found = self.organisations(&ids).await?;
        let missing: Vec<_> = p
            .partners
            .iter()
            .enumerate()
            .filter(|(_, (id, _))| !found.iter().any(|o| o.id == *id))
            .map(|(i, (id, _))| {
                crate::Problem::new(
                    format!("partners[{i}].organisation_id"),
                    "unknown_organisation",
                    format!("no organisation with id {id}"),
                )
            })
            .collect();
        if !missing.is_empty() {
            return Err(RepoError::Invalid(missing));
        }
        let tx = self.db.write().await?;
        let model = partnerships::ActiveModel {
            id: Set(new_id()),
            name: Set(p.name.clone()),
            grant_agreement: Set(p.grant_agreement.clone()),
            programme: Set(p.programme.clone()),
            budget_cents: Set(p.budget_cents),
            target_exchanges: Set(p.target_exchanges),
            starts_on: Set(p.starts_on),
            ends_on: Set(p.ends_on),
            created_at: Set(self.now()),
            version: Set(1),
        }
        .insert(&tx.tx)
        .await?;
        for (org, role) in &p.partners {
            partnership_members::ActiveModel {
                partnership_id: Set(model.id),
                organisation_id: Set(*org),
                role: Set(*role),
            }
            .insert(&tx.tx)
            .await?;
        }
        tx.commit().await?;
        Ok(model)
    }

    /// # Errors
    /// `NotFound` for an unknown id.
    pub async fn partnership(&self, id: Uuid) -> RepoResult<partnerships::Model> {
        partnerships::Entity::find_by_id(id)
            .one(&self.db.conn)
            .await?
            .ok_or(RepoError::NotFound)
    }

    /// # Errors
    /// Database failures only.
    pub async fn partnership_members(
        &self,
        id: Uuid,
    ) -> RepoResult<Vec<partnership_members::Model>> {
        Ok(partnership_members::Entity::find()
            .filter(partnership_members::Column::PartnershipId.eq(id))
            .all(&self.db.conn)
            .await?)
    }

    /// Members of several partnerships at once (for list pages).
    ///
    /// # Errors
    /// Database failures only.
    pub async fn partnership_members_in(
        &self,
        ids: &[Uuid],
    ) -> RepoResult<Vec<partnership_members::Model>> {
        Ok(partnership_members::Entity::find()
            .filter(partnership_members::Column::PartnershipId.is_in(ids.iter().copied()))
            .all(&self.db.conn)
            .await?)
    }

    /// The partnership with exactly this name, if any (the demo seed's idempotency check).
    ///
    /// # Errors
    /// Database failures only.
    pub async fn partnership_by_name(&self, name: &str) -> RepoResult<Option<partnerships::Model>> {
        Ok(partnerships::Entity::find()
            .filter(partnerships::Column::Name.eq(name))
            .order_by_asc(partnerships::Column::Id)
            .one(&self.db.conn)
            .await?)
    }

    /// # Errors
    /// Database failures only.
    pub async fn list_partnerships(
        &self,
        after: Option<Uuid>,
        limit: u64,
    ) -> RepoResult<Vec<partnerships::Model>> {
        let mut q = partnerships::Entity::find().order_by_desc(partnerships::Column::Id);
        if let Some(a) = after {
            q = q.filter(partnerships::Column::Id.lt(a));
        }
        Ok(q.limit(limit).all(&self.db.conn).await?)
    }

    /// # Errors
    /// `NotFound` for an unknown partnership.
    pub async fn create_call(&self, partnership: Uuid, c: &CallInput) -> RepoResult<calls::Model> {
        self.partnership(partnership).await?;
        let tx = self.db.write().await?;
        // The partnership's row is locked (PostgreSQL; SQLite writes one at a time) so two
        // calls created at once cannot both take the same remaining budget.
        let owner = partnerships::Entity::find_by_id(partnership)
            .lock_exclusive()
            .one(&tx.tx)
            .await?
            .ok_or(RepoError::NotFound)?;
        let others: Vec<i64> = calls::Entity::find()
            .select_only()
            .column(calls::Column::BudgetCents)
            .filter(calls::Column::PartnershipId.eq(partnership))
            .into_tuple()
            .all(&tx.tx)
            .await?;
        let others = others.iter().fold(0i64, |a, b| a.saturating_add(*b));
        cxc_domain::plausible::call_budget(c.budget_cents, owner.budget_cents, others)
            .map_err(|e| RepoError::invalid("budget_cents", e.code, e.message))?;
        let model = calls::ActiveModel {
            id: Set(new_id()),
            partnership_id: Set(partnership),
            title: Set(c.title.clone()),
            opens_at: Set(c.opens_at),
            closes_at: Set(c.closes_at),
            budget_cents: Set(c.budget_cents),
            budget_committed_cents: Set(0),
            budget_paid_cents: Set(0),
            places: Set(c.places),
            places_taken: Set(0),
            min_working_days: Set(c.min_working_days),
            max_days: Set(c.max_days),
            lump_sum_default_cents: Set(c.lump_sum_default_cents),
            lump_sums_by_host_country: Set(Stored(c.lump_sums_by_host_country.clone())),
            eligible_profiles: Set(Stored(c.eligible_profiles.clone())),
            sectors: Set(Stored(c.sectors.clone())),
            created_at: Set(self.now()),
            version: Set(1),
        }
        .insert(&tx.tx)
        .await?;
        tx.commit().await?;
        Ok(model)
    }

    /// # Errors
    /// `NotFound` for an unknown id.
    pub async fn call(&self, id: Uuid) -> RepoResult<calls::Model> {
        calls::Entity::find_by_id(id)
            .one(&self.db.conn)
            .await?
            .ok_or(RepoError::NotFound)
    }

    /// # Errors
    /// Database failures only.
    pub async fn list_calls(&self, f: &CallFilter) -> RepoResult<Vec<calls::Model>> {
        let mut q = calls::Entity::find().order_by_desc(calls::Column::Id);
        if let Some(now) = f.open_at {
            q = q
                .filter(calls::Column::OpensAt.lte(now))
                .filter(calls::Column::ClosesAt.gt(now));
        }
        if let Some(now) = f.closed_at {
            q = q.filter(
                Condition::any()
                    .add(calls::Column::OpensAt.gt(now))
                    .add(calls::Column::ClosesAt.lte(now)),
            );
        }
        if let Some(p) = f.partnership_id {
            q = q.filter(calls::Column::PartnershipId.eq(p));
        }
        if let Some(a) = f.after {
            q = q.filter(calls::Column::Id.lt(a));
        }
        Ok(q.limit(f.limit).all(&self.db.conn).await?)
    }

    /// Partnerships an organisation is a member of.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn partnerships_of_org(&self, org: Uuid) -> RepoResult<Vec<Uuid>> {
        Ok(partnership_members::Entity::find()
            .select_only()
            .column(partnership_members::Column::PartnershipId)
            .filter(partnership_members::Column::OrganisationId.eq(org))
            .into_tuple()
            .all(&self.db.conn)
            .await?)
    }
}
