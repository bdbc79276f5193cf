//! The calendar people subscribe to: a secret, revocable address; conditional GET;
//! cancelled things stay as `STATUS:CANCELLED` with a higher SEQUENCE for the retention
//! period; a cancelled registration emails a `METHOD:CANCEL` object. Every feed is parsed
//! back with the `icalendar` crate's parser after each change.
use chrono::{Duration, Utc};
use cxc_persistence::{
    entities::registrations,
    sea_orm::{ActiveModelTrait, EntityTrait, Set},
};
use icalendar::parser::{read_calendar, unfold};
use reqwest::Method;
use serde_json::json;
use uuid::Uuid;

use crate::{
    both,
    group_visits::calendar::{Parsed, ics, parse, uid},
    group_visits::fixtures::*,
    helpers::TestApp,
};

/// Issues a feed address for `token`'s user; returns its path.
async fn feed_path(app: &TestApp, token: &str) -> String {
    let r = app
        .post("/api/v1/me/calendar-feed", Some(token), json!({}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let url = r.body["url"].as_str().unwrap();
    assert!(url.ends_with("/calendar.ics"), "{url}");
    let webcal = r.body["webcal_url"].as_str().unwrap();
    assert!(webcal.starts_with("webcal://"), "{webcal}");
    url[url.find("/api/v1/calendar-feeds/").unwrap()..].to_owned()
}

/// The feed, parsed, after checking what every published feed must carry.
async fn feed(app: &TestApp, path: &str) -> (Parsed, String) {
    let (status, text) = ics(app, path, None).await;
    assert_eq!(status, 200, "{text}");
    let cal = parse(&text);
    assert!(text.contains("\r\nMETHOD:PUBLISH\r\n"), "{text}");
    let stamps: Vec<String> = cal
        .uids()
        .iter()
        .map(|u| cal.prop(u, "DTSTAMP").unwrap())
        .collect();
    let latest = cal
        .uids()
        .iter()
        .map(|u| cal.prop(u, "LAST-MODIFIED").unwrap())
        .max();
    for (u, stamp) in cal.uids().iter().zip(&stamps) {
        // RFC 5546 §3.2.1: ORGANIZER is required on published events.
        assert_eq!(
            cal.prop(u, "ORGANIZER").unwrap(),
            "mailto:noreply@clusterxchange.eu"
        );
        // RFC 5545 §3.8.7.2 with METHOD: when this object was created, i.e. the feed's
        // revision, the same for every event.
        assert_eq!(Some(stamp), latest.as_ref(), "{u}");
    }
    (cal, text)
}

fn seq(cal: &Parsed, id: &str) -> u32 {
    cal.prop(&uid(id), "SEQUENCE").unwrap().parse().unwrap()
}

fn status(cal: &Parsed, id: &str) -> String {
    cal.prop(&uid(id), "STATUS").unwrap()
}

async fn subscribed_feed_follows_publish_change_and_cancellations(app: TestApp) {
    let fx = setup(&app).await;
    let (_, token, org) = participant(&app, "ana@litek.lt").await;
    let v = id(&create(&app, &fx, cern(fx.partnership)).await);
    let (tour, ws) = tour_and_workshop(&app, &fx, &v).await;
    let dinner = id(&add_item(
        &app,
        &fx,
        &v,
        item(
            "networking",
            "Dinner",
            "2027-03-28T19:00",
            "2027-03-28T21:00",
            "Restaurant 1",
        ),
    )
    .await);

    let path = feed_path(&app, &token).await;
    let (cal, _) = feed(&app, &path).await;
    assert!(cal.uids().is_empty(), "nothing before registering");

    // Publish, and register for the visit and its workshop.
    publish(&app, &fx, &v).await;
    let whole = register(&app, &v, &token, org, None).await;
    assert_eq!(whole.body["status"], "confirmed");
    let ws_reg = register(&app, &v, &token, org, Some(&ws)).await;
    assert_eq!(ws_reg.body["status"], "confirmed");
    let (cal, text) = feed(&app, &path).await;
    for i in [&tour, &ws, &dinner] {
        assert_eq!(status(&cal, i), "CONFIRMED", "{i}");
    }
    let (tour0, ws0, dinner0) = (seq(&cal, &tour), seq(&cal, &ws), seq(&cal, &dinner));
    let (_, bearer) = ics(&app, "/api/v1/me/calendar.ics", Some(&token)).await;
    assert_eq!(bearer, text, "the bearer-token calendar is the same feed");

    // Conditional GET: ETag and Last-Modified give 304 without a body.
    let r = app.get_with(&path, None, &[]).await;
    let etag = r.headers["etag"].to_str().unwrap().to_owned();
    let modified = r.headers["last-modified"].to_str().unwrap().to_owned();
    assert!(
        r.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-cache")
    );
    let r = app.get_with(&path, None, &[("if-none-match", &etag)]).await;
    assert_eq!(r.status, 304);
    assert!(r.text.is_empty());
    assert_eq!(r.headers["etag"].to_str().unwrap(), etag);
    let r = app
        .get_with(&path, None, &[("if-modified-since", &modified)])
        .await;
    assert_eq!(r.status, 304);
    let r = app
        .get_with(
            &path,
            None,
            &[
                ("if-none-match", "\"stale\""),
                ("if-modified-since", &modified),
            ],
        )
        .await;
    assert_eq!(r.status, 200, "If-None-Match wins over If-Modified-Since");
    let r = app
        .get_with(
            &path,
            None,
            &[("if-modified-since", "Sat, 01 Jan 2000 00:00:00 GMT")],
        )
        .await;
    assert_eq!(r.status, 200);
    let r = app
        .get_with(&path, None, &[("if-modified-since", "not a date")])
        .await;
    assert_eq!(r.status, 200, "an invalid date is ignored");

    // Change: the item moves; its SEQUENCE rises and the ETag changes.
    let moved = json!({"starts_at": "2027-03-27T14:00", "ends_at": "2027-03-27T16:00"});
    move_item(&app, &fx, &v, &tour, moved).await;
    let (cal, _) = feed(&app, &path).await;
    assert!(seq(&cal, &tour) > tour0);
    assert_eq!(cal.prop(&uid(&tour), "DTSTART").unwrap(), "20270327T140000");
    assert_eq!(
        app.get_with(&path, None, &[("if-none-match", &etag)])
            .await
            .status,
        200
    );

    // Cancel an item: it stays, cancelled, with a higher SEQUENCE.
    cancel_item(&app, &fx, &v, &dinner).await;
    let (cal, _) = feed(&app, &path).await;
    assert_eq!(status(&cal, &dinner), "CANCELLED");
    assert!(seq(&cal, &dinner) > dinner0);

    // Cancel a registration: the workshop stays, cancelled, and a METHOD:CANCEL object
    // with the same SEQUENCE is emailed for calendars that imported it from attachments.
    let ws_reg_id = id(&ws_reg.body);
    assert_eq!(cancel(&app, &v, &ws_reg_id, &token).await, 204);
    let (cal, _) = feed(&app, &path).await;
    assert_eq!(status(&cal, &ws), "CANCELLED");
    assert!(seq(&cal, &ws) > ws0);
    assert_eq!(
        status(&cal, &tour),
        "CONFIRMED",
        "the rest of the visit stays"
    );
    let sent = mails(&app, "ana@litek.lt", "visit_registration_cancelled").await;
    assert_eq!(sent.len(), 1);
    let att = &sent[0].attachments[0];
    assert_eq!(att.content_type, "text/calendar; method=CANCEL");
    let cancel_ics = att.content.as_str();
    assert!(cancel_ics.contains("\r\nMETHOD:CANCEL\r\n"), "{cancel_ics}");
    let unfolded = unfold(cancel_ics);
    read_calendar(&unfolded).expect("a valid CANCEL object");
    let cancelled = parse(cancel_ics);
    assert_eq!(
        cancelled.uids(),
        [uid(&ws)],
        "only the workshop is cancelled"
    );
    assert_eq!(cancelled.prop(&uid(&ws), "STATUS").unwrap(), "CANCELLED");
    assert_eq!(seq(&cancelled, &ws), seq(&cal, &ws), "the feed's SEQUENCE");
    assert_eq!(
        cancelled.prop(&uid(&ws), "ATTENDEE").unwrap(),
        "mailto:ana@litek.lt"
    );
    assert!(cancelled.prop(&uid(&ws), "ORGANIZER").is_some());
    let mail = delivered(&app, "ana@litek.lt", "visit_registration_cancelled").await;
    assert!(mail.data.contains("method=CANCEL"), "{}", mail.data);
    assert!(
        mail.data.contains("Hello User ana@litek.lt,"),
        "greets by name"
    );
    assert_eq!(mail.header("content-language").unwrap(), "en");

    // Cancel the visit: what is left turns cancelled, with a higher SEQUENCE.
    let tour1 = seq(&cal, &tour);
    let r = app
        .post(
            &format!("/api/v1/group-visits/{v}/cancel"),
            Some(&fx.organiser),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let (cal, _) = feed(&app, &path).await;
    assert_eq!(status(&cal, &tour), "CANCELLED");
    assert!(seq(&cal, &tour) > tour1);
    assert_eq!(status(&cal, &ws), "CANCELLED");

    // Rotating kills the old address; revoking kills the new one.
    let rotated = feed_path(&app, &token).await;
    assert_ne!(rotated, path);
    assert_eq!(ics(&app, &path, None).await.0, 404);
    assert_eq!(feed(&app, &rotated).await.0.uids().len(), 3);
    let del = |t: String| {
        let app = &app;
        async move {
            app.req(
                Method::DELETE,
                "/api/v1/me/calendar-feed",
                Some(&t),
                None,
                &[],
            )
            .await
            .status
        }
    };
    assert_eq!(del(token.clone()).await, 204);
    assert_eq!(ics(&app, &rotated, None).await.0, 404);
    assert_eq!(del(token.clone()).await, 404, "nothing left to revoke");
    for bad in ["x".repeat(300), "%00".into(), Uuid::now_v7().to_string()] {
        let p = format!("/api/v1/calendar-feeds/{bad}/calendar.ics");
        assert_eq!(ics(&app, &p, None).await.0, 404, "{bad}");
    }
}
both!(subscribed_feed_follows_publish_change_and_cancellations);

/// Moves a registration's cancellation `days` back in time.
async fn cancelled_days_ago(app: &TestApp, reg: &str, days: i64) {
    let r = registrations::Entity::find_by_id(Uuid::parse_str(reg).unwrap())
        .one(&app.store.db().conn)
        .await
        .unwrap()
        .unwrap();
    let mut am: registrations::ActiveModel = r.into();
    am.cancelled_at = Set(Some(Utc::now() - Duration::days(days)));
    am.update(&app.store.db().conn).await.unwrap();
}

async fn cancelled_registrations_stay_for_the_retention_period_and_sequences_only_rise(
    app: TestApp,
) {
    let fx = setup(&app).await;
    let (_, token, org) = participant(&app, "ana@litek.lt").await;
    let v = open_visit(&app, &fx, 5).await;
    let sm18 = visit_row(&app, &v).await;
    let items = app
        .get(&format!("/api/v1/group-visits/{v}"), Some(&token))
        .await;
    let item_id = items.body["agenda"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(sm18.id.to_string(), v);
    let path = feed_path(&app, &token).await;

    let mut last = None;
    let mut check = |cal: &Parsed, expect_status: &str| {
        assert_eq!(status(cal, &item_id), expect_status);
        let s = seq(cal, &item_id);
        assert!(last.is_none_or(|l| s > l), "SEQUENCE {s} after {last:?}");
        last = Some(s);
    };
    // Register, cancel, register again, cancel again: every state a calendar saw has a
    // higher SEQUENCE than the one before.
    let first = id(&register(&app, &v, &token, org, None).await.body);
    check(&feed(&app, &path).await.0, "CONFIRMED");
    assert_eq!(cancel(&app, &v, &first, &token).await, 204);
    check(&feed(&app, &path).await.0, "CANCELLED");
    let again = id(&register(&app, &v, &token, org, None).await.body);
    check(&feed(&app, &path).await.0, "CONFIRMED");
    assert_eq!(cancel(&app, &v, &again, &token).await, 204);
    check(&feed(&app, &path).await.0, "CANCELLED");
    // The whole-visit cancellation emailed a CANCEL of its events each time.
    let sent = mails(&app, "ana@litek.lt", "visit_registration_cancelled").await;
    assert_eq!(sent.len(), 2);
    assert!(
        sent.iter()
            .all(|m| { m.attachments[0].content.contains(&uid(&item_id)) })
    );

    // Both sides of the 30-day retention: 29 days ago stays, 31 days ago is left out.
    cancelled_days_ago(&app, &first, 40).await;
    cancelled_days_ago(&app, &again, 29).await;
    assert_eq!(feed(&app, &path).await.0.uids(), [uid(&item_id)]);
    cancelled_days_ago(&app, &again, 31).await;
    assert!(feed(&app, &path).await.0.uids().is_empty(), "aged out");
}
both!(cancelled_registrations_stay_for_the_retention_period_and_sequences_only_rise);
