//! The people who act for an organisation.
use axum::{Json, extract::State, http::StatusCode};
use cxc_persistence::entities::users;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{editable, invitations::InvitationDto, visible};
use crate::openapi::problems::{Conflict, Forbidden};
use crate::{
    error::{ApiError, ApiResult},
    extract::{ApiJson, ApiPath, Auth},
    fields::{self, Email},
    state::AppState,
    validate,
};
use validator::Validate;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(add_contact, list_contacts))
}

#[derive(Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ContactRequest {
    /// Email of a registered user with a verified address.
    #[validate(custom(function = "fields::email"))]
    email: Email,
}

/// The invited address in canonical form; 422 naming every problem.
fn check_contact(r: &ContactRequest, smtputf8: bool) -> ApiResult<String> {
    let mut problems = fields::problems(r.validate());
    let email = validate::email_field(&r.email, "email", smtputf8, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::Unprocessable(problems));
    }
    Ok(email)
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
    let mut users: Vec<users::Model> = st.store.contacts(org).await?;
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

/// Invites a registered, verified user to be a contact: they get a mail and become a
/// contact only when they accept (`POST /api/v1/invitations/{id}/accept`). Answers 202
/// with the invitation.
#[utoipa::path(post, path = "/api/v1/organisations/{id}/contacts", tag = "organisations", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = ContactRequest,
    responses((status = 202, body = InvitationDto), Forbidden, Conflict))]
async fn add_contact(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<ContactRequest>,
) -> ApiResult<(StatusCode, Json<InvitationDto>)> {
    editable(&st, &c, id, "add contacts").await?;
    let email = check_contact(&r, st.settings.smtputf8)?;
    let invitation = st.store.invite_contact(id, &email, c.id()).await?;
    Ok((StatusCode::ACCEPTED, Json(InvitationDto::from(invitation))))
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

/// The example and the checks of [`ContactRequest`] for
/// `fields::tests::schemas_and_checks_agree`.
#[cfg(test)]
pub(crate) fn probe() -> crate::routes::Probe {
    crate::routes::probe_with::<ContactRequest>(
        "ContactRequest",
        serde_json::json!({"email": "ana@example.eu"}),
        |b| check_contact(b, true).map(|_| ()),
    )
}
