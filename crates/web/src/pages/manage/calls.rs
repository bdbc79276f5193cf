//! Calls: every call of the partnerships the coordinator runs, with places and budget
//! left, opening a new one (the API checks every figure and the coordinator's right), and
//! the CSV export of a call's applications (the API's file, passed through).
use axum::{
    extract::Path,
    http::{Method, StatusCode},
    response::Response,
};
use maud::html;
use serde_json::{Value, json};

use crate::{
    ctx::Ctx,
    form::{Errors, Form},
    layout::{Input, csrf_field, error_summary, select},
    pages::{
        manage::{calls_of, calls_table, managed},
        util::{euros_to_cents, number, str_of},
    },
};

const FIELDS: [&str; 8] = [
    "partnership_id",
    "title",
    "opens_at",
    "closes_at",
    "budget_cents",
    "places",
    "lump_sum_default_cents",
    "max_days",
];

async fn calls_page(ctx: &Ctx, f: &Form, errors: &Errors, status: StatusCode) -> Response {
    let all = managed(ctx).await;
    let mut sections = Vec::new();
    for m in &all {
        let id = str_of(m, "id");
        sections.push((str_of(m, "name"), calls_of(ctx, &id).await));
    }
    let options: Vec<(String, String)> = all
        .iter()
        .map(|m| (str_of(m, "id"), str_of(m, "name")))
        .collect();
    let body = html! {
        @if all.is_empty() { p { (ctx.t("dash-none")) } }
        @for (name, calls) in &sections {
            h2 { (name) }
            (calls_table(ctx, calls))
        }
        @if !all.is_empty() {
            h2 id="new-call" { (ctx.t("call-new-title")) }
            (error_summary(ctx, errors, &FIELDS))
            form method="post" action="/manage/calls" novalidate {
                (csrf_field(ctx))
                (select("partnership_id", &ctx.t("call-partnership"), f.get("partnership_id"), &options, errors))
                (Input::new("title", ctx.t("call-title"), f.get("title")).required().render(errors))
                (Input::new("opens_at", ctx.t("call-opens"), f.get("opens_at")).kind("date").hint(ctx.t("date-hint")).render(errors))
                (Input::new("closes_at", ctx.t("call-closes"), f.get("closes_at")).kind("date").hint(ctx.t("date-hint")).render(errors))
                (Input::new("budget_cents", ctx.t("call-budget"), f.get("budget_cents")).decimal().hint(ctx.t("euros-hint")).render(errors))
                (Input::new("places", ctx.t("call-places"), f.get("places")).decimal().render(errors))
                (Input::new("lump_sum_default_cents", ctx.t("call-lump-sum"), f.get("lump_sum_default_cents")).decimal().hint(ctx.t("call-lump-sum-hint")).render(errors))
                (Input::new("max_days", ctx.t("call-max-days"), if f.get("max_days").is_empty() { "31" } else { f.get("max_days") }).decimal().render(errors))
                button type="submit" { (ctx.t("call-create")) }
            }
        }
    };
    ctx.page_status(status, &ctx.t("manage-calls-title"), body)
}

pub async fn list(ctx: Ctx) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    calls_page(&ctx, &Form::default(), &Errors::default(), StatusCode::OK).await
}

/// A date typed in the form as the start of that day in UTC (the API wants an instant).
fn day_start(raw: &str) -> Value {
    if raw.is_empty() {
        Value::Null
    } else {
        json!(format!("{raw}T00:00:00Z"))
    }
}

pub async fn create(ctx: Ctx, f: Form) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let mut errors = Errors::default();
    let budget = euros_to_cents(ctx.tr, &f, "budget_cents", &mut errors);
    let lump = euros_to_cents(ctx.tr, &f, "lump_sum_default_cents", &mut errors);
    let places = number(ctx.tr, &f, "places", &mut errors);
    let max_days = number(ctx.tr, &f, "max_days", &mut errors);
    if !errors.is_empty() {
        return calls_page(&ctx, &f, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    #[allow(clippy::cast_possible_truncation)]
    let body = json!({
        "title": f.get("title"),
        "opens_at": day_start(f.get("opens_at")),
        "closes_at": day_start(f.get("closes_at")),
        "budget_cents": budget,
        "places": places.map(|p| p as i64),
        "lump_sum_default_cents": lump,
        "max_days": max_days.map_or(31, |d| d as i64),
    });
    let r = ctx
        .post(
            &format!("/api/v1/partnerships/{}/calls", f.get("partnership_id")),
            &body,
        )
        .await;
    if r.ok() {
        return ctx.redirect_with("/manage/calls", "notice-call-created");
    }
    if r.status == StatusCode::UNAUTHORIZED {
        return ctx.failed(&r);
    }
    let status = if r.status.is_client_error() {
        r.status
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    calls_page(&ctx, &f, &Errors(r.errors()), status).await
}

/// The API's CSV of a call's applications, as the signed-in coordinator.
pub async fn export(ctx: Ctx, Path(id): Path<String>) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    match ctx
        .forward(Method::GET, &format!("/api/v1/calls/{id}/applications.csv"))
        .await
    {
        Ok(file) => file,
        Err(problem) => ctx.failed(&problem),
    }
}
