//! Fixtures shared by the `group_visits` test modules.
use chrono::{Duration, Utc};
use cxc_domain::organisation::Profile;
use cxc_persistence::{
    entities::{group_visits, outbox, registrations},
    repositories::{organisations::OrgInput, outbox::OutboxFilter, partnerships::PartnershipInput},
    sea_orm::{ColumnTrait, EntityTrait, QueryFilter},
};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::TestApp;

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
        eccp_profile_url: Some(format!(
            "https://clustercollaboration.eu/cluster-organisations/{}",
            name.to_lowercase().replace(' ', "-")
        )),
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
        region: None,
        previous_period: None,
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
            role: cxc_domain::policy::AccountRole::Applicant,
        })
        .await
        .expect("user");
    let token = cxc_http::auth::new_token();
    app.store
        .create_session(
            user.id,
            cxc_http::auth::token_hash(&token),
            Utc::now() + Duration::hours(2),
        )
        .await
        .expect("session");
    (user.id, token)
}

pub async fn setup(app: &TestApp) -> Fx {
    let admin = app.admin().await;
    let (organiser_id, organiser) = quick_user(app, "organiser@biginn.eu").await;
    let litek = app
        .store
        .create_organisation(
            &org_input("LITEK", "LT", Profile::ClusterOrganisation),
            organiser_id,
        )
        .await
        .expect("org");
    let p = app
        .store
        .create_partnership(&PartnershipInput {
            name: "BIGINN".into(),
            grant_agreement: "COS-CLUSTER-2020-3-03".into(),
            programme: "COSME".into(),
            budget_cents: 50_000_000,
            target_exchanges: Some(60),
            starts_on: "2022-02-01".parse().unwrap(),
            ends_on: "2028-01-31".parse().unwrap(),
            partners: vec![(litek.id, cxc_domain::policy::MemberRole::Coordinator)],
        })
        .await
        .expect("partnership");
    app.grant(
        &admin,
        &organiser_id.to_string(),
        "partner",
        Some(&p.id.to_string()),
    )
    .await;
    Fx {
        admin,
        organiser,
        organiser_id,
        partnership: p.id,
    }
}

/// A participant: a user who is the contact of an eligible visiting organisation.
pub async fn participant(app: &TestApp, email: &str) -> (Uuid, String, Uuid) {
    let (id, token) = quick_user(app, email).await;
    let name = format!(
        "Cluster {}",
        &email[..email.find('@').unwrap_or(email.len())]
    );
    let org = app
        .store
        .create_organisation(&org_input(&name, "LT", Profile::ClusterOrganisation), id)
        .await
        .expect("org");
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
    let r = app
        .post("/api/v1/group-visits", Some(&fx.organiser), body)
        .await;
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
    let r = app
        .post(
            &format!("/api/v1/group-visits/{visit}/agenda-items"),
            Some(&fx.organiser),
            item,
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    r.body
}

pub fn item(kind: &str, title: &str, start: &str, end: &str, venue: &str) -> Value {
    json!({"kind": kind, "title": title, "starts_at": start, "ends_at": end, "venue": venue})
}

/// The organiser changes an agenda item (PATCH); the answer, whatever it is.
pub async fn patch_item(
    app: &TestApp,
    fx: &Fx,
    visit: &str,
    item: &str,
    changes: Value,
) -> crate::helpers::Resp {
    app.req(
        Method::PATCH,
        &format!("/api/v1/group-visits/{visit}/agenda-items/{item}"),
        Some(&fx.organiser),
        Some(changes),
        &[],
    )
    .await
}

/// The organiser moves (or otherwise changes) an agenda item, which must succeed; the item.
pub async fn move_item(app: &TestApp, fx: &Fx, visit: &str, item: &str, changes: Value) -> Value {
    let r = patch_item(app, fx, visit, item, changes).await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

/// The organiser cancels an agenda item (DELETE; it stays, cancelled), which must succeed.
pub async fn cancel_item(app: &TestApp, fx: &Fx, visit: &str, item: &str) {
    let r = app
        .req(
            Method::DELETE,
            &format!("/api/v1/group-visits/{visit}/agenda-items/{item}"),
            Some(&fx.organiser),
            None,
            &[],
        )
        .await;
    assert_eq!(r.status, 204, "{}", r.text);
}

/// A facility tour on 27 March 2027 (09:00–11:00) and a workshop for ten the next morning
/// added to `visit`: their ids.
pub async fn tour_and_workshop(app: &TestApp, fx: &Fx, visit: &str) -> (String, String) {
    let tour = id(&add_item(
        app,
        fx,
        visit,
        item(
            "facility_visit",
            "Tour",
            "2027-03-27T09:00",
            "2027-03-27T11:00",
            "CERN Globe",
        ),
    )
    .await);
    let mut ws = item(
        "workshop",
        "Procurement",
        "2027-03-28T09:00",
        "2027-03-28T11:00",
        "Council Chamber",
    );
    ws["capacity"] = json!(10);
    (tour, id(&add_item(app, fx, visit, ws).await))
}

pub async fn publish(app: &TestApp, fx: &Fx, visit: &str) -> Value {
    let r = app
        .post(
            &format!("/api/v1/group-visits/{visit}/publish"),
            Some(&fx.organiser),
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    r.body
}

pub async fn register(
    app: &TestApp,
    visit: &str,
    token: &str,
    org: Uuid,
    item: Option<&str>,
) -> crate::helpers::Resp {
    app.post(
        &format!("/api/v1/group-visits/{visit}/registrations"),
        Some(token),
        json!({"organisation_id": org, "item_id": item}),
    )
    .await
}

/// Outbox messages of `kind` to `to`.
pub async fn mails(app: &TestApp, to: &str, kind: &str) -> Vec<outbox::Model> {
    let f = OutboxFilter {
        to: Some(to.into()),
        limit: 1000,
        ..Default::default()
    };
    app.store
        .list_outbox(&f)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.kind.as_str() == kind)
        .collect()
}

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

pub fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// A published visit with one item.
pub async fn open_visit(app: &TestApp, fx: &Fx, capacity: i32) -> String {
    let v = id(&create(
        app,
        fx,
        with(cern(fx.partnership), json!({"capacity": capacity})),
    )
    .await);
    add_item(
        app,
        fx,
        &v,
        item(
            "facility_visit",
            "SM18",
            "2027-03-27T13:00",
            "2027-03-27T15:00",
            "SM18",
        ),
    )
    .await;
    publish(app, fx, &v).await;
    v
}

/// A published visit with a workshop of 2 places and an open seminar: (visit, workshop,
/// seminar) ids.
pub async fn workshop_and_seminar(app: &TestApp, fx: &Fx) -> (String, String, String) {
    let v = id(&create(app, fx, cern(fx.partnership)).await);
    let mut ws = item(
        "workshop",
        "Procurement at CERN",
        "2027-03-28T09:00",
        "2027-03-28T12:00",
        "Council Chamber",
    );
    ws["capacity"] = json!(2);
    let ws = id(&add_item(app, fx, &v, ws).await);
    let open = id(&add_item(
        app,
        fx,
        &v,
        item(
            "seminar",
            "Open seminar",
            "2027-03-28T13:00",
            "2027-03-28T14:00",
            "Council Chamber",
        ),
    )
    .await);
    publish(app, fx, &v).await;
    (v, ws, open)
}

pub async fn visit_row(app: &TestApp, v: &str) -> group_visits::Model {
    group_visits::Entity::find_by_id(Uuid::parse_str(v).unwrap())
        .one(&app.store.db().conn)
        .await
        .unwrap()
        .unwrap()
}

pub async fn regs(app: &TestApp, v: &str, status: &str) -> Vec<registrations::Model> {
    registrations::Entity::find()
        .filter(registrations::Column::VisitId.eq(Uuid::parse_str(v).unwrap()))
        .filter(registrations::Column::Status.eq(status))
        .all(&app.store.db().conn)
        .await
        .unwrap()
}

pub async fn cancel(app: &TestApp, v: &str, reg: &str, token: &str) -> u16 {
    app.req(
        Method::DELETE,
        &format!("/api/v1/group-visits/{v}/registrations/{reg}"),
        Some(token),
        None,
        &[],
    )
    .await
    .status
    .as_u16()
}
