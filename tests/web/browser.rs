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
    fixtures::{World, age},
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
    let (visitor, token) = w.another_visitor(app, 2).await;
    let (id, _) = w.approved(app, visitor, &token).await;
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
    age(app, &id, 60).await;
    (id, token)
}

/// Whether the browser journey is asked for; checked before any server or database is
/// started, so a plain `cargo test` spends nothing on it.
fn wanted() -> bool {
    let on = std::env::var("CXC_BROWSER_TESTS").as_deref() == Ok("1");
    if !on {
        eprintln!("WARNING: browser journey skipped (set CXC_BROWSER_TESTS=1; see docs/web.md)");
    }
    on
}

async fn journey(app: TestApp) {
    let dir = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/browser"));
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
    // The verification link of the newcomer's real mail, handed to the journey in a file.
    let newcomer = "nora.newcomer@journey.test";
    let link_file = std::env::temp_dir().join(format!("cxc-verify-{}", uuid::Uuid::new_v4()));
    let watcher = tokio::spawn({
        let (smtp, file) = (app.smtp.clone(), link_file.clone());
        async move {
            for _ in 0..1200 {
                let found = smtp
                    .received()
                    .into_iter()
                    .find(|m| m.to.iter().any(|t| t == newcomer))
                    .and_then(|m| verification_link(&m.data));
                if let Some(link) = found {
                    std::fs::write(&file, link).unwrap();
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    });
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
            ("NEWCOMER_EMAIL", newcomer.to_owned()),
            ("VERIFY_LINK_FILE", link_file.display().to_string()),
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
    watcher.abort();
    let _ = std::fs::remove_file(&link_file);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "browser journey failed:\n{stdout}\n{stderr}"
    );
    assert!(stdout.contains("zero axe violations"), "{stdout}");
}

/// `/verify-email?token=…` from a mail as the SMTP server got it (quoted-printable soft
/// breaks and `=3D` undone).
fn verification_link(data: &str) -> Option<String> {
    let text = data
        .replace("=\r\n", "")
        .replace("=\n", "")
        .replace("=3D", "=");
    let at = text.find("/verify-email?token=")?;
    let link: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || "/-_?=.~".contains(*c))
        .collect();
    Some(link)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn browser_journey_sqlite() {
    if !wanted() {
        return;
    }
    if let Some(app) = spawn_app(Backend::Sqlite).await {
        journey(app).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn browser_journey_postgres() {
    if !wanted() {
        return;
    }
    if let Some(app) = spawn_app(Backend::Postgres).await {
        journey(app).await;
    }
}
