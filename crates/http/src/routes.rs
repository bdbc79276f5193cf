//! One module per resource; each exports `router()`, merged here.
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

pub mod accounts;
pub mod group_visits;
pub mod group_visits_agenda;
pub mod group_visits_calendar;
pub mod group_visits_dto;
pub mod group_visits_lifecycle;
pub mod group_visits_registrations;
pub mod service;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::openapi::base())
        .merge(service::router())
        .merge(accounts::router())
        .merge(group_visits::router())
}
