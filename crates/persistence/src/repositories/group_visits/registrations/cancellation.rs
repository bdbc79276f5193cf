//! Cancelling registrations and refilling places from the waiting list.
use cxc_domain::notify::Email;
use cxc_domain::visit::{RegistrationStatus, VisitStatus};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
    prelude::Expr,
};
use uuid::Uuid;

use crate::repositories::{
    Store,
    accounts::Caller,
    group_visits::lifecycle::VISIT_REMINDER,
    group_visits::lock_visit,
    group_visits::registrations::activity_facts,
    group_visits::registrations::places::{free_place, scope, take_place},
    outbox::Envelope,
};
use crate::{
    RepoError, RepoResult,
    entities::{agenda_items, group_visits, registrations, users},
};

impl Store {
    /// Fills free places of the visit (or one activity) from its waiting list, first
    /// come first served, telling each promoted person.
    pub(crate) async fn promote_waiting(
        &self,
        tx: &DatabaseTransaction,
        visit: &group_visits::Model,
        item: Option<Uuid>,
    ) -> RepoResult<()> {
        let activity = match item {
            Some(i) => agenda_items::Entity::find_by_id(i).one(tx).await?,
            None => None,
        };
        loop {
            let Some(next) = registrations::Entity::find()
                .filter(registrations::Column::VisitId.eq(visit.id))
                .filter(scope(item))
                .filter(registrations::Column::Status.eq(RegistrationStatus::Waitlisted))
                .order_by_asc(registrations::Column::QueueSeq)
                .order_by_asc(registrations::Column::Id)
                .one(tx)
                .await?
            else {
                return Ok(());
            };
            if !take_place(tx, visit.id, item).await? {
                return Ok(());
            }
            let mut am: registrations::ActiveModel = next.clone().into();
            am.status = Set(RegistrationStatus::Confirmed);
            let reg = am.update(tx).await?;
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
        }
    }

    /// Cancels a registration (the registrant, or a manager of the visit). A freed place
    /// goes to the first waiting person; cancelling the whole-visit registration also
    /// cancels the person's activity registrations.
    ///
    /// # Errors
    /// `NotFound` for registrations the caller may not see; `Conflict` when already cancelled.
    pub async fn cancel_registration(
        &self,
        visit_id: Uuid,
        reg_id: Uuid,
        caller: &Caller,
    ) -> RepoResult<()> {
        let reg = registrations::Entity::find_by_id(reg_id)
            .one(&self.db.conn)
            .await?
            .filter(|r| r.visit_id == visit_id)
            .ok_or(RepoError::NotFound)?;
        let tx = self.db.write().await?;
        let visit = lock_visit(&tx.tx, visit_id).await?;
        cxc_domain::policy::cancel_registration(&caller.actor, reg.user_id, visit.partnership_id)?;
        let was_confirmed = reg.status == RegistrationStatus::Confirmed;
        if !self.cancel_one(&tx.tx, &visit, reg_id).await? {
            return Err(RepoError::conflict(
                "registration_cancelled",
                "this registration is already cancelled",
            ));
        }
        if reg.item_id.is_none() {
            let activities = registrations::Entity::find()
                .filter(registrations::Column::VisitId.eq(visit_id))
                .filter(registrations::Column::ItemId.is_not_null())
                .filter(registrations::Column::UserId.eq(reg.user_id))
                .filter(registrations::Column::Status.ne(RegistrationStatus::Cancelled))
                .all(&tx.tx)
                .await?;
            for a in activities {
                self.cancel_one(&tx.tx, &visit, a.id).await?;
            }
        }
        if was_confirmed && visit.status == VisitStatus::Published {
            self.tell_registration_cancelled(&tx.tx, &visit, &reg)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Tells the registrant their place is gone, with a `METHOD:CANCEL` calendar so the
    /// events imported from earlier attachments leave their calendar too.
    async fn tell_registration_cancelled(
        &self,
        tx: &DatabaseTransaction,
        visit: &group_visits::Model,
        reg: &registrations::Model,
    ) -> RepoResult<()> {
        let Some(user) = users::Entity::find_by_id(reg.user_id)
            .filter(users::Column::ErasedAt.is_null())
            .one(tx)
            .await?
        else {
            return Ok(());
        };
        let activity = match reg.item_id {
            Some(i) => agenda_items::Entity::find_by_id(i).one(tx).await?,
            None => None,
        };
        let email = Email::VisitRegistrationCancelled(activity_facts(visit, activity.as_ref()));
        let mut env = Envelope::to_user(&user, email).about(reg.id);
        if let Some(ics) = self
            .cancelled_registration_ics(tx, visit, reg, &user)
            .await?
        {
            env = env.attach("cancel.ics", "text/calendar; method=CANCEL", ics);
        }
        self.enqueue(tx, env).await
    }

    /// Cancels one active registration, freeing and refilling its place; false when it
    /// was not active.
    async fn cancel_one(
        &self,
        tx: &DatabaseTransaction,
        visit: &group_visits::Model,
        id: Uuid,
    ) -> RepoResult<bool> {
        let Some(reg) = registrations::Entity::find_by_id(id).one(tx).await? else {
            return Ok(false);
        };
        let res = registrations::Entity::update_many()
            .col_expr(
                registrations::Column::Status,
                Expr::value(RegistrationStatus::Cancelled),
            )
            .col_expr(
                registrations::Column::ActiveKey,
                Expr::value(Option::<String>::None),
            )
            .col_expr(registrations::Column::CancelledAt, Expr::value(self.now()))
            .filter(registrations::Column::Id.eq(id))
            .filter(registrations::Column::Status.is_in([
                RegistrationStatus::Confirmed,
                RegistrationStatus::Waitlisted,
            ]))
            .exec(tx)
            .await?;
        if res.rows_affected == 0 {
            return Ok(false);
        }
        self.unschedule(tx, id, &[VISIT_REMINDER]).await?;
        if reg.status == RegistrationStatus::Confirmed {
            free_place(tx, visit.id, reg.item_id).await?;
            if visit.status != VisitStatus::Cancelled {
                self.promote_waiting(tx, visit, reg.item_id).await?;
            }
        }
        Ok(true)
    }
}
