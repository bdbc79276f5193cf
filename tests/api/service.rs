use serde_json::Value;

use crate::{both, helpers::TestApp};

async fn health_reports_the_database(app: TestApp) {
    let r = app.get("/health", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r["status"], "ok");
    assert_eq!(r["database"], "ok");
    assert!(r.headers.contains_key("x-request-id"));
}
both!(health_reports_the_database);

async fn openapi_and_docs_are_served(app: TestApp) {
    let r = app.get("/openapi.json", None).await;
    assert_eq!(r.status, 200);
    assert!(r["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(r["paths"]["/api/v1/auth/login"].is_object());
    let docs = app.get("/docs/", None).await;
    assert_eq!(docs.status, 200);
    let html = docs.text;
    assert!(html.contains("swagger"), "docs page is Swagger UI");
    assert!(!html.contains("cdn."), "no CDN assets");
}
both!(openapi_and_docs_are_served);

async fn unknown_routes_and_methods_are_problems(app: TestApp) {
    let r = app.get("/api/v1/nope", None).await;
    assert_eq!(r.status, 404);
    assert_eq!(r.headers["content-type"], "application/problem+json");
    let r = app
        .req(reqwest::Method::DELETE, "/health", None, None, &[])
        .await;
    assert_eq!(r.status, 405);
    assert_eq!(r["status"], Value::from(405));
}
both!(unknown_routes_and_methods_are_problems);

async fn metrics_are_prometheus_text(app: TestApp) {
    app.get("/health", None).await;
    let r = app.get("/metrics", None).await;
    assert_eq!(r.status, 200);
    assert!(r.text.contains("cxc_outbox_messages"));
    assert!(r.text.contains("cxc_http_requests_total"));
}
both!(metrics_are_prometheus_text);

async fn ping_is_a_documented_constant(app: TestApp) {
    let r = app.get("/api/v1/ping", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r["pong"], true);
    let doc = app.get("/openapi.json", None).await;
    assert!(doc["paths"]["/api/v1/ping"]["get"].is_object());
}
both!(ping_is_a_documented_constant);
