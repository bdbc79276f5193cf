//! 360ºXchange group visits: creation, visibility, listing and the helpers the agenda,
//! registration and calendar use cases share.
//!
//! Every write that depends on the visit's state starts by locking the visit row
//! ([`lock_visit`]): on PostgreSQL `SELECT ... FOR UPDATE` serialises agenda edits and
//! registrations of one visit, on SQLite the process-wide writer lock already does. The
//! lock is always taken first, so concurrent use cases cannot deadlock on each other.

pub mod agenda;
pub mod agenda_edit;
pub mod audience;
pub mod calendar;
pub mod lifecycle;
pub mod list;
pub mod registrations;
pub mod versions;

use cxc_domain::visit::{RegistrationStatus, VisitStatus};
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use cxc_domain::agenda::{AgendaItem, parse_local, parse_tz};
use cxc_domain::policy::{self, PartnershipAction};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::{Store, accounts::Caller, new_id};
use crate::{
    RepoError, RepoResult,
    entities::{agenda_items, group_visits, registrations as registration_rows},
};

/// A new visit, already shape-checked by the caller.
#[derive(Debug, Clone)]
pub struct VisitInput {
    pub partnership_id: Uuid,
    pub title: String,
    pub description: String,
    pub host_country: String,
    pub city: String,
    pub timezone: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    pub registration_closes_at: DateTime<Utc>,
}

/// A visit with its live agenda and waiting-list sizes.
#[derive(Debug, Clone)]
pub struct VisitView {
    pub visit: group_visits::Model,
    /// Items not removed, in time order.
    pub items: Vec<agenda_items::Model>,
    /// Waitlisted registrations per scope: `None` = the whole visit, else per item.
    pub waitlisted: HashMap<Option<Uuid>, i64>,
}

/// Partners and coordinators of the visit's partnership (and admins) manage it.
#[must_use]
pub fn manages(caller: Option<&Caller>, v: &group_visits::Model) -> bool {
    caller.is_some_and(|c| {
        policy::partnership_action(&c.actor, v.partnership_id, PartnershipAction::ManageVisits)
            .is_ok()
    })
}

/// Published visits, and cancelled ones that had been published, are public.
#[must_use]
pub fn is_public(v: &group_visits::Model) -> bool {
    v.status == VisitStatus::Published
        || (v.status == VisitStatus::Cancelled && v.agenda_version > 0)
}

/// Fails with `NotFound` unless the caller may see the visit.
pub(crate) fn ensure_visible(caller: Option<&Caller>, v: &group_visits::Model) -> RepoResult<()> {
    if is_public(v) || manages(caller, v) {
        Ok(())
    } else {
        Err(RepoError::NotFound)
    }
}

/// Fails unless the caller manages the visit (`policy::manage_visit`): `NotFound` when
/// they may not even see it.
pub(crate) fn ensure_manager(caller: &Caller, v: &group_visits::Model) -> RepoResult<()> {
    Ok(policy::manage_visit(
        &caller.actor,
        v.partnership_id,
        is_public(v),
    )?)
}

/// Reads and locks the visit row for the rest of the transaction.
pub(crate) async fn lock_visit(
    tx: &DatabaseTransaction,
    id: Uuid,
) -> RepoResult<group_visits::Model> {
    group_visits::Entity::find_by_id(id)
        .lock_exclusive()
        .one(tx)
        .await?
        .ok_or(RepoError::NotFound)
}

/// Every item of a visit, removed ones included, in time order.
pub(crate) async fn all_items<C: ConnectionTrait>(
    conn: &C,
    visit: Uuid,
) -> RepoResult<Vec<agenda_items::Model>> {
    Ok(agenda_items::Entity::find()
        .filter(agenda_items::Column::VisitId.eq(visit))
        .order_by_asc(agenda_items::Column::StartsAt)
        .order_by_asc(agenda_items::Column::Id)
        .all(conn)
        .await?)
}

/// Items still on the agenda.
pub(crate) async fn live_items<C: ConnectionTrait>(
    conn: &C,
    visit: Uuid,
) -> RepoResult<Vec<agenda_items::Model>> {
    Ok(all_items(conn, visit)
        .await?
        .into_iter()
        .filter(|i| !i.removed)
        .collect())
}

/// The domain view of a stored item. Stored local times were written by
/// `format_local`, so parsing cannot fail; the UTC instant is the fallback anyway.
#[must_use]
pub fn domain_item(m: &agenda_items::Model) -> AgendaItem {
    let local = |s: &str, fallback: DateTime<Utc>| -> NaiveDateTime {
        parse_local(s).unwrap_or_else(|_| fallback.naive_utc())
    };
    AgendaItem {
        id: m.id,
        kind: m.kind,
        title: m.title.clone(),
        starts_local: local(&m.starts_local, m.starts_at),
        ends_local: local(&m.ends_local, m.ends_at),
        starts_utc: m.starts_at,
        ends_utc: m.ends_at,
        venue: m.venue.clone(),
        facility: m.facility.clone(),
        description: m.description.clone(),
    }
}

/// The visit's time zone; it was validated on creation.
#[must_use]
pub fn visit_tz(v: &group_visits::Model) -> chrono_tz::Tz {
    parse_tz(&v.timezone).unwrap_or(chrono_tz::UTC)
}

/// Midnight at the start of the visit, in its time zone.
#[must_use]
pub fn visit_start(v: &group_visits::Model) -> DateTime<Utc> {
    let midnight = v.starts_on.and_time(chrono::NaiveTime::MIN);
    visit_tz(v)
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

impl Store {
    /// Creates a draft visit for a partnership the caller works for.
    ///
    /// # Errors
    /// `Invalid` for an unknown partnership, `Forbidden` for outsiders.
    pub async fn create_visit(
        &self,
        input: &VisitInput,
        caller: &Caller,
    ) -> RepoResult<group_visits::Model> {
        if self.partnership(input.partnership_id).await.is_err() {
            return Err(RepoError::invalid(
                "partnership_id",
                "unknown_partnership",
                "no partnership with this id",
            ));
        }
        policy::partnership_action(
            &caller.actor,
            input.partnership_id,
            PartnershipAction::ManageVisits,
        )?;
        let tx = self.db.write().await?;
        let now = self.now();
        let model = group_visits::ActiveModel {
            id: Set(new_id()),
            partnership_id: Set(input.partnership_id),
            title: Set(input.title.clone()),
            description: Set(input.description.clone()),
            host_country: Set(input.host_country.clone()),
            city: Set(input.city.clone()),
            timezone: Set(input.timezone.clone()),
            starts_on: Set(input.starts_on),
            ends_on: Set(input.ends_on),
            capacity: Set(input.capacity),
            confirmed_count: Set(0),
            registration_closes_at: Set(input.registration_closes_at),
            status: Set(VisitStatus::Draft),
            agenda_version: Set(0),
            created_by: Set(caller.id()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        }
        .insert(&tx.tx)
        .await?;
        tx.commit().await?;
        Ok(model)
    }

    /// The visit as the caller may see it.
    ///
    /// # Errors
    /// `NotFound` for unknown ids and drafts of other partnerships.
    pub async fn visit_for(
        &self,
        id: Uuid,
        caller: Option<&Caller>,
    ) -> RepoResult<group_visits::Model> {
        let v = group_visits::Entity::find_by_id(id)
            .one(&self.db.conn)
            .await?
            .ok_or(RepoError::NotFound)?;
        ensure_visible(caller, &v)?;
        Ok(v)
    }

    /// The visit with its live agenda and waiting lists.
    ///
    /// # Errors
    /// As [`Store::visit_for`].
    pub async fn visit_view(&self, id: Uuid, caller: Option<&Caller>) -> RepoResult<VisitView> {
        let visit = self.visit_for(id, caller).await?;
        let items = live_items(&self.db.conn, id).await?;
        let rows: Vec<(Option<Uuid>, i64)> = registration_rows::Entity::find()
            .select_only()
            .column(registration_rows::Column::ItemId)
            .column_as(registration_rows::Column::Id.count(), "n")
            .filter(registration_rows::Column::VisitId.eq(id))
            .filter(registration_rows::Column::Status.eq(RegistrationStatus::Waitlisted))
            .group_by(registration_rows::Column::ItemId)
            .into_tuple()
            .all(&self.db.conn)
            .await?;
        Ok(VisitView {
            visit,
            items,
            waitlisted: rows.into_iter().collect(),
        })
    }
}
