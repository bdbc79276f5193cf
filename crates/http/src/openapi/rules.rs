//! The statuses an operation can answer because of HOW it is served rather than what it
//! does, derived from what the operation declares. The extractors and the middleware are
//! the same for every route, so their failures are stated here once:
//!
//! | the operation has…                  | so it can answer… | because of                         |
//! |-------------------------------------|-------------------|------------------------------------|
//! | anything                            | 503               | the request timeout (middleware)   |
//! | a `bearer` security requirement     | 401               | `Auth` / `MaybeAuth`               |
//! | a path parameter                    | 404               | `ApiPath` (a malformed id is 404)  |
//! | a query parameter                   | 422               | `ApiQuery`                         |
//! | an `Idempotency-Key` parameter      | 422               | `IdempotencyKey`                   |
//! | an `If-Match` parameter             | 412 (+428 if required) | `IfMatch`                     |
//! | a request body                      | 413               | the declared length (middleware)   |
//! | a JSON request body                 | 400, 408, 422     | `ApiJson` / `OptionalJson`         |
//! | a required JSON request body        | 415               | `ApiJson` checks the media type    |
//!
//! What only the handler knows (403, 409, a 404 without a path parameter, 429) it declares
//! itself with the shared responses of [`super::problems`]. The API test harness validates
//! every response the suite receives against the document, so a status missing here or
//! there fails the test that provoked it.
use utoipa::openapi::{
    Ref, RefOr, Required,
    path::{Operation, ParameterIn},
};

use super::problems::{self, PROBLEM_JSON};

/// Adds the derived problem responses to `op`, makes hand-written problem responses use
/// the shared ones, and states `security: []` on operations that need no token.
pub fn apply(op: &mut Operation) {
    normalise_problems(op);
    if op.security.is_none() {
        // No requirement means public; say so rather than leave it to a global default.
        op.security = Some(Vec::new());
    }
    let params = op.parameters.as_deref().unwrap_or_default();
    let has_param = |kind: ParameterIn| {
        params
            .iter()
            .any(|p| std::mem::discriminant(&p.parameter_in) == std::mem::discriminant(&kind))
    };
    let header = |name: &str| {
        params.iter().find(|p| {
            matches!(p.parameter_in, ParameterIn::Header) && p.name.eq_ignore_ascii_case(name)
        })
    };
    let mut statuses: Vec<u16> = vec![503];
    if bearer(op) {
        statuses.push(401);
    }
    if has_param(ParameterIn::Path) {
        statuses.push(404);
    }
    if has_param(ParameterIn::Query) || header("Idempotency-Key").is_some() {
        statuses.push(422);
    }
    if let Some(p) = header("If-Match") {
        statuses.push(412);
        if matches!(p.required, Required::True) {
            statuses.push(428);
        }
    }
    if let Some(body) = &op.request_body {
        statuses.push(413);
        // JSON bodies are read and parsed by `ApiJson` / `OptionalJson`; others are ignored.
        if body
            .content
            .keys()
            .any(|m| m == "application/json" || m.ends_with("+json"))
        {
            statuses.extend([400, 408, 422]);
            if matches!(body.required, Some(Required::True)) {
                statuses.push(415);
            }
        }
    }
    for status in statuses {
        let key = status.to_string();
        if let Some(name) = problems::name_of(&key) {
            op.responses
                .responses
                .entry(key)
                .or_insert_with(|| RefOr::Ref(Ref::from_response_name(name)));
        }
    }
}

/// Whether any security requirement names the bearer scheme.
fn bearer(op: &Operation) -> bool {
    op.security.iter().flatten().any(|req| {
        serde_json::to_value(req)
            .ok()
            .and_then(|v| v.as_object().map(|o| o.contains_key("bearer")))
            .unwrap_or(false)
    })
}

/// A problem response written out by hand (`(status = 409, body = ProblemDoc)`) becomes
/// the shared one, or keeps its own description with the problem media type.
fn normalise_problems(op: &mut Operation) {
    for (status, response) in &mut op.responses.responses {
        let RefOr::T(r) = response else { continue };
        if !(status.starts_with('4') || status.starts_with('5')) {
            continue;
        }
        let Some(content) = r.content.shift_remove("application/json") else {
            continue;
        };
        match problems::name_of(status) {
            Some(name) if r.description.is_empty() => {
                *response = RefOr::Ref(Ref::from_response_name(name));
            }
            _ => {
                r.content.insert(PROBLEM_JSON.to_owned(), content);
            }
        }
    }
}
