//! Signing up, in and out, and choosing the language. Each calls the API's own endpoint
//! (`/api/v1/auth/*`), so the password rules, the login throttle and the session are the
//! API's; the session token goes into an HttpOnly cookie.
use axum::{
    extract::Query,
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use maud::html;
use serde::Deserialize;
use serde_json::json;

use crate::{
    ctx::{Ctx, local_path},
    form::{Errors, Form},
    i18n,
    layout::{Input, csrf_field, error_summary},
    session::{self, LANG, SESSION},
};

#[derive(Deserialize, Default)]
pub struct Next {
    #[serde(default)]
    next: String,
}

const SIGN_UP_FIELDS: [&str; 3] = ["full_name", "email", "password"];

fn sign_up_page(ctx: &Ctx, f: &Form, errors: &Errors) -> Response {
    let body = html! {
        (error_summary(ctx, errors, &SIGN_UP_FIELDS))
        form method="post" action="/sign-up" novalidate {
            (csrf_field(ctx))
            (Input::new("full_name", ctx.t("full-name"), f.get("full_name")).autocomplete("name").required().render(errors))
            (Input::new("email", ctx.t("email"), f.get("email")).kind("email").autocomplete("email").required().render(errors))
            (Input::new("password", ctx.t("password"), "").kind("password").autocomplete("new-password")
                .hint(ctx.t("password-hint")).required().render(errors))
            button type="submit" { (ctx.t("sign-up")) }
        }
        p { (ctx.t("have-account")) " " a href="/sign-in" { (ctx.t("sign-in")) } }
    };
    let status = errors.status();
    ctx.page_status(status, &ctx.t("sign-up-title"), body)
}

pub async fn sign_up_form(ctx: Ctx) -> Response {
    sign_up_page(&ctx, &Form::default(), &Errors::default())
}

/// Creates the account in the language the page is shown in, then signs it in.
pub async fn sign_up(ctx: Ctx, f: Form) -> Response {
    let body = json!({
        "email": f.get("email"),
        "password": f.0.iter().find(|(k, _)| k == "password").map_or("", |(_, v)| v.as_str()),
        "full_name": f.get("full_name"),
        "locale": ctx.lang(),
    });
    let r = ctx.post("/api/v1/auth/register", &body).await;
    if !r.ok() {
        return sign_up_page(&ctx, &f, &Errors(r.errors()));
    }
    let login = json!({ "email": body["email"], "password": body["password"] });
    let r = ctx.post("/api/v1/auth/login", &login).await;
    if !r.ok() {
        return ctx.failed(&r);
    }
    signed_in(&ctx, &r.body, "/", "notice-welcome")
}

/// In demo mode (the demo accounts exist), who to sign in as: a first-time visitor needs
/// no documentation. The password is shown only while it is the public default.
async fn demo_hint(ctx: &Ctx) -> maud::Markup {
    let Some(default_password) = ctx.web.demo_accounts().await else {
        return html! {};
    };
    html! {
        aside.demo-hint aria-labelledby="demo-hint-title" {
            h2 id="demo-hint-title" { (ctx.t("demo-hint-title")) }
            p { (ctx.t("demo-hint-text")) }
            dl.summary {
                @for (role, email, _, _) in cxc_domain::demo::ACCOUNTS {
                    dt { (ctx.t(&format!("demo-role-{}", format!("{role:?}").to_lowercase()))) }
                    dd { code { (email) } }
                }
                dt { (ctx.t("password")) }
                dd {
                    @if default_password { code { (cxc_domain::demo::DEFAULT_PASSWORD) } }
                    @else { (ctx.t("demo-hint-password-set")) }
                }
            }
        }
    }
}

async fn sign_in_page(ctx: &Ctx, email: &str, next: &str, errors: &Errors) -> Response {
    let hint = demo_hint(ctx).await;
    let body = html! {
        (error_summary(ctx, errors, &["email", "password"]))
        form method="post" action="/sign-in" novalidate {
            (csrf_field(ctx))
            input type="hidden" name="next" value=(next);
            (Input::new("email", ctx.t("email"), email).kind("email").autocomplete("username").required().render(errors))
            (Input::new("password", ctx.t("password"), "").kind("password").autocomplete("current-password").required().render(errors))
            button type="submit" { (ctx.t("sign-in")) }
        }
        p { a href="/forgot-password" { (ctx.t("forgot-password-link")) } }
        p { (ctx.t("no-account")) " " a href="/sign-up" { (ctx.t("sign-up")) } }
        (hint)
    };
    let status = errors.status();
    ctx.page_status(status, &ctx.t("sign-in-title"), body)
}

pub async fn sign_in_form(ctx: Ctx, Query(n): Query<Next>) -> Response {
    sign_in_page(&ctx, "", &local_path(&n.next), &Errors::default()).await
}

/// The API's login: the same throttle, the same answer for an unknown email and a wrong
/// password.
pub async fn sign_in(ctx: Ctx, f: Form) -> Response {
    let next = local_path(f.get("next"));
    let password =
        f.0.iter()
            .find(|(k, _)| k == "password")
            .map_or("", |(_, v)| v.as_str());
    let r = ctx
        .post(
            "/api/v1/auth/login",
            &json!({ "email": f.get("email"), "password": password }),
        )
        .await;
    if r.ok() {
        return signed_in(&ctx, &r.body, &next, "notice-signed-in");
    }
    let mut errors = Errors::default();
    let message = match r.status {
        StatusCode::UNAUTHORIZED => ctx.t("sign-in-failed"),
        StatusCode::TOO_MANY_REQUESTS => ctx.t("sign-in-throttled"),
        _ => r
            .errors()
            .first()
            .map(|e| e.message.clone())
            .unwrap_or_default(),
    };
    errors.add("email", message);
    let mut res = sign_in_page(&ctx, f.get("email"), &next, &errors).await;
    if r.status == StatusCode::TOO_MANY_REQUESTS {
        *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    }
    res
}

/// Puts the new session's token in the cookie and goes on.
fn signed_in(ctx: &Ctx, login: &serde_json::Value, to: &str, notice: &str) -> Response {
    let token = login["token"].as_str().unwrap_or_default();
    let ttl = login["expires_at"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map_or(3600, |t| {
            (t.timestamp() - chrono::Utc::now().timestamp()).max(60)
        });
    let mut res = ctx.redirect_with(to, notice);
    res.headers_mut().append(
        header::SET_COOKIE,
        session::set_cookie(SESSION, token, ttl, ctx.web.secure_cookies),
    );
    res
}

/// Revokes the session in the database (not only the cookie).
pub async fn sign_out(ctx: Ctx, _f: Form) -> Response {
    if ctx.token.is_some() {
        let _ = ctx.post("/api/v1/auth/logout", &json!({})).await;
    }
    let mut res = ctx.redirect_with("/", "notice-signed-out");
    res.headers_mut().append(
        header::SET_COOKIE,
        session::set_cookie(SESSION, "", 0, ctx.web.secure_cookies),
    );
    res
}

/// The switcher: remembered in a cookie, and in the account when someone is signed in
/// (so their emails follow too).
pub async fn language(ctx: Ctx, f: Form) -> Response {
    let Some(lang) = i18n::supported(f.get("lang")) else {
        return Redirect::to(&local_path(f.get("back"))).into_response();
    };
    if ctx.user.is_some() {
        let prefs = json!({ "locale": lang, "reminders": user_reminders(&ctx).await });
        let _ = ctx
            .api(
                axum::http::Method::PUT,
                "/api/v1/me/notification-preferences",
                Some(&prefs),
            )
            .await;
    }
    let mut res = Redirect::to(&local_path(f.get("back"))).into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        session::set_cookie(LANG, lang, 31_536_000, ctx.web.secure_cookies),
    );
    res
}

async fn user_reminders(ctx: &Ctx) -> bool {
    let r = ctx.get("/api/v1/me/notification-preferences").await;
    r.body["reminders"].as_bool().unwrap_or(true)
}

#[derive(Deserialize, Default)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// The link from the verification email. Opening it changes nothing (mail scanners open
/// links); the button does.
pub async fn verify_form(ctx: Ctx, Query(q): Query<TokenQuery>) -> Response {
    let body = html! {
        form method="post" action="/verify-email" {
            (csrf_field(&ctx))
            input type="hidden" name="token" value=(q.token);
            p { (ctx.t("verify-text")) }
            button type="submit" { (ctx.t("verify-button")) }
        }
    };
    ctx.page(&ctx.t("verify-title"), body)
}

pub async fn verify(ctx: Ctx, f: Form) -> Response {
    let r = ctx
        .post(
            "/api/v1/auth/verify-email",
            &json!({ "token": f.get("token") }),
        )
        .await;
    if r.ok() {
        return ctx.redirect_with("/", "notice-verified");
    }
    let mut errors = Errors::default();
    for e in r.errors() {
        errors.add("", e.message);
    }
    let body =
        html! { (error_summary(&ctx, &errors, &[])) p { a href="/" { (ctx.t("go-home")) } } };
    ctx.page_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ctx.t("verify-title"),
        body,
    )
}

fn forgot_page(ctx: &Ctx, email: &str, errors: &Errors) -> Response {
    let body = html! {
        (error_summary(ctx, errors, &["email"]))
        p { (ctx.t("forgot-password-text")) }
        form method="post" action="/forgot-password" novalidate {
            (csrf_field(ctx))
            (Input::new("email", ctx.t("email"), email).kind("email").autocomplete("email").required().render(errors))
            button type="submit" { (ctx.t("forgot-password-send")) }
        }
        p { a href="/sign-in" { (ctx.t("sign-in")) } }
    };
    let status = errors.status();
    ctx.page_status(status, &ctx.t("forgot-password-title"), body)
}

pub async fn forgot_form(ctx: Ctx) -> Response {
    forgot_page(&ctx, "", &Errors::default())
}

/// Asks the API for a reset link. Its answer is the same whether or not the address has
/// an account, and so is this page's.
pub async fn forgot(ctx: Ctx, f: Form) -> Response {
    let r = ctx
        .post(
            "/api/v1/auth/password-reset",
            &json!({ "email": f.get("email") }),
        )
        .await;
    if r.ok() {
        return ctx.redirect_with("/sign-in", "notice-reset-sent");
    }
    let mut errors = Errors::default();
    let message = if r.status == StatusCode::TOO_MANY_REQUESTS {
        ctx.t("sign-in-throttled")
    } else {
        r.errors()
            .first()
            .map(|e| e.message.clone())
            .unwrap_or_default()
    };
    errors.add("email", message);
    let mut res = forgot_page(&ctx, f.get("email"), &errors);
    if r.status == StatusCode::TOO_MANY_REQUESTS {
        *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    }
    res
}

fn reset_page(ctx: &Ctx, token: &str, errors: &Errors) -> Response {
    let body = html! {
        (error_summary(ctx, errors, &["new_password"]))
        form method="post" action="/reset-password" novalidate {
            (csrf_field(ctx))
            input type="hidden" name="token" value=(token);
            (Input::new("new_password", ctx.t("new-password"), "").kind("password").autocomplete("new-password")
                .hint(ctx.t("password-hint")).required().render(errors))
            button type="submit" { (ctx.t("reset-password-button")) }
        }
        p { a href="/forgot-password" { (ctx.t("forgot-password-again")) } }
    };
    let status = errors.status();
    ctx.page_status(status, &ctx.t("reset-password-title"), body)
}

/// The link from the reset mail: opening it changes nothing; the form sets the password.
pub async fn reset_form(ctx: Ctx, Query(q): Query<TokenQuery>) -> Response {
    reset_page(&ctx, &q.token, &Errors::default())
}

/// Sets the new password through the API (its password rules, its single-use token);
/// every session of the account ends there, so the person signs in again.
pub async fn reset(ctx: Ctx, f: Form) -> Response {
    let password =
        f.0.iter()
            .find(|(k, _)| k == "new_password")
            .map_or("", |(_, v)| v.as_str());
    let r = ctx
        .post(
            "/api/v1/auth/password-reset/confirm",
            &json!({ "token": f.get("token"), "new_password": password }),
        )
        .await;
    if r.ok() {
        let mut res = ctx.redirect_with("/sign-in", "notice-password-reset");
        res.headers_mut().append(
            header::SET_COOKIE,
            session::set_cookie(SESSION, "", 0, ctx.web.secure_cookies),
        );
        return res;
    }
    let mut errors = Errors::default();
    for e in r.errors() {
        // A spent or unknown token is not a field of this form: it goes to the summary.
        let field = if e.field == "new_password" {
            "new_password"
        } else {
            ""
        };
        errors.add(field, e.message);
    }
    reset_page(&ctx, f.get("token"), &errors)
}
