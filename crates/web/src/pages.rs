//! Every page's route. Pages are grouped by what the user does; each handler reads its
//! input, calls the API in-process and renders the answer — no rule lives here.
use axum::{
    Router,
    http::{StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::{any, get, post},
};

use crate::{WebState, ctx::Ctx};

pub mod account;
pub mod home;

pub fn routes() -> Router<WebState> {
    Router::new()
        .route("/", get(home::home))
        .route(
            "/sign-up",
            get(account::sign_up_form).post(account::sign_up),
        )
        .route(
            "/sign-in",
            get(account::sign_in_form).post(account::sign_in),
        )
        .route("/sign-out", post(account::sign_out))
        .route("/language", post(account::language))
        .route("/{*rest}", any(fallback))
}

/// Unknown paths: the API's problem document under `/api/`, the "not found" page elsewhere.
async fn fallback(uri: Uri, ctx: Ctx) -> Response {
    if uri.path().starts_with("/api/") {
        return cxc_http::error::ApiError::NotFound.into_response();
    }
    let mut res = ctx.not_found();
    *res.status_mut() = StatusCode::NOT_FOUND;
    res
}
