//! Registrations: capacity under concurrency, waiting lists and promotion, racing
//! cancellations, and cancelling the whole visit.

use futures::future::join_all;
use serde_json::json;

use crate::{both, group_visits::fixtures::*, helpers::TestApp};

async fn racing_registrations_never_exceed_capacity(app: TestApp) {
    let fx = setup(&app).await;
    let v = open_visit(&app, &fx, 10).await;
    let mut people = Vec::new();
    for n in 0..30 {
        people.push(participant(&app, &format!("p{n}@cluster.eu")).await);
    }
    let results = join_all(
        people
            .iter()
            .map(|(_, token, org)| register(&app, &v, token, *org, None)),
    )
    .await;
    assert!(
        results.iter().all(|r| r.status == 201),
        "{:?}",
        results.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    let confirmed = results
        .iter()
        .filter(|r| r["status"] == "confirmed")
        .count();
    let mut positions: Vec<i64> = results
        .iter()
        .filter(|r| r["status"] == "waitlisted")
        .map(|r| r["position"].as_i64().unwrap())
        .collect();
    positions.sort_unstable();
    assert_eq!(confirmed, 10);
    assert_eq!(positions, (1..=20).collect::<Vec<_>>());
    assert!(
        results
            .iter()
            .filter(|r| r["status"] == "confirmed")
            .all(|r| r.body.get("position").is_none())
    );

    assert_eq!(visit_row(&app, &v).await.confirmed_count, 10);
    assert_eq!(regs(&app, &v, "confirmed").await.len(), 10);
    assert_eq!(regs(&app, &v, "waitlisted").await.len(), 20);
    let r = app.get(&format!("/api/v1/group-visits/{v}"), None).await;
    assert_eq!(
        (
            r["confirmed_count"].as_i64(),
            r["waitlisted_count"].as_i64(),
            r["places_left"].as_i64()
        ),
        (Some(10), Some(20), Some(0))
    );
    // Everyone was told, with their position when waiting.
    let mut told = (0, 0);
    for n in 0..30 {
        let to = format!("p{n}@cluster.eu");
        told.0 += mails(&app, &to, "visit_registration_confirmed").await.len();
        told.1 += mails(&app, &to, "visit_registration_waitlisted")
            .await
            .len();
    }
    assert_eq!(told, (10, 20));
    // A second registration by the same person is refused.
    let (_, token, org) = &people[0];
    let again = register(&app, &v, token, *org, None).await;
    assert_eq!(again.status, 409);
    assert_eq!(again["code"], "already_registered");
}
both!(racing_registrations_never_exceed_capacity);

async fn cancelling_promotes_the_first_waitlisted(app: TestApp) {
    let fx = setup(&app).await;
    let v = open_visit(&app, &fx, 1).await;
    let (_, a, a_org) = participant(&app, "ana@litek.lt").await;
    let (_, b, b_org) = participant(&app, "bo@bigscience.dk").await;
    let (_, c, c_org) = participant(&app, "carla@ineustar.es").await;
    let ra = register(&app, &v, &a, a_org, None).await;
    let rb = register(&app, &v, &b, b_org, None).await;
    let rc = register(&app, &v, &c, c_org, None).await;
    assert_eq!(
        (
            ra["status"].as_str(),
            rb["position"].as_i64(),
            rc["position"].as_i64()
        ),
        (Some("confirmed"), Some(1), Some(2))
    );
    let reminders = |to: &'static str| {
        let app = &app;
        async move { mails(app, to, "reminder_visit_start").await }
    };
    let reminder = reminders("ana@litek.lt").await;
    assert_eq!(
        reminder.len(),
        1,
        "a confirmed place schedules the start reminder"
    );
    assert_eq!(
        reminder[0].not_before.to_rfc3339(),
        "2027-03-23T23:00:00+00:00",
        "3 days before midnight in Geneva"
    );

    // Someone else cannot cancel Ana's place; Ana can.
    assert_eq!(cancel(&app, &v, &id(&ra.body), &c).await, 404);
    assert_eq!(cancel(&app, &v, &id(&ra.body), &a).await, 204);
    assert_eq!(cancel(&app, &v, &id(&ra.body), &a).await, 409);
    assert!(
        reminders("ana@litek.lt").await.is_empty(),
        "her reminder is unscheduled"
    );
    let rb_now = app
        .get(
            &format!("/api/v1/group-visits/{v}/registrations/{}", id(&rb.body)),
            Some(&b),
        )
        .await;
    assert_eq!(rb_now["status"], "confirmed");
    assert_eq!(reminders("bo@bigscience.dk").await.len(), 1);
    delivered(&app, "bo@bigscience.dk", "visit_registration_promoted").await;
    let promoted = mails(&app, "bo@bigscience.dk", "visit_registration_promoted").await;
    assert!(
        promoted[0]
            .body_text
            .contains(&format!("/group-visits/{v}")),
        "the email links to the visit"
    );
    let rc_now = app
        .get(
            &format!("/api/v1/group-visits/{v}/registrations/{}", id(&rc.body)),
            Some(&c),
        )
        .await;
    assert_eq!(rc_now["position"], 1);
    assert_eq!(visit_row(&app, &v).await.confirmed_count, 1);

    // The organiser may cancel Bo's place too; Carla moves up.
    assert_eq!(cancel(&app, &v, &id(&rb.body), &fx.organiser).await, 204);
    let list = app
        .get(
            &format!("/api/v1/group-visits/{v}/registrations"),
            Some(&fx.organiser),
        )
        .await;
    let statuses: Vec<(&str, &str)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["participant"]["email"].as_str().unwrap(),
                r["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("carla@ineustar.es", "confirmed"),
            ("bo@bigscience.dk", "cancelled"),
            ("ana@litek.lt", "cancelled")
        ]
    );
    delivered(&app, "carla@ineustar.es", "visit_registration_promoted").await;
    // Participants only see their own registrations.
    let mine = app
        .get(&format!("/api/v1/group-visits/{v}/registrations"), Some(&c))
        .await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    let across = app
        .get("/api/v1/me/group-visit-registrations", Some(&a))
        .await;
    assert_eq!(
        across["items"][0]["visit_title"],
        "BIGINN 360ºXchange: CERN"
    );
    assert_eq!(across["items"][0]["status"], "cancelled");
}
both!(cancelling_promotes_the_first_waitlisted);

async fn racing_cancellations_keep_counts_consistent(app: TestApp) {
    let fx = setup(&app).await;
    let v = open_visit(&app, &fx, 5).await;
    let mut people = Vec::new();
    for n in 0..15 {
        let (_, token, org) = participant(&app, &format!("q{n}@cluster.eu")).await;
        let r = register(&app, &v, &token, org, None).await;
        people.push((token, id(&r.body), r["status"].as_str().unwrap().to_owned()));
    }
    // Every confirmed place is cancelled twice at once (registrant and organiser), and
    // three waiting people withdraw at the same moment.
    let mut calls = Vec::new();
    for (token, reg, status) in &people {
        if status == "confirmed" {
            calls.push(cancel(&app, &v, reg, token));
            calls.push(cancel(&app, &v, reg, &fx.organiser));
        }
    }
    for (token, reg, _) in people.iter().filter(|p| p.2 == "waitlisted").take(3) {
        calls.push(cancel(&app, &v, reg, token));
    }
    let statuses = join_all(calls).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 204).count(),
        8,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        5,
        "{statuses:?}"
    );

    let confirmed = regs(&app, &v, "confirmed").await;
    assert_eq!(confirmed.len(), 5);
    assert_eq!(visit_row(&app, &v).await.confirmed_count, 5);
    let waiting = regs(&app, &v, "waitlisted").await;
    assert_eq!(waiting.len(), 2);
    // The promoted are the earliest of those still waiting.
    let promoted_max = confirmed.iter().map(|r| r.queue_seq).max().unwrap();
    assert!(waiting.iter().all(|w| w.queue_seq > promoted_max));
    let list = app
        .get(
            &format!("/api/v1/group-visits/{v}/registrations"),
            Some(&fx.organiser),
        )
        .await;
    let mut positions: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["position"].as_i64())
        .collect();
    positions.sort_unstable();
    assert_eq!(positions, [1, 2]);
}
both!(racing_cancellations_keep_counts_consistent);

async fn cancelling_a_visit_tells_everyone_registered(app: TestApp) {
    let fx = setup(&app).await;
    let v = open_visit(&app, &fx, 1).await;
    let (_, a, a_org) = participant(&app, "ana@litek.lt").await;
    let (_, b, b_org) = participant(&app, "bo@bigscience.dk").await;
    register(&app, &v, &a, a_org, None).await;
    assert_eq!(
        register(&app, &v, &b, b_org, None).await["status"],
        "waitlisted"
    );
    let (_, stranger) = quick_user(&app, "stranger@x.eu").await;
    assert_eq!(
        app.post(
            &format!("/api/v1/group-visits/{v}/cancel"),
            Some(&stranger),
            json!({})
        )
        .await
        .status,
        403
    );

    let r = app
        .post(
            &format!("/api/v1/group-visits/{v}/cancel"),
            Some(&fx.organiser),
            json!({"comment": "CERN closed the site for maintenance."}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["status"], "cancelled");
    assert_eq!(r["registration_open"], false);
    for to in ["ana@litek.lt", "bo@bigscience.dk"] {
        let m = mails(&app, to, "visit_cancelled").await;
        assert_eq!(m.len(), 1, "{to}");
        assert!(
            m[0].body_text
                .contains("CERN closed the site for maintenance.")
        );
        delivered(&app, to, "visit_cancelled").await;
    }
    let to_ana = &mails(&app, "ana@litek.lt", "visit_cancelled").await[0];
    assert!(to_ana.attachments[0].content.contains("STATUS:CANCELLED"));
    assert!(
        mails(&app, "ana@litek.lt", "reminder_visit_start")
            .await
            .is_empty()
    );
    assert!(
        regs(&app, &v, "confirmed").await.is_empty()
            && regs(&app, &v, "waitlisted").await.is_empty()
    );
    assert_eq!(visit_row(&app, &v).await.confirmed_count, 0);

    let again = app
        .post(
            &format!("/api/v1/group-visits/{v}/cancel"),
            Some(&fx.organiser),
            json!({}),
        )
        .await;
    assert_eq!(again.status, 409);
    let late = register(&app, &v, &a, a_org, None).await;
    assert_eq!(late.status, 409);
    assert_eq!(late["code"], "visit_cancelled");
    // Still listed (it was published), as cancelled.
    let list = app.get("/api/v1/group-visits?status=cancelled", None).await;
    assert_eq!(list["items"][0]["id"], v.as_str());
}
both!(cancelling_a_visit_tells_everyone_registered);

async fn cancelling_a_visit_while_people_register_and_cancel_tells_each_once(app: TestApp) {
    let fx = setup(&app).await;
    let v = open_visit(&app, &fx, 2).await;
    let mut early = Vec::new();
    for n in 0..4 {
        let email = format!("early{n}@cluster.eu");
        let (_, token, org) = participant(&app, &email).await;
        let r = register(&app, &v, &token, org, None).await;
        assert_eq!(r.status, 201, "{}", r.text);
        early.push((email, token, id(&r.body)));
    }
    let mut late = Vec::new();
    for n in 0..2 {
        let email = format!("late{n}@cluster.eu");
        let (_, token, org) = participant(&app, &email).await;
        late.push((email, token, org));
    }
    // The organiser cancels the visit while two newcomers register and one confirmed and
    // one waiting participant cancel their own registrations.
    let path = format!("/api/v1/group-visits/{v}/cancel");
    let cancel_visit = app.post(&path, Some(&fx.organiser), json!({}));
    let registering = join_all(
        late.iter()
            .map(|(_, token, org)| register(&app, &v, token, *org, None)),
    );
    let leaving = join_all([0, 3].map(|n| cancel(&app, &v, &early[n].2, &early[n].1)));
    let (visit, registered, left) = futures::join!(cancel_visit, registering, leaving);
    assert_eq!(visit.status, 200, "{}", visit.text);
    assert!(
        registered
            .iter()
            .all(|r| r.status == 201 || r["code"] == "visit_cancelled"),
        "{:?}",
        registered.iter().map(|r| &r.text).collect::<Vec<_>>()
    );
    assert!(left.iter().all(|s| *s == 204 || *s == 409), "{left:?}");

    // Nothing is left active and no place is counted.
    assert!(regs(&app, &v, "confirmed").await.is_empty());
    assert!(regs(&app, &v, "waitlisted").await.is_empty());
    assert_eq!(visit_row(&app, &v).await.confirmed_count, 0);
    // The visit lock orders every request: a registration that answered 201, or a
    // cancellation that answered 409, came before the visit's cancellation, so that
    // person was registered when the visit was cancelled and is told exactly once; a
    // cancellation that answered 204 came before it, so that person is not told.
    let mut expected: Vec<(&str, usize)> = vec![
        (early[1].0.as_str(), 1),
        (early[2].0.as_str(), 1),
        (early[0].0.as_str(), usize::from(left[0] == 409)),
        (early[3].0.as_str(), usize::from(left[1] == 409)),
    ];
    for ((email, _, _), r) in late.iter().zip(&registered) {
        expected.push((email.as_str(), usize::from(r.status == 201)));
    }
    for (to, n) in expected {
        assert_eq!(mails(&app, to, "visit_cancelled").await.len(), n, "{to}");
    }
}
both!(cancelling_a_visit_while_people_register_and_cancel_tells_each_once);
