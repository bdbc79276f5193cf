//! The OpenAPI 3.1 document and the `/docs` page (Swagger UI, assets vendored in the crate).
use axum::{Json, Router, routing::get};
use utoipa::{
    OpenApi,
    openapi::{
        self,
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    },
};
use utoipa_swagger_ui::SwaggerUi;

use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "ClusterXchange API", description = "Exchange applications, eligibility, group visits and notifications for ClusterXchange partnerships."),
    tags((name = "service"), (name = "accounts"), (name = "organisations"), (name = "partnerships"),
         (name = "applications"), (name = "group-visits"), (name = "notifications"))
)]
struct Base;

#[must_use]
pub fn base() -> openapi::OpenApi {
    Base::openapi()
}

/// Adds what the handler annotations cannot say: the bearer scheme.
#[must_use]
pub fn finish(mut api: openapi::OpenApi) -> openapi::OpenApi {
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("opaque")
                .build(),
        ),
    );
    api
}

pub fn docs_router(api: openapi::OpenApi) -> Router<AppState> {
    let json = api.clone();
    Router::new()
        .route("/openapi.json", get(move || async move { Json(json) }))
        .merge(SwaggerUi::new("/docs").url("/docs/openapi.json", api))
}
