//! Issue 14's examples through the HTTP API: submission and the exchange calculator give
//! the same working days and lump sums for hosts in DE, FR, PL, IT, SE and the Spanish
//! regions, with every excluded day explained; regions are validated; the 200 km threshold
//! is compared on the WGS-84 geodesic.
use chrono::{Duration, Utc};
use cxc_domain::organisation::Profile;
use cxc_persistence::repositories::partnerships::CallInput;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    both,
    fixtures::{World, org},
    helpers::TestApp,
};

/// (host country, region, start, end, working days, expected grant) for a call paying
/// €780 in ES and €800 elsewhere; Vilnius is far from every host, so only days halve.
const CASES: [(&str, Option<&str>, &str, &str, u32, Option<i64>); 10] = [
    ("DE", None, "2024-12-23", "2024-12-27", 3, Some(40_000)),
    ("DE", None, "2024-12-24", "2024-12-26", 1, None),
    ("FR", None, "2024-05-06", "2024-05-10", 3, Some(40_000)),
    ("PL", None, "2024-04-29", "2024-05-03", 3, Some(40_000)),
    ("IT", None, "2024-04-22", "2024-04-26", 4, Some(40_000)),
    ("SE", None, "2024-06-03", "2024-06-07", 4, Some(40_000)),
    ("ES", None, "2022-12-26", "2022-12-30", 5, Some(78_000)),
    (
        "ES",
        Some("ES-MD"),
        "2022-12-26",
        "2022-12-30",
        4,
        Some(39_000),
    ),
    (
        "ES",
        Some("ES-CT"),
        "2022-12-26",
        "2022-12-30",
        4,
        Some(39_000),
    ),
    (
        "DE",
        Some("DE-BY"),
        "2024-12-23",
        "2024-12-27",
        3,
        Some(40_000),
    ),
];

const CAPITALS: [(&str, f64, f64); 6] = [
    ("DE", 52.52, 13.405),
    ("FR", 48.8566, 2.3522),
    ("PL", 50.0647, 19.945),
    ("IT", 41.9028, 12.4964),
    ("SE", 59.3293, 18.0686),
    ("ES", 40.4168, -3.7038),
];

fn place(cc: &str) -> (f64, f64) {
    CAPITALS
        .iter()
        .find(|c| c.0 == cc)
        .map(|c| (c.1, c.2))
        .unwrap()
}

async fn call_paying_780_in_spain(app: &TestApp, w: &World) -> Uuid {
    app.store
        .create_call(
            w.partnership,
            &CallInput {
                title: "Rules call".into(),
                opens_at: Utc::now() - Duration::days(1),
                closes_at: Utc::now() + Duration::days(30),
                budget_cents: 10_000_000,
                places: 50,
                min_working_days: 3,
                max_days: 31,
                lump_sum_default_cents: 80_000,
                lump_sums_by_host_country: [("ES".to_owned(), 78_000)].into(),
                eligible_profiles: vec![],
                sectors: vec![],
            },
        )
        .await
        .unwrap()
        .id
}

async fn host_in(app: &TestApp, w: &World, cc: &str, region: Option<&str>) -> Uuid {
    let (lat, lon) = place(cc);
    let mut o = org(
        &format!("Host {cc} {}", region.unwrap_or("national")),
        cc,
        lat,
        lon,
        Profile::Sme,
        vec![w.dk_cluster],
    );
    o.region = region.map(str::to_owned);
    app.store
        .create_organisation(&o, Uuid::now_v7())
        .await
        .unwrap()
        .id
}

fn descriptions(wd: &Value) -> Vec<String> {
    wd["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["description"].as_str().unwrap().to_owned())
        .collect()
}

async fn submission_and_calculator_agree_on_the_examples(app: TestApp) {
    let w = World::new(&app, 50, 10_000_000).await;
    let call = call_paying_780_in_spain(&app, &w).await;
    for (n, (cc, region, start, end, days, grant)) in CASES.into_iter().enumerate() {
        let host = host_in(&app, &w, cc, region).await;
        let (visitor, token) = w.another_visitor(&app, n).await;
        let label = format!("{cc} {region:?} {start}..{end}");

        // The calculator, by id, signed in as the visitor's contact.
        let r = app
            .post(
                "/api/v1/eligibility/exchange-check",
                Some(&token),
                json!({
                    "visitor": {"organisation_id": visitor}, "host": {"organisation_id": host},
                    "start_date": start, "end_date": end, "call_id": call
                }),
            )
            .await;
        assert_eq!(r.status, 200, "{label}: {}", r.text);
        assert_eq!(r["working_days"]["count"], days, "{label}: {}", r.text);
        let calendar = region.unwrap_or(cc);
        assert_eq!(r["working_days"]["calendar"], calendar, "{label}");
        let min = r["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["rule"] == "min_working_days")
            .unwrap();
        assert_eq!(min["reference"], "R12");
        assert_eq!(min["passed"], days >= 3, "{label}");
        if let Some(g) = grant {
            assert_eq!(r["lump_sum"]["grant_cents"], g, "{label}: {}", r.text);
            assert_eq!(r["lump_sum"]["halved"], days < 5, "{label}");
            assert_eq!(r["eligible"], true, "{label}: {}", r.text);
        } else {
            assert_eq!(r["eligible"], false, "{label}");
        }
        // Every weekday that is not a working day is explained with its calendar.
        let holidays: Vec<String> = descriptions(&r["working_days"])
            .into_iter()
            .filter(|d| d.ends_with(&format!("({calendar})")))
            .collect();
        let weekdays = if *start == *"2024-12-24" { 3 } else { 5 };
        assert_eq!(
            holidays.len() as u32,
            weekdays - days,
            "{label}: {holidays:?}"
        );

        // Submission runs the same rules and stores the same figures.
        let mut body = w.body(visitor);
        body["host_organisation_id"] = json!(host);
        body["start_date"] = json!(start);
        body["end_date"] = json!(end);
        let created = app
            .post(
                &format!("/api/v1/calls/{call}/applications"),
                Some(&token),
                body,
            )
            .await;
        assert_eq!(created.status, 201, "{label}: {}", created.text);
        let id = created["id"].as_str().unwrap();
        let s = app
            .post(
                &format!("/api/v1/applications/{id}/submit"),
                Some(&token),
                json!({}),
            )
            .await;
        match grant {
            Some(g) => {
                assert_eq!(s.status, 200, "{label}: {}", s.text);
                assert_eq!(s["working_days"], days, "{label}");
                assert_eq!(s["grant_cents"], g, "{label}");
                let stored = &s["eligibility"]["working_days_detail"];
                assert_eq!(stored["calendar"], calendar, "{label}");
                assert_eq!(descriptions(stored), descriptions(&r["working_days"]));
            }
            None => {
                assert_eq!(s.status, 422, "{label}: {}", s.text);
                let codes: Vec<&str> = s["errors"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|e| e["code"].as_str().unwrap())
                    .collect();
                assert_eq!(codes, ["min_working_days"], "{label}");
            }
        }
    }
}
both!(submission_and_calculator_agree_on_the_examples);

fn inline(name: &str, cc: &str, (lat, lon): (f64, f64), region: Option<&str>) -> Value {
    let mut b = json!({
        "name": name, "country": cc, "city": "City", "latitude": lat, "longitude": lon,
        "profile": "cluster_organisation", "cluster_ids": [], "sectors": [], "competencies": []
    });
    if let Some(r) = region {
        b["region"] = json!(r);
    }
    b
}

async fn calculator_explains_days_regions_and_distance(app: TestApp) {
    let check = |body: Value| {
        let app = &app;
        async move {
            app.post("/api/v1/eligibility/exchange-check", None, body)
                .await
        }
    };
    // Madrid, Holy Week 2024, travel on Monday: every exclusion explained.
    let r = check(json!({
        "visitor": {"organisation": inline("V", "LT", (54.6872, 25.2797), None)},
        "host": {"organisation": inline("H", "ES", (40.4168, -3.7038), Some("ES-MD"))},
        "start_date": "2024-03-25", "end_date": "2024-03-31", "travel_days": ["2024-03-25"],
        "lump_sum_cents": 78_000
    }))
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        descriptions(&r["working_days"]),
        [
            "2024-03-25 travel day",
            "2024-03-28 Jueves Santo (ES-MD)",
            "2024-03-29 Viernes Santo (ES-MD)",
            "2024-03-30 weekend",
            "2024-03-31 weekend"
        ]
    );
    assert_eq!(r["working_days"]["count"], 2);
    assert_eq!(r["lump_sum"]["source"], "request");
    assert_eq!(r["eligible"], false);
    // Without a region the report says the national calendar applied.
    let r = check(json!({
        "visitor": {"organisation": inline("V", "LT", (54.6872, 25.2797), None)},
        "host": {"organisation": inline("H", "ES", (40.4168, -3.7038), None)},
        "start_date": "2022-12-26", "end_date": "2022-12-30"
    }))
    .await;
    assert_eq!(r["working_days"]["count"], 5);
    assert!(
        r["working_days"]["calendar_note"]
            .as_str()
            .unwrap()
            .contains("no region"),
        "{}",
        r.text
    );
    assert_eq!(r["lump_sum"]["source"], "ceiling");
    assert_eq!(r["lump_sum"]["grant_cents"], 110_000);

    // 200.25 km apart on the ellipsoid: not halved; 199.99 km: halved.
    for (km, halved) in [(200.25, false), (199.99, true)] {
        let from = (50.0, 10.0);
        let to = (north_of(from, km), 10.0);
        let r = check(json!({
            "visitor": {"organisation": inline("V", "DE", from, None)},
            "host": {"organisation": inline("H", "CZ", to, None)},
            "start_date": "2024-06-03", "end_date": "2024-06-07", "lump_sum_cents": 80_000
        }))
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r["distance"]["below_threshold"], halved, "{km}: {}", r.text);
        assert_eq!(r["lump_sum"]["halved"], halved, "{km}");
        let exact = r["distance"]["km"].as_f64().unwrap();
        assert!((exact - km).abs() < 1e-6, "{exact}");
        assert_eq!(r["distance"]["display"], format!("{exact:.1} km"));
        assert!(r["distance"]["method"].as_str().unwrap().contains("WGS-84"));
    }

    // Bad input: a region of another country, ids without a caller, years not covered.
    let r = check(json!({
        "visitor": {"organisation": inline("V", "LT", (54.6, 25.2), None)},
        "host": {"organisation": inline("H", "FR", (48.8, 2.3), Some("ES-MD"))},
        "start_date": "2024-03-25", "end_date": "2024-03-29"
    }))
    .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r["errors"][0]["field"], "host.organisation.region");
    assert_eq!(r["errors"][0]["code"], "invalid_region");
    let r = check(json!({
        "visitor": {"organisation_id": Uuid::now_v7()},
        "host": {"organisation": inline("H", "FR", (48.8, 2.3), None)},
        "start_date": "2024-03-25", "end_date": "2024-03-29"
    }))
    .await;
    assert_eq!(r.status, 401, "{}", r.text);
    let r = check(json!({
        "visitor": {"organisation": inline("V", "LT", (54.6, 25.2), None)},
        "host": {"organisation": inline("H", "FR", (48.8, 2.3), None)},
        "start_date": "2005-03-21", "end_date": "2105-03-25"
    }))
    .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r["errors"].as_array().unwrap().len(), 2);
    let r = check(json!({
        "visitor": {}, "host": {"organisation": inline("H", "FR", (48.8, 2.3), None)},
        "start_date": "2024-03-25", "end_date": "2024-03-29"
    }))
    .await;
    assert_eq!(r.status, 422, "{}", r.text);
}
both!(calculator_explains_days_regions_and_distance);

/// The latitude `km` due north of `from` on the WGS-84 geodesic, by bisection.
fn north_of(from: (f64, f64), km: f64) -> f64 {
    let (mut lo, mut hi) = (from.0, from.0 + 5.0);
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if cxc_domain::geo::geodesic_km(from.0, from.1, mid, from.1) < km {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

async fn organisations_state_a_region_of_their_country(app: TestApp) {
    let (_, token) = app.user("regions@example.es").await;
    let mut body = inline("Madrid Lab", "ES", (40.4, -3.7), Some("ES-MD"));
    let r = app
        .post("/api/v1/organisations", Some(&token), body.clone())
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r["region"], "ES-MD");
    let got = app
        .get(
            &format!("/api/v1/organisations/{}", r["id"].as_str().unwrap()),
            Some(&token),
        )
        .await;
    assert_eq!(got["region"], "ES-MD");
    for bad in ["FR-IDF", "ES-XX", "es-md", "Madrid"] {
        body["region"] = json!(bad);
        let r = app
            .post("/api/v1/organisations", Some(&token), body.clone())
            .await;
        assert_eq!(r.status, 422, "{bad}: {}", r.text);
        assert_eq!(r["errors"][0]["field"], "region", "{bad}");
    }
    // Old bodies (no region) are still accepted, and a country without regional
    // calendars rejects any region.
    let r = app
        .post(
            "/api/v1/organisations",
            Some(&token),
            inline("Aarhus Lab", "DK", (56.1, 10.2), None),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r["region"], Value::Null);
    let r = app
        .post(
            "/api/v1/organisations",
            Some(&token),
            inline("Aarhus Lab 2", "DK", (56.1, 10.2), Some("DK-82")),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
}
both!(organisations_state_a_region_of_their_country);
