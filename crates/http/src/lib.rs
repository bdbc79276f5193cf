//! The HTTP adapter: axum routes, extractors, auth, problem+json errors and the OpenAPI
//! document generated from the handlers themselves (a route cannot exist undocumented).

pub mod auth;
pub mod error;
pub mod export;
pub mod extract;
pub mod fields;
pub mod idempotency;
pub mod middleware;
pub mod openapi;
pub mod pagination;
pub mod respond;
pub mod routes;
pub mod state;
pub mod strict_json;
pub mod throttle;
pub mod validate;

use axum::Router;
pub use state::{AppState, HttpSettings};

/// The whole application: every route, the docs and the middleware stack.
pub fn app(state: AppState) -> Router {
    let (router, api) = routes::router().split_for_parts();
    let idempotency = idempotency::Layer::new(state.clone(), &api);
    let router = router.route_layer(axum::middleware::from_fn_with_state(
        idempotency,
        idempotency::layer,
    ));
    let api = openapi::finish(api);
    let router = router.merge(openapi::docs_router(api));
    middleware::wrap(router.with_state(state.clone()), &state)
}

/// The OpenAPI document alone (for `cxc openapi` and tests).
#[must_use]
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    openapi::finish(routes::router().split_for_parts().1)
}
