//! The pages of the people who run the scheme (issue 16): coordinators' dashboard, queue,
//! bulk decisions, calls and the CSV export; admins' failed emails. Every figure and every
//! rule is the API's: these pages only ask it and lay the answers out.
use cxc_domain::policy::AccountRole;
use maud::{Markup, html};
use serde_json::Value;

use crate::{
    ctx::Ctx,
    pages::{applications::date_of, util::str_of},
};

pub mod agenda_confirm;
pub mod agenda_edit;
pub mod bulk;
pub mod calls;
pub mod dashboard;
pub mod emails;
pub mod queue;
pub mod users;
pub mod visits;

/// Most partnerships a page looks at (a coordinator has a handful).
const PARTNERSHIPS: usize = 50;

/// A partnership the caller runs, with its KPI report (the dashboard's).
pub struct Managed {
    pub partnership: Value,
    pub report: Value,
}

/// The partnerships the caller runs: those of their grants (`/me`, already read for this
/// request), or every partnership for an admin. No report is read: only the dashboard
/// needs one ([`with_reports`]).
pub async fn managed(ctx: &Ctx) -> Vec<Value> {
    let Some(user) = &ctx.user else {
        return Vec::new();
    };
    let grants = user["grants"].as_array().cloned().unwrap_or_default();
    let every = super::util::code_of(user, "role") == Some(AccountRole::Admin)
        || grants.iter().any(|g| g["partnership_id"].is_null());
    if every {
        let mut all = ctx.get("/api/v1/partnerships?limit=200").await.items();
        all.truncate(PARTNERSHIPS);
        return all;
    }
    let mut ids: Vec<String> = Vec::new();
    for g in &grants {
        let id = str_of(g, "partnership_id");
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let mut out = Vec::new();
    for id in ids.into_iter().take(PARTNERSHIPS) {
        let p = ctx.get(&format!("/api/v1/partnerships/{id}")).await;
        if p.ok() {
            out.push(p.body);
        }
    }
    out
}

/// The partnerships the caller runs with the report the API shows them of each.
pub async fn with_reports(ctx: &Ctx) -> Vec<Managed> {
    let mut out = Vec::new();
    for p in managed(ctx).await {
        let report = ctx
            .get(&format!("/api/v1/partnerships/{}/report", str_of(&p, "id")))
            .await;
        if report.ok() {
            out.push(Managed {
                partnership: p,
                report: report.body,
            });
        }
    }
    out
}

/// Calls of one partnership, newest first (at most 200: the API's page size).
pub async fn calls_of(ctx: &Ctx, partnership: &str) -> Vec<Value> {
    ctx.get(&format!(
        "/api/v1/calls?partnership_id={partnership}&limit=200"
    ))
    .await
    .items()
}

/// Every application state, in workflow order.
#[must_use]
pub fn statuses() -> Vec<&'static str> {
    cxc_domain::workflow::Status::ALL
        .iter()
        .map(|s| s.as_str())
        .collect()
}

/// A partnership's calls with what is left of each, a link to its queue and its export.
#[must_use]
pub fn calls_table(ctx: &Ctx, calls: &[Value]) -> Markup {
    html! {
        div.table-scroll {
            table {
                caption.visually-hidden { (ctx.t("calls-title")) }
                thead { tr {
                    th scope="col" { (ctx.t("call")) }
                    th scope="col" { (ctx.t("call-closes")) }
                    th scope="col" { (ctx.t("call-places-left")) }
                    th scope="col" { (ctx.t("call-budget-left")) }
                    th scope="col" { (ctx.t("dash-actions")) }
                } }
                tbody {
                    @if calls.is_empty() { tr { td colspan="5" { (ctx.t("calls-none")) } } }
                    @for c in calls {
                        @let cid = str_of(c, "id");
                        tr {
                            td { (str_of(c, "title")) }
                            td { (date_of(ctx, &c["closes_at"])) }
                            td { (c["places_remaining"]) " / " (c["places"]) }
                            td { (ctx.money(&c["budget_remaining_cents"])) " / " (ctx.money(&c["budget_cents"])) }
                            td {
                                a href=(format!("/manage/queue?call_id={cid}")) { (ctx.t("dash-open-queue")) span.visually-hidden { ": " (str_of(c, "title")) } }
                                " · "
                                a href=(format!("/manage/calls/{cid}/applications.csv")) download { (ctx.t("csv-export")) span.visually-hidden { ": " (str_of(c, "title")) } }
                            }
                        }
                    }
                }
            }
        }
    }
}
