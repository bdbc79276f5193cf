//! The documentation routes are served beside the annotated handlers (see
//! [`super::docs_router`]), so their operations are written out here.
use utoipa::openapi::{
    ObjectBuilder, OpenApi, Type,
    content::Content,
    header::HeaderBuilder,
    path::{HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem},
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

/// Adds `/openapi.json`, `/docs/openapi.json`, `/docs`, `/docs/` and the Swagger UI assets.
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
        .description("Redirects to `/docs/`.")
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
    paths.insert(
        "/docs/".into(),
        operation(
            "docs_page",
            "The interactive documentation (Swagger UI, served from vendored assets)",
            "200",
            body("The documentation page.", "text/html", text()),
        ),
    );
    let mut asset = operation(
        "docs_asset",
        "A script, style sheet or image of the documentation page",
        "200",
        body(
            "The asset.",
            "*/*",
            text().format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                utoipa::openapi::KnownFormat::Binary,
            ))),
        ),
    );
    if let Some(op) = asset.get.as_mut() {
        op.parameters = Some(vec![
            ParameterBuilder::new()
                .name("file")
                .parameter_in(ParameterIn::Path)
                .required(utoipa::openapi::Required::True)
                .schema(Some(text()))
                .build(),
        ]);
    }
    paths.insert("/docs/{file}".into(), asset);
}
