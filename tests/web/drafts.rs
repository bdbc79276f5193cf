//! Editing a draft application (issue 15): the apply form filled with the draft, saved
//! with `If-Match`, so a change made elsewhere in the meantime is reported, not overwritten.
use reqwest::StatusCode;
use serde_json::json;

use crate::{both, client::Browser, fixtures::World, helpers::TestApp};

/// The form fields of the edit page, as the browser would send them back.
fn fields_of(html: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for name in [
        "version",
        "organisation_id",
        "host_organisation_id",
        "start_date",
        "end_date",
        "participant.full_name",
        "participant.email",
        "participant.job_title",
        "participant.nationality",
        "participant.base_country",
        "travel_days",
    ] {
        let marker = format!("name=\"{name}\"");
        let Some(at) = html.find(&marker) else {
            continue;
        };
        let tag_start = html[..at].rfind('<').unwrap();
        let tag_end = at + html[at..].find('>').unwrap();
        let tag = &html[tag_start..tag_end];
        let value = if tag.starts_with("<select") {
            let rest = &html[tag_end..];
            let close = rest.find("</select>").unwrap();
            rest[..close]
                .split("<option")
                .find(|o| o.contains(" selected"))
                .and_then(|o| o.split("value=\"").nth(1))
                .map(|v| v[..v.find('"').unwrap()].to_owned())
                .unwrap_or_default()
        } else {
            tag.split("value=\"")
                .nth(1)
                .map(|v| v[..v.find('"').unwrap()].to_owned())
                .unwrap_or_default()
        };
        let value = value.replace("&quot;", "\"").replace("&amp;", "&");
        out.push((name.to_owned(), value));
    }
    out
}

async fn applicant_edits_a_draft_and_a_stale_edit_is_reported(app: TestApp) {
    let w = World::new(&app, 5, 1_000_000).await;
    let id = w.draft(&app, w.visitor, &w.applicant).await;
    let mut b = Browser::with_session(&app, &w.applicant);
    let page = b.get(&format!("/applications/{id}")).await;
    assert!(
        page.has(&format!("/applications/{id}/edit")),
        "{}",
        page.html
    );
    let form = b.get(&format!("/applications/{id}/edit")).await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.html);
    assert!(
        form.has("Learn how Big Science procurement works"),
        "the draft fills the form"
    );
    let mut fields = fields_of(&form.html);
    assert!(
        fields.iter().any(|(k, v)| k == "version" && !v.is_empty()),
        "{fields:?}"
    );
    fields.push(("objectives".into(), "Meet the cryogenics suppliers".into()));
    fields.push(("activities".into(), "workshop\nsupplier day".into()));
    fields.push(("sectors".into(), "energy".into()));
    let as_refs = |f: &[(String, String)]| -> Vec<(String, String)> { f.to_vec() };
    let send: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    // A bad email: the API's message next to the field, nothing saved.
    let mut bad = send.clone();
    bad.retain(|(k, _)| *k != "participant.email");
    bad.push(("participant.email", "nope"));
    let p = b.post(&format!("/applications/{id}/edit"), &bad).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    assert!(p.has("href=\"#f-participant-email\""), "{}", p.html);
    let p = b.post(&format!("/applications/{id}/edit"), &send).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let api = app
        .get(&format!("/api/v1/applications/{id}"), Some(&w.applicant))
        .await;
    assert_eq!(api["objectives"], "Meet the cryogenics suppliers");
    assert_eq!(api["activities"], json!(["workshop", "supplier day"]));
    assert_eq!(api["participant"]["email"], "ruta@sme.lt");
    // The same form sent again carries the old version: the change made in between (by
    // the save above) is reported and the draft is not overwritten.
    let mut stale = as_refs(&fields);
    stale.retain(|(k, _)| k != "objectives");
    stale.push(("objectives".into(), "Overwrite attempt".into()));
    let stale: Vec<(&str, &str)> = stale
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let p = b.post(&format!("/applications/{id}/edit"), &stale).await;
    assert_eq!(p.status, StatusCode::CONFLICT, "{}", p.html);
    assert!(p.has("changed elsewhere"), "{}", p.html);
    assert!(
        p.has("Meet the cryogenics suppliers"),
        "the current draft is shown"
    );
    let api = app
        .get(&format!("/api/v1/applications/{id}"), Some(&w.applicant))
        .await;
    assert_eq!(api["objectives"], "Meet the cryogenics suppliers");
    // Once submitted there is nothing to edit: the API refuses, the page says so.
    app.post(
        &format!("/api/v1/applications/{id}/submit"),
        Some(&w.applicant),
        json!({}),
    )
    .await;
    let page = b.get(&format!("/applications/{id}")).await;
    assert!(!page.has(&format!("/applications/{id}/edit")));
    let fresh = b.get(&format!("/applications/{id}/edit")).await;
    let again: Vec<(String, String)> = fields_of(&fresh.html);
    let again: Vec<(&str, &str)> = again
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let p = b.post(&format!("/applications/{id}/edit"), &again).await;
    assert!(p.status.is_client_error(), "{}", p.status);
    // Someone else cannot even open the form.
    let (_, stranger) = app.user("nosy@example.eu").await;
    let mut s = Browser::with_session(&app, &stranger);
    assert_eq!(
        s.get(&format!("/applications/{id}/edit")).await.status,
        StatusCode::NOT_FOUND
    );
}
both!(applicant_edits_a_draft_and_a_stale_edit_is_reported);
