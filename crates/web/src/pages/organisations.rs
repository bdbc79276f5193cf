//! Registering an organisation (only the questions of its profile, SME figures and
//! partner/linked enterprises as repeatable rows), its eligibility as visitor and host
//! with every reason, and finding a host.
use axum::{
    extract::{Path, Query},
    http::StatusCode,
    response::Response,
};
use cxc_domain::organisation::{Profile, SupportType};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::{
    ctx::Ctx,
    form::{Errors, Form},
    i18n::Tr,
    layout::{Input, choices, csrf_field, error_summary, select},
    pages::util::{countries, euros_to_cents, list_tags, number, str_of},
};

pub const BIG_SCIENCE_SECTORS: [&str; 5] = [
    "electrical_electronic_engineering",
    "mechanical_engineering",
    "energy",
    "ict_data",
    "space",
];
const PARTNER_FIELDS: [&str; 4] = [
    "stake_percent",
    "headcount",
    "annual_turnover_cents",
    "balance_sheet_total_cents",
];
const LINKED_FIELDS: [&str; 3] = [
    "headcount",
    "annual_turnover_cents",
    "balance_sheet_total_cents",
];

/// My organisations.
pub async fn list(ctx: Ctx) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let orgs = match ctx.my_organisations().await {
        Ok(orgs) => orgs,
        Err(r) => return ctx.failed(&r),
    };
    let body = html! {
        @if orgs.is_empty() { p { (ctx.t("org-none")) } }
        ul.cards {
            @for o in &orgs {
                li {
                    a href=(format!("/organisations/{}", str_of(o, "id"))) { (str_of(o, "name")) }
                    " — " (ctx.t(&format!("profile-{}", str_of(o, "profile")))) ", " (str_of(o, "country"))
                }
            }
        }
        p { a.button href="/organisations/new" { (ctx.t("org-register")) } }
    };
    ctx.page(&ctx.t("org-list-title"), body)
}

#[derive(Deserialize, Default)]
pub struct ProfileChoice {
    #[serde(default)]
    profile: String,
}

/// Step 1: the profile (a GET form, so "back" works); step 2: that profile's questions.
pub async fn new_form(ctx: Ctx, Query(q): Query<ProfileChoice>) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    if Profile::parse(&q.profile).is_none() {
        let options: Vec<(String, String)> = Profile::ALL
            .iter()
            .map(|p| (p.to_string(), ctx.t(&format!("profile-{p}"))))
            .collect();
        let body = html! {
            form method="get" action="/organisations/new" {
                (choices("radio", "profile", &ctx.t("org-profile-question"), &[], &options, &Errors::default()))
                button type="submit" { (ctx.t("continue")) }
            }
        };
        return ctx.page(&ctx.t("org-new-title"), body);
    }
    let f = Form(vec![("profile".into(), q.profile)]);
    org_form(&ctx, &f, &Errors::default(), 1, 1, StatusCode::OK).await
}

fn rows_in(f: &Form, list: &str) -> usize {
    let prefix = format!("{list}[");
    f.0.iter()
        .filter_map(|(k, _)| {
            k.strip_prefix(&prefix)?
                .split(']')
                .next()?
                .parse::<usize>()
                .ok()
        })
        .max()
        .map_or(0, |m| m + 1)
}

async fn org_form(
    ctx: &Ctx,
    f: &Form,
    errors: &Errors,
    partners: usize,
    linked: usize,
    status: StatusCode,
) -> Response {
    let profile = f.get("profile").to_owned();
    let clusters = ctx
        .get("/api/v1/organisations?profile=cluster_organisation&limit=200")
        .await
        .items();
    let cluster_options: Vec<(String, String)> = clusters
        .iter()
        .map(|c| {
            (
                str_of(c, "id"),
                format!("{} ({})", str_of(c, "name"), str_of(c, "country")),
            )
        })
        .collect();
    let partnerships = ctx.get("/api/v1/partnerships?limit=200").await.items();
    let mut partnership_options = vec![(String::new(), ctx.t("none"))];
    partnership_options.extend(
        partnerships
            .iter()
            .map(|p| (str_of(p, "id"), str_of(p, "name"))),
    );
    let mut country_options = vec![(String::new(), ctx.t("choose"))];
    country_options.extend(countries());
    let sector_options: Vec<(String, String)> = BIG_SCIENCE_SECTORS
        .iter()
        .map(|s| ((*s).to_owned(), ctx.t(&format!("sector-{s}"))))
        .collect();
    let support_options: Vec<(String, String)> = SupportType::ALL
        .iter()
        .map(|s| (s.to_string(), ctx.t(&format!("support-{s}"))))
        .collect();
    let chosen_sectors = f.all("sectors");
    let other_sectors: Vec<String> = chosen_sectors
        .iter()
        .filter(|s| !BIG_SCIENCE_SECTORS.contains(&s.as_str()))
        .cloned()
        .collect();
    let mut fields: Vec<String> = [
        "name",
        "country",
        "city",
        "latitude",
        "longitude",
        "eccp_profile_url",
        "website",
        "sectors",
        "competencies",
        "cluster_ids",
        "support_type",
        "managing_partnership_id",
        "headcount",
        "annual_turnover_cents",
        "balance_sheet_total_cents",
        "public_bodies_control_percent",
        "agency_exception_ref",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    for i in 0..partners {
        fields.extend(
            PARTNER_FIELDS
                .iter()
                .map(|n| format!("partner_enterprises[{i}].{n}")),
        );
    }
    for i in 0..linked {
        fields.extend(
            LINKED_FIELDS
                .iter()
                .map(|n| format!("linked_enterprises[{i}].{n}")),
        );
    }
    let field_refs: Vec<&str> = fields.iter().map(String::as_str).collect();
    let is = |p: &str| profile == p;
    let body = html! {
        p { (ctx.t("org-profile-chosen")) " " strong { (ctx.t(&format!("profile-{profile}"))) } ". "
            a href="/organisations/new" { (ctx.t("org-change-profile")) } }
        (error_summary(ctx, errors, &field_refs))
        form method="post" action="/organisations/new" novalidate {
            (csrf_field(ctx))
            input type="hidden" name="profile" value=(profile);
            input type="hidden" name="partner_rows" value=(partners);
            input type="hidden" name="linked_rows" value=(linked);
            (Input::new("name", ctx.t("org-name"), f.get("name")).autocomplete("organization").required().render(errors))
            (select("country", &ctx.t("org-country"), f.get("country"), &country_options, errors))
            (Input::new("city", ctx.t("org-city"), f.get("city")).autocomplete("address-level2").render(errors))
            (Input::new("latitude", ctx.t("org-latitude"), f.get("latitude")).decimal().hint(ctx.t("org-coordinates-hint")).render(errors))
            (Input::new("longitude", ctx.t("org-longitude"), f.get("longitude")).decimal().render(errors))
            (Input::new("eccp_profile_url", ctx.t("org-eccp-url"), f.get("eccp_profile_url")).kind("url").hint(ctx.t("org-eccp-url-hint")).render(errors))
            (Input::new("website", ctx.t("org-website"), f.get("website")).kind("url").render(errors))
            (choices("checkbox", "sectors", &ctx.t("org-sectors"), &chosen_sectors, &sector_options, errors))
            (Input::new("sectors_other", ctx.t("org-sectors-other"), &other_sectors.join(", ")).hint(ctx.t("comma-hint")).render(errors))
            (Input::new("competencies", ctx.t("org-competencies"), f.get("competencies")).hint(ctx.t("comma-hint")).render(errors))
            @if is("scale_up_support") {
                (select("support_type", &ctx.t("org-support-type"), f.get("support_type"), &support_options, errors))
            }
            @if is("cluster_organisation") {
                (select("managing_partnership_id", &ctx.t("org-managing-partnership"), f.get("managing_partnership_id"), &partnership_options, errors))
            }
            @if is("sme") || is("scale_up_support") {
                (choices("checkbox", "cluster_ids", &ctx.t("org-clusters"), &f.all("cluster_ids"), &cluster_options, errors))
            }
            @if is("sme") {
                h2 { (ctx.t("org-sme-title")) }
                p.hint { (ctx.t("org-sme-hint")) }
                (Input::new("headcount", ctx.t("org-headcount"), f.get("headcount")).decimal().hint(ctx.t("org-headcount-hint")).render(errors))
                (Input::new("annual_turnover_cents", ctx.t("org-turnover"), f.get("annual_turnover_cents")).decimal().hint(ctx.t("euros-hint")).render(errors))
                (Input::new("balance_sheet_total_cents", ctx.t("org-balance"), f.get("balance_sheet_total_cents")).decimal().hint(ctx.t("euros-hint")).render(errors))
                (Input::new("public_bodies_control_percent", ctx.t("org-public-control"), f.get("public_bodies_control_percent")).decimal().render(errors))
                (Input::new("agency_exception_ref", ctx.t("org-agency-ref"), f.get("agency_exception_ref")).hint(ctx.t("org-agency-ref-hint")).render(errors))
                div.rows {
                    h3 { (ctx.t("org-partners-title")) }
                    p.hint { (ctx.t("org-partners-hint")) }
                    @for i in 0..partners { (enterprise_row(ctx, f, errors, "partner_enterprises", i, &PARTNER_FIELDS)) }
                    button.secondary type="submit" name="add" value="partner" formnovalidate { (ctx.t("org-add-partner")) }
                    h3 { (ctx.t("org-linked-title")) }
                    p.hint { (ctx.t("org-linked-hint")) }
                    @for i in 0..linked { (enterprise_row(ctx, f, errors, "linked_enterprises", i, &LINKED_FIELDS)) }
                    button.secondary type="submit" name="add" value="linked" formnovalidate { (ctx.t("org-add-linked")) }
                }
            }
            div { button type="submit" name="add" value="" { (ctx.t("org-save")) } }
        }
    };
    ctx.page_status(status, &ctx.t("org-new-title"), body)
}

fn enterprise_row(
    ctx: &Ctx,
    f: &Form,
    errors: &Errors,
    list: &str,
    i: usize,
    names: &[&str],
) -> Markup {
    let kind = if list == "linked_enterprises" {
        "linked"
    } else {
        "partner"
    };
    let legend = ctx
        .tr
        .ta(&format!("org-{kind}-row"), &[("n", (i + 1).into())]);
    let inputs: Vec<Markup> = names
        .iter()
        .map(|n| {
            let name = format!("{list}[{i}].{n}");
            let input = Input::new(&name, ctx.t(&format!("org-row-{n}")), f.get(&name)).decimal();
            let input = if n.ends_with("_cents") {
                input.hint(ctx.t("euros-hint"))
            } else {
                input
            };
            input.render(errors)
        })
        .collect();
    html! { fieldset { legend { (legend) } @for m in &inputs { (m) } } }
}

/// The API's organisation body from the form; what the page cannot even read (a number
/// that is not one) is reported next to its field, the rest is the API's to judge.
fn org_body(tr: Tr, f: &Form, errors: &mut Errors) -> Value {
    let mut b = Map::new();
    let profile = f.get("profile");
    for k in ["name", "country", "city"] {
        b.insert(k.into(), json!(f.get(k)));
    }
    b.insert("profile".into(), json!(profile));
    for k in ["latitude", "longitude"] {
        let v = number(tr, f, k, errors);
        if v.is_none() && f.get(k).is_empty() {
            errors.add(k, tr.t("required-number"));
        }
        b.insert(k.into(), json!(v.unwrap_or(0.0)));
    }
    for k in ["eccp_profile_url", "website"] {
        b.insert(k.into(), json!(f.opt(k)));
    }
    let mut sectors = f.all("sectors");
    sectors.extend(list_tags(f.get("sectors_other")));
    b.insert("sectors".into(), json!(sectors));
    b.insert(
        "competencies".into(),
        json!(list_tags(f.get("competencies"))),
    );
    match profile {
        "scale_up_support" => {
            b.insert("support_type".into(), json!(f.opt("support_type")));
            b.insert("cluster_ids".into(), json!(f.all("cluster_ids")));
        }
        "cluster_organisation" => {
            b.insert(
                "managing_partnership_id".into(),
                json!(f.opt("managing_partnership_id")),
            );
        }
        "sme" => {
            b.insert("cluster_ids".into(), json!(f.all("cluster_ids")));
            b.insert(
                "headcount".into(),
                json!(number(tr, f, "headcount", errors)),
            );
            for k in ["annual_turnover_cents", "balance_sheet_total_cents"] {
                b.insert(k.into(), json!(euros_to_cents(tr, f, k, errors)));
            }
            b.insert(
                "public_bodies_control_percent".into(),
                json!(number(tr, f, "public_bodies_control_percent", errors)),
            );
            b.insert(
                "agency_exception_ref".into(),
                json!(f.opt("agency_exception_ref")),
            );
            for (list, names) in [
                ("partner_enterprises", &PARTNER_FIELDS[..]),
                ("linked_enterprises", &LINKED_FIELDS[..]),
            ] {
                let mut rows = Vec::new();
                for i in 0..rows_in(f, list).min(50) {
                    let key = |n: &str| format!("{list}[{i}].{n}");
                    if names.iter().all(|n| f.get(&key(n)).is_empty()) {
                        continue;
                    }
                    let mut row = Map::new();
                    for n in names {
                        let v = if n.ends_with("_cents") {
                            json!(euros_to_cents(tr, f, &key(n), errors))
                        } else {
                            json!(number(tr, f, &key(n), errors))
                        };
                        row.insert((*n).to_owned(), v);
                    }
                    if list == "partner_enterprises" && row["stake_percent"].is_null() {
                        row.insert("stake_percent".into(), json!(0.0));
                    }
                    rows.push(Value::Object(row));
                }
                b.insert(list.into(), Value::Array(rows));
            }
        }
        _ => {}
    }
    Value::Object(b)
}

pub async fn create(ctx: Ctx, f: Form) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    // As many rows as were shown, and never fewer than were filled in.
    let partners = f
        .get("partner_rows")
        .parse::<usize>()
        .unwrap_or(1)
        .max(rows_in(&f, "partner_enterprises"))
        .clamp(1, 20);
    let linked = f
        .get("linked_rows")
        .parse::<usize>()
        .unwrap_or(1)
        .max(rows_in(&f, "linked_enterprises"))
        .clamp(1, 20);
    match f.get("add") {
        "partner" => {
            return org_form(
                &ctx,
                &f,
                &Errors::default(),
                (partners + 1).min(20),
                linked,
                StatusCode::OK,
            )
            .await;
        }
        "linked" => {
            return org_form(
                &ctx,
                &f,
                &Errors::default(),
                partners,
                (linked + 1).min(20),
                StatusCode::OK,
            )
            .await;
        }
        _ => {}
    }
    let mut errors = Errors::default();
    let body = org_body(ctx.tr, &f, &mut errors);
    if errors.is_empty() {
        let r = ctx.post("/api/v1/organisations", &body).await;
        if r.ok() {
            return ctx.redirect_with(
                &format!("/organisations/{}", str_of(&r.body, "id")),
                "notice-org-created",
            );
        }
        errors = Errors(r.errors());
    }
    org_form(
        &ctx,
        &f,
        &errors,
        partners,
        linked,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

fn checks(ctx: &Ctx, report: &Value) -> Markup {
    let eligible = report["eligible"].as_bool().unwrap_or(false);
    html! {
        p.status { (if eligible { ctx.t("eligible-yes") } else { ctx.t("eligible-no") }) }
        ul.checks {
            @for c in report["checks"].as_array().map_or(&[][..], Vec::as_slice) {
                @let passed = c["passed"].as_bool().unwrap_or(false);
                li class=(if passed { "pass" } else { "fail" }) {
                    span.visually-hidden { (if passed { ctx.t("check-passed") } else { ctx.t("check-failed") }) ": " }
                    (str_of(c, "message"))
                }
            }
        }
    }
}

/// The organisation, and whether it may visit and host, with every reason.
pub async fn show(ctx: Ctx, Path(id): Path<String>) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let org = ctx.get(&format!("/api/v1/organisations/{id}")).await;
    if !org.ok() {
        return ctx.failed(&org);
    }
    let elig = ctx
        .get(&format!("/api/v1/organisations/{id}/eligibility"))
        .await;
    let o = &org.body;
    let report = |role: &str| -> Value {
        if elig.body[role].is_object() {
            return elig.body[role].clone();
        }
        elig.body["reports"]
            .as_array()
            .and_then(|a| a.iter().find(|r| r["role"] == role).cloned())
            .unwrap_or(Value::Null)
    };
    let (visitor, host) = (report("visitor"), report("host"));
    let body = html! {
        dl.summary {
            dt { (ctx.t("org-profile")) } dd { (ctx.t(&format!("profile-{}", str_of(o, "profile")))) }
            dt { (ctx.t("org-country")) } dd { (str_of(o, "country")) }
            dt { (ctx.t("org-city")) } dd { (str_of(o, "city")) }
            @if let Some(s) = o["sme_category"].as_str() { dt { (ctx.t("org-sme-category")) } dd { (s) } }
            dt { (ctx.t("org-sectors")) } dd { (join(&o["sectors"])) }
            dt { (ctx.t("org-competencies")) } dd { (join(&o["competencies"])) }
        }
        h2 { (ctx.t("eligibility-visitor")) }
        (checks(&ctx, &visitor))
        h2 { (ctx.t("eligibility-host")) }
        (checks(&ctx, &host))
        p.no-print {
            a.button href=(format!("/organisations/{id}/hosts")) { (ctx.t("find-host")) }
            a.button.secondary href="/calls" { (ctx.t("nav-calls")) }
        }
    };
    ctx.page(&str_of(o, "name"), body)
}

fn join(v: &Value) -> String {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

#[derive(Deserialize, Default)]
pub struct Search {
    #[serde(default)]
    sector: String,
    #[serde(default)]
    competency: String,
    #[serde(default)]
    country: String,
}

/// Suggested hosts with their reasons, and a search by sector and competency.
pub async fn hosts(ctx: Ctx, Path(id): Path<String>, Query(s): Query<Search>) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let org = ctx.get(&format!("/api/v1/organisations/{id}")).await;
    if !org.ok() {
        return ctx.failed(&org);
    }
    let suggestions = ctx
        .get(&format!("/api/v1/organisations/{id}/host-suggestions"))
        .await;
    let suggested = suggestions.items();
    let searching = !(s.sector.is_empty() && s.competency.is_empty() && s.country.is_empty());
    let results = if searching {
        let q: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("sector", &s.sector)
            .append_pair("competency", &s.competency)
            .append_pair("country", &s.country)
            .append_pair("limit", "50")
            .finish()
            .replace("sector=&", "")
            .replace("competency=&", "")
            .replace("country=&", "");
        ctx.get(&format!("/api/v1/organisations?{q}")).await.items()
    } else {
        Vec::new()
    };
    let mut country_options = vec![(String::new(), ctx.t("any"))];
    country_options.extend(countries());
    let body = html! {
        h2 { (ctx.t("hosts-suggested")) }
        @if suggested.is_empty() { p { (ctx.t("hosts-none")) } }
        ul.cards {
            @for h in &suggested {
                @let host = h;
                li {
                    strong { (str_of(host, "name")) } " — " (str_of(host, "country"))
                    @if let Some(reasons) = h["reasons"].as_array() {
                        ul { @for r in reasons { li { (r.as_str().unwrap_or_default()) } } }
                    }
                    a href=(format!("/calls?organisation={id}&host={}", str_of(host, "organisation_id"))) { (ctx.t("apply-with-host")) span.visually-hidden { ": " (str_of(host, "name")) } }
                }
            }
        }
        h2 { (ctx.t("hosts-search")) }
        form method="get" action=(format!("/organisations/{id}/hosts")) {
            (Input::new("sector", ctx.t("search-sector"), &s.sector).kind("search").render(&Errors::default()))
            (Input::new("competency", ctx.t("search-competency"), &s.competency).kind("search").render(&Errors::default()))
            (select("country", &ctx.t("org-country"), &s.country, &country_options, &Errors::default()))
            button type="submit" { (ctx.t("search")) }
        }
        @if searching {
            h3 { (ctx.tr.ta("search-results", &[("count", results.len().into())])) }
            ul.cards {
                @for h in &results {
                    li {
                        strong { (str_of(h, "name")) } " — " (str_of(h, "country")) ", " (ctx.t(&format!("profile-{}", str_of(h, "profile"))))
                        " " a href=(format!("/calls?organisation={id}&host={}", str_of(h, "id"))) { (ctx.t("apply-with-host")) span.visually-hidden { ": " (str_of(h, "name")) } }
                    }
                }
            }
        }
    };
    ctx.page(&ctx.t("find-host"), body)
}
