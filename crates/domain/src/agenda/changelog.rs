//! What changed between two versions of a published agenda, so participants are told
//! only about the items that affect them and calendar SEQUENCE numbers can be bumped.

use std::collections::HashMap;

use uuid::Uuid;

use super::AgendaItem;

/// Item ids grouped by kind of change; each id appears in at most one list.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Changelog {
    pub added: Vec<Uuid>,
    /// Time or venue changed (participants may need to re-plan).
    pub moved: Vec<Uuid>,
    pub removed: Vec<Uuid>,
    /// Only cosmetic fields changed: title, kind, facility, description or venue spelling.
    pub changed: Vec<Uuid>,
}

impl Changelog {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.moved.is_empty()
            && self.removed.is_empty()
            && self.changed.is_empty()
    }

    /// Every id mentioned, without duplicates, in the order added, moved, changed, removed.
    pub fn affected(&self) -> Vec<Uuid> {
        let mut out: Vec<Uuid> = Vec::new();
        for id in self
            .added
            .iter()
            .chain(&self.moved)
            .chain(&self.changed)
            .chain(&self.removed)
        {
            if !out.contains(id) {
                out.push(*id);
            }
        }
        out
    }
}

/// Compares two versions of an agenda by item id. Lists keep the input order
/// (`current` for added/moved/changed, `previous` for removed).
pub fn diff(previous: &[AgendaItem], current: &[AgendaItem]) -> Changelog {
    let before: HashMap<Uuid, &AgendaItem> = previous.iter().map(|i| (i.id, i)).collect();
    let now: HashMap<Uuid, &AgendaItem> = current.iter().map(|i| (i.id, i)).collect();
    let mut log = Changelog {
        added: Vec::new(),
        moved: Vec::new(),
        removed: Vec::new(),
        changed: Vec::new(),
    };
    for item in current {
        match before.get(&item.id) {
            None => log.added.push(item.id),
            Some(old) if is_moved(old, item) => log.moved.push(item.id),
            Some(old) if is_changed(old, item) => log.changed.push(item.id),
            Some(_) => {}
        }
    }
    log.removed = previous
        .iter()
        .filter(|i| !now.contains_key(&i.id))
        .map(|i| i.id)
        .collect();
    log
}

fn is_moved(old: &AgendaItem, new: &AgendaItem) -> bool {
    old.starts_utc != new.starts_utc
        || old.ends_utc != new.ends_utc
        || old.starts_local != new.starts_local
        || old.ends_local != new.ends_local
        || old.venue_key() != new.venue_key()
}

fn is_changed(old: &AgendaItem, new: &AgendaItem) -> bool {
    old.title != new.title
        || old.kind != new.kind
        || old.facility != new.facility
        || old.description != new.description
        || old.venue != new.venue
}
