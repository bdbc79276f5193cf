//! The queue: every application the coordinator may see, filtered and sorted by what the
//! URL says (so a filtered view can be bookmarked, shared and reloaded), a page at a time,
//! with keyboard shortcuts (`app.js`) and a way to act on the whole filtered selection.
use axum::{extract::Query, response::Response};
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

use crate::{
    ctx::Ctx,
    form::Errors,
    layout::{Input, select},
    pages::{
        applications::date_of,
        manage::{calls_of, managed, statuses},
        organisations::BIG_SCIENCE_SECTORS,
        util::str_of,
    },
};

/// Rows per page of the queue.
pub const PAGE: usize = 25;

/// The queue's filters, exactly as they stand in the URL.
#[derive(Deserialize, Default, Clone)]
pub struct Filters {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub call_id: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub host_country: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub cursor: String,
}

impl Filters {
    /// The filters as a query string (without the cursor), for links and for the API.
    #[must_use]
    pub fn query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("status", &self.status),
            ("call_id", &self.call_id),
            ("country", &self.country),
            ("host_country", &self.host_country),
            ("sector", &self.sector),
            ("sort", &self.sort),
        ] {
            if !v.trim().is_empty() {
                q.append_pair(k, v.trim());
            }
        }
        q.finish()
    }

    /// The API's list of applications for these filters, one page from `cursor`, as
    /// summary rows: the queue and the bulk decision show only summary fields (name,
    /// countries, dates, submission, state, lump sum, id and version).
    #[must_use]
    pub fn api_path(&self, limit: usize, cursor: &str) -> String {
        let mut path = format!("/api/v1/applications?limit={limit}&view=summary");
        let q = self.query();
        if !q.is_empty() {
            path.push('&');
            path.push_str(&q);
        }
        if !cursor.is_empty() {
            let c: String = form_urlencoded::byte_serialize(cursor.as_bytes()).collect();
            path.push_str(&format!("&cursor={c}"));
        }
        path
    }
}

/// The filter form: a GET form, so the filters end up in the URL.
async fn filter_form(ctx: &Ctx, f: &Filters, errors: &Errors) -> Markup {
    let mut status_options = vec![(String::new(), ctx.t("queue-any"))];
    status_options.extend(
        statuses()
            .into_iter()
            .map(|s| (s.to_owned(), ctx.t(&format!("status-{s}")))),
    );
    let mut call_options = vec![(String::new(), ctx.t("queue-any"))];
    for m in managed(ctx).await {
        for c in calls_of(ctx, &str_of(&m, "id")).await {
            call_options.push((str_of(&c, "id"), str_of(&c, "title")));
        }
    }
    let mut sector_options = vec![(String::new(), ctx.t("queue-any"))];
    sector_options.extend(
        BIG_SCIENCE_SECTORS
            .iter()
            .map(|s| ((*s).to_owned(), ctx.t(&format!("sector-{s}")))),
    );
    let sort_options = vec![
        ("newest".to_owned(), ctx.t("queue-sort-newest")),
        ("oldest".to_owned(), ctx.t("queue-sort-oldest")),
    ];
    html! {
        form.filters method="get" action="/manage/queue" role="search" aria-label=(ctx.t("queue-filters")) {
            (select("status", &ctx.t("status"), &f.status, &status_options, errors))
            (select("call_id", &ctx.t("call"), &f.call_id, &call_options, errors))
            (Input::new("country", ctx.t("queue-country"), &f.country).hint(ctx.t("queue-country-hint")).render(errors))
            (Input::new("host_country", ctx.t("queue-host-country"), &f.host_country).render(errors))
            (select("sector", &ctx.t("queue-sector"), &f.sector, &sector_options, errors))
            (select("sort", &ctx.t("queue-sort"), if f.sort.is_empty() { "newest" } else { &f.sort }, &sort_options, errors))
            button type="submit" { (ctx.t("queue-apply-filters")) }
            " " a href="/manage/queue" { (ctx.t("queue-clear")) }
        }
    }
}

fn rows(ctx: &Ctx, items: &[Value]) -> Markup {
    html! {
        div.table-scroll {
            table.queue data-shortcuts {
                caption.visually-hidden { (ctx.t("queue-title")) }
                thead { tr {
                    th scope="col" { (ctx.t("participant")) }
                    th scope="col" { (ctx.t("queue-route")) }
                    th scope="col" { (ctx.t("dates")) }
                    th scope="col" { (ctx.t("queue-submitted")) }
                    th scope="col" { (ctx.t("status")) }
                    th scope="col" { (ctx.t("lump-sum")) }
                } }
                tbody {
                    @for a in items {
                        tr {
                            td { a.row-link href=(format!("/applications/{}", str_of(a, "id"))) { (str_of(&a["participant"], "full_name")) } }
                            td { (str_of(a, "visitor_country")) " → " (str_of(a, "host_country")) }
                            td { (date_of(ctx, &a["start_date"])) " – " (date_of(ctx, &a["end_date"])) }
                            td { (date_of(ctx, &a["submitted_at"])) }
                            td { (ctx.t(&format!("status-{}", str_of(a, "status")))) }
                            td { (ctx.money(&a["grant_cents"])) }
                        }
                    }
                }
            }
        }
    }
}

pub async fn queue(ctx: Ctx, Query(f): Query<Filters>) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let r = ctx.get(&f.api_path(PAGE, &f.cursor)).await;
    // A filter the API refuses (an unknown state, a malformed id) is shown next to its
    // field, with no rows.
    let errors = if r.ok() {
        Errors::default()
    } else if r.status == axum::http::StatusCode::UNAUTHORIZED {
        return ctx.failed(&r);
    } else {
        Errors(r.errors())
    };
    let items = r.items();
    let next = r.body["next_cursor"].as_str().map(str::to_owned);
    let query = f.query();
    let join = if query.is_empty() { "" } else { "&" };
    let form = filter_form(&ctx, &f, &errors).await;
    let body = html! {
        (crate::layout::error_summary(&ctx, &errors, &["status", "call_id", "country", "host_country", "sector", "sort"]))
        (form)
        details.shortcuts {
            summary { (ctx.t("shortcuts-title")) }
            dl {
                dt { kbd { "j" } " / " kbd { "k" } } dd { (ctx.t("shortcuts-move")) }
                dt { kbd { "Enter" } } dd { (ctx.t("shortcuts-open")) }
                dt { kbd { "/" } } dd { (ctx.t("shortcuts-filter")) }
                dt { kbd { "n" } " / " kbd { "p" } } dd { (ctx.t("shortcuts-pages")) }
            }
        }
        @if items.is_empty() { p { (ctx.t("queue-empty")) } }
        @else {
            (rows(&ctx, &items))
            p.bulk-link { a.button.secondary href=(format!("/manage/bulk?{query}")) { (ctx.t("bulk-link")) } }
        }
        nav.pager aria-label=(ctx.t("pager")) {
            ul {
                @if !f.cursor.is_empty() { li { a rel="prev" data-key="p" href=(format!("/manage/queue?{query}")) { (ctx.t("pager-first")) } } }
                @if let Some(c) = &next {
                    li { a rel="next" data-key="n" href=(format!("/manage/queue?{query}{join}cursor={}", form_urlencoded::byte_serialize(c.as_bytes()).collect::<String>())) { (ctx.t("pager-next")) } }
                }
            }
        }
        p { a href="/manage" { (ctx.t("dash-title")) } }
    };
    ctx.page_status(errors.status(), &ctx.t("queue-title"), body)
}
