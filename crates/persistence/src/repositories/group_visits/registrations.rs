//! Registrations for a group visit (whole visit) or one of its limited activities.
//!
//! Places are taken with a conditional increment (`confirmed_count < capacity`) so the
//! database itself guarantees capacity; the visit row lock additionally serialises the
//! registrations of one visit, which makes waiting-list order and positions exact.
//! Cancelling frees the place and promotes the first waiting person in the same
//! transaction.

pub mod cancellation;
pub mod participants;
pub mod places;

use chrono::Duration;
use cxc_domain::eligibility::check_organisation;
use cxc_domain::notify::{Email, VisitFacts, Waitlisted};
use cxc_domain::organisation::Role;
use cxc_domain::visit::{RegistrationStatus, VisitStatus};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use crate::repositories::{
    Store,
    accounts::Caller,
    group_visits::calendar::visit_facts,
    group_visits::registrations::places::{position, scope, take_place},
    group_visits::{lock_visit, visit_start},
    new_id,
    outbox::Envelope,
};
use crate::{
    Problem, RepoError, RepoResult,
    entities::{agenda_items, group_visits, registrations, users},
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
        if !self.is_contact(organisation, caller.id()).await? {
            return Err(RepoError::Forbidden(
                "you are not a contact of this organisation".into(),
            ));
        }
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
        let taken = registrations::Entity::find()
            .filter(registrations::Column::VisitId.eq(visit_id))
            .filter(scope(item))
            .filter(registrations::Column::UserId.eq(caller.id()))
            .filter(registrations::Column::Status.ne(RegistrationStatus::Cancelled))
            .one(&tx.tx)
            .await?;
        if taken.is_some() {
            return Err(already_registered());
        }
        let last: Option<Option<i64>> = registrations::Entity::find()
            .select_only()
            .column_as(registrations::Column::QueueSeq.max(), "m")
            .filter(registrations::Column::VisitId.eq(visit_id))
            .into_tuple()
            .one(&tx.tx)
            .await?;
        let queue_seq = last.flatten().unwrap_or(0) + 1;
        let confirmed = take_place(&tx.tx, visit_id, item).await?;
        let key = format!(
            "{visit_id}/{}/{}",
            item.map_or("-".into(), |i| i.to_string()),
            caller.id()
        );
        let reg = registrations::ActiveModel {
            id: Set(new_id()),
            visit_id: Set(visit_id),
            item_id: Set(item),
            user_id: Set(caller.id()),
            organisation_id: Set(organisation),
            status: Set(if confirmed {
                RegistrationStatus::Confirmed
            } else {
                RegistrationStatus::Waitlisted
            }),
            queue_seq: Set(queue_seq),
            created_at: Set(self.now()),
            cancelled_at: Set(None),
            active_key: Set(Some(key)),
        }
        .insert(&tx.tx)
        .await?; // a second active registration is `already_registered` (`constraints::UNIQUE`)
        let view = if confirmed {
            self.tell_confirmed(
                &tx.tx,
                &visit,
                activity.as_ref(),
                &reg,
                &caller.user,
                Email::VisitRegistrationConfirmed,
            )
            .await?;
            RegistrationView {
                reg,
                position: None,
            }
        } else {
            let pos = position(&tx.tx, &reg).await?;
            let email = Email::VisitRegistrationWaitlisted(Waitlisted {
                visit: activity_facts(&visit, activity.as_ref()),
                position: u32::try_from(pos).unwrap_or(u32::MAX),
            });
            let env = Envelope::to_user(&caller.user, email).about(reg.id);
            self.enqueue(&tx.tx, env).await?;
            RegistrationView {
                reg,
                position: Some(pos),
            }
        };
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

    /// Confirmation or promotion email, plus the start reminder for a whole-visit place.
    pub(crate) async fn tell_confirmed(
        &self,
        tx: &DatabaseTransaction,
        visit: &group_visits::Model,
        activity: Option<&agenda_items::Model>,
        reg: &registrations::Model,
        user: &users::Model,
        kind: fn(VisitFacts) -> Email,
    ) -> RepoResult<()> {
        let email = kind(activity_facts(visit, activity));
        self.enqueue(tx, Envelope::to_user(user, email).about(reg.id))
            .await?;
        let remind_at = visit_start(visit) - Duration::days(3);
        if activity.is_none() && remind_at > self.now() {
            let email = Email::ReminderVisitStart(visit_facts(visit));
            let env = Envelope::to_user(user, email).about(reg.id).at(remind_at);
            self.enqueue(tx, env).await?;
        }
        Ok(())
    }
}

fn already_registered() -> RepoError {
    RepoError::conflict("already_registered", "you are already registered for this")
}

/// The visit's facts, naming the activity in the title of per-activity emails.
pub(crate) fn activity_facts(
    visit: &group_visits::Model,
    activity: Option<&agenda_items::Model>,
) -> VisitFacts {
    let mut facts = visit_facts(visit);
    if let Some(a) = activity {
        facts.visit_title = format!("{}: {}", facts.visit_title, a.title);
    }
    facts
}
