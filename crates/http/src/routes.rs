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
