//! Answering an invitation to act for an organisation (issue 12: nobody becomes a
//! contact without consent).
use axum::{Json, extract::State};
use chrono::{DateTime, Utc};
use cxc_persistence::repositories::organisations::invitations::Invitation;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::{
    error::{ApiError, ApiResult, ProblemDoc},
    extract::{ApiPath, Auth},
    state::AppState,
};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(my_invitations))
        .routes(routes!(accept))
        .routes(routes!(decline))
}

#[derive(Serialize, ToSchema)]
pub struct InvitationDto {
    id: Uuid,
    organisation_id: Uuid,
    organisation_name: String,
    /// The invited person's address.
    email: String,
    /// `pending`, `accepted` or `declined`.
    status: String,
    created_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl From<Invitation> for InvitationDto {
    fn from(i: Invitation) -> Self {
        Self {
            id: i.row.id,
            organisation_id: i.row.organisation_id,
            organisation_name: i.organisation_name,
            email: i.email,
            status: i.row.status.to_string(),
            created_at: i.row.created_at,
            expires_at: i.row.expires_at,
        }
    }
}

/// The caller's invitations waiting for an answer, newest first.
#[utoipa::path(get, path = "/api/v1/me/invitations", tag = "organisations", security(("bearer" = [])),
    responses((status = 200, body = Vec<InvitationDto>), (status = 401, body = ProblemDoc)))]
async fn my_invitations(
    State(st): State<AppState>,
    Auth(c): Auth,
) -> ApiResult<Json<Vec<InvitationDto>>> {
    let list = st.store.pending_invitations(&c.user).await?;
    Ok(Json(list.into_iter().map(InvitationDto::from).collect()))
}

async fn answer(
    st: &AppState,
    c: &cxc_persistence::repositories::accounts::Caller,
    id: Uuid,
    accept: bool,
) -> ApiResult<Json<InvitationDto>> {
    if accept && !c.is_verified() {
        return Err(ApiError::Forbidden(
            "confirm your email address before acting for an organisation".into(),
        ));
    }
    let row = st.store.answer_invitation(id, c.id(), accept).await?;
    let org = st.store.organisation(row.organisation_id).await?;
    Ok(Json(InvitationDto::from(Invitation {
        row,
        organisation_name: org.name,
        email: c.user.email.clone(),
    })))
}

/// Accepts an invitation addressed to the caller, who becomes a contact of the
/// organisation. Only the invited person can answer (404 for anyone else).
#[utoipa::path(post, path = "/api/v1/invitations/{id}/accept", tag = "organisations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = InvitationDto), (status = 401, body = ProblemDoc), (status = 403, body = ProblemDoc),
        (status = 404, body = ProblemDoc), (status = 409, body = ProblemDoc)))]
async fn accept(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<InvitationDto>> {
    answer(&st, &c, id, true).await
}

/// Declines an invitation addressed to the caller.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/decline", tag = "organisations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = InvitationDto), (status = 401, body = ProblemDoc),
        (status = 404, body = ProblemDoc), (status = 409, body = ProblemDoc)))]
async fn decline(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<InvitationDto>> {
    answer(&st, &c, id, false).await
}
