//! "This change will tell N people": the count a manager reads before changing an item of a
//! published agenda is the number of agenda-change emails the change then sends.
use serde_json::json;

use crate::{both, group_visits::fixtures::*, helpers::TestApp};

/// Agenda-change emails sent so far to `people`.
async fn told(app: &TestApp, people: &[String]) -> usize {
    let mut n = 0;
    for p in people {
        n += mails(app, p, "agenda_changed").await.len();
    }
    n
}

async fn audience_is_whom_a_change_emails(app: TestApp) {
    let fx = setup(&app).await;
    let (v, ws, open) = workshop_and_seminar(&app, &fx).await;
    let mut emails = Vec::new();
    let mut p = Vec::new();
    for n in 0..4 {
        let email = format!("aud{n}@cluster.eu");
        p.push(participant(&app, &email).await);
        emails.push(email);
    }
    // Three on the visit; two of them hold workshop places; the fourth only waits for
    // one (and so is told nothing).
    for (_, token, org) in &p[..3] {
        assert_eq!(register(&app, &v, token, *org, None).await.status, 201);
    }
    for (_, token, org) in &p[..2] {
        assert_eq!(register(&app, &v, token, *org, Some(&ws)).await.status, 201);
    }
    let audience = |item: String, token: String| {
        let path = format!("/api/v1/group-visits/{v}/agenda-items/{item}/audience");
        let app = &app;
        async move { app.get(&path, Some(&token)).await }
    };

    let a = audience(ws.clone(), fx.organiser.clone()).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!((&a["count"], &a["whole_visit"]), (&json!(2), &json!(3)));
    let before = told(&app, &emails).await;
    let r = patch_item(&app, &fx, &v, &ws, json!({"title": "Procurement rules"})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        told(&app, &emails).await - before,
        2,
        "the workshop's count"
    );

    let a = audience(open.clone(), fx.organiser.clone()).await;
    assert_eq!((&a["count"], &a["whole_visit"]), (&json!(3), &json!(3)));
    let before = told(&app, &emails).await;
    let r = patch_item(
        &app,
        &fx,
        &v,
        &open,
        json!({"title": "Open seminar, renamed"}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(told(&app, &emails).await - before, 3, "the seminar's count");

    // Only the visit's managers ask; an item not on the visit is not found.
    let r = audience(ws.clone(), p[0].1.clone()).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = audience(uuid::Uuid::new_v4().to_string(), fx.organiser.clone()).await;
    assert_eq!(r.status, 404, "{}", r.text);
}
both!(audience_is_whom_a_change_emails);
