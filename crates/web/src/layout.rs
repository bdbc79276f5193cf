//! The page shell and the form widgets every page uses. Accessibility is built in here
//! once: a skip link, landmarks, one `h1`, labels tied to inputs, hints and errors tied with
//! `aria-describedby`, an error summary whose entries link to their fields, and a
//! language switcher that works without JavaScript.
use maud::{DOCTYPE, Markup, html};

use crate::{ctx::Ctx, form::Errors, i18n::LANGUAGES};

/// The whole page around `body`.
#[must_use]
pub fn page(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    let site = ctx.t("site-name");
    html! {
        (DOCTYPE)
        html lang=(ctx.lang()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — " (site) }
                link rel="stylesheet" href="/assets/app.css";
                script src="/assets/app.js" defer {}
            }
            body {
                a.skip-link href="#main" { (ctx.t("skip-to-content")) }
                header.site-header {
                    div.wrap {
                        a.brand href="/" { (site) }
                        nav aria-label=(ctx.t("nav-label")) {
                            ul {
                                @if ctx.signed_in() {
                                    li { a href="/" { (ctx.t("nav-home")) } }
                                    li { a href="/organisations" { (ctx.t("nav-organisations")) } }
                                    li { a href="/applications" { (ctx.t("nav-applications")) } }
                                    // Coordinators, partners and admins; the page tells anyone else
                                    // that they run no partnership.
                                    li { a href="/manage" { (ctx.t("nav-manage")) } }
                                }
                                li { a href="/calls" { (ctx.t("nav-calls")) } }
                                li { a href="/visits" { (ctx.t("nav-visits")) } }
                                @if ctx.signed_in() {
                                    li {
                                        form.inline method="post" action="/sign-out" {
                                            (csrf_field(ctx))
                                            button.link type="submit" { (ctx.t("sign-out")) }
                                        }
                                    }
                                } @else {
                                    li { a href="/sign-in" { (ctx.t("sign-in")) } }
                                    li { a href="/sign-up" { (ctx.t("sign-up")) } }
                                }
                            }
                        }
                        (language_switcher(ctx))
                    }
                }
                main id="main" tabindex="-1" {
                    div.wrap {
                        @if let Some(n) = &ctx.notice {
                            div.notice role="status" { (ctx.t(n)) }
                        }
                        h1 { (title) }
                        (body)
                    }
                }
                footer.site-footer {
                    div.wrap {
                        p {
                            (ctx.t("footer-text")) " · "
                            a href="/docs" { (ctx.t("footer-api")) }
                        }
                    }
                }
            }
        }
    }
}

/// One button per language: a form, so it works without JavaScript and carries the CSRF
/// token (a signed-in user's choice is saved to the account).
fn language_switcher(ctx: &Ctx) -> Markup {
    html! {
        form.lang-switch method="post" action="/language" {
            (csrf_field(ctx))
            input type="hidden" name="back" value=(ctx.here);
            span.visually-hidden id="lang-label" { (ctx.t("language")) }
            ul aria-labelledby="lang-label" {
                @for (code, name) in LANGUAGES {
                    li {
                        @if code == ctx.lang() {
                            span.current lang=(code) aria-current="true" { (name) }
                        } @else {
                            button.link type="submit" name="lang" value=(code) lang=(code) { (name) }
                        }
                    }
                }
            }
        }
    }
}

/// The hidden CSRF field every form must carry.
#[must_use]
pub fn csrf_field(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name="csrf" value=(ctx.csrf); }
}

/// The id of a field's input (`participant.email` → `f-participant-email`).
#[must_use]
pub fn field_id(name: &str) -> String {
    let mut id = String::from("f-");
    for c in name.chars() {
        id.push(if c.is_ascii_alphanumeric() || c == '_' {
            c
        } else {
            '-'
        });
    }
    id
}

/// "There is a problem": every error at once, each linking to its field when the form
/// has one (`fields`); the summary takes focus (app.js) and is announced.
#[must_use]
pub fn error_summary(ctx: &Ctx, errors: &Errors, fields: &[&str]) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.error-summary role="alert" aria-labelledby="error-summary-title" tabindex="-1" {
                h2 id="error-summary-title" { (ctx.t("error-summary-title")) }
                ul {
                    @for e in &errors.0 {
                        li {
                            @if fields.contains(&e.field.as_str()) {
                                a href=(format!("#{}", field_id(&e.field))) { (e.message) }
                            } @else {
                                (e.message)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// How an input is described: its hint and error ids.
fn described_by(id: &str, hint: bool, error: bool) -> Option<String> {
    let mut v = Vec::new();
    if hint {
        v.push(format!("{id}-hint"));
    }
    if error {
        v.push(format!("{id}-error"));
    }
    (!v.is_empty()).then(|| v.join(" "))
}

/// A labelled input.
pub struct Input<'a> {
    pub name: &'a str,
    pub label: String,
    pub value: &'a str,
    pub kind: &'a str,
    pub hint: Option<String>,
    pub autocomplete: Option<&'a str>,
    pub required: bool,
    /// `inputmode` for phones (`decimal`, `numeric`).
    pub inputmode: Option<&'a str>,
}

impl<'a> Input<'a> {
    #[must_use]
    pub fn new(name: &'a str, label: String, value: &'a str) -> Self {
        Self {
            name,
            label,
            value,
            kind: "text",
            hint: None,
            autocomplete: None,
            required: false,
            inputmode: None,
        }
    }

    #[must_use]
    pub fn kind(mut self, kind: &'a str) -> Self {
        self.kind = kind;
        self
    }

    #[must_use]
    pub fn hint(mut self, hint: String) -> Self {
        self.hint = Some(hint);
        self
    }

    #[must_use]
    pub fn autocomplete(mut self, a: &'a str) -> Self {
        self.autocomplete = Some(a);
        self
    }

    #[must_use]
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    #[must_use]
    pub fn decimal(mut self) -> Self {
        self.inputmode = Some("decimal");
        self
    }

    #[must_use]
    pub fn render(&self, errors: &Errors) -> Markup {
        let id = field_id(self.name);
        let error = errors.of(self.name);
        html! {
            div.field.has-error[error.is_some()] {
                label for=(id) { (self.label) }
                @if let Some(h) = &self.hint { p.hint id=(format!("{id}-hint")) { (h) } }
                @if let Some(e) = &error { p.field-error id=(format!("{id}-error")) { (e) } }
                input id=(id) name=(self.name) type=(self.kind) value=(self.value)
                    autocomplete=[self.autocomplete] inputmode=[self.inputmode]
                    required[self.required]
                    aria-invalid=[error.as_ref().map(|_| "true")]
                    aria-describedby=[described_by(&id, self.hint.is_some(), error.is_some())];
            }
        }
    }
}

/// A labelled text area.
#[must_use]
pub fn textarea(
    name: &str,
    label: &str,
    value: &str,
    hint: Option<&str>,
    errors: &Errors,
) -> Markup {
    let id = field_id(name);
    let error = errors.of(name);
    html! {
        div.field.has-error[error.is_some()] {
            label for=(id) { (label) }
            @if let Some(h) = hint { p.hint id=(format!("{id}-hint")) { (h) } }
            @if let Some(e) = &error { p.field-error id=(format!("{id}-error")) { (e) } }
            textarea id=(id) name=(name) rows="4"
                aria-invalid=[error.as_ref().map(|_| "true")]
                aria-describedby=[described_by(&id, hint.is_some(), error.is_some())] { (value) }
        }
    }
}

/// A labelled select; `options` are `(value, label)`.
#[must_use]
pub fn select(
    name: &str,
    label: &str,
    value: &str,
    options: &[(String, String)],
    errors: &Errors,
) -> Markup {
    let id = field_id(name);
    let error = errors.of(name);
    html! {
        div.field.has-error[error.is_some()] {
            label for=(id) { (label) }
            @if let Some(e) = &error { p.field-error id=(format!("{id}-error")) { (e) } }
            select id=(id) name=(name)
                aria-invalid=[error.as_ref().map(|_| "true")]
                aria-describedby=[described_by(&id, false, error.is_some())] {
                @for (v, l) in options {
                    option value=(v) selected[v == value] { (l) }
                }
            }
        }
    }
}

/// A group of radio buttons or check boxes in a fieldset with a legend.
#[must_use]
pub fn choices(
    kind: &str,
    name: &str,
    legend: &str,
    chosen: &[String],
    options: &[(String, String)],
    errors: &Errors,
) -> Markup {
    let id = field_id(name);
    let error = errors.of(name);
    html! {
        fieldset.field.has-error[error.is_some()] id=(id)
            aria-describedby=[error.as_ref().map(|_| format!("{id}-error"))] {
            legend { (legend) }
            @if let Some(e) = &error { p.field-error id=(format!("{id}-error")) { (e) } }
            @for (i, (v, l)) in options.iter().enumerate() {
                div.choice {
                    input type=(kind) id=(format!("{id}-{i}")) name=(name) value=(v) checked[chosen.contains(v)];
                    label for=(format!("{id}-{i}")) { (l) }
                }
            }
        }
    }
}
