//! 360ºXchange group visits: create, list, read, publish, cancel. The agenda,
//! registration and calendar routes live in the child modules below.
use axum::{extract::State, response::Response};
use chrono::{DateTime, NaiveDate, Utc};
use cxc_domain::visit::VisitStatus;
use cxc_domain::{agenda::parse_tz, countries, plausible};
use cxc_persistence::{
    Problem,
    repositories::{group_visits::VisitInput, group_visits::list::VisitFilter},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

pub mod agenda;
pub mod calendar;
pub mod dto;
pub mod lifecycle;
pub mod registrations;

use crate::openapi::problems::{Forbidden, UnprocessableContent};
use crate::{
    error::{ApiError, ApiResult},
    extract::{ApiJson, ApiPath, ApiQuery, Auth, MaybeAuth},
    fields::{self, Text},
    pagination::{Page, Paged, paged},
    respond::{created, tagged},
    state::AppState,
};
use dto::VisitDto;
use validator::Validate;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_visit, list_visits))
        .routes(routes!(get_visit))
        .merge(lifecycle::router())
        .merge(agenda::router())
        .merge(registrations::router())
        .merge(calendar::router())
}

/// A group visit as submitted; the bounds are declared once per field (see
/// `crate::fields`).
#[derive(Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateVisit {
    partnership_id: Uuid,
    #[validate(custom(function = "fields::text"))]
    title: Text<1, 200>,
    #[serde(default)]
    #[validate(custom(function = "fields::text"))]
    description: Text<0, 10_000>,
    /// ISO 3166-1 alpha-2, e.g. `CH`.
    host_country: String,
    #[validate(custom(function = "fields::text"))]
    city: Text<1, 100>,
    /// IANA time zone of the agenda's local times, e.g. `Europe/Zurich`.
    timezone: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    /// Places for participants, 1 to 10,000.
    #[validate(range(min = 1, max = plausible::MAX_VISIT_CAPACITY, code = "out_of_range", message = "capacity must be between 1 and 10000"))]
    #[schema(minimum = 1, maximum = 10_000)]
    capacity: i32,
    registration_closes_at: DateTime<Utc>,
}

fn check_visit(r: &CreateVisit) -> ApiResult<VisitInput> {
    let mut problems = fields::problems(r.validate());
    let (title, description, city) = (r.title.clean(), r.description.clean(), r.city.clean());
    let host_country = countries::ProgrammeCountries::normalise(&r.host_country);
    if !countries::is_iso_country(&host_country) {
        problems.push(Problem::new(
            "host_country",
            "invalid_country",
            "must be an ISO 3166-1 alpha-2 country code such as CH",
        ));
    }
    let timezone = match parse_tz(&r.timezone) {
        Ok(tz) => tz.name().to_owned(),
        Err(e) => {
            problems.push(Problem::new("timezone", e.code(), e.to_string()));
            String::new()
        }
    };
    for (field, e) in plausible::visit_days(r.starts_on, r.ends_on) {
        problems.push(Problem::new(field, e.code, e.message));
    }
    if let Err(e) = plausible::scheme_date(r.registration_closes_at.date_naive()) {
        problems.push(Problem::new("registration_closes_at", e.code, e.message));
    }
    if r.registration_closes_at.date_naive() > r.ends_on {
        problems.push(Problem::new(
            "registration_closes_at",
            "closes_after_visit",
            "registration must close before the visit ends",
        ));
    }
    if !problems.is_empty() {
        return Err(ApiError::Unprocessable(problems));
    }
    Ok(VisitInput {
        partnership_id: r.partnership_id,
        title,
        description,
        host_country,
        city,
        timezone,
        starts_on: r.starts_on,
        ends_on: r.ends_on,
        capacity: r.capacity,
        registration_closes_at: r.registration_closes_at,
    })
}

/// Creates a draft visit (partners and coordinators of the partnership, admins).
#[utoipa::path(post, path = "/api/v1/group-visits", tag = "group-visits", security(("bearer" = [])),
    request_body = CreateVisit, params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = VisitDto),
        Forbidden))]
async fn create_visit(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiJson(r): ApiJson<CreateVisit>,
) -> ApiResult<Response> {
    let input = check_visit(&r)?;
    let v = st.store.create_visit(&input, &c).await?;
    let version = v.version;
    let mut dto = VisitDto::summary(v, 0, st.store.now());
    dto.agenda = Some(vec![]);
    dto.warnings = Some(vec![]);
    Ok(created(version, dto))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VisitQuery {
    /// ISO country code of the host.
    host_country: Option<String>,
    /// Visits still running on or after this date.
    from: Option<NaiveDate>,
    /// Visits starting on or before this date.
    to: Option<NaiveDate>,
    partnership_id: Option<Uuid>,
    /// `draft`, `published` or `cancelled`.
    status: Option<String>,
    /// 1..200, default 50.
    limit: Option<i64>,
    cursor: Option<String>,
}

/// Published visits for everyone; drafts too for the partnerships the caller works for.
#[utoipa::path(get, path = "/api/v1/group-visits", tag = "group-visits", security((), ("bearer" = [])), params(VisitQuery),
    responses((status = 200, body = Paged<VisitDto>), UnprocessableContent))]
async fn list_visits(
    State(st): State<AppState>,
    MaybeAuth(c): MaybeAuth,
    ApiQuery(q): ApiQuery<VisitQuery>,
) -> ApiResult<Paged<VisitDto>> {
    let page = Page {
        limit: q.limit,
        cursor: q.cursor,
    };
    let limit = page.limit()?;
    if let Some(s) = q
        .status
        .as_deref()
        .filter(|s| s.parse::<VisitStatus>().is_err())
    {
        return Err(ApiError::invalid(
            "status",
            "invalid_status",
            format!("{s:?} is not draft, published or cancelled"),
        ));
    }
    let f = VisitFilter {
        host_country: q.host_country,
        from: q.from,
        to: q.to,
        partnership_id: q.partnership_id,
        status: q.status,
        after: page.after()?,
        limit: limit + 1,
    };
    let rows = st.store.list_visits(&f, c.as_ref()).await?;
    Ok(paged(
        rows,
        limit,
        |(v, _)| v.id,
        |(v, n)| VisitDto::summary(v, n, st.store.now()),
    ))
}

/// One visit with its agenda (local and UTC times), agenda version, warnings and counts.
#[utoipa::path(get, path = "/api/v1/group-visits/{id}", tag = "group-visits", security((), ("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = VisitDto, headers(("ETag" = String)))))]
async fn get_visit(
    State(st): State<AppState>,
    MaybeAuth(c): MaybeAuth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let view = st.store.visit_view(id, c.as_ref()).await?;
    let version = view.visit.version;
    Ok(tagged(
        version,
        VisitDto::full(view, st.settings.transfer_buffer_minutes, st.store.now()),
    ))
}

/// Examples and checks of the group-visit bodies for
/// `fields::tests::schemas_and_checks_agree`.
#[cfg(test)]
pub(crate) fn probes() -> Vec<crate::routes::Probe> {
    let mut out = vec![probe(), registrations::probe()];
    out.extend(lifecycle::probes());
    out.extend(agenda::probes());
    out
}

/// The example and the checks of [`CreateVisit`] for `fields::tests::schemas_and_checks_agree`.
#[cfg(test)]
pub(crate) fn probe() -> crate::routes::Probe {
    let example = serde_json::json!({"partnership_id": Uuid::nil(), "title": "CERN",
        "description": "Three days", "host_country": "CH", "city": "Geneva",
        "timezone": "Europe/Zurich", "starts_on": "2027-03-27", "ends_on": "2027-03-29",
        "capacity": 20, "registration_closes_at": "2027-03-20T12:00:00Z"});
    crate::routes::probe_with::<CreateVisit>("CreateVisit", example, |b| check_visit(b).map(|_| ()))
}
