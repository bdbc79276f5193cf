//! One path for every state change of a registration, as [`Store::act`] is for an
//! application. [`Store::change_registrations`] runs inside the transaction that locked
//! the visit row ([`lock_visit`](crate::repositories::group_visits::lock_visit)), so
//! the registrations of one visit change one request at a time, and for each
//! registration it changes:
//!
//! 1. reads it under that lock and asks the access policy (a person's change; the
//!    system's promotions need none) and the state machine
//!    ([`cxc_domain::visit::registration::next`]);
//! 2. makes the conditional update pinned to the state it read
//!    (`WHERE id = ? AND status = ?`: registrations carry no version column; the state
//!    is what a concurrent change would have moved);
//! 3. keeps the places: a registration becomes confirmed only after the conditional
//!    increment `confirmed_count < capacity` took a place, a cancelled confirmed
//!    registration gives its place back and the waiting list refills it in queue order;
//! 4. drops the start reminder of a cancelled whole-visit registration and queues the
//!    emails (transactional outbox).
//!
//! The caller commits. What differs between the changes (which registrations, who acts,
//! whether freed places are refilled, who is told) is named by [`Change`].
use chrono::{DateTime, Utc};
use cxc_domain::notify::Email;
use cxc_domain::policy::{self, Actor};
use cxc_domain::visit::registration::{RegistrationAction, RegistrationTransitionError, next};
use cxc_domain::visit::{RegistrationStatus, VisitStatus};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, prelude::Expr,
};
use uuid::Uuid;

use crate::repositories::{
    Store,
    group_visits::calendar::Audience,
    group_visits::lifecycle::VISIT_REMINDER,
    group_visits::registrations::RegistrationView,
    group_visits::registrations::places::{free_place, position, scope, take_place},
    new_id,
};
use crate::{
    RepoError, RepoResult,
    entities::{agenda_items, group_visits, registrations, users},
};

/// What happens to which registrations of the locked visit.
pub(crate) enum Change<'a> {
    /// A new registration of `user` for the visit or one limited `activity`: a place if
    /// one is left, else the end of the waiting list.
    Register {
        user: &'a users::Model,
        organisation: Uuid,
        activity: Option<&'a agenda_items::Model>,
    },
    /// The registrant or a manager cancels one registration. A whole-visit one takes the
    /// person's activity registrations with it; freed places are refilled.
    Cancel(Uuid),
    /// Places came free on the visit (`None`) or an activity (a cancellation, a larger
    /// capacity): the waiting list fills them in queue order.
    Promote(Option<Uuid>),
    /// The activity left the agenda: its registrations end and its places with them (the
    /// agenda-change email has told its participants).
    ItemRemoved(Uuid),
    /// The visit was cancelled (the visit row already says so and its counts are zero):
    /// every registration ends and each person registered gets one notice, confirmed
    /// participants with their calendar (`audience`, read before the change).
    VisitCancelled {
        comment: Option<&'a str>,
        audience: &'a Audience,
        was_published: bool,
    },
}

/// Who makes the change: a person, whom the policy is asked about, or the system
/// (promotions follow from a change the policy already allowed).
#[derive(Clone, Copy)]
pub(crate) enum By<'a> {
    Person(&'a Actor),
    System,
}

/// What becomes of a place a cancelled registration held.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Freed {
    /// Given back and offered to the waiting list.
    Refill,
    /// The whole scope ends with the change; its count is zeroed once.
    Closed,
}

impl Store {
    /// The one path of a registration's state change (see the module documentation).
    /// Returns the registrations as changed, each with its waiting-list position.
    ///
    /// # Errors
    /// The policy's denial (`NotFound` for a registration the caller may not see), a
    /// `Conflict` the state machine names (`already_registered`,
    /// `registration_cancelled`) or that the pinned update found.
    pub(crate) async fn change_registrations(
        &self,
        tx: &DatabaseTransaction,
        visit: &group_visits::Model,
        by: By<'_>,
        change: Change<'_>,
    ) -> RepoResult<Vec<RegistrationView>> {
        // One instant for every registration the change cancels.
        let now = self.now();
        match change {
            Change::Register {
                user,
                organisation,
                activity,
            } => {
                let view = self
                    .register(tx, visit, user, organisation, activity)
                    .await?;
                Ok(vec![view])
            }
            Change::Cancel(id) => {
                let reg = registrations::Entity::find_by_id(id)
                    .one(tx)
                    .await?
                    .filter(|r| r.visit_id == visit.id)
                    .ok_or(RepoError::NotFound)?;
                let mut done = vec![self.cancel(tx, visit, by, &reg, Freed::Refill, now).await?];
                if reg.item_id.is_none() {
                    let activities = active(visit.id)
                        .filter(registrations::Column::ItemId.is_not_null())
                        .filter(registrations::Column::UserId.eq(reg.user_id))
                        .all(tx)
                        .await?;
                    for a in &activities {
                        done.push(self.cancel(tx, visit, by, a, Freed::Refill, now).await?);
                    }
                }
                // Only the person who lost a place is told; the activities went with it.
                if reg.status.holds_place() && visit.status == VisitStatus::Published {
                    self.tell_registration_cancelled(tx, visit, &reg).await?;
                }
                Ok(done.into_iter().map(RegistrationView::settled).collect())
            }
            Change::Promote(item) => self.promote(tx, visit, item).await,
            Change::ItemRemoved(item) => {
                let regs = active(visit.id)
                    .filter(registrations::Column::ItemId.eq(item))
                    .all(tx)
                    .await?;
                let mut done = Vec::with_capacity(regs.len());
                for r in &regs {
                    done.push(self.cancel(tx, visit, by, r, Freed::Closed, now).await?);
                }
                agenda_items::Entity::update_many()
                    .col_expr(agenda_items::Column::ConfirmedCount, Expr::value(0))
                    .filter(agenda_items::Column::Id.eq(item))
                    .exec(tx)
                    .await?;
                Ok(done.into_iter().map(RegistrationView::settled).collect())
            }
            Change::VisitCancelled {
                comment,
                audience,
                was_published,
            } => {
                let regs = active(visit.id).all(tx).await?;
                let mut done = Vec::with_capacity(regs.len());
                for r in &regs {
                    done.push(self.cancel(tx, visit, by, r, Freed::Closed, now).await?);
                }
                self.tell_visit_cancelled(tx, visit, &regs, comment, audience, was_published)
                    .await?;
                Ok(done.into_iter().map(RegistrationView::settled).collect())
            }
        }
    }

    /// `(none) → confirmed | waitlisted`, after the visit-level checks of
    /// [`Store::register_for_visit`].
    async fn register(
        &self,
        tx: &DatabaseTransaction,
        visit: &group_visits::Model,
        user: &users::Model,
        organisation: Uuid,
        activity: Option<&agenda_items::Model>,
    ) -> RepoResult<RegistrationView> {
        let item = activity.map(|a| a.id);
        let existing = active(visit.id)
            .filter(scope(item))
            .filter(registrations::Column::UserId.eq(user.id))
            .one(tx)
            .await?;
        // Asked before a place is taken (a write): an active registration refuses any
        // second one whatever the places.
        let ask = |place| {
            next(
                existing.as_ref().map(|r| r.status),
                RegistrationAction::Register { place },
            )
            .map_err(conflict)
        };
        ask(false)?;
        let last: Option<Option<i64>> = registrations::Entity::find()
            .select_only()
            .column_as(registrations::Column::QueueSeq.max(), "m")
            .filter(registrations::Column::VisitId.eq(visit.id))
            .into_tuple()
            .one(tx)
            .await?;
        let status = ask(take_place(tx, visit.id, item).await?)?;
        let key = format!(
            "{}/{}/{}",
            visit.id,
            item.map_or("-".into(), |i| i.to_string()),
            user.id
        );
        let reg = registrations::ActiveModel {
            id: Set(new_id()),
            visit_id: Set(visit.id),
            item_id: Set(item),
            user_id: Set(user.id),
            organisation_id: Set(organisation),
            status: Set(status),
            queue_seq: Set(last.flatten().unwrap_or(0) + 1),
            created_at: Set(self.now()),
            cancelled_at: Set(None),
            active_key: Set(Some(key)),
        }
        .insert(tx)
        .await?; // a second active registration is `already_registered` (`constraints::UNIQUE`)
        if status.holds_place() {
            self.tell_confirmed(
                tx,
                visit,
                activity,
                &reg,
                user,
                Email::VisitRegistrationConfirmed,
            )
            .await?;
            return Ok(RegistrationView::settled(reg));
        }
        let pos = position(tx, &reg).await?;
        self.tell_waitlisted(tx, visit, activity, &reg, user, pos)
            .await?;
        Ok(RegistrationView {
            reg,
            position: Some(pos),
        })
    }

    /// `waitlisted → confirmed` while places are left, first come first served, telling
    /// each promoted person.
    async fn promote(
        &self,
        tx: &DatabaseTransaction,
        visit: &group_visits::Model,
        item: Option<Uuid>,
    ) -> RepoResult<Vec<RegistrationView>> {
        let activity = match item {
            Some(i) => agenda_items::Entity::find_by_id(i).one(tx).await?,
            None => None,
        };
        let mut done = Vec::new();
        loop {
            let Some(first) = registrations::Entity::find()
                .filter(registrations::Column::VisitId.eq(visit.id))
                .filter(scope(item))
                .filter(registrations::Column::Status.eq(RegistrationStatus::Waitlisted))
                .order_by_asc(registrations::Column::QueueSeq)
                .order_by_asc(registrations::Column::Id)
                .one(tx)
                .await?
            else {
                return Ok(done);
            };
            let to = next(Some(first.status), RegistrationAction::Promote).map_err(conflict)?;
            if !take_place(tx, visit.id, item).await? {
                return Ok(done);
            }
            let reg = pinned_update(tx, &first, to, self.now()).await?;
            if let Some(user) = users::Entity::find_by_id(reg.user_id).one(tx).await? {
                self.tell_confirmed(
                    tx,
                    visit,
                    activity.as_ref(),
                    &reg,
                    &user,
                    Email::VisitRegistrationPromoted,
                )
                .await?;
            }
            done.push(RegistrationView::settled(reg));
        }
    }

    /// `confirmed | waitlisted → cancelled` for one registration read under the lock.
    async fn cancel(
        &self,
        tx: &DatabaseTransaction,
        visit: &group_visits::Model,
        by: By<'_>,
        reg: &registrations::Model,
        freed: Freed,
        at: DateTime<Utc>,
    ) -> RepoResult<registrations::Model> {
        if let By::Person(actor) = by {
            policy::cancel_registration(actor, reg.user_id, visit.partnership_id)?;
        }
        let to = next(Some(reg.status), RegistrationAction::Cancel).map_err(conflict)?;
        let done = pinned_update(tx, reg, to, at).await?;
        if reg.item_id.is_none() {
            // Only whole-visit places have a start reminder (`tell_confirmed`).
            self.unschedule(tx, reg.id, &[VISIT_REMINDER]).await?;
        }
        if reg.status.holds_place() && freed == Freed::Refill {
            free_place(tx, visit.id, reg.item_id).await?;
            if visit.status == VisitStatus::Published {
                self.promote(tx, visit, reg.item_id).await?;
            }
        }
        Ok(done)
    }
}

impl RegistrationView {
    /// A registration that is not waiting has no position.
    fn settled(reg: registrations::Model) -> Self {
        Self {
            reg,
            position: None,
        }
    }
}

/// The visit's registrations that still count (confirmed or waiting).
fn active(visit: Uuid) -> sea_orm::Select<registrations::Entity> {
    registrations::Entity::find()
        .filter(registrations::Column::VisitId.eq(visit))
        .filter(registrations::Column::Status.ne(RegistrationStatus::Cancelled))
}

/// The state machine's refusal as the conflict it names.
fn conflict(e: RegistrationTransitionError) -> RepoError {
    RepoError::conflict(e.code(), e.to_string())
}

/// Moves the registration to `to` if it is still in the state it was read in; a
/// cancelled one leaves the active-key index so the person may register again.
async fn pinned_update(
    tx: &DatabaseTransaction,
    reg: &registrations::Model,
    to: RegistrationStatus,
    now: DateTime<Utc>,
) -> RepoResult<registrations::Model> {
    let mut update = registrations::Entity::update_many()
        .col_expr(registrations::Column::Status, Expr::value(to))
        .filter(registrations::Column::Id.eq(reg.id))
        .filter(registrations::Column::Status.eq(reg.status));
    if !to.is_active() {
        update = update
            .col_expr(
                registrations::Column::ActiveKey,
                Expr::value(Option::<String>::None),
            )
            .col_expr(registrations::Column::CancelledAt, Expr::value(now));
    }
    if update.exec(tx).await?.rows_affected == 0 {
        return Err(RepoError::conflict(
            "invalid_transition",
            format!("the registration is no longer {}", reg.status),
        ));
    }
    // The row is what was read plus what was just written; no second read.
    let mut done = reg.clone();
    done.status = to;
    if !to.is_active() {
        done.active_key = None;
        done.cancelled_at = Some(now);
    }
    Ok(done)
}
