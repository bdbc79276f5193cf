//! Optional mail and the transactional guarantee: reminders honour preferences and carry
//! RFC 8058 one-click unsubscribe; a rolled-back change sends nothing; /metrics.
use std::time::Duration;

use chrono::Utc;
use cxc_domain::notify::{Email, ExchangeFacts};
use cxc_persistence::repositories::outbox::Envelope;
use reqwest::Method;
use serde_json::json;

use crate::{both, helpers::TestApp, notifications::rows_to};

/// Queues a start reminder for a user the way a use case does, in a transaction.
async fn queue_reminder(app: &TestApp, user_id: &str, at: Option<chrono::DateTime<Utc>>) {
    let user = app.store.user(user_id.parse().unwrap()).await.unwrap();
    let facts = ExchangeFacts {
        application_id: uuid::Uuid::nil(),
        call_title: "Big Science 2027".into(),
        participant_name: user.full_name.clone(),
        visitor_org: "Visitor".into(),
        host_org: "CERN".into(),
        city: "Geneva".into(),
        start_date: "2027-03-01".parse().unwrap(),
        end_date: "2027-03-12".parse().unwrap(),
        grant_cents: None,
        objectives: String::new(),
    };
    let mut env = Envelope::to_user(&user, Email::ReminderExchangeStart(facts));
    if let Some(at) = at {
        env = env.at(at);
    }
    let tx = app.store.db().write().await.unwrap();
    app.store.enqueue(&tx.tx, env).await.unwrap();
    tx.commit().await.unwrap();
}

fn reminders_to(rows: &[cxc_persistence::entities::outbox::Model]) -> usize {
    rows.iter()
        .filter(|r| r.kind == cxc_domain::notify::EmailKind::ReminderExchangeStart)
        .count()
}

async fn a_rolled_back_change_sends_nothing(app: TestApp) {
    // Registration queues the verification mail, verifying the welcome mail.
    app.user("once@x.eu").await;
    app.wait_for_mail("once@x.eu", "Welcome").await;
    let queued = rows_to(&app, "once@x.eu").await.len();
    let dup = app.post("/api/v1/auth/register", None, json!({"email": "once@x.eu", "password": "another password", "full_name": "Again", "locale": "en"})).await;
    assert_eq!(dup.status, 409);
    assert_eq!(
        rows_to(&app, "once@x.eu").await.len(),
        queued,
        "the failed registration queued nothing"
    );

    // A use case that fails after queueing its email: the transaction rolls back.
    let user = app.store.user_by_email("once@x.eu").await.unwrap().unwrap();
    let tx = app.store.db().write().await.unwrap();
    app.store
        .enqueue(&tx.tx, Envelope::to_user(&user, Email::Welcome))
        .await
        .unwrap();
    drop(tx);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rows_to(&app, "once@x.eu").await.len(), queued);
    let received = || {
        app.smtp
            .received()
            .iter()
            .filter(|m| m.to.iter().any(|t| t == "once@x.eu"))
            .count()
    };
    for _ in 0..100 {
        if received() >= queued {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(received(), queued, "only what was committed arrives");
}
both!(a_rolled_back_change_sends_nothing);

async fn reminders_honour_preferences_and_carry_one_click_headers(app: TestApp) {
    let (id, token) = app.user("remind@x.eu").await;
    queue_reminder(&app, &id, None).await;
    let mail = app.wait_for_mail("remind@x.eu", "List-Unsubscribe:").await;
    let link = mail.header("list-unsubscribe").unwrap();
    assert!(
        link.starts_with("<http") && link.contains("/api/v1/unsubscribe/") && link.ends_with('>'),
        "{link}"
    );
    assert!(!link.contains(&id), "the link does not expose the user id");
    assert_eq!(
        mail.header("list-unsubscribe-post").unwrap(),
        "List-Unsubscribe=One-Click"
    );

    // A reminder scheduled for later, then the user opts out: it is dropped, and new
    // reminders are not queued at all. Transactional mail still goes.
    queue_reminder(&app, &id, Some(Utc::now() + chrono::Duration::hours(1))).await;
    assert_eq!(reminders_to(&rows_to(&app, "remind@x.eu").await), 2);
    let r = app
        .req(
            Method::PUT,
            "/api/v1/me/notification-preferences",
            Some(&token),
            Some(json!({"locale": "en", "reminders": false})),
            &[],
        )
        .await;
    assert_eq!(r.status, 200);
    let rows = rows_to(&app, "remind@x.eu").await;
    assert_eq!(
        reminders_to(&rows),
        1,
        "the scheduled reminder is gone, the sent one stays"
    );
    queue_reminder(&app, &id, None).await;
    assert_eq!(
        reminders_to(&rows_to(&app, "remind@x.eu").await),
        1,
        "no reminder for an opted-out user"
    );
}
both!(reminders_honour_preferences_and_carry_one_click_headers);

async fn one_click_unsubscribe_works_and_forged_links_are_404(app: TestApp) {
    let (id, token) = app.user("leave@x.eu").await;
    queue_reminder(&app, &id, None).await;
    let mail = app.wait_for_mail("leave@x.eu", "List-Unsubscribe:").await;
    let link = mail.header("list-unsubscribe").unwrap();
    let path = &link[link.find("/api/v1/unsubscribe/").unwrap()..link.len() - 1];
    let url = format!("{}{path}", app.base);
    assert!(
        mail.data.contains(&url[url.find("/api/").unwrap()..]),
        "the footer links to it too"
    );

    let page = app.send(app.client.get(&url)).await;
    assert_eq!(page.status, 200);
    assert!(
        page.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text.contains("method=\"post\""));
    let prefs = app
        .get("/api/v1/me/notification-preferences", Some(&token))
        .await;
    assert_eq!(
        prefs["reminders"], true,
        "GET changes nothing (link scanners)"
    );

    let one_click = || {
        app.send(
            app.client
                .post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("List-Unsubscribe=One-Click"),
        )
    };
    let r = one_click().await;
    assert_eq!(r.status, 200);
    assert_eq!(r["reminders"], false);
    let prefs = app
        .get("/api/v1/me/notification-preferences", Some(&token))
        .await;
    assert_eq!(prefs["reminders"], false);
    assert_eq!(one_click().await.status, 200, "repeating is harmless");
    let empty = app.send(app.client.post(&url)).await;
    assert_eq!(empty.status, 200, "any body, even none");

    let tok = path.rsplit('/').next().unwrap();
    let mut forged = tok.to_owned();
    let last = if forged.ends_with('A') { "B" } else { "A" };
    forged.replace_range(forged.len() - 1.., last);
    for bad in [
        forged.as_str(),
        &tok[..tok.len() - 4],
        id.as_str(),
        "x",
        "%00%01",
    ] {
        let r = app
            .send(
                app.client
                    .post(format!("{}/api/v1/unsubscribe/{bad}", app.base))
                    .body("List-Unsubscribe=One-Click"),
            )
            .await;
        assert_eq!(r.status, 404, "forged token {bad:?}");
        let r = app
            .send(
                app.client
                    .get(format!("{}/api/v1/unsubscribe/{bad}", app.base)),
            )
            .await;
        assert_eq!(r.status, 404, "forged token {bad:?}");
    }
    let (other, _) = app.user("other@x.eu").await;
    let other_user = app.store.user(other.parse().unwrap()).await.unwrap();
    assert!(other_user.reminders, "nobody else was unsubscribed");
}
both!(one_click_unsubscribe_works_and_forged_links_are_404);

async fn metrics_show_outbox_depth_and_delivery(app: TestApp) {
    app.user("metrics@x.eu").await;
    app.wait_for_mail("metrics@x.eu", "Welcome").await;
    let r = app.get("/metrics", None).await;
    assert_eq!(r.status, 200);
    for name in [
        "cxc_outbox_messages{status=\"pending\"}",
        "cxc_outbox_messages{status=\"sent\"}",
        "cxc_outbox_messages{status=\"failed\"}",
        "cxc_outbox_oldest_pending_seconds",
        "cxc_email_sent_total",
        "cxc_email_failed_total",
        "cxc_email_send_seconds",
    ] {
        assert!(r.text.contains(name), "/metrics has {name}");
    }
    let paths = app.get("/openapi.json", None).await;
    for p in [
        "/api/v1/admin/outbox",
        "/api/v1/admin/outbox/{id}/retry",
        "/api/v1/unsubscribe/{token}",
    ] {
        assert!(paths["paths"][p].is_object(), "OpenAPI documents {p}");
    }
}
both!(metrics_show_outbox_depth_and_delivery);

/// The unsubscribe pages speak the recipient's language, and the page's own button (a
/// plain form, no JavaScript) is answered with a page, whatever the browser accepts.
async fn unsubscribe_pages_speak_the_recipients_language(app: TestApp) {
    let r = app.post("/api/v1/auth/register", None, json!({"email": "ona@x.lt", "password": "correct horse battery", "full_name": "Ona Petraitytė", "locale": "lt"})).await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r["id"].as_str().unwrap().to_owned();
    let token = app.login("ona@x.lt").await;
    let user = app.store.user(id.parse().unwrap()).await.unwrap();
    let url = format!(
        "{}/api/v1/unsubscribe/{}",
        app.base,
        app.store.unsubscribe_token(user.id)
    );

    let page = app.send(app.client.get(&url)).await;
    assert_eq!(page.status, 200);
    let html = page.text;
    assert!(html.contains("<html lang=\"lt\">"), "{html}");
    assert!(html.contains("Atsisakyti priminimų"), "{html}");
    assert!(
        html.contains("<form method=\"post\">") && html.contains("name=\"from\" value=\"page\"")
    );
    assert!(!html.contains("<script"), "works without JavaScript");

    // What the browser sends for the form: no Accept header needed for a page back.
    let done = app
        .send(
            app.client
                .post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body("List-Unsubscribe=One-Click&from=page"),
        )
        .await;
    assert_eq!(done.status, 200);
    assert!(
        done.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = done.text;
    assert!(
        html.contains("<html lang=\"lt\">") && html.contains("Priminimų nebegausite."),
        "{html}"
    );
    let prefs = app
        .get("/api/v1/me/notification-preferences", Some(&token))
        .await;
    assert_eq!(prefs["reminders"], false);

    // Spanish and Danish recipients get their language too.
    for (locale, words) in [("es", "Darse de baja"), ("da", "Afmeld påmindelser")] {
        let email = format!("{locale}@x.eu");
        let r = app.post("/api/v1/auth/register", None, json!({"email": email, "password": "correct horse battery", "full_name": "X", "locale": locale})).await;
        let uid: uuid::Uuid = r["id"].as_str().unwrap().parse().unwrap();
        let url = format!(
            "{}/api/v1/unsubscribe/{}",
            app.base,
            app.store.unsubscribe_token(uid)
        );
        let html = app.send(app.client.get(&url)).await.text;
        assert!(html.contains(words), "{locale}: {html}");
    }
}
both!(unsubscribe_pages_speak_the_recipients_language);
