//! The HTTP adapter: axum routes, extractors, auth, problem+json errors and the OpenAPI
//! document generated from the handlers themselves (a route cannot exist undocumented).

pub mod auth;
pub mod conditional;
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
    app_with_pages(state, |_, _| Router::new())
}

/// The application with pages served beside the API (the `cxc-web` crate). `pages` gets
/// the API's router, state applied and without the outer middleware, so pages can call
/// the API's handlers in-process; the pages share the middleware stack with the API.
pub fn app_with_pages(state: AppState, pages: impl FnOnce(Router, &AppState) -> Router) -> Router {
    let (router, api) = routes::router().split_for_parts();
    let idempotency = idempotency::Layer::new(state.clone(), &api);
    let router = router.route_layer(axum::middleware::from_fn_with_state(
        idempotency,
        idempotency::layer,
    ));
    let api = openapi::finish(api);
    let api_router = router.with_state(state.clone());
    let docs = openapi::docs_router(api).with_state(state.clone());
    let pages = pages(api_router.clone(), &state);
    middleware::wrap(api_router.merge(docs).merge(pages), &state)
}

/// The OpenAPI document alone (for `cxc openapi` and tests).
#[must_use]
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    openapi::finish(routes::router().split_for_parts().1)
}
