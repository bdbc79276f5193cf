//! Partners' group visits (issue 16): creating a visit, building its agenda day by day in
//! the visit's own time zone (the API's clash refusals and travel-buffer warnings shown
//! inline), publishing it, the agenda versions with what changed and who was told, the
//! registrations and waiting list, and cancelling. Local times are the API's: the page
//! sends `2027-03-27T09:00` for the visit's zone and the API converts, refusing times a
//! daylight-saving change skips or repeats.
use axum::{
    extract::Path,
    http::{Method, StatusCode},
    response::Response,
};
use chrono::{Duration, NaiveDate};
use cxc_domain::visit::VisitStatus;
use maud::{Markup, html};
use serde_json::{Value, json};

use crate::{
    ctx::Ctx,
    form::{Errors, Form},
    layout::{Input, csrf_field, error_summary, select, textarea},
    pages::{
        applications::date_of,
        manage::managed,
        util::{code_of, countries, number, str_of},
    },
};

/// Most days the builder lays out (a visit is a few days; the API bounds it too).
const MAX_DAYS: i64 = 31;
const VISIT_FIELDS: [&str; 10] = [
    "partnership_id",
    "title",
    "description",
    "host_country",
    "city",
    "timezone",
    "starts_on",
    "ends_on",
    "capacity",
    "registration_closes_at",
];
pub(super) const ITEM_FIELDS: [&str; 7] = [
    "kind",
    "title",
    "starts_at",
    "ends_at",
    "venue",
    "facility",
    "capacity",
];

async fn list_page(ctx: &Ctx, f: &Form, errors: &Errors, status: StatusCode) -> Response {
    let all = managed(ctx).await;
    let mut visits = Vec::new();
    for m in &all {
        let id = str_of(m, "id");
        visits.extend(
            ctx.get(&format!(
                "/api/v1/group-visits?partnership_id={id}&limit=200"
            ))
            .await
            .items(),
        );
    }
    let options: Vec<(String, String)> = all
        .iter()
        .map(|m| (str_of(m, "id"), str_of(m, "name")))
        .collect();
    let mut country_options = vec![(String::new(), ctx.t("choose"))];
    country_options.extend(countries());
    let body = html! {
        @if all.is_empty() { p { (ctx.t("dash-none")) } }
        @if !visits.is_empty() {
            div.table-scroll {
                table {
                    caption.visually-hidden { (ctx.t("partner-visits-title")) }
                    thead { tr {
                        th scope="col" { (ctx.t("visit")) }
                        th scope="col" { (ctx.t("dates")) }
                        th scope="col" { (ctx.t("status")) }
                        th scope="col" { (ctx.t("visit-registered")) }
                    } }
                    tbody {
                        @for v in &visits {
                            tr {
                                td { a href=(format!("/manage/visits/{}", str_of(v, "id"))) { (str_of(v, "title")) } }
                                td { (date_of(ctx, &v["starts_on"])) " – " (date_of(ctx, &v["ends_on"])) }
                                td { (ctx.t(&format!("visit-status-{}", str_of(v, "status")))) }
                                td { (v["confirmed_count"]) " / " (v["capacity"]) " (+" (v["waitlisted_count"]) ")" }
                            }
                        }
                    }
                }
            }
        }
        @if !all.is_empty() {
            h2 { (ctx.t("visit-new-title")) }
            (error_summary(ctx, errors, &VISIT_FIELDS))
            form method="post" action="/manage/visits" novalidate {
                (csrf_field(ctx))
                (select("partnership_id", &ctx.t("call-partnership"), f.get("partnership_id"), &options, errors))
                (Input::new("title", ctx.t("call-title"), f.get("title")).render(errors))
                (textarea("description", &ctx.t("visit-description"), f.get("description"), None, errors))
                (select("host_country", &ctx.t("queue-host-country"), f.get("host_country"), &country_options, errors))
                (Input::new("city", ctx.t("visit-city"), f.get("city")).render(errors))
                (Input::new("timezone", ctx.t("visit-timezone"), f.get("timezone")).hint(ctx.t("visit-timezone-hint")).render(errors))
                (Input::new("starts_on", ctx.t("start-date"), f.get("starts_on")).kind("date").hint(ctx.t("date-hint")).render(errors))
                (Input::new("ends_on", ctx.t("end-date"), f.get("ends_on")).kind("date").hint(ctx.t("date-hint")).render(errors))
                (Input::new("capacity", ctx.t("call-places"), f.get("capacity")).decimal().render(errors))
                (Input::new("registration_closes_at", ctx.t("visit-registration-closes"), f.get("registration_closes_at")).kind("date").hint(ctx.t("date-hint")).render(errors))
                button type="submit" { (ctx.t("visit-create")) }
            }
        }
    };
    ctx.page_status(status, &ctx.t("partner-visits-title"), body)
}

pub async fn list(ctx: Ctx) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    list_page(&ctx, &Form::default(), &Errors::default(), StatusCode::OK).await
}

pub async fn create(ctx: Ctx, f: Form) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let mut errors = Errors::default();
    let capacity = number(ctx.tr, &f, "capacity", &mut errors);
    if !errors.is_empty() {
        return list_page(&ctx, &f, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let closes = f.get("registration_closes_at");
    #[allow(clippy::cast_possible_truncation)]
    let body = json!({
        "partnership_id": f.get("partnership_id"),
        "title": f.get("title"),
        "description": f.get("description"),
        "host_country": f.get("host_country"),
        "city": f.get("city"),
        "timezone": f.get("timezone"),
        "starts_on": f.get("starts_on"),
        "ends_on": f.get("ends_on"),
        "capacity": capacity.map(|c| c as i64),
        "registration_closes_at": if closes.is_empty() { Value::Null } else { json!(format!("{closes}T23:59:00Z")) },
    });
    let r = ctx.post("/api/v1/group-visits", &body).await;
    if r.ok() {
        return ctx.redirect_with(
            &format!("/manage/visits/{}", str_of(&r.body, "id")),
            "notice-visit-created",
        );
    }
    if r.status == StatusCode::UNAUTHORIZED {
        return ctx.failed(&r);
    }
    list_page(&ctx, &f, &Errors(r.errors()), r.status).await
}

/// One day of the agenda: its items in order, each with the warnings that involve it.
fn day_table(ctx: &Ctx, visit: &str, day: NaiveDate, items: &[&Value], editable: bool) -> Markup {
    html! {
        section.agenda-day aria-labelledby=(format!("day-{day}")) {
            h3 id=(format!("day-{day}")) { (crate::format::date(ctx.lang(), day)) }
            @if items.is_empty() { p { (ctx.t("agenda-day-empty")) } }
            @else {
                ol.agenda {
                    @for i in items {
                        li {
                            span.time { (local_time(&str_of(i, "starts_at"))) "–" (local_time(&str_of(i, "ends_at"))) }
                            " " strong { (str_of(i, "title")) }
                            " — " (ctx.t(&format!("item-kind-{}", str_of(i, "kind")))) ", " (str_of(i, "venue"))
                            @if let Some(c) = i["capacity"].as_i64() { " · " (ctx.tr.ta("item-capacity", &[("taken", i["confirmed_count"].as_i64().unwrap_or(0).into()), ("places", c.into())])) }
                            @for w in i["warnings"].as_array().into_iter().flatten() {
                                p.warning role="note" { strong { (ctx.t("agenda-warning")) ": " } (str_of(w, "message")) }
                            }
                            @if editable {
                                " " a href=(format!("/manage/visits/{visit}/items/{}/edit", str_of(i, "id"))) { (ctx.t("item-edit")) span.visually-hidden { ": " (str_of(i, "title")) } }
                                form.inline method="post" action=(format!("/manage/visits/{visit}/items/{}/delete", str_of(i, "id"))) {
                                    (csrf_field(ctx))
                                    " " button.link type="submit" { (ctx.t("item-remove")) span.visually-hidden { ": " (str_of(i, "title")) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The visit's days, first to last (at most [`MAX_DAYS`] + 1).
pub(super) fn days_of(v: &Value) -> Vec<NaiveDate> {
    let start = NaiveDate::parse_from_str(&str_of(v, "starts_on"), "%Y-%m-%d").ok();
    let end = NaiveDate::parse_from_str(&str_of(v, "ends_on"), "%Y-%m-%d").ok();
    match (start, end) {
        (Some(s), Some(e)) => (0..=(e - s).num_days().clamp(0, MAX_DAYS))
            .map(|n| s + Duration::days(n))
            .collect(),
        _ => Vec::new(),
    }
}

/// The inputs of an agenda item, for adding one and for editing (or moving) one.
pub(super) fn item_fields(ctx: &Ctx, f: &Form, errors: &Errors, days: &[NaiveDate]) -> Markup {
    let day_options: Vec<(String, String)> = days
        .iter()
        .map(|d| (d.to_string(), crate::format::date(ctx.lang(), *d)))
        .collect();
    let kind_options: Vec<(String, String)> = cxc_domain::agenda::ItemKind::ALL
        .iter()
        .map(|k| {
            let k = k.as_str();
            (k.to_owned(), ctx.t(&format!("item-kind-{k}")))
        })
        .collect();
    html! {
        (select("kind", &ctx.t("item-kind"), f.get("kind"), &kind_options, errors))
        (Input::new("title", ctx.t("call-title"), f.get("title")).render(errors))
        (select("day", &ctx.t("item-day"), f.get("day"), &day_options, errors))
        (Input::new("starts_at", ctx.t("item-starts"), f.get("starts_at")).kind("time").hint(ctx.t("item-time-hint")).render(errors))
        (Input::new("ends_at", ctx.t("item-ends"), f.get("ends_at")).kind("time").render(errors))
        (Input::new("venue", ctx.t("item-venue"), f.get("venue")).render(errors))
        (Input::new("facility", ctx.t("item-facility"), f.get("facility")).render(errors))
        (Input::new("capacity", ctx.t("item-capacity-label"), f.get("capacity")).decimal().hint(ctx.t("item-capacity-hint")).render(errors))
    }
}

/// The API's item body from the form: local times on the chosen day, `null` for an
/// emptied facility or capacity (the API clears them).
pub(super) fn item_body(ctx: &Ctx, f: &Form) -> Result<Value, Errors> {
    let mut errors = Errors::default();
    let capacity = number(ctx.tr, f, "capacity", &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    let at = |time: &str| {
        let t = f.get(time);
        if t.is_empty() {
            String::new()
        } else {
            format!("{}T{t}", f.get("day"))
        }
    };
    #[allow(clippy::cast_possible_truncation)]
    Ok(json!({
        "kind": f.get("kind"),
        "title": f.get("title"),
        "starts_at": at("starts_at"),
        "ends_at": at("ends_at"),
        "venue": f.get("venue"),
        "facility": f.opt("facility"),
        "capacity": capacity.map(|c| c as i64),
    }))
}

/// `2027-03-27T09:00` → `09:00`.
pub(super) fn local_time(s: &str) -> String {
    s.split('T').nth(1).unwrap_or(s).chars().take(5).collect()
}

async fn builder_page(
    ctx: &Ctx,
    id: &str,
    f: &Form,
    errors: &Errors,
    status: StatusCode,
) -> Response {
    let r = ctx.get(&format!("/api/v1/group-visits/{id}")).await;
    if !r.ok() {
        return ctx.failed(&r);
    }
    let v = &r.body;
    let version = r.etag.clone().unwrap_or_default();
    let st = str_of(v, "status");
    let state: Option<VisitStatus> = code_of(v, "status");
    let agenda = v["agenda"].as_array().cloned().unwrap_or_default();
    let days = days_of(v);
    let editable = state != Some(VisitStatus::Cancelled);
    let regs = ctx
        .get(&format!(
            "/api/v1/group-visits/{id}/registrations?limit=200"
        ))
        .await
        .items();
    let versions = ctx
        .get(&format!("/api/v1/group-visits/{id}/agenda-versions"))
        .await;
    let versions = versions.body.as_array().cloned().unwrap_or_default();
    // Adding an item emails the confirmed participants; cancelling the visit emails the
    // waiting list too.
    let confirmed = v["confirmed_count"].as_i64().unwrap_or(0);
    let told = confirmed + v["waitlisted_count"].as_i64().unwrap_or(0);
    let body = html! {
        (error_summary(ctx, errors, &ITEM_FIELDS))
        dl.summary {
            dt { (ctx.t("status")) } dd { (ctx.t(&format!("visit-status-{st}"))) }
            dt { (ctx.t("dates")) } dd { (date_of(ctx, &v["starts_on"])) " – " (date_of(ctx, &v["ends_on"])) }
            dt { (ctx.t("visit-timezone")) } dd { (str_of(v, "timezone")) " — " (ctx.t("visit-times-local")) }
            dt { (ctx.t("visit-registered")) } dd { (v["confirmed_count"]) " / " (v["capacity"]) " · " (ctx.t("visit-waiting")) ": " (v["waitlisted_count"]) }
            dt { (ctx.t("visit-agenda-version")) } dd { (v["agenda_version"]) }
        }
        h2 { (ctx.t("agenda-title")) }
        @for d in &days {
            @let items: Vec<&Value> = agenda.iter().filter(|i| str_of(i, "starts_at").starts_with(&d.to_string())).collect();
            (day_table(ctx, id, *d, &items, editable))
        }
        @if editable {
            h2 id="add-item" { (ctx.t("item-add-title")) }
            @if state == Some(VisitStatus::Published) { p.warning role="note" { (ctx.tr.ta("item-add-published", &[("count", confirmed.into())])) } }
            form method="post" action=(format!("/manage/visits/{id}/items")) novalidate {
                (csrf_field(ctx))
                input type="hidden" name="version" value=(version);
                (item_fields(ctx, f, errors, &days))
                button type="submit" { (ctx.t("item-add")) }
            }
        }
        @if state == Some(VisitStatus::Draft) {
            h2 { (ctx.t("visit-publish-title")) }
            form method="post" action=(format!("/manage/visits/{id}/publish")) {
                (csrf_field(ctx))
                input type="hidden" name="version" value=(version);
                p { (ctx.tr.ta("visit-publish-text", &[("items", agenda.len().into())])) }
                button type="submit" { (ctx.t("visit-publish")) }
            }
        }
        @if !versions.is_empty() {
            h2 { (ctx.t("visit-versions-title")) }
            ol.versions {
                @for ver in versions.iter().rev() {
                    li {
                        strong { (ctx.tr.ta("visit-version", &[("number", ver["number"].as_i64().unwrap_or(0).into())])) }
                        " — " (date_of(ctx, &ver["published_at"]))
                        @for (key, label) in [("added", "change-added"), ("moved", "change-moved"), ("changed", "change-changed"), ("removed", "change-removed")] {
                            @let entries = ver["changelog"][key].as_array().cloned().unwrap_or_default();
                            @if !entries.is_empty() {
                                p { (ctx.t(label)) ": " (entries.iter().map(|e| str_of(e, "title")).collect::<Vec<_>>().join(", ")) }
                            }
                        }
                    }
                }
            }
        }
        h2 { (ctx.t("visit-registrations-title")) }
        @if regs.is_empty() { p { (ctx.t("visit-registrations-none")) } }
        @else {
            div.table-scroll {
                table {
                    caption.visually-hidden { (ctx.t("visit-registrations-title")) }
                    thead { tr { th scope="col" { (ctx.t("full-name")) } th scope="col" { (ctx.t("email")) } th scope="col" { (ctx.t("status")) } th scope="col" { (ctx.t("visit-position")) } } }
                    tbody {
                        @for g in &regs {
                            tr {
                                td { (str_of(&g["participant"], "full_name")) }
                                td { (str_of(&g["participant"], "email")) }
                                td { (ctx.t(&format!("registration-status-{}", str_of(g, "status")))) }
                                td { (g["position"].as_i64().map_or_else(String::new, |p| p.to_string())) }
                            }
                        }
                    }
                }
            }
        }
        @if editable {
            h2 { (ctx.t("visit-cancel-title")) }
            form method="post" action=(format!("/manage/visits/{id}/cancel")) {
                (csrf_field(ctx))
                input type="hidden" name="version" value=(version);
                (textarea("comment", &ctx.t("visit-cancel-comment"), "", Some(&ctx.tr.ta("visit-cancel-told", &[("count", told.into())])), errors))
                button.warning type="submit" { (ctx.t("visit-cancel")) }
            }
        }
        p { a href="/manage/visits" { (ctx.t("partner-visits-title")) } }
    };
    ctx.page_status(status, &str_of(v, "title"), body)
}

pub async fn builder(ctx: Ctx, Path(id): Path<String>) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    builder_page(
        &ctx,
        &id,
        &Form::default(),
        &Errors::default(),
        StatusCode::OK,
    )
    .await
}

/// Runs a change through the API with the version the page showed; a refusal (a clash at
/// the venue, a time outside the visit, a change made meanwhile) is shown on the builder.
async fn change(
    ctx: &Ctx,
    id: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
    f: &Form,
    notice: &str,
) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let r = ctx
        .send_if_match(method, path, body, f.get("version"))
        .await;
    if r.ok() {
        return ctx.redirect_with(&format!("/manage/visits/{id}"), notice);
    }
    if matches!(r.status, StatusCode::UNAUTHORIZED | StatusCode::NOT_FOUND) {
        return ctx.failed(&r);
    }
    let mut errors = Errors::default();
    if r.status == StatusCode::PRECONDITION_FAILED {
        errors.add("", ctx.t("visit-changed-elsewhere"));
    } else {
        errors = Errors(r.errors());
    }
    builder_page(ctx, id, f, &errors, r.status).await
}

pub async fn add_item(ctx: Ctx, Path(id): Path<String>, f: Form) -> Response {
    let body = match item_body(&ctx, &f) {
        Ok(b) => b,
        Err(errors) => {
            return builder_page(&ctx, &id, &f, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
        }
    };
    change(
        &ctx,
        &id,
        Method::POST,
        &format!("/api/v1/group-visits/{id}/agenda-items"),
        Some(&body),
        &f,
        "notice-item-added",
    )
    .await
}

pub async fn remove_item(ctx: Ctx, Path((id, item)): Path<(String, String)>, f: Form) -> Response {
    change(
        &ctx,
        &id,
        Method::DELETE,
        &format!("/api/v1/group-visits/{id}/agenda-items/{item}"),
        None,
        &f,
        "notice-item-removed",
    )
    .await
}

pub async fn publish(ctx: Ctx, Path(id): Path<String>, f: Form) -> Response {
    change(
        &ctx,
        &id,
        Method::POST,
        &format!("/api/v1/group-visits/{id}/publish"),
        None,
        &f,
        "notice-visit-published",
    )
    .await
}

pub async fn cancel(ctx: Ctx, Path(id): Path<String>, f: Form) -> Response {
    let body = json!({ "comment": f.opt("comment") });
    change(
        &ctx,
        &id,
        Method::POST,
        &format!("/api/v1/group-visits/{id}/cancel"),
        Some(&body),
        &f,
        "notice-visit-cancelled",
    )
    .await
}
