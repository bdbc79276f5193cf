//! Changing and removing agenda items (see `agenda` for the rules).
use cxc_domain::agenda::diff;
use cxc_domain::visit::{RegistrationStatus, VisitStatus};
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::repositories::{
    Store,
    accounts::Caller,
    group_visits::agenda::{AgendaChange, ItemPatch, check, editable, resolve, text_or_none},
    group_visits::registrations::change::{By, Change},
    group_visits::{domain_item, live_items, visit_tz},
};
use crate::{
    RepoError, RepoResult,
    entities::{agenda_items, registrations},
};

impl Store {
    /// Changes an item; capacity changes promote waiting participants when places open.
    ///
    /// # Errors
    /// As [`Store::add_agenda_item`], plus `Conflict` when the capacity would drop
    /// below the places already confirmed.
    pub async fn patch_agenda_item(
        &self,
        visit_id: Uuid,
        item_id: Uuid,
        caller: &Caller,
        if_match: Option<i32>,
        p: ItemPatch,
    ) -> RepoResult<AgendaChange> {
        let tx = self.db.write().await?;
        let visit = editable(&tx.tx, visit_id, caller, if_match).await?;
        let before = live_items(&tx.tx, visit_id).await?;
        let old = before
            .iter()
            .find(|i| i.id == item_id)
            .cloned()
            .ok_or(RepoError::NotFound)?;
        let mut new = old.clone();
        if let Some(Some(cap)) = p.capacity
            && cap < old.confirmed_count
        {
            return Err(RepoError::conflict(
                "capacity_below_confirmed",
                format!(
                    "{} places are already confirmed for this activity",
                    old.confirmed_count
                ),
            ));
        }
        if p.capacity == Some(None)
            && old.capacity.is_some()
            && self.has_item_registrations(&tx.tx, item_id).await?
        {
            return Err(RepoError::conflict(
                "item_has_registrations",
                "participants are registered for this activity; its capacity cannot be removed",
            ));
        }
        if p.starts_local.is_some() || p.ends_local.is_some() {
            let current = domain_item(&old);
            let starts = p.starts_local.unwrap_or(current.starts_local);
            let ends = p.ends_local.unwrap_or(current.ends_local);
            let (s, e) = resolve(visit_tz(&visit), starts, ends)?;
            new.starts_local = cxc_domain::agenda::format_local(starts);
            new.ends_local = cxc_domain::agenda::format_local(ends);
            new.starts_at = s;
            new.ends_at = e;
        }
        if let Some(k) = p.kind {
            new.kind = k;
        }
        new.title = p.title.unwrap_or(new.title);
        new.venue = p.venue.unwrap_or(new.venue);
        if let Some(f) = p.facility {
            new.facility = text_or_none(f);
        }
        if let Some(d) = p.description {
            new.description = text_or_none(d);
        }
        if let Some(c) = p.capacity {
            new.capacity = c;
        }
        check(&visit, &domain_item(&new), &before)?;
        let effective = !diff(&[domain_item(&old)], &[domain_item(&new)]).is_empty();
        if effective && visit.status == VisitStatus::Published {
            new.sequence += 1;
        }
        new.updated_at = self.now();
        let item = agenda_items::ActiveModel::from(new)
            .reset_all()
            .update(&tx.tx)
            .await?;
        let mut change = self
            .after_agenda_change(&tx.tx, visit, &before, item, caller.id())
            .await?;
        let grew = matches!((old.capacity, change.item.capacity), (Some(a), Some(b)) if b > a);
        if grew && change.visit.status == VisitStatus::Published {
            self.change_registrations(
                &tx.tx,
                &change.visit,
                By::System,
                Change::Promote(Some(item_id)),
            )
            .await?;
            // Report the places the promotions just took.
            if let Some(fresh) = agenda_items::Entity::find_by_id(item_id)
                .one(&tx.tx)
                .await?
            {
                for i in change.items.iter_mut().filter(|i| i.id == item_id) {
                    *i = fresh.clone();
                }
                change.item = fresh;
            }
        }
        tx.commit().await?;
        Ok(change)
    }

    /// Removes an item: deleted outright from a draft, kept as removed (and its
    /// registrations cancelled) once published.
    ///
    /// # Errors
    /// `NotFound`, `Forbidden`, `Stale`, `Conflict` for a cancelled visit.
    pub async fn delete_agenda_item(
        &self,
        visit_id: Uuid,
        item_id: Uuid,
        caller: &Caller,
        if_match: Option<i32>,
    ) -> RepoResult<AgendaChange> {
        let tx = self.db.write().await?;
        let visit = editable(&tx.tx, visit_id, caller, if_match).await?;
        let before = live_items(&tx.tx, visit_id).await?;
        let old = before
            .iter()
            .find(|i| i.id == item_id)
            .cloned()
            .ok_or(RepoError::NotFound)?;
        let item = if visit.status == VisitStatus::Draft {
            agenda_items::Entity::delete_by_id(item_id)
                .exec(&tx.tx)
                .await?;
            old
        } else {
            let mut am: agenda_items::ActiveModel = old.clone().into();
            am.removed = Set(true);
            am.sequence = Set(old.sequence + 1);
            am.updated_at = Set(self.now());
            am.update(&tx.tx).await?
        };
        // Participants are told first, while their places on the item still count.
        let change = self
            .after_agenda_change(&tx.tx, visit, &before, item, caller.id())
            .await?;
        self.change_registrations(
            &tx.tx,
            &change.visit,
            By::Person(&caller.actor),
            Change::ItemRemoved(item_id),
        )
        .await?;
        tx.commit().await?;
        Ok(change)
    }

    async fn has_item_registrations(
        &self,
        tx: &DatabaseTransaction,
        item: Uuid,
    ) -> RepoResult<bool> {
        Ok(registrations::Entity::find()
            .filter(registrations::Column::ItemId.eq(item))
            .filter(registrations::Column::Status.ne(RegistrationStatus::Cancelled))
            .one(tx)
            .await?
            .is_some())
    }
}
