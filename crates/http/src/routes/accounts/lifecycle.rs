//! Email verification, password reset and password change (issue 12).
use axum::{Json, extract::State, http::StatusCode};
use cxc_domain::email_address::EmailAddress;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use validator::Validate;

use super::UserDto;
use crate::{
    auth,
    error::{ApiError, ApiResult, ProblemDoc},
    extract::{ApiJson, Auth},
    fields::{self, Email, Secret},
    state::AppState,
    throttle::{self, Client, PasswordAttempt},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(verify_email))
        .routes(routes!(resend_verification))
        .routes(routes!(request_reset))
        .routes(routes!(confirm_reset))
        .routes(routes!(change_password))
}

#[derive(Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// The token from the link in the mail.
    #[validate(custom(function = "fields::secret"))]
    token: Secret<1, 512>,
}

/// Confirms the address with the token from the verification mail (single use, 48 h).
#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "accounts", request_body = TokenRequest,
    responses((status = 200, body = UserDto), (status = 400, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
async fn verify_email(
    State(st): State<AppState>,
    ApiJson(r): ApiJson<TokenRequest>,
) -> ApiResult<Json<UserDto>> {
    fields::check(&r)?;
    let user = st.store.verify_email(r.token.as_str().trim()).await?;
    let orgs = st.store.organisation_ids_of(user.id).await?;
    Ok(Json(UserDto::new(user, orgs)))
}

/// Mails a new verification link to the signed-in caller (the previous link stops
/// working). 204 also when the address is verified already. Limited per account.
#[utoipa::path(post, path = "/api/v1/auth/verify-email/resend", tag = "accounts", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ProblemDoc), (status = 429, body = ProblemDoc)))]
async fn resend_verification(State(st): State<AppState>, Auth(c): Auth) -> ApiResult<StatusCode> {
    if c.is_verified() {
        return Ok(StatusCode::NO_CONTENT);
    }
    throttle::verification_resend(&st, c.id()).await?;
    st.store.resend_verification(c.id()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    #[validate(custom(function = "fields::email"))]
    email: Email,
}

/// Asks for a password-reset link. The answer is 202 whether or not an account has the
/// address, and the lookup and mail happen after the answer, so its timing does not tell
/// either. Limited per client and per address.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "accounts", request_body = ResetRequest,
    responses((status = 202), (status = 400, body = ProblemDoc), (status = 429, body = ProblemDoc)))]
async fn request_reset(
    State(st): State<AppState>,
    client: Client,
    ApiJson(r): ApiJson<ResetRequest>,
) -> ApiResult<StatusCode> {
    fields::check(&r)?;
    let canonical = EmailAddress::parse(r.email.raw(), st.settings.smtputf8).ok();
    let typed = r.email.raw().trim().to_lowercase();
    let address = canonical
        .as_ref()
        .map_or(typed.as_str(), EmailAddress::as_str);
    throttle::reset_request(&st, &client, address).await?;
    if let Some(email) = canonical {
        let store = st.store.clone();
        tokio::spawn(async move {
            if let Err(e) = store.request_password_reset(email.as_str()).await {
                tracing::error!(error = %e, "password reset request failed");
            }
        });
    }
    Ok(StatusCode::ACCEPTED)
}

#[derive(Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirm {
    /// The token from the reset mail (single use, 1 h).
    #[validate(custom(function = "fields::secret"))]
    token: Secret<1, 512>,
    #[validate(custom(function = "fields::password"))]
    new_password: Secret<10, 1024>,
}

/// Sets a new password with the token from the reset mail. Every session of the account
/// ends; a notice goes to the address.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "accounts", request_body = ResetConfirm,
    responses((status = 204), (status = 400, body = ProblemDoc), (status = 422, body = ProblemDoc)))]
async fn confirm_reset(
    State(st): State<AppState>,
    ApiJson(r): ApiJson<ResetConfirm>,
) -> ApiResult<StatusCode> {
    fields::check(&r)?;
    let token = r.token.as_str().trim().to_owned();
    let hash = auth::hash_password_bounded(r.new_password.expose())
        .await
        .map_err(ApiError::Internal)?;
    st.store.reset_password(&token, hash).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[validate(custom(function = "fields::secret"))]
    current_password: Secret<1, 1024>,
    #[validate(custom(function = "fields::password"))]
    new_password: Secret<10, 1024>,
}

/// Changes the caller's password. The current one is checked (and wrong guesses count
/// like failed logins); every other session ends; a notice goes to the address.
#[utoipa::path(post, path = "/api/v1/auth/password", tag = "accounts", security(("bearer" = [])),
    request_body = PasswordChange,
    responses((status = 204), (status = 400, body = ProblemDoc), (status = 401, body = ProblemDoc),
        (status = 403, body = ProblemDoc), (status = 422, body = ProblemDoc), (status = 429, body = ProblemDoc)))]
async fn change_password(
    State(st): State<AppState>,
    Auth(c): Auth,
    client: Client,
    ApiJson(r): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    fields::check(&r)?;
    let attempt = PasswordAttempt::begin(&st, &c.user.email, &client).await?;
    let ok =
        auth::verify_password_bounded(r.current_password.expose(), c.user.password_hash.clone())
            .await
            .map_err(ApiError::Internal)?;
    if !ok {
        return Err(ApiError::Forbidden("the current password is wrong".into()));
    }
    attempt.succeeded(&st).await?;
    let hash = auth::hash_password_bounded(r.new_password.expose())
        .await
        .map_err(ApiError::Internal)?;
    st.store.change_password(c.id(), hash, c.session_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Examples of the bodies here for `fields::tests::schemas_and_checks_agree`; each
/// handler runs `fields::check` before anything else.
#[cfg(test)]
pub(crate) fn probes() -> Vec<crate::routes::Probe> {
    use crate::routes::probe_with;
    use serde_json::json;
    vec![
        probe_with::<TokenRequest>("TokenRequest", json!({"token": "abc"}), fields::check),
        probe_with::<ResetRequest>(
            "ResetRequest",
            json!({"email": "ana@example.eu"}),
            fields::check,
        ),
        probe_with::<ResetConfirm>(
            "ResetConfirm",
            json!({"token": "abc", "new_password": "correct horse battery"}),
            fields::check,
        ),
        probe_with::<PasswordChange>(
            "PasswordChange",
            json!({"current_password": "x", "new_password": "correct horse battery"}),
            fields::check,
        ),
    ]
}
