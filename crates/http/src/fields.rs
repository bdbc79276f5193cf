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
    type Probe = (&'static str, Value, fn(&Value) -> Vec<String>);

    fn probes() -> Vec<Probe> {
        crate::routes::request_probes()
    }

    /// The property schemas of `name` in the document, `$ref`s followed.
    fn properties(doc: &Value, name: &str) -> serde_json::Map<String, Value> {
        doc["components"]["schemas"][name]["properties"]
            .as_object()
            .cloned()
            .unwrap_or_default()
    }

    fn resolve<'a>(doc: &'a Value, s: &'a Value) -> &'a Value {
        match s["$ref"].as_str() {
            Some(r) => {
                let name = r.rsplit('/').next().unwrap_or_default();
                &doc["components"]["schemas"][name]
            }
            None => s,
        }
    }

    /// Every length and range the document declares on a request type is enforced by the
    /// server, exactly: the bound itself passes, one past it fails, naming the field.
    #[test]
    fn schemas_and_checks_agree() {
        let doc: OpenApi = crate::openapi_document();
        let doc = serde_json::to_value(&doc).unwrap_or_default();
        let mut probed = 0;
        for (name, example, check) in probes() {
            assert!(check(&example).is_empty(), "{name}: the example is valid");
            let props = properties(&doc, name);
            assert!(!props.is_empty(), "{name} is in the document");
            for (field, schema) in &props {
                let schema = resolve(&doc, schema);
                let with = |v: Value| {
                    let mut b = example.clone();
                    b[field.as_str()] = v;
                    check(&b)
                };
                let mut cases: Vec<(Value, bool)> = Vec::new();
                if let Some(max) = schema["maxLength"].as_u64() {
                    let max = usize::try_from(max).unwrap_or_default();
                    cases.push((json!("x".repeat(max)), true));
                    cases.push((json!("x".repeat(max + 1)), false));
                }
                if let Some(min) = schema["minLength"].as_u64().filter(|m| *m > 0) {
                    let min = usize::try_from(min).unwrap_or_default();
                    cases.push((json!("x".repeat(min)), true));
                    cases.push((json!("x".repeat(min - 1)), false));
                }
                if let Some(max) = schema["maximum"].as_i64() {
                    cases.push((json!(max), true));
                    cases.push((json!(max + 1), false));
                }
                if let Some(min) = schema["minimum"].as_i64() {
                    cases.push((json!(min), true));
                    cases.push((json!(min - 1), false));
                }
                for (value, valid) in cases {
                    probed += 1;
                    let failed = with(value.clone());
                    assert_eq!(
                        !failed.contains(field),
                        valid,
                        "{name}.{field} = {value}: the document says {}, the server found {failed:?}",
                        if valid { "valid" } else { "invalid" }
                    );
                }
            }
        }
        assert!(probed >= 10, "only {probed} bounds probed");
    }
}
