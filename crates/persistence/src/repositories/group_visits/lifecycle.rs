//! Changing, publishing and cancelling a group visit.
use cxc_domain::visit::VisitStatus;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set,
    prelude::Expr, sea_query::ExprTrait,
};
use uuid::Uuid;

use crate::repositories::{
    Store,
    accounts::Caller,
    group_visits::calendar::audience,
    group_visits::registrations::change::{By, Change},
    group_visits::versions::ChangelogDoc,
    group_visits::{ensure_manager, live_items, lock_visit},
};
use crate::{
    RepoError, RepoResult,
    entities::{agenda_items, group_visits},
};

/// Fields of a visit that may change after creation. Dates and time zone stay fixed:
/// every agenda time was resolved in them.
#[derive(Debug, Clone, Default)]
pub struct VisitPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub city: Option<String>,
    pub capacity: Option<i32>,
    pub registration_closes_at: Option<DateTime<Utc>>,
}

/// The reminder scheduled for each confirmed whole-visit registration.
pub const VISIT_REMINDER: cxc_domain::notify::EmailKind =
    cxc_domain::notify::EmailKind::ReminderVisitStart;

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
    /// Changes the visit's description, capacity or deadline; more places go to the
    /// waiting list at once.
    ///
    /// # Errors
    /// `Conflict` for a cancelled visit or a capacity below the confirmed places;
    /// `Invalid` for a deadline after the visit; `Stale`, `Forbidden`, `NotFound`.
    pub async fn update_visit(
        &self,
        id: Uuid,
        caller: &Caller,
        if_match: i32,
        p: VisitPatch,
    ) -> RepoResult<group_visits::Model> {
        let tx = self.db.write().await?;
        let visit = locked_for_change(&tx.tx, id, caller, Some(if_match)).await?;
        if visit.status == VisitStatus::Cancelled {
            return Err(RepoError::conflict(
                "visit_cancelled",
                "the visit is cancelled",
            ));
        }
        if let Some(c) = p.capacity
            && c < visit.confirmed_count
        {
            return Err(RepoError::conflict(
                "capacity_below_confirmed",
                format!("{} places are already confirmed", visit.confirmed_count),
            ));
        }
        if p.registration_closes_at
            .is_some_and(|t| t.date_naive() > visit.ends_on)
        {
            return Err(RepoError::invalid(
                "registration_closes_at",
                "closes_after_visit",
                "registration must close before the visit ends",
            ));
        }
        let grew = p.capacity.is_some_and(|c| c > visit.capacity);
        let mut am: group_visits::ActiveModel = visit.clone().into();
        if let Some(t) = p.title {
            am.title = Set(t);
        }
        if let Some(d) = p.description {
            am.description = Set(d);
        }
        if let Some(c) = p.city {
            am.city = Set(c);
        }
        if let Some(c) = p.capacity {
            am.capacity = Set(c);
        }
        if let Some(t) = p.registration_closes_at {
            am.registration_closes_at = Set(t);
        }
        am.version = Set(visit.version + 1);
        am.updated_at = Set(self.now());
        let updated = am.update(&tx.tx).await?;
        if grew && updated.status == VisitStatus::Published {
            self.change_registrations(&tx.tx, &updated, By::System, Change::Promote(None))
                .await?;
        }
        tx.commit().await?;
        Ok(updated)
    }

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
        if visit.status != VisitStatus::Draft {
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
        am.status = Set(VisitStatus::Published);
        am.agenda_version = Set(1);
        am.version = Set(visit.version + 1);
        am.updated_at = Set(self.now());
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
        if visit.status == VisitStatus::Cancelled {
            return Err(RepoError::conflict(
                "already_cancelled",
                "the visit is already cancelled",
            ));
        }
        let was_published = visit.agenda_version > 0;
        let places = audience(&tx.tx, id).await?;
        let now = self.now();
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
        am.status = Set(VisitStatus::Cancelled);
        am.confirmed_count = Set(0);
        am.version = Set(visit.version + 1);
        am.updated_at = Set(now);
        let visit = am.update(&tx.tx).await?;

        // Every registration ends with the visit; everyone registered is told once.
        let change = Change::VisitCancelled {
            comment,
            audience: &places,
            was_published,
        };
        self.change_registrations(&tx.tx, &visit, By::Person(&caller.actor), change)
            .await?;
        tx.commit().await?;
        Ok(visit)
    }
}
