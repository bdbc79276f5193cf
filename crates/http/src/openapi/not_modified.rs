//! Declares the `304 Not Modified` that [`crate::conditional`] answers: every `GET` whose
//! `200` declares an `ETag` can answer 304 to an `If-None-Match` naming it.
use utoipa::openapi::{
    RefOr,
    header::HeaderBuilder,
    path::{Operation, ParameterBuilder, ParameterIn},
    response::ResponseBuilder,
    schema::{ObjectBuilder, Type},
};

pub fn declare(op: &mut Operation) {
    let Some(RefOr::T(ok)) = op.responses.responses.get("200") else {
        return;
    };
    if !ok.headers.keys().any(|k| k.eq_ignore_ascii_case("etag")) {
        return;
    }
    let string = || ObjectBuilder::new().schema_type(Type::String).build();
    let response = ResponseBuilder::new()
        .description("The client's copy (`If-None-Match`) is current; no body.")
        .header("ETag", HeaderBuilder::new().schema(string()).build())
        .build();
    op.responses
        .responses
        .entry("304".to_owned())
        .or_insert(RefOr::T(response));
    let params = op.parameters.get_or_insert_with(Vec::new);
    if !params
        .iter()
        .any(|p| p.name.eq_ignore_ascii_case("if-none-match"))
    {
        params.push(
            ParameterBuilder::new()
                .name("If-None-Match")
                .parameter_in(ParameterIn::Header)
                .description(Some(
                    "An `ETag` of this resource from an earlier answer: 304 while it is current.",
                ))
                .schema(Some(string()))
                .build(),
        );
    }
}
