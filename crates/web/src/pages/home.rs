//! The start page: what the service is for a visitor; for a signed-in user, their
//! organisations, applications and hosting requests, and what to do next.
use axum::response::Response;
use maud::html;

use crate::ctx::Ctx;

pub async fn home(ctx: Ctx) -> Response {
    if !ctx.signed_in() {
        let body = html! {
            p.lead { (ctx.t("home-intro")) }
            p {
                a.button href="/sign-up" { (ctx.t("sign-up")) }
                a.button.secondary href="/sign-in" { (ctx.t("sign-in")) }
            }
            h2 { (ctx.t("home-how-title")) }
            ol {
                li { (ctx.t("home-how-1")) }
                li { (ctx.t("home-how-2")) }
                li { (ctx.t("home-how-3")) }
            }
        };
        return ctx.page(&ctx.t("home-title"), body);
    }
    let name = ctx
        .user
        .as_ref()
        .and_then(|u| u["full_name"].as_str())
        .unwrap_or_default()
        .to_owned();
    let body = html! {
        p { (ctx.t("home-signed-in-intro")) }
        ul {
            li { a href="/organisations" { (ctx.t("nav-organisations")) } }
            li { a href="/applications" { (ctx.t("nav-applications")) } }
            li { a href="/calls" { (ctx.t("nav-calls")) } }
            li { a href="/visits" { (ctx.t("nav-visits")) } }
        }
    };
    let title = ctx.tr.ta("home-welcome", &[("name", name.into())]);
    ctx.page(&title, body)
}
