//! Small input checks shared by handlers; each pushes a problem and returns a cleaned value.
use cxc_domain::email_address::EmailAddress;
use cxc_persistence::Problem;

pub const LOCALES: [&str; 4] = ["en", "lt", "da", "es"];

/// An email address in its canonical form (see [`EmailAddress`]); on failure a problem
/// with the rule's code, and the trimmed input back.
pub fn email(raw: &str, field: &str, smtputf8: bool, out: &mut Vec<Problem>) -> String {
    match EmailAddress::parse(raw, smtputf8) {
        Ok(e) => e.into_string(),
        Err(e) => {
            out.push(Problem::new(field, e.code(), e.to_string()));
            raw.trim().to_owned()
        }
    }
}

/// An [`Email`](crate::fields::Email) field in canonical form; its form is judged only
/// when its declared size passed (one problem per field).
pub fn email_field(
    raw: &crate::fields::Email,
    field: &str,
    smtputf8: bool,
    out: &mut Vec<Problem>,
) -> String {
    if out.iter().any(|p| p.field == field) {
        return raw.raw().trim().to_owned();
    }
    email(raw.raw(), field, smtputf8, out)
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
