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
