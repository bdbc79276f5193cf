//! Field types of request bodies that carry their own rules. One declaration — e.g.
//! `title: Text<1, 200>` — gives both the OpenAPI schema (`minLength: 1, maxLength: 200`)
//! and the check `validator` runs (`#[validate(custom(function = "fields::text"))]`), so
//! the document and the server cannot disagree; `tests::schemas_and_checks_agree` proves
//! it for every request type that uses them by probing each declared bound from both sides.
//!
//! The failures become the problem document's `errors` through [`problems`], one entry
//! per field, all at once.
use std::borrow::Cow;

use cxc_persistence::Problem;
use serde::{Deserialize, Serialize};
use utoipa::{
    PartialSchema, ToSchema,
    openapi::{ObjectBuilder, RefOr, Schema, Type},
};
use validator::{ValidationError, ValidationErrors, ValidationErrorsKind};

/// Text of `MIN..=MAX` characters once trimmed, without control characters (long text,
/// `MAX` > 200, may hold line breaks and tabs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Text<const MIN: usize, const MAX: usize>(String);

impl<const MIN: usize, const MAX: usize> Text<MIN, MAX> {
    /// The trimmed text (call after validation).
    #[must_use]
    pub fn clean(&self) -> String {
        self.0.trim().to_owned()
    }

    #[must_use]
    pub fn raw(&self) -> &str {
        &self.0
    }
}

impl<const MIN: usize, const MAX: usize> From<&str> for Text<MIN, MAX> {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

/// For response shapes built from stored (already checked) text.
impl<const MIN: usize, const MAX: usize> From<String> for Text<MIN, MAX> {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl<const MIN: usize, const MAX: usize> PartialSchema for Text<MIN, MAX> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(MIN))
            .max_length(Some(MAX))
            .into()
    }
}

impl<const MIN: usize, const MAX: usize> ToSchema for Text<MIN, MAX> {
    fn name() -> Cow<'static, str> {
        Cow::Owned(format!("Text{MIN}to{MAX}"))
    }
}

/// A password or token as typed: not trimmed, `MIN..=MAX` characters, never printed.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret<const MIN: usize, const MAX: usize>(String);

impl<const MIN: usize, const MAX: usize> Secret<MIN, MAX> {
    /// The secret as typed (call after validation).
    #[must_use]
    pub fn expose(self) -> String {
        self.0
    }

    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<const MIN: usize, const MAX: usize> std::fmt::Debug for Secret<MIN, MAX> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl<const MIN: usize, const MAX: usize> PartialSchema for Secret<MIN, MAX> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(MIN))
            .max_length(Some(MAX))
            .into()
    }
}

impl<const MIN: usize, const MAX: usize> ToSchema for Secret<MIN, MAX> {
    fn name() -> Cow<'static, str> {
        Cow::Owned(format!("Secret{MIN}to{MAX}"))
    }
}

/// The check of [`Secret`]: `code` names the rule (`weak_password` for a new password).
fn secret_length<const MIN: usize, const MAX: usize>(
    s: &Secret<MIN, MAX>,
    code: &'static str,
) -> Result<(), ValidationError> {
    let n = s.0.chars().take(MAX + 1).count();
    if n < MIN || n > MAX {
        return Err(error(code, format!("needs {MIN} to {MAX} characters")));
    }
    Ok(())
}

/// For `#[validate(custom(function = "fields::password"))]` on a new password: the
/// password rule (ASVS 2.1.1/2.1.2: at least 10 characters here, at most 1024; every
/// character allowed, nothing composed or truncated).
///
/// # Errors
/// `weak_password`.
pub fn password<const MIN: usize, const MAX: usize>(
    s: &Secret<MIN, MAX>,
) -> Result<(), ValidationError> {
    secret_length(s, "weak_password")
}

/// For `#[validate(custom(function = "fields::secret"))]` on a token or a password to
/// verify.
///
/// # Errors
/// `invalid_length`.
pub fn secret<const MIN: usize, const MAX: usize>(
    s: &Secret<MIN, MAX>,
) -> Result<(), ValidationError> {
    secret_length(s, "invalid_length")
}

/// An email address as typed: at most [`EMAIL_MAX`] characters once trimmed. Its form is
/// judged by `cxc_domain::email_address::EmailAddress` (which needs the server's SMTPUTF8
/// setting) in the handler. The schema names no `format`: the server takes internationalised
/// domains (`format: email` would refuse them), and sign-in and reset requests answer any
/// text alike so as not to tell which addresses exist.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

/// RFC 5321's longest path, which `EmailAddress` enforces too.
pub const EMAIL_MAX: usize = 254;

impl Email {
    #[must_use]
    pub fn raw(&self) -> &str {
        &self.0
    }
}

impl From<&str> for Email {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl From<String> for Email {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl PartialSchema for Email {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("An email address, at most 254 characters."))
            .max_length(Some(EMAIL_MAX))
            .into()
    }
}

impl ToSchema for Email {}

/// The check of [`Email`]'s length; for `#[validate(custom(function = "fields::email"))]`.
///
/// # Errors
/// `too_long`.
pub fn email(e: &Email) -> Result<(), ValidationError> {
    if e.0.trim().chars().take(EMAIL_MAX + 1).count() > EMAIL_MAX {
        return Err(error(
            "too_long",
            format!("an address has at most {EMAIL_MAX} characters"),
        ));
    }
    Ok(())
}

/// The declared rules of a request body: 422 listing every broken one.
///
/// # Errors
/// `Unprocessable`.
pub fn check<T: validator::Validate>(body: &T) -> Result<(), crate::error::ApiError> {
    match problems(body.validate()) {
        p if p.is_empty() => Ok(()),
        p => Err(crate::error::ApiError::Unprocessable(p)),
    }
}

fn error(code: &'static str, message: String) -> ValidationError {
    ValidationError::new(code).with_message(Cow::Owned(message))
}

/// The check of [`Text`]; for `#[validate(custom(function = "fields::text"))]`.
///
/// # Errors
/// `invalid_length` or `control_characters`.
pub fn text<const MIN: usize, const MAX: usize>(t: &Text<MIN, MAX>) -> Result<(), ValidationError> {
    let s = t.0.trim();
    // Counting stops past MAX: a megabyte of text costs MAX + 1 steps.
    let n = s.chars().take(MAX + 1).count();
    if n < MIN || n > MAX {
        return Err(error(
            "invalid_length",
            format!("must be {MIN} to {MAX} characters"),
        ));
    }
    let long = MAX > 200;
    if s.chars()
        .any(|c| c.is_control() && !(long && matches!(c, '\n' | '\r' | '\t')))
    {
        return Err(error(
            "control_characters",
            "must not contain control characters".into(),
        ));
    }
    Ok(())
}

/// The entries of a list of [`Text`], each checked (naming `field[i]`) and cleaned. When
/// the list itself already failed its declared size (a problem named `field` is in
/// `out`), no entry is looked at: the work stays bounded.
pub fn texts<const MIN: usize, const MAX: usize>(
    v: &[Text<MIN, MAX>],
    field: &str,
    out: &mut Vec<Problem>,
) -> Vec<String> {
    if out.iter().any(|p| p.field == field) {
        return Vec::new();
    }
    v.iter()
        .enumerate()
        .map(|(i, t)| {
            if let Err(e) = text(t) {
                let message = e
                    .message
                    .map_or_else(|| e.code.to_string(), |m| m.to_string());
                out.push(Problem::new(format!("{field}[{i}]"), e.code, message));
            }
            t.clean()
        })
        .collect()
}

/// `validator`'s report as problem entries, with the same field paths as serde's
/// (`participant.email`, `evidence[2]`).
#[must_use]
pub fn problems(result: Result<(), ValidationErrors>) -> Vec<Problem> {
    let mut out = Vec::new();
    if let Err(e) = result {
        flatten("", &e, &mut out);
    }
    out
}

fn flatten(prefix: &str, errors: &ValidationErrors, out: &mut Vec<Problem>) {
    let join = |field: &str| {
        if prefix.is_empty() {
            field.to_owned()
        } else {
            format!("{prefix}.{field}")
        }
    };
    // Sorted so the entries come in a stable order.
    let mut fields: Vec<_> = errors.errors().iter().collect();
    fields.sort_by(|a, b| a.0.cmp(b.0));
    for (field, kind) in fields {
        let path = join(field);
        match kind {
            ValidationErrorsKind::Field(list) => out.extend(list.iter().map(|e| {
                Problem::new(
                    path.clone(),
                    e.code.to_string(),
                    e.message
                        .as_ref()
                        .map_or_else(|| e.code.to_string(), ToString::to_string),
                )
            })),
            ValidationErrorsKind::Struct(inner) => flatten(&path, inner, out),
            ValidationErrorsKind::List(items) => {
                for (i, inner) in items {
                    flatten(&format!("{path}[{i}]"), inner, out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};
    use utoipa::openapi::OpenApi;
    use validator::Validate;

    #[derive(Deserialize, Validate)]
    struct Sample {
        #[validate(custom(function = "text"))]
        short: Text<1, 5>,
        #[validate(custom(function = "text"))]
        long: Text<0, 300>,
    }

    #[test]
    fn text_is_trimmed_bounded_and_free_of_control_characters() {
        let ok = |short: &str, long: &str| {
            problems(
                Sample {
                    short: short.into(),
                    long: long.into(),
                }
                .validate(),
            )
            .into_iter()
            .map(|p| (p.field, p.code))
            .collect::<Vec<_>>()
        };
        assert_eq!(ok(" abcde ", "line\nbreak"), []);
        assert_eq!(
            ok("   ", "x"),
            [("short".to_owned(), "invalid_length".to_owned())]
        );
        assert_eq!(
            ok("abcdef", "bell\u{7}"),
            [
                ("long".to_owned(), "control_characters".to_owned()),
                ("short".to_owned(), "invalid_length".to_owned())
            ]
        );
        assert_eq!(
            ok("a\nb", ""),
            [("short".to_owned(), "control_characters".to_owned())]
        );
    }

    /// A request type, a valid example body, and how the server checks a body.
    use crate::routes::Probe;

    fn probes() -> Vec<Probe> {
        crate::routes::request_probes()
    }

    /// The schema behind `s`: `$ref`s followed, and the non-null branch of an optional
    /// (`oneOf: [null, X]`).
    fn resolve<'a>(doc: &'a Value, s: &'a Value) -> &'a Value {
        if let Some(r) = s["$ref"].as_str() {
            let name = r.rsplit('/').next().unwrap_or_default();
            return resolve(doc, &doc["components"]["schemas"][name]);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = s[key].as_array() {
                let real: Vec<&Value> = branches
                    .iter()
                    .filter(|b| b["type"] != json!("null"))
                    .collect();
                if let [only] = real.as_slice() {
                    return resolve(doc, only);
                }
            }
        }
        s
    }

    /// A valid address of exactly `n` characters (local part at most 64, labels at most
    /// 63), or `n` x's when too short to be one.
    fn email_of_len(n: usize) -> String {
        if n < 8 {
            return "x".repeat(n);
        }
        let local = (n - 7).min(64);
        // Room for the labels before ".eu".
        let mut left = n - local - 1 - 3;
        let mut labels: Vec<String> = Vec::new();
        while left > 0 {
            if !labels.is_empty() {
                left -= 1;
            }
            let mut k = left.min(63);
            if left - k == 1 {
                k -= 1;
            }
            labels.push("a".repeat(k));
            left -= k;
        }
        format!("{}@{}.eu", "x".repeat(local), labels.join("."))
    }

    /// A string of `n` characters for `field`: an address when the field holds one.
    fn string_of(field: &str, n: usize) -> Value {
        if field.ends_with("email") {
            json!(email_of_len(n))
        } else {
            json!("x".repeat(n))
        }
    }

    /// The bounds `schema` declares, as (value, whether it is valid); `item` is a valid
    /// entry to fill arrays with.
    fn cases(schema: &Value, item: &Value, field: &str) -> Vec<(Value, bool)> {
        let mut cases: Vec<(Value, bool)> = Vec::new();
        let n = |k: &str| schema[k].as_u64().and_then(|m| usize::try_from(m).ok());
        if let Some(max) = n("maxLength") {
            cases.push((string_of(field, max), true));
            cases.push((string_of(field, max + 1), false));
        }
        if let Some(min) = n("minLength").filter(|m| *m > 0) {
            cases.push((string_of(field, min), true));
            cases.push((string_of(field, min - 1), false));
        }
        if let Some(max) = n("maxItems") {
            cases.push((json!(vec![item.clone(); max]), true));
            cases.push((json!(vec![item.clone(); max + 1]), false));
        }
        if let Some(min) = n("minItems").filter(|m| *m > 0) {
            cases.push((json!(vec![item.clone(); min]), true));
            cases.push((json!(vec![item.clone(); min - 1]), false));
        }
        for (key, step) in [("maximum", 1_i32), ("minimum", -1)] {
            if let Some(bound) = schema[key].as_i64() {
                cases.push((json!(bound), true));
                cases.push((json!(bound + i64::from(step)), false));
            } else if let Some(bound) = schema[key].as_f64() {
                cases.push((json!(bound), true));
                cases.push((json!(bound + f64::from(step) * 0.001), false));
            }
        }
        cases
    }

    /// Probes every declared bound of the object schema `schema` found at `at` (a JSON
    /// pointer into the example; `prefix` is the field path the server names).
    fn probe_object(
        doc: &Value,
        schema: &Value,
        probe: &Probe,
        at: &str,
        prefix: &str,
        probed: &mut usize,
    ) {
        let (name, example, check) = probe;
        // A flattened body (`allOf`) has the properties of each part.
        for part in resolve(doc, schema)["allOf"]
            .as_array()
            .into_iter()
            .flatten()
        {
            probe_object(doc, part, probe, at, prefix, probed);
        }
        let Some(props) = resolve(doc, schema)["properties"].as_object() else {
            return;
        };
        for (field, raw) in props {
            let schema = resolve(doc, raw);
            let pointer = format!("{at}/{field}");
            let path = format!("{prefix}{field}");
            // Nested objects present in the example are probed field by field.
            if example.pointer(&pointer).is_some_and(Value::is_object) {
                probe_object(doc, schema, probe, &pointer, &format!("{path}."), probed);
            }
            let item = example
                .pointer(&pointer)
                .and_then(|v| v.as_array()?.first().cloned())
                .unwrap_or_else(|| json!("x"));
            let mut all = cases(schema, &item, field);
            // Bounds of an array's entries: one entry at the bound and one past it.
            let items = resolve(doc, &schema["items"]);
            if items.is_object() {
                all.extend(
                    cases(items, &json!("x"), field)
                        .into_iter()
                        .map(|(v, ok)| (json!([v]), ok)),
                );
            }
            for (value, valid) in all {
                *probed += 1;
                let mut body = example.clone();
                let Some(slot) = parent_of(&mut body, &pointer) else {
                    continue;
                };
                slot.insert(field.clone(), value.clone());
                let failed = check(&body);
                // An array's entries are named `field[i]`, the array itself `field`.
                let named = failed
                    .iter()
                    .any(|f| *f == path || f.starts_with(&format!("{path}[")));
                let shown = if value.as_array().is_some_and(|a| a.len() > 3) {
                    format!("an array of {}", value.as_array().map_or(0, Vec::len))
                } else {
                    value.to_string().chars().take(80).collect()
                };
                assert_eq!(
                    !named,
                    valid,
                    "{name}.{path} = {shown}: the document says {}, the server found {failed:?}",
                    if valid { "valid" } else { "invalid" }
                );
            }
        }
    }

    /// The object holding the last step of `pointer`.
    fn parent_of<'a>(
        body: &'a mut Value,
        pointer: &str,
    ) -> Option<&'a mut serde_json::Map<String, Value>> {
        let parent = pointer.rsplit_once('/').map_or("", |(p, _)| p);
        body.pointer_mut(parent)?.as_object_mut()
    }

    /// Every length, size and range the document declares on a request type is enforced
    /// by the server, exactly: the bound itself passes, one past it fails, naming the field.
    #[test]
    fn schemas_and_checks_agree() {
        let doc: OpenApi = crate::openapi_document();
        let doc = serde_json::to_value(&doc).unwrap_or_default();
        let mut probed = 0;
        for probe in probes() {
            let (name, example, check) = &probe;
            assert_eq!(
                check(example),
                Vec::<String>::new(),
                "{name}: the example is valid"
            );
            let schema = &doc["components"]["schemas"][*name];
            assert!(schema.is_object(), "{name} is in the document");
            probe_object(&doc, schema, &probe, "", "", &mut probed);
        }
        assert!(probed >= 10, "only {probed} bounds probed");
    }

    /// The JSON request body types of the document.
    fn request_bodies(doc: &Value) -> std::collections::BTreeSet<String> {
        let mut out = std::collections::BTreeSet::new();
        for ops in doc["paths"]
            .as_object()
            .into_iter()
            .flat_map(|p| p.values())
        {
            for op in ops.as_object().into_iter().flat_map(|o| o.values()) {
                let schema = &op["requestBody"]["content"]["application/json"]["schema"];
                if let Some(r) = schema["$ref"].as_str() {
                    out.insert(r.rsplit('/').next().unwrap_or_default().to_owned());
                }
            }
        }
        out
    }

    /// Every JSON request body of the API is probed: a new request type without a probe
    /// fails here.
    #[test]
    fn every_request_body_is_probed() {
        let doc: OpenApi = crate::openapi_document();
        let doc = serde_json::to_value(&doc).unwrap_or_default();
        let probed: std::collections::BTreeSet<String> =
            probes().iter().map(|p| p.0.to_owned()).collect();
        let missing: Vec<String> = request_bodies(&doc)
            .into_iter()
            .filter(|b| !probed.contains(b))
            .collect();
        assert_eq!(
            missing,
            Vec::<String>::new(),
            "request bodies without a probe"
        );
    }

    #[test]
    fn generated_addresses_have_the_asked_length_and_are_valid() {
        for n in [8, 60, 70, 200, 254, 255] {
            let e = email_of_len(n);
            assert_eq!(e.chars().count(), n, "{e}");
            let ok = cxc_domain::email_address::EmailAddress::parse(&e, false).is_ok();
            assert_eq!(ok, n <= EMAIL_MAX, "{e}");
        }
    }
}
