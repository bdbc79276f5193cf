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
pub mod applications;
pub mod home;
pub mod manage;
pub mod organisations;
pub mod review;
pub mod util;
pub mod visits;

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
        .route(
            "/forgot-password",
            get(account::forgot_form).post(account::forgot),
        )
        .route(
            "/reset-password",
            get(account::reset_form).post(account::reset),
        )
        .route("/language", post(account::language))
        .route("/organisations", get(organisations::list))
        .route(
            "/organisations/new",
            get(organisations::new_form).post(organisations::create),
        )
        .route("/organisations/{id}", get(organisations::show))
        .route("/organisations/{id}/hosts", get(organisations::hosts))
        .route("/calls", get(applications::calls))
        .route(
            "/calls/{id}/apply",
            get(applications::apply_form).post(applications::apply),
        )
        .route("/calls/{id}/figures", get(applications::figures))
        .route("/applications", get(applications::list))
        .route("/applications/{id}", get(applications::show))
        .route(
            "/applications/{id}/edit",
            get(applications::edit_form).post(applications::edit),
        )
        .route("/applications/{id}/submit", post(applications::submit))
        .route("/applications/{id}/withdraw", post(applications::withdraw))
        .route(
            "/applications/{id}/host-response",
            post(applications::host_response),
        )
        .route(
            "/applications/{id}/commitment",
            post(applications::commitment),
        )
        .route("/applications/{id}/report", post(applications::report))
        .route("/applications/{id}/review", post(review::review))
        .route("/applications/{id}/decision", post(review::decide))
        .route(
            "/applications/{id}/validate-report",
            post(review::validate_report),
        )
        .route("/applications/{id}/payment", post(review::payment))
        .route("/manage", get(manage::dashboard::dashboard))
        .route("/manage/queue", get(manage::queue::queue))
        .route(
            "/manage/bulk",
            get(manage::bulk::confirm).post(manage::bulk::apply),
        )
        .route(
            "/manage/calls",
            get(manage::calls::list).post(manage::calls::create),
        )
        .route(
            "/manage/calls/{id}/applications.csv",
            get(manage::calls::export),
        )
        .route("/manage/emails", get(manage::emails::list))
        .route("/manage/emails/{id}/retry", post(manage::emails::retry))
        .route("/manage/users", get(manage::users::list))
        .route("/manage/users/{id}", get(manage::users::show))
        .route("/manage/users/{id}/grant", post(manage::users::grant))
        .route(
            "/manage/users/{id}/grants/{grant}/revoke",
            post(manage::users::revoke),
        )
        .route("/manage/users/{id}/disable", post(manage::users::disable))
        .route("/manage/users/{id}/enable", post(manage::users::enable))
        .route(
            "/manage/users/{id}/sessions",
            post(manage::users::end_sessions),
        )
        .route(
            "/manage/visits",
            get(manage::visits::list).post(manage::visits::create),
        )
        .route("/manage/visits/{id}", get(manage::visits::builder))
        .route("/manage/visits/{id}/items", post(manage::visits::add_item))
        .route(
            "/manage/visits/{id}/items/{item}/delete",
            post(manage::visits::remove_item),
        )
        .route("/manage/visits/{id}/publish", post(manage::visits::publish))
        .route("/manage/visits/{id}/cancel", post(manage::visits::cancel))
        .route("/visits", get(visits::list))
        .route("/visits/{id}", get(visits::show))
        .route("/visits/{id}/register", post(visits::register))
        .route(
            "/visits/{id}/registrations/{reg}/cancel",
            post(visits::cancel),
        )
        .route(
            "/verify-email",
            get(account::verify_form).post(account::verify),
        )
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
