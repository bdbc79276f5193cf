//! Frozen agenda versions (snapshot + changelog) and the agenda-change emails.
//!
//! Version 1 is frozen on publication; each later effective change freezes the next one.
//! Participants hear only about the items of their own agenda, with their updated
//! calendar attached, so clients replace events by UID and SEQUENCE.
use chrono::{DateTime, Utc};
use cxc_domain::agenda::Changelog;
use cxc_domain::notify::{AgendaChange, ChangedItem, Email};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::repositories::{
    Store,
    accounts::Caller,
    group_visits::calendar::{audience, reachable, visit_facts},
    outbox::Envelope,
};
use crate::{
    RepoResult, Stored,
    entities::{agenda_items, agenda_versions, group_visits},
};

/// An item as frozen in an agenda version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotItem {
    pub id: Uuid,
    pub kind: cxc_domain::agenda::ItemKind,
    pub title: String,
    pub description: Option<String>,
    /// Local time in the visit's zone, `YYYY-MM-DDTHH:MM`.
    pub starts_at: String,
    pub ends_at: String,
    pub starts_at_utc: DateTime<Utc>,
    pub ends_at_utc: DateTime<Utc>,
    pub venue: String,
    pub facility: Option<String>,
    pub capacity: Option<i32>,
    pub sequence: i32,
}

impl From<&agenda_items::Model> for SnapshotItem {
    fn from(m: &agenda_items::Model) -> Self {
        Self {
            id: m.id,
            kind: m.kind,
            title: m.title.clone(),
            description: m.description.clone(),
            starts_at: m.starts_local.clone(),
            ends_at: m.ends_local.clone(),
            starts_at_utc: m.starts_at,
            ends_at_utc: m.ends_at,
            venue: m.venue.clone(),
            facility: m.facility.clone(),
            capacity: m.capacity,
            sequence: m.sequence,
        }
    }
}

/// One changed item, by id and (current, or last for removed) title.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeEntry {
    pub id: Uuid,
    pub title: String,
}

/// What changed since the previous version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangelogDoc {
    pub added: Vec<ChangeEntry>,
    pub moved: Vec<ChangeEntry>,
    pub removed: Vec<ChangeEntry>,
    pub changed: Vec<ChangeEntry>,
}

fn find(items: &[agenda_items::Model], id: Uuid) -> Option<&agenda_items::Model> {
    items.iter().find(|i| i.id == id)
}

/// The changelog with titles; `keep` filters the ids (for one participant's view).
pub(crate) fn describe(
    log: &Changelog,
    before: &[agenda_items::Model],
    after: &[agenda_items::Model],
    keep: impl Fn(Uuid) -> bool,
) -> ChangelogDoc {
    let entries = |ids: &[Uuid], from: &[agenda_items::Model]| -> Vec<ChangeEntry> {
        ids.iter()
            .filter(|id| keep(**id))
            .filter_map(|id| find(from, *id))
            .map(|i| ChangeEntry {
                id: i.id,
                title: i.title.clone(),
            })
            .collect()
    };
    ChangelogDoc {
        added: entries(&log.added, after),
        moved: entries(&log.moved, after),
        removed: entries(&log.removed, before),
        changed: entries(&log.changed, after),
    }
}

impl ChangelogDoc {
    fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.moved.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
    }
}

impl Store {
    /// Stores agenda version `number` of a visit.
    pub(crate) async fn freeze_agenda(
        &self,
        tx: &DatabaseTransaction,
        visit: Uuid,
        number: i32,
        live: &[agenda_items::Model],
        changelog: &ChangelogDoc,
        by: Uuid,
    ) -> RepoResult<()> {
        let items: Vec<SnapshotItem> = live.iter().map(SnapshotItem::from).collect();
        agenda_versions::ActiveModel {
            visit_id: Set(visit),
            number: Set(number),
            items: Set(Stored(items)),
            changelog: Set(Stored(changelog.clone())),
            published_by: Set(by),
            published_at: Set(self.now()),
        }
        .insert(tx)
        .await?;
        Ok(())
    }

    /// Every frozen version of a visit's agenda, oldest first.
    ///
    /// # Errors
    /// `NotFound` as for [`Store::visit_for`].
    pub async fn agenda_versions(
        &self,
        visit: Uuid,
        caller: Option<&Caller>,
    ) -> RepoResult<Vec<agenda_versions::Model>> {
        self.visit_for(visit, caller).await?;
        Ok(agenda_versions::Entity::find()
            .filter(agenda_versions::Column::VisitId.eq(visit))
            .order_by_asc(agenda_versions::Column::Number)
            .all(&self.db.conn)
            .await?)
    }

    /// Emails each confirmed participant whose own agenda the change touches, with
    /// their updated calendar attached. `all` is every item after the change,
    /// removed ones included.
    pub(crate) async fn notify_agenda_change(
        &self,
        tx: &DatabaseTransaction,
        visit: &group_visits::Model,
        log: &Changelog,
        before: &[agenda_items::Model],
        all: &[agenda_items::Model],
    ) -> RepoResult<()> {
        let audience = audience(tx, visit.id).await?;
        let recipients = reachable(tx, &audience).await?;
        for user in recipients {
            let attends = |id: Uuid| {
                find(before, id).is_some_and(|i| audience.attends(user.id, i))
                    || find(all, id).is_some_and(|i| audience.attends(user.id, i))
            };
            let mine = describe(log, before, all, attends);
            if mine.is_empty() {
                continue;
            }
            let ics = self.personal_calendar(visit, all, |i| audience.attends(user.id, i));
            let titles = |entries: &[ChangeEntry]| -> Vec<ChangedItem> {
                entries
                    .iter()
                    .map(|e| ChangedItem {
                        title: e.title.clone(),
                    })
                    .collect()
            };
            let email = Email::AgendaChanged(AgendaChange {
                visit: visit_facts(visit),
                added: titles(&mine.added),
                moved: titles(&mine.moved),
                removed: titles(&mine.removed),
                changed: titles(&mine.changed),
            });
            let env = Envelope::to_user(&user, email).about(visit.id).attach(
                "agenda.ics",
                "text/calendar",
                ics,
            );
            self.enqueue(tx, env).await?;
        }
        Ok(())
    }
}
