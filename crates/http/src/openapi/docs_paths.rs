//! The documentation routes are served beside the annotated handlers (see
//! [`super::docs_router`]), so their operations are written out here.
use utoipa::openapi::{
    ObjectBuilder, OpenApi, Type,
    content::Content,
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

/// Adds `/openapi.json` and `/docs/openapi.json`. The HTML page (`/docs`, a redirect to
/// `/docs/`) and its vendored scripts are not API; the `service` tag names them.
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
}
