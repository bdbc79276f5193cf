//! Issue 12's abuse list, replayed against the real server on both databases: bounded work
//! per request, the same answer on SQLite and PostgreSQL, plausible values only.
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};

use crate::{
    authz::world::{Cx, Stage, Who},
    both,
    group_visits::fixtures::{cern, setup, with},
    helpers::{Resp, TestApp},
    organisations::support::{body, cast, fields},
};

/// A request with a body sent as given (not re-encoded by the client); the answer is
/// checked against the OpenAPI document like every other.
async fn raw(app: &TestApp, method: Method, path: &str, token: Option<&str>, body: String) -> Resp {
    let mut r = app
        .client
        .request(method, format!("{}{path}", app.base))
        .header("content-type", "application/json")
        .body(body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    app.send(r).await
}

fn codes(r: &Resp) -> Vec<String> {
    r["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["code"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// An anonymous eligibility check whose `competencies` hold `n` copies of `tag`.
fn check_body(n: usize, tag: &str) -> String {
    let mut b = body("Photonics UAB", "LT", (54.9, 23.9), "large_company");
    b["competencies"] = json!([]);
    let head = serde_json::to_string(&b).unwrap();
    let tags = vec![format!("\"{tag}\""); n].join(",");
    head.replacen(
        "\"competencies\":[]",
        &format!("\"competencies\":[{tags}]"),
        1,
    )
}

async fn a_megabyte_of_tags_is_refused_fast_and_health_stays_fast(app: TestApp) {
    let big = check_body(150_000, "abc");
    assert!(
        big.len() > 900_000 && big.len() < 1024 * 1024,
        "{}",
        big.len()
    );
    let send = |b: String| {
        let app = &app;
        async move {
            let t = Instant::now();
            let r = raw(app, Method::POST, "/api/v1/eligibility/check", None, b).await;
            (r, t.elapsed())
        }
    };
    let health = async {
        let mut worst = Duration::ZERO;
        for _ in 0..20 {
            let t = Instant::now();
            assert_eq!(app.get("/health", None).await.status, 200);
            worst = worst.max(t.elapsed());
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        worst
    };
    let ((a, ta), (b, tb), worst_health) = tokio::join!(send(big.clone()), send(big), health);
    for r in [&a, &b] {
        assert_eq!(r.status, 422, "{}", &r.text[..r.text.len().min(500)]);
        assert_eq!(fields(r), ["competencies"]);
        assert_eq!(codes(r), ["too_many"]);
    }
    eprintln!(
        "[figures] two 1 MB bodies of 150,000 tags: {} ms and {} ms; /health at worst {} ms meanwhile ({:?})",
        ta.as_millis(),
        tb.as_millis(),
        worst_health.as_millis(),
        app.backend
    );
    assert!(ta.max(tb) < Duration::from_secs(2), "{ta:?} {tb:?}");
    assert!(worst_health < Duration::from_secs(1), "{worst_health:?}");
}
both!(a_megabyte_of_tags_is_refused_fast_and_health_stays_fast);

async fn empty_tags_get_a_small_problem_document(app: TestApp) {
    // 750 KB of empty tags: one entry, not one per tag.
    let r = raw(
        &app,
        Method::POST,
        "/api/v1/eligibility/check",
        None,
        check_body(250_000, ""),
    )
    .await;
    assert_eq!(r.status, 422);
    assert!(r.text.len() < 2_000, "{} bytes", r.text.len());
    // Within the limits, every tag is wrong: at most 100 entries and a count of the rest.
    let mut b = body("Photonics UAB", "LT", (54.9, 23.9), "large_company");
    b["sectors"] = json!(vec![""; 50]);
    b["competencies"] = json!(vec![" "; 50]);
    b["city"] = json!("");
    b["website"] = json!("not a url");
    let r = app.post("/api/v1/eligibility/check", None, b).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r["errors"].as_array().unwrap().len(), 100);
    assert_eq!(r["errors_omitted"], 2, "{}", r.text);
}
both!(empty_tags_get_a_small_problem_document);

async fn nul_characters_are_422_everywhere(app: TestApp) {
    let admin = app.admin().await;
    let nul = "a\u{0}b";
    let r = app
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": format!("x{nul}@example.eu"), "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(r.status, 422, "login: {}", r.text);
    assert_eq!(fields(&r), ["email"]);
    assert_eq!(codes(&r), ["nul_character"]);
    let r = app
        .post(
            "/api/v1/auth/register",
            None,
            json!({"email": "nul@example.eu", "password": "correct horse battery", "full_name": nul, "locale": "en"}),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), fields(&r)),
        (422, vec!["full_name".to_owned()])
    );
    let mut org = body("Photonics UAB", "LT", (54.9, 23.9), "large_company");
    org["country"] = json!("L\u{0}");
    let r = app
        .post("/api/v1/organisations", Some(&admin), org.clone())
        .await;
    assert_eq!(
        (r.status.as_u16(), fields(&r)),
        (422, vec!["country".to_owned()])
    );
    org["country"] = json!("LT");
    org["sectors"] = json!(["energy", nul]);
    let r = app.post("/api/v1/organisations", Some(&admin), org).await;
    assert_eq!(
        (r.status.as_u16(), fields(&r)),
        (422, vec!["sectors[1]".to_owned()])
    );
    for path in [
        "/api/v1/organisations?q=a%00b",
        "/api/v1/organisations?sector=%00",
        "/api/v1/organisations?country=L%00",
        "/api/v1/admin/outbox?to=x%00@example.eu",
    ] {
        let r = app.get(path, Some(&admin)).await;
        assert_eq!(r.status, 422, "{path}: {}", r.text);
        assert_eq!(codes(&r), ["nul_character"], "{path}");
    }
    // A path parameter with NUL names nothing: 404, never a database error.
    for path in ["/api/v1/organisations/%00", "/api/v1/unsubscribe/a%00b"] {
        let r = app.get(path, Some(&admin)).await;
        assert_eq!(r.status, 404, "{path}: {}", r.text);
    }
}
both!(nul_characters_are_422_everywhere);

async fn invented_methods_are_one_metrics_series(app: TestApp) {
    let admin = app.admin().await;
    for i in 0..50 {
        let m = Method::from_bytes(format!("INVENTED{i}").as_bytes()).unwrap();
        let r = app.req(m, "/api/v1/calls", None, None, &[]).await;
        assert!(r.status.is_client_error(), "{}", r.status);
    }
    let m = app.get("/metrics", Some(&admin)).await;
    assert_eq!(m.status, 200);
    assert!(
        !m.text.contains("INVENTED"),
        "method names leak into labels"
    );
    assert!(
        m.text.contains("method=\"OTHER\""),
        "unknown methods are counted as OTHER"
    );
}
both!(invented_methods_are_one_metrics_series);

async fn strict_json_refuses_trailing_data_and_duplicate_keys(app: TestApp) {
    let login = "/api/v1/auth/login";
    let ok = r#"{"email":"nobody@example.eu","password":"correct horse battery"}"#;
    for trailing in [" x", "{}", "\"more\"", ",1"] {
        let r = raw(&app, Method::POST, login, None, format!("{ok}{trailing}")).await;
        assert_eq!(r.status, 400, "{trailing}: {}", r.text);
        assert_eq!(r["code"], "malformed_request");
    }
    let dup = r#"{"email":"nobody@example.eu","email":"admin@example.eu","password":"correct horse battery"}"#;
    let r = raw(&app, Method::POST, login, None, dup.into()).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(fields(&r), ["email"]);
    assert_eq!(codes(&r), ["duplicate_key"]);
    // Also where serde would take the last one silently: inside a free-form map.
    let c = cast(&app).await;
    let call = r#"{"title":"Call","opens_at":"2026-01-01T00:00:00Z","closes_at":"2026-06-01T00:00:00Z","budget_cents":100,"places":1,
        "lump_sum_default_cents":0,"lump_sums_by_host_country":{"DK":1,"DK":2}}"#;
    let path = format!("/api/v1/partnerships/{}/calls", c.partnership);
    let r = raw(&app, Method::POST, &path, Some(&c.coordinator), call.into()).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(fields(&r), ["lump_sums_by_host_country.DK"]);
    // Whitespace after the document is not data.
    let r = raw(&app, Method::POST, login, None, format!("{ok}\n\t ")).await;
    assert_eq!(r.status, 401, "{}", r.text);
}
both!(strict_json_refuses_trailing_data_and_duplicate_keys);

async fn a_weak_etag_in_if_match_is_412(app: TestApp) {
    let admin = app.admin().await;
    let b = body("Photonics UAB", "LT", (54.9, 23.9), "large_company");
    let r = app.post("/api/v1/organisations", Some(&admin), b).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let path = format!("/api/v1/organisations/{}", r["id"].as_str().unwrap());
    let patch = |etag: &'static str| {
        let (app, path, admin) = (&app, &path, &admin);
        async move {
            app.req(
                Method::PATCH,
                path,
                Some(admin),
                Some(json!({"city": "Vilnius"})),
                &[("if-match", etag)],
            )
            .await
        }
    };
    let r = patch("W/\"1\"").await;
    assert_eq!(r.status, 412, "{}", r.text);
    assert!(
        r["detail"].as_str().unwrap().contains("strong"),
        "{}",
        r.text
    );
    assert_eq!(
        app.get(&path, Some(&admin)).await["city"],
        "Somewhere",
        "unchanged"
    );
    assert_eq!(patch("\"1\"").await.status, 200);
}
both!(a_weak_etag_in_if_match_is_412);

async fn calls_have_plausible_places_and_fit_the_partnership_budget(app: TestApp) {
    let c = cast(&app).await;
    let path = format!("/api/v1/partnerships/{}/calls", c.partnership);
    let call = |budget: i64, places: i64| {
        json!({"title": "Call", "opens_at": "2026-01-01T00:00:00Z", "closes_at": "2026-06-01T00:00:00Z",
               "budget_cents": budget, "places": places, "lump_sum_default_cents": 60_000})
    };
    for (places, ok) in [(2_147_483_647, false), (10_001, false), (10_000, true)] {
        let r = app
            .post(&path, Some(&c.coordinator), call(1_000, places))
            .await;
        if ok {
            assert_eq!(r.status, 201, "{places}: {}", r.text);
        } else {
            assert_eq!(
                (r.status.as_u16(), fields(&r)),
                (422, vec!["places".to_owned()]),
                "{places}"
            );
        }
    }
    for (min, max, bad) in [
        (2, 31, "min_working_days"),
        (3, 32, "max_days"),
        (24, 31, "min_working_days"),
    ] {
        let mut b = call(1_000, 10);
        b["min_working_days"] = json!(min);
        b["max_days"] = json!(max);
        let r = app.post(&path, Some(&c.coordinator), b).await;
        assert_eq!(
            (r.status.as_u16(), fields(&r)),
            (422, vec![bad.to_owned()]),
            "{min} {max}"
        );
    }
    // The partnership's budget is 49,626,100 cents; 1,000 are taken by the call above.
    let r = app
        .post(&path, Some(&c.coordinator), call(49_626_100, 10))
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(codes(&r), ["over_partnership_budget"]);
    // Two calls at once that fit alone but not together: exactly one is created.
    let half = (49_626_100 - 1_000) / 2 + 1;
    let (a, b) = tokio::join!(
        app.post(&path, Some(&c.coordinator), call(half, 10)),
        app.post(&path, Some(&c.coordinator), call(half, 10))
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 422], "{} / {}", a.text, b.text);
    let r = app
        .post(
            &path,
            Some(&c.coordinator),
            call(49_626_100 - 1_000 - half, 10),
        )
        .await;
    assert_eq!(r.status, 201, "the rest still fits: {}", r.text);
}
both!(calls_have_plausible_places_and_fit_the_partnership_budget);

async fn visits_in_year_0_or_longer_than_a_month_are_refused(app: TestApp) {
    let fx = setup(&app).await;
    let post = |changes: Value| {
        let (app, fx) = (&app, &fx);
        async move {
            app.post(
                "/api/v1/group-visits",
                Some(&fx.organiser),
                with(cern(fx.partnership), changes),
            )
            .await
        }
    };
    let r = post(json!({"starts_on": "0000-01-01", "ends_on": "0000-01-02", "registration_closes_at": "0000-01-01T00:00:00Z"})).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let mut got = fields(&r);
    got.sort();
    assert_eq!(got, ["ends_on", "registration_closes_at", "starts_on"]);
    assert!(codes(&r).iter().all(|c| c == "out_of_range"));
    let r = post(json!({"starts_on": "2027-03-01", "ends_on": "2027-04-01"})).await;
    assert_eq!(
        (r.status.as_u16(), codes(&r)),
        (422, vec!["too_long".to_owned()])
    );
    assert_eq!(
        post(json!({"starts_on": "2027-03-01", "ends_on": "2027-03-31"}))
            .await
            .status,
        201
    );
}
both!(visits_in_year_0_or_longer_than_a_month_are_refused);

async fn a_payment_is_dated_between_the_exchange_and_today(app: TestApp) {
    let cx = Cx::build(app).await;
    let id = cx.fresh_app(Stage::Completed).await;
    let app = &cx.app;
    let path = format!("/api/v1/applications/{id}/payment");
    let vop = cx.token(Who::Coord).to_owned();
    let today = chrono::Utc::now().date_naive();
    let read = app
        .get(&format!("/api/v1/applications/{id}"), Some(&vop))
        .await;
    let end: chrono::NaiveDate = read["end_date"].as_str().unwrap().parse().unwrap();
    let grant = read["grant_cents"].as_i64().unwrap();
    let pay = |paid_on: String, amount: i64| {
        app.post(
            &path,
            Some(&vop),
            json!({"paid_on": paid_on, "amount_cents": amount}),
        )
    };
    for (paid_on, code) in [
        ("9999-12-31".to_owned(), "out_of_range"),
        ((today + chrono::Duration::days(1)).to_string(), "in_future"),
        (
            (end - chrono::Duration::days(1)).to_string(),
            "before_exchange_end",
        ),
    ] {
        let r = pay(paid_on.clone(), 50_000).await;
        assert_eq!(r.status, 422, "{paid_on}: {}", r.text);
        assert_eq!(fields(&r), ["paid_on"]);
        assert_eq!(codes(&r), [code]);
    }
    // Above the grant is refused (judged under the row lock), as is a second payment.
    let r = pay(end.to_string(), grant + 1).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(fields(&r), ["amount_cents"]);
    assert_eq!(codes(&r), ["invalid_amount"]);
    let r = pay(end.to_string(), 50_000).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = pay(end.to_string(), 50_000).await;
    assert_eq!(
        (r.status.as_u16(), r["code"].as_str()),
        (409, Some("already_paid"))
    );
}
both!(a_payment_is_dated_between_the_exchange_and_today);
