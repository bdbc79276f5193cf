//! Calendars of group visits (the public agenda feed, each participant's own view and
//! the personal feed with exchanges) and the participant context shared by visit emails.
//!
//! A participant's agenda is every item without its own capacity plus the limited items
//! they hold a confirmed place for: that is what they attend, so it is what their
//! calendar shows and what agenda-change emails are about.
use std::collections::{HashMap, HashSet};

use cxc_domain::calendar::{AllDayEvent, CalEvent, render_calendar, uid_for};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::repositories::{
    Store,
    group_visits::{CANCELLED, CONFIRMED, all_items, domain_item, visit_tz},
};
use crate::{
    RepoResult,
    entities::{agenda_items, applications, group_visits, organisations, registrations, users},
};

/// Exchange states that put the stay in the applicant's calendar.
const EXCHANGE_STATES: [&str; 5] = ["approved", "committed", "reported", "completed", "paid"];

/// Confirmed participants of one visit and the limited items each holds a place for.
#[derive(Debug, Default)]
pub(crate) struct Audience {
    pub places: HashMap<Uuid, HashSet<Uuid>>,
}

impl Audience {
    /// Is the item part of this user's agenda?
    pub fn attends(&self, user: Uuid, item: &agenda_items::Model) -> bool {
        self.places
            .get(&user)
            .is_some_and(|p| item.capacity.is_none() || p.contains(&item.id))
    }
}

/// Users with a confirmed whole-visit registration, with their confirmed activities.
pub(crate) async fn audience<C: ConnectionTrait>(conn: &C, visit: Uuid) -> RepoResult<Audience> {
    let regs = registrations::Entity::find()
        .filter(registrations::Column::VisitId.eq(visit))
        .filter(registrations::Column::Status.eq(CONFIRMED))
        .all(conn)
        .await?;
    let mut places: HashMap<Uuid, HashSet<Uuid>> = regs
        .iter()
        .filter(|r| r.item_id.is_none())
        .map(|r| (r.user_id, HashSet::new()))
        .collect();
    for r in &regs {
        if let (Some(item), Some(p)) = (r.item_id, places.get_mut(&r.user_id)) {
            p.insert(item);
        }
    }
    Ok(Audience { places })
}

/// The events of `items` (removed ones, or all of a cancelled visit, as CANCELLED).
fn events<'a>(
    visit: &group_visits::Model,
    items: impl Iterator<Item = &'a agenda_items::Model>,
) -> Vec<CalEvent> {
    let tz = visit_tz(visit);
    items
        .map(|i| {
            let sequence = u32::try_from(i.sequence).unwrap_or(0);
            let mut e = CalEvent::from_agenda_item(&domain_item(i), tz, sequence, i.updated_at);
            e.cancelled = i.removed || visit.status == CANCELLED;
            e
        })
        .collect()
}

fn calendar_name(visit: &group_visits::Model) -> String {
    format!("{} ({})", visit.title, visit.city)
}

/// The whole agenda of a visit, removed items included as CANCELLED.
#[must_use]
pub fn visit_calendar(visit: &group_visits::Model, items: &[agenda_items::Model]) -> String {
    render_calendar(&calendar_name(visit), &events(visit, items.iter()), &[])
}

/// One participant's agenda of a visit.
pub(crate) fn personal_calendar(
    visit: &group_visits::Model,
    items: &[agenda_items::Model],
    attends: impl Fn(&agenda_items::Model) -> bool,
) -> String {
    let mine = items.iter().filter(|i| attends(i));
    render_calendar(&calendar_name(visit), &events(visit, mine), &[])
}

impl Store {
    /// Email variables about a visit for one recipient.
    pub(crate) fn visit_ctx(
        &self,
        v: &group_visits::Model,
        to: &users::Model,
    ) -> serde_json::Value {
        json!({
            "recipient_name": to.full_name,
            "app_url": self.public_url,
            "visit_id": v.id,
            "visit_title": v.title,
            "city": v.city,
            "start_date": v.starts_on.to_string(),
            "end_date": v.ends_on.to_string(),
        })
    }

    /// `agenda.ics` of a visit the caller may see.
    ///
    /// # Errors
    /// `NotFound` as for [`Store::visit_for`].
    pub async fn visit_ics(
        &self,
        id: Uuid,
        caller: Option<&crate::repositories::accounts::Caller>,
    ) -> RepoResult<String> {
        let visit = self.visit_for(id, caller).await?;
        let items = all_items(&self.db.conn, id).await?;
        Ok(visit_calendar(&visit, &items))
    }

    /// The caller's own calendar: the agenda of every visit they hold a confirmed place
    /// on, and their approved (or later) exchanges as all-day events.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn my_calendar(&self, user: Uuid) -> RepoResult<String> {
        let conn = &self.db.conn;
        let regs = registrations::Entity::find()
            .filter(registrations::Column::UserId.eq(user))
            .filter(registrations::Column::Status.eq(CONFIRMED))
            .all(conn)
            .await?;
        let visit_ids: Vec<Uuid> = regs
            .iter()
            .filter(|r| r.item_id.is_none())
            .map(|r| r.visit_id)
            .collect();
        let places: HashSet<Uuid> = regs.iter().filter_map(|r| r.item_id).collect();
        let visits = group_visits::Entity::find()
            .filter(group_visits::Column::Id.is_in(visit_ids))
            .all(conn)
            .await?;
        let mut timed = Vec::new();
        for v in &visits {
            let items = all_items(conn, v.id).await?;
            let mine = items
                .iter()
                .filter(|i| i.capacity.is_none() || places.contains(&i.id));
            timed.extend(events(v, mine));
        }
        let apps = applications::Entity::find()
            .filter(applications::Column::ApplicantId.eq(user))
            .filter(applications::Column::Status.is_in(EXCHANGE_STATES))
            .all(conn)
            .await?;
        let host_ids: Vec<Uuid> = apps.iter().map(|a| a.host_organisation_id).collect();
        let hosts: HashMap<Uuid, organisations::Model> = organisations::Entity::find()
            .filter(organisations::Column::Id.is_in(host_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        let all_day: Vec<AllDayEvent> = apps
            .iter()
            .map(|a| {
                let host = hosts.get(&a.host_organisation_id);
                AllDayEvent {
                    uid: uid_for(a.id),
                    sequence: u32::try_from(a.version.saturating_sub(1)).unwrap_or(0),
                    summary: format!(
                        "ClusterXchange exchange at {}",
                        host.map_or("the host organisation", |h| h.name.as_str())
                    ),
                    description: Some(format!("Application status: {}", a.status)),
                    location: host.map(|h| format!("{}, {}", h.city, h.country)),
                    start: a.start_date,
                    end_inclusive: a.end_date,
                    cancelled: false,
                    last_modified: a.updated_at,
                }
            })
            .collect();
        Ok(render_calendar("ClusterXchange", &timed, &all_day))
    }
}
