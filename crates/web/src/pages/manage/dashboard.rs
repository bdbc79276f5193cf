//! The partnership dashboard: budget committed and left, places, applications by state,
//! overdue payments and the KPI report, for each partnership the coordinator runs. The
//! figures are the API's report and calls, laid out.
use axum::response::Response;
use maud::{Markup, html};
use serde_json::Value;

use crate::{
    ctx::Ctx,
    format,
    pages::{
        manage::{Managed, calls_of, calls_table, statuses, with_reports},
        util::str_of,
    },
};

/// A two-column table of counts (`by_country_pair`, `by_sector` ...).
fn counts(ctx: &Ctx, caption: &str, map: &Value, label: &dyn Fn(&str) -> String) -> Markup {
    let rows: Vec<(String, u64)> = map
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default();
    html! {
        div.table-scroll {
            table {
                caption { (caption) }
                thead { tr { th scope="col" { (ctx.t("kpi-key")) } th scope="col" { (ctx.t("kpi-count")) } } }
                tbody {
                    @if rows.is_empty() { tr { td colspan="2" { (ctx.t("none")) } } }
                    @for (k, n) in &rows { tr { td { (label(k)) } td { (n) } } }
                }
            }
        }
    }
}

async fn partnership_section(ctx: &Ctx, m: &Managed) -> Markup {
    let (p, r) = (&m.partnership, &m.report);
    let id = str_of(p, "id");
    let calls = calls_of(ctx, &id).await;
    let budget = r["budget_cents"].as_i64().unwrap_or(0);
    let committed = r["budget_committed_cents"].as_i64().unwrap_or(0);
    let places: i64 = calls
        .iter()
        .map(|c| c["places"].as_i64().unwrap_or(0))
        .sum();
    let taken: i64 = calls
        .iter()
        .map(|c| c["places_taken"].as_i64().unwrap_or(0))
        .sum();
    let overdue = r["overdue_payments"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let heading = format!("p-{id}");
    html! {
        section.partnership aria-labelledby=(heading) {
            h2 id=(heading) { (str_of(p, "name")) }
            dl.summary.figures-grid {
                dt { (ctx.t("dash-budget")) } dd { (ctx.money(&r["budget_cents"])) }
                dt { (ctx.t("dash-committed")) } dd { (ctx.money(&r["budget_committed_cents"])) }
                dt { (ctx.t("dash-paid")) } dd { (ctx.money(&r["budget_paid_cents"])) }
                dt { (ctx.t("dash-left")) } dd { (format::money(ctx.lang(), budget - committed)) }
                dt { (ctx.t("dash-places")) } dd { (ctx.tr.ta("dash-places-value", &[("taken", taken.into()), ("places", places.into())])) }
                dt { (ctx.t("dash-target")) } dd {
                    @match r["target_exchanges"].as_i64() {
                        Some(t) => { (r["total"]) " / " (t) @if r["target_reached"] == true { " — " (ctx.t("dash-target-reached")) } }
                        None => { (r["total"]) }
                    }
                }
            }
            h3 { (ctx.t("dash-by-status")) }
            ul.status-counts {
                @for s in statuses() {
                    @let n = r["by_status"][s].as_u64().unwrap_or(0);
                    li { a href=(format!("/manage/queue?status={s}")) { (ctx.t(&format!("status-{s}"))) ": " strong { (n) } } }
                }
            }
            h3 { (ctx.t("dash-overdue")) }
            @if overdue.is_empty() { p { (ctx.t("dash-overdue-none")) } }
            @else {
                ul {
                    @for o in &overdue {
                        li {
                            a href=(format!("/applications/{}", str_of(o, "application_id"))) {
                                (ctx.tr.ta("dash-overdue-item", &[("days", o["days_since_validation"].as_i64().unwrap_or(0).into()), ("amount", ctx.money(&o["grant_cents"]).into())]))
                            }
                        }
                    }
                }
            }
            h3 { (ctx.t("dash-calls")) }
            (calls_table(ctx, &calls))
            h3 { (ctx.t("dash-kpi")) }
            div.kpi {
                (counts(ctx, &ctx.t("kpi-country-pair"), &r["by_country_pair"], &|k| k.to_owned()))
                (counts(ctx, &ctx.t("kpi-sector"), &r["by_sector"], &|k| ctx.tr.t_or(&format!("sector-{k}"), k)))
                (counts(ctx, &ctx.t("kpi-profile"), &r["by_profile"], &|k| ctx.tr.t_or(&format!("profile-{k}"), k)))
            }
        }
    }
}

pub async fn dashboard(ctx: Ctx) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let all = with_reports(&ctx).await;
    let mut sections = Vec::new();
    for m in &all {
        sections.push(partnership_section(&ctx, m).await);
    }
    let body = html! {
        @if all.is_empty() { p { (ctx.t("dash-none")) } }
        nav.subnav aria-label=(ctx.t("manage-nav")) {
            ul {
                li { a href="/manage/queue" { (ctx.t("queue-title")) } }
                li { a href="/manage/calls" { (ctx.t("manage-calls-title")) } }
                li { a href="/manage/visits" { (ctx.t("partner-visits-title")) } }
                li { a href="/manage/emails" { (ctx.t("emails-title")) } }
                li { a href="/manage/users" { (ctx.t("users-title")) } }
            }
        }
        @for s in &sections { (s) }
    };
    ctx.page(&ctx.t("dash-title"), body)
}
