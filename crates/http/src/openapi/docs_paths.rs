//! The documentation routes are served beside the annotated handlers (see
//! [`super::docs_router`]), so their operations are written out here.
use utoipa::openapi::{
    ObjectBuilder, OpenApi, Type,
    content::Content,
    header::HeaderBuilder,
    path::{HttpMethod, OperationBuilder, PathItem},
    response::{Response, ResponseBuilder},
};

fn operation(id: &str, summary: &str, status: &str, response: Response) -> PathItem {
    let op = OperationBuilder::new()
        .tag("service")
        .operation_id(Some(id))
        .summary(Some(summary))
        .response(status, response);
    PathItem::new(HttpMethod::Get, op)
}

fn body(description: &str, media_type: &str, schema: ObjectBuilder) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(media_type, Content::new(Some(schema)))
        .build()
}

fn text() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

/// Adds `/openapi.json`, `/docs/openapi.json` and `/docs`. The page itself (`/docs/`) and
/// its vendored scripts and styles are not API: `/docs` leads there, and a path ending in
/// `/` is an error to OpenAPI linters.
pub fn add(api: &mut OpenApi) {
    let document = || {
        body(
            "This OpenAPI 3.1 document.",
            "application/json",
            ObjectBuilder::new().schema_type(Type::Object),
        )
    };
    let paths = &mut api.paths.paths;
    paths.insert(
        "/openapi.json".into(),
        operation(
            "openapi_document",
            "The OpenAPI document",
            "200",
            document(),
        ),
    );
    paths.insert(
        "/docs/openapi.json".into(),
        operation(
            "docs_openapi_document",
            "The OpenAPI document, for the documentation page",
            "200",
            document(),
        ),
    );
    let redirect = ResponseBuilder::new()
        .description(
            "Redirects to `/docs/`, the interactive documentation page (Swagger UI, HTML).",
        )
        .header(
            "Location",
            HeaderBuilder::new()
                .schema(text())
                .description(Some("`/docs/`"))
                .build(),
        )
        .build();
    paths.insert(
        "/docs".into(),
        operation(
            "docs_redirect",
            "The interactive documentation (redirect)",
            "303",
            redirect,
        ),
    );
}
