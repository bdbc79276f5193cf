//! Agenda items of a group visit, and its frozen agenda versions.
use axum::{extract::State, http::StatusCode, response::Response};
use chrono::{DateTime, NaiveDateTime, Utc};
use cxc_domain::agenda::{ItemKind, parse_local};
use cxc_persistence::{
    Problem,
    repositories::{
        group_visits::agenda::{AgendaChange, ItemInput, ItemPatch},
        group_visits::versions::{ChangelogDoc, SnapshotItem},
    },
};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::dto::{AgendaItemDto, items};
use crate::openapi::problems::{Conflict, Forbidden};
use crate::{
    error::{ApiError, ApiResult},
    extract::{ApiJson, ApiPath, Auth, IfMatch, MaybeAuth},
    fields::{self, Text},
    respond::{created, tagged},
    state::AppState,
};
use cxc_domain::plausible;
use validator::Validate;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(add_item))
        .routes(routes!(patch_item, delete_item))
        .routes(routes!(agenda_versions))
        .routes(routes!(item_audience))
}

/// An optional facility name, as on [`CreateItem`].
type Facility = Text<0, 200>;
/// An optional item description, as on [`CreateItem`].
type Description = Text<0, 5000>;

/// An agenda item as submitted; the bounds are declared once per field (see
/// `crate::fields`), and [`PatchItem`] shares them.
#[derive(Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateItem {
    /// `facility_visit`, `workshop`, `seminar`, `conference`, `stakeholder_visit`, `networking` or `transfer`.
    #[schema(example = "facility_visit")]
    kind: String,
    #[validate(custom(function = "fields::text"))]
    title: Text<1, 200>,
    /// Local time in the visit's time zone.
    #[schema(example = "2026-03-02T09:00")]
    starts_at: String,
    #[schema(example = "2026-03-02T10:30")]
    ends_at: String,
    #[validate(custom(function = "fields::text"))]
    venue: Text<1, 200>,
    #[validate(custom(function = "fields::text"))]
    facility: Option<Facility>,
    #[validate(custom(function = "fields::text"))]
    description: Option<Description>,
    /// Places for a separately registered activity, 1 to 10,000; omit when every
    /// participant attends.
    #[validate(range(min = 1, max = plausible::MAX_VISIT_CAPACITY, code = "out_of_range", message = "capacity must be between 1 and 10000"))]
    #[schema(minimum = 1, maximum = 10_000)]
    capacity: Option<i32>,
}

/// Distinguishes a missing field (`None`) from an explicit `null` (`Some(None)`).
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PatchItem {
    kind: Option<String>,
    #[validate(custom(function = "fields::text"))]
    title: Option<Text<1, 200>>,
    #[schema(example = "2026-03-02T09:30")]
    starts_at: Option<String>,
    ends_at: Option<String>,
    #[validate(custom(function = "fields::text"))]
    venue: Option<Text<1, 200>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Facility>)]
    #[validate(custom(function = "fields::text"))]
    facility: Option<Option<Facility>>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<Description>)]
    #[validate(custom(function = "fields::text"))]
    description: Option<Option<Description>>,
    /// `null` makes the activity open to every participant again.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 10_000)]
    #[validate(range(min = 1, max = plausible::MAX_VISIT_CAPACITY, code = "out_of_range", message = "capacity must be between 1 and 10000"))]
    capacity: Option<Option<i32>>,
}

struct Checks(Vec<Problem>);

impl Checks {
    fn kind(&mut self, s: &str) -> ItemKind {
        ItemKind::parse(s).unwrap_or_else(|| {
            let all: Vec<&str> = ItemKind::ALL.iter().map(|k| k.as_str()).collect();
            self.0.push(Problem::new(
                "kind",
                "invalid_kind",
                format!("kind must be one of {}", all.join(", ")),
            ));
            ItemKind::Workshop
        })
    }

    fn time(&mut self, s: &str, field: &str) -> NaiveDateTime {
        parse_local(s).unwrap_or_else(|e| {
            self.0.push(Problem::new(field, e.code(), e.to_string()));
            NaiveDateTime::MIN
        })
    }

    fn done<T>(self, v: T) -> ApiResult<T> {
        // The declared rules' problems come first in `self.0`.
        if self.0.is_empty() {
            Ok(v)
        } else {
            Err(ApiError::Unprocessable(self.0))
        }
    }
}

/// Optional text as stored: trimmed, an empty one is none.
fn optional<const MAX: usize>(t: Option<&Text<0, MAX>>) -> Option<String> {
    t.map(Text::clean).filter(|t| !t.is_empty())
}

/// Every problem of a new item at once; the cleaned input otherwise.
fn check_item(r: &CreateItem) -> ApiResult<ItemInput> {
    let mut ck = Checks(fields::problems(r.validate()));
    let input = ItemInput {
        kind: ck.kind(&r.kind),
        title: r.title.clean(),
        starts_local: ck.time(&r.starts_at, "starts_at"),
        ends_local: ck.time(&r.ends_at, "ends_at"),
        venue: r.venue.clean(),
        facility: optional(r.facility.as_ref()),
        description: optional(r.description.as_ref()),
        capacity: r.capacity,
    };
    ck.done(input)
}

/// Every problem of an item's changes at once; the cleaned changes otherwise.
fn check_patch(r: &PatchItem) -> ApiResult<ItemPatch> {
    let mut ck = Checks(fields::problems(r.validate()));
    let patch = ItemPatch {
        kind: r.kind.as_deref().map(|k| ck.kind(k)),
        title: r.title.as_ref().map(Text::clean),
        starts_local: r.starts_at.as_deref().map(|t| ck.time(t, "starts_at")),
        ends_local: r.ends_at.as_deref().map(|t| ck.time(t, "ends_at")),
        venue: r.venue.as_ref().map(Text::clean),
        facility: r.facility.as_ref().map(|f| optional(f.as_ref())),
        description: r.description.as_ref().map(|d| optional(d.as_ref())),
        capacity: r.capacity,
    };
    ck.done(patch)
}

fn item_response(
    change: &AgendaChange,
    waitlisted: &std::collections::HashMap<Option<Uuid>, i64>,
    buffer: i64,
) -> AgendaItemDto {
    let mut all = items(&change.items, waitlisted, buffer);
    match all.iter().position(|i| i.id == change.item.id) {
        Some(i) => all.swap_remove(i),
        // A removed item is no longer on the agenda.
        None => super::dto::item(&change.item, 0, vec![]),
    }
}

/// Adds an item; local times are in the visit's zone. 409 when it clashes with another
/// item at the same venue or falls outside the visit's dates; 422 for local times that
/// do not exist or happen twice (DST changes).
#[utoipa::path(post, path = "/api/v1/group-visits/{id}/agenda-items", tag = "group-visits", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = Option<String>, Header), ("Idempotency-Key" = Option<String>, Header)),
    request_body = CreateItem,
    responses((status = 201, body = AgendaItemDto, headers(("ETag" = String, description = "the visit's new version"))), Forbidden, Conflict))]
async fn add_item(
    State(st): State<AppState>,
    Auth(c): Auth,
    IfMatch(if_match): IfMatch,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<CreateItem>,
) -> ApiResult<Response> {
    let input = check_item(&r)?;
    let buffer = st.settings.transfer_buffer_minutes;
    let none = std::collections::HashMap::new();
    let change = st.store.add_agenda_item(id, &c, if_match, input).await?;
    Ok(created(
        change.visit.version,
        item_response(&change, &none, buffer),
    ))
}

/// Changes an item (same checks as adding it). After publication the change bumps the
/// item's SEQUENCE, freezes the next agenda version and emails the participants concerned.
#[utoipa::path(patch, path = "/api/v1/group-visits/{id}/agenda-items/{item_id}", tag = "group-visits",
    security(("bearer" = [])), params(("id" = Uuid, Path), ("item_id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    request_body = PatchItem,
    responses((status = 200, body = AgendaItemDto, headers(("ETag" = String, description = "the visit's new version"))), Forbidden, Conflict))]
async fn patch_item(
    State(st): State<AppState>,
    Auth(c): Auth,
    IfMatch(if_match): IfMatch,
    ApiPath((id, item_id)): ApiPath<(Uuid, Uuid)>,
    ApiJson(r): ApiJson<PatchItem>,
) -> ApiResult<Response> {
    let patch = check_patch(&r)?;
    let change = st
        .store
        .patch_agenda_item(id, item_id, &c, if_match, patch)
        .await?;
    let waitlisted = st.store.visit_view(id, Some(&c)).await?.waitlisted;
    let dto = item_response(&change, &waitlisted, st.settings.transfer_buffer_minutes);
    Ok(tagged(change.visit.version, dto))
}

/// Removes an item. After publication it stays in the calendar as cancelled, its
/// registrations are cancelled and the participants concerned are emailed.
#[utoipa::path(delete, path = "/api/v1/group-visits/{id}/agenda-items/{item_id}", tag = "group-visits",
    security(("bearer" = [])), params(("id" = Uuid, Path), ("item_id" = Uuid, Path), ("If-Match" = Option<String>, Header)),
    responses((status = 204), Forbidden, Conflict))]
async fn delete_item(
    State(st): State<AppState>,
    Auth(c): Auth,
    IfMatch(if_match): IfMatch,
    ApiPath((id, item_id)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    st.store
        .delete_agenda_item(id, item_id, &c, if_match)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// How many people a change to an item would email (the visit's managers ask before a
/// change to a published agenda), counted by the rule the agenda-change email follows.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemAudienceDto {
    /// The people the item is on the agenda of now: each is told of a change to it.
    count: usize,
    /// Everyone with a confirmed place on the visit: told instead when a change drops the
    /// item's own places (opens it to the whole visit). Equals `count` for an item
    /// without its own places.
    whole_visit: usize,
}

/// Whom a change to an item would tell, for the visit's managers (who also see its
/// registrations).
#[utoipa::path(get, path = "/api/v1/group-visits/{id}/agenda-items/{item_id}/audience", tag = "group-visits",
    security(("bearer" = [])), params(("id" = Uuid, Path), ("item_id" = Uuid, Path)),
    responses((status = 200, body = ItemAudienceDto), Forbidden))]
async fn item_audience(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath((id, item_id)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<axum::Json<ItemAudienceDto>> {
    let a = st.store.agenda_item_audience(id, item_id, &c).await?;
    Ok(axum::Json(ItemAudienceDto {
        count: a.count,
        whole_visit: a.whole_visit,
    }))
}

/// A frozen version of the agenda: every item as published, and what changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgendaVersionDto {
    number: i32,
    published_at: DateTime<Utc>,
    published_by: Uuid,
    #[schema(value_type = Object)]
    changelog: ChangelogDoc,
    #[schema(value_type = Vec<Object>)]
    items: Vec<SnapshotItem>,
}

/// Every frozen agenda version of a visit, oldest first (version 1 = as first published).
#[utoipa::path(get, path = "/api/v1/group-visits/{id}/agenda-versions", tag = "group-visits", security((), ("bearer" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = Vec<AgendaVersionDto>)))]
async fn agenda_versions(
    State(st): State<AppState>,
    MaybeAuth(c): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<axum::Json<Vec<AgendaVersionDto>>> {
    let rows = st.store.agenda_versions(id, c.as_ref()).await?;
    Ok(axum::Json(
        rows.into_iter()
            .map(|v| AgendaVersionDto {
                number: v.number,
                published_at: v.published_at,
                published_by: v.published_by,
                changelog: v.changelog.into_inner(),
                items: v.items.into_inner(),
            })
            .collect(),
    ))
}

/// Examples and checks of the agenda bodies for `fields::tests::schemas_and_checks_agree`.
#[cfg(test)]
pub(crate) fn probes() -> Vec<crate::routes::Probe> {
    use crate::routes::probe_with;
    use serde_json::json;
    vec![
        probe_with::<CreateItem>(
            "CreateItem",
            json!({"kind": "workshop", "title": "Lab tour", "starts_at": "2027-03-02T09:00",
                "ends_at": "2027-03-02T10:30", "venue": "Building 40", "facility": "ATLAS",
                "description": "Safety shoes", "capacity": 12}),
            |b| check_item(b).map(|_| ()),
        ),
        probe_with::<PatchItem>(
            "PatchItem",
            json!({"title": "Lab tour", "venue": "Building 40", "facility": "ATLAS",
                "description": "Safety shoes", "capacity": 12}),
            |b| check_patch(b).map(|_| ()),
        ),
    ]
}
