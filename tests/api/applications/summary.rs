//! `GET /api/v1/applications?view=summary` (issue 17): the same rows in the same order
//! with the same cursors as the full list, each a subset of its full row; one statement
//! per page; the default stays the full row, byte for byte; an unknown view is a 422.
use cxc_persistence::{repositories::applications::AppFilter, statements};
use serde_json::{Value, json};

use crate::{both, fixtures::World, helpers::TestApp};

/// Fields of the full record a summary leaves out.
const LEFT_OUT: [&str; 8] = [
    "objectives",
    "activities",
    "sectors",
    "travel_days",
    "working_days",
    "distance_km",
    "eligibility",
    "validated_at",
];

async fn walk(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let mut rows = Vec::new();
    let mut q = query.to_owned();
    loop {
        let r = app
            .get(&format!("/api/v1/applications?{q}"), Some(token))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        rows.extend(r["items"].as_array().unwrap().iter().cloned());
        let Some(c) = r["next_cursor"].as_str() else {
            return rows;
        };
        q = format!("{query}&cursor={c}");
    }
}

async fn summary_rows_are_the_full_rows_cut_down(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    for n in 0..3 {
        let (v, t) = w.another_visitor(&app, n).await;
        w.draft(&app, v, &t).await;
    }
    w.submitted(&app, w.visitor, &w.applicant).await;

    for token in [&w.coordinator, &w.applicant, &w.host_contact] {
        for filter in ["limit=2", "limit=2&status=submitted", "limit=3&sort=oldest"] {
            let full = walk(&app, token, filter).await;
            let summary = walk(&app, token, &format!("{filter}&view=summary")).await;
            assert_eq!(full.len(), summary.len(), "{filter}");
            for (f, s) in full.iter().zip(&summary) {
                let s = s.as_object().unwrap();
                for (k, v) in s {
                    if k == "participant" {
                        assert_eq!(v, &json!({"full_name": f["participant"]["full_name"]}));
                    } else {
                        assert_eq!(v, &f[k], "{k} of {}", f["id"]);
                    }
                }
                for k in LEFT_OUT {
                    assert!(!s.contains_key(k), "a summary has no {k}");
                }
                assert_eq!(s.len(), 20, "{s:?}");
            }
        }
    }

    // The default is the full row, byte for byte the same with `view=full`.
    let plain = app.get("/api/v1/applications", Some(&w.coordinator)).await;
    let full = app
        .get("/api/v1/applications?view=full", Some(&w.coordinator))
        .await;
    let summary = app
        .get("/api/v1/applications?view=summary", Some(&w.coordinator))
        .await;
    assert_eq!(plain.text, full.text);
    assert!(plain["items"][0]["objectives"].is_string());
    assert!(
        summary.text.len() * 2 < full.text.len(),
        "summary {} bytes, full {}",
        summary.text.len(),
        full.text.len()
    );
    // The full record is one request away.
    let id = summary["items"][0]["id"].as_str().unwrap();
    let one = app
        .get(&format!("/api/v1/applications/{id}"), Some(&w.coordinator))
        .await;
    assert_eq!(one.body, plain["items"][0]);

    for bad in ["bogus", "SUMMARY", "full,summary"] {
        let r = app
            .get(
                &format!("/api/v1/applications?view={bad}"),
                Some(&w.coordinator),
            )
            .await;
        assert_eq!(r.status, 422, "{bad}: {}", r.text);
        assert_eq!(r["errors"][0]["field"], "view", "{}", r.text);
        assert_eq!(r["errors"][0]["code"], "unknown_view", "{}", r.text);
        assert!(
            r.headers["content-type"]
                .to_str()
                .unwrap()
                .starts_with("application/problem+json")
        );
    }

    // One statement for a page of either kind: no query per row.
    let caller = app
        .store
        .authenticate_for(&cxc_http::auth::token_hash(&w.coordinator), false)
        .await
        .unwrap()
        .unwrap();
    let f = AppFilter {
        limit: 51,
        ..AppFilter::default()
    };
    let (rows, sql) = statements::record(app.store.list_application_summaries(&caller, &f)).await;
    assert_eq!(rows.unwrap().len(), 4);
    assert_eq!(sql.len(), 1, "{sql:?}");
    assert!(!sql[0].contains("objectives"), "{}", sql[0]);
    let (rows, sql) = statements::record(app.store.list_applications(&caller, &f)).await;
    assert_eq!((rows.unwrap().len(), sql.len()), (4, 1));
}
both!(summary_rows_are_the_full_rows_cut_down);
