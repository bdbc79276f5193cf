//! Agenda items of a group visit: add, change, remove.
//!
//! Conflicts (order, visit dates, venue double-booking) are checked inside the write
//! transaction after the visit row is locked, so two racing inserts at one venue cannot
//! both pass. Once the visit is published, every effective change bumps the item's
//! SEQUENCE, keeps removed items (for STATUS:CANCELLED), freezes the next agenda version
//! and tells the participants it concerns — all in the same transaction.
use chrono::{DateTime, NaiveDateTime, Utc};
use cxc_domain::agenda::{AgendaItem, ItemKind, check_item, diff, resolve_local};
use cxc_domain::visit::VisitStatus;
use sea_orm::{ActiveModelTrait, DatabaseTransaction, Set};
use uuid::Uuid;

use crate::repositories::{
    Store,
    accounts::Caller,
    group_visits::versions::describe,
    group_visits::{domain_item, ensure_manager, live_items, lock_visit, visit_tz},
    new_id,
};
use crate::{
    Problem, RepoError, RepoResult,
    entities::{agenda_items, group_visits},
};

/// A new agenda item; local times are in the visit's zone.
#[derive(Debug, Clone)]
pub struct ItemInput {
    pub kind: ItemKind,
    pub title: String,
    pub starts_local: NaiveDateTime,
    pub ends_local: NaiveDateTime,
    pub venue: String,
    pub facility: Option<String>,
    pub description: Option<String>,
    /// A separate, limited registration for this activity.
    pub capacity: Option<i32>,
}

/// A partial change; `Some(None)` clears an optional field.
#[derive(Debug, Clone, Default)]
pub struct ItemPatch {
    pub kind: Option<ItemKind>,
    pub title: Option<String>,
    pub starts_local: Option<NaiveDateTime>,
    pub ends_local: Option<NaiveDateTime>,
    pub venue: Option<String>,
    pub facility: Option<Option<String>>,
    pub description: Option<Option<String>>,
    pub capacity: Option<Option<i32>>,
}

/// The result of an agenda change: the visit after it, the item, and the live agenda.
#[derive(Debug, Clone)]
pub struct AgendaChange {
    pub visit: group_visits::Model,
    pub item: agenda_items::Model,
    pub items: Vec<agenda_items::Model>,
}

/// Converts both local times, reporting DST gaps and overlaps per field.
pub(crate) fn resolve(
    tz: chrono_tz::Tz,
    starts: NaiveDateTime,
    ends: NaiveDateTime,
) -> RepoResult<(DateTime<Utc>, DateTime<Utc>)> {
    let mut problems = Vec::new();
    let mut one = |field: &str, t: NaiveDateTime| {
        resolve_local(t, tz)
            .map_err(|e| problems.push(Problem::new(field, e.code(), e.to_string())))
            .ok()
    };
    let (s, e) = (one("starts_at", starts), one("ends_at", ends));
    match (s, e) {
        (Some(s), Some(e)) => Ok((s, e)),
        _ => Err(RepoError::Invalid(problems)),
    }
}

/// 409 naming the clashing item, or `Ok` when the candidate fits the agenda.
pub(crate) fn check(
    visit: &group_visits::Model,
    candidate: &AgendaItem,
    live: &[agenda_items::Model],
) -> RepoResult<()> {
    let others: Vec<AgendaItem> = live
        .iter()
        .filter(|i| i.id != candidate.id)
        .map(domain_item)
        .collect();
    check_item(candidate, &others, visit.starts_on, visit.ends_on).map_err(|c| {
        let mut message = c.message();
        if let cxc_domain::agenda::AgendaConflict::VenueOverlap { other_id, .. } = &c {
            message.push_str(&format!(" (conflicting item {other_id})"));
        }
        RepoError::conflict(c.code(), message)
    })
}

/// Locks the visit and checks the caller may edit its agenda now.
pub(crate) async fn editable(
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
    if visit.status == VisitStatus::Cancelled {
        return Err(RepoError::conflict(
            "visit_cancelled",
            "the visit is cancelled; its agenda can no longer change",
        ));
    }
    Ok(visit)
}

pub(crate) fn text_or_none(s: Option<String>) -> Option<String> {
    s.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

impl Store {
    /// Adds an item to the agenda.
    ///
    /// # Errors
    /// `Invalid` for local times that do not exist or are ambiguous, `Conflict` for
    /// clashes, `Stale`, `Forbidden`, `NotFound`.
    pub async fn add_agenda_item(
        &self,
        visit_id: Uuid,
        caller: &Caller,
        if_match: Option<i32>,
        input: ItemInput,
    ) -> RepoResult<AgendaChange> {
        let tx = self.db.write().await?;
        let visit = editable(&tx.tx, visit_id, caller, if_match).await?;
        let before = live_items(&tx.tx, visit_id).await?;
        let (starts_at, ends_at) = resolve(visit_tz(&visit), input.starts_local, input.ends_local)?;
        let model = agenda_items::Model {
            id: new_id(),
            visit_id,
            kind: input.kind,
            title: input.title,
            description: text_or_none(input.description),
            starts_local: cxc_domain::agenda::format_local(input.starts_local),
            ends_local: cxc_domain::agenda::format_local(input.ends_local),
            starts_at,
            ends_at,
            venue: input.venue,
            facility: text_or_none(input.facility),
            capacity: input.capacity,
            confirmed_count: 0,
            sequence: 0,
            removed: false,
            updated_at: self.now(),
        };
        check(&visit, &domain_item(&model), &before)?;
        let item = agenda_items::ActiveModel::from(model)
            .insert(&tx.tx)
            .await?;
        let change = self
            .after_agenda_change(&tx.tx, visit, &before, item, caller.id())
            .await?;
        tx.commit().await?;
        Ok(change)
    }

    /// Bumps the visit's version and, when published and something changed for
    /// participants, records the next agenda version and notifies them.
    pub(crate) async fn after_agenda_change(
        &self,
        tx: &DatabaseTransaction,
        visit: group_visits::Model,
        before: &[agenda_items::Model],
        item: agenda_items::Model,
        by: Uuid,
    ) -> RepoResult<AgendaChange> {
        let all = crate::repositories::group_visits::all_items(tx, visit.id).await?;
        let live: Vec<agenda_items::Model> = all.iter().filter(|i| !i.removed).cloned().collect();
        let mut number = visit.agenda_version;
        if visit.status == VisitStatus::Published {
            let before_d: Vec<AgendaItem> = before.iter().map(domain_item).collect();
            let after_d: Vec<AgendaItem> = live.iter().map(domain_item).collect();
            let log = diff(&before_d, &after_d);
            if !log.is_empty() {
                number += 1;
                let doc = describe(&log, before, &live, |_| true);
                self.freeze_agenda(tx, visit.id, number, &live, &doc, by)
                    .await?;
                self.notify_agenda_change(tx, &visit, &log, before, &all)
                    .await?;
            }
        }
        let mut am: group_visits::ActiveModel = visit.clone().into();
        am.agenda_version = Set(number);
        am.version = Set(visit.version + 1);
        am.updated_at = Set(self.now());
        let visit = am.update(tx).await?;
        Ok(AgendaChange {
            visit,
            item,
            items: live,
        })
    }
}
