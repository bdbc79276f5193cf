//! The OpenAPI 3.1 document and the `/docs` page (Swagger UI, assets vendored in the crate).
//!
//! The paths come from the handlers' annotations; [`finish`] adds what annotations cannot
//! say well: the bearer scheme, the shared problem responses and the statuses every
//! operation inherits from the extractors and middleware ([`rules`]), `servers`, and the
//! documentation routes themselves.
mod docs_paths;
mod flatten;
mod not_modified;
pub mod problems;
mod rules;

use axum::{Json, Router, routing::get};
use utoipa::{
    OpenApi, ToSchema,
    openapi::{
        self,
        security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
        server::Server,
    },
};
use utoipa_swagger_ui::SwaggerUi;

use crate::{error::ProblemDoc, state::AppState};

#[derive(OpenApi)]
#[openapi(
    info(title = "ClusterXchange API", description = "Exchange applications, eligibility, group visits and notifications for ClusterXchange partnerships.\n\nEvery error is an RFC 9457 problem document (`application/problem+json`) with a stable `code`."),
    tags(
        (name = "service", description = "Health, metrics, this document and a constant ping. The interactive documentation (Swagger UI, HTML) is at `/docs`."),
        (name = "accounts", description = "Registration, sign-in with bearer tokens, the caller's profile and roles."),
        (name = "organisations", description = "Visiting and host organisations, their contacts, SME status and eligibility."),
        (name = "partnerships", description = "Partnerships (VOP/HOP), their calls for applications and reports."),
        (name = "applications", description = "Exchange applications and their workflow from draft to payment."),
        (name = "group-visits", description = "Group visits: agenda, registrations with waiting lists and calendars."),
        (name = "notifications", description = "Email preferences, unsubscribing and the outbox of queued messages."),
    )
)]
struct Base;

#[must_use]
pub fn base() -> openapi::OpenApi {
    Base::openapi()
}

/// Completes the document generated from the handlers (see the module comment).
#[must_use]
pub fn finish(mut api: openapi::OpenApi) -> openapi::OpenApi {
    docs_paths::add(&mut api);
    // Relative: the document is true for whichever host and scheme serve it.
    api.servers = Some(vec![Server::new("/")]);
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("opaque")
                .description(Some("A token from `POST /api/v1/auth/login`."))
                .build(),
        ),
    );
    components.schemas.insert(
        ProblemDoc::name().into_owned(),
        <ProblemDoc as utoipa::PartialSchema>::schema(),
    );
    let mut entries = Vec::new();
    ProblemDoc::schemas(&mut entries);
    components.schemas.extend(entries);
    components.responses.extend(problems::components());
    flatten::merge_all_of(&mut components.schemas);
    for item in api.paths.paths.values_mut() {
        if let Some(get) = &mut item.get {
            not_modified::declare(get);
        }
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
            &mut item.head,
            &mut item.options,
            &mut item.trace,
        ]
        .into_iter()
        .flatten()
        {
            rules::apply(op);
        }
    }
    api
}

pub fn docs_router(api: openapi::OpenApi) -> Router<AppState> {
    let json = api.clone();
    Router::new()
        .route("/openapi.json", get(move || async move { Json(json) }))
        .merge(SwaggerUi::new("/docs").url("/docs/openapi.json", api))
}

#[cfg(test)]
mod tests;
