//! Failed emails (admins): what could not be delivered, with the transport's error, and
//! re-queuing one (the API's retry: sent again at once with a fresh attempt budget).
use axum::{extract::Path, http::StatusCode, response::Response};
use maud::html;
use serde_json::json;

use crate::{
    ctx::Ctx,
    form::{Errors, Form},
    layout::{csrf_field, error_summary},
    pages::{applications::date_of, util::str_of},
};

async fn emails_page(ctx: &Ctx, errors: &Errors, status: StatusCode) -> Response {
    let r = ctx
        .get("/api/v1/admin/outbox?status=failed&limit=200")
        .await;
    if !r.ok() {
        return ctx.failed(&r);
    }
    let items = r.items();
    let body = html! {
        (error_summary(ctx, errors, &[]))
        @if items.is_empty() { p { (ctx.t("emails-none")) } }
        @else {
            div.table-scroll {
                table {
                    caption.visually-hidden { (ctx.t("emails-title")) }
                    thead { tr {
                        th scope="col" { (ctx.t("emails-to")) }
                        th scope="col" { (ctx.t("emails-subject")) }
                        th scope="col" { (ctx.t("emails-error")) }
                        th scope="col" { (ctx.t("emails-attempts")) }
                        th scope="col" { (ctx.t("emails-created")) }
                        th scope="col" { (ctx.t("dash-actions")) }
                    } }
                    tbody {
                        @for m in &items {
                            tr {
                                td { (str_of(m, "to_email")) }
                                td { (str_of(m, "subject")) }
                                td { (str_of(m, "last_error")) }
                                td { (m["attempts"]) }
                                td { (date_of(ctx, &m["created_at"])) }
                                td {
                                    form method="post" action=(format!("/manage/emails/{}/retry", str_of(m, "id"))) {
                                        (csrf_field(ctx))
                                        button.secondary type="submit" { (ctx.t("emails-retry")) span.visually-hidden { ": " (str_of(m, "subject")) " — " (str_of(m, "to_email")) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    ctx.page_status(status, &ctx.t("emails-title"), body)
}

pub async fn list(ctx: Ctx) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    emails_page(&ctx, &Errors::default(), StatusCode::OK).await
}

pub async fn retry(ctx: Ctx, Path(id): Path<String>, _f: Form) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let r = ctx
        .post(&format!("/api/v1/admin/outbox/{id}/retry"), &json!({}))
        .await;
    if r.ok() {
        return ctx.redirect_with("/manage/emails", "notice-email-requeued");
    }
    if matches!(
        r.status,
        StatusCode::UNAUTHORIZED | StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
    ) {
        return ctx.failed(&r);
    }
    emails_page(&ctx, &Errors(r.errors()), r.status).await
}
