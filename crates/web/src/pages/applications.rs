//! Applying in a call and following the application: the exchange figures as the dates
//! change, submitting (every failed rule at once), the status timeline, the Commitment to
//! Quality, the closing report and the payment; and the host contact's answer.
use axum::{
    extract::{Path, Query},
    http::StatusCode,
    response::Response,
};
use chrono::{DateTime, NaiveDate, Utc};
use cxc_domain::workflow::{self, Action, HostResponse, Status};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    ctx::Ctx,
    form::{Errors, Form},
    format,
    layout::{Input, choices, csrf_field, error_summary, select, textarea},
    pages::{
        organisations::BIG_SCIENCE_SECTORS,
        util::{code_of, countries, list_tags, str_of},
    },
};

pub fn date_of(ctx: &Ctx, v: &Value) -> String {
    v.as_str()
        .and_then(|s| {
            NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().or_else(|| {
                DateTime::parse_from_rfc3339(s)
                    .ok()
                    .map(|d| d.with_timezone(&Utc).date_naive())
            })
        })
        .map_or_else(String::new, |d| format::date(ctx.lang(), d))
}

#[derive(Deserialize, Default)]
pub struct Chosen {
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    host: String,
}

/// Open calls, each with what is left of it.
pub async fn calls(ctx: Ctx, Query(c): Query<Chosen>) -> Response {
    let r = ctx.get("/api/v1/calls?open=true&limit=100").await;
    let items = r.items();
    let body = html! {
        @if items.is_empty() { p { (ctx.t("calls-none")) } }
        ul.cards {
            @for call in &items {
                @let id = str_of(call, "id");
                li {
                    h2 { (str_of(call, "title")) }
                    dl.summary {
                        dt { (ctx.t("call-closes")) } dd { (date_of(&ctx, &call["closes_at"])) }
                        dt { (ctx.t("call-budget-left")) } dd {
                            (ctx.money(&call["budget_remaining_cents"]))
                        }
                        dt { (ctx.t("call-places-left")) } dd { (call["places"].as_i64().unwrap_or(0) - call["places_taken"].as_i64().unwrap_or(0)) }
                    }
                    @if ctx.signed_in() {
                        a.button href=(format!("/calls/{id}/apply?organisation={}&host={}", c.organisation, c.host)) {
                            (ctx.t("apply")) span.visually-hidden { ": " (str_of(call, "title")) }
                        }
                    }
                }
            }
        }
    };
    ctx.page(&ctx.t("calls-title"), body)
}

const APPLY_FIELDS: [&str; 12] = [
    "organisation_id",
    "host_organisation_id",
    "participant.full_name",
    "participant.email",
    "participant.job_title",
    "participant.nationality",
    "participant.base_country",
    "start_date",
    "end_date",
    "travel_days",
    "objectives",
    "activities",
];

fn application_body(f: &Form) -> Value {
    let travel: Vec<String> = list_tags(f.get("travel_days"));
    let activities: Vec<String> = f
        .get("activities")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    json!({
        "organisation_id": f.get("organisation_id"),
        "host_organisation_id": f.get("host_organisation_id"),
        "participant": {
            "full_name": f.get("participant.full_name"),
            "email": f.get("participant.email"),
            "job_title": f.get("participant.job_title"),
            "nationality": f.get("participant.nationality"),
            "base_country": f.get("participant.base_country"),
        },
        "start_date": f.get("start_date"),
        "end_date": f.get("end_date"),
        "travel_days": travel,
        "objectives": f.get("objectives"),
        "activities": activities,
        "sectors": f.all("sectors"),
    })
}

/// The figures of an exchange for the chosen organisations and dates, from the API's
/// exchange calculator: working days, the holidays left out, distance, lump sum.
pub async fn figures_panel(ctx: &Ctx, call: &str, f: &Form) -> Markup {
    let (start, end) = (f.get("start_date"), f.get("end_date"));
    if start.is_empty() || end.is_empty() || f.get("host_organisation_id").is_empty() {
        return html! { p { (ctx.t("figures-need-dates")) } };
    }
    let org = |id: Option<String>| json!({ "organisation_id": id });
    let participant = (!f.get("participant.nationality").is_empty() && !f.get("participant.base_country").is_empty())
        .then(|| json!({ "nationality": f.get("participant.nationality"), "base_country": f.get("participant.base_country") }));
    let body = json!({
        "call_id": call,
        "visitor": org(f.opt("organisation_id")),
        "host": org(f.opt("host_organisation_id")),
        "start_date": start,
        "end_date": end,
        "travel_days": list_tags(f.get("travel_days")),
        "participant": participant,
    });
    let r = ctx.post("/api/v1/eligibility/exchange-check", &body).await;
    if !r.ok() {
        let errors = r.errors();
        return html! { ul { @for e in &errors { li { (e.message) } } } };
    }
    let b = &r.body;
    let excluded: Vec<&Value> = b["working_days"]["excluded"]
        .as_array()
        .map(|a| a.iter().filter(|e| e["reason"] != "weekend").collect())
        .unwrap_or_default();
    let failed: Vec<&Value> = b["checks"]
        .as_array()
        .map(|a| a.iter().filter(|c| c["passed"] == false).collect())
        .unwrap_or_default();
    html! {
        dl.summary {
            dt { (ctx.t("working-days")) } dd { (b["working_days"]["count"]) }
            dt { (ctx.t("excluded-holidays")) } dd {
                @if excluded.is_empty() { (ctx.t("none")) }
                @else { ul { @for e in &excluded { li { (date_of(ctx, &e["date"])) " — " (e["holiday"].as_str().unwrap_or_else(|| e["reason"].as_str().unwrap_or_default())) } } } }
            }
            dt { (ctx.t("distance")) } dd { (str_of(&b["distance"], "display")) }
            dt { (ctx.t("lump-sum")) } dd { (ctx.money(&b["lump_sum"]["grant_cents"])) " " (str_of(&b["lump_sum"], "explanation")) }
        }
        @if !failed.is_empty() {
            ul.checks { @for c in &failed { li.fail { span.visually-hidden { (ctx.t("check-failed")) ": " } (str_of(c, "message")) } } }
        }
    }
}

/// Just the figures (app.js asks for them when a date changes).
pub async fn figures(
    ctx: Ctx,
    Path(call): Path<String>,
    Query(q): Query<Vec<(String, String)>>,
) -> Response {
    let f = Form(q);
    let panel = figures_panel(&ctx, &call, &f).await;
    let mut res = axum::response::IntoResponse::into_response(panel);
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    res
}

/// Where the application form posts: a new draft in a call, or an existing draft (with
/// the version it was read at, for `If-Match`).
enum Target<'a> {
    New,
    Edit { id: &'a str, version: &'a str },
}

async fn apply_page(
    ctx: &Ctx,
    call_id: &str,
    target: &Target<'_>,
    f: &Form,
    errors: &Errors,
    status: StatusCode,
) -> Response {
    let call = ctx.get(&format!("/api/v1/calls/{call_id}")).await;
    if !call.ok() {
        return ctx.failed(&call);
    }
    let my_options = match ctx.my_organisation_choices().await {
        Ok(orgs) => orgs,
        Err(r) => return ctx.failed(&r),
    };
    let all = ctx.get("/api/v1/organisations?limit=200").await.items();
    let mut host_options = vec![(String::new(), ctx.t("choose"))];
    host_options.extend(
        all.iter()
            .filter(|o| !my_options.iter().any(|(id, _)| *id == str_of(o, "id")))
            .map(|o| {
                (
                    str_of(o, "id"),
                    format!("{} ({})", str_of(o, "name"), str_of(o, "country")),
                )
            }),
    );
    let mut country_options = vec![(String::new(), ctx.t("choose"))];
    country_options.extend(countries());
    let sector_options: Vec<(String, String)> = BIG_SCIENCE_SECTORS
        .iter()
        .map(|s| ((*s).to_owned(), ctx.t(&format!("sector-{s}"))))
        .collect();
    let panel = figures_panel(ctx, call_id, f).await;
    let (title, action) = match target {
        Target::New => (
            ctx.tr.ta(
                "apply-title",
                &[("call", str_of(&call.body, "title").into())],
            ),
            format!("/calls/{call_id}/apply"),
        ),
        Target::Edit { id, .. } => (
            ctx.t("edit-draft-title"),
            format!("/applications/{id}/edit"),
        ),
    };
    let body = html! {
        (error_summary(ctx, errors, &APPLY_FIELDS))
        form method="post" action=(action) novalidate data-figures=(format!("/calls/{call_id}/figures")) {
            (csrf_field(ctx))
            @if let Target::Edit { version, .. } = target {
                // The visiting organisation is fixed once the draft exists.
                input type="hidden" name="version" value=(version);
                input type="hidden" name="organisation_id" value=(f.get("organisation_id"));
            } @else {
                (select("organisation_id", &ctx.t("apply-organisation"), f.get("organisation_id"), &my_options, errors))
            }
            (select("host_organisation_id", &ctx.t("apply-host"), f.get("host_organisation_id"), &host_options, errors))
            h2 { (ctx.t("apply-participant")) }
            (Input::new("participant.full_name", ctx.t("full-name"), f.get("participant.full_name")).autocomplete("name").render(errors))
            (Input::new("participant.email", ctx.t("email"), f.get("participant.email")).kind("email").autocomplete("email").render(errors))
            (Input::new("participant.job_title", ctx.t("job-title"), f.get("participant.job_title")).autocomplete("organization-title").render(errors))
            (select("participant.nationality", &ctx.t("nationality"), f.get("participant.nationality"), &country_options, errors))
            (select("participant.base_country", &ctx.t("base-country"), f.get("participant.base_country"), &country_options, errors))
            h2 { (ctx.t("apply-dates")) }
            (Input::new("start_date", ctx.t("start-date"), f.get("start_date")).kind("date").hint(ctx.t("date-hint")).render(errors))
            (Input::new("end_date", ctx.t("end-date"), f.get("end_date")).kind("date").hint(ctx.t("date-hint")).render(errors))
            (Input::new("travel_days", ctx.t("travel-days"), f.get("travel_days")).hint(ctx.t("travel-days-hint")).render(errors))
            section.figures aria-labelledby="figures-title" {
                h2 id="figures-title" { (ctx.t("figures-title")) }
                div id="figures" aria-live="polite" { (panel) }
                button.secondary type="submit" name="action" value="figures" { (ctx.t("figures-update")) }
            }
            h2 { (ctx.t("apply-plan")) }
            (textarea("objectives", &ctx.t("objectives"), f.get("objectives"), None, errors))
            (textarea("activities", &ctx.t("activities"), f.get("activities"), Some(&ctx.t("one-per-line")), errors))
            (choices("checkbox", "sectors", &ctx.t("org-sectors"), &f.all("sectors"), &sector_options, errors))
            button type="submit" name="action" value="save" { (ctx.t("apply-save")) }
        }
    };
    ctx.page_status(status, &title, body)
}

pub async fn apply_form(ctx: Ctx, Path(call): Path<String>, Query(c): Query<Chosen>) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let name = ctx
        .user
        .as_ref()
        .map(|u| str_of(u, "full_name"))
        .unwrap_or_default();
    let email = ctx
        .user
        .as_ref()
        .map(|u| str_of(u, "email"))
        .unwrap_or_default();
    let f = Form(vec![
        ("organisation_id".into(), c.organisation),
        ("host_organisation_id".into(), c.host),
        ("participant.full_name".into(), name),
        ("participant.email".into(), email),
    ]);
    apply_page(
        &ctx,
        &call,
        &Target::New,
        &f,
        &Errors::default(),
        StatusCode::OK,
    )
    .await
}

/// "Update figures" shows the form again with the figures; "Save" creates the draft.
pub async fn apply(ctx: Ctx, Path(call): Path<String>, f: Form) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    if f.get("action") == "figures" {
        return apply_page(
            &ctx,
            &call,
            &Target::New,
            &f,
            &Errors::default(),
            StatusCode::OK,
        )
        .await;
    }
    let r = ctx
        .post(
            &format!("/api/v1/calls/{call}/applications"),
            &application_body(&f),
        )
        .await;
    if r.ok() {
        return ctx.redirect_with(
            &format!("/applications/{}", str_of(&r.body, "id")),
            "notice-draft-saved",
        );
    }
    apply_page(
        &ctx,
        &call,
        &Target::New,
        &f,
        &Errors(r.errors()),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// A draft read back into the form's fields.
fn draft_form(a: &Value) -> Form {
    let p = &a["participant"];
    let list = |key: &str, sep: &str| {
        a[key]
            .as_array()
            .map(|v| {
                v.iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(sep)
            })
            .unwrap_or_default()
    };
    let mut fields: Vec<(String, String)> = vec![
        ("organisation_id".into(), str_of(a, "organisation_id")),
        (
            "host_organisation_id".into(),
            str_of(a, "host_organisation_id"),
        ),
        ("participant.full_name".into(), str_of(p, "full_name")),
        ("participant.email".into(), str_of(p, "email")),
        ("participant.job_title".into(), str_of(p, "job_title")),
        ("participant.nationality".into(), str_of(p, "nationality")),
        ("participant.base_country".into(), str_of(p, "base_country")),
        ("start_date".into(), str_of(a, "start_date")),
        ("end_date".into(), str_of(a, "end_date")),
        ("travel_days".into(), list("travel_days", ", ")),
        ("objectives".into(), str_of(a, "objectives")),
        ("activities".into(), list("activities", "\n")),
    ];
    for s in a["sectors"].as_array().into_iter().flatten() {
        fields.push(("sectors".into(), s.as_str().unwrap_or_default().to_owned()));
    }
    Form(fields)
}

/// Editing a draft: the same form as applying, filled with the draft.
pub async fn edit_form(ctx: Ctx, Path(id): Path<String>) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let r = ctx.get(&format!("/api/v1/applications/{id}")).await;
    if !r.ok() {
        return ctx.failed(&r);
    }
    let version = r.etag.clone().unwrap_or_default();
    let call = str_of(&r.body, "call_id");
    let target = Target::Edit {
        id: &id,
        version: &version,
    };
    apply_page(
        &ctx,
        &call,
        &target,
        &draft_form(&r.body),
        &Errors::default(),
        StatusCode::OK,
    )
    .await
}

/// Saves the edited draft with `If-Match`: a change made elsewhere in the meantime is
/// reported and the current draft shown, never overwritten.
pub async fn edit(ctx: Ctx, Path(id): Path<String>, f: Form) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let current = ctx.get(&format!("/api/v1/applications/{id}")).await;
    if !current.ok() {
        return ctx.failed(&current);
    }
    let call = str_of(&current.body, "call_id");
    let version = f.get("version").to_owned();
    let target = Target::Edit {
        id: &id,
        version: &version,
    };
    if f.get("action") == "figures" {
        return apply_page(&ctx, &call, &target, &f, &Errors::default(), StatusCode::OK).await;
    }
    let mut body = application_body(&f);
    if let Some(o) = body.as_object_mut() {
        o.remove("organisation_id");
    }
    let r = ctx
        .send_if_match(
            axum::http::Method::PATCH,
            &format!("/api/v1/applications/{id}"),
            Some(&body),
            &version,
        )
        .await;
    if r.ok() {
        return ctx.redirect_with(&format!("/applications/{id}"), "notice-draft-updated");
    }
    if r.status == StatusCode::PRECONDITION_FAILED {
        let fresh = current.etag.clone().unwrap_or_default();
        let target = Target::Edit {
            id: &id,
            version: &fresh,
        };
        let mut errors = Errors::default();
        errors.add("", ctx.t("draft-changed-elsewhere"));
        return apply_page(
            &ctx,
            &call,
            &target,
            &draft_form(&current.body),
            &errors,
            StatusCode::CONFLICT,
        )
        .await;
    }
    if matches!(
        r.status,
        StatusCode::NOT_FOUND | StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
    ) {
        return ctx.failed(&r);
    }
    apply_page(
        &ctx,
        &call,
        &target,
        &f,
        &Errors(r.errors()),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

/// My applications and the hosting requests to my organisations.
pub async fn list(ctx: Ctx) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let me = ctx
        .user
        .as_ref()
        .map(|u| str_of(u, "id"))
        .unwrap_or_default();
    // Summary rows carry every field this page shows (applicant, name, country, dates, state).
    let items = ctx
        .get("/api/v1/applications?limit=200&view=summary")
        .await
        .items();
    let (mine, hosting): (Vec<&Value>, Vec<&Value>) =
        items.iter().partition(|a| str_of(a, "applicant_id") == me);
    let table = |rows: &[&Value], caption: String| {
        html! {
            div.table-scroll {
                table {
                    caption { (caption) }
                    thead { tr { th scope="col" { (ctx.t("participant")) } th scope="col" { (ctx.t("dates")) } th scope="col" { (ctx.t("status")) } } }
                    tbody {
                        @for a in rows {
                            tr {
                                td { a href=(format!("/applications/{}", str_of(a, "id"))) { (str_of(&a["participant"], "full_name")) " → " (str_of(a, "host_country")) } }
                                td { (date_of(&ctx, &a["start_date"])) " – " (date_of(&ctx, &a["end_date"])) }
                                td { (ctx.t(&format!("status-{}", str_of(a, "status")))) }
                            }
                        }
                    }
                }
            }
        }
    };
    let body = html! {
        @if mine.is_empty() { p { (ctx.t("applications-none")) " " a href="/calls" { (ctx.t("nav-calls")) } } }
        @else { (table(&mine, ctx.t("applications-mine"))) }
        @if !hosting.is_empty() { (table(&hosting, ctx.t("applications-hosting"))) }
    };
    ctx.page(&ctx.t("applications-title"), body)
}

/// What the page needs to know about the viewer's relation to the application.
struct Roles {
    applicant: bool,
    host: bool,
}

/// Whether the workflow lets `action` follow an application in `status` (the API's own
/// rule: a page shows a form only where the API would take it).
#[must_use]
pub fn allows(status: &str, action: Action) -> bool {
    Status::parse(status).is_some_and(|s| workflow::next(s, action).is_ok())
}

pub async fn application_page(
    ctx: &Ctx,
    id: &str,
    errors: &Errors,
    status: StatusCode,
) -> Response {
    let r = ctx.get(&format!("/api/v1/applications/{id}")).await;
    if !r.ok() {
        return ctx.failed(&r);
    }
    let a = &r.body;
    let me = ctx
        .user
        .as_ref()
        .map(|u| str_of(u, "id"))
        .unwrap_or_default();
    let my_orgs: Vec<String> = ctx
        .user
        .as_ref()
        .and_then(|u| u["organisation_ids"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    let roles = Roles {
        applicant: str_of(a, "applicant_id") == me,
        host: my_orgs.contains(&str_of(a, "host_organisation_id")),
    };
    let history = ctx.get(&format!("/api/v1/applications/{id}/history")).await;
    let history = if history.body.is_array() {
        history.body.as_array().cloned().unwrap_or_default()
    } else {
        history.items()
    };
    let st = str_of(a, "status");
    let state: Option<Status> = code_of(a, "status");
    let may = |action: Action| allows(&st, action);
    let commitment = if state.is_some_and(Status::holds_reservation) {
        let c = ctx
            .get(&format!("/api/v1/applications/{id}/commitment"))
            .await;
        // Before the first signature there is no commitment yet: the first signer writes
        // its goals and agenda.
        if c.ok() {
            Some(c.body)
        } else {
            (c.status == StatusCode::NOT_FOUND && state == Some(Status::Approved))
                .then(|| json!({}))
        }
    } else {
        None
    };
    let host = ctx
        .get(&format!(
            "/api/v1/organisations/{}",
            str_of(a, "host_organisation_id")
        ))
        .await;
    let host_name = if host.ok() {
        str_of(&host.body, "name")
    } else {
        str_of(a, "host_country")
    };
    let payment = if state == Some(Status::Paid) {
        ctx.web.payment(a["id"].as_str().unwrap_or_default()).await
    } else {
        None
    };
    let staff = if roles.applicant || roles.host {
        None
    } else {
        Some(
            crate::pages::review::staff_section(
                ctx,
                a,
                r.etag.as_deref().unwrap_or_default(),
                errors,
            )
            .await,
        )
    };
    let ended = a["end_date"]
        .as_str()
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .is_some_and(|d| d < Utc::now().date_naive());
    let title = ctx.tr.ta(
        "application-title",
        &[
            ("name", str_of(&a["participant"], "full_name").into()),
            ("host", host_name.clone().into()),
        ],
    );
    let body = html! {
        (error_summary(ctx, errors, &["comment", "response", "goals", "agenda", "summary", "outcomes", "would_recommend", "evidence", "decision", "paid_on", "amount_cents"]))
        p { (ctx.t("status")) ": " span.status { (ctx.t(&format!("status-{st}"))) } }
        dl.summary {
            dt { (ctx.t("apply-host")) } dd { (host_name) }
            dt { (ctx.t("dates")) } dd { (date_of(ctx, &a["start_date"])) " – " (date_of(ctx, &a["end_date"])) }
            dt { (ctx.t("host-response")) } dd { (ctx.t(&format!("host-response-{}", str_of(a, "host_response")))) }
            dt { (ctx.t("working-days")) } dd { (a["working_days"].as_i64().map_or_else(|| "—".to_owned(), |d| d.to_string())) }
            dt { (ctx.t("distance")) } dd { (a["distance_km"].as_f64().map_or_else(|| "—".to_owned(), |d| format!("{d:.0} km"))) }
            dt { (ctx.t("lump-sum")) } dd { (ctx.money(&a["grant_cents"])) }
            dt { (ctx.t("objectives")) } dd { (str_of(a, "objectives")) }
        }
        @if roles.applicant && state == Some(Status::Draft) {
            p.no-print { a.button.secondary href=(format!("/applications/{id}/edit")) { (ctx.t("edit-draft")) } }
            form.no-print method="post" action=(format!("/applications/{id}/submit")) {
                (csrf_field(ctx))
                p { (ctx.t("submit-explain")) }
                button type="submit" { (ctx.t("submit-application")) }
            }
        }
        @if roles.host && code_of(a, "host_response") == Some(HostResponse::Pending) && !matches!(state, Some(Status::Draft | Status::Withdrawn)) {
            h2 { (ctx.t("host-answer-title")) }
            form method="post" action=(format!("/applications/{id}/host-response")) {
                (csrf_field(ctx))
                (choices("radio", "response", &ctx.t("host-answer-question"), &[], &[("accept".to_owned(), ctx.t("host-accept")), ("decline".to_owned(), ctx.t("host-decline"))], errors))
                (textarea("comment", &ctx.t("host-note"), "", Some(&ctx.t("host-note-hint")), errors))
                button type="submit" { (ctx.t("host-answer-send")) }
            }
        }
        @if let Some(s) = &staff { (s) }
        @if let Some(c) = &commitment { (commitment_section(ctx, id, c, errors)) }
        @if roles.applicant && state == Some(Status::Committed) {
            h2 { (ctx.t("report-title")) }
            @if ended {
                form method="post" action=(format!("/applications/{id}/report")) {
                    (csrf_field(ctx))
                    (textarea("summary", &ctx.t("report-summary"), "", None, errors))
                    (textarea("outcomes", &ctx.t("report-outcomes"), "", None, errors))
                    (choices("radio", "would_recommend", &ctx.t("report-recommend"), &[], &[("true".to_owned(), ctx.t("yes")), ("false".to_owned(), ctx.t("no"))], errors))
                    (textarea("evidence", &ctx.t("report-evidence"), "", Some(&ctx.t("one-per-line")), errors))
                    button type="submit" { (ctx.t("report-send")) }
                }
            } @else {
                p { (ctx.tr.ta("report-after", &[("date", date_of(ctx, &a["end_date"]).into())])) }
            }
        }
        @if let Some(p) = &payment {
            h2 { (ctx.t("payment-title")) }
            p { (ctx.tr.ta("payment-text", &[("amount", format::money(ctx.lang(), p.amount_cents).into()), ("date", format::date(ctx.lang(), p.paid_on).into())])) }
        }
        h2 { (ctx.t("timeline-title")) }
        ol.timeline {
            @for h in &history {
                li {
                    strong { (ctx.t(&format!("status-{}", str_of(h, "to")))) }
                    " — " (date_of(ctx, &h["at"]))
                    @if let Some(c) = h["comment"].as_str() { br; (c) }
                }
            }
        }
        @if roles.applicant && may(Action::Withdraw) {
            form.no-print method="post" action=(format!("/applications/{id}/withdraw")) {
                (csrf_field(ctx))
                button.warning type="submit" { (ctx.t("withdraw")) }
            }
        }
    };
    ctx.page_status(status, &title, body)
}

fn commitment_section(ctx: &Ctx, id: &str, c: &Value, errors: &Errors) -> Markup {
    let first = c["goals"].as_str().unwrap_or_default().is_empty();
    let parties = ["visitor", "host", "vop", "hop"];
    html! {
        section.commitment aria-labelledby="commitment-title" {
            h2 id="commitment-title" { (ctx.t("commitment-title")) }
            p { (ctx.t("commitment-intro")) }
            @if !first {
                h3 { (ctx.t("commitment-goals")) } p { (str_of(c, "goals")) }
                h3 { (ctx.t("commitment-agenda")) } p { (str_of(c, "agenda")) }
            }
            ul.checks {
                @for p in parties {
                    @let signed = c[p].is_object();
                    li class=(if signed { "pass" } else { "fail" }) {
                        (ctx.t(&format!("party-{p}"))) ": "
                        @if signed { (ctx.t("signed")) " " (date_of(ctx, &c[p]["at"])) } @else { (ctx.t("not-signed")) }
                    }
                }
            }
            // The coordinators of both partnerships sign too; the API refuses anyone else.
            @if !c["complete"].as_bool().unwrap_or(false) {
                form.no-print method="post" action=(format!("/applications/{id}/commitment")) {
                    (csrf_field(ctx))
                    @if first {
                        (textarea("goals", &ctx.t("commitment-goals"), "", None, errors))
                        (textarea("agenda", &ctx.t("commitment-agenda"), "", None, errors))
                    }
                    button type="submit" { (ctx.t("commitment-sign")) }
                }
            }
            p.no-print { (ctx.t("print-hint")) }
        }
    }
}

pub async fn show(ctx: Ctx, Path(id): Path<String>) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    application_page(&ctx, &id, &Errors::default(), StatusCode::OK).await
}

/// Runs an action through the API; success goes back to the application with a notice,
/// failure shows the page again with every problem the API named.
pub async fn act(ctx: &Ctx, id: &str, path: &str, body: &Value, notice: &str) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let r = ctx
        .post(&format!("/api/v1/applications/{id}/{path}"), body)
        .await;
    if r.ok() {
        return ctx.redirect_with(&format!("/applications/{id}"), notice);
    }
    if r.status == StatusCode::NOT_FOUND || r.status == StatusCode::UNAUTHORIZED {
        return ctx.failed(&r);
    }
    let status = if r.status == StatusCode::UNPROCESSABLE_ENTITY {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        r.status
    };
    application_page(ctx, id, &Errors(r.errors()), status).await
}

pub async fn submit(ctx: Ctx, Path(id): Path<String>, _f: Form) -> Response {
    act(&ctx, &id, "submit", &json!({}), "notice-submitted").await
}

pub async fn withdraw(ctx: Ctx, Path(id): Path<String>, _f: Form) -> Response {
    act(&ctx, &id, "withdraw", &json!({}), "notice-withdrawn").await
}

pub async fn host_response(ctx: Ctx, Path(id): Path<String>, f: Form) -> Response {
    let body = json!({ "response": f.get("response"), "comment": f.opt("comment") });
    act(&ctx, &id, "host-response", &body, "notice-answered").await
}

pub async fn commitment(ctx: Ctx, Path(id): Path<String>, f: Form) -> Response {
    let body = if f.opt("goals").is_some() || f.opt("agenda").is_some() {
        json!({ "goals": f.get("goals"), "agenda": f.get("agenda") })
    } else {
        json!({})
    };
    act(&ctx, &id, "commitment", &body, "notice-signed").await
}

pub async fn report(ctx: Ctx, Path(id): Path<String>, f: Form) -> Response {
    let evidence: Vec<&str> = f
        .get("evidence")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let recommend = match f.get("would_recommend") {
        "true" => json!(true),
        "false" => json!(false),
        _ => Value::Null,
    };
    let body = json!({ "summary": f.get("summary"), "outcomes": f.get("outcomes"), "would_recommend": recommend, "evidence": evidence });
    act(&ctx, &id, "report", &body, "notice-reported").await
}
