pub mod clock;
pub mod list_plans;
pub mod not_found_first;
pub mod race;
pub mod round_trips;
pub mod summary;

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::json;

use crate::{
    both,
    fixtures::{World, age},
    helpers::TestApp,
};

async fn one_exchange_walks_from_draft_to_paid(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let (id, etag) = w.reviewed(&app, w.visitor, &w.applicant).await;
    let base = format!("/api/v1/applications/{id}");
    let r = app
        .post_if(
            &format!("{base}/decision"),
            &w.coordinator,
            Some(&etag),
            json!({"decision": "approve", "comment": "Welcome <b>aboard</b>"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["status"], "approved");
    assert_eq!(
        r["grant_cents"], 110_000,
        "DK lump sum, 5 working days, ~800 km"
    );
    let call = app.store.call(w.call).await.unwrap();
    assert_eq!(
        (call.places_taken, call.budget_committed_cents),
        (1, 110_000)
    );
    app.wait_for_mail(
        &app.store.user(w.applicant_id).await.unwrap().email,
        "approved",
    )
    .await;

    let r = app
        .post(&format!("{base}/commitment"), Some(&w.applicant), json!({}))
        .await;
    assert_eq!(r.status, 422, "first signer must give goals and agenda");
    let r = app
        .post(
            &format!("{base}/commitment"),
            Some(&w.applicant),
            json!({"goals": "Meet ESS suppliers", "agenda": "Day 1 tour, day 2 workshop"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        app.post(&format!("{base}/commitment"), Some(&w.applicant), json!({}))
            .await
            .status,
        409,
        "each party signs once"
    );
    assert_eq!(
        app.post(
            &format!("{base}/commitment"),
            Some(&w.host_contact),
            json!({})
        )
        .await
        .status,
        200
    );
    assert_eq!(
        app.post(
            &format!("{base}/commitment"),
            Some(&w.coordinator),
            json!({})
        )
        .await
        .status,
        200
    );
    // The partnership is both VOP and HOP; its second signature comes from someone else.
    let r = app
        .post(
            &format!("{base}/commitment"),
            Some(&w.coordinator),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert_eq!(r["rule"], "one_signature_per_person");
    let (_, hop) = w.second_coordinator(&app).await;
    let r = app
        .post(&format!("{base}/commitment"), Some(&hop), json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["complete"], true);
    assert_eq!(r["status"], "committed");

    let report = json!({"summary": "Great", "outcomes": "Two supplier leads", "would_recommend": true, "evidence": ["boarding-pass.pdf"]});
    let r = app
        .post(
            &format!("{base}/report"),
            Some(&w.applicant),
            report.clone(),
        )
        .await;
    assert_eq!(
        (r.status.as_u16(), r["code"].as_str()),
        (409, Some("report_too_early")),
        "too early"
    );
    age(&app, &id, 60).await;
    let r = app
        .post(&format!("{base}/report"), Some(&w.applicant), report)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["status"], "reported");
    assert_eq!(
        app.post(
            &format!("{base}/report/validate"),
            Some(&w.applicant),
            json!({})
        )
        .await
        .status,
        403
    );
    let r = app
        .post(
            &format!("{base}/report/validate"),
            Some(&w.coordinator),
            json!({}),
        )
        .await;
    assert_eq!(r["status"], "completed");
    let pay = json!({"paid_on": Utc::now().date_naive(), "amount_cents": 110_000});
    let r = app
        .post(
            &format!("{base}/payment"),
            Some(&w.coordinator),
            pay.clone(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["status"], "paid");
    assert_eq!(
        app.post(&format!("{base}/payment"), Some(&w.coordinator), pay)
            .await
            .status,
        409,
        "one payment"
    );
    assert_eq!(
        app.store.call(w.call).await.unwrap().budget_paid_cents,
        110_000
    );

    let h = app
        .get(&format!("{base}/history"), Some(&w.applicant))
        .await;
    let states: Vec<&str> = h
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["to"].as_str().unwrap())
        .collect();
    for s in [
        "draft",
        "submitted",
        "under_review",
        "approved",
        "committed",
        "reported",
        "completed",
        "paid",
    ] {
        assert!(states.contains(&s), "history lacks {s}: {states:?}");
    }
    let (entries, broken) = app.store.verify_history().await.unwrap();
    assert!(entries >= 8 && broken.is_empty(), "{broken:?}");
    app.wait_for_mail(
        &app.store.user(w.applicant_id).await.unwrap().email,
        "payment",
    )
    .await;
}
both!(one_exchange_walks_from_draft_to_paid);

async fn submission_lists_every_failed_rule(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let mut body = w.body(w.visitor);
    body["host_organisation_id"] = json!(w.lt_cluster);
    body["end_date"] = json!(w.start + Duration::days(1));
    let r = app
        .post(
            &format!("/api/v1/calls/{}/applications", w.call),
            Some(&w.applicant),
            body,
        )
        .await;
    assert_eq!(r.status, 201);
    let id = r["id"].as_str().unwrap();
    let r = app
        .post(
            &format!("/api/v1/applications/{id}/submit"),
            Some(&w.applicant),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 422, "{}", r.text);
    let codes: Vec<&str> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"transnational"), "{codes:?}");
    assert!(codes.contains(&"min_working_days"), "{codes:?}");
    let a = app
        .get(&format!("/api/v1/applications/{id}"), Some(&w.applicant))
        .await;
    assert_eq!(a["status"], "draft", "a failed submission changes nothing");
}
both!(submission_lists_every_failed_rule);

async fn wrong_transitions_are_409_and_change_nothing(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let r = w.file(&app, w.visitor, &w.applicant).await;
    let id = r["id"].as_str().unwrap().to_owned();
    let etag = r.etag();
    assert_eq!(
        app.post(
            &format!("/api/v1/applications/{id}/review"),
            Some(&w.coordinator),
            json!({})
        )
        .await
        .status,
        409
    );
    assert_eq!(w.try_approve(&app, &id, &etag).await.status, 409);
    assert_eq!(
        app.post(
            &format!("/api/v1/applications/{id}/cancel"),
            Some(&w.coordinator),
            json!({})
        )
        .await
        .status,
        409
    );
    assert_eq!(
        app.post(
            &format!("/api/v1/applications/{id}/report"),
            Some(&w.applicant),
            json!({"summary": "x", "outcomes": "y", "would_recommend": true})
        )
        .await
        .status,
        409
    );
    let a = app
        .get(&format!("/api/v1/applications/{id}"), Some(&w.applicant))
        .await;
    assert_eq!(
        (a["status"].as_str(), a.etag()),
        (Some("draft"), etag.clone())
    );
    let r = app
        .post(
            &format!("/api/v1/applications/{id}/decision"),
            Some(&w.coordinator),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(r.status, 428, "decision needs If-Match");
    let r = app
        .post_if(
            &format!("/api/v1/applications/{id}/decision"),
            &w.coordinator,
            Some(&etag),
            json!({"decision": "maybe"}),
        )
        .await;
    assert_eq!(r.status, 422, "unknown enum value");
}
both!(wrong_transitions_are_409_and_change_nothing);

async fn approval_needs_the_hosts_acceptance(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let id = w.submitted(&app, w.visitor, &w.applicant).await;
    let etag = w.review(&app, &id).await;
    let r = w.try_approve(&app, &id, &etag).await;
    assert_eq!(r.status, 409);
    assert_eq!(r["code"], "host_not_accepted");
    assert_eq!(
        app.post(
            &format!("/api/v1/applications/{id}/host-response"),
            Some(&w.applicant),
            json!({"response": "accept"})
        )
        .await
        .status,
        403
    );
    let r = app
        .post(
            &format!("/api/v1/applications/{id}/host-response"),
            Some(&w.host_contact),
            json!({"response": "decline", "comment": "busy"}),
        )
        .await;
    assert_eq!(r["host_response"], "declined");
    assert_eq!(
        app.post(
            &format!("/api/v1/applications/{id}/host-response"),
            Some(&w.host_contact),
            json!({"response": "accept"})
        )
        .await
        .status,
        409,
        "answers once"
    );
}
both!(approval_needs_the_hosts_acceptance);

async fn patch_needs_a_current_if_match(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let r = w.file(&app, w.visitor, &w.applicant).await;
    let (id, etag) = (r["id"].as_str().unwrap().to_owned(), r.etag());
    let path = format!("/api/v1/applications/{id}");
    let change = json!({"objectives": "New objectives"});
    assert_eq!(
        app.req(
            Method::PATCH,
            &path,
            Some(&w.applicant),
            Some(change.clone()),
            &[]
        )
        .await
        .status,
        428
    );
    let ok = app
        .req(
            Method::PATCH,
            &path,
            Some(&w.applicant),
            Some(change.clone()),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_ne!(ok.etag(), etag);
    let stale = app
        .req(
            Method::PATCH,
            &path,
            Some(&w.applicant),
            Some(json!({"objectives": "Lost update"})),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(stale.status, 412);
    assert_eq!(
        app.get(&path, Some(&w.applicant)).await["objectives"],
        "New objectives"
    );
    let other = app.user("nosy@sme.lt").await.1;
    assert_eq!(
        app.get(&path, Some(&other)).await.status,
        404,
        "invisible to strangers"
    );
    assert_eq!(
        app.req(
            Method::PATCH,
            &path,
            Some(&other),
            Some(change),
            &[("if-match", &ok.etag())]
        )
        .await
        .status,
        404
    );
}
both!(patch_needs_a_current_if_match);

async fn idempotency_key_replays_the_first_response(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let path = format!("/api/v1/calls/{}/applications", w.call);
    let send = || {
        app.req(
            Method::POST,
            &path,
            Some(&w.applicant),
            Some(w.body(w.visitor)),
            &[("idempotency-key", "retry-123")],
        )
    };
    let results = futures::future::join_all((0..6).map(|_| send())).await;
    let ids: std::collections::HashSet<String> = results
        .iter()
        .filter(|r| r.status == 201)
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        ids.len(),
        1,
        "{:?}",
        results
            .iter()
            .map(|r| (r.status, r.text.clone()))
            .collect::<Vec<_>>()
    );
    let again = send().await;
    assert_eq!(again.status, 201);
    assert_eq!(again["id"].as_str().unwrap(), ids.iter().next().unwrap());
    let list = app
        .get(
            &format!("/api/v1/applications?call_id={}", w.call),
            Some(&w.applicant),
        )
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "created once");
    let mut different = w.body(w.visitor);
    different["objectives"] = json!("something else");
    let r = app
        .req(
            Method::POST,
            &path,
            Some(&w.applicant),
            Some(different),
            &[("idempotency-key", "retry-123")],
        )
        .await;
    assert_eq!(r.status, 422, "a key reused for another request");
}
both!(idempotency_key_replays_the_first_response);

async fn lists_are_scoped_filtered_and_paginated(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    for n in 0..5 {
        let (v, t) = w.another_visitor(&app, n).await;
        let r = app
            .post(
                &format!("/api/v1/calls/{}/applications", w.call),
                Some(&t),
                w.body(v),
            )
            .await;
        assert_eq!(r.status, 201);
    }
    w.submitted(&app, w.visitor, &w.applicant).await;
    let mine = app.get("/api/v1/applications", Some(&w.applicant)).await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    // A small scope's branch compares its filters through `+col = ?` on SQLite (kept off
    // the filters' own indexes, issue 17); the filtered page still finds the row, and a
    // value that matches nothing finds none.
    let row = &mine["items"][0];
    for (key, value) in [
        ("call_id", row["call_id"].as_str().unwrap().to_owned()),
        (
            "country",
            row["visitor_country"].as_str().unwrap().to_lowercase(),
        ),
        (
            "host_country",
            row["host_country"].as_str().unwrap().to_owned(),
        ),
    ] {
        let found = app
            .get(
                &format!("/api/v1/applications?{key}={value}"),
                Some(&w.applicant),
            )
            .await;
        assert_eq!(found["items"], mine["items"], "{key}={value}");
    }
    let none = app
        .get(
            &format!("/api/v1/applications?call_id={}", uuid::Uuid::now_v7()),
            Some(&w.applicant),
        )
        .await;
    assert_eq!(none["items"].as_array().unwrap().len(), 0);
    let p1 = app
        .get("/api/v1/applications?limit=4", Some(&w.coordinator))
        .await;
    assert_eq!(p1["items"].as_array().unwrap().len(), 4);
    let cursor = p1["next_cursor"].as_str().unwrap();
    let p2 = app
        .get(
            &format!("/api/v1/applications?limit=4&cursor={cursor}"),
            Some(&w.coordinator),
        )
        .await;
    assert_eq!(p2["items"].as_array().unwrap().len(), 2);
    assert!(p2["next_cursor"].is_null());
    // Oldest first: the same six in the reverse order, the cursor following that order.
    let ids = |v: &[&serde_json::Value]| -> Vec<String> {
        v.iter()
            .flat_map(|p| p["items"].as_array().unwrap().iter())
            .map(|a| a["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let newest = ids(&[&p1.body, &p2.body]);
    let o1 = app
        .get(
            "/api/v1/applications?limit=4&sort=oldest",
            Some(&w.coordinator),
        )
        .await;
    assert_eq!(o1.status, 200, "{}", o1.text);
    let cursor = o1["next_cursor"].as_str().unwrap();
    let o2 = app
        .get(
            &format!("/api/v1/applications?limit=4&sort=oldest&cursor={cursor}"),
            Some(&w.coordinator),
        )
        .await;
    assert!(o2["next_cursor"].is_null());
    let mut oldest = ids(&[&o1.body, &o2.body]);
    oldest.reverse();
    assert_eq!(oldest, newest);
    let bad = app
        .get("/api/v1/applications?sort=sideways", Some(&w.coordinator))
        .await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad["errors"][0]["field"], "sort", "{}", bad.text);
    let host_view = app.get("/api/v1/applications", Some(&w.host_contact)).await;
    assert_eq!(
        host_view["items"].as_array().unwrap().len(),
        6,
        "the host sees requests to it"
    );
    let submitted = app
        .get(
            "/api/v1/applications?status=submitted&host_country=DK",
            Some(&w.coordinator),
        )
        .await;
    assert_eq!(submitted["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        app.get("/api/v1/applications?status=bogus", Some(&w.coordinator))
            .await
            .status,
        422
    );
    assert_eq!(
        app.get("/api/v1/applications?limit=500", Some(&w.coordinator))
            .await
            .status,
        422
    );
    assert_eq!(app.get("/api/v1/applications", None).await.status, 401);
    // Issue 17: a scoped list is the union of per-scope branches (own, organisations',
    // partnerships' as visitor and host; here the call's partnership is both, so every
    // row is in two branches). Walking it in pages of 1, 2 or 3 gives exactly the one
    // big page: newest first, nothing twice, nothing left out.
    for token in [&w.coordinator, &w.host_contact, &w.applicant] {
        for filter in ["", "&status=submitted", "&status=draft", "&sort=oldest"] {
            let all = page_ids(&app, token, &format!("limit=100{filter}")).await.0;
            let mut sorted = all.clone();
            sorted.sort_unstable();
            sorted.dedup();
            if !filter.contains("oldest") {
                sorted.reverse();
            }
            assert_eq!(all, sorted, "in order{filter}, each once");
            for size in 1..=3 {
                let mut walked = Vec::new();
                let mut query = format!("limit={size}{filter}");
                loop {
                    let (ids, next) = page_ids(&app, token, &query).await;
                    assert!(ids.len() <= size);
                    walked.extend(ids);
                    let Some(c) = next else { break };
                    query = format!("limit={size}{filter}&cursor={c}");
                }
                assert_eq!(walked, all, "pages of {size}{filter}");
            }
        }
    }
}
both!(lists_are_scoped_filtered_and_paginated);

async fn page_ids(app: &TestApp, token: &str, query: &str) -> (Vec<String>, Option<String>) {
    let r = app
        .get(&format!("/api/v1/applications?{query}"), Some(token))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let ids = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect();
    (ids, r["next_cursor"].as_str().map(str::to_owned))
}

async fn exports_and_partnership_report(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let mut body = w.body(w.visitor);
    body["participant"]["full_name"] = json!("=HYPERLINK(\"http://evil\")");
    let r = app
        .post(
            &format!("/api/v1/calls/{}/applications", w.call),
            Some(&w.applicant),
            body,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let csv = app
        .get(
            &format!("/api/v1/calls/{}/applications.csv", w.call),
            Some(&w.coordinator),
        )
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(csv.text.contains("'=HYPERLINK"), "{}", csv.text);
    assert_eq!(
        app.get(
            &format!("/api/v1/calls/{}/applications.csv", w.call),
            Some(&w.applicant)
        )
        .await
        .status,
        403
    );
    let rep = app
        .get(
            &format!("/api/v1/partnerships/{}/report", w.partnership),
            Some(&w.coordinator),
        )
        .await;
    assert_eq!(rep.status, 200, "{}", rep.text);
    assert_eq!(rep["by_status"]["draft"], 1);
    assert_eq!(
        app.get(
            &format!("/api/v1/partnerships/{}/report", w.partnership),
            Some(&w.applicant)
        )
        .await
        .status,
        403
    );
}
both!(exports_and_partnership_report);

async fn coordinators_cannot_decide_their_own_organisations(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let email = app.store.user(w.coordinator_id).await.unwrap().email;
    let r = app
        .post(
            &format!("/api/v1/organisations/{}/contacts", w.visitor),
            Some(&w.applicant),
            json!({"email": email}),
        )
        .await;
    if r.status != 201 && r.status != 200 {
        app.store.add_contact(w.visitor, &email).await.unwrap();
    }
    let id = w.submitted(&app, w.visitor, &w.applicant).await;
    let r = app
        .post(
            &format!("/api/v1/applications/{id}/review"),
            Some(&w.coordinator),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.text);
    assert!(
        r["detail"]
            .as_str()
            .unwrap()
            .contains("conflict of interest")
    );
}
both!(coordinators_cannot_decide_their_own_organisations);
