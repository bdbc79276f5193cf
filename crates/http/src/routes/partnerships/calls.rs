//! Calls for exchanges, opened by a partnership's coordinator; readable by anyone.
use std::collections::BTreeMap;

use axum::{extract::State, response::Response};
use chrono::{DateTime, Utc};
use cxc_domain::policy::{self, PartnershipAction};
use cxc_domain::{
    countries::ProgrammeCountries, countries::is_iso_country, organisation::Profile, plausible,
};
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
    fields::{self, Text},
    pagination::{Page, Paged, paged},
    respond,
    routes::organisations::validation,
    state::AppState,
};
use validator::Validate;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_call))
        .routes(routes!(list_calls))
        .routes(routes!(get_call))
}

fn default_min_working_days() -> i32 {
    plausible::MIN_WORKING_DAYS
}

fn default_max_days() -> i32 {
    plausible::MAX_DAYS
}

/// A call as submitted. Bounds on the fields are declared once: by the field's type
/// ([`Text`]) or by `validate` with the domain's constants, mirrored in `schema` (the
/// test `fields::tests::schemas_and_checks_agree` fails if the two differ).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CallBody {
    #[validate(custom(function = "fields::text"))]
    title: Text<1, 200>,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
    #[validate(range(min = 0, max = plausible::MAX_CENTS, code = "out_of_range", message = "the budget must be between 0 and 10,000,000,000 cents"))]
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    budget_cents: i64,
    /// 1 to 10,000 (`plausible::MAX_PLACES`).
    #[schema(minimum = 1, maximum = 10_000)]
    places: i32,
    /// Working days at the host, 3 (the scheme's minimum) to 23; default 3.
    #[serde(default = "default_min_working_days")]
    #[schema(minimum = 3, maximum = 23)]
    min_working_days: i32,
    /// Calendar days, from `min_working_days` to 31 (one month); default 31.
    #[serde(default = "default_max_days")]
    #[schema(minimum = 3, maximum = 31)]
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
            lump_sums_by_host_country: c.lump_sums_by_host_country.0.clone(),
            eligible_profiles: c
                .eligible_profiles
                .iter()
                .map(ToString::to_string)
                .collect(),
            sectors: c.sectors.0.clone(),
            version: c.version,
            created_at: c.created_at,
        }
    }
}

/// ISO 3166-1 has 249 alpha-2 codes; a map with more keys cannot be valid.
const MAX_COUNTRIES: usize = 249;

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
    let mut p = fields::problems(b.validate());
    let title = b.title.clean();
    if b.closes_at <= b.opens_at {
        p.push(Problem::new(
            "closes_at",
            "before_open",
            "closes_at must be after opens_at",
        ));
    }
    for (field, at) in [("opens_at", b.opens_at), ("closes_at", b.closes_at)] {
        if let Err(e) = plausible::scheme_date(at.date_naive()) {
            p.push(Problem::new(field, e.code, e.message));
        }
    }
    for (field, e) in plausible::call_limits(b.places, b.min_working_days, b.max_days) {
        p.push(Problem::new(field, e.code, e.message));
    }
    // Lists are bounded before any entry is looked at.
    if b.lump_sums_by_host_country.len() > MAX_COUNTRIES {
        p.push(Problem::new(
            "lump_sums_by_host_country",
            "too_many",
            format!("at most {MAX_COUNTRIES} countries"),
        ));
    }
    if b.eligible_profiles.len() > Profile::ALL.len() {
        p.push(Problem::new(
            "eligible_profiles",
            "too_many",
            format!("at most {} profiles", Profile::ALL.len()),
        ));
    }
    if p.iter().any(|x| x.code == "too_many") {
        return Err(ApiError::Unprocessable(p));
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
    let mut profiles: Vec<Profile> = Vec::new();
    for (i, name) in b.eligible_profiles.iter().enumerate() {
        match Profile::parse(name) {
            Some(pr) if !profiles.contains(&pr) => profiles.push(pr),
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
        lump_sums_by_host_country: sums,
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
) -> ApiResult<Paged<CallDto>> {
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
    Ok(paged(rows, limit, |c| c.id, |c| CallDto::new(&c, now)))
}

/// One call with its budget and places taken.
#[utoipa::path(get, path = "/api/v1/calls/{id}", tag = "partnerships", params(("id" = Uuid, Path)),
    responses((status = 200, body = CallDto, headers(("ETag" = String)))))]
async fn get_call(State(st): State<AppState>, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Response> {
    let c = st.store.call(id).await?;
    Ok(respond::tagged(c.version, CallDto::new(&c, st.store.now())))
}

/// The example and the checks of [`CallBody`] for `fields::tests::schemas_and_checks_agree`.
#[cfg(test)]
pub(crate) fn probe() -> crate::routes::Probe {
    let example = serde_json::json!({"title": "BIGINN call", "opens_at": "2026-01-01T00:00:00Z",
        "closes_at": "2026-06-01T00:00:00Z", "budget_cents": 3_300_000, "places": 30,
        "min_working_days": 3, "max_days": 31, "lump_sum_default_cents": 60_000});
    let cap = cxc_domain::eligibility::RuleConfig::default().lump_sum_ceiling_cents;
    crate::routes::probe_with::<CallBody>("CallBody", example, move |b| {
        check(b.clone(), cap).map(|_| ())
    })
}
