//! Register, login, logout, `me`, role grants, notification preferences; verification,
//! reset and change of password in [`lifecycle`].
pub mod lifecycle;

use axum::{Json, extract::State, http::StatusCode};
use chrono::{DateTime, Duration, Utc};
use cxc_domain::email_address::EmailAddress;
use cxc_domain::policy::{self, AccountAction, AccountRole, Role};
use cxc_persistence::{entities::users, repositories::accounts::NewUser};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::openapi::problems::{Conflict, Forbidden, TooManyRequests, Unauthorized};
use crate::{
    auth,
    error::{ApiError, ApiResult},
    extract::{ApiJson, ApiPath, Auth},
    fields::{self, Email, Secret, Text},
    state::AppState,
    throttle::{self, Client, PasswordAttempt},
    validate,
};
use validator::Validate;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(grant_role))
        .routes(routes!(get_preferences, put_preferences))
        .merge(lifecycle::router())
}

/// A new account; the bounds are declared once per field (see `crate::fields`).
#[derive(Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[validate(custom(function = "fields::email"))]
    email: Email,
    #[validate(custom(function = "fields::password"))]
    password: Secret<10, 1024>,
    #[validate(custom(function = "fields::text"))]
    full_name: Text<1, 200>,
    /// `en`, `lt`, `da` or `es`.
    #[serde(default = "default_locale")]
    locale: String,
}

/// Every problem of a registration at once; the address, name and locale otherwise.
fn check_registration(
    r: &RegisterRequest,
    smtputf8: bool,
) -> ApiResult<(String, String, &'static str)> {
    let mut problems = fields::problems(r.validate());
    let email = validate::email_field(&r.email, "email", smtputf8, &mut problems);
    let locale = validate::locale(&r.locale, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::Unprocessable(problems));
    }
    Ok((email, r.full_name.clean(), locale))
}

fn default_locale() -> String {
    "en".into()
}

#[derive(Serialize, ToSchema)]
pub struct UserDto {
    id: Uuid,
    email: String,
    full_name: String,
    role: String,
    locale: String,
    organisation_ids: Vec<Uuid>,
    /// Whether the owner confirmed the address. Unverified accounts cannot create
    /// organisations, be named a contact or receive a role.
    email_verified: bool,
    created_at: DateTime<Utc>,
}

impl UserDto {
    pub(crate) fn new(u: users::Model, organisation_ids: Vec<Uuid>) -> Self {
        Self {
            email_verified: u.email_verified_at.is_some(),
            id: u.id,
            email: u.email,
            full_name: u.full_name,
            role: u.role.to_string(),
            locale: u.locale,
            organisation_ids,
            created_at: u.created_at,
        }
    }
}

/// Creates an unverified applicant account and mails the verification link (the welcome
/// mail follows verification). Limited per client.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "accounts", request_body = RegisterRequest,
    responses((status = 201, body = UserDto), Conflict, TooManyRequests))]
async fn register(
    State(st): State<AppState>,
    client: Client,
    ApiJson(r): ApiJson<RegisterRequest>,
) -> ApiResult<(StatusCode, Json<UserDto>)> {
    let (email, full_name, locale) = check_registration(&r, st.settings.smtputf8)?;
    throttle::registration(&st, &client).await?;
    let password = r.password.expose();
    let hash = auth::hash_password_bounded(password)
        .await
        .map_err(ApiError::Internal)?;
    let user = st
        .store
        .register_user(NewUser {
            email: &email,
            password_hash: hash,
            full_name: &full_name,
            locale,
            role: AccountRole::Applicant,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(UserDto::new(user, vec![]))))
}

/// Credentials. Only the sizes are checked before the answer (422): any other address
/// or password is a failed login (401), the same for unknown accounts.
#[derive(Deserialize, ToSchema, Validate)]
pub struct LoginRequest {
    #[validate(custom(function = "fields::email"))]
    email: Email,
    #[validate(custom(function = "fields::secret"))]
    password: Secret<1, 1024>,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    token: String,
    expires_at: DateTime<Utc>,
    user: UserDto,
}

/// Exchanges credentials for a bearer token. Unknown email and wrong password get the
/// same answer in the same time. Failures slow down further tries per (account, client)
/// and per client with progressive delays (429 with `Retry-After`); the owner signing in
/// from another client is not affected.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "accounts", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), Unauthorized,
              (status = 403, body = crate::error::ProblemDoc, description = "the account is disabled (rule `account_disabled`)"), TooManyRequests))]
async fn login(
    State(st): State<AppState>,
    client: Client,
    ApiJson(r): ApiJson<LoginRequest>,
) -> ApiResult<Json<LoginResponse>> {
    fields::check(&r)?;
    let canonical = EmailAddress::parse(r.email.raw(), st.settings.smtputf8).ok();
    // What the counters are keyed on: the canonical address, or the text as typed.
    let typed = r.email.raw().trim().to_lowercase();
    let account = canonical
        .as_ref()
        .map_or(typed.as_str(), EmailAddress::as_str);
    let attempt = PasswordAttempt::begin(&st, account, &client).await?;
    let user = match &canonical {
        Some(e) => st.store.user_by_email(e.as_str()).await?,
        None => None,
    };
    let hash = user.as_ref().map_or_else(
        || auth::dummy_hash().to_owned(),
        |u| u.password_hash.clone(),
    );
    let ok = auth::verify_password_bounded(r.password.expose(), hash)
        .await
        .map_err(ApiError::Internal)?;
    let Some(user) = user.filter(|_| ok) else {
        return Err(ApiError::Unauthorized);
    };
    attempt.succeeded(&st).await?;
    let token = auth::new_token();
    let expires_at = st.store.now() + Duration::hours(st.settings.token_ttl_hours);
    st.store
        .create_session(user.id, auth::token_hash(&token), expires_at)
        .await?;
    let orgs = st.store.organisation_ids_of(user.id).await?;
    Ok(Json(LoginResponse {
        token,
        expires_at,
        user: UserDto::new(user, orgs),
    }))
}

/// Revokes the token used for this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "accounts", security(("bearer" = [])),
    responses((status = 204)))]
async fn logout(State(st): State<AppState>, Auth(c): Auth) -> ApiResult<StatusCode> {
    st.store.revoke_session(c.session_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One of the caller's role grants.
#[derive(Serialize, ToSchema)]
pub struct MyGrantDto {
    /// `partner`, `coordinator` or `admin`.
    role: String,
    /// The partnership it is for; `null` for every partnership.
    partnership_id: Option<Uuid>,
}

/// The caller, with the role grants they hold (a client shows the pages of the people
/// who run the scheme only to them). An `admin` account administers every partnership
/// whatever its grants.
#[derive(Serialize, ToSchema)]
pub struct MeDto {
    #[serde(flatten)]
    user: UserDto,
    grants: Vec<MyGrantDto>,
}

/// The caller, with role, locale, the organisations they are a contact of and their
/// role grants.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = MeDto)))]
async fn me(State(st): State<AppState>, Auth(c): Auth) -> ApiResult<Json<MeDto>> {
    let orgs = st.store.organisation_ids_of(c.id()).await?;
    let grants = c
        .actor
        .grants
        .iter()
        .map(|g| MyGrantDto {
            role: g.role.to_string(),
            partnership_id: g.partnership,
        })
        .collect();
    Ok(Json(MeDto {
        user: UserDto::new(c.user, orgs),
        grants,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleRequest {
    /// `partner`, `coordinator` or `admin`.
    role: String,
    /// The partnership a partner or coordinator works for.
    partnership_id: Option<Uuid>,
}

/// The role, parsed once here, and its partnership agree; the partnership to look up, if any.
fn check_role(r: &RoleRequest) -> ApiResult<(Role, Option<Uuid>)> {
    let role = Role::parse(&r.role).ok_or_else(|| {
        ApiError::invalid(
            "role",
            "unknown_role",
            "role must be partner, coordinator or admin",
        )
    })?;
    match (role, r.partnership_id) {
        (Role::Admin, None) => Ok((role, None)),
        (Role::Admin, Some(_)) => Err(ApiError::invalid(
            "partnership_id",
            "not_allowed",
            "admin is not scoped to a partnership",
        )),
        (Role::Partner | Role::Coordinator, Some(p)) => Ok((role, Some(p))),
        (Role::Partner | Role::Coordinator, None) => Err(ApiError::invalid(
            "partnership_id",
            "required",
            "partner and coordinator roles need a partnership_id",
        )),
    }
}

/// Grants a role (admin only) to a verified account (409 `account_unverified` otherwise).
#[utoipa::path(put, path = "/api/v1/users/{id}/role", tag = "accounts", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = RoleRequest,
    responses((status = 200, body = UserDto), Forbidden, Conflict))]
async fn grant_role(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(r): ApiJson<RoleRequest>,
) -> ApiResult<Json<UserDto>> {
    policy::account_action(&c.actor, AccountAction::Grant)?;
    let (role, partnership) = check_role(&r)?;
    if let Some(p) = partnership {
        st.store.partnership(p).await.map_err(|_| {
            ApiError::invalid(
                "partnership_id",
                "unknown_partnership",
                "no partnership with this id",
            )
        })?;
    }
    let user = st.store.grant_role(id, role, partnership, c.id()).await?;
    let orgs = st.store.organisation_ids_of(user.id).await?;
    Ok(Json(UserDto::new(user, orgs)))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Preferences {
    locale: String,
    /// Optional reminder emails; transactional mail always goes.
    reminders: bool,
}

fn check_preferences(p: &Preferences) -> ApiResult<&'static str> {
    let mut problems = Vec::new();
    let locale = validate::locale(&p.locale, &mut problems);
    if !problems.is_empty() {
        return Err(ApiError::Unprocessable(problems));
    }
    Ok(locale)
}

/// The caller's notification preferences.
#[utoipa::path(get, path = "/api/v1/me/notification-preferences", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Preferences)))]
async fn get_preferences(Auth(c): Auth) -> Json<Preferences> {
    Json(Preferences {
        locale: c.user.locale,
        reminders: c.user.reminders,
    })
}

/// Sets locale and reminder preference.
#[utoipa::path(put, path = "/api/v1/me/notification-preferences", tag = "notifications", security(("bearer" = [])),
    request_body = Preferences,
    responses((status = 200, body = Preferences)))]
async fn put_preferences(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiJson(p): ApiJson<Preferences>,
) -> ApiResult<Json<Preferences>> {
    let locale = check_preferences(&p)?;
    let u = st
        .store
        .set_preferences(c.id(), locale, p.reminders)
        .await?;
    Ok(Json(Preferences {
        locale: u.locale,
        reminders: u.reminders,
    }))
}

/// Examples and checks of the account bodies for `fields::tests::schemas_and_checks_agree`.
#[cfg(test)]
pub(crate) fn probes() -> Vec<crate::routes::Probe> {
    use crate::routes::probe_with;
    let mut out = vec![
        probe_with::<RegisterRequest>(
            "RegisterRequest",
            serde_json::json!({"email": "ana@example.eu", "password": "correct horse battery",
                "full_name": "Ana", "locale": "lt"}),
            |b| check_registration(b, true).map(|_| ()),
        ),
        probe_with::<LoginRequest>(
            "LoginRequest",
            serde_json::json!({"email": "ana@example.eu", "password": "x"}),
            fields::check,
        ),
        probe_with::<Preferences>(
            "Preferences",
            serde_json::json!({"locale": "da", "reminders": false}),
            |b| check_preferences(b).map(|_| ()),
        ),
        probe_with::<RoleRequest>(
            "RoleRequest",
            serde_json::json!({"role": "partner", "partnership_id": Uuid::nil()}),
            |b| check_role(b).map(|_| ()),
        ),
    ];
    out.extend(lifecycle::probes());
    out
}
