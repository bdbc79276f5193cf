//! Reading registrations: a visit's participant list (managers), one registration, and
//! the caller's own registrations across visits.
use cxc_domain::visit::RegistrationStatus;
use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::repositories::{
    Store, accounts::Caller, group_visits::manages, group_visits::registrations::RegistrationView,
};
use crate::{
    RepoError, RepoResult,
    entities::{group_visits, registrations, users},
};

/// Waiting-list positions (1-based, per visit or activity) of a visit's waitlisted
/// registrations.
async fn positions<C: ConnectionTrait>(conn: &C, visit: Uuid) -> RepoResult<HashMap<Uuid, i64>> {
    let waiting = registrations::Entity::find()
        .filter(registrations::Column::VisitId.eq(visit))
        .filter(registrations::Column::Status.eq(RegistrationStatus::Waitlisted))
        .order_by_asc(registrations::Column::QueueSeq)
        .order_by_asc(registrations::Column::Id)
        .all(conn)
        .await?;
    let mut next: HashMap<Option<Uuid>, i64> = HashMap::new();
    Ok(waiting
        .into_iter()
        .map(|r| {
            let n = next.entry(r.item_id).or_insert(0);
            *n += 1;
            (r.id, *n)
        })
        .collect())
}

fn view(reg: registrations::Model, pos: &HashMap<Uuid, i64>) -> RegistrationView {
    let position = pos.get(&reg.id).copied();
    RegistrationView { reg, position }
}

/// A registration with the person behind it (for managers' lists).
#[derive(Debug, Clone)]
pub struct Participant {
    pub registration: RegistrationView,
    pub user: Option<users::Model>,
}

impl Store {
    /// Registrations of a visit, newest first: all of them for its managers, the
    /// caller's own for anyone else.
    ///
    /// # Errors
    /// `NotFound` for visits the caller may not see.
    pub async fn visit_registrations(
        &self,
        visit: Uuid,
        caller: &Caller,
        after: Option<Uuid>,
        limit: u64,
    ) -> RepoResult<Vec<Participant>> {
        let v = self.visit_for(visit, Some(caller)).await?;
        let mut q = registrations::Entity::find()
            .filter(registrations::Column::VisitId.eq(visit))
            .order_by_desc(registrations::Column::Id);
        if !manages(Some(caller), &v) {
            q = q.filter(registrations::Column::UserId.eq(caller.id()));
        }
        if let Some(a) = after {
            q = q.filter(registrations::Column::Id.lt(a));
        }
        let regs = q.limit(limit).all(&self.db.conn).await?;
        let pos = positions(&self.db.conn, visit).await?;
        let users: HashMap<Uuid, users::Model> = users::Entity::find()
            .filter(users::Column::Id.is_in(regs.iter().map(|r| r.user_id)))
            .all(&self.db.conn)
            .await?
            .into_iter()
            .map(|u| (u.id, u))
            .collect();
        Ok(regs
            .into_iter()
            .map(|r| Participant {
                user: users.get(&r.user_id).cloned(),
                registration: view(r, &pos),
            })
            .collect())
    }

    /// One registration, for its registrant or the visit's managers.
    ///
    /// # Errors
    /// `NotFound` otherwise.
    pub async fn visit_registration(
        &self,
        visit: Uuid,
        id: Uuid,
        caller: &Caller,
    ) -> RepoResult<RegistrationView> {
        let v = self.visit_for(visit, Some(caller)).await?;
        let reg = registrations::Entity::find_by_id(id)
            .one(&self.db.conn)
            .await?
            .filter(|r| {
                r.visit_id == visit && (r.user_id == caller.id() || manages(Some(caller), &v))
            })
            .ok_or(RepoError::NotFound)?;
        let pos = positions(&self.db.conn, visit).await?;
        Ok(view(reg, &pos))
    }

    /// The caller's registrations on every visit, newest first, with the visits.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn my_visit_registrations(
        &self,
        user: Uuid,
        after: Option<Uuid>,
        limit: u64,
    ) -> RepoResult<Vec<(RegistrationView, Option<group_visits::Model>)>> {
        let mut q = registrations::Entity::find()
            .filter(registrations::Column::UserId.eq(user))
            .order_by_desc(registrations::Column::Id);
        if let Some(a) = after {
            q = q.filter(registrations::Column::Id.lt(a));
        }
        let regs = q.limit(limit).all(&self.db.conn).await?;
        let visits: HashMap<Uuid, group_visits::Model> = group_visits::Entity::find()
            .filter(group_visits::Column::Id.is_in(regs.iter().map(|r| r.visit_id)))
            .all(&self.db.conn)
            .await?
            .into_iter()
            .map(|v| (v.id, v))
            .collect();
        let mut out = Vec::with_capacity(regs.len());
        let mut cache: HashMap<Uuid, HashMap<Uuid, i64>> = HashMap::new();
        for r in regs {
            if let std::collections::hash_map::Entry::Vacant(e) = cache.entry(r.visit_id) {
                e.insert(positions(&self.db.conn, r.visit_id).await?);
            }
            let v = visits.get(&r.visit_id).cloned();
            let pos = cache.get(&r.visit_id).cloned().unwrap_or_default();
            out.push((view(r, &pos), v));
        }
        Ok(out)
    }
}
