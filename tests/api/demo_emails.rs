//! What the demo data sends: every email greets its recipient by name, and no reminder
//! waits for an exchange already reported or paid, or for a moment already past.
use chrono::Utc;
use cxc_domain::notify::{EmailKind, OutboxStatus};
use cxc_persistence::{
    entities::{applications, outbox},
    repositories::outbox::OutboxFilter,
    sea_orm::EntityTrait,
};

use crate::{both, helpers::TestApp};

/// The greeting of each locale, as the layouts write it.
fn greeting(locale: &str, name: &str) -> String {
    match locale {
        "lt" => format!("Sveiki, {name},"),
        "da" => format!("Hej {name},"),
        "es" => format!("Hola, {name}:"),
        _ => format!("Hello {name},"),
    }
}

async fn demo_emails_greet_by_name_and_skip_moot_reminders(app: TestApp) {
    cxc_server::seed::demo(&app.store).await.unwrap();
    let rows: Vec<outbox::Model> = app
        .store
        .list_outbox(&OutboxFilter {
            limit: 100_000,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(rows.len() > 50, "the demo sends plenty: {}", rows.len());
    for r in &rows {
        let name = r.to_name.as_deref().unwrap_or_default();
        assert!(!name.trim().is_empty(), "{} to {}", r.kind, r.to_email);
        let first = r.body_text.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            greeting(&r.locale, name),
            "{} to {}",
            r.kind,
            r.to_email
        );
    }

    let apps = applications::Entity::find()
        .all(&app.store.db().conn)
        .await
        .unwrap();
    let today = Utc::now().date_naive();
    let mut checked = 0;
    for a in &apps {
        let waiting = |kind: EmailKind| {
            rows.iter().any(|r| {
                r.subject_id == Some(a.id) && r.kind == kind && r.status == OutboxStatus::Pending
            })
        };
        if matches!(a.status.as_str(), "reported" | "completed" | "paid") {
            checked += 1;
            assert!(
                !waiting(EmailKind::ReminderExchangeStart),
                "{} {}",
                a.status,
                a.id
            );
            assert!(!waiting(EmailKind::ReportDue), "{} {}", a.status, a.id);
        }
        if a.status == cxc_domain::workflow::Status::Paid {
            assert!(!waiting(EmailKind::PaymentOverdue));
        }
        if waiting(EmailKind::ReminderExchangeStart) {
            assert!(a.start_date > today, "a reminder for a start already past");
        }
    }
    assert!(checked >= 3, "the demo walks exchanges past the report");
    for r in rows
        .iter()
        .filter(|r| r.optional && r.status == OutboxStatus::Pending)
    {
        assert!(r.not_before > Utc::now(), "{} already due", r.kind);
    }
}
both!(demo_emails_greet_by_name_and_skip_moot_reminders);
