//! One module per resource; each exports `router()`, merged here.
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub mod accounts;
pub mod outbox;
pub mod service;
pub mod unsubscribe;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::openapi::base())
        .merge(service::router())
        .merge(accounts::router())
        .merge(outbox::router())
        .merge(unsubscribe::router())
}
