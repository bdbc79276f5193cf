//! Publishing and cancelling a group visit.
use std::collections::HashSet;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set,
    prelude::Expr, sea_query::ExprTrait,
};
use uuid::Uuid;

use super::{
    Store,
    accounts::Caller,
    group_visits::{
        CANCELLED, CONFIRMED, DRAFT, REG_CANCELLED, WAITLISTED, all_items, ensure_manager,
        live_items, lock_visit,
    },
    group_visits_calendar::{audience, personal_calendar},
    group_visits_versions::ChangelogDoc,
    outbox::Envelope,
};
use crate::{
    RepoError, RepoResult,
    entities::{agenda_items, group_visits, registrations, users},
};

/// The reminder scheduled for each confirmed whole-visit registration.
pub const VISIT_REMINDER: &str = "reminder_visit_start";

async fn locked_for_change(
    tx: &DatabaseTransaction,
    id: Uuid,
    caller: &Caller,
    if_match: Option<i32>,
) -> RepoResult<group_visits::Model> {
    let visit = lock_visit(tx, id).await?;
    ensure_manager(caller, &visit)?;
    if if_match.is_some_and(|v| v != visit.version) {
        return Err(RepoError::Stale {
            current: visit.version,
        });
    }
    Ok(visit)
}

impl Store {
    /// `draft` → `published`: freezes agenda version 1 and opens registration.
    ///
    /// # Errors
    /// `Conflict` unless the visit is a draft; `Stale`, `Forbidden`, `NotFound`.
    pub async fn publish_visit(
        &self,
        id: Uuid,
        caller: &Caller,
        if_match: Option<i32>,
    ) -> RepoResult<group_visits::Model> {
        let tx = self.db.write().await?;
        let visit = locked_for_change(&tx.tx, id, caller, if_match).await?;
        if visit.status != DRAFT {
            return Err(RepoError::conflict(
                "not_draft",
                format!(
                    "the visit is {}; only a draft can be published",
                    visit.status
                ),
            ));
        }
        let items = live_items(&tx.tx, id).await?;
        self.freeze_agenda(&tx.tx, id, 1, &items, &ChangelogDoc::default(), caller.id())
            .await?;
        let mut am: group_visits::ActiveModel = visit.clone().into();
        am.status = Set(super::group_visits::PUBLISHED.into());
        am.agenda_version = Set(1);
        am.version = Set(visit.version + 1);
        am.updated_at = Set(Utc::now());
        let visit = am.update(&tx.tx).await?;
        tx.commit().await?;
        Ok(visit)
    }

    /// Cancels the visit and every registration, telling everyone registered
    /// (confirmed participants get their calendar with the events cancelled).
    ///
    /// # Errors
    /// `Conflict` when already cancelled; `Stale`, `Forbidden`, `NotFound`.
    pub async fn cancel_visit(
        &self,
        id: Uuid,
        caller: &Caller,
        if_match: Option<i32>,
        comment: Option<&str>,
    ) -> RepoResult<group_visits::Model> {
        let tx = self.db.write().await?;
        let visit = locked_for_change(&tx.tx, id, caller, if_match).await?;
        if visit.status == CANCELLED {
            return Err(RepoError::conflict(
                "already_cancelled",
                "the visit is already cancelled",
            ));
        }
        let was_published = visit.agenda_version > 0;
        let places = audience(&tx.tx, id).await?;
        let regs = registrations::Entity::find()
            .filter(registrations::Column::VisitId.eq(id))
            .filter(registrations::Column::Status.is_in([CONFIRMED, WAITLISTED]))
            .all(&tx.tx)
            .await?;
        let now = Utc::now();
        registrations::Entity::update_many()
            .col_expr(registrations::Column::Status, Expr::value(REG_CANCELLED))
            .col_expr(
                registrations::Column::ActiveKey,
                Expr::value(Option::<String>::None),
            )
            .col_expr(registrations::Column::CancelledAt, Expr::value(now))
            .filter(registrations::Column::VisitId.eq(id))
            .filter(registrations::Column::Status.is_in([CONFIRMED, WAITLISTED]))
            .exec(&tx.tx)
            .await?;
        let mut items = agenda_items::Entity::update_many()
            .col_expr(agenda_items::Column::ConfirmedCount, Expr::value(0))
            .filter(agenda_items::Column::VisitId.eq(id));
        if was_published {
            // Calendars that already hold the events must replace them.
            items = items
                .col_expr(
                    agenda_items::Column::Sequence,
                    Expr::col(agenda_items::Column::Sequence).add(1),
                )
                .col_expr(agenda_items::Column::UpdatedAt, Expr::value(now))
                .filter(agenda_items::Column::Removed.eq(false));
        }
        items.exec(&tx.tx).await?;
        let mut am: group_visits::ActiveModel = visit.clone().into();
        am.status = Set(CANCELLED.into());
        am.confirmed_count = Set(0);
        am.version = Set(visit.version + 1);
        am.updated_at = Set(now);
        let visit = am.update(&tx.tx).await?;

        for r in &regs {
            self.unschedule(&tx.tx, r.id, &[VISIT_REMINDER]).await?;
        }
        let everyone: HashSet<Uuid> = regs.iter().map(|r| r.user_id).collect();
        let recipients = users::Entity::find()
            .filter(users::Column::Id.is_in(everyone))
            .filter(users::Column::ErasedAt.is_null())
            .all(&tx.tx)
            .await?;
        let all = all_items(&tx.tx, id).await?;
        for user in recipients {
            let mut ctx = self.visit_ctx(&visit, &user);
            if let (Some(obj), Some(c)) = (ctx.as_object_mut(), comment) {
                obj.insert("comment".into(), c.into());
            }
            let mut env = Envelope::to_user(&user, "visit_cancelled", ctx).about(id);
            if was_published && places.places.contains_key(&user.id) {
                let ics = personal_calendar(&visit, &all, |i| places.attends(user.id, i));
                env = env.attach("agenda.ics", "text/calendar", ics);
            }
            self.enqueue(&tx.tx, env).await?;
        }
        tx.commit().await?;
        Ok(visit)
    }
}
