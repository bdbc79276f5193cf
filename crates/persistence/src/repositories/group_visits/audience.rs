//! How many people a change to an agenda item would email, counted by the rule the
//! agenda-change email itself follows ([`audience`], [`Audience::attends`], [`reachable`]),
//! so a manager's "this will tell N people" is never a second opinion.
use uuid::Uuid;

use crate::repositories::{
    Store,
    accounts::Caller,
    group_visits::{
        calendar::{Audience, audience, reachable},
        ensure_manager, live_items,
    },
};
use crate::{RepoError, RepoResult};

/// Whom a change to one item would tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemAudience {
    /// The people the item is on the agenda of now: told of any change to it.
    pub count: usize,
    /// Everyone with a confirmed place on the visit: told when a change opens a limited
    /// item to the whole visit (drops its own places). Equals `count` for an item
    /// without its own places.
    pub whole_visit: usize,
}

impl Store {
    /// The audience of a change to `item_id`, for the visit's managers.
    ///
    /// # Errors
    /// `NotFound` for a visit the caller may not see or an item not on its agenda,
    /// `Forbidden` for a caller who does not manage the visit.
    pub async fn agenda_item_audience(
        &self,
        visit_id: Uuid,
        item_id: Uuid,
        caller: &Caller,
    ) -> RepoResult<ItemAudience> {
        let conn = &self.db.conn;
        let visit = self.visit_for(visit_id, Some(caller)).await?;
        ensure_manager(caller, &visit)?;
        let item = live_items(conn, visit_id)
            .await?
            .into_iter()
            .find(|i| i.id == item_id)
            .ok_or(RepoError::NotFound)?;
        let audience: Audience = audience(conn, visit_id).await?;
        let people = reachable(conn, &audience).await?;
        let count = people
            .iter()
            .filter(|u| audience.attends(u.id, &item))
            .count();
        Ok(ItemAudience {
            count,
            whole_visit: people.len(),
        })
    }
}
