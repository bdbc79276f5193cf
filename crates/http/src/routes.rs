//! One module per resource; each exports `router()`, merged here.
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub mod accounts;
pub mod applications;
pub mod group_visits;
pub mod organisations;
pub mod outbox;
pub mod partnerships;
pub mod privacy;
pub mod service;
pub mod unsubscribe;
pub mod users_admin;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::openapi::base())
        .merge(service::router())
        .merge(accounts::router())
        .merge(users_admin::router())
        .merge(applications::router())
        .merge(applications::actions::router())
        .merge(applications::reports::router())
        .merge(privacy::router())
        .merge(organisations::router())
        .merge(partnerships::router())
        .merge(outbox::router())
        .merge(unsubscribe::router())
        .merge(group_visits::router())
}

/// A request type's schema name, a valid example body, and the fields the server refuses
/// in a body (for `fields::tests::schemas_and_checks_agree`).
#[cfg(test)]
pub(crate) type Probe = (
    &'static str,
    serde_json::Value,
    fn(&serde_json::Value) -> Vec<String>,
);

#[cfg(test)]
pub(crate) fn request_probes() -> Vec<Probe> {
    vec![
        partnerships::calls_probe(),
        partnerships::probe(),
        group_visits::probe(),
    ]
}

/// The fields named in a 422, none for success; any other failure is a test failure.
#[cfg(test)]
pub(crate) fn failed_fields<T>(r: crate::error::ApiResult<T>) -> Vec<String> {
    match r {
        Ok(_) => vec![],
        Err(crate::error::ApiError::Unprocessable(p)) => p.into_iter().map(|p| p.field).collect(),
        Err(e) => vec![format!("unexpected: {e}")],
    }
}
