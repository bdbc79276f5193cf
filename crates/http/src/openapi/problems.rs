//! The problem responses, declared once as `components.responses` (`application/problem+json`
//! with the `ProblemDoc` schema) and referenced by name from every operation.
//!
//! Handlers name the problems only they can cause (`responses((status = 200, body = X),
//! Forbidden, Conflict)`); the ones an extractor or the middleware causes are added by
//! [`super::rules`] from what the operation declares.
use std::collections::BTreeMap;

use utoipa::{
    IntoResponses,
    openapi::{
        ObjectBuilder, Ref, RefOr, Type,
        content::Content,
        header::HeaderBuilder,
        response::{Response, ResponseBuilder},
    },
};

/// Media type of every error the API answers (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";

macro_rules! problem_responses {
    ($($name:ident = $status:literal: $description:literal;)*) => {
        $(
            #[doc = concat!("`", stringify!($status), "`: ", $description)]
            pub struct $name;

            impl IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<Response>> {
                    BTreeMap::from([(
                        stringify!($status).to_owned(),
                        RefOr::Ref(Ref::from_response_name(stringify!($name))),
                    )])
                }
            }
        )*

        /// `(status, component name, description)` of every shared problem response.
        pub const ALL: &[(u16, &str, &str)] = &[$(($status, stringify!($name), $description)),*];
    };
}

problem_responses! {
    BadRequest = 400: "Malformed request: the body is not valid JSON or could not be read.";
    Unauthorized = 401: "No valid bearer token was sent (or one was sent and is not valid).";
    Forbidden = 403: "The caller is signed in but may not do this.";
    NotFound = 404: "No such resource, or the caller may not see it.";
    RequestTimeout = 408: "The request body did not arrive in time.";
    Conflict = 409: "The resource's current state does not allow this; `code` says why.";
    PreconditionFailed = 412: "`If-Match` is malformed or does not name the current version.";
    PayloadTooLarge = 413: "The request body is larger than 1 MiB.";
    UnsupportedMediaType = 415: "The request body is not JSON (`application/json` or `application/*+json`).";
    UnprocessableContent = 422: "Well-formed but invalid input; `errors` names each field and rule.";
    PreconditionRequired = 428: "This change needs an `If-Match` header with the current version.";
    TooManyRequests = 429: "Too many attempts; `Retry-After` says how many seconds to wait.";
    ServiceUnavailable = 503: "The server is overloaded or the request took too long; retry later.";
}

/// The component name of the shared response for `status`, if there is one.
#[must_use]
pub fn name_of(status: &str) -> Option<&'static str> {
    ALL.iter()
        .find(|(s, ..)| s.to_string() == status)
        .map(|(_, name, _)| *name)
}

/// The `components.responses` entries.
#[must_use]
pub fn components() -> Vec<(String, RefOr<Response>)> {
    ALL.iter()
        .map(|&(status, name, description)| {
            let mut b = ResponseBuilder::new().description(description).content(
                PROBLEM_JSON,
                Content::new(Some(Ref::from_schema_name("ProblemDoc"))),
            );
            if status == 429 {
                b = b.header(
                    "Retry-After",
                    HeaderBuilder::new()
                        .schema(ObjectBuilder::new().schema_type(Type::Integer))
                        .description(Some("Seconds to wait before the next attempt."))
                        .build(),
                );
            }
            (name.to_owned(), RefOr::T(b.build()))
        })
        .collect()
}
