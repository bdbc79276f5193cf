//! The coordinator's pages (issue 16) at the HTML level: the dashboard's figures, the
//! queue's filters in the URL and its pages, bulk decisions over more than one page (the
//! exact count in the one confirmation, a concurrent change reported and left alone),
//! review and decide with the version read, the conflict-of-interest reason, the report's
//! validation and the payment, the CSV export, calls and failed emails.
use reqwest::StatusCode;
use serde_json::json;

use crate::{
    both,
    client::{Browser, assert_pages_in, submitted},
    fixtures::World,
    helpers::TestApp,
};

async fn dashboard_queue_filters_and_csv(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let (reviewed, _) = w.reviewed(&app, w.visitor, &w.applicant).await;
    let (v2, t2) = w.another_visitor(&app, 1).await;
    let submitted_id = submitted(&app, &w, v2, &t2).await;

    let mut c = Browser::with_session(&app, &w.coordinator);
    let d = c.get("/manage").await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.html);
    assert!(
        d.has("Partnership dashboard") && d.has("Left to commit"),
        "{}",
        d.html
    );
    assert!(d.has("Overdue payments") && d.has("KPI report"));
    assert!(d.has("/manage/queue?status=under_review"));
    assert!(d.has(&format!("/manage/calls/{}/applications.csv", w.call)));
    // €100,000 budget, nothing committed yet: the whole budget is left.
    assert!(d.has("100,000"), "{}", d.html);

    // The filters stay in the URL and come back selected.
    let q = c.get("/manage/queue?status=under_review&sort=oldest").await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.html);
    assert!(q.has(&format!("/applications/{reviewed}")));
    assert!(
        !q.has(&format!("/applications/{submitted_id}")),
        "filtered out"
    );
    assert!(
        q.has("<option value=\"under_review\" selected>"),
        "{}",
        q.html
    );
    assert!(q.has("<option value=\"oldest\" selected>"));
    assert!(q.has("data-shortcuts") && q.has("Keyboard shortcuts"));
    let all = c.get("/manage/queue").await;
    assert!(
        all.has(&format!("/applications/{reviewed}"))
            && all.has(&format!("/applications/{submitted_id}"))
    );
    // A filter the API refuses is shown, with no rows.
    let bad = c.get("/manage/queue?status=bogus").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.html);
    assert!(bad.has("error-summary"));

    // The CSV export is the API's file.
    let csv = c
        .get(&format!("/manage/calls/{}/applications.csv", w.call))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(csv.html.contains(&reviewed), "{}", csv.html);

    // An applicant runs no partnership: no figures, no export.
    let mut a = Browser::with_session(&app, &w.applicant);
    let d = a.get("/manage").await;
    assert!(d.has("You do not coordinate any partnership"), "{}", d.html);
    assert!(!d.has("Left to commit"));
    let csv = a
        .get(&format!("/manage/calls/{}/applications.csv", w.call))
        .await;
    assert_eq!(csv.status, StatusCode::FORBIDDEN, "{}", csv.html);
    // Signed out: to the sign-in page and back.
    let mut anon = Browser::new(&app);
    let p = anon.get("/manage/queue?status=submitted").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(p.location().starts_with("/sign-in?next=%2Fmanage%2Fqueue"));
}
both!(dashboard_queue_filters_and_csv);

async fn bulk_decision_over_two_pages_counts_exactly_and_reports_concurrent_changes(app: TestApp) {
    const N: usize = 27;
    let w = World::new(&app, 40, 100_000_000).await;
    let mut apps = Vec::new();
    for n in 0..N {
        let (v, t) = w.another_visitor(&app, n).await;
        let (id, _) = w.reviewed(&app, v, &t).await;
        apps.push((id, t));
    }
    let mut c = Browser::with_session(&app, &w.coordinator);
    // The queue shows one page of 25 and a link to the next.
    let q = c.get("/manage/queue?status=under_review").await;
    assert_eq!(q.html.matches("class=\"row-link\"").count(), 25);
    assert!(q.has("rel=\"next\""));
    assert!(q.has("/manage/bulk?status=under_review"));
    let choose = c.get("/manage/bulk?status=under_review").await;
    assert!(
        choose.has(&format!(
            "Applications matching these filters, on every page: {N}."
        )),
        "{}",
        choose.html
    );
    let confirm = c
        .get("/manage/bulk?status=under_review&decision=reject")
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm.has(&format!(
            "Reject these applications? Number that will change: {N}."
        )),
        "{}",
        confirm.html
    );
    assert!(confirm.has(&format!("Reject: {N}")));
    let items = confirm.hidden_all("item");
    assert_eq!(items.len(), N);

    // Between the confirmation and the click: one applicant withdraws, another
    // coordinator puts one on the waiting list.
    let (withdrawn, wt) = &apps[3];
    let r = app
        .post(
            &format!("/api/v1/applications/{withdrawn}/withdraw"),
            Some(wt),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (waitlisted, _) = &apps[20];
    let current = app
        .get(
            &format!("/api/v1/applications/{waitlisted}"),
            Some(&w.coordinator),
        )
        .await;
    let r = app
        .req(
            reqwest::Method::POST,
            &format!("/api/v1/applications/{waitlisted}/decision"),
            Some(&w.coordinator),
            Some(json!({"decision": "waitlist"})),
            &[("if-match", &current.etag())],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    let mut fields: Vec<(&str, &str)> = vec![
        ("decision", "reject"),
        ("comment", "The call is oversubscribed."),
        ("back", "status=under_review"),
    ];
    fields.extend(items.iter().map(|i| ("item", i.as_str())));
    let done = c.post("/manage/bulk", &fields).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.html);
    assert!(
        done.has(&format!("Rejected: {} of {N}.", N - 2)),
        "{}",
        done.html
    );
    assert!(
        done.has("Changed by someone else, left as they are: 2"),
        "{}",
        done.html
    );
    assert!(
        done.has(&format!("/applications/{withdrawn}"))
            && done.has(&format!("/applications/{waitlisted}"))
    );
    // Nothing was overwritten; every other application is rejected.
    let state = |id: String| {
        let app = &app;
        let token = w.coordinator.clone();
        async move {
            app.get(&format!("/api/v1/applications/{id}"), Some(&token))
                .await["status"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    assert_eq!(state(withdrawn.clone()).await, "withdrawn");
    assert_eq!(state(waitlisted.clone()).await, "waitlisted");
    for (i, (id, _)) in apps.iter().enumerate() {
        if i != 3 && i != 20 {
            assert_eq!(state(id.clone()).await, "rejected", "{i}");
        }
    }
    // Sent again (a reload), the same form changes nothing: every one is reported.
    let again = c.post("/manage/bulk", &fields).await;
    assert!(again.has(&format!("Rejected: 0 of {N}.")), "{}", again.html);
    // The bulk form needs its CSRF token and a known decision.
    assert_eq!(
        c.post_raw("/manage/bulk", &fields).await.status,
        StatusCode::FORBIDDEN
    );
    let odd = c
        .post("/manage/bulk", &[("decision", "delete"), ("item", "x:1")])
        .await;
    assert_eq!(odd.status, StatusCode::UNPROCESSABLE_ENTITY);
    // An item the page did not write is reported as refused, not silently skipped.
    let mangled = c
        .post(
            "/manage/bulk",
            &[("decision", "reject"), ("item", "no-version-here")],
        )
        .await;
    assert_eq!(mangled.status, StatusCode::OK, "{}", mangled.html);
    assert!(
        mangled.has("Rejected: 0 of 1.")
            && mangled.has("Refused, with the reason: 1")
            && mangled.has("nothing was done with it"),
        "{}",
        mangled.html
    );
}
both!(bulk_decision_over_two_pages_counts_exactly_and_reports_concurrent_changes);

async fn coordinator_reviews_and_decides_with_the_version_read(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let r = app
        .post(
            &format!("/api/v1/calls/{}/applications", w.call),
            Some(&w.applicant),
            w.body(w.visitor),
        )
        .await;
    let id = r["id"].as_str().unwrap().to_owned();
    app.post(
        &format!("/api/v1/applications/{id}/submit"),
        Some(&w.applicant),
        json!({}),
    )
    .await;
    app.post(
        &format!("/api/v1/applications/{id}/host-response"),
        Some(&w.host_contact),
        json!({"response": "accept"}),
    )
    .await;
    let mut c = Browser::with_session(&app, &w.coordinator);
    let page = c.get(&format!("/applications/{id}")).await;
    assert!(
        page.has("Coordinator") && page.has("Start the review"),
        "{}",
        page.html
    );
    assert!(
        page.has("Places left") || page.has("places left"),
        "{}",
        page.html
    );
    let p = c
        .post(&format!("/applications/{id}/review"), &[("comment", "")])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let page = c.get(&format!("/applications/{id}")).await;
    assert!(page.has("Send the decision"), "{}", page.html);
    let version = page.hidden("version");
    // No choice: the API's message next to the radio buttons.
    let p = c
        .post(
            &format!("/applications/{id}/decision"),
            &[("version", &version)],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    // A stale version: refused, reported, nothing changed.
    let p = c
        .post(
            &format!("/applications/{id}/decision"),
            &[("version", "\"0\""), ("decision", "approve")],
        )
        .await;
    assert_eq!(p.status, StatusCode::PRECONDITION_FAILED, "{}", p.html);
    assert!(p.has("Someone changed this application"), "{}", p.html);
    let p = c
        .post(
            &format!("/applications/{id}/decision"),
            &[
                ("version", &version),
                ("decision", "approve"),
                ("comment", "Welcome aboard"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let api = app
        .get(&format!("/api/v1/applications/{id}"), Some(&w.applicant))
        .await;
    assert_eq!(api["status"], "approved");
    // The budget left now shows the reservation.
    let page = c.get(&format!("/applications/{id}")).await;
    assert!(page.has("The decision is recorded"), "{}", page.html);

    // Someone who is a contact of the visiting organisation is blocked, with the reason.
    let (v2, t2) = w.another_visitor(&app, 7).await;
    let email = app.store.user(w.coordinator_id).await.unwrap().email;
    app.store.add_contact(v2, &email).await.unwrap();
    let own = submitted(&app, &w, v2, &t2).await;
    let p = c.post(&format!("/applications/{own}/review"), &[]).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN, "{}", p.html);
    assert!(p.has("conflict of interest"), "{}", p.html);
}
both!(coordinator_reviews_and_decides_with_the_version_read);

async fn calls_and_failed_emails(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let mut c = Browser::with_session(&app, &w.coordinator);
    let page = c.get("/manage/calls").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(page.has("Open a new call"));
    let partnership = w.partnership.to_string();
    let opens = chrono::Utc::now().date_naive().to_string();
    let closes = (chrono::Utc::now().date_naive() + chrono::Duration::days(60)).to_string();
    // A lump sum over the €1,100 ceiling: the API's message next to the field.
    let mut fields = vec![
        ("partnership_id", partnership.as_str()),
        ("title", "Spring 2027 exchanges"),
        ("opens_at", opens.as_str()),
        ("closes_at", closes.as_str()),
        ("budget_cents", "50 000"),
        ("places", "20"),
        ("lump_sum_default_cents", "1 200"),
        ("max_days", "31"),
    ];
    let p = c.post("/manage/calls", &fields).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    assert!(p.has("id=\"f-lump_sum_default_cents-error\""), "{}", p.html);
    fields.retain(|(k, _)| *k != "lump_sum_default_cents");
    fields.push(("lump_sum_default_cents", "1 100"));
    let p = c.post("/manage/calls", &fields).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let page = c.get("/manage/calls").await;
    assert!(
        page.has("Spring 2027 exchanges") && page.has("The call is open."),
        "{}",
        page.html
    );
    // An applicant may not open calls: the API's reason.
    let mut a = Browser::with_session(&app, &w.applicant);
    a.get("/manage/calls").await;
    let p = a.post("/manage/calls", &fields).await;
    assert!(p.status.is_client_error(), "{}", p.status);

    // Failed emails are the admins'.
    let mut admin = Browser::with_session(&app, &w.admin);
    let page = admin.get("/manage/emails").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let coordinator_view = c.get("/manage/emails").await;
    assert_eq!(coordinator_view.status, StatusCode::FORBIDDEN);
    // One mail marked failed, then re-queued from the page.
    use cxc_persistence::{
        entities::outbox,
        sea_orm::{ActiveModelTrait, EntityTrait, QueryOrder, Set},
    };
    let row = outbox::Entity::find()
        .order_by_desc(outbox::Column::CreatedAt)
        .one(&app.store.db().conn)
        .await
        .unwrap()
        .unwrap();
    let mut am: outbox::ActiveModel = row.clone().into();
    am.status = Set(cxc_domain::notify::OutboxStatus::Failed);
    am.last_error = Set(Some("550 mailbox unavailable".into()));
    am.update(&app.store.db().conn).await.unwrap();
    let page = admin.get("/manage/emails").await;
    assert!(page.has("550 mailbox unavailable"), "{}", page.html);
    let p = admin
        .post(&format!("/manage/emails/{}/retry", row.id), &[])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let page = admin.get("/manage/emails").await;
    assert!(page.has("The email is queued again"), "{}", page.html);
    assert!(!page.has("550 mailbox unavailable"));
}
both!(calls_and_failed_emails);

async fn running_pages_in_every_language(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let (id, _) = w.reviewed(&app, w.visitor, &w.applicant).await;
    let user_id = app.get("/api/v1/me", Some(&w.applicant)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for lang in ["en", "lt", "da", "es"] {
        for (token, pages) in [
            (
                &w.coordinator,
                vec![
                    "/manage".to_owned(),
                    "/manage/queue?status=under_review".to_owned(),
                    "/manage/bulk?status=under_review".to_owned(),
                    "/manage/bulk?status=under_review&decision=approve".to_owned(),
                    "/manage/calls".to_owned(),
                    "/manage/visits".to_owned(),
                    format!("/applications/{id}"),
                ],
            ),
            (
                &w.admin,
                vec![
                    "/manage/users".to_owned(),
                    format!("/manage/users/{user_id}"),
                    "/manage/emails".to_owned(),
                ],
            ),
        ] {
            assert_pages_in(&app, token, lang, &pages).await;
        }
    }
}
both!(running_pages_in_every_language);
