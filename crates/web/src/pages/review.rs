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
use cxc_domain::workflow::{self, Action};
use maud::{Markup, html};
use serde_json::{Value, json};

use crate::{
    ctx::Ctx,
    form::{Errors, Form},
    layout::{Input, choices, csrf_field, textarea},
    pages::{
        applications::{act, allows, application_page},
        util::{cents_to_input, euros_to_cents, str_of},
    },
};

/// The coordinator's part of an application page (shown to whoever sees the application
/// without being its applicant or host contact: the API decides what they may do).
pub async fn staff_section(ctx: &Ctx, a: &Value, version: &str, errors: &Errors) -> Markup {
    let id = str_of(a, "id");
    let st = str_of(a, "status");
    let call = ctx
        .get(&format!("/api/v1/calls/{}", str_of(a, "call_id")))
        .await;
    let c = &call.body;
    let may = |action: Action| allows(&st, action);
    // The decisions the workflow allows from this state (no "waitlist" once waitlisted).
    let decisions: Vec<(String, String)> = workflow::DECISIONS
        .into_iter()
        .filter(|d| may(*d))
        .map(|d| {
            (
                d.as_str().to_owned(),
                ctx.t(&format!("staff-{}", d.as_str())),
            )
        })
        .collect();
    html! {
        section.staff.no-print aria-labelledby="staff-title" {
            h2 id="staff-title" { (ctx.t("staff-title")) }
            @if call.ok() {
                dl.summary {
                    dt { (ctx.t("call")) } dd { (str_of(c, "title")) }
                    dt { (ctx.t("call-budget-left")) } dd { (ctx.money(&c["budget_remaining_cents"])) " / " (ctx.money(&c["budget_cents"])) }
                    dt { (ctx.t("call-places-left")) } dd { (c["places_remaining"]) " / " (c["places"]) }
                    dt { (ctx.t("lump-sum")) } dd { (ctx.money(&a["grant_cents"])) }
                }
            }
            @if may(Action::Review) {
                form method="post" action=(format!("/applications/{id}/review")) {
                    (csrf_field(ctx))
                    (textarea("comment", &ctx.t("staff-comment"), "", None, errors))
                    button type="submit" { (ctx.t("staff-start-review")) }
                }
            } @else if !decisions.is_empty() {
                form method="post" action=(format!("/applications/{id}/decision")) {
                    (csrf_field(ctx))
                    input type="hidden" name="version" value=(version);
                    (choices("radio", "decision", &ctx.t("staff-decision"), &[], &decisions, errors))
                    (textarea("comment", &ctx.t("staff-comment"), "", Some(&ctx.t("staff-comment-hint")), errors))
                    button type="submit" { (ctx.t("staff-decide")) }
                }
            } @else if may(Action::Validate) {
                form method="post" action=(format!("/applications/{id}/validate-report")) {
                    (csrf_field(ctx))
                    button type="submit" { (ctx.t("staff-validate")) }
                }
            } @else if may(Action::Pay) {
                form method="post" action=(format!("/applications/{id}/payment")) novalidate {
                    (csrf_field(ctx))
                    (Input::new("paid_on", ctx.t("staff-paid-on"), &Utc::now().date_naive().to_string()).kind("date").render(errors))
                    (Input::new("amount_cents", ctx.t("staff-amount"), &cents_to_input(&a["grant_cents"])).decimal().hint(ctx.t("euros-hint")).render(errors))
                    button type="submit" { (ctx.t("staff-record-payment")) }
                }
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
        .send_if_match(
            Method::POST,
            &format!("/api/v1/applications/{id}/decision"),
            Some(&json!({ "decision": f.get("decision"), "comment": f.opt("comment") })),
            f.get("version"),
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
