//! Calls for exchanges, opened by a partnership's coordinator; readable by anyone.
use std::collections::BTreeMap;

use axum::{Json, extract::State, response::Response};
use chrono::{DateTime, Utc};
use cxc_domain::policy::{self, PartnershipAction};
use cxc_domain::{countries::ProgrammeCountries, countries::is_iso_country, organisation::Profile};
use cxc_persistence::{
    Problem,
    entities::calls,
    repositories::{partnerships::CallFilter, partnerships::CallInput},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::openapi::problems::{Conflict, Forbidden, UnprocessableContent};
use crate::{
    error::{ApiError, ApiResult},
    extract::{ApiJson, ApiPath, ApiQuery, Auth},
    pagination::{Page, Paged, paged},
    respond,
    routes::organisations::validation,
    state::AppState,
    validate,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_call))
        .routes(routes!(list_calls))
        .routes(routes!(get_call))
}

fn default_min_working_days() -> i32 {
    3
}

fn default_max_days() -> i32 {
    31
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallBody {
    title: String,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    budget_cents: i64,
    places: i32,
    /// Default 3.
    #[serde(default = "default_min_working_days")]
    min_working_days: i32,
    /// Calendar days, default 31 (one month).
    #[serde(default = "default_max_days")]
    max_days: i32,
    /// Lump sum for host countries without their own amount; 0..=110000.
    lump_sum_default_cents: i64,
    /// Per host country (ISO alpha-2), each 0..=110000 (€1,100 ceiling, rule R21).
    #[serde(default)]
    lump_sums_by_host_country: BTreeMap<String, i64>,
    /// Profiles that may apply; empty or absent means every visiting profile.
    #[serde(default)]
    eligible_profiles: Vec<String>,
    #[serde(default)]
    sectors: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CallDto {
    id: Uuid,
    partnership_id: Uuid,
    title: String,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    /// Whether the call accepts applications now.
    is_open: bool,
    budget_cents: i64,
    budget_committed_cents: i64,
    budget_paid_cents: i64,
    budget_remaining_cents: i64,
    places: i32,
    places_taken: i32,
    places_remaining: i32,
    min_working_days: i32,
    max_days: i32,
    lump_sum_default_cents: i64,
    lump_sums_by_host_country: BTreeMap<String, i64>,
    eligible_profiles: Vec<String>,
    sectors: Vec<String>,
    version: i32,
    created_at: DateTime<Utc>,
}

impl CallDto {
    fn new(c: &calls::Model, now: DateTime<Utc>) -> Self {
        Self {
            id: c.id,
            partnership_id: c.partnership_id,
            title: c.title.clone(),
            opens_at: c.opens_at,
            closes_at: c.closes_at,
            is_open: c.opens_at <= now && now < c.closes_at,
            budget_cents: c.budget_cents,
            budget_committed_cents: c.budget_committed_cents,
            budget_paid_cents: c.budget_paid_cents,
            budget_remaining_cents: c.budget_cents - c.budget_committed_cents,
            places: c.places,
            places_taken: c.places_taken,
            places_remaining: c.places - c.places_taken,
            min_working_days: c.min_working_days,
            max_days: c.max_days,
            lump_sum_default_cents: c.lump_sum_default_cents,
            lump_sums_by_host_country: serde_json::from_value(c.lump_sums_by_host_country.clone())
                .unwrap_or_default(),
            eligible_profiles: serde_json::from_value(c.eligible_profiles.clone())
                .unwrap_or_default(),
            sectors: serde_json::from_value(c.sectors.clone()).unwrap_or_default(),
            version: c.version,
            created_at: c.created_at,
        }
    }
}

fn lump_sum(v: i64, field: String, cap: i64, p: &mut Vec<Problem>) {
    if !(0..=cap).contains(&v) {
        p.push(Problem::new(
            field,
            "out_of_range",
            format!("a lump sum must be between 0 and {cap} cents (the €1,100 ceiling), got {v}"),
        ));
    }
}

/// Every problem of the body at once; the cleaned input otherwise.
/// `cap` is the lump-sum ceiling of the store's rule set.
fn check(b: CallBody, cap: i64) -> ApiResult<CallInput> {
    let mut p = Vec::new();
    let title = validate::text(&b.title, "title", 1, 200, &mut p);
    if b.closes_at <= b.opens_at {
        p.push(Problem::new(
            "closes_at",
            "before_open",
            "closes_at must be after opens_at",
        ));
    }
    if b.budget_cents < 0 {
        p.push(Problem::new(
            "budget_cents",
            "negative",
            "the budget must not be negative",
        ));
    }
    if b.places < 1 {
        p.push(Problem::new(
            "places",
            "out_of_range",
            "a call needs at least one place",
        ));
    }
    if b.min_working_days < 1 {
        p.push(Problem::new(
            "min_working_days",
            "out_of_range",
            "min_working_days must be at least 1",
        ));
    }
    if b.max_days < b.min_working_days {
        p.push(Problem::new(
            "max_days",
            "out_of_range",
            "max_days must not be less than min_working_days",
        ));
    }
    lump_sum(
        b.lump_sum_default_cents,
        "lump_sum_default_cents".into(),
        cap,
        &mut p,
    );
    let mut sums = BTreeMap::new();
    for (cc, v) in b.lump_sums_by_host_country {
        let field = format!("lump_sums_by_host_country.{cc}");
        if is_iso_country(&cc) {
            sums.insert(ProgrammeCountries::normalise(&cc), v);
        } else {
            p.push(Problem::new(field.clone(), "invalid_country", format!("'{cc}' is not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. DK)")));
        }
        lump_sum(v, field, cap, &mut p);
    }
    let mut profiles: Vec<String> = Vec::new();
    for (i, name) in b.eligible_profiles.iter().enumerate() {
        match Profile::parse(name) {
            Some(pr) if !profiles.iter().any(|x| x == pr.as_str()) => {
                profiles.push(pr.as_str().to_owned())
            }
            Some(_) => {}
            None => p.push(Problem::new(
                format!("eligible_profiles[{i}]"),
                "unknown_profile",
                format!(
                    "'{name}' is not a profile; use one of {}",
                    Profile::ALL.map(|x| x.as_str()).join(", ")
                ),
            )),
        }
    }
    let sectors = validation::tags(&b.sectors, "sectors", &mut p);
    if !p.is_empty() {
        return Err(ApiError::Unprocessable(p));
    }
    Ok(CallInput {
        title,
        opens_at: b.opens_at,
        closes_at: b.closes_at,
        budget_cents: b.budget_cents,
        places: b.places,
        min_working_days: b.min_working_days,
        max_days: b.max_days,
        lump_sum_default_cents: b.lump_sum_default_cents,
        lump_sums_by_host_country: serde_json::json!(sums),
        eligible_profiles: profiles,
        sectors,
    })
}

/// Opens a call in the partnership (its coordinators and admins).
#[utoipa::path(post, path = "/api/v1/partnerships/{id}/calls", tag = "partnerships", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("Idempotency-Key" = Option<String>, Header, description = "Retry key: the same key and body replay the first response")),
    request_body = CallBody,
    responses((status = 201, body = CallDto, headers(("ETag" = String))),
        Forbidden, Conflict))]
async fn create_call(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<CallBody>,
) -> ApiResult<Response> {
    st.store.partnership(id).await?;
    policy::partnership_action(&c.actor, id, PartnershipAction::ManageCalls)?;
    let input = check(body, st.store.rules().lump_sum_ceiling_cents)?;
    let m = st.store.create_call(id, &input).await?;
    Ok(respond::created(
        m.version,
        CallDto::new(&m, st.store.now()),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallQuery {
    /// `true`: only calls accepting applications now; `false`: only the others.
    open: Option<bool>,
    partnership_id: Option<Uuid>,
    /// 1..200, default 50.
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Calls, newest first.
#[utoipa::path(get, path = "/api/v1/calls", tag = "partnerships", params(CallQuery),
    responses((status = 200, body = Paged<CallDto>), UnprocessableContent))]
async fn list_calls(
    State(st): State<AppState>,
    ApiQuery(q): ApiQuery<CallQuery>,
) -> ApiResult<Json<Paged<CallDto>>> {
    let page = Page {
        limit: q.limit,
        cursor: q.cursor,
    };
    let limit = page.limit()?;
    let now = st.store.now();
    let filter = CallFilter {
        open_at: (q.open == Some(true)).then_some(now),
        closed_at: (q.open == Some(false)).then_some(now),
        partnership_id: q.partnership_id,
        after: page.after()?,
        limit: limit + 1,
    };
    let rows = st.store.list_calls(&filter).await?;
    Ok(Json(paged(
        rows,
        limit,
        |c| c.id,
        |c| CallDto::new(&c, now),
    )))
}

/// One call with its budget and places taken.
#[utoipa::path(get, path = "/api/v1/calls/{id}", tag = "partnerships", params(("id" = Uuid, Path)),
    responses((status = 200, body = CallDto, headers(("ETag" = String)))))]
async fn get_call(State(st): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Response> {
    let c = st.store.call(id).await?;
    Ok(respond::tagged(c.version, CallDto::new(&c, st.store.now())))
}
