//! Group visits: fixtures shared by the `group_visits_*` test modules, and the visit
//! lifecycle (create, visibility, list filters, publish).
use chrono::{Duration, Utc};
use cxc_domain::organisation::Profile;
use cxc_persistence::{
    entities::outbox,
    repositories::{organisations::OrgInput, outbox::OutboxFilter, partnerships::PartnershipInput},
};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{both, helpers::TestApp};

/// A partnership with one organiser (partner role) and an admin.
pub struct Fx {
    pub admin: String,
    pub organiser: String,
    pub organiser_id: Uuid,
    pub partnership: Uuid,
}

pub fn org_input(name: &str, country: &str, profile: Profile) -> OrgInput {
    OrgInput {
        name: name.into(),
        country: country.into(),
        city: "Vilnius".into(),
        latitude: 54.69,
        longitude: 25.28,
        profile,
        support_type: None,
        eccp_profile_url: Some(format!("https://clustercollaboration.eu/cluster-organisations/{}", name.to_lowercase().replace(' ', "-"))),
        cluster_ids: vec![],
        managing_partnership_id: None,
        headcount: Some(12.0),
        annual_turnover_cents: Some(100_000_000),
        balance_sheet_total_cents: Some(100_000_000),
        partner_enterprises: vec![],
        linked_enterprises: vec![],
        public_bodies_control_percent: None,
        sectors: vec!["space".into()],
        competencies: vec![],
        website: None,
        agency_exception_ref: None,
        establishments: vec![],
    }
}

/// A user with a session, created through the store (no password hashing: fast enough
/// for tests that need dozens of participants).
pub async fn quick_user(app: &TestApp, email: &str) -> (Uuid, String) {
    let user = app
        .store
        .create_user(cxc_persistence::repositories::accounts::NewUser {
            email,
            password_hash: "not-used".into(),
            full_name: &format!("User {email}"),
            locale: "en",
            role: "applicant",
        })
        .await
        .expect("user");
    let token = cxc_http::auth::new_token();
    app.store.create_session(user.id, cxc_http::auth::token_hash(&token), Utc::now() + Duration::hours(2)).await.expect("session");
    (user.id, token)
}

pub async fn setup(app: &TestApp) -> Fx {
    let admin = app.admin().await;
    let (organiser_id, organiser) = quick_user(app, "organiser@biginn.eu").await;
    let litek = app.store.create_organisation(&org_input("LITEK", "LT", Profile::ClusterOrganisation), organiser_id, None).await.expect("org");
    let p = app
        .store
        .create_partnership(
            &PartnershipInput {
                name: "BIGINN".into(),
                grant_agreement: "COS-CLUSTER-2020-3-03".into(),
                programme: "COSME".into(),
                budget_cents: 50_000_000,
                target_exchanges: Some(60),
                starts_on: "2022-02-01".parse().unwrap(),
                ends_on: "2028-01-31".parse().unwrap(),
                partners: vec![(litek.id, "coordinator".into())],
            },
            None,
        )
        .await
        .expect("partnership");
    app.grant(&admin, &organiser_id.to_string(), "partner", Some(&p.id.to_string())).await;
    Fx { admin, organiser, organiser_id, partnership: p.id }
}

/// A participant: a user who is the contact of an eligible visiting organisation.
pub async fn participant(app: &TestApp, email: &str) -> (Uuid, String, Uuid) {
    let (id, token) = quick_user(app, email).await;
    let name = format!("Cluster {}", &email[..email.find('@').unwrap_or(email.len())]);
    let org = app.store.create_organisation(&org_input(&name, "LT", Profile::ClusterOrganisation), id, None).await.expect("org");
    (id, token, org.id)
}

pub fn cern(partnership: Uuid) -> Value {
    json!({
        "partnership_id": partnership,
        "title": "BIGINN 360ºXchange: CERN",
        "description": "Three days at CERN: facilities, procurement workshops and networking.",
        "host_country": "CH",
        "city": "Geneva",
        "timezone": "Europe/Zurich",
        "starts_on": "2027-03-27",
        "ends_on": "2027-03-29",
        "capacity": 20,
        "registration_closes_at": "2027-03-20T12:00:00Z"
    })
}

/// Creates a visit from `body` (a [`cern`] body with changes) and returns it.
pub async fn create(app: &TestApp, fx: &Fx, body: Value) -> Value {
    let r = app.post("/api/v1/group-visits", Some(&fx.organiser), body).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body
}

pub fn with(mut body: Value, changes: Value) -> Value {
    for (k, v) in changes.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

pub async fn add_item(app: &TestApp, fx: &Fx, visit: &str, item: Value) -> Value {
    let r = app.post(&format!("/api/v1/group-visits/{visit}/agenda-items"), Some(&fx.organiser), item).await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body
}

pub fn item(kind: &str, title: &str, start: &str, end: &str, venue: &str) -> Value {
    json!({"kind": kind, "title": title, "starts_at": start, "ends_at": end, "venue": venue})
}

pub async fn publish(app: &TestApp, fx: &Fx, visit: &str) -> Value {
    let r = app.post(&format!("/api/v1/group-visits/{visit}/publish"), Some(&fx.organiser), json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

pub async fn register(app: &TestApp, visit: &str, token: &str, org: Uuid, item: Option<&str>) -> crate::helpers::Resp {
    app.post(&format!("/api/v1/group-visits/{visit}/registrations"), Some(token), json!({"organisation_id": org, "item_id": item})).await
}

/// Outbox messages of `kind` to `to`.
pub async fn mails(app: &TestApp, to: &str, kind: &str) -> Vec<outbox::Model> {
    let f = OutboxFilter { to: Some(to.into()), limit: 1000, ..Default::default() };
    app.store.list_outbox(&f).await.unwrap().into_iter().filter(|m| m.kind == kind).collect()
}

async fn lifecycle_visibility_and_filters(app: TestApp) {
    let fx = setup(&app).await;
    let (_, stranger) = quick_user(&app, "stranger@x.eu").await;

    let r = app.post("/api/v1/group-visits", Some(&stranger), cern(fx.partnership)).await;
    assert_eq!(r.status, 403, "{}", r.text);
    let r = app.post("/api/v1/group-visits", None, cern(fx.partnership)).await;
    assert_eq!(r.status, 401);

    let r = app.post("/api/v1/group-visits", Some(&fx.organiser), cern(fx.partnership)).await;
    assert_eq!(r.status, 201, "{}", r.text);
    assert_eq!(r.etag(), "\"1\"");
    assert_eq!(r["status"], "draft");
    assert_eq!(r["agenda_version"], 0);
    assert_eq!(r["places_left"], 20);
    assert_eq!(r["registration_open"], false);
    let id = r["id"].as_str().unwrap().to_owned();

    // A draft is invisible to everyone but its organisers.
    assert_eq!(app.get(&format!("/api/v1/group-visits/{id}"), None).await.status, 404);
    assert_eq!(app.get(&format!("/api/v1/group-visits/{id}"), Some(&stranger)).await.status, 404);
    assert_eq!(app.get(&format!("/api/v1/group-visits/{id}"), Some(&fx.organiser)).await.status, 200);
    assert_eq!(app.get("/api/v1/group-visits", None).await["items"].as_array().unwrap().len(), 0);
    assert_eq!(app.get("/api/v1/group-visits", Some(&fx.organiser)).await["items"].as_array().unwrap().len(), 1);
    let r = app.post(&format!("/api/v1/group-visits/{id}/publish"), Some(&stranger), json!({})).await;
    assert_eq!(r.status, 404);

    let ess = with(cern(fx.partnership), json!({"title": "BIGINN 360ºXchange: ESS", "host_country": "SE", "city": "Lund", "timezone": "Europe/Stockholm", "starts_on": "2027-05-10", "ends_on": "2027-05-12", "registration_closes_at": "2027-05-01T12:00:00Z"}));
    let ess = create(&app, &fx, ess).await;
    let ess_id = ess["id"].as_str().unwrap().to_owned();

    let r = app.req(Method::POST, &format!("/api/v1/group-visits/{id}/publish"), Some(&fx.organiser), None, &[("if-match", "\"7\"")]).await;
    assert_eq!(r.status, 412, "{}", r.text);
    let published = publish(&app, &fx, &id).await;
    assert_eq!(published["status"], "published");
    assert_eq!(published["agenda_version"], 1);
    assert_eq!(published["registration_open"], true);
    publish(&app, &fx, &ess_id).await;
    let r = app.post(&format!("/api/v1/group-visits/{id}/publish"), Some(&fx.organiser), json!({})).await;
    assert_eq!(r.status, 409);
    assert_eq!(r["code"], "not_draft");

    let r = app.get(&format!("/api/v1/group-visits/{id}"), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.etag(), format!("\"{}\"", r["version"]));
    assert_eq!(r["timezone"], "Europe/Zurich");

    let titles = |r: &crate::helpers::Resp| -> Vec<String> { r["items"].as_array().unwrap().iter().map(|v| v["city"].as_str().unwrap().to_owned()).collect() };
    assert_eq!(titles(&app.get("/api/v1/group-visits", None).await), ["Lund", "Geneva"]);
    assert_eq!(titles(&app.get("/api/v1/group-visits?host_country=ch", None).await), ["Geneva"]);
    assert_eq!(titles(&app.get("/api/v1/group-visits?from=2027-03-29&to=2027-04-30", None).await), ["Geneva"]);
    assert_eq!(titles(&app.get("/api/v1/group-visits?from=2027-03-30", None).await), ["Lund"]);
    assert_eq!(titles(&app.get("/api/v1/group-visits?to=2027-03-26", None).await), Vec::<String>::new());
    let page = app.get("/api/v1/group-visits?limit=1", None).await;
    assert_eq!(titles(&page), ["Lund"]);
    let next = page["next_cursor"].as_str().unwrap();
    assert_eq!(titles(&app.get(&format!("/api/v1/group-visits?limit=1&cursor={next}"), None).await), ["Geneva"]);
    assert_eq!(app.get("/api/v1/group-visits?from=yesterday", None).await.status, 422);
    assert_eq!(app.get("/api/v1/group-visits?limit=0", None).await.status, 422);
}
both!(lifecycle_visibility_and_filters);

async fn invalid_visits_are_422_and_idempotent_creation(app: TestApp) {
    let fx = setup(&app).await;
    let bad = with(cern(fx.partnership), json!({"timezone": "Europe/Atlantis", "host_country": "XX", "starts_on": "2027-03-29", "ends_on": "2027-03-27", "capacity": 0, "title": " "}));
    let r = app.post("/api/v1/group-visits", Some(&fx.organiser), bad).await;
    assert_eq!(r.status, 422, "{}", r.text);
    let codes: Vec<&str> = r["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    for code in ["unknown_time_zone", "invalid_country", "ends_before_starts", "out_of_range", "invalid_length"] {
        assert!(codes.contains(&code), "{code} missing in {codes:?}");
    }
    let r = app.post("/api/v1/group-visits", Some(&fx.organiser), with(cern(fx.partnership), json!({"starts_on": "2027-02-30"}))).await;
    assert_eq!(r.status, 422);
    assert_eq!(r["errors"][0]["field"], "starts_on");
    let r = app.post("/api/v1/group-visits", Some(&fx.admin), cern(Uuid::now_v7())).await;
    assert_eq!(r.status, 422);
    assert_eq!(r["errors"][0]["code"], "unknown_partnership");

    let send = || app.req(Method::POST, "/api/v1/group-visits", Some(&fx.organiser), Some(cern(fx.partnership)), &[("idempotency-key", "visit-1")]);
    let (a, b) = (send().await, send().await);
    assert_eq!((a.status.as_u16(), b.status.as_u16()), (201, 201));
    assert_eq!(a["id"], b["id"]);
    assert_eq!(b.headers["idempotent-replayed"], "true");
    let list = app.get("/api/v1/group-visits", Some(&fx.organiser)).await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}
both!(invalid_visits_are_422_and_idempotent_creation);

/// Waits until the newest `kind` email to `to` reached the SMTP server (matched by its
/// Message-ID, which is never encoded) and returns what the server received.
pub async fn delivered(app: &TestApp, to: &str, kind: &str) -> crate::smtp::Received {
    let mut newest = None;
    for _ in 0..100 {
        newest = mails(app, to, kind).await.into_iter().next();
        if newest.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let m = newest.unwrap_or_else(|| panic!("no {kind} email to {to} in the outbox"));
    app.wait_for_mail(to, &m.message_id).await
}
