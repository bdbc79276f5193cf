//! Organisations (ECCP profiles): create, list, read, update; contacts, eligibility,
//! the competency matrix and host suggestions live in the submodules.
//!
//! Who sees what: every signed-in user sees the public summary in the list; the full
//! record (SME figures, approval references) is for the organisation's contacts, for
//! partnership staff (anyone holding a partner or coordinator grant: partnerships validate
//! profiles and match organisations across partnerships) and for admins. Everyone else
//! gets 404. Only contacts and admins change an organisation.
mod contacts;
pub mod dto;
mod eligibility;
mod exchange_check;
mod invitations;
mod matrix;
mod suggestions;
pub mod validation;

/// Examples and checks of the organisation bodies for
/// `fields::tests::schemas_and_checks_agree`.
#[cfg(test)]
pub(crate) fn probes() -> Vec<crate::routes::Probe> {
    let mut out = vec![contacts::probe(), exchange_check::probe()];
    out.extend(validation::probes());
    out
}

use axum::{
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
};
use cxc_domain::{organisation::Profile, policy};
use cxc_persistence::{
    RepoError,
    entities::organisations,
    repositories::{accounts::Caller, organisations::OrgFilter},
};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use self::dto::{OrgBody, OrgDto, OrgSummary, ProfileName};
use crate::openapi::problems::{Conflict, Forbidden, UnprocessableContent};
use crate::{
    error::{ApiError, ApiResult},
    extract::{ApiJson, ApiPath, ApiQuery, Auth, IfMatch, parse_json},
    pagination::{Page, Paged, paged},
    respond,
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_organisation, list_organisations))
        .routes(routes!(get_organisation, patch_organisation))
        .merge(contacts::router())
        .merge(invitations::router())
        .merge(eligibility::router())
        .merge(exchange_check::router())
        .merge(matrix::router())
        .merge(suggestions::router())
}

/// How the caller relates to an organisation they may see (the access policy's answer).
pub(crate) use cxc_domain::policy::OrgAccess as Access;

/// The organisation and the caller's access to it; 404 when they may not see it.
pub(crate) async fn visible(
    st: &AppState,
    c: &Caller,
    id: Uuid,
) -> ApiResult<(organisations::Model, Access)> {
    let m = st.store.organisation(id).await?;
    let contact = st.store.is_contact(id, c.id()).await?;
    Ok((m, policy::organisation_access(&c.actor, contact)?))
}

/// Like [`visible`], but 403 for read-only staff.
pub(crate) async fn editable(
    st: &AppState,
    c: &Caller,
    id: Uuid,
    what: &str,
) -> ApiResult<organisations::Model> {
    let m = st.store.organisation(id).await?;
    let contact = st.store.is_contact(id, c.id()).await?;
    policy::edit_organisation(&c.actor, contact, what)?;
    Ok(m)
}

fn with_location(mut res: Response, id: Uuid) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/organisations/{id}")) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// Registers an organisation; the caller (with a verified address) becomes its first contact.
#[utoipa::path(post, path = "/api/v1/organisations", tag = "organisations", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry key: the same key and body replay the first response")),
    request_body = OrgBody,
    responses((status = 201, body = OrgDto, headers(("ETag" = String))), Forbidden, Conflict))]
async fn create_organisation(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiJson(body): ApiJson<OrgBody>,
) -> ApiResult<Response> {
    if !c.is_verified() {
        return Err(ApiError::Forbidden(
            "confirm your email address before registering an organisation".into(),
        ));
    }
    let v = validation::validate(&st, body).await?;
    let m = st.store.create_organisation(&v.input, c.id()).await?;
    Ok(with_location(
        respond::created(m.version, OrgDto::from_model(&m)),
        m.id,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    /// ISO 3166-1 alpha-2.
    country: Option<String>,
    #[param(value_type = Option<ProfileName>)]
    profile: Option<Profile>,
    /// A sector tag (case-insensitive).
    sector: Option<String>,
    /// A competency tag (case-insensitive).
    competency: Option<String>,
    /// Part of the name (case-insensitive).
    q: Option<String>,
    /// `true`: only the organisations the caller is a contact of (the web's "my
    /// organisations" in one request instead of one read per organisation).
    mine: Option<bool>,
    /// 1..200, default 50.
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Public summaries of organisations, newest first.
#[utoipa::path(get, path = "/api/v1/organisations", tag = "organisations", security(("bearer" = [])),
    params(OrgQuery),
    responses((status = 200, body = Paged<OrgSummary>), UnprocessableContent))]
async fn list_organisations(
    State(st): State<AppState>,
    Auth(caller): Auth,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Paged<OrgSummary>> {
    let page = Page {
        limit: q.limit,
        cursor: q.cursor,
    };
    let limit = page.limit()?;
    let filter = OrgFilter {
        country: q.country,
        profile: q.profile.map(|p| p.as_str().to_owned()),
        sector: q.sector.map(|t| validation::tag_of(&t)),
        competency: q.competency.map(|t| validation::tag_of(&t)),
        q: q.q.filter(|s| !s.trim().is_empty()),
        contact: (q.mine == Some(true)).then(|| caller.id()),
        after: page.after()?,
        limit: limit + 1,
    };
    let rows = st.store.list_organisations(&filter).await?;
    Ok(paged(rows, limit, |m| m.id, |m| OrgSummary::from_model(&m)))
}

/// The full record.
#[utoipa::path(get, path = "/api/v1/organisations/{id}", tag = "organisations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = OrgDto, headers(("ETag" = String)))))]
async fn get_organisation(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let (m, _) = visible(&st, &c, id).await?;
    Ok(respond::tagged(m.version, OrgDto::from_model(&m)))
}

/// Fields a client may echo back from a GET; they are not part of the description.
const READ_ONLY: [&str; 4] = ["id", "version", "created_at", "updated_at"];

/// Applies a JSON merge patch (RFC 7396; every field is top-level) to the stored fields.
fn merge(m: &organisations::Model, patch: Value) -> ApiResult<OrgBody> {
    let Value::Object(patch) = patch else {
        return Err(ApiError::invalid(
            "body",
            "invalid_value",
            "a PATCH body must be a JSON object of the fields to change",
        ));
    };
    let current =
        OrgBody::from(cxc_persistence::repositories::organisations::OrgInput::from_model(m));
    let mut merged =
        serde_json::to_value(current).map_err(|e| ApiError::Internal(e.to_string()))?;
    if let Value::Object(fields) = &mut merged {
        for (k, v) in patch {
            if !READ_ONLY.contains(&k.as_str()) {
                fields.insert(k, v);
            }
        }
    }
    let bytes = serde_json::to_vec(&merged).map_err(|e| ApiError::Internal(e.to_string()))?;
    parse_json(&bytes)
}

/// Changes some fields (JSON merge patch); needs `If-Match` with the current version.
#[utoipa::path(patch, path = "/api/v1/organisations/{id}", tag = "organisations", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("If-Match" = String, Header, description = "ETag of the version being changed")),
    request_body(content = Object, description = "Any fields of the create body; `null` clears an optional field", content_type = "application/merge-patch+json"),
    responses((status = 200, body = OrgDto, headers(("ETag" = String))),
        Forbidden))]
async fn patch_organisation(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    if_match: IfMatch,
    ApiJson(patch): ApiJson<Value>,
) -> ApiResult<Response> {
    let m = editable(&st, &c, id, "change it").await?;
    let version = if_match.required()?;
    if version != m.version {
        return Err(RepoError::Stale { current: m.version }.into());
    }
    let v = validation::validate(&st, merge(&m, patch)?).await?;
    let m = st.store.update_organisation(id, version, &v.input).await?;
    Ok(respond::tagged(m.version, OrgDto::from_model(&m)).into_response())
}
