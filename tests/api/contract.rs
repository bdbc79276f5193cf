//! Every response the suite receives is checked against the OpenAPI document the server
//! publishes (`TestApp::req` calls [`check`]): the operation is found by method and path,
//! the status must be declared, the media type must be one the response declares, and a
//! JSON body must validate against its schema (`$ref`s resolved in the document). A
//! request the server accepted (2xx) must also match the documented request body. Any
//! drift fails the test whose request revealed it.
use std::{
    collections::HashMap,
    sync::{Arc, Mutex, OnceLock},
};

use reqwest::{Method, StatusCode, header::HeaderMap};
use serde_json::{Value, json};

struct Contract {
    doc: Value,
    /// `(template, its segments)` of every documented path.
    paths: Vec<(String, Vec<String>)>,
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

fn contract() -> &'static Contract {
    static C: OnceLock<Contract> = OnceLock::new();
    C.get_or_init(|| {
        let doc = serde_json::to_value(cxc_http::openapi_document()).expect("document as JSON");
        let paths = doc["paths"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(p, _)| (p.clone(), p.split('/').map(str::to_owned).collect()))
            .collect();
        Contract {
            doc,
            paths,
            validators: Mutex::new(HashMap::new()),
        }
    })
}

/// Whether one path segment matches a template segment (`{id}`, `agenda.ics`, `{id}.ics`).
fn segment_matches(template: &str, segment: &str) -> bool {
    match (template.find('{'), template.rfind('}')) {
        (Some(open), Some(close)) => {
            let (prefix, suffix) = (&template[..open], &template[close + 1..]);
            segment.len() > prefix.len() + suffix.len()
                && segment.starts_with(prefix)
                && segment.ends_with(suffix)
        }
        _ => template == segment,
    }
}

/// The documented path template for `path`: the match with the most literal segments.
fn template_for(c: &Contract, path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').collect();
    c.paths
        .iter()
        .filter(|(_, t)| {
            t.len() == segments.len() && t.iter().zip(&segments).all(|(t, s)| segment_matches(t, s))
        })
        .max_by_key(|(_, t)| t.iter().filter(|s| !s.contains('{')).count())
        .map(|(p, _)| p.clone())
}

fn resolve<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .unwrap_or(&Value::Null),
        None => v,
    }
}

/// A compiled validator for `schema`, whose `$ref`s point into the document's components.
fn validator(
    c: &Contract,
    key: &str,
    schema: &Value,
) -> Result<Arc<jsonschema::Validator>, String> {
    let mut cache = c.validators.lock().map_err(|e| e.to_string())?;
    if let Some(v) = cache.get(key) {
        return Ok(v.clone());
    }
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": c.doc["components"].clone(),
    });
    root["allOf"] = json!([schema]);
    let v = Arc::new(
        jsonschema::options()
            .should_validate_formats(true)
            .build(&root)
            .map_err(|e| format!("schema {key} does not compile: {e}"))?,
    );
    cache.insert(key.to_owned(), v.clone());
    Ok(v)
}

fn validate(c: &Contract, key: &str, schema: &Value, instance: &Value) -> Result<(), String> {
    let v = validator(c, key, schema)?;
    let errors: Vec<String> = v
        .iter_errors(instance)
        .take(5)
        .map(|e| format!("{e} (at `{}`)", e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n  "))
    }
}

fn essence(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn media_matches(declared: &str, actual: &str) -> bool {
    declared == actual
        || declared == "*/*"
        || declared
            .strip_suffix("/*")
            .is_some_and(|kind| actual.starts_with(&format!("{kind}/")))
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.ends_with("+json")
}

/// What a request carried, for checking the accepted ones against the document.
#[derive(Clone, Copy, Debug)]
pub enum Sent<'a> {
    Nothing,
    Json(&'a Value),
    /// A body that is not JSON (form data, deliberately malformed input).
    Other,
}

impl<'a> From<Option<&'a Value>> for Sent<'a> {
    fn from(v: Option<&'a Value>) -> Self {
        v.map_or(Sent::Nothing, Sent::Json)
    }
}

/// Checks one exchange against the document; `Err` says what drifted.
pub fn check<'a>(
    method: &Method,
    path: &str,
    request: impl Into<Sent<'a>>,
    status: StatusCode,
    headers: &HeaderMap,
    text: &str,
) -> Result<(), String> {
    let c = contract();
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let content_type = headers
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(essence)
        .unwrap_or_default();
    let Some(template) = template_for(c, path) else {
        // Not an operation: only the problem for an unknown route is acceptable (and the
        // documentation page's own files, served by Swagger UI).
        if (path == "/docs" || path.starts_with("/docs/"))
            && (status.is_success() || status.is_redirection())
        {
            return Ok(());
        }
        if status == StatusCode::NOT_FOUND && content_type == "application/problem+json" {
            return Ok(());
        }
        return Err(format!("{path} is not documented, yet answered {status}"));
    };
    let m = method.as_str().to_ascii_lowercase();
    let Some(op) = c.doc["paths"][&template].get(&m) else {
        if status == StatusCode::METHOD_NOT_ALLOWED && content_type == "application/problem+json" {
            return Ok(());
        }
        return Err(format!(
            "{method} {template} is not documented, yet answered {status}"
        ));
    };
    let code = status.as_str();
    let range = format!("{}XX", &code[..1]);
    let Some((key, response)) = [code, range.as_str(), "default"]
        .into_iter()
        .find_map(|k| op["responses"].get(k).map(|r| (k, r)))
    else {
        let declared: Vec<&String> = op["responses"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
            .collect();
        return Err(format!(
            "{method} {template} answered {status}, which is not declared (declared: {declared:?}); body: {text:.300}"
        ));
    };
    let response = resolve(&c.doc, response);
    let content = response["content"].as_object().cloned().unwrap_or_default();
    if content.is_empty() {
        if !text.is_empty() {
            return Err(format!(
                "{method} {template} {status}: declared without a body, but sent {text:.200}"
            ));
        }
    } else {
        let Some((media, spec)) = content
            .iter()
            .find(|(d, _)| media_matches(d, &content_type))
        else {
            return Err(format!(
                "{method} {template} {status}: sent `{content_type}`, declared {:?}",
                content.keys().collect::<Vec<_>>()
            ));
        };
        if is_json(&content_type) {
            let body: Value = serde_json::from_str(text).map_err(|e| {
                format!("{method} {template} {status}: not JSON ({e}): {text:.200}")
            })?;
            if let Some(schema) = spec.get("schema") {
                validate(c, &format!("{m} {template} {key} {media}"), schema, &body).map_err(|e| {
                    format!("{method} {template} {status}: the body does not match the document:\n  {e}\nbody: {text:.500}")
                })?;
            }
        }
    }
    if status.is_success() {
        check_request(c, &m, &template, op, request.into())?;
    }
    Ok(())
}

/// A request the server accepted must be one the document describes.
fn check_request(
    c: &Contract,
    m: &str,
    template: &str,
    op: &Value,
    request: Sent<'_>,
) -> Result<(), String> {
    let declared = op.get("requestBody").map(|b| resolve(&c.doc, b));
    match (declared, request) {
        (None, _) | (_, Sent::Other) => Ok(()),
        (Some(d), Sent::Nothing) => {
            if d["required"] == json!(true) {
                Err(format!(
                    "{m} {template} accepted no body, but the document requires one"
                ))
            } else {
                Ok(())
            }
        }
        (Some(d), Sent::Json(body)) => {
            let Some((media, spec)) = d["content"]
                .as_object()
                .and_then(|c| c.iter().find(|(k, _)| is_json(k)))
            else {
                return Ok(());
            };
            match spec.get("schema") {
                Some(schema) => validate(
                    c,
                    &format!("{m} {template} request {media}"),
                    schema,
                    body,
                )
                .map_err(|e| {
                    format!(
                        "{m} {template} accepted a body the document rejects:\n  {e}\nbody: {body}"
                    )
                }),
                None => Ok(()),
            }
        }
    }
}

mod tests;
