//! The document is valid and true: each test names a way it was once wrong.
use std::collections::BTreeSet;

use serde_json::{Value, json};

fn doc() -> Value {
    serde_json::to_value(crate::openapi_document()).unwrap_or_default()
}

/// Every operation as `(path, method, operation)`.
fn operations(d: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in d["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if op.get("responses").is_some() {
                out.push((path.clone(), method.clone(), op.clone()));
            }
        }
    }
    out
}

/// Validates `instance` against the component schema `name`, `$ref`s resolved in the document.
fn conforms(d: &Value, name: &str, instance: &Value) -> Result<(), String> {
    let mut root = d.clone();
    root["$schema"] = json!("https://json-schema.org/draft/2020-12/schema");
    root["$ref"] = json!(format!("#/components/schemas/{name}"));
    let v = jsonschema::options()
        .should_validate_formats(true)
        .build(&root)
        .map_err(|e| e.to_string())?;
    let errors: Vec<String> = v
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

fn resolve<'a>(d: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => d.pointer(r.trim_start_matches('#')).unwrap_or(&Value::Null),
        None => v,
    }
}

#[test]
fn operation_ids_are_unique() {
    let d = doc();
    let mut seen = BTreeSet::new();
    for (path, method, op) in operations(&d) {
        let id = op["operationId"].as_str().unwrap_or_default().to_owned();
        assert!(!id.is_empty(), "{method} {path} has no operationId");
        assert!(seen.insert(id.clone()), "operationId {id} is used twice");
    }
}

#[test]
fn visit_registration_is_documented_with_its_own_body() {
    let d = doc();
    let body = &d["paths"]["/api/v1/group-visits/{id}/registrations"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"];
    let schema = resolve(&d, body);
    assert!(
        schema["properties"]["organisation_id"].is_object(),
        "{schema}"
    );
    assert!(schema["properties"]["password"].is_null(), "{schema}");
    let account = resolve(
        &d,
        &d["paths"]["/api/v1/auth/register"]["post"]["requestBody"]["content"]["application/json"]
            ["schema"],
    );
    assert!(account["properties"]["password"].is_object(), "{account}");
}

fn draft_application() -> Value {
    let id = "0190b6a0-0000-7000-8000-000000000001";
    json!({
        "id": id, "call_id": id, "partnership_id": id, "host_partnership_id": id, "applicant_id": id,
        "organisation_id": id, "host_organisation_id": id, "visitor_country": "DK", "host_country": "LT",
        "participant": {"full_name": "Ana", "email": "ana@example.eu", "job_title": "", "nationality": "DK",
                        "base_country": "DK", "residence_permit_days": null, "business_started_or_intended": null},
        "start_date": "2026-05-04", "end_date": "2026-05-08", "travel_days": [], "objectives": "Learn",
        "activities": [], "sectors": [], "status": "draft", "host_response": "pending",
        "grant_cents": null, "working_days": null, "distance_km": null, "eligibility": null,
        "submitted_at": null, "decided_at": null, "validated_at": null,
        "created_at": "2026-03-01T10:00:00Z", "updated_at": "2026-03-01T10:00:00Z", "version": 1
    })
}

/// The generated client crashed on `GET /applications`: a draft's `eligibility` is null.
#[test]
fn a_draft_application_with_null_eligibility_conforms() {
    let d = doc();
    conforms(&d, "ApplicationDto", &draft_application()).unwrap_or_else(|e| panic!("{e}"));
    let mut submitted = draft_application();
    submitted["eligibility"] = json!({"eligible": true, "results": []});
    conforms(&d, "ApplicationDto", &submitted).unwrap_or_else(|e| panic!("{e}"));
}

/// `allOf` with a closed member (`additionalProperties: false`) admits no instance.
#[test]
fn no_composition_is_unsatisfiable() {
    let d = doc();
    for (name, schema) in d["components"]["schemas"].as_object().into_iter().flatten() {
        for part in schema["allOf"].as_array().into_iter().flatten() {
            let part = resolve(&d, part);
            assert_ne!(
                part["additionalProperties"],
                json!(false),
                "{name}: allOf member {part} is closed"
            );
        }
    }
    let id = "0190b6a0-0000-7000-8000-000000000001";
    let org = json!({
        "id": id, "version": 1, "created_at": "2026-03-01T10:00:00Z", "updated_at": "2026-03-01T10:00:00Z",
        "name": "Acme", "country": "DK", "city": "Aarhus", "latitude": 56.1, "longitude": 10.2,
        "profile": "sme", "support_type": null, "eccp_profile_url": null, "cluster_ids": [],
        "managing_partnership_id": null, "headcount": 12.0, "annual_turnover_cents": null,
        "balance_sheet_total_cents": null, "partner_enterprises": [], "linked_enterprises": [],
        "public_bodies_control_percent": null, "sectors": ["ict"], "competencies": [],
        "website": null, "agency_exception_ref": null, "establishments": []
    });
    conforms(&d, "OrgDto", &org).unwrap_or_else(|e| panic!("{e}"));
    let mut stray = org.clone();
    stray["surprise"] = json!(1);
    assert!(
        conforms(&d, "OrgDto", &stray).is_err(),
        "OrgDto stays closed"
    );
    let mut check = org;
    for k in ["id", "version", "created_at", "updated_at"] {
        check.as_object_mut().map(|o| o.remove(k));
    }
    check["role"] = json!("host");
    check["on"] = json!("2026-03-01");
    conforms(&d, "CheckRequest", &check).unwrap_or_else(|e| panic!("{e}"));
}

/// Organisers see who registered: `participant` is a name and an email, nothing more.
#[test]
fn a_registration_with_its_participant_conforms() {
    let d = doc();
    let id = "0190b6a0-0000-7000-8000-000000000001";
    let reg = json!({
        "id": id, "visit_id": id, "item_id": null, "user_id": id, "organisation_id": id,
        "status": "waitlisted", "position": 2, "created_at": "2026-03-01T10:00:00Z",
        "participant": {"full_name": "Ana", "email": "ana@example.eu"}
    });
    conforms(&d, "RegistrationDto", &reg).unwrap_or_else(|e| panic!("{e}"));
}

/// Errors are sent as `application/problem+json` with the problem schema.
#[test]
fn every_error_response_is_a_problem_document() {
    let d = doc();
    for (path, method, op) in operations(&d) {
        for (status, r) in op["responses"].as_object().into_iter().flatten() {
            if !(status.starts_with('4') || status.starts_with('5')) || path == "/health" {
                continue;
            }
            let r = resolve(&d, r);
            let content = r["content"].as_object().cloned().unwrap_or_default();
            let keys: Vec<&String> = content.keys().collect();
            assert_eq!(
                keys,
                vec!["application/problem+json"],
                "{method} {path} {status}"
            );
            let schema = &content["application/problem+json"]["schema"]["$ref"];
            assert_eq!(schema, "#/components/schemas/ProblemDoc");
        }
    }
}

/// Statuses the extractors cause are declared on every operation that uses them.
#[test]
fn transport_statuses_are_declared() {
    let d = doc();
    for (path, method, op) in operations(&d) {
        let declared = |s: &str| op["responses"].get(s).is_some();
        let bearer = op["security"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| r.get("bearer").is_some());
        if bearer {
            assert!(declared("401"), "{method} {path}: 401");
        }
        if let Some(body) = op.get("requestBody")
            && body["content"]["application/json"].is_object()
        {
            for s in ["400", "413", "422"] {
                assert!(declared(s), "{method} {path}: {s}");
            }
            if body["required"] == json!(true) {
                assert!(declared("415"), "{method} {path}: 415");
            }
        }
        if path.contains('{') {
            assert!(declared("404"), "{method} {path}: 404");
        }
        assert!(declared("503"), "{method} {path}: 503");
    }
    let patch = &d["paths"]["/api/v1/applications/{id}"]["patch"]["responses"];
    assert!(patch["412"].is_object() && patch["428"].is_object());
}

#[test]
fn public_operations_say_so_and_servers_and_tags_are_described() {
    let d = doc();
    for (path, method, op) in operations(&d) {
        assert!(
            op["security"].is_array(),
            "{method} {path} states no security"
        );
    }
    assert_eq!(
        d["paths"]["/api/v1/auth/login"]["post"]["security"],
        json!([])
    );
    assert_eq!(
        d["paths"]["/api/v1/group-visits/{id}"]["get"]["security"],
        json!([{}, {"bearer": []}])
    );
    assert!(
        !d["servers"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .is_empty(),
        "servers"
    );
    let tags: BTreeSet<&str> = d["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            assert!(
                t["description"].as_str().is_some_and(|s| !s.is_empty()),
                "tag {t} has no description"
            );
            t["name"].as_str().unwrap_or_default()
        })
        .collect();
    for (path, method, op) in operations(&d) {
        for t in op["tags"].as_array().into_iter().flatten() {
            assert!(
                tags.contains(t.as_str().unwrap_or_default()),
                "{method} {path}: tag {t} not declared"
            );
        }
    }
}

#[test]
fn an_optional_body_is_documented_as_optional() {
    let d = doc();
    let body = &d["paths"]["/api/v1/group-visits/{id}/cancel"]["post"]["requestBody"];
    assert_ne!(body["required"], json!(true), "{body}");
}

/// Routes that are not JSON still say what they answer.
#[test]
fn service_routes_are_described() {
    let d = doc();
    for (path, status, media) in [
        ("/openapi.json", "200", "application/json"),
        ("/metrics", "200", "text/plain"),
        ("/api/v1/calls/{id}/applications.csv", "200", "text/csv"),
        (
            "/api/v1/group-visits/{id}/agenda.ics",
            "200",
            "text/calendar",
        ),
    ] {
        let r = &d["paths"][path]["get"]["responses"][status];
        assert!(
            r["description"].as_str().is_some_and(|s| !s.is_empty()),
            "{path} {status}"
        );
        if !media.is_empty() {
            assert!(r["content"][media].is_object(), "{path}: {r}");
        }
    }
}
