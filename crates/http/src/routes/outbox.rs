//! Admin view of the email outbox: what was sent, what is waiting, what failed, and
//! re-queuing a failed message.
use axum::{Json, extract::State};
use chrono::{DateTime, Utc};
use cxc_domain::{
    notify::OutboxStatus,
    policy::{self, AccountAction},
};
use cxc_persistence::{entities::outbox, repositories::outbox::OutboxFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::openapi::problems::{Forbidden, UnprocessableContent};
use crate::{
    error::{ApiError, ApiResult, ProblemDoc},
    extract::{ApiPath, ApiQuery, Auth},
    pagination::{Page, Paged, paged},
    state::AppState,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_outbox))
        .routes(routes!(retry_message))
}

/// One email in the outbox.
#[derive(Serialize, ToSchema)]
pub struct OutboxItem {
    id: Uuid,
    /// The `Message-ID` header (without angle brackets); the same on every attempt.
    message_id: String,
    /// Template kind, e.g. `welcome`, `decision_approved`.
    kind: String,
    to_email: String,
    subject: String,
    /// `pending`, `sending`, `sent` or `failed`.
    status: String,
    /// Delivery attempts so far.
    attempts: i32,
    /// Not sent before this moment (the schedule, or the next retry).
    not_before: DateTime<Utc>,
    /// The last SMTP or transport error.
    last_error: Option<String>,
    created_at: DateTime<Utc>,
    sent_at: Option<DateTime<Utc>>,
}

impl From<outbox::Model> for OutboxItem {
    fn from(m: outbox::Model) -> Self {
        Self {
            id: m.id,
            message_id: m.message_id,
            kind: m.kind.to_string(),
            to_email: m.to_email,
            subject: m.subject,
            status: m.status.to_string(),
            attempts: m.attempts,
            not_before: m.not_before,
            last_error: m.last_error,
            created_at: m.created_at,
            sent_at: m.sent_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OutboxQuery {
    /// `pending`, `sending`, `sent` or `failed`.
    status: Option<String>,
    /// Recipient email address (case-insensitive).
    to: Option<String>,
    /// 1..200, default 50.
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

fn admin_only(c: &cxc_persistence::repositories::accounts::Caller) -> ApiResult<()> {
    Ok(policy::account_action(&c.actor, AccountAction::Outbox)?)
}

/// Emails in the outbox, newest first (admin).
#[utoipa::path(get, path = "/api/v1/admin/outbox", tag = "notifications", security(("bearer" = [])),
    params(OutboxQuery),
    responses((status = 200, body = Paged<OutboxItem>),
              Forbidden, UnprocessableContent))]
async fn list_outbox(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiQuery(q): ApiQuery<OutboxQuery>,
) -> ApiResult<Paged<OutboxItem>> {
    admin_only(&c)?;
    let page = Page {
        limit: q.limit,
        cursor: q.cursor,
    };
    let limit = page.limit()?;
    let status = match q.status.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => Some(OutboxStatus::parse(s).ok_or_else(|| {
            ApiError::invalid(
                "status",
                "unknown_status",
                "status must be pending, sending, sent or failed",
            )
        })?),
    };
    let filter = OutboxFilter {
        status,
        to: q.to.filter(|t| !t.trim().is_empty()),
        after: page.after()?,
        limit: limit + 1,
    };
    let rows = st.store.list_outbox(&filter).await?;
    Ok(paged(rows, limit, |m| m.id, OutboxItem::from))
}

/// Re-queues a failed email: it is sent again at once, with a fresh attempt budget (admin).
#[utoipa::path(post, path = "/api/v1/admin/outbox/{id}/retry", tag = "notifications", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "outbox message id")),
    responses((status = 200, body = OutboxItem, description = "queued again"),
              Forbidden,
              (status = 409, body = ProblemDoc, description = "the message has not failed")))]
async fn retry_message(
    State(st): State<AppState>,
    Auth(c): Auth,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<OutboxItem>> {
    admin_only(&c)?;
    Ok(Json(st.store.requeue(id).await?.into()))
}
