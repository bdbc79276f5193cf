//! Reading form inputs into the API's shapes, and reading the API's answers. Parsing a
//! number or an amount in euros is presentation; judging it is the API's.
use serde_json::Value;

use crate::{
    form::{Errors, Form},
    i18n::Tr,
};

/// A string member of an API object ("" when absent).
#[must_use]
pub fn str_of(v: &Value, key: &str) -> String {
    match &v[key] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A coded member of an API object (a state, role or kind) as its domain value; `None`
/// when absent or not a code of the set. Pages compare these values, never strings.
#[must_use]
pub fn code_of<T: cxc_domain::codes::Code>(v: &Value, key: &str) -> Option<T> {
    v[key].as_str().and_then(|s| T::from_code(s).ok())
}

/// Programme countries for a select: `(code, name)`, by name.
#[must_use]
pub fn countries() -> Vec<(String, String)> {
    let all = cxc_domain::countries::ProgrammeCountries::builtin();
    let mut v: Vec<(String, String)> = Vec::new();
    for c in all.entries() {
        if !v.iter().any(|(code, _)| *code == c.code) {
            v.push((c.code.clone(), c.name.clone()));
        }
    }
    v.sort_by(|a, b| a.1.cmp(&b.1));
    v
}

/// A decimal number (a comma is accepted as the decimal mark); `None` when empty, and an
/// error next to the field when it is not a number.
pub fn number(tr: Tr, f: &Form, name: &str, errors: &mut Errors) -> Option<f64> {
    let raw = f.get(name).replace(['\u{a0}', ' '], "");
    if raw.is_empty() {
        return None;
    }
    match raw.replace(',', ".").parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            errors.add(name, tr.t("not-a-number"));
            None
        }
    }
}

/// An amount typed in euros (`1 250 000`, `1250000,50`) as cents.
pub fn euros_to_cents(tr: Tr, f: &Form, name: &str, errors: &mut Errors) -> Option<i64> {
    let raw: String = f
        .get(name)
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '€'))
        .collect();
    if raw.is_empty() {
        return None;
    }
    let raw = raw.replace(',', ".");
    match raw.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() < 9.0e15 =>
        {
            #[allow(clippy::cast_possible_truncation)]
            Some((v * 100.0).round() as i64)
        }
        _ => {
            errors.add(name, tr.t("not-an-amount"));
            None
        }
    }
}

/// Comma-separated tags.
#[must_use]
pub fn list_tags(raw: &str) -> Vec<String> {
    raw.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Cents written back into a euros input (when the form is shown again).
#[must_use]
pub fn cents_to_input(v: &Value) -> String {
    v.as_i64()
        .map_or_else(String::new, |c| format!("{}.{:02}", c / 100, c % 100))
}
