//! Every page of the applicant's and the host's journeys at the HTML level: status,
//! language, what the API decided shown on the page, errors next to their fields.
use chrono::Duration;
use reqwest::StatusCode;
use serde_json::json;

use crate::{
    both,
    client::{Browser, assert_pages_in},
    fixtures::World,
    helpers::TestApp,
    visit_fixtures::{add_item, cern, create, item, participant, publish, setup},
};

async fn organisation_registration_asks_only_the_profiles_questions(app: TestApp) {
    let w = World::new(&app, 5, 1_000_000).await;
    let mut b = Browser::with_session(&app, &w.applicant);
    let p = b.get("/organisations/new").await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.has("name=\"profile\"") && p.has("type=\"radio\""));
    let sme = b.get("/organisations/new?profile=sme").await;
    assert!(sme.has("name=\"headcount\""));
    assert!(sme.has("name=\"partner_enterprises[0].stake_percent\""));
    assert!(sme.has("name=\"linked_enterprises[0].headcount\""));
    assert!(sme.has("name=\"cluster_ids\""));
    let big = b.get("/organisations/new?profile=large_company").await;
    assert!(
        !big.has("name=\"headcount\""),
        "a large company is not asked SME figures"
    );
    assert!(!big.has("partner_enterprises"));
    let cluster = b
        .get("/organisations/new?profile=cluster_organisation")
        .await;
    assert!(cluster.has("name=\"managing_partnership_id\""));
    assert!(!cluster.has("name=\"cluster_ids\""));

    // Another partner row, without JavaScript: the form comes back with two rows, kept.
    let base = [
        ("profile", "sme"),
        ("name", "Kaunas Photonics UAB"),
        ("country", "LT"),
        ("city", "Kaunas"),
        ("latitude", "54,8985"),
        ("longitude", "23.9036"),
        (
            "eccp_profile_url",
            "https://clustercollaboration.eu/kaunas-photonics",
        ),
        ("sectors", "energy"),
        ("competencies", "optics, lasers"),
        ("partner_rows", "1"),
        ("linked_rows", "1"),
        ("partner_enterprises[0].stake_percent", "30"),
        ("partner_enterprises[0].headcount", "10"),
        ("partner_enterprises[0].annual_turnover_cents", "1 000 000"),
    ];
    let cluster_id = w.lt_cluster.to_string();
    let mut fields: Vec<(&str, &str)> = base.to_vec();
    fields.push(("cluster_ids", &cluster_id));
    fields.push(("add", "partner"));
    let p = b.post("/organisations/new", &fields).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.has("name=\"partner_enterprises[1].stake_percent\""));
    assert!(p.has("value=\"Kaunas Photonics UAB\""));

    // The API's rules, next to their fields: a negative headcount, a stake over 50 %.
    let mut bad = fields.clone();
    bad.retain(|(k, _)| *k != "add");
    bad.push(("headcount", "-3"));
    bad.push(("partner_enterprises[1].stake_percent", "150"));
    let p = b.post("/organisations/new", &bad).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    assert!(p.has("There is a problem"));
    assert!(p.has("id=\"f-headcount-error\""), "{}", p.html);
    assert!(
        p.has("href=\"#f-partner_enterprises-1--stake_percent\""),
        "{}",
        p.html
    );
    // What the page itself cannot read is said in the page's language.
    let mut unreadable = fields.clone();
    unreadable.retain(|(k, _)| *k != "add");
    unreadable.push(("headcount", "twelve"));
    let p = b.post("/organisations/new", &unreadable).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.has("Enter a number"));

    let mut good = fields.clone();
    good.retain(|(k, _)| *k != "add");
    good.extend([
        ("headcount", "25"),
        ("annual_turnover_cents", "3000000"),
        ("balance_sheet_total_cents", "2000000"),
    ]);
    let p = b.post("/organisations/new", &good).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let org = b.get(p.location()).await;
    assert_eq!(org.status, StatusCode::OK);
    assert!(org.has("Kaunas Photonics UAB"));
    assert!(org.has("May it visit?") && org.has("May it host?"));
    assert!(
        org.has("class=\"pass\""),
        "every check listed: {}",
        org.html
    );
    let id = p
        .location()
        .trim_start_matches("/organisations/")
        .to_owned();
    let stored = app
        .get(&format!("/api/v1/organisations/{id}"), Some(&w.applicant))
        .await;
    assert_eq!(stored["annual_turnover_cents"], 300_000_000);
    assert_eq!(
        stored["partner_enterprises"][0]["annual_turnover_cents"],
        100_000_000
    );
    assert_eq!(
        stored["partner_enterprises"].as_array().unwrap().len(),
        1,
        "the empty row is left out"
    );
    // My organisations: the new one and the world's visitor (one request, mine=true),
    // not the host another user runs.
    let mine = b.get("/organisations").await;
    assert!(mine.has("Kaunas Photonics UAB") && mine.has("Vilnius Optics UAB"));
    assert!(!mine.has("Aarhus Instruments ApS"), "{}", mine.html);
}
both!(organisation_registration_asks_only_the_profiles_questions);

async fn applicant_finds_a_host_applies_and_submits(app: TestApp) {
    let w = World::new(&app, 5, 1_000_000).await;
    let mut b = Browser::with_session(&app, &w.applicant);
    let hosts = b.get(&format!("/organisations/{}/hosts", w.visitor)).await;
    assert_eq!(hosts.status, StatusCode::OK);
    assert!(hosts.has("Suggested hosts"));
    let found = b
        .get(&format!(
            "/organisations/{}/hosts?sector=space&competency=",
            w.visitor
        ))
        .await;
    assert!(
        found.has("organisations found") || found.has("organisation found"),
        "{}",
        found.html
    );
    let calls = b.get("/calls").await;
    assert!(calls.has(&format!("/calls/{}/apply", w.call)));
    let form = b
        .get(&format!(
            "/calls/{}/apply?organisation={}&host={}",
            w.call, w.visitor, w.host
        ))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.has("data-figures="), "figures refresh hook");
    // The applicant's organisation is offered as the visitor, not as a host.
    assert!(form.has("Vilnius Optics UAB") && form.has("Aarhus Instruments ApS (DK)"));
    assert!(!form.has("Vilnius Optics UAB (LT)"), "{}", form.html);
    // Without JavaScript the figures come with the form ("Update the figures").
    let start = w.start.to_string();
    let end = (w.start + Duration::days(4)).to_string();
    let visitor = w.visitor.to_string();
    let host = w.host.to_string();
    let fields = [
        ("organisation_id", visitor.as_str()),
        ("host_organisation_id", host.as_str()),
        ("participant.full_name", "Rūta Jonaitė"),
        ("participant.email", "ruta@sme.lt"),
        ("participant.job_title", "Engineer"),
        ("participant.nationality", "LT"),
        ("participant.base_country", "LT"),
        ("start_date", start.as_str()),
        ("end_date", end.as_str()),
        ("objectives", "Learn how Big Science procurement works"),
        ("activities", "workshop\nsite visit"),
        ("sectors", "energy"),
    ];
    let mut figures = fields.to_vec();
    figures.push(("action", "figures"));
    let p = b.post(&format!("/calls/{}/apply", w.call), &figures).await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(p.has("id=\"figures\""));
    // The fragment the script asks for.
    let frag = b
        .get(&format!("/calls/{}/figures?host_organisation_id={host}&organisation_id={visitor}&start_date={start}&end_date={end}", w.call))
        .await;
    assert_eq!(frag.status, StatusCode::OK);
    assert!(!frag.has("<html"), "a fragment, not a page");

    // Missing objectives and a bad email: the API's messages next to the fields.
    let mut bad = fields.to_vec();
    bad.retain(|(k, _)| *k != "objectives" && *k != "participant.email");
    bad.push(("participant.email", "nope"));
    bad.push(("objectives", ""));
    let p = b.post(&format!("/calls/{}/apply", w.call), &bad).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    assert!(p.has("href=\"#f-participant-email\""), "{}", p.html);
    assert!(p.has("id=\"f-objectives-error\""), "{}", p.html);

    let mut save = fields.to_vec();
    save.push(("action", "save"));
    let p = b.post(&format!("/calls/{}/apply", w.call), &save).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let app_path = p.location().to_owned();
    let page = b.get(&app_path).await;
    assert!(
        page.has("Draft") && page.has("Submit the application"),
        "{}",
        page.html
    );
    let id = app_path.trim_start_matches("/applications/").to_owned();
    let p = b.post(&format!("/applications/{id}/submit"), &[]).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let page = b.get(&app_path).await;
    assert!(page.has("Your application is submitted."));
    assert!(page.has("History"));
    assert!(page.has("Working days"));
    let api = app
        .get(&format!("/api/v1/applications/{id}"), Some(&w.applicant))
        .await;
    assert_eq!(api["status"], "submitted");
    assert!(b.get("/applications").await.has(&app_path));
}
both!(applicant_finds_a_host_applies_and_submits);

async fn a_failed_submission_lists_every_rule_at_once(app: TestApp) {
    let w = World::new(&app, 5, 1_000_000).await;
    // One day only, and the host in the visitor's own country: two rules fail.
    let mut body = w.body(w.visitor);
    body["end_date"] = json!(w.start);
    body["host_organisation_id"] = json!(w.lt_cluster);
    let r = app
        .post(
            &format!("/api/v1/calls/{}/applications", w.call),
            Some(&w.applicant),
            body,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let id = r["id"].as_str().unwrap().to_owned();
    let api = app
        .post(
            &format!("/api/v1/applications/{id}/submit"),
            Some(&w.applicant),
            json!({}),
        )
        .await;
    assert_eq!(api.status, 422);
    let mut b = Browser::with_session(&app, &w.applicant);
    b.get(&format!("/applications/{id}")).await;
    let p = b.post(&format!("/applications/{id}/submit"), &[]).await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.has("There is a problem"));
    for e in api["errors"].as_array().unwrap() {
        let m = e["message"].as_str().unwrap();
        let escaped = m
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;");
        assert!(p.has(&escaped), "missing '{m}' in {}", p.html);
    }
    assert!(api["errors"].as_array().unwrap().len() >= 2);
}
both!(a_failed_submission_lists_every_rule_at_once);

async fn host_answers_and_both_sign_the_commitment(app: TestApp) {
    let w = World::new(&app, 5, 1_000_000).await;
    let id = w.submitted(&app, w.visitor, &w.applicant).await;
    let mut host = Browser::with_session(&app, &w.host_contact);
    let list = host.get("/applications").await;
    assert!(list.has("Requests to host"), "{}", list.html);
    let page = host.get(&format!("/applications/{id}")).await;
    assert!(
        page.has("Will your organisation host this exchange?"),
        "{}",
        page.html
    );
    // No choice made: the API's message next to the radio buttons.
    let p = host
        .post(
            &format!("/applications/{id}/host-response"),
            &[("comment", "x")],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.html);
    let p = host
        .post(
            &format!("/applications/{id}/host-response"),
            &[
                ("response", "accept"),
                ("comment", "Jonas will welcome you at the gate."),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let page = host.get(&format!("/applications/{id}")).await;
    assert!(page.has("Accepted") && page.has("Your answer is sent"));
    // Approved by the coordinator through the API; then both sign on the pages.
    let etag = w.review(&app, &id).await;
    w.approve(&app, &id, &etag).await;
    let mut applicant = Browser::with_session(&app, &w.applicant);
    let page = applicant.get(&format!("/applications/{id}")).await;
    assert!(
        page.has("Commitment to Quality") && page.has("name=\"goals\""),
        "{}",
        page.html
    );
    let p = applicant
        .post(
            &format!("/applications/{id}/commitment"),
            &[
                ("goals", "Learn procurement"),
                ("agenda", "Day 1 workshop; day 2 site visit"),
            ],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let page = host.get(&format!("/applications/{id}")).await;
    assert!(page.has("Learn procurement") && !page.has("name=\"goals\""));
    assert_eq!(
        host.post(&format!("/applications/{id}/commitment"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let c = app
        .get(
            &format!("/api/v1/applications/{id}/commitment"),
            Some(&w.applicant),
        )
        .await;
    assert!(
        c["visitor"].is_object() && c["host"].is_object(),
        "{}",
        c.text
    );
    // The closing report waits for the end of the exchange.
    let page = applicant.get(&format!("/applications/{id}")).await;
    assert!(page.has("Signed"));
    // Someone else sees nothing.
    let (_, stranger) = app.user("stranger@example.eu").await;
    let mut s = Browser::with_session(&app, &stranger);
    assert_eq!(
        s.get(&format!("/applications/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}
both!(host_answers_and_both_sign_the_commitment);

async fn group_visit_registration_waiting_list_and_cancel(app: TestApp) {
    let fx = setup(&app).await;
    let visit = create(&app, &fx, cern(fx.partnership)).await;
    let id = visit["id"].as_str().unwrap().to_owned();
    add_item(
        &app,
        &fx,
        &id,
        item(
            "facility_visit",
            "ATLAS cavern",
            "2027-03-27T09:00",
            "2027-03-27T12:00",
            "CERN Meyrin",
        ),
    )
    .await;
    publish(&app, &fx, &id).await;
    let mut anon = Browser::new(&app);
    let list = anon.get("/visits").await;
    assert!(list.has("BIGINN 360ºXchange: CERN"));
    let page = anon.get(&format!("/visits/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.has("ATLAS cavern") && page.has("Europe/Zurich"));
    assert!(
        page.has(&format!("/api/v1/group-visits/{id}/agenda.ics")),
        "calendar subscription"
    );
    assert!(page.has("webcal://"));
    let (_, token, org) = participant(&app, "ona@cluster.lt").await;
    let mut b = Browser::with_session(&app, &token);
    b.get(&format!("/visits/{id}")).await;
    let p = b
        .post(
            &format!("/visits/{id}/register"),
            &[("organisation_id", &org.to_string())],
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.html);
    let page = b.get(&format!("/visits/{id}")).await;
    assert!(page.has("Place confirmed"), "{}", page.html);
    assert!(b.get("/visits").await.has("Your registrations"));
    // Registering twice: the API's conflict on the page.
    let p = b
        .post(
            &format!("/visits/{id}/register"),
            &[("organisation_id", &org.to_string())],
        )
        .await;
    assert_ne!(p.status, StatusCode::SEE_OTHER);
    let reg = page
        .html
        .split(&format!("/visits/{id}/registrations/"))
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let p = b
        .post(&format!("/visits/{id}/registrations/{reg}/cancel"), &[])
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let page = b.get(&format!("/visits/{id}")).await;
    assert!(page.has("Your registration is cancelled.") && page.has("name=\"organisation_id\""));
}
both!(group_visit_registration_waiting_list_and_cancel);

async fn every_page_in_every_language(app: TestApp) {
    let w = World::new(&app, 5, 1_000_000).await;
    let id = w.draft(&app, w.visitor, &w.applicant).await;
    let pages = [
        "/".to_owned(),
        "/organisations".to_owned(),
        "/organisations/new".to_owned(),
        "/organisations/new?profile=sme".to_owned(),
        format!("/organisations/{}", w.visitor),
        format!("/organisations/{}/hosts", w.visitor),
        "/calls".to_owned(),
        format!("/calls/{}/apply", w.call),
        "/applications".to_owned(),
        format!("/applications/{id}"),
        format!("/applications/{id}/edit"),
        "/visits".to_owned(),
    ];
    for lang in ["en", "lt", "da", "es"] {
        assert_pages_in(&app, &w.applicant, lang, &pages).await;
    }
    for p in [
        "/sign-in",
        "/sign-up",
        "/visits",
        "/calls",
        "/verify-email?token=x",
        "/forgot-password",
        "/reset-password?token=x",
    ] {
        let mut b = Browser::new(&app);
        let page = b.get(p).await;
        assert_eq!(page.status, StatusCode::OK, "{p}");
        assert_eq!(page.lang(), "en");
    }
    // Signed-out visitors of a private page are sent to sign in, and come back.
    let mut b = Browser::new(&app);
    let p = b.get(&format!("/applications/{id}")).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert!(p.location().starts_with("/sign-in?next=%2Fapplications%2F"));
}
both!(every_page_in_every_language);
