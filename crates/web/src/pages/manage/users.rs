//! Admins: users and their grants; granting a role (for a partnership), revoking a grant,
//! disabling and enabling an account, ending its sessions. The API checks every one of
//! these (admins only, verified accounts only, not one's own sessions ...).
use axum::{
    extract::{Path, Query},
    http::{Method, StatusCode},
    response::Response,
};
use maud::html;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::{
    ctx::Ctx,
    form::{Errors, Form},
    layout::{Input, csrf_field, error_summary, select, textarea},
    pages::{applications::date_of, util::str_of},
};

#[derive(Deserialize, Default)]
pub struct Search {
    #[serde(default)]
    q: String,
    #[serde(default)]
    cursor: String,
}

pub async fn list(ctx: Ctx, Query(s): Query<Search>) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let mut path = String::from("/api/v1/users?limit=50");
    for (k, v) in [("q", &s.q), ("cursor", &s.cursor)] {
        if !v.trim().is_empty() {
            let enc: String = form_urlencoded::byte_serialize(v.trim().as_bytes()).collect();
            path.push_str(&format!("&{k}={enc}"));
        }
    }
    let r = ctx.get(&path).await;
    if !r.ok() {
        return ctx.failed(&r);
    }
    let items = r.items();
    let next = r.body["next_cursor"].as_str().map(str::to_owned);
    let q: String = form_urlencoded::byte_serialize(s.q.trim().as_bytes()).collect();
    let body = html! {
        form.filters method="get" action="/manage/users" role="search" aria-label=(ctx.t("users-search")) {
            (Input::new("q", ctx.t("users-search"), &s.q).hint(ctx.t("users-search-hint")).render(&Errors::default()))
            button type="submit" { (ctx.t("queue-apply-filters")) }
        }
        @if items.is_empty() { p { (ctx.t("users-none")) } }
        div.table-scroll {
            table {
                caption.visually-hidden { (ctx.t("users-title")) }
                thead { tr {
                    th scope="col" { (ctx.t("full-name")) }
                    th scope="col" { (ctx.t("email")) }
                    th scope="col" { (ctx.t("users-grants")) }
                    th scope="col" { (ctx.t("status")) }
                } }
                tbody {
                    @for u in &items {
                        tr {
                            td { a href=(format!("/manage/users/{}", str_of(u, "id"))) { (str_of(u, "full_name")) } }
                            td { (str_of(u, "email")) }
                            td { (grants_text(&ctx, u)) }
                            td { @if u["disabled_at"].is_string() { (ctx.t("users-disabled")) } @else { (ctx.t("users-active")) } }
                        }
                    }
                }
            }
        }
        @if let Some(c) = &next {
            nav.pager aria-label=(ctx.t("pager")) { ul { li { a rel="next" data-key="n" href=(format!("/manage/users?q={q}&cursor={}", form_urlencoded::byte_serialize(c.as_bytes()).collect::<String>())) { (ctx.t("pager-next")) } } } }
        }
    };
    ctx.page(&ctx.t("users-title"), body)
}

/// "coordinator (BIGINN), admin" — the grants of a user in one line.
fn grants_text(ctx: &Ctx, u: &Value) -> String {
    let grants = u["grants"].as_array().cloned().unwrap_or_default();
    if grants.is_empty() {
        return ctx.t("none");
    }
    grants
        .iter()
        .map(|g| ctx.t(&format!("grant-role-{}", str_of(g, "role"))))
        .collect::<Vec<_>>()
        .join(", ")
}

const GRANT_FIELDS: [&str; 3] = ["role", "partnership_id", "reason"];

async fn user_page(ctx: &Ctx, id: &str, errors: &Errors, status: StatusCode) -> Response {
    let r = ctx.get(&format!("/api/v1/users/{id}")).await;
    if !r.ok() {
        return ctx.failed(&r);
    }
    let u = &r.body;
    let partnerships = ctx.get("/api/v1/partnerships?limit=200").await.items();
    let name_of = |pid: &str| {
        partnerships
            .iter()
            .find(|p| str_of(p, "id") == pid)
            .map_or_else(|| ctx.t("grant-every-partnership"), |p| str_of(p, "name"))
    };
    let mut partnership_options = vec![(String::new(), ctx.t("grant-no-partnership"))];
    partnership_options.extend(
        partnerships
            .iter()
            .map(|p| (str_of(p, "id"), str_of(p, "name"))),
    );
    let role_options: Vec<(String, String)> = cxc_domain::policy::Role::ALL
        .iter()
        .map(|r| {
            let r = r.as_str();
            (r.to_owned(), ctx.t(&format!("grant-role-{r}")))
        })
        .collect();
    let grants = u["grants"].as_array().cloned().unwrap_or_default();
    let disabled = u["disabled_at"].is_string();
    let body = html! {
        (error_summary(ctx, errors, &GRANT_FIELDS))
        dl.summary {
            dt { (ctx.t("email")) } dd { (str_of(u, "email")) }
            dt { (ctx.t("status")) } dd { @if disabled { (ctx.t("users-disabled")) " — " (date_of(ctx, &u["disabled_at"])) } @else { (ctx.t("users-active")) } }
            dt { (ctx.t("users-since")) } dd { (date_of(ctx, &u["created_at"])) }
        }
        h2 { (ctx.t("users-grants")) }
        @if grants.is_empty() { p { (ctx.t("none")) } }
        ul.grants {
            @for g in &grants {
                li {
                    (ctx.t(&format!("grant-role-{}", str_of(g, "role"))))
                    @if g["partnership_id"].is_string() { " — " (name_of(&str_of(g, "partnership_id"))) }
                    form.inline method="post" action=(format!("/manage/users/{id}/grants/{}/revoke", str_of(g, "id"))) {
                        (csrf_field(ctx))
                        " " button.link type="submit" { (ctx.t("grant-revoke")) span.visually-hidden { ": " (ctx.t(&format!("grant-role-{}", str_of(g, "role")))) } }
                    }
                }
            }
        }
        h2 { (ctx.t("grant-title")) }
        form method="post" action=(format!("/manage/users/{id}/grant")) novalidate {
            (csrf_field(ctx))
            (select("role", &ctx.t("grant-role"), "coordinator", &role_options, errors))
            (select("partnership_id", &ctx.t("call-partnership"), "", &partnership_options, errors))
            button type="submit" { (ctx.t("grant-button")) }
        }
        h2 { (ctx.t("users-account")) }
        @if disabled {
            form method="post" action=(format!("/manage/users/{id}/enable")) {
                (csrf_field(ctx))
                button type="submit" { (ctx.t("users-enable")) }
            }
        } @else {
            form method="post" action=(format!("/manage/users/{id}/disable")) {
                (csrf_field(ctx))
                (textarea("reason", &ctx.t("users-disable-reason"), "", Some(&ctx.t("users-disable-hint")), errors))
                button.warning type="submit" { (ctx.t("users-disable")) }
            }
        }
        form method="post" action=(format!("/manage/users/{id}/sessions")) {
            (csrf_field(ctx))
            button.secondary type="submit" { (ctx.t("users-end-sessions")) }
        }
        p { a href="/manage/users" { (ctx.t("users-title")) } }
    };
    ctx.page_status(status, &str_of(u, "full_name"), body)
}

pub async fn show(ctx: Ctx, Path(id): Path<String>) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    user_page(&ctx, &id, &Errors::default(), StatusCode::OK).await
}

/// Runs one account action through the API and shows the user again.
async fn account_action(
    ctx: &Ctx,
    id: &str,
    method: Method,
    path: &str,
    body: Option<&Value>,
    notice: &str,
) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let r = ctx.api(method, path, body).await;
    if r.ok() {
        return ctx.redirect_with(&format!("/manage/users/{id}"), notice);
    }
    if matches!(r.status, StatusCode::UNAUTHORIZED | StatusCode::NOT_FOUND) {
        return ctx.failed(&r);
    }
    user_page(ctx, id, &Errors(r.errors()), r.status).await
}

pub async fn grant(ctx: Ctx, Path(id): Path<String>, f: Form) -> Response {
    let body = json!({ "role": f.get("role"), "partnership_id": f.opt("partnership_id") });
    account_action(
        &ctx,
        &id,
        Method::PUT,
        &format!("/api/v1/users/{id}/role"),
        Some(&body),
        "notice-granted",
    )
    .await
}

pub async fn revoke(ctx: Ctx, Path((id, grant)): Path<(String, String)>, _f: Form) -> Response {
    account_action(
        &ctx,
        &id,
        Method::DELETE,
        &format!("/api/v1/users/{id}/grants/{grant}"),
        None,
        "notice-revoked",
    )
    .await
}

pub async fn disable(ctx: Ctx, Path(id): Path<String>, f: Form) -> Response {
    let body = json!({ "reason": f.opt("reason") });
    account_action(
        &ctx,
        &id,
        Method::POST,
        &format!("/api/v1/users/{id}/disable"),
        Some(&body),
        "notice-disabled",
    )
    .await
}

pub async fn enable(ctx: Ctx, Path(id): Path<String>, _f: Form) -> Response {
    account_action(
        &ctx,
        &id,
        Method::POST,
        &format!("/api/v1/users/{id}/enable"),
        None,
        "notice-enabled",
    )
    .await
}

pub async fn end_sessions(ctx: Ctx, Path(id): Path<String>, _f: Form) -> Response {
    account_action(
        &ctx,
        &id,
        Method::DELETE,
        &format!("/api/v1/users/{id}/sessions"),
        None,
        "notice-sessions-ended",
    )
    .await
}
