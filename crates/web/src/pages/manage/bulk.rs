//! One decision for every application a filtered queue shows, across all its pages. The
//! confirmation names the exact number and carries each application's version; each
//! decision then goes through the API's own decision endpoint with `If-Match`, so an
//! application someone changed after the confirmation is reported and left alone, and a
//! decision the API refuses (budget, places, conflict of interest, state) is listed with
//! the API's reason. Nothing here decides what is allowed.
use axum::{
    extract::Query,
    http::{Method, StatusCode},
    response::Response,
};
use maud::html;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    ctx::Ctx,
    form::{Errors, Form},
    layout::{csrf_field, error_summary, textarea},
    pages::{
        manage::queue::{Filters, PAGE},
        util::str_of,
    },
};

/// Most applications one bulk action takes (bounded work per request); more must be
/// narrowed with the filters first.
pub const BULK_MAX: usize = 500;

/// The decisions a bulk action may take: the workflow's own.
fn decisions() -> impl Iterator<Item = &'static str> {
    cxc_domain::workflow::DECISIONS.iter().map(|a| a.as_str())
}

#[derive(Deserialize, Default)]
pub struct BulkQuery {
    #[serde(flatten)]
    filters: Filters,
    #[serde(default)]
    decision: String,
}

/// Every application the filters select (every page), or `None` past [`BULK_MAX`].
async fn selection(ctx: &Ctx, f: &Filters) -> Result<Option<Vec<Value>>, Response> {
    let mut all = Vec::new();
    let mut cursor = String::new();
    loop {
        // The queue's own page size: a selection the queue shows over pages is read over
        // the same pages (and a test of a few dozen rows crosses them).
        let r = ctx.get(&f.api_path(PAGE, &cursor)).await;
        if !r.ok() {
            return Err(ctx.failed(&r));
        }
        all.extend(r.items());
        if all.len() > BULK_MAX {
            return Ok(None);
        }
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => return Ok(Some(all)),
        }
    }
}

/// Step 1 (choose the decision) and step 2 (the one confirmation, with the count).
pub async fn confirm(ctx: Ctx, Query(q): Query<BulkQuery>) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let items = match selection(&ctx, &q.filters).await {
        Ok(Some(items)) => items,
        Ok(None) => {
            let body = html! {
                p { (ctx.tr.ta("bulk-too-many", &[("max", BULK_MAX.into())])) }
                p { a href=(format!("/manage/queue?{}", q.filters.query())) { (ctx.t("bulk-back")) } }
            };
            return ctx.page_status(StatusCode::UNPROCESSABLE_ENTITY, &ctx.t("bulk-title"), body);
        }
        Err(res) => return res,
    };
    let n = items.len();
    let query = q.filters.query();
    let decision = decisions().find(|d| *d == q.decision);
    let body = html! {
        p { (ctx.tr.ta("bulk-count", &[("count", n.into())])) }
        @if n == 0 {
            p { a href=(format!("/manage/queue?{query}")) { (ctx.t("bulk-back")) } }
        } @else if let Some(d) = decision {
            form method="post" action="/manage/bulk" {
                (csrf_field(&ctx))
                input type="hidden" name="decision" value=(d);
                input type="hidden" name="back" value=(query);
                @for a in &items {
                    input type="hidden" name="item" value=(format!("{}:{}", str_of(a, "id"), a["version"]));
                }
                (textarea("comment", &ctx.t("bulk-comment"), "", Some(&ctx.t("bulk-comment-hint")), &Errors::default()))
                p.confirm-count { strong { (ctx.tr.ta(&format!("bulk-confirm-{d}"), &[("count", n.into())])) } }
                button.warning type="submit" { (ctx.tr.ta(&format!("bulk-button-{d}"), &[("count", n.into())])) }
                " " a href=(format!("/manage/queue?{query}")) { (ctx.t("bulk-cancel")) }
            }
        } @else {
            p { (ctx.t("bulk-choose")) }
            ul.actions {
                @for d in decisions() {
                    li { a.button.secondary href=(format!("/manage/bulk?{query}&decision={d}")) { (ctx.tr.ta(&format!("bulk-button-{d}"), &[("count", n.into())])) } }
                }
            }
        }
        details {
            summary { (ctx.t("bulk-which")) }
            ul { @for a in &items { li { a href=(format!("/applications/{}", str_of(a, "id"))) { (str_of(&a["participant"], "full_name")) } " — " (ctx.t(&format!("status-{}", str_of(a, "status")))) } } }
        }
    };
    ctx.page(&ctx.t("bulk-title"), body)
}

/// What happened to one application of the selection.
enum Outcome {
    Done,
    /// Changed by someone else after the confirmation: left alone.
    Stale,
    /// The API refused, with its reason.
    Refused(String),
}

/// Runs the confirmed decision on each application, with the version it was confirmed at.
pub async fn apply(ctx: Ctx, f: Form) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let Some(decision) = decisions().find(|d| *d == f.get("decision")) else {
        let mut errors = Errors::default();
        errors.add("", ctx.t("bulk-choose"));
        return ctx.page_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ctx.t("bulk-title"),
            error_summary(&ctx, &errors, &[]),
        );
    };
    let items = f.all("item");
    if items.len() > BULK_MAX {
        let body = html! { p { (ctx.tr.ta("bulk-too-many", &[("max", BULK_MAX.into())])) } };
        return ctx.page_status(StatusCode::UNPROCESSABLE_ENTITY, &ctx.t("bulk-title"), body);
    }
    let comment = f.opt("comment");
    let mut results: Vec<(String, Outcome)> = Vec::new();
    for item in &items {
        // A form this page did not write (edited, truncated) is reported, not skipped.
        let Some((id, version)) = item.split_once(':') else {
            results.push((
                item.clone(),
                Outcome::Refused(ctx.t("bulk-item-unreadable")),
            ));
            continue;
        };
        let r = ctx
            .send_if_match(
                Method::POST,
                &format!("/api/v1/applications/{id}/decision"),
                Some(&json!({ "decision": decision, "comment": comment })),
                &format!("\"{version}\""),
            )
            .await;
        let outcome = if r.ok() {
            Outcome::Done
        } else if r.status == StatusCode::PRECONDITION_FAILED {
            Outcome::Stale
        } else {
            Outcome::Refused(
                r.errors()
                    .into_iter()
                    .map(|e| e.message)
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        };
        results.push((id.to_owned(), outcome));
    }
    let done = results
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Done))
        .count();
    let stale: Vec<&String> = results
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Stale))
        .map(|(id, _)| id)
        .collect();
    let refused: Vec<(&String, &String)> = results
        .iter()
        .filter_map(|(id, o)| match o {
            Outcome::Refused(m) => Some((id, m)),
            _ => None,
        })
        .collect();
    let back = f.get("back");
    let body = html! {
        div.notice role="status" { (ctx.tr.ta(&format!("bulk-done-{decision}"), &[("count", done.into()), ("total", results.len().into())])) }
        @if !stale.is_empty() {
            section aria-labelledby="bulk-stale" {
                h2 id="bulk-stale" { (ctx.tr.ta("bulk-stale-title", &[("count", stale.len().into())])) }
                p { (ctx.t("bulk-stale-text")) }
                ul { @for id in &stale { li { a href=(format!("/applications/{id}")) { (id) } } } }
            }
        }
        @if !refused.is_empty() {
            section aria-labelledby="bulk-refused" {
                h2 id="bulk-refused" { (ctx.tr.ta("bulk-refused-title", &[("count", refused.len().into())])) }
                ul { @for (id, why) in &refused { li { a href=(format!("/applications/{id}")) { (id) } ": " (why) } } }
            }
        }
        p { a href=(format!("/manage/queue?{back}")) { (ctx.t("bulk-back")) } }
    };
    ctx.page(&ctx.t("bulk-title"), body)
}
