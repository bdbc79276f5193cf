//! Before a change to the agenda of a published visit is made (issue 16): what will change
//! (the item now beside the item proposed) and how many registered people will be emailed,
//! as the API counts them (`GET .../agenda-items/{item_id}/audience`, the rule the email
//! itself follows). Only "Apply" sends the change.
use axum::response::Response;
use cxc_domain::visit::VisitStatus;
use maud::{Markup, html};

use crate::{
    api::Reply,
    ctx::Ctx,
    form::Form,
    layout::csrf_field,
    pages::{
        manage::visits::local_time,
        util::{code_of, str_of},
    },
};

/// How many people the API will email about a change to `item` (its own count, by the
/// rule the email follows): those the item is on the agenda of, or everyone confirmed on
/// the visit when the change drops the item's own places.
async fn told(ctx: &Ctx, visit: &str, item: &str, opens: bool) -> Result<u64, Reply> {
    let r = ctx
        .get(&format!(
            "/api/v1/group-visits/{visit}/agenda-items/{item}/audience"
        ))
        .await;
    if !r.ok() {
        return Err(r);
    }
    let key = if opens { "whole_visit" } else { "count" };
    Ok(r.body[key].as_u64().unwrap_or(0))
}

/// The confirmation page for a change to an item of a published visit; `Ok(None)` only
/// when the visit is not published (a draft's change tells nobody, so it is made at once).
/// A read that fails is shown as the failure (`Err`): the change is never made unconfirmed
/// because the page could not tell who it would email.
pub async fn before_change(
    ctx: &Ctx,
    visit: &str,
    item_id: &str,
    f: &Form,
    version: &str,
) -> Result<Option<Response>, Response> {
    let r = ctx.get(&format!("/api/v1/group-visits/{visit}")).await;
    if !r.ok() {
        return Err(ctx.failed(&r));
    }
    if code_of(&r.body, "status") != Some(VisitStatus::Published) {
        return Ok(None);
    }
    let Some(item) = r.body["agenda"]
        .as_array()
        .and_then(|a| a.iter().find(|i| str_of(i, "id") == item_id))
        .cloned()
    else {
        return Err(ctx.not_found());
    };
    let opens = item["capacity"].is_i64() && f.get("capacity").trim().is_empty();
    let count = told(ctx, visit, item_id, opens)
        .await
        .map_err(|r| ctx.failed(&r))?;
    let day = |s: &str| {
        chrono::NaiveDate::parse_from_str(s.split('T').next().unwrap_or_default(), "%Y-%m-%d")
            .map_or_else(|_| s.to_owned(), |d| crate::format::date(ctx.lang(), d))
    };
    let starts = str_of(&item, "starts_at");
    let kind = |k: &str| ctx.t(&format!("item-kind-{k}"));
    let rows: Vec<(String, String, String)> = vec![
        (
            ctx.t("item-kind"),
            kind(&str_of(&item, "kind")),
            kind(f.get("kind")),
        ),
        (
            ctx.t("call-title"),
            str_of(&item, "title"),
            f.get("title").to_owned(),
        ),
        (ctx.t("item-day"), day(&starts), day(f.get("day"))),
        (
            ctx.t("item-time"),
            format!(
                "{}–{}",
                local_time(&starts),
                local_time(&str_of(&item, "ends_at"))
            ),
            format!("{}–{}", f.get("starts_at"), f.get("ends_at")),
        ),
        (
            ctx.t("item-venue"),
            str_of(&item, "venue"),
            f.get("venue").to_owned(),
        ),
        (
            ctx.t("item-facility"),
            str_of(&item, "facility"),
            f.get("facility").to_owned(),
        ),
        (
            ctx.t("item-capacity-label"),
            item["capacity"]
                .as_i64()
                .map_or_else(String::new, |c| c.to_string()),
            f.get("capacity").trim().to_owned(),
        ),
    ];
    let changes = rows.iter().filter(|(_, a, b)| a != b).count();
    let count = if changes == 0 { 0 } else { count };
    let body = html! {
        @if changes == 0 { p { (ctx.t("change-nothing")) } }
        @else { p.warning role="note" { (ctx.tr.ta("change-told", &[("count", count.into())])) } }
        (comparison(ctx, &rows))
        form method="post" action=(format!("/manage/visits/{visit}/items/{item_id}")) {
            (csrf_field(ctx))
            input type="hidden" name="version" value=(version);
            @for name in ["kind", "title", "day", "starts_at", "ends_at", "venue", "facility", "capacity"] {
                input type="hidden" name=(name) value=(f.get(name));
            }
            button type="submit" name="confirm" value="yes" { (ctx.tr.ta("change-apply", &[("count", count.into())])) }
            " "
            button.secondary type="submit" name="back" value="yes" { (ctx.t("change-back")) }
        }
    };
    let title = ctx.tr.ta(
        "change-confirm-title",
        &[("title", str_of(&item, "title").into())],
    );
    Ok(Some(ctx.page(&title, body)))
}

/// The item now and as proposed, a row a field; changed rows say so.
fn comparison(ctx: &Ctx, rows: &[(String, String, String)]) -> Markup {
    html! {
        div.table-scroll {
            table {
                caption { (ctx.t("change-caption")) }
                thead { tr {
                    th scope="col" { (ctx.t("change-field")) }
                    th scope="col" { (ctx.t("change-now")) }
                    th scope="col" { (ctx.t("change-after")) }
                } }
                tbody {
                    @for (label, now, after) in rows {
                        tr {
                            th scope="row" { (label) }
                            td { (now) }
                            @if now == after { td { (after) } }
                            @else { td { strong { (after) } span.visually-hidden { " (" (ctx.t("change-changed")) ")" } } }
                        }
                    }
                }
            }
        }
    }
}
