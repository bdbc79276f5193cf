//! The people who act for an organisation.
use axum::{Json, extract::State, http::StatusCode};
use cxc_persistence::entities::users;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{editable, visible};
use crate::openapi::problems::{Conflict, Forbidden};
use crate::{
    error::{ApiError, ApiResult},
    extract::{ApiJson, ApiPath, Auth},
    state::AppState,
    validate,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(add_contact, list_contacts))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactRequest {
    /// Email of a registered user.
    email: String,
}

#[derive(Serialize, ToSchema)]
pub struct ContactDto {
    user_id: Uuid,
    full_name: String,
    email: String,
}

#[derive(Serialize, ToSchema)]
pub struct ContactsDto {
    organisation_id: Uuid,
    contacts: Vec<ContactDto>,
}

async fn listing(st: &AppState, org: Uuid) -> ApiResult<ContactsDto> {
    let mut users: Vec<users::Model> = st.store.contacts_of(&st.store.db.conn, org).await?;
    users.sort_by(|a, b| a.email.cmp(&b.email));
    Ok(ContactsDto {
        organisation_id: org,
        contacts: users
            .into_iter()
            .map(|u| ContactDto {
                user_id: u.id,
                full_name: u.full_name,
                email: u.email,
            })
            .collect(),
    })
}

/// Adds a registered user as a contact; answers with every contact.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/contacts", tag = "organisations", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = ContactRequest,
    responses((status = 201, body = ContactsDto), Forbidden, Conflict))]
async fn add_contact(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<ContactRequest>,
) -> ApiResult<(StatusCode, Json<ContactsDto>)> {
    editable(&st, &c, id, "add contacts").await?;
    let mut problems = Vec::new();
    let email = validate::email(&r.email, "email", &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::Unprocessable(problems));
    }
    st.store.add_contact(id, &email).await?;
    Ok((StatusCode::CREATED, Json(listing(&st, id).await?)))
}

/// The organisation's contacts.
#[utoipa::path(get, path = "/api/v1/organisations/{id}/contacts", tag = "organisations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ContactsDto)))]
async fn list_contacts(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<ContactsDto>> {
    visible(&st, &c, id).await?;
    Ok(Json(listing(&st, id).await?))
}
