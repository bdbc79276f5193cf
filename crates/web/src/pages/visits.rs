//! 360ºXchange group visits: the published ones, a visit's agenda in its own time zone,
//! registering (confirmed or a place on the waiting list), the calendar subscription, and
//! cancelling.
use axum::{
    extract::Path,
    http::{Method, StatusCode},
    response::Response,
};
use chrono::NaiveDate;
use cxc_domain::visit::RegistrationStatus;
use maud::html;
use serde_json::{Value, json};

use crate::{
    ctx::Ctx,
    form::{Errors, Form},
    format,
    layout::{csrf_field, error_summary, select},
    pages::util::{code_of, str_of},
};

fn day(ctx: &Ctx, v: &Value) -> String {
    v.as_str()
        .and_then(|s| NaiveDate::parse_from_str(s.get(..10).unwrap_or(s), "%Y-%m-%d").ok())
        .map_or_else(String::new, |d| format::date(ctx.lang(), d))
}

/// The published visits, and the signed-in user's registrations with their place in the
/// waiting list.
pub async fn list(ctx: Ctx) -> Response {
    let visits = ctx.get("/api/v1/group-visits?limit=100").await.items();
    let mine = if ctx.signed_in() {
        ctx.get("/api/v1/me/group-visit-registrations?limit=100")
            .await
            .items()
    } else {
        Vec::new()
    };
    let mine: Vec<&Value> = mine
        .iter()
        .filter(|r| {
            r["cancelled_at"].is_null()
                && code_of(r, "status") != Some(RegistrationStatus::Cancelled)
        })
        .collect();
    let body = html! {
        @if !mine.is_empty() {
            h2 { (ctx.t("visits-mine")) }
            ul.cards {
                @for r in &mine {
                    li {
                        a href=(format!("/visits/{}", str_of(r, "visit_id"))) { (str_of(r, "visit_title")) }
                        " — " (registration_state(&ctx, r))
                    }
                }
            }
        }
        h2 { (ctx.t("visits-published")) }
        @if visits.is_empty() { p { (ctx.t("visits-none")) } }
        ul.cards {
            @for v in &visits {
                li {
                    a href=(format!("/visits/{}", str_of(v, "id"))) { (str_of(v, "title")) }
                    " — " (str_of(v, "city")) ", " (str_of(v, "host_country")) ", "
                    (day(&ctx, &v["starts_on"])) " – " (day(&ctx, &v["ends_on"]))
                }
            }
        }
    };
    ctx.page(&ctx.t("visits-title"), body)
}

fn registration_state(ctx: &Ctx, r: &Value) -> String {
    match (str_of(r, "status").as_str(), r["position"].as_i64()) {
        ("waitlisted", Some(p)) => ctx
            .tr
            .ta("registration-waitlisted", &[("position", p.into())]),
        (s, _) => ctx.t(&format!("registration-{s}")),
    }
}

async fn visit_page(ctx: &Ctx, id: &str, errors: &Errors, status: StatusCode) -> Response {
    let r = ctx.get(&format!("/api/v1/group-visits/{id}")).await;
    if !r.ok() {
        return ctx.failed(&r);
    }
    let v = &r.body;
    let mine: Vec<Value> = if ctx.signed_in() {
        ctx.get("/api/v1/me/group-visit-registrations?limit=200")
            .await
            .items()
            .into_iter()
            .filter(|x| {
                str_of(x, "visit_id") == id
                    && x["item_id"].is_null()
                    && x["cancelled_at"].is_null()
                    && code_of(x, "status") != Some(RegistrationStatus::Cancelled)
            })
            .collect()
    } else {
        Vec::new()
    };
    let orgs = match ctx.my_organisation_choices().await {
        Ok(orgs) => orgs,
        Err(r) => return ctx.failed(&r),
    };
    let host = ctx
        .web
        .public_url
        .split("://")
        .nth(1)
        .unwrap_or("127.0.0.1:8080")
        .to_owned();
    let ics = format!("/api/v1/group-visits/{id}/agenda.ics");
    let agenda: Vec<Value> = v["agenda"].as_array().cloned().unwrap_or_default();
    let body = html! {
        (error_summary(ctx, errors, &["organisation_id"]))
        p { (str_of(v, "description")) }
        dl.summary {
            dt { (ctx.t("visit-where")) } dd { (str_of(v, "city")) ", " (str_of(v, "host_country")) }
            dt { (ctx.t("dates")) } dd { (day(ctx, &v["starts_on"])) " – " (day(ctx, &v["ends_on"])) }
            dt { (ctx.t("visit-places-left")) } dd { (v["places_left"]) " / " (v["capacity"]) }
            dt { (ctx.t("visit-registration-closes")) } dd { (day(ctx, &v["registration_closes_at"])) }
        }
        h2 { (ctx.tr.ta("visit-agenda", &[("zone", str_of(v, "timezone").into())])) }
        @if agenda.is_empty() { p { (ctx.t("visit-agenda-empty")) } }
        @else {
            div.table-scroll { table {
                thead { tr { th scope="col" { (ctx.t("visit-when")) } th scope="col" { (ctx.t("visit-what")) } th scope="col" { (ctx.t("visit-venue")) } } }
                tbody { @for i in &agenda {
                    tr {
                        td { (day(ctx, &i["starts_at"])) " " (str_of(i, "starts_at").get(11..16).unwrap_or_default()) "–" (str_of(i, "ends_at").get(11..16).unwrap_or_default()) }
                        td { (str_of(i, "title")) }
                        td { (str_of(i, "venue")) }
                    }
                } }
            } }
        }
        p.no-print {
            a href=(format!("webcal://{host}{ics}")) { (ctx.t("visit-subscribe")) }
            " · "
            a href=(ics) download { (ctx.t("visit-download-ics")) }
        }
        @if !mine.is_empty() {
            h2 { (ctx.t("visit-your-registration")) }
            @for reg in &mine {
                p.status { (registration_state(ctx, reg)) }
                form.no-print method="post" action=(format!("/visits/{id}/registrations/{}/cancel", str_of(reg, "id"))) {
                    (csrf_field(ctx))
                    button.warning type="submit" { (ctx.t("visit-cancel-registration")) }
                }
            }
        } @else if ctx.signed_in() && v["registration_open"].as_bool().unwrap_or(false) {
            h2 { (ctx.t("visit-register")) }
            @if orgs.is_empty() { p { a href="/organisations/new" { (ctx.t("org-register")) } } }
            @else {
                form method="post" action=(format!("/visits/{id}/register")) {
                    (csrf_field(ctx))
                    (select("organisation_id", &ctx.t("apply-organisation"), "", &orgs, errors))
                    button type="submit" { (ctx.t("visit-register")) }
                }
            }
        } @else if !ctx.signed_in() {
            p { a href=(format!("/sign-in?next=/visits/{id}")) { (ctx.t("visit-sign-in-to-register")) } }
        }
    };
    ctx.page_status(status, &str_of(v, "title"), body)
}

pub async fn show(ctx: Ctx, Path(id): Path<String>) -> Response {
    visit_page(&ctx, &id, &Errors::default(), StatusCode::OK).await
}

pub async fn register(ctx: Ctx, Path(id): Path<String>, f: Form) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let r = ctx
        .post(
            &format!("/api/v1/group-visits/{id}/registrations"),
            &json!({ "organisation_id": f.get("organisation_id") }),
        )
        .await;
    if r.ok() {
        let notice = if code_of(&r.body, "status") == Some(RegistrationStatus::Waitlisted) {
            "notice-waitlisted"
        } else {
            "notice-registered"
        };
        return ctx.redirect_with(&format!("/visits/{id}"), notice);
    }
    if r.status == StatusCode::NOT_FOUND {
        return ctx.failed(&r);
    }
    visit_page(
        &ctx,
        &id,
        &Errors(r.errors()),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

pub async fn cancel(ctx: Ctx, Path((id, reg)): Path<(String, String)>, _f: Form) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let r = ctx
        .api(
            Method::DELETE,
            &format!("/api/v1/group-visits/{id}/registrations/{reg}"),
            None,
        )
        .await;
    if r.ok() {
        return ctx.redirect_with(&format!("/visits/{id}"), "notice-registration-cancelled");
    }
    ctx.failed(&r)
}
