//! Exchange applications: create, read, edit drafts, list, history.
pub mod actions;
pub mod reports;
pub mod summary;

use axum::{
    Json,
    extract::State,
    response::{IntoResponse, Response},
};
use chrono::{DateTime, NaiveDate, Utc};
use cxc_domain::countries::is_iso_country;
use cxc_persistence::{
    Problem,
    entities::applications,
    repositories::applications::{AppFilter, ApplicationInput, ApplicationPatch, ParticipantData},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::openapi::problems::{Conflict, Forbidden, UnprocessableContent};
use crate::{
    error::{ApiError, ApiResult},
    extract::{ApiJson, ApiPath, ApiQuery, Auth, IfMatch},
    fields::{self, Email, Text},
    pagination::{Page, Paged, paged},
    respond::{created, tagged},
    state::AppState,
    validate,
};
use validator::Validate;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_application))
        .routes(routes!(get_application, patch_application))
        .routes(routes!(list_applications))
        .routes(routes!(application_history))
}

/// The representative who travels; the bounds are declared once per field (see
/// `crate::fields`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ParticipantDto {
    #[validate(custom(function = "fields::text"))]
    pub full_name: Text<1, 200>,
    #[validate(custom(function = "fields::email"))]
    pub email: Email,
    #[serde(default)]
    #[validate(custom(function = "fields::text"))]
    pub job_title: Text<0, 200>,
    /// ISO 3166-1 alpha-2.
    pub nationality: String,
    /// Country where the representative is based (ISO 3166-1 alpha-2).
    pub base_country: String,
    /// For third-country nationals (R11).
    #[serde(default)]
    pub residence_permit_days: Option<u32>,
    #[serde(default)]
    pub business_started_or_intended: Option<bool>,
}

/// An application as filed; the bounds are declared once per field (see `crate::fields`).
#[derive(Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct CreateApplication {
    pub organisation_id: Uuid,
    #[validate(nested)]
    pub participant: ParticipantDto,
    pub host_organisation_id: Uuid,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    /// Arrival and departure days, at most 10.
    #[serde(default)]
    #[validate(length(max = 10, code = "out_of_range", message = "at most 10 travel days"))]
    #[schema(max_items = 10)]
    pub travel_days: Vec<NaiveDate>,
    #[validate(custom(function = "fields::text"))]
    pub objectives: Text<1, 5000>,
    #[serde(default)]
    #[validate(length(max = 20, code = "too_many", message = "at most 20 entries"))]
    #[schema(max_items = 20)]
    pub activities: Vec<Text<1, 500>>,
    /// Stored lower-case.
    #[serde(default)]
    #[validate(length(max = 20, code = "too_many", message = "at most 20 entries"))]
    #[schema(max_items = 20)]
    pub sectors: Vec<Text<1, 80>>,
}

/// Changes to a draft; absent fields stay. The same bounds as [`CreateApplication`].
#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PatchApplication {
    #[validate(nested)]
    pub participant: Option<ParticipantDto>,
    pub host_organisation_id: Option<Uuid>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    #[validate(length(max = 10, code = "out_of_range", message = "at most 10 travel days"))]
    #[schema(max_items = 10)]
    pub travel_days: Option<Vec<NaiveDate>>,
    #[validate(custom(function = "fields::text"))]
    pub objectives: Option<Text<1, 5000>>,
    #[validate(length(max = 20, code = "too_many", message = "at most 20 entries"))]
    #[schema(max_items = 20)]
    pub activities: Option<Vec<Text<1, 500>>>,
    #[validate(length(max = 20, code = "too_many", message = "at most 20 entries"))]
    #[schema(max_items = 20)]
    pub sectors: Option<Vec<Text<1, 80>>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationDto {
    pub id: Uuid,
    pub call_id: Uuid,
    /// The visiting organisation's partnership (VOP).
    pub partnership_id: Uuid,
    /// The host's partnership (HOP).
    pub host_partnership_id: Uuid,
    pub applicant_id: Uuid,
    pub organisation_id: Uuid,
    pub host_organisation_id: Uuid,
    pub visitor_country: String,
    pub host_country: String,
    pub participant: ParticipantDto,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    pub travel_days: Vec<NaiveDate>,
    pub objectives: String,
    pub activities: Vec<String>,
    pub sectors: Vec<String>,
    /// draft, submitted, under_review, approved, rejected, waitlisted, committed, reported, completed, paid, withdrawn, cancelled
    pub status: String,
    /// pending, accepted, declined
    pub host_response: String,
    pub grant_cents: Option<i64>,
    pub working_days: Option<i32>,
    pub distance_km: Option<f64>,
    /// The eligibility report stored at submission.
    #[schema(value_type = Option<Object>)]
    pub eligibility: Option<serde_json::Value>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub validated_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub version: i32,
}

impl From<applications::Model> for ApplicationDto {
    fn from(a: applications::Model) -> Self {
        let p: ParticipantData = a.participant.into_inner();
        Self {
            id: a.id,
            call_id: a.call_id,
            partnership_id: a.partnership_id,
            host_partnership_id: a.host_partnership_id,
            applicant_id: a.applicant_id,
            organisation_id: a.organisation_id,
            host_organisation_id: a.host_organisation_id,
            visitor_country: a.visitor_country,
            host_country: a.host_country,
            participant: ParticipantDto {
                full_name: p.full_name.into(),
                email: p.email.into(),
                job_title: p.job_title.into(),
                nationality: p.nationality,
                base_country: p.base_country,
                residence_permit_days: p.residence_permit_days,
                business_started_or_intended: p.business_started_or_intended,
            },
            start_date: a.start_date,
            end_date: a.end_date,
            travel_days: a.travel_days.into_inner(),
            objectives: a.objectives,
            activities: a.activities.into_inner(),
            sectors: a.sectors.into_inner(),
            status: a.status.to_string(),
            host_response: a.host_response.to_string(),
            grant_cents: a.grant_cents,
            working_days: a.working_days,
            distance_km: a.distance_km,
            eligibility: a.eligibility,
            submitted_at: a.submitted_at,
            decided_at: a.decided_at,
            validated_at: a.validated_at,
            created_at: a.created_at,
            updated_at: a.updated_at,
            version: a.version,
        }
    }
}

fn participant(p: &ParticipantDto, out: &mut Vec<Problem>) -> ParticipantData {
    // The participant's address is a record, not an account: no mail is sent to it, so a
    // non-ASCII mailbox name is fine; look-alikes and invisible characters are not.
    let email = validate::email_field(&p.email, "participant.email", true, out);
    for (field, c) in [
        ("participant.nationality", &p.nationality),
        ("participant.base_country", &p.base_country),
    ] {
        if !is_iso_country(c) {
            out.push(Problem::new(
                field,
                "invalid_country",
                format!("'{c}' is not an ISO 3166-1 alpha-2 country code"),
            ));
        }
    }
    ParticipantData {
        full_name: p.full_name.clean(),
        email,
        job_title: p.job_title.clean(),
        nationality: p.nationality.clone(),
        base_country: p.base_country.clone(),
        residence_permit_days: p.residence_permit_days,
        business_started_or_intended: p.business_started_or_intended,
    }
}

/// Exchange dates must lie in the years the public-holiday data covers (today 2011-2100:
/// earlier years are not covered for every programme country, and no programme ran
/// before 2014), so no working-day figure is computed without its holidays.
pub(crate) fn check_dates(
    start: Option<NaiveDate>,
    end: Option<NaiveDate>,
    travel: Option<&[NaiveDate]>,
    out: &mut Vec<Problem>,
) {
    use cxc_domain::plausible::{scheme_date, scheme_years};
    let years = scheme_years();
    for (f, d) in [("start_date", start), ("end_date", end)] {
        if let Some(Err(e)) = d.map(scheme_date) {
            out.push(Problem::new(f, e.code, e.message));
        }
    }
    // Their number is declared on the request type; an over-long list was reported.
    if let Some(t) = travel
        && !out.iter().any(|p| p.field == "travel_days")
        && t.iter().any(|d| scheme_date(*d).is_err())
    {
        out.push(Problem::new(
            "travel_days",
            "out_of_range",
            format!(
                "travel days must lie between {} and {}",
                years.start(),
                years.end()
            ),
        ));
    }
}

/// Every problem of a new application at once; the cleaned input otherwise.
fn check_create(r: &CreateApplication) -> ApiResult<ApplicationInput> {
    let mut problems = fields::problems(r.validate());
    let participant = participant(&r.participant, &mut problems);
    check_dates(
        Some(r.start_date),
        Some(r.end_date),
        Some(&r.travel_days),
        &mut problems,
    );
    let activities = fields::texts(&r.activities, "activities", &mut problems);
    let sectors = fields::texts(&r.sectors, "sectors", &mut problems)
        .into_iter()
        .map(|s| s.to_lowercase())
        .collect();
    if !problems.is_empty() {
        return Err(ApiError::Unprocessable(problems));
    }
    Ok(ApplicationInput {
        organisation_id: r.organisation_id,
        participant,
        host_organisation_id: r.host_organisation_id,
        start_date: r.start_date,
        end_date: r.end_date,
        travel_days: r.travel_days.clone(),
        objectives: r.objectives.clean(),
        activities,
        sectors,
    })
}

/// Every problem of a draft's changes at once; the cleaned changes otherwise.
fn check_patch(r: &PatchApplication) -> ApiResult<ApplicationPatch> {
    let mut problems = fields::problems(r.validate());
    let participant = r
        .participant
        .as_ref()
        .map(|p| participant(p, &mut problems));
    check_dates(
        r.start_date,
        r.end_date,
        r.travel_days.as_deref(),
        &mut problems,
    );
    let activities = r
        .activities
        .as_deref()
        .map(|a| fields::texts(a, "activities", &mut problems));
    let sectors = r.sectors.as_deref().map(|s| {
        fields::texts(s, "sectors", &mut problems)
            .into_iter()
            .map(|s| s.to_lowercase())
            .collect()
    });
    if !problems.is_empty() {
        return Err(ApiError::Unprocessable(problems));
    }
    Ok(ApplicationPatch {
        participant,
        host_organisation_id: r.host_organisation_id,
        start_date: r.start_date,
        end_date: r.end_date,
        travel_days: r.travel_days.clone(),
        objectives: r.objectives.as_ref().map(Text::clean),
        activities,
        sectors,
    })
}

/// Files a draft application in a call (a contact of the visiting organisation).
#[utoipa::path(post, path = "/api/v1/calls/{id}/applications", tag = "applications", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "call"), ("Idempotency-Key" = Option<String>, Header)), request_body = CreateApplication,
    responses((status = 201, body = ApplicationDto), Forbidden, Conflict))]
async fn create_application(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(call_id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<CreateApplication>,
) -> ApiResult<Response> {
    let input = check_create(&r)?;
    let m = st.store.create_application(&c, call_id, &input).await?;
    Ok(created(m.version, ApplicationDto::from(m)))
}

/// One application (its applicant, host contacts, coordinators and partners of the VOP or HOP).
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "applications", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ApplicationDto, headers(("ETag" = String)))))]
async fn get_application(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let app = st.store.application_for(&c, id).await?;
    Ok(tagged(app.version, ApplicationDto::from(app)))
}

/// Edits a draft (applicant only, with `If-Match`).
#[utoipa::path(patch, path = "/api/v1/applications/{id}", tag = "applications", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "the ETag of the version being edited")), request_body = PatchApplication,
    responses((status = 200, body = ApplicationDto), Forbidden,
              Conflict))]
async fn patch_application(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(r): ApiJson<PatchApplication>,
) -> ApiResult<Response> {
    let version = if_match.required()?;
    let patch = check_patch(&r)?;
    let m = st.store.patch_application(&c, id, version, patch).await?;
    Ok(tagged(m.version, ApplicationDto::from(m)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    status: Option<String>,
    call_id: Option<Uuid>,
    /// Visiting organisation's country.
    country: Option<String>,
    host_country: Option<String>,
    /// The application's first sector.
    sector: Option<String>,
    /// `newest` (default) or `oldest` first, by creation; the cursor follows the order.
    sort: Option<String>,
    limit: Option<i64>,
    cursor: Option<String>,
    /// `full` (default): every field of each application; `summary`: the fields a list
    /// shows (no participant contact details, objectives, activities, sectors, travel days
    /// or eligibility report). The full record is `GET /api/v1/applications/{id}`.
    view: Option<String>,
}

/// Applications the caller may see: applicants and hosts their own, coordinators and
/// partners their partnerships'.
#[utoipa::path(get, path = "/api/v1/applications", tag = "applications", security(("bearer" = [])), params(ListQuery),
    responses((status = 200, body = Paged<summary::ApplicationListItem>), UnprocessableContent))]
async fn list_applications(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Response> {
    let view = summary::View::parse(q.view.as_deref())?;
    let page = Page {
        limit: q.limit,
        cursor: q.cursor,
    };
    let limit = page.limit()?;
    if let Some(s) = &q.status
        && cxc_domain::workflow::Status::parse(s).is_none()
    {
        return Err(ApiError::invalid(
            "status",
            "unknown_status",
            format!("'{s}' is not an application state"),
        ));
    }
    let oldest_first = match q.sort.as_deref().map(str::trim) {
        None | Some("" | "newest") => false,
        Some("oldest") => true,
        Some(other) => {
            return Err(ApiError::invalid(
                "sort",
                "unknown_sort",
                format!("sort must be newest or oldest, not '{other}'"),
            ));
        }
    };
    let f = AppFilter {
        oldest_first,
        status: q.status,
        call_id: q.call_id,
        country: q.country,
        host_country: q.host_country,
        sector: q.sector.map(|s| s.to_lowercase()),
        after: page.after()?,
        limit: limit + 1,
    };
    Ok(match view {
        summary::View::Full => {
            let rows = st.store.list_applications(&c, &f).await?;
            paged(rows, limit, |a| a.id, ApplicationDto::from).into_response()
        }
        summary::View::Summary => {
            let rows = st.store.list_application_summaries(&c, &f).await?;
            let page = paged(rows, limit, |a| a.id, summary::ApplicationSummaryDto::from);
            page.into_response()
        }
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub from: Option<String>,
    pub to: String,
    pub by: Uuid,
    pub at: DateTime<Utc>,
    pub comment: Option<String>,
    pub seq: i32,
    /// SHA-256 over this entry and the previous entry's hash (tamper evidence).
    pub hash: String,
}

/// Every transition: who, when, and the comment; append-only and hash-chained.
#[utoipa::path(get, path = "/api/v1/applications/{id}/history", tag = "applications", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<HistoryEntry>)))]
async fn application_history(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    st.store.application_for(&c, id).await?;
    let h = st.store.history(id).await?;
    Ok(Json(
        h.into_iter()
            .map(|e| HistoryEntry {
                from: e.from_state.map(|s| s.to_string()),
                to: e.to_state.to_string(),
                by: e.by_user_id,
                at: e.at,
                comment: e.comment,
                seq: e.seq,
                hash: e.hash,
            })
            .collect(),
    ))
}

/// Examples and checks of the application bodies for
/// `fields::tests::schemas_and_checks_agree`.
#[cfg(test)]
pub(crate) fn probes() -> Vec<crate::routes::Probe> {
    use crate::routes::probe_with;
    let participant = serde_json::json!({"full_name": "Ana", "email": "ana@example.eu",
        "job_title": "engineer", "nationality": "LT", "base_country": "LT"});
    let mut out = vec![
        probe_with::<CreateApplication>(
            "CreateApplication",
            serde_json::json!({"organisation_id": Uuid::nil(), "participant": participant,
                "host_organisation_id": Uuid::nil(), "start_date": "2027-03-01",
                "end_date": "2027-03-10", "travel_days": ["2027-03-01"],
                "objectives": "learn", "activities": ["visit"], "sectors": ["energy"]}),
            |b| check_create(b).map(|_| ()),
        ),
        probe_with::<PatchApplication>(
            "PatchApplication",
            serde_json::json!({"participant": participant, "travel_days": ["2027-03-01"],
                "objectives": "learn", "activities": ["visit"], "sectors": ["energy"]}),
            |b| check_patch(b).map(|_| ()),
        ),
    ];
    out.extend(actions::probes());
    out
}
