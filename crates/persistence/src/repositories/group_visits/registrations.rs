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

use chrono::{Duration, Utc};
use cxc_domain::eligibility::check_organisation;
use cxc_domain::organisation::Role;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Set,
};
use uuid::Uuid;

use crate::repositories::{
    Store,
    accounts::Caller,
    group_visits::lifecycle::VISIT_REMINDER,
    group_visits::registrations::places::{position, scope, take_place},
    group_visits::{
        CANCELLED, CONFIRMED, DRAFT, Idem, REG_CANCELLED, WAITLISTED, lock_visit, visit_start,
    },
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
        idem: Idem<'_, RegistrationView>,
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
        let report = check_organisation(
            &facts,
            Role::Visitor,
            visit.starts_on,
            crate::repositories::applications::base_rules(),
        );
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
        match visit.status.as_str() {
            DRAFT => {
                return Err(RepoError::conflict(
                    "not_published",
                    "the visit is not published yet",
                ));
            }
            CANCELLED => {
                return Err(RepoError::conflict(
                    "visit_cancelled",
                    "the visit is cancelled",
                ));
            }
            _ => {}
        }
        if Utc::now() >= visit.registration_closes_at {
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
            .filter(registrations::Column::Status.ne(REG_CANCELLED))
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
            status: Set(if confirmed { CONFIRMED } else { WAITLISTED }.into()),
            queue_seq: Set(queue_seq),
            created_at: Set(Utc::now()),
            cancelled_at: Set(None),
            active_key: Set(Some(key)),
        }
        .insert(&tx.tx)
        .await
        .map_err(|e| match RepoError::from(e) {
            RepoError::Conflict { .. } => already_registered(),
            other => other,
        })?;
        let view = if confirmed {
            self.tell_confirmed(
                &tx.tx,
                &visit,
                activity.as_ref(),
                &reg,
                &caller.user,
                "visit_registration_confirmed",
            )
            .await?;
            RegistrationView {
                reg,
                position: None,
            }
        } else {
            let pos = position(&tx.tx, &reg).await?;
            let mut ctx = self.visit_ctx(&visit, &caller.user);
            activity_title(&mut ctx, activity.as_ref());
            if let Some(o) = ctx.as_object_mut() {
                o.insert("position".into(), pos.into());
            }
            let env =
                Envelope::to_user(&caller.user, "visit_registration_waitlisted", ctx).about(reg.id);
            self.enqueue(&tx.tx, env).await?;
            RegistrationView {
                reg,
                position: Some(pos),
            }
        };
        if let Some((req, render)) = idem {
            self.idem_save(&tx, req, 201, &render(&view)).await?;
        }
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
            .filter(registrations::Column::Status.eq(CONFIRMED))
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
        kind: &'static str,
    ) -> RepoResult<()> {
        let mut ctx = self.visit_ctx(visit, user);
        activity_title(&mut ctx, activity);
        self.enqueue(tx, Envelope::to_user(user, kind, ctx).about(reg.id))
            .await?;
        let remind_at = visit_start(visit) - Duration::days(3);
        if activity.is_none() && remind_at > Utc::now() {
            let ctx = self.visit_ctx(visit, user);
            let env = Envelope::to_user(user, VISIT_REMINDER, ctx)
                .about(reg.id)
                .at(remind_at);
            self.enqueue(tx, env).await?;
        }
        Ok(())
    }
}

fn already_registered() -> RepoError {
    RepoError::conflict("already_registered", "you are already registered for this")
}

/// Names the activity in the visit title of per-activity emails.
fn activity_title(ctx: &mut serde_json::Value, activity: Option<&agenda_items::Model>) {
    if let (Some(obj), Some(a)) = (ctx.as_object_mut(), activity) {
        let visit = obj
            .get("visit_title")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        obj.insert("visit_title".into(), format!("{visit}: {}", a.title).into());
    }
}
