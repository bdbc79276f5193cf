//! What a coordinator does on an application (issue 16): the call's budget and places in
//! view, starting the review, deciding (with the version read, so a decision on an
//! application someone changed meanwhile is refused and reported), validating the closing
//! report and recording the payment. A refusal (a conflict of interest, the budget, the
//! state) comes back from the API with its reason and is shown at the top of the page.
use axum::{
    extract::Path,
    http::{Method, StatusCode},
    response::Response,
};
use chrono::Utc;
use cxc_domain::workflow::Status;
use maud::{Markup, html};
use serde_json::{Value, json};

use crate::{
    ctx::Ctx,
    form::{Errors, Form},
    layout::{Input, choices, csrf_field, textarea},
    pages::{
        applications::{act, application_page, money_of},
        util::{cents_to_input, code_of, euros_to_cents, str_of},
    },
};

/// The coordinator's part of an application page (shown to whoever sees the application
/// without being its applicant or host contact: the API decides what they may do).
pub async fn staff_section(ctx: &Ctx, a: &Value, version: &str, errors: &Errors) -> Markup {
    let id = str_of(a, "id");
    let st: Option<Status> = code_of(a, "status");
    let call = ctx
        .get(&format!("/api/v1/calls/{}", str_of(a, "call_id")))
        .await;
    let c = &call.body;
    html! {
        section.staff.no-print aria-labelledby="staff-title" {
            h2 id="staff-title" { (ctx.t("staff-title")) }
            @if call.ok() {
                dl.summary {
                    dt { (ctx.t("call")) } dd { (str_of(c, "title")) }
                    dt { (ctx.t("call-budget-left")) } dd { (money_of(ctx, &c["budget_remaining_cents"])) " / " (money_of(ctx, &c["budget_cents"])) }
                    dt { (ctx.t("call-places-left")) } dd { (c["places_remaining"]) " / " (c["places"]) }
                    dt { (ctx.t("lump-sum")) } dd { (money_of(ctx, &a["grant_cents"])) }
                }
            }
            @match st {
                Some(Status::Submitted) => {
                    form method="post" action=(format!("/applications/{id}/review")) {
                        (csrf_field(ctx))
                        (textarea("comment", &ctx.t("staff-comment"), "", None, errors))
                        button type="submit" { (ctx.t("staff-start-review")) }
                    }
                }
                Some(Status::UnderReview | Status::Waitlisted) => {
                    form method="post" action=(format!("/applications/{id}/decision")) {
                        (csrf_field(ctx))
                        input type="hidden" name="version" value=(version);
                        (choices("radio", "decision", &ctx.t("staff-decision"), &[], &[
                            ("approve".to_owned(), ctx.t("staff-approve")),
                            ("reject".to_owned(), ctx.t("staff-reject")),
                            ("waitlist".to_owned(), ctx.t("staff-waitlist")),
                        ], errors))
                        (textarea("comment", &ctx.t("staff-comment"), "", Some(&ctx.t("staff-comment-hint")), errors))
                        button type="submit" { (ctx.t("staff-decide")) }
                    }
                }
                Some(Status::Reported) => {
                    form method="post" action=(format!("/applications/{id}/validate-report")) {
                        (csrf_field(ctx))
                        button type="submit" { (ctx.t("staff-validate")) }
                    }
                }
                Some(Status::Completed) => {
                    form method="post" action=(format!("/applications/{id}/payment")) novalidate {
                        (csrf_field(ctx))
                        (Input::new("paid_on", ctx.t("staff-paid-on"), &Utc::now().date_naive().to_string()).kind("date").render(errors))
                        (Input::new("amount_cents", ctx.t("staff-amount"), &cents_to_input(&a["grant_cents"])).decimal().hint(ctx.t("euros-hint")).render(errors))
                        button type="submit" { (ctx.t("staff-record-payment")) }
                    }
                }
                _ => {}
            }
        }
    }
}

pub async fn review(ctx: Ctx, Path(id): Path<String>, f: Form) -> Response {
    act(
        &ctx,
        &id,
        "review",
        &json!({ "comment": f.opt("comment") }),
        "notice-review-started",
    )
    .await
}

/// The decision, with `If-Match` set to the version the page showed.
pub async fn decide(ctx: Ctx, Path(id): Path<String>, f: Form) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let r = ctx
        .send(
            Method::POST,
            &format!("/api/v1/applications/{id}/decision"),
            Some(&json!({ "decision": f.get("decision"), "comment": f.opt("comment") })),
            &[("if-match", f.get("version").to_owned())],
        )
        .await;
    if r.ok() {
        return ctx.redirect_with(&format!("/applications/{id}"), "notice-decided");
    }
    if matches!(r.status, StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED) {
        return ctx.failed(&r);
    }
    let mut errors = Errors::default();
    if r.status == StatusCode::PRECONDITION_FAILED {
        errors.add("", ctx.t("staff-changed-elsewhere"));
    } else {
        errors = Errors(r.errors());
        // "decision" is the radio group's name too: a missing choice lands next to it.
    }
    application_page(&ctx, &id, &errors, r.status).await
}

pub async fn validate_report(ctx: Ctx, Path(id): Path<String>, _f: Form) -> Response {
    act(
        &ctx,
        &id,
        "report/validate",
        &json!({}),
        "notice-report-validated",
    )
    .await
}

pub async fn payment(ctx: Ctx, Path(id): Path<String>, f: Form) -> Response {
    let mut errors = Errors::default();
    let amount = euros_to_cents(ctx.tr, &f, "amount_cents", &mut errors);
    if !errors.is_empty() {
        return application_page(&ctx, &id, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let body = json!({ "paid_on": f.get("paid_on"), "amount_cents": amount });
    act(&ctx, &id, "payment", &body, "notice-payment-recorded").await
}
