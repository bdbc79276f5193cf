//! Delivery through the real SMTP server: Message-ID, locale, outages, 5xx/4xx replies,
//! admin re-queue, and two dispatchers racing on one database.
use std::{collections::HashMap, time::Duration};

use cxc_domain::notify::{EmailKind, OutboxStatus};
use cxc_persistence::{
    entities::outbox,
    repositories::outbox::{Envelope, OutboxFilter},
};
use reqwest::Method;
use serde_json::json;

use crate::{
    both,
    helpers::{Backend, TestApp, spawn_with},
    smtp::{Mode, Received, SmtpServer},
};

/// Outbox rows addressed to `to`, newest first.
pub async fn rows_to(app: &TestApp, to: &str) -> Vec<outbox::Model> {
    let f = OutboxFilter {
        to: Some(to.to_owned()),
        limit: 100,
        ..OutboxFilter::default()
    };
    app.store.list_outbox(&f).await.unwrap()
}

/// Waits (up to 20 s) until the newest row to `to` satisfies `ok`.
pub async fn wait_row(
    app: &TestApp,
    to: &str,
    what: &str,
    ok: impl Fn(&outbox::Model) -> bool,
) -> outbox::Model {
    for _ in 0..400 {
        if let Some(r) = rows_to(app, to).await.into_iter().next().filter(|r| ok(r)) {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "outbox row to {to} never became {what}: {:?}",
        rows_to(app, to)
            .await
            .first()
            .map(|r| (&r.status, r.attempts, &r.last_error))
    );
}

/// How often each Message-ID arrived.
pub fn by_message_id(received: &[Received]) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    for m in received {
        *seen
            .entry(m.header("message-id").unwrap_or_default())
            .or_insert(0) += 1;
    }
    seen
}

async fn register(app: &TestApp, email: &str, locale: &str) -> String {
    let r = app
        .post("/api/v1/auth/register", None, json!({"email": email, "password": "correct horse battery", "full_name": "Rūta Žemaitė", "locale": locale}))
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r["id"].as_str().unwrap().to_owned()
}

async fn delivered_in_the_users_locale_with_the_rows_message_id(app: TestApp) {
    register(&app, "ruta@cluster.lt", "lt").await;
    let mail = app.wait_for_mail("ruta@cluster.lt", "ClusterXchange").await;
    let row = wait_row(&app, "ruta@cluster.lt", "sent", |r| {
        r.status == OutboxStatus::Sent
    })
    .await;
    assert_eq!(
        mail.header("message-id").unwrap(),
        format!("<{}>", row.message_id)
    );
    assert_eq!(row.attempts, 1);
    // Registration mails the verification link first (the welcome follows it).
    assert_eq!(row.kind, EmailKind::VerifyEmail);
    assert_eq!(row.locale, "lt");
    assert!(
        row.subject.starts_with("Patvirtinkite"),
        "Lithuanian subject, got {:?}",
        row.subject
    );
    let subject = mail.header("subject").unwrap();
    assert!(
        subject.to_ascii_lowercase().contains("=?utf-8?"),
        "encoded Lithuanian subject: {subject}"
    );
    assert!(
        mail.header("list-unsubscribe").is_none(),
        "transactional mail has no unsubscribe"
    );
    assert!(row.sent_at.is_some());
}
both!(delivered_in_the_users_locale_with_the_rows_message_id);

async fn smtp_outage_then_recovery_delivers_everything_once(app: TestApp) {
    app.smtp.shutdown();
    let emails: Vec<String> = (0..5).map(|i| format!("outage{i}@x.eu")).collect();
    for e in &emails {
        register(&app, e, "en").await;
    }
    for e in &emails {
        wait_row(&app, e, "deferred", |r| {
            r.status == OutboxStatus::Pending && r.attempts >= 1 && r.last_error.is_some()
        })
        .await;
    }
    let back = SmtpServer::start_on(app.smtp.addr).await;
    for e in &emails {
        wait_row(&app, e, "sent", |r| r.status == OutboxStatus::Sent).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let got = back.received();
    assert_eq!(
        got.len(),
        emails.len(),
        "each message exactly once: {:?}",
        got.iter().map(|m| &m.to).collect::<Vec<_>>()
    );
    for e in &emails {
        assert_eq!(got.iter().filter(|m| m.to.contains(e)).count(), 1, "{e}");
    }
    assert!(by_message_id(&got).values().all(|n| *n == 1));
    assert!(
        app.smtp
            .received()
            .iter()
            .all(|m| !m.to.iter().any(|t| t.starts_with("outage")))
    );
}
both!(smtp_outage_then_recovery_delivers_everything_once);

async fn permanent_rejection_fails_at_once_and_an_admin_requeues_it(app: TestApp) {
    let admin = app.admin().await;
    let (_, user) = app.user("nosy@x.eu").await;
    app.smtp.set_mode(Mode::Reject);
    register(&app, "bounce@x.eu", "en").await;
    let row = wait_row(&app, "bounce@x.eu", "failed", |r| {
        r.status == OutboxStatus::Failed
    })
    .await;
    assert_eq!(row.attempts, 1, "a 5xx is not retried");
    assert!(
        row.last_error.as_deref().unwrap().contains("550"),
        "{:?}",
        row.last_error
    );

    let r = app
        .get(
            "/api/v1/admin/outbox?status=failed&to=BOUNCE@x.eu",
            Some(&admin),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let items = r["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    let item = &items[0];
    assert_eq!(item["id"], row.id.to_string().as_str());
    assert_eq!(item["message_id"], row.message_id.as_str());
    assert_eq!(item["kind"], "verify_email");
    assert_eq!(item["to_email"], "bounce@x.eu");
    assert_eq!(item["status"], "failed");
    assert_eq!(item["attempts"], 1);
    for k in [
        "subject",
        "not_before",
        "last_error",
        "created_at",
        "sent_at",
    ] {
        assert!(item.get(k).is_some(), "item has {k}");
    }
    assert_eq!(
        app.get("/api/v1/admin/outbox", Some(&user)).await.status,
        403
    );
    assert_eq!(app.get("/api/v1/admin/outbox", None).await.status, 401);
    assert_eq!(
        app.get("/api/v1/admin/outbox?status=lost", Some(&admin))
            .await
            .status,
        422
    );

    app.smtp.set_mode(Mode::Accept);
    let retry = format!("/api/v1/admin/outbox/{}/retry", row.id);
    let r = app.req(Method::POST, &retry, Some(&user), None, &[]).await;
    assert_eq!(r.status, 403);
    let r = app.req(Method::POST, &retry, Some(&admin), None, &[]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["status"], "pending");
    app.wait_for_mail("bounce@x.eu", "Confirm").await;
    let row = wait_row(&app, "bounce@x.eu", "sent", |r| {
        r.status == OutboxStatus::Sent
    })
    .await;
    assert_eq!(
        row.attempts, 1,
        "the re-queue starts a fresh attempt budget"
    );
    let r = app.req(Method::POST, &retry, Some(&admin), None, &[]).await;
    assert_eq!(r.status, 409);
    assert_eq!(r["code"], "not_failed");
    let r = app
        .req(
            Method::POST,
            &format!("/api/v1/admin/outbox/{}/retry", uuid::Uuid::now_v7()),
            Some(&admin),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(
        app.req(
            Method::POST,
            "/api/v1/admin/outbox/nope/retry",
            Some(&admin),
            None,
            &[]
        )
        .await
        .status,
        404
    );
}
both!(permanent_rejection_fails_at_once_and_an_admin_requeues_it);

async fn admin_outbox_pages_with_a_cursor(app: TestApp) {
    let admin = app.admin().await;
    for i in 0..3 {
        register(&app, &format!("page{i}@x.eu"), "en").await;
    }
    let first = app.get("/api/v1/admin/outbox?limit=2", Some(&admin)).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .get(
            &format!("/api/v1/admin/outbox?limit=2&cursor={cursor}"),
            Some(&admin),
        )
        .await;
    let ids: Vec<_> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|i| i["id"].clone())
        .collect();
    assert_eq!(ids.len(), 4, "admin welcome + three users");
    assert!(
        ids.windows(2).all(|w| w[0].as_str() > w[1].as_str()),
        "newest first, no overlap"
    );
    assert!(second["next_cursor"].is_null());
    assert_eq!(
        app.get("/api/v1/admin/outbox?limit=0", Some(&admin))
            .await
            .status,
        422
    );
    assert_eq!(
        app.get("/api/v1/admin/outbox?cursor=zzz", Some(&admin))
            .await
            .status,
        422
    );
}
both!(admin_outbox_pages_with_a_cursor);

async fn a_4xx_reply_is_retried_with_backoff(app: TestApp) {
    app.smtp.set_mode(Mode::Defer);
    register(&app, "later@x.eu", "en").await;
    let first = wait_row(&app, "later@x.eu", "deferred once", |r| {
        r.status == OutboxStatus::Pending && r.attempts == 1
    })
    .await;
    assert!(
        first.last_error.as_deref().unwrap().contains("451"),
        "{:?}",
        first.last_error
    );
    let wait = first.not_before - first.created_at;
    assert!(
        wait >= chrono::Duration::milliseconds(450),
        "backoff of about 1 s ±50 %, got {wait}"
    );
    wait_row(&app, "later@x.eu", "deferred twice", |r| {
        r.status == OutboxStatus::Pending && r.attempts == 2
    })
    .await;
    app.smtp.set_mode(Mode::Accept);
    let row = wait_row(&app, "later@x.eu", "sent", |r| {
        r.status == OutboxStatus::Sent
    })
    .await;
    assert!(row.attempts >= 3);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        app.smtp
            .received()
            .iter()
            .filter(|m| m.to.iter().any(|t| t == "later@x.eu"))
            .count(),
        1
    );
}
both!(a_4xx_reply_is_retried_with_backoff);

fn small_batches(s: &mut cxc_server::settings::Settings) {
    s.dispatcher.batch_size = 5;
    s.dispatcher.concurrency = 5;
}

/// Enqueues `n` welcome messages to `{prefix}{i}@x.eu` in one transaction.
async fn enqueue_many(app: &TestApp, prefix: &str, n: i64) {
    let tx = app.store.db().write().await.unwrap();
    for i in 0..n {
        let env = Envelope {
            email: cxc_domain::notify::Email::Welcome,
            to_email: format!("{prefix}{i}@x.eu"),
            to_name: format!("Racer {i}"),
            to_user_id: None,
            locale: "en".into(),
            reminders_wanted: true,
            attachments: Vec::new(),
            subject_id: None,
            not_before: None,
        };
        app.store.enqueue(&tx.tx, env).await.unwrap();
    }
    tx.commit().await.unwrap();
}

/// Two server processes' dispatchers on one database and 200 due messages: every one is
/// sent and arrives exactly once, none is lost. Which dispatcher sends how many depends
/// on scheduling, so it is not asserted here (see `claims_are_disjoint`).
async fn two_dispatchers_race_without_duplicates(app: TestApp) {
    let peer = app.spawn_peer(small_batches).await;
    let n = 200;
    enqueue_many(&app, "race", n).await;
    // A deadline, not a duration: under load delivery is slower, never different.
    let deadline = std::time::Instant::now() + Duration::from_secs(180);
    while peer.store.outbox_stats().await.unwrap().sent < n && std::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let stats = app.store.outbox_stats().await.unwrap();
    assert_eq!(
        (stats.sent, stats.pending, stats.sending, stats.failed),
        (n, 0, 0, 0)
    );
    let got: Vec<Received> = app
        .smtp
        .received()
        .into_iter()
        .filter(|m| m.to.iter().any(|t| t.starts_with("race")))
        .collect();
    let seen = by_message_id(&got);
    assert_eq!(
        seen.len(),
        usize::try_from(n).unwrap(),
        "every message arrived"
    );
    let dupes: Vec<_> = seen.iter().filter(|(_, c)| **c > 1).collect();
    assert!(dupes.is_empty(), "sent twice: {dupes:?}");
}

/// The participation claim, made deterministic: two workers (one per server process)
/// claim from one queue in turns and then all at once; no message is handed to both,
/// each turn gets its own batch, and together they claim every message.
async fn claims_are_disjoint(app: TestApp) {
    let peer = app.spawn_peer(|s| s.dispatcher.enabled = false).await;
    let n = 60;
    enqueue_many(&app, "claim", n).await;
    let lease = chrono::Duration::seconds(300);
    let first = app.store.claim_due("worker-a", 5, lease).await.unwrap();
    let second = peer.store.claim_due("worker-b", 5, lease).await.unwrap();
    assert_eq!(
        (first.len(), second.len()),
        (5, 5),
        "both workers took part"
    );
    let mut owner: HashMap<uuid::Uuid, String> = HashMap::new();
    for (who, rows) in [("worker-a", &first), ("worker-b", &second)] {
        for r in rows {
            assert_eq!(r.locked_by.as_deref(), Some(who));
            assert!(
                owner.insert(r.id, who.into()).is_none(),
                "claimed twice: {}",
                r.id
            );
        }
    }
    // Then a free-for-all of both processes until the queue is empty.
    let race = |store: cxc_persistence::repositories::Store, who: &'static str| async move {
        let mut got = Vec::new();
        loop {
            let batch = store.claim_due(who, 5, lease).await.unwrap();
            if batch.is_empty() {
                return got;
            }
            got.extend(batch.into_iter().map(|r| r.id));
        }
    };
    let (a, b) = tokio::join!(
        tokio::spawn(race(app.store.clone(), "worker-a")),
        tokio::spawn(race(peer.store.clone(), "worker-b"))
    );
    for (who, ids) in [("worker-a", a.unwrap()), ("worker-b", b.unwrap())] {
        for id in ids {
            assert!(
                owner.insert(id, who.into()).is_none(),
                "claimed twice: {id}"
            );
        }
    }
    assert_eq!(
        owner.len(),
        usize::try_from(n).unwrap(),
        "every message claimed"
    );
}

mod claims_disjoint {
    use super::*;

    fn no_dispatcher(s: &mut cxc_server::settings::Settings) {
        s.dispatcher.enabled = false;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        if let Some(app) = spawn_with(Backend::Postgres, no_dispatcher).await {
            claims_are_disjoint(app).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        if let Some(app) = spawn_with(Backend::Sqlite, no_dispatcher).await {
            claims_are_disjoint(app).await;
        }
    }
}

mod two_dispatchers_race {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        if let Some(app) = spawn_with(Backend::Postgres, small_batches).await {
            two_dispatchers_race_without_duplicates(app).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        if let Some(app) = spawn_with(Backend::Sqlite, small_batches).await {
            two_dispatchers_race_without_duplicates(app).await;
        }
    }
}

/// A worker that claims and then dies never settles: once its lease runs out another
/// dispatcher claims the message again and delivers it; the dead worker's late outcome
/// is refused.
async fn an_expired_lease_is_claimed_again(app: TestApp) {
    register(&app, "orphan@x.eu", "en").await;
    let claimed = app
        .store
        .claim_due("dead-worker", 10, chrono::Duration::seconds(1))
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1);
    assert_eq!(
        (claimed[0].status.as_str(), claimed[0].attempts),
        ("sending", 1)
    );
    let _live = app.spawn_peer(|s| s.dispatcher.enabled = true).await;
    let row = wait_row(&app, "orphan@x.eu", "sent", |r| {
        r.status == OutboxStatus::Sent
    })
    .await;
    assert_eq!(row.attempts, 2, "the crashed attempt counts");
    assert_ne!(row.locked_by.as_deref(), Some("dead-worker"));
    assert!(
        !app.store
            .mark_failed(row.id, "dead-worker", "late")
            .await
            .unwrap(),
        "a lost lease cannot settle"
    );
    assert_eq!(
        app.store.outbox_message(row.id).await.unwrap().status,
        OutboxStatus::Sent
    );
    assert_eq!(
        app.smtp
            .received()
            .iter()
            .filter(|m| m.to.iter().any(|t| t == "orphan@x.eu"))
            .count(),
        1
    );
}

mod expired_lease {
    use super::*;

    fn no_dispatcher(s: &mut cxc_server::settings::Settings) {
        s.dispatcher.enabled = false;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        if let Some(app) = spawn_with(Backend::Postgres, no_dispatcher).await {
            an_expired_lease_is_claimed_again(app).await;
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        if let Some(app) = spawn_with(Backend::Sqlite, no_dispatcher).await {
            an_expired_lease_is_claimed_again(app).await;
        }
    }
}
