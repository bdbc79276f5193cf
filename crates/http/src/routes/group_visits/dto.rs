//! Response bodies of the group-visit routes and their mapping from storage models.
use chrono::{DateTime, Duration, NaiveDate, Utc};
use cxc_domain::agenda::{AgendaWarning, transfer_warnings};
use cxc_domain::visit::VisitStatus;
use cxc_persistence::{
    entities::{agenda_items, group_visits, users},
    repositories::{
        group_visits::calendar::visit_facts,
        group_visits::registrations::RegistrationView,
        group_visits::{VisitView, domain_item},
    },
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A non-blocking remark about the agenda (e.g. too little time to change venue).
#[derive(Debug, Serialize, ToSchema)]
pub struct WarningDto {
    /// `tight_transfer`
    pub code: String,
    pub message: String,
    /// The earlier item, then the later one.
    pub item_ids: Vec<Uuid>,
}

impl From<AgendaWarning> for WarningDto {
    fn from(w: AgendaWarning) -> Self {
        Self {
            code: w.code.to_owned(),
            message: w.message,
            item_ids: w.item_ids,
        }
    }
}

/// One programme item: local times in the visit's zone plus the UTC instants.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaItemDto {
    pub id: Uuid,
    /// `facility_visit`, `workshop`, `seminar`, `conference`, `stakeholder_visit`, `networking` or `transfer`.
    pub kind: String,
    pub title: String,
    pub description: Option<String>,
    /// Local time in the visit's time zone, e.g. `2026-03-02T09:00`.
    #[schema(example = "2026-03-02T09:00")]
    pub starts_at: String,
    #[schema(example = "2026-03-02T10:30")]
    pub ends_at: String,
    pub starts_at_utc: DateTime<Utc>,
    pub ends_at_utc: DateTime<Utc>,
    pub venue: String,
    pub facility: Option<String>,
    /// Places of a separately registered activity; `null` = open to every participant.
    pub capacity: Option<i32>,
    pub confirmed_count: i32,
    pub waitlisted_count: i64,
    /// iCalendar SEQUENCE: bumped by every change after publication.
    pub sequence: i32,
    pub updated_at: DateTime<Utc>,
    /// Warnings that involve this item.
    pub warnings: Vec<WarningDto>,
}

/// "Add to my calendar" links: each opens the web calendar's new-event form filled in
/// with the visit (whole days, title, city).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebCalendarLinksDto {
    /// Google Calendar.
    pub google: String,
    /// Outlook on the web, personal accounts (outlook.com).
    pub outlook: String,
    /// Outlook on the web, work or school accounts (Microsoft 365).
    pub office365: String,
}

/// A group visit; `agenda` and `warnings` are included when one visit is read.
#[derive(Debug, Serialize, ToSchema)]
pub struct VisitDto {
    pub id: Uuid,
    pub partnership_id: Uuid,
    pub title: String,
    pub description: String,
    pub host_country: String,
    pub city: String,
    pub timezone: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub capacity: i32,
    pub confirmed_count: i32,
    pub waitlisted_count: i64,
    pub places_left: i32,
    pub registration_closes_at: DateTime<Utc>,
    /// Published, and the deadline has not passed.
    pub registration_open: bool,
    /// `draft`, `published` or `cancelled`.
    pub status: String,
    /// Number of the latest frozen agenda version (0 while a draft).
    pub agenda_version: i32,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Links that add the visit to the common web calendars.
    pub add_to_calendar: WebCalendarLinksDto,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agenda: Option<Vec<AgendaItemDto>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warnings: Option<Vec<WarningDto>>,
}

impl VisitDto {
    /// The visit without its agenda (lists, state changes).
    #[must_use]
    pub fn summary(v: group_visits::Model, waitlisted: i64, now: DateTime<Utc>) -> Self {
        let registration_open =
            v.status == VisitStatus::Published && now < v.registration_closes_at;
        // The same links as the visit's emails carry.
        let links = visit_facts(&v).add_to_calendar;
        Self {
            id: v.id,
            partnership_id: v.partnership_id,
            title: v.title,
            description: v.description,
            host_country: v.host_country,
            city: v.city,
            timezone: v.timezone,
            starts_on: v.starts_on,
            ends_on: v.ends_on,
            capacity: v.capacity,
            confirmed_count: v.confirmed_count,
            waitlisted_count: waitlisted,
            places_left: (v.capacity - v.confirmed_count).max(0),
            registration_closes_at: v.registration_closes_at,
            registration_open,
            status: v.status.to_string(),
            agenda_version: v.agenda_version,
            version: v.version,
            created_at: v.created_at,
            updated_at: v.updated_at,
            add_to_calendar: WebCalendarLinksDto {
                google: links.google,
                outlook: links.outlook,
                office365: links.office365,
            },
            agenda: None,
            warnings: None,
        }
    }

    /// The visit with its agenda and the agenda's warnings.
    #[must_use]
    pub fn full(view: VisitView, buffer_minutes: i64, now: DateTime<Utc>) -> Self {
        let waitlisted = view.waitlisted.get(&None).copied().unwrap_or(0);
        let agenda = items(&view.items, &view.waitlisted, buffer_minutes);
        let warnings = warnings(&view.items, buffer_minutes);
        let mut dto = Self::summary(view.visit, waitlisted, now);
        dto.agenda = Some(agenda);
        dto.warnings = Some(warnings.into_iter().map(WarningDto::from).collect());
        dto
    }
}

fn warnings(items: &[agenda_items::Model], buffer_minutes: i64) -> Vec<AgendaWarning> {
    let domain: Vec<_> = items.iter().map(domain_item).collect();
    transfer_warnings(&domain, Duration::minutes(buffer_minutes))
}

/// Item DTOs for a live agenda, each with the warnings that involve it.
#[must_use]
pub fn items(
    items: &[agenda_items::Model],
    waitlisted: &std::collections::HashMap<Option<Uuid>, i64>,
    buffer_minutes: i64,
) -> Vec<AgendaItemDto> {
    let all = warnings(items, buffer_minutes);
    items
        .iter()
        .map(|i| {
            let mine = all
                .iter()
                .filter(|w| w.item_ids.contains(&i.id))
                .cloned()
                .map(WarningDto::from)
                .collect();
            item(i, waitlisted.get(&Some(i.id)).copied().unwrap_or(0), mine)
        })
        .collect()
}

#[must_use]
pub fn item(i: &agenda_items::Model, waitlisted: i64, warnings: Vec<WarningDto>) -> AgendaItemDto {
    AgendaItemDto {
        id: i.id,
        kind: i.kind.to_string(),
        title: i.title.clone(),
        description: i.description.clone(),
        starts_at: i.starts_local.clone(),
        ends_at: i.ends_local.clone(),
        starts_at_utc: i.starts_at,
        ends_at_utc: i.ends_at,
        venue: i.venue.clone(),
        facility: i.facility.clone(),
        capacity: i.capacity,
        confirmed_count: i.confirmed_count,
        waitlisted_count: waitlisted,
        sequence: i.sequence,
        updated_at: i.updated_at,
        warnings,
    }
}

/// The person behind a registration (shown to the visit's organisers).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegistrantDto {
    pub full_name: String,
    pub email: String,
}

/// A registration for a visit (`item_id` null) or one of its limited activities.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegistrationDto {
    pub id: Uuid,
    pub visit_id: Uuid,
    pub item_id: Option<Uuid>,
    pub user_id: Uuid,
    pub organisation_id: Uuid,
    /// `confirmed`, `waitlisted` or `cancelled`.
    pub status: String,
    /// 1-based place on the waiting list, while waitlisted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub participant: Option<RegistrantDto>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visit_title: Option<String>,
}

impl RegistrationDto {
    #[must_use]
    pub fn new(v: &RegistrationView) -> Self {
        let r = &v.reg;
        Self {
            id: r.id,
            visit_id: r.visit_id,
            item_id: r.item_id,
            user_id: r.user_id,
            organisation_id: r.organisation_id,
            status: r.status.to_string(),
            position: v.position,
            created_at: r.created_at,
            cancelled_at: r.cancelled_at,
            participant: None,
            visit_title: None,
        }
    }

    #[must_use]
    pub fn with_user(mut self, u: Option<&users::Model>) -> Self {
        self.participant = u.map(|u| RegistrantDto {
            full_name: u.full_name.clone(),
            email: u.email.clone(),
        });
        self
    }
}
