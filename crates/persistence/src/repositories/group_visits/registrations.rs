//! Registrations for a group visit (whole visit) or one of its limited activities.
//!
//! Places are taken with a conditional increment (`confirmed_count < capacity`) so the
//! database itself guarantees capacity; the visit row lock additionally serialises the
//! registrations of one visit, which makes waiting-list order and positions exact.
//! Cancelling frees the place and promotes the first waiting person in the same
//! transaction. Every change of a registration's state goes through
//! [`Store::change_registrations`] (`change`); this file holds the visit-level checks
//! of a new registration.

pub mod cancellation;
pub(crate) mod change;
mod mail;
pub mod participants;
pub mod places;

use cxc_domain::eligibility::check_organisation;
use cxc_domain::organisation::Role;
use cxc_domain::policy;
use cxc_domain::visit::{RegistrationStatus, VisitStatus};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::repositories::{
    Store,
    accounts::Caller,
    group_visits::lock_visit,
    group_visits::registrations::change::{By, Change},
};
use crate::{
    Problem, RepoError, RepoResult,
    entities::{agenda_items, group_visits, registrations},
};

/// A registration with its 1-based place on the waiting list (when waitlisted).
#[derive(Debug, Clone)]
pub struct RegistrationView {
    pub reg: registrations::Model,
    pub position: Option<i64>,
}

impl Store {
    /// Registers the caller (as a contact of an eligible visiting organisation) for the
    /// whole visit or, with `item`, for one limited activity.
    ///
    /// # Errors
    /// `Invalid` for an unknown/ineligible organisation or unknown item, `Forbidden`
    /// when the caller is not its contact, `Conflict` when registration is closed,
    /// the visit is not open, the caller is already registered, or a per-activity
    /// registration lacks a confirmed place on the visit; `NotFound`.
    pub async fn register_for_visit(
        &self,
        visit_id: Uuid,
        caller: &Caller,
        organisation: Uuid,
        item: Option<Uuid>,
    ) -> RepoResult<RegistrationView> {
        let visit = self.visit_for(visit_id, Some(caller)).await?;
        let org = self.organisation(organisation).await.map_err(|_| {
            RepoError::invalid(
                "organisation_id",
                "unknown_organisation",
                "no organisation with this id",
            )
        })?;
        policy::register_for_visit(self.is_contact(organisation, caller.id()).await?)?;
        let facts = self.organisation_facts(&org).await?;
        let report = check_organisation(&facts, Role::Visitor, visit.starts_on, self.rules());
        if !report.eligible {
            let failed = report.checks.iter().filter(|c| !c.passed);
            return Err(RepoError::Invalid(
                failed
                    .map(|c| Problem::new("organisation_id", c.rule, c.message.clone()))
                    .collect(),
            ));
        }

        let tx = self.db.write().await?;
        let visit = lock_visit(&tx.tx, visit_id).await?;
        match visit.status {
            VisitStatus::Draft => {
                return Err(RepoError::conflict(
                    "not_published",
                    "the visit is not published yet",
                ));
            }
            VisitStatus::Cancelled => {
                return Err(RepoError::conflict(
                    "visit_cancelled",
                    "the visit is cancelled",
                ));
            }
            VisitStatus::Published => {}
        }
        if self.now() >= visit.registration_closes_at {
            return Err(RepoError::conflict(
                "registration_closed",
                format!(
                    "registration closed at {}",
                    visit.registration_closes_at.to_rfc3339()
                ),
            ));
        }
        let activity = match item {
            Some(i) => Some(self.activity_for(&tx.tx, &visit, i, caller.id()).await?),
            None => None,
        };
        let change = Change::Register {
            user: &caller.user,
            organisation,
            activity: activity.as_ref(),
        };
        let mut done = self
            .change_registrations(&tx.tx, &visit, By::Person(&caller.actor), change)
            .await?;
        let view = done.pop().ok_or(RepoError::NotFound)?;
        tx.commit().await?;
        Ok(view)
    }

    /// The limited activity a per-activity registration is for; the caller must hold a
    /// confirmed place on the visit.
    async fn activity_for(
        &self,
        tx: &DatabaseTransaction,
        visit: &group_visits::Model,
        item: Uuid,
        user: Uuid,
    ) -> RepoResult<agenda_items::Model> {
        let activity = agenda_items::Entity::find_by_id(item)
            .one(tx)
            .await?
            .filter(|i| i.visit_id == visit.id && !i.removed)
            .ok_or_else(|| {
                RepoError::invalid(
                    "item_id",
                    "unknown_item",
                    "no agenda item with this id on this visit",
                )
            })?;
        if activity.capacity.is_none() {
            return Err(RepoError::invalid(
                "item_id",
                "item_not_limited",
                "this activity is open to every confirmed participant; it needs no registration",
            ));
        }
        let holds_place = registrations::Entity::find()
            .filter(registrations::Column::VisitId.eq(visit.id))
            .filter(registrations::Column::ItemId.is_null())
            .filter(registrations::Column::UserId.eq(user))
            .filter(registrations::Column::Status.eq(RegistrationStatus::Confirmed))
            .one(tx)
            .await?
            .is_some();
        if !holds_place {
            return Err(RepoError::conflict(
                "visit_registration_required",
                "register for the visit (with a confirmed place) before registering for its activities",
            ));
        }
        Ok(activity)
    }
}
