//! Small input checks shared by handlers; each pushes a problem and returns a cleaned value.
use cxc_persistence::Problem;

pub const LOCALES: [&str; 4] = ["en", "lt", "da", "es"];

/// A plausible email address, lower-cased.
pub fn email(raw: &str, field: &str, out: &mut Vec<Problem>) -> String {
    let e = raw.trim().to_lowercase();
    let ok = e.len() <= 254
        && e.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        })
        && !e
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',');
    if !ok {
        out.push(Problem::new(
            field,
            "invalid_email",
            "this is not a valid email address",
        ));
    }
    e
}

/// Trimmed text of `min..=max` characters without control characters (except newlines
/// when `max` > 200, i.e. long text).
pub fn text(raw: &str, field: &str, min: usize, max: usize, out: &mut Vec<Problem>) -> String {
    let t = raw.trim().to_owned();
    let n = t.chars().count();
    if n < min || n > max {
        out.push(Problem::new(
            field,
            "invalid_length",
            format!("must be {min} to {max} characters"),
        ));
    } else if t
        .chars()
        .any(|c| c.is_control() && !(max > 200 && (c == '\n' || c == '\r' || c == '\t')))
    {
        out.push(Problem::new(
            field,
            "control_characters",
            "must not contain control characters",
        ));
    }
    t
}

pub fn locale(raw: &str, out: &mut Vec<Problem>) -> &'static str {
    LOCALES
        .iter()
        .copied()
        .find(|l| *l == raw)
        .unwrap_or_else(|| {
            out.push(Problem::new(
                "locale",
                "unsupported_locale",
                "locale must be one of en, lt, da, es",
            ));
            "en"
        })
}
