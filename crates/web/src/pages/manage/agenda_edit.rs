//! Editing an agenda item and moving it to another time or day (issue 16): the API's
//! `PATCH` with the version the page showed (`If-Match`), so a change someone made
//! meanwhile is reported and never overwritten; the API's clash refusals and the item's
//! travel-buffer warnings are shown on the edit form itself.
use axum::{
    extract::Path,
    http::{Method, StatusCode},
    response::Response,
};
use maud::html;
use serde_json::Value;

use crate::{
    ctx::Ctx,
    form::{Errors, Form},
    layout::{csrf_field, error_summary},
    pages::{
        manage::agenda_confirm,
        manage::visits::{ITEM_FIELDS, days_of, item_body, item_fields, local_time},
        util::str_of,
    },
};

/// The form's values for an item as it is now.
fn form_of(item: &Value) -> Form {
    let starts = str_of(item, "starts_at");
    let day = starts.split('T').next().unwrap_or_default().to_owned();
    let text = |k: &str| str_of(item, k);
    Form(vec![
        ("kind".into(), text("kind")),
        ("title".into(), text("title")),
        ("day".into(), day),
        ("starts_at".into(), local_time(&starts)),
        ("ends_at".into(), local_time(&text("ends_at"))),
        ("venue".into(), text("venue")),
        ("facility".into(), text("facility")),
        (
            "capacity".into(),
            item["capacity"]
                .as_i64()
                .map_or_else(String::new, |c| c.to_string()),
        ),
    ])
}

/// What the edit page shows: the form (`None`: the item as it is now) and the version
/// its change is based on (`None`: the visit's current one).
struct Shown<'a> {
    form: Option<&'a Form>,
    version: Option<&'a str>,
    errors: &'a Errors,
    status: StatusCode,
}

async fn edit_page(ctx: &Ctx, id: &str, item_id: &str, shown: Shown<'_>) -> Response {
    let r = ctx.get(&format!("/api/v1/group-visits/{id}")).await;
    if !r.ok() {
        return ctx.failed(&r);
    }
    let v = &r.body;
    let Some(item) = v["agenda"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|i| str_of(i, "id") == item_id)
    else {
        return ctx.not_found();
    };
    let current = form_of(item);
    let f = shown.form.unwrap_or(&current);
    let version = shown
        .version
        .map_or_else(|| r.etag.clone().unwrap_or_default(), str::to_owned);
    let errors = shown.errors;
    let body = html! {
        (error_summary(ctx, errors, &ITEM_FIELDS))
        p { (str_of(v, "title")) " — " (str_of(v, "timezone")) " (" (ctx.t("visit-times-local")) ")" }
        @for w in item["warnings"].as_array().into_iter().flatten() {
            p.warning role="note" { strong { (ctx.t("agenda-warning")) ": " } (str_of(w, "message")) }
        }
        form method="post" action=(format!("/manage/visits/{id}/items/{item_id}")) novalidate {
            (csrf_field(ctx))
            input type="hidden" name="version" value=(version);
            (item_fields(ctx, f, errors, &days_of(v)))
            button type="submit" { (ctx.t("item-save")) }
        }
        p { a href=(format!("/manage/visits/{id}")) { (ctx.t("agenda-back")) } }
    };
    let title = ctx.tr.ta(
        "item-edit-title",
        &[("title", str_of(item, "title").into())],
    );
    ctx.page_status(shown.status, &title, body)
}

pub async fn edit(ctx: Ctx, Path((id, item)): Path<(String, String)>) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let shown = Shown {
        form: None,
        version: None,
        errors: &Errors::default(),
        status: StatusCode::OK,
    };
    edit_page(&ctx, &id, &item, shown).await
}

/// Saves the change with the version the form was based on (for a published visit, after
/// the confirmation of what will change and who will be told). Saved with a travel-buffer
/// warning: back to the edit form, which shows it; saved cleanly: back to the agenda.
pub async fn update(ctx: Ctx, Path((id, item)): Path<(String, String)>, f: Form) -> Response {
    if let Some(r) = ctx.sign_in_first() {
        return r;
    }
    let version = f.get("version").to_owned();
    let body = match item_body(&ctx, &f) {
        Ok(b) => b,
        Err(errors) => {
            let shown = Shown {
                form: Some(&f),
                version: Some(&version),
                errors: &errors,
                status: StatusCode::UNPROCESSABLE_ENTITY,
            };
            return edit_page(&ctx, &id, &item, shown).await;
        }
    };
    if !f.get("back").is_empty() {
        // From the confirmation back to the form, with what was proposed.
        let shown = Shown {
            form: Some(&f),
            version: Some(&version),
            errors: &Errors::default(),
            status: StatusCode::OK,
        };
        return edit_page(&ctx, &id, &item, shown).await;
    }
    if f.get("confirm") != "yes" {
        match agenda_confirm::before_change(&ctx, &id, &item, &f, &version).await {
            Ok(Some(page)) | Err(page) => return page,
            Ok(None) => {}
        }
    }
    let path = format!("/api/v1/group-visits/{id}/agenda-items/{item}");
    let r = ctx
        .send_if_match(Method::PATCH, &path, Some(&body), &version)
        .await;
    if r.ok() {
        let warned = r.body["warnings"].as_array().is_some_and(|w| !w.is_empty());
        return if warned {
            ctx.redirect_with(
                &format!("/manage/visits/{id}/items/{item}/edit"),
                "notice-item-changed-warning",
            )
        } else {
            ctx.redirect_with(&format!("/manage/visits/{id}"), "notice-item-changed")
        };
    }
    if matches!(r.status, StatusCode::UNAUTHORIZED | StatusCode::NOT_FOUND) {
        return ctx.failed(&r);
    }
    if r.status == StatusCode::PRECONDITION_FAILED {
        // Someone else's change stands: the form shows the item as it is now.
        let mut errors = Errors::default();
        errors.add("", ctx.t("item-changed-elsewhere"));
        let shown = Shown {
            form: None,
            version: None,
            errors: &errors,
            status: r.status,
        };
        return edit_page(&ctx, &id, &item, shown).await;
    }
    let shown = Shown {
        form: Some(&f),
        version: Some(&version),
        errors: &Errors(r.errors()),
        status: r.status,
    };
    edit_page(&ctx, &id, &item, shown).await
}
