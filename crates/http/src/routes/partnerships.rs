//! Partnerships (consortia of cluster organisations running ClusterXchange); their calls
//! are in `calls`.
mod calls;
pub mod dto;

#[cfg(test)]
pub(crate) use calls::probe as calls_probe;

/// The example and the checks of [`PartnershipBody`] for
/// `fields::tests::schemas_and_checks_agree`.
#[cfg(test)]
pub(crate) fn probe() -> crate::routes::Probe {
    let example = serde_json::json!({"name": "BIGINN", "grant_agreement": "101037928",
        "programme": "COSME", "budget_cents": 49_626_100, "target_exchanges": 100,
        "starts_on": "2022-02-01", "ends_on": "2024-01-31",
        "partners": [{"organisation_id": uuid::Uuid::nil(), "role": "coordinator"}]});
    crate::routes::probe_with::<PartnershipBody>("PartnershipBody", example, |b| {
        match field_problems(b) {
            p if p.is_empty() => Ok(()),
            p => Err(ApiError::Unprocessable(p)),
        }
    })
}

use std::collections::{HashMap, HashSet};

use axum::{extract::State, response::Response};
use cxc_domain::plausible;
use cxc_domain::policy::{self, AccountAction};
use cxc_persistence::{
    Problem,
    entities::{organisations, partnership_members, partnerships},
    repositories::partnerships::PartnershipInput,
};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use self::dto::{PartnerDto, PartnershipBody, PartnershipDto, partner_dtos};

use crate::openapi::problems::{Conflict, Forbidden, UnprocessableContent};
use crate::{
    error::{ApiError, ApiResult},
    extract::{ApiJson, ApiPath, ApiQuery, Auth},
    fields,
    pagination::{Page, Paged, paged},
    respond,
    state::AppState,
};
use validator::Validate;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_partnership, list_partnerships))
        .routes(routes!(get_partnership))
        .merge(calls::router())
}

async fn with_partners(
    st: &AppState,
    rows: &[partnerships::Model],
) -> ApiResult<HashMap<Uuid, Vec<PartnerDto>>> {
    let ids: Vec<Uuid> = rows.iter().map(|p| p.id).collect();
    let members = st.store.partnership_members_in(&ids).await?;
    let org_ids: Vec<Uuid> = members
        .iter()
        .map(|m| m.organisation_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let orgs: HashMap<Uuid, organisations::Model> = st
        .store
        .organisations(&org_ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    Ok(ids
        .into_iter()
        .map(|id| {
            let mine: Vec<_> = members
                .iter()
                .filter(|m| m.partnership_id == id)
                .cloned()
                .collect();
            (id, partner_dtos(&mine, &orgs))
        })
        .collect())
}

/// The problems of the body's own fields (no lookups): its declared rules, then the
/// plausibility of its dates.
fn field_problems(b: &PartnershipBody) -> Vec<Problem> {
    let mut p = fields::problems(b.validate());
    for (field, d) in [("starts_on", b.starts_on), ("ends_on", b.ends_on)] {
        if let Err(e) = plausible::scheme_date(d) {
            p.push(Problem::new(field, e.code, e.message));
        }
    }
    if b.ends_on < b.starts_on {
        p.push(Problem::new(
            "ends_on",
            "before_start",
            "ends_on must not be before starts_on",
        ));
    }
    p
}

/// Validates the body; returns the cleaned input and the partner organisations by id.
async fn check(
    st: &AppState,
    b: &PartnershipBody,
) -> ApiResult<(PartnershipInput, HashMap<Uuid, organisations::Model>)> {
    let mut p = field_problems(b);
    let (name, grant_agreement, programme) = (
        b.name.clean(),
        b.grant_agreement.clean(),
        b.programme.clean(),
    );
    let ids: Vec<Uuid> = b
        .partners
        .iter()
        .take(100)
        .map(|x| x.organisation_id)
        .collect();
    let orgs: HashMap<Uuid, organisations::Model> = st
        .store
        .organisations(&ids)
        .await?
        .into_iter()
        .map(|o| (o.id, o))
        .collect();
    let mut seen = HashSet::new();
    for (i, x) in b.partners.iter().enumerate().take(100) {
        let field = format!("partners[{i}].organisation_id");
        if !orgs.contains_key(&x.organisation_id) {
            p.push(Problem::new(
                field,
                "unknown_organisation",
                format!("no organisation with id {}", x.organisation_id),
            ));
        } else if !seen.insert(x.organisation_id) {
            p.push(Problem::new(
                field,
                "duplicate",
                "this organisation is already listed",
            ));
        }
    }
    if !p.is_empty() {
        return Err(ApiError::Unprocessable(p));
    }
    let input = PartnershipInput {
        name,
        grant_agreement,
        programme,
        budget_cents: b.budget_cents,
        target_exchanges: b.target_exchanges,
        starts_on: b.starts_on,
        ends_on: b.ends_on,
        partners: b
            .partners
            .iter()
            .map(|x| (x.organisation_id, x.role.into()))
            .collect(),
    };
    Ok((input, orgs))
}

/// Creates a partnership with its member organisations (admin only).
#[utoipa::path(post, path = "/api/v1/partnerships", tag = "partnerships", security(("bearer" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Retry key: the same key and body replay the first response")),
    request_body = PartnershipBody,
    responses((status = 201, body = PartnershipDto, headers(("ETag" = String))), Forbidden, Conflict))]
async fn create_partnership(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiJson(body): ApiJson<PartnershipBody>,
) -> ApiResult<Response> {
    policy::account_action(&c.actor, AccountAction::CreatePartnership)?;
    let (input, orgs) = check(&st, &body).await?;
    let members: Vec<partnership_members::Model> = input
        .partners
        .iter()
        .map(|(org, role)| partnership_members::Model {
            partnership_id: Uuid::nil(),
            organisation_id: *org,
            role: *role,
        })
        .collect();
    let partners = partner_dtos(&members, &orgs);
    let m = st.store.create_partnership(&input).await?;
    Ok(respond::created(
        m.version,
        PartnershipDto::new(&m, partners),
    ))
}

/// Partnerships, newest first.
#[utoipa::path(get, path = "/api/v1/partnerships", tag = "partnerships", security(("bearer" = [])),
    params(Page),
    responses((status = 200, body = Paged<PartnershipDto>), UnprocessableContent))]
async fn list_partnerships(
    State(st): State<AppState>,
    Auth(_caller): Auth,
    ApiQuery(page): ApiQuery<Page>,
) -> ApiResult<Paged<PartnershipDto>> {
    let limit = page.limit()?;
    let rows = st.store.list_partnerships(page.after()?, limit + 1).await?;
    let mut partners = with_partners(&st, &rows).await?;
    Ok(paged(
        rows,
        limit,
        |p| p.id,
        |p| {
            let list = partners.remove(&p.id).unwrap_or_default();
            PartnershipDto::new(&p, list)
        },
    ))
}

/// One partnership with its partners.
#[utoipa::path(get, path = "/api/v1/partnerships/{id}", tag = "partnerships", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = PartnershipDto, headers(("ETag" = String)))))]
async fn get_partnership(
    State(st): State<AppState>,
    Auth(_caller): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let p = st.store.partnership(id).await?;
    let mut partners = with_partners(&st, std::slice::from_ref(&p)).await?;
    let list = partners.remove(&p.id).unwrap_or_default();
    Ok(respond::tagged(p.version, PartnershipDto::new(&p, list)))
}
