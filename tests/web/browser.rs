//! The applicant's and the host's journeys in a real browser: Debian's Chromium driven by
//! Playwright (`tests/browser/journey.mjs`), axe-core on every page (WCAG 2.1 AA, zero
//! violations), screenshots under `target/web-screenshots/`.
//!
//! Runs when `CXC_BROWSER_TESTS=1` (`.ci/run` sets it in its browser step after installing
//! `chromium` and running `npm ci` in `tests/browser`); then missing tools are a failure.
//! Without the variable it says it was skipped, so `cargo test` works on any machine.
use std::process::Command;

use chrono::Duration;

use crate::{
    fixtures::World,
    helpers::{Backend, TestApp, spawn_app},
    visit_fixtures::{cern, create, publish, setup},
};

fn tools_present(dir: &std::path::Path) -> bool {
    let chromium = std::path::Path::new("/usr/bin/chromium").exists();
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let modules = dir.join("node_modules/playwright-core").exists()
        && dir.join("node_modules/axe-core").exists();
    chromium && node && modules
}

/// An application of a second visitor that is approved, signed by all four parties and
/// whose exchange ended two months ago: ready for its closing report. Returns its id and
/// its applicant's session.
async fn committed_and_ended(app: &TestApp, w: &World) -> (String, String) {
    use cxc_persistence::{
        entities::applications,
        sea_orm::{ActiveModelTrait, EntityTrait, Set},
    };
    let (visitor, token) = w.another_visitor(app, 2).await;
    let (id, etag) = w.reviewed(app, visitor, &token).await;
    let r = app
        .req(
            reqwest::Method::POST,
            &format!("/api/v1/applications/{id}/decision"),
            Some(&w.coordinator),
            Some(serde_json::json!({"decision": "approve"})),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let sign = |who: String, body: serde_json::Value| {
        let path = format!("/api/v1/applications/{id}/commitment");
        async move {
            let r = app.post(&path, Some(&who), body).await;
            assert_eq!(r.status, 200, "{}", r.text);
        }
    };
    sign(
        token.clone(),
        serde_json::json!({"goals": "Meet suppliers", "agenda": "Day 1 tour"}),
    )
    .await;
    sign(w.host_contact.clone(), serde_json::json!({})).await;
    sign(w.coordinator.clone(), serde_json::json!({})).await;
    // The host's partnership signs through a second coordinator (separation of duties).
    let (_, hop) = w.second_coordinator(app).await;
    sign(hop, serde_json::json!({})).await;
    let uuid: uuid::Uuid = id.parse().unwrap();
    let m = applications::Entity::find_by_id(uuid)
        .one(&app.store.db().conn)
        .await
        .unwrap()
        .unwrap();
    let mut am: applications::ActiveModel = m.clone().into();
    am.start_date = Set(m.start_date - Duration::days(60));
    am.end_date = Set(m.end_date - Duration::days(60));
    am.update(&app.store.db().conn).await.unwrap();
    (id, token)
}

async fn journey(app: TestApp) {
    let dir = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/browser"));
    if std::env::var("CXC_BROWSER_TESTS").as_deref() != Ok("1") {
        eprintln!("WARNING: browser journey skipped (set CXC_BROWSER_TESTS=1; see docs/web.md)");
        return;
    }
    assert!(
        tools_present(&dir),
        "CXC_BROWSER_TESTS=1 needs /usr/bin/chromium, node and `npm ci` in tests/browser"
    );
    let w = World::new(&app, 5, 1_000_000).await;
    let (reported, reporter) = committed_and_ended(&app, &w).await;
    // The applicant signs in through the form (the password the harness registered with).
    let applicant_email = app.store.user(w.applicant_id).await.unwrap().email;
    let fx = setup(&app).await;
    let visit = create(&app, &fx, cern(fx.partnership)).await;
    let visit_id = visit["id"].as_str().unwrap().to_owned();
    publish(&app, &fx, &visit_id).await;
    let shots = std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/web-screenshots"
    ))
    .join(format!("{:?}", app.backend).to_lowercase());
    let out = tokio::task::spawn_blocking({
        let (base, dir) = (app.base.clone(), dir.clone());
        let env = [
            ("BASE_URL", base),
            ("APPLICANT_TOKEN", w.applicant.clone()),
            ("HOST_TOKEN", w.host_contact.clone()),
            ("VISITOR_ORG", w.visitor.to_string()),
            ("HOST_ORG", w.host.to_string()),
            ("CALL_ID", w.call.to_string()),
            ("START_DATE", w.start.to_string()),
            ("END_DATE", (w.start + Duration::days(4)).to_string()),
            ("VISIT_ID", visit_id),
            ("APPLICANT_EMAIL", applicant_email),
            ("APPLICANT_PASSWORD", "correct horse battery".to_owned()),
            ("REPORTED_APP", reported),
            ("REPORTER_TOKEN", reporter),
            ("COORDINATOR_TOKEN", w.coordinator.clone()),
            ("ADMIN_TOKEN", w.admin.clone()),
            ("PARTNER_TOKEN", fx.organiser.clone()),
            ("PARTNER_PARTNERSHIP", fx.partnership.to_string()),
            ("SHOTS", shots.display().to_string()),
        ];
        move || {
            Command::new("node")
                .arg("journey.mjs")
                .current_dir(dir)
                .envs(env)
                .output()
        }
    })
    .await
    .unwrap()
    .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser journey failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("zero axe violations"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn browser_journey_sqlite() {
    if let Some(app) = spawn_app(Backend::Sqlite).await {
        journey(app).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn browser_journey_postgres() {
    if let Some(app) = spawn_app(Backend::Postgres).await {
        journey(app).await;
    }
}
