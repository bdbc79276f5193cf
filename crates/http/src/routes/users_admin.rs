//! Account administration (admins): users with their grants, revoking a grant,
//! disabling and re-enabling an account, ending someone's sessions, and the audit
//! trail of every grant, revocation and account change.
use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, Utc};
use cxc_persistence::{
    entities::{access_audit, role_grants},
    repositories::access::{AuditFilter, UserFilter, UserWithGrants},
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;
use validator::Validate;

use crate::openapi::problems::{Forbidden, UnprocessableContent};
use crate::{
    error::{ApiResult, ProblemDoc},
    extract::{ApiPath, ApiQuery, Auth, OptionalJson},
    fields::{self, Text},
    pagination::{Page, Paged, paged},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users))
        .routes(routes!(get_user))
        .routes(routes!(revoke_grant))
        .routes(routes!(disable_user))
        .routes(routes!(enable_user))
        .routes(routes!(end_sessions))
        .routes(routes!(list_audit))
}

/// One role grant.
#[derive(Serialize, ToSchema)]
pub struct GrantDto {
    id: Uuid,
    /// `partner`, `coordinator` or `admin`.
    role: String,
    /// `null`: every partnership (or `admin`).
    partnership_id: Option<Uuid>,
    granted_by: Uuid,
    created_at: DateTime<Utc>,
}

impl From<role_grants::Model> for GrantDto {
    fn from(g: role_grants::Model) -> Self {
        Self {
            id: g.id,
            role: g.role.to_string(),
            partnership_id: g.partnership_id,
            granted_by: g.granted_by,
            created_at: g.created_at,
        }
    }
}

/// A user as admins see them.
#[derive(Serialize, ToSchema)]
pub struct AdminUserDto {
    id: Uuid,
    email: String,
    full_name: String,
    /// The headline role (`applicant`, `partner`, `coordinator`, `admin`).
    role: String,
    locale: String,
    /// Set while the account is disabled: no sign-in, no session accepted.
    disabled_at: Option<DateTime<Utc>>,
    created_at: DateTime<Utc>,
    grants: Vec<GrantDto>,
}

impl From<UserWithGrants> for AdminUserDto {
    fn from(u: UserWithGrants) -> Self {
        Self {
            id: u.user.id,
            email: u.user.email,
            full_name: u.user.full_name,
            role: u.user.role.to_string(),
            locale: u.user.locale,
            disabled_at: u.user.disabled_at,
            created_at: u.user.created_at,
            grants: u.grants.into_iter().map(GrantDto::from).collect(),
        }
    }
}

#[derive(Deserialize, IntoParams, Validate)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// Part of the email address or name.
    #[validate(custom(function = "fields::text"))]
    q: Option<Text<0, 200>>,
    /// 1..200, default 50.
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Users with their grants, in creation order (admin).
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", security(("bearer" = [])),
    params(UsersQuery),
    responses((status = 200, body = Paged<AdminUserDto>), Forbidden, UnprocessableContent))]
async fn list_users(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiQuery(q): ApiQuery<UsersQuery>,
) -> ApiResult<Paged<AdminUserDto>> {
    fields::check(&q)?;
    let text = q.q.as_ref().map(Text::clean);
    let page = Page {
        limit: q.limit,
        cursor: q.cursor,
    };
    let limit = page.limit()?;
    let f = UserFilter {
        q: text,
        after: page.after()?,
        limit,
    };
    let rows = st.store.list_users(&c, &f).await?;
    Ok(paged(rows, limit, |u| u.user.id, AdminUserDto::from))
}

/// One user with their grants (admin).
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = AdminUserDto), Forbidden))]
async fn get_user(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<AdminUserDto>> {
    Ok(Json(st.store.user_with_grants(&c, id).await?.into()))
}

/// Takes one grant away (admin); the user's headline role follows the remaining
/// grants. The change holds for every request that changes state at once.
#[utoipa::path(delete, path = "/api/v1/users/{id}/grants/{grant_id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("grant_id" = Uuid, Path)),
    responses((status = 200, body = AdminUserDto),
              (status = 403, body = ProblemDoc, description = "not an admin, or one's own admin role")))]
async fn revoke_grant(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath((id, grant)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<Json<AdminUserDto>> {
    Ok(Json(st.store.revoke_grant(&c, id, grant).await?.into()))
}

#[derive(Debug, Default, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct DisableBody {
    /// Why, for the audit trail.
    #[validate(custom(function = "fields::text"))]
    pub reason: Option<Text<0, 1000>>,
}

/// Disables an account (admin): it cannot sign in, and its sessions end at once.
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "accounts", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body(content = Option<DisableBody>),
    responses((status = 200, body = AdminUserDto),
              (status = 403, body = ProblemDoc, description = "not an admin, or oneself"),
              UnprocessableContent))]
async fn disable_user(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    OptionalJson(b): OptionalJson<DisableBody>,
) -> ApiResult<Json<AdminUserDto>> {
    fields::check(&b)?;
    let reason = b.reason.as_ref().map(Text::clean).filter(|r| !r.is_empty());
    Ok(Json(
        st.store.set_disabled(&c, id, true, reason).await?.into(),
    ))
}

/// Re-enables a disabled account (admin); its owner signs in again.
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "accounts", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = AdminUserDto), Forbidden))]
async fn enable_user(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<AdminUserDto>> {
    Ok(Json(
        st.store.set_disabled(&c, id, false, None).await?.into(),
    ))
}

/// Ends every session of someone else (admin); they sign in again. One's own: log out.
#[utoipa::path(delete, path = "/api/v1/users/{id}/sessions", tag = "accounts", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204, description = "the sessions ended"),
              (status = 403, body = ProblemDoc, description = "not an admin, or oneself")))]
async fn end_sessions(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    st.store.end_sessions(&c, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One entry of the access audit trail.
#[derive(Serialize, ToSchema)]
pub struct AuditEntryDto {
    id: Uuid,
    at: DateTime<Utc>,
    /// Who did it.
    actor_id: Uuid,
    /// Whose access changed.
    user_id: Uuid,
    /// `grant`, `revoke`, `disable`, `enable` or `end_sessions`.
    action: String,
    role: Option<String>,
    partnership_id: Option<Uuid>,
    detail: Option<String>,
}

impl From<access_audit::Model> for AuditEntryDto {
    fn from(m: access_audit::Model) -> Self {
        Self {
            id: m.id,
            at: m.at,
            actor_id: m.actor_id,
            user_id: m.subject_id,
            action: m.action.to_string(),
            role: m.role.map(|r| r.to_string()),
            partnership_id: m.partnership_id,
            detail: m.detail,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entries about this user.
    user_id: Option<Uuid>,
    /// 1..200, default 50.
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// Every grant, revocation and account change, newest first (admin).
#[utoipa::path(get, path = "/api/v1/admin/access-audit", tag = "accounts", security(("bearer" = [])),
    params(AuditQuery),
    responses((status = 200, body = Paged<AuditEntryDto>), Forbidden, UnprocessableContent))]
async fn list_audit(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<Paged<AuditEntryDto>> {
    let page = Page {
        limit: q.limit,
        cursor: q.cursor,
    };
    let limit = page.limit()?;
    let f = AuditFilter {
        subject: q.user_id,
        after: page.after()?,
        limit,
    };
    let rows = st.store.list_access_audit(&c, &f).await?;
    Ok(paged(rows, limit, |m| m.id, AuditEntryDto::from))
}
