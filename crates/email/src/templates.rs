//! Localised email templates, embedded in the binary at compile time.
//!
//! Layout on disk: `templates/<kind>/{subject,body}.<locale>.{txt,html}`,
//! plus `templates/_layout/body.<locale>.{txt,html}` which every body
//! extends. Files are pulled in with `include_str!` (see `embed!`) so the
//! server never reads templates at runtime and works from any directory.

use std::sync::OnceLock;

use cxc_domain::notify::{Email, Frame};
use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, State, UndefinedBehavior};

use crate::format;

/// Supported locales; the first one is the fallback.
pub const LOCALES: [&str; 4] = ["en", "lt", "da", "es"];

const FALLBACK: &str = "en";

/// One rendered email, ready for [`crate::build_message`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("unknown email kind {0}")]
    UnknownKind(String),
    #[error("template error: {0}")]
    Template(String),
}

/// One embedded template: `(name, source)`.
macro_rules! tpl {
    ($dir:literal, $stem:literal, $loc:literal, $ext:literal) => {
        (
            concat!($dir, "/", $stem, ".", $loc, ".", $ext),
            include_str!(concat!(
                "../templates/",
                $dir,
                "/",
                $stem,
                ".",
                $loc,
                ".",
                $ext
            )),
        )
    };
}

/// Expands to [`KINDS`] and the table of every embedded template. A locale
/// missing from a kind's list simply has no files; lookups then fall back to
/// English per file (a test checks that no file on disk is left out).
macro_rules! embed {
    (layout: [$($lloc:literal),*]; $($kind:literal: [$($loc:literal),*]),* $(,)?) => {
        /// Every email kind the crate can render.
        pub const KINDS: &[&str] = &[$($kind),*];

        static FILES: &[(&str, &str)] = &[
            $(
                tpl!("_layout", "body", $lloc, "txt"),
                tpl!("_layout", "body", $lloc, "html"),
            )*
            $($(
                tpl!($kind, "subject", $loc, "txt"),
                tpl!($kind, "body", $loc, "txt"),
                tpl!($kind, "body", $loc, "html"),
            )*)*
        ];
    };
}

embed! {
    layout: ["en", "lt", "da", "es"];
    "welcome": ["en", "lt", "da", "es"],
    "application_submitted": ["en", "lt", "da", "es"],
    "application_submitted_coordinator": ["en", "lt", "da", "es"],
    "host_response_requested": ["en", "lt", "da", "es"],
    "host_response": ["en", "lt", "da", "es"],
    "decision_approved": ["en", "lt", "da", "es"],
    "decision_rejected": ["en", "lt", "da", "es"],
    "decision_waitlisted": ["en", "lt", "da", "es"],
    "commitment_signature_needed": ["en", "lt", "da", "es"],
    "commitment_completed": ["en", "lt", "da", "es"],
    "application_withdrawn": ["en", "lt", "da", "es"],
    "application_cancelled": ["en", "lt", "da", "es"],
    "report_due": ["en", "lt", "da", "es"],
    "report_validated": ["en", "lt", "da", "es"],
    "payment_recorded": ["en", "lt", "da", "es"],
    "payment_overdue": ["en", "lt", "da", "es"],
    "visit_registration_confirmed": ["en", "lt", "da", "es"],
    "visit_registration_waitlisted": ["en", "lt", "da", "es"],
    "visit_registration_promoted": ["en", "lt", "da", "es"],
    "visit_registration_cancelled": ["en", "lt", "da", "es"],
    "agenda_changed": ["en", "lt", "da", "es"],
    "visit_cancelled": ["en", "lt", "da", "es"],
    "reminder_exchange_start": ["en", "lt", "da", "es"],
    "reminder_visit_start": ["en", "lt", "da", "es"],
    "verify_email": ["en", "lt", "da", "es"],
    "password_reset": ["en", "lt", "da", "es"],
    "password_changed": ["en", "lt", "da", "es"],
    "contact_invitation": ["en", "lt", "da", "es"],
}

/// Maps any language tag to a supported locale: `"en-GB"` → `"en"`,
/// `"lt_LT"` → `"lt"`, anything unknown → `"en"`.
pub fn normalise_locale(s: &str) -> &'static str {
    let primary = s.trim().split(['-', '_']).next().unwrap_or("");
    LOCALES
        .iter()
        .find(|l| l.eq_ignore_ascii_case(primary))
        .copied()
        .unwrap_or(FALLBACK)
}

/// Renders subject, plain-text and HTML body of `email` in `locale`.
///
/// The template sees the email's typed context, the [`Frame`] and `locale`, `kind`,
/// `optional`. Templates render in strict mode: a variable the context does not
/// define is an error, never empty text (so a missing name cannot go unnoticed).
///
/// # Errors
/// When a template fails or is missing (a bug, caught by the snapshot tests).
pub fn render(email: &Email, frame: &Frame, locale: &str) -> Result<Rendered, RenderError> {
    let kind = email.kind().as_str();
    if !KINDS.contains(&kind) {
        return Err(RenderError::UnknownKind(kind.to_owned()));
    }
    let locale = normalise_locale(locale);
    let mut ctx = match serde_json::to_value(email) {
        Ok(serde_json::Value::Object(map)) => map,
        Ok(_) => serde_json::Map::new(),
        Err(e) => return Err(RenderError::Template(e.to_string())),
    };
    if let Ok(serde_json::Value::Object(frame)) = serde_json::to_value(frame) {
        ctx.extend(frame);
    }
    // Explicit keys win over the context's fields of the same name.
    ctx.insert("locale".into(), locale.into());
    ctx.insert("kind".into(), kind.into());
    ctx.insert("optional".into(), email.is_optional().into());
    let full_ctx = Value::from_serialize(&ctx);
    let env = environment();
    let run = |file: &str| -> Result<String, RenderError> {
        let name = format!("{kind}/{file}");
        env.get_template(&name)
            .and_then(|t| t.render(&full_ctx))
            .map_err(|e| RenderError::Template(describe(&e)))
    };
    let subject = format::single_line(&run(&format!("subject.{locale}.txt"))?);
    let text = tidy(&run(&format!("body.{locale}.txt"))?);
    let html = run(&format!("body.{locale}.html"))?.trim().to_owned() + "\n";
    Ok(Rendered {
        subject,
        text,
        html,
    })
}

/// Full error chain: minijinja puts the useful part (template name, line)
/// in nested sources.
fn describe(e: &Error) -> String {
    let mut msg = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        msg.push_str(": ");
        msg.push_str(&inner.to_string());
        src = inner.source();
    }
    msg
}

/// Conditional blocks leave stray blank lines; collapse them so plain-text
/// mails look hand-written.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.trim().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Looks a template up in the embedded table, falling back to the English
/// file of the same kind when the requested locale has no translation.
fn lookup(name: &str) -> Option<&'static str> {
    let find = |n: &str| FILES.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
    find(name).or_else(|| {
        let (dir, file) = name.split_once('/')?;
        let mut parts = file.split('.');
        let (stem, _locale, ext) = (parts.next()?, parts.next()?, parts.next()?);
        find(&format!("{dir}/{stem}.{FALLBACK}.{ext}"))
    })
}

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // A variable the typed context lacks is a bug: fail, never print nothing.
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_trim_blocks(true);
        env.set_lstrip_blocks(true);
        // The default auto-escape callback escapes `*.html` only: HTML bodies
        // are escaped, subjects and text bodies are not.
        env.set_loader(|name| Ok(lookup(name).map(str::to_owned)));
        env.add_filter("euros", euros_filter);
        env.add_filter("href", href_filter);
        env
    })
}

/// `{{ grant_cents | euros }}` in the current locale; empty when absent.
fn euros_filter(state: &State, value: Value) -> Result<String, Error> {
    if value.is_undefined() || value.is_none() {
        return Ok(String::new());
    }
    let cents = i64::try_from(value.clone())
        .ok()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
        .ok_or_else(|| {
            Error::new(
                ErrorKind::InvalidOperation,
                format!("euros: not an amount in cents: {value}"),
            )
        })?;
    let locale = state
        .lookup("locale")
        .and_then(|v| v.as_str().map(normalise_locale))
        .unwrap_or(FALLBACK);
    Ok(format::euros(cents, locale))
}

/// `href="{{ url | href }}"`: escapes only what could break out of a quoted
/// attribute. The default HTML escaper also turns `/` into `&#x2f;`, which is
/// valid but makes links look obfuscated to spam filters.
fn href_filter(value: Value) -> Value {
    let raw = value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned);
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    Value::from_safe_string(out)
}

#[cfg(test)]
#[path = "templates_tests.rs"]
mod tests;
