//! Calendars of group visits (the public agenda feed, each participant's own view and
//! the personal feed with exchanges) and the visit facts shared by visit emails.
//!
//! A participant's agenda is every item without its own capacity plus the limited items
//! they hold a confirmed place for: that is what they attend, so it is what their
//! calendar shows and what agenda-change emails are about.
//!
//! Cancelled things do not vanish: a calendar that subscribed to the feed only learns
//! of a cancellation from a `STATUS:CANCELLED` event with a higher SEQUENCE, so removed
//! items, cancelled visits, cancelled registrations and cancelled exchanges stay in the
//! feeds, cancelled, for [`CalendarSettings::cancelled_retention`].
pub mod agenda_cache;
mod feeds;

use cxc_domain::{
    visit::{RegistrationStatus, VisitStatus},
    workflow::Status,
};
use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use cxc_domain::calendar::{
    AllDayEvent, CalEvent, Method, Publication, render_calendar, revision, uid_for,
    web_calendar_links,
};
use cxc_domain::notify::VisitFacts;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::repositories::{
    Store,
    group_visits::{all_items, domain_item, visit_tz},
};
use crate::{
    RepoResult,
    entities::{agenda_items, applications, group_visits, organisations, registrations, users},
};

/// Exchange states that take the stay out of the applicant's calendar again (shown
/// cancelled when it had been approved). The states that put it there are those that
/// hold a reservation (`Status::holds_reservation`: approved and after).
const EXCHANGE_ENDED: [Status; 2] = [Status::Cancelled, Status::Withdrawn];

/// Who publishes the calendars and how long cancelled events stay in them.
#[derive(Debug, Clone)]
pub struct CalendarSettings {
    /// `ORGANIZER` of every published event (the sender of the emails).
    pub organizer_name: String,
    pub organizer_email: String,
    /// How long a cancelled event stays in the feeds as `STATUS:CANCELLED`.
    pub cancelled_retention: Duration,
}

impl CalendarSettings {
    /// Defaults until the server applies its settings.
    #[must_use]
    pub fn for_domain(mail_domain: &str) -> Self {
        Self {
            organizer_name: "ClusterXchange".into(),
            organizer_email: format!("noreply@{mail_domain}"),
            cancelled_retention: Duration::days(30),
        }
    }
}

/// A feed, its entity tag and the moment its content last changed (`Last-Modified`).
#[derive(Debug, Clone)]
pub struct Feed {
    pub body: String,
    /// A strong `ETag` (quoted): a hash of the bytes, taken once when the feed is built,
    /// so a cached `agenda.ics` is not hashed again on every poll.
    pub etag: String,
    pub last_modified: Option<DateTime<Utc>>,
}

impl Feed {
    /// The body with its tag (feeds render deterministically: same content, same tag).
    #[must_use]
    pub fn new(body: String, last_modified: Option<DateTime<Utc>>) -> Self {
        use sha2::{Digest, Sha256};
        let etag = format!(
            "\"{}\"",
            &hex::encode(Sha256::digest(body.as_bytes()))[..32]
        );
        Self {
            body,
            etag,
            last_modified,
        }
    }
}

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
        .filter(registrations::Column::Status.eq(RegistrationStatus::Confirmed))
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

/// The people of an [`Audience`] an email can still reach (erased accounts are told
/// nothing): whom an agenda change is sent to, and whom the count before one counts.
pub(crate) async fn reachable<C: ConnectionTrait>(
    conn: &C,
    audience: &Audience,
) -> RepoResult<Vec<users::Model>> {
    if audience.places.is_empty() {
        return Ok(Vec::new());
    }
    Ok(users::Entity::find()
        .filter(users::Column::Id.is_in(audience.places.keys().copied()))
        .filter(users::Column::ErasedAt.is_null())
        .all(conn)
        .await?)
}

/// The event of an item as its visit shows it: removed items, and every item of a
/// cancelled visit, are CANCELLED; `None` once such an event is older than `since`.
fn item_event(
    visit: &group_visits::Model,
    i: &agenda_items::Model,
    since: DateTime<Utc>,
) -> Option<CalEvent> {
    let cancelled = i.removed || visit.status == VisitStatus::Cancelled;
    if cancelled && i.updated_at <= since {
        return None;
    }
    let sequence = u32::try_from(i.sequence).unwrap_or(0);
    let mut e =
        CalEvent::from_agenda_item(&domain_item(i), visit_tz(visit), sequence, i.updated_at);
    e.cancelled = cancelled;
    Some(e)
}

fn events<'a>(
    visit: &group_visits::Model,
    items: impl Iterator<Item = &'a agenda_items::Model>,
    since: DateTime<Utc>,
) -> Vec<CalEvent> {
    items.filter_map(|i| item_event(visit, i, since)).collect()
}

fn calendar_name(visit: &group_visits::Model) -> String {
    format!("{} ({})", visit.title, visit.city)
}

/// The facts of a visit its emails print, with "add to calendar" links.
#[must_use]
pub fn visit_facts(v: &group_visits::Model) -> VisitFacts {
    let details = format!("ClusterXchange 360ºXchange group visit: {}", v.title);
    VisitFacts {
        visit_id: v.id,
        visit_title: v.title.clone(),
        city: v.city.clone(),
        start_date: v.starts_on,
        end_date: v.ends_on,
        add_to_calendar: web_calendar_links(&v.title, v.starts_on, v.ends_on, &v.city, &details),
    }
}

impl Store {
    /// Start of the window in which cancelled events are still shown.
    fn cancelled_since(&self) -> DateTime<Utc> {
        self.now() - self.calendar.cancelled_retention
    }

    /// The object-level facts of a calendar created at `created`.
    pub(crate) fn publication(
        &self,
        method: Method,
        attendee: Option<(String, String)>,
        created: DateTime<Utc>,
    ) -> Publication {
        Publication {
            method,
            organizer_name: self.calendar.organizer_name.clone(),
            organizer_email: self.calendar.organizer_email.clone(),
            attendee,
            created,
        }
    }

    /// A feed stamped with its revision, so unchanged content gives the same bytes.
    fn feed(&self, name: &str, timed: &[CalEvent], all_day: &[AllDayEvent]) -> Feed {
        let last_modified = revision(timed, all_day);
        let created = last_modified.unwrap_or(DateTime::UNIX_EPOCH);
        let publication = self.publication(Method::Publish, None, created);
        Feed::new(
            render_calendar(&publication, name, timed, all_day),
            last_modified,
        )
    }

    /// One participant's agenda of a visit, to attach to an email sent now.
    pub(crate) fn personal_calendar(
        &self,
        visit: &group_visits::Model,
        items: &[agenda_items::Model],
        attends: impl Fn(&agenda_items::Model) -> bool,
    ) -> String {
        let mine = events(
            visit,
            items.iter().filter(|i| attends(i)),
            self.cancelled_since(),
        );
        let publication = self.publication(Method::Publish, None, self.now());
        render_calendar(&publication, &calendar_name(visit), &mine, &[])
    }

    /// `agenda.ics` of a visit the caller may see.
    ///
    /// # Errors
    /// `NotFound` as for [`Store::visit_for`].
    pub async fn visit_ics(
        &self,
        id: Uuid,
        caller: Option<&crate::repositories::accounts::Caller>,
    ) -> RepoResult<std::sync::Arc<Feed>> {
        let visit = self.visit_for(id, caller).await?;
        let now = self.now();
        let cache = &self.agenda_cache;
        if let Some(feed) = cache.get(id, visit.version, visit.updated_at, now) {
            return Ok(feed);
        }
        let items = all_items(&self.db.conn, id).await?;
        let since = now - self.calendar.cancelled_retention;
        let timed = events(&visit, items.iter(), since);
        let feed = std::sync::Arc::new(self.feed(&calendar_name(&visit), &timed, &[]));
        // Valid until the first cancelled item shown ages out of the feed.
        let ages_out = items
            .iter()
            .filter(|i| i.removed || visit.status == VisitStatus::Cancelled)
            .map(|i| i.updated_at + self.calendar.cancelled_retention)
            .filter(|t| *t > now)
            .min();
        let valid_until = ages_out.map_or(now + agenda_cache::MAX_AGE, |t| {
            t.min(now + agenda_cache::MAX_AGE)
        });
        cache.put(
            id,
            visit.version,
            visit.updated_at,
            valid_until,
            std::sync::Arc::clone(&feed),
        );
        Ok(feed)
    }

    /// The user's own calendar: the agenda of every visit they hold a confirmed place
    /// on, and their approved (or later) exchanges as all-day events; what they lost
    /// (cancelled visits, registrations, items, exchanges) stays as CANCELLED for the
    /// retention period.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn my_calendar(&self, user: Uuid) -> RepoResult<Feed> {
        let since = self.cancelled_since();
        let timed = self.my_visit_events(user, since).await?;
        let all_day = self.my_exchange_events(user, since).await?;
        Ok(self.feed("ClusterXchange", &timed, &all_day))
    }

    async fn my_visit_events(&self, user: Uuid, since: DateTime<Utc>) -> RepoResult<Vec<CalEvent>> {
        let conn = &self.db.conn;
        // Every registration, cancelled ones included: the number of cancellations is
        // part of each event's SEQUENCE, so it must not shrink when old ones age out.
        let regs = registrations::Entity::find()
            .filter(registrations::Column::UserId.eq(user))
            .filter(
                registrations::Column::Status
                    .is_in([RegistrationStatus::Confirmed, RegistrationStatus::Cancelled]),
            )
            .all(conn)
            .await?;
        let mut by_visit: HashMap<Uuid, Vec<registrations::Model>> = HashMap::new();
        for r in regs {
            by_visit.entry(r.visit_id).or_default().push(r);
        }
        // Only visits with a place now or one lost within the window are read.
        by_visit.retain(|_, regs| {
            regs.iter().any(|r| {
                r.item_id.is_none()
                    && (r.status == RegistrationStatus::Confirmed
                        || r.cancelled_at.is_some_and(|t| t > since))
            })
        });
        let visits = group_visits::Entity::find()
            .filter(group_visits::Column::Id.is_in(by_visit.keys().copied()))
            .all(conn)
            .await?;
        let mut timed = Vec::new();
        for v in &visits {
            let regs = by_visit.get(&v.id).map_or(&[][..], Vec::as_slice);
            let items = all_items(conn, v.id).await?;
            timed.extend(
                items
                    .iter()
                    .filter_map(|i| registration_event(v, i, regs, since)),
            );
        }
        Ok(timed)
    }

    async fn my_exchange_events(
        &self,
        user: Uuid,
        since: DateTime<Utc>,
    ) -> RepoResult<Vec<AllDayEvent>> {
        let conn = &self.db.conn;
        let apps: Vec<applications::Model> = applications::Entity::find()
            .filter(applications::Column::ApplicantId.eq(user))
            .filter(
                applications::Column::Status.is_in(
                    Status::ALL
                        .into_iter()
                        .filter(|s| s.holds_reservation() || EXCHANGE_ENDED.contains(s)),
                ),
            )
            .all(conn)
            .await?
            .into_iter()
            .filter(|a| {
                a.status.holds_reservation()
                    // Only an approval (which sets the grant) put it in the calendar.
                    || (a.grant_cents.is_some() && a.updated_at > since)
            })
            .collect();
        let host_ids: Vec<Uuid> = apps.iter().map(|a| a.host_organisation_id).collect();
        let hosts: HashMap<Uuid, organisations::Model> = organisations::Entity::find()
            .filter(organisations::Column::Id.is_in(host_ids))
            .all(conn)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
        Ok(apps
            .iter()
            .map(|a| {
                let host = hosts.get(&a.host_organisation_id);
                AllDayEvent {
                    uid: uid_for(a.id),
                    // Every transition bumps the version, cancelling included.
                    sequence: u32::try_from(a.version.saturating_sub(1)).unwrap_or(0),
                    summary: format!(
                        "ClusterXchange exchange at {}",
                        host.map_or("the host organisation", |h| h.name.as_str())
                    ),
                    description: Some(format!("Application status: {}", a.status)),
                    location: host.map(|h| format!("{}, {}", h.city, h.country)),
                    start: a.start_date,
                    end_inclusive: a.end_date,
                    cancelled: EXCHANGE_ENDED.contains(&a.status),
                    last_modified: a.updated_at,
                }
            })
            .collect())
    }
}

impl Store {
    /// The `METHOD:CANCEL` object that takes a just-cancelled registration's events out
    /// of calendars that imported them from earlier attachments (RFC 5546 §3.2.5);
    /// `None` when nothing of it was in their calendar. The events carry the SEQUENCE
    /// the feed shows for them.
    pub(crate) async fn cancelled_registration_ics<C: ConnectionTrait>(
        &self,
        conn: &C,
        visit: &group_visits::Model,
        reg: &registrations::Model,
        user: &users::Model,
    ) -> RepoResult<Option<String>> {
        let regs = registrations::Entity::find()
            .filter(registrations::Column::VisitId.eq(visit.id))
            .filter(registrations::Column::UserId.eq(user.id))
            .filter(
                registrations::Column::Status
                    .is_in([RegistrationStatus::Confirmed, RegistrationStatus::Cancelled]),
            )
            .all(conn)
            .await?;
        let since = self.cancelled_since();
        let gone: Vec<CalEvent> = all_items(conn, visit.id)
            .await?
            .iter()
            .filter(|i| reg.item_id.is_none_or(|only| only == i.id))
            .filter_map(|i| registration_event(visit, i, &regs, since))
            .filter(|e| e.cancelled)
            .collect();
        if gone.is_empty() {
            return Ok(None);
        }
        let attendee = Some((user.full_name.clone(), user.email.clone()));
        let publication = self.publication(Method::Cancel, attendee, self.now());
        Ok(Some(render_calendar(
            &publication,
            &calendar_name(visit),
            &gone,
            &[],
        )))
    }
}

/// An item of a visit as one person's registrations show it, or `None` when it is not
/// (or no longer) theirs.
///
/// The item counts as theirs through the whole-visit registration, plus the activity's
/// own registration for a limited item. SEQUENCE is the item's plus two per cancelled
/// registration, minus one while none is active: confirmed `s`, cancelled `s+1`,
/// registered again `s+2`, ... so every change a calendar saw has a higher number.
fn registration_event(
    visit: &group_visits::Model,
    item: &agenda_items::Model,
    regs: &[registrations::Model],
    since: DateTime<Utc>,
) -> Option<CalEvent> {
    let whole = |r: &&registrations::Model| r.item_id.is_none();
    let own = |r: &&registrations::Model| r.item_id == Some(item.id);
    let relevant: Vec<&registrations::Model> = if item.capacity.is_none() {
        regs.iter().filter(whole).collect()
    } else {
        if !regs.iter().any(|r| own(&r)) {
            return None;
        }
        regs.iter().filter(|r| whole(r) || own(r)).collect()
    };
    let active = regs
        .iter()
        .filter(whole)
        .any(|r| r.status == RegistrationStatus::Confirmed)
        && (item.capacity.is_none()
            || regs
                .iter()
                .filter(own)
                .any(|r| r.status == RegistrationStatus::Confirmed));
    let cancelled: Vec<DateTime<Utc>> = relevant.iter().filter_map(|r| r.cancelled_at).collect();
    let lost = cancelled.iter().max().copied();
    let mut e = item_event(
        visit,
        item,
        if active { since } else { DateTime::UNIX_EPOCH },
    )?;
    if !active {
        let lost = lost?;
        if lost <= since {
            return None;
        }
        e.cancelled = true;
        e.last_modified = e.last_modified.max(lost);
    }
    let k = u32::try_from(cancelled.len()).unwrap_or(u32::MAX / 4);
    e.sequence = e
        .sequence
        .saturating_add(k.saturating_mul(2))
        .saturating_sub(u32::from(!active));
    Some(e)
}
