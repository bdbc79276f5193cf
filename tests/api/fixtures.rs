//! A ready-made world for application tests: clusters, member SMEs in LT and DK, a
//! partnership with an open call, and the people who act on applications.
use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use cxc_domain::{organisation::Profile, policy::MemberRole};
use cxc_persistence::repositories::{
    organisations::OrgInput,
    partnerships::{CallInput, PartnershipInput},
};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{Resp, TestApp};

pub struct World {
    pub admin: String,
    pub partnership: Uuid,
    pub call: Uuid,
    pub lt_cluster: Uuid,
    pub dk_cluster: Uuid,
    pub visitor: Uuid,
    pub host: Uuid,
    pub applicant: String,
    pub applicant_id: Uuid,
    pub host_contact: String,
    pub coordinator: String,
    pub coordinator_id: Uuid,
    pub start: NaiveDate,
}

pub fn org(
    name: &str,
    country: &str,
    lat: f64,
    lon: f64,
    profile: Profile,
    clusters: Vec<Uuid>,
) -> OrgInput {
    OrgInput {
        name: name.into(),
        country: country.into(),
        city: "City".into(),
        latitude: lat,
        longitude: lon,
        profile,
        support_type: None,
        eccp_profile_url: Some(format!(
            "https://clustercollaboration.eu/{}",
            name.to_lowercase().replace(' ', "-")
        )),
        cluster_ids: clusters,
        managing_partnership_id: None,
        headcount: Some(20.0),
        annual_turnover_cents: Some(100_000_000),
        balance_sheet_total_cents: Some(80_000_000),
        partner_enterprises: vec![],
        linked_enterprises: vec![],
        public_bodies_control_percent: None,
        sectors: vec!["energy".into(), "space".into()],
        competencies: vec!["optics".into()],
        website: None,
        agency_exception_ref: None,
        establishments: vec![],
        region: None,
        previous_period: None,
    }
}

/// A Monday at least six weeks ahead, so a Monday–Friday stay is 5 working days.
pub fn future_monday() -> NaiveDate {
    let mut d = Utc::now().date_naive() + Duration::days(42);
    while d.weekday() != Weekday::Mon {
        d += Duration::days(1);
    }
    d
}

impl World {
    pub async fn new(app: &TestApp, places: i32, budget_cents: i64) -> World {
        let admin = app.admin().await;
        let (applicant_id, applicant) = app
            .user(&format!("applicant-{}@sme.lt", Uuid::new_v4().simple()))
            .await;
        let (host_id, host_contact) = app
            .user(&format!("host-{}@sme.dk", Uuid::new_v4().simple()))
            .await;
        let (coordinator_id, _) = app
            .user(&format!("coord-{}@cluster.lt", Uuid::new_v4().simple()))
            .await;
        let (applicant_id, host_id, coordinator_id): (Uuid, Uuid, Uuid) = (
            applicant_id.parse().unwrap(),
            host_id.parse().unwrap(),
            coordinator_id.parse().unwrap(),
        );
        let s = &app.store;
        let admin_id = Uuid::now_v7();
        let lt_cluster = s
            .create_organisation(
                &org(
                    "Laser Cluster LT",
                    "LT",
                    54.6872,
                    25.2797,
                    Profile::ClusterOrganisation,
                    vec![],
                ),
                admin_id,
            )
            .await
            .unwrap()
            .id;
        let dk_cluster = s
            .create_organisation(
                &org(
                    "Big Science DK",
                    "DK",
                    55.6761,
                    12.5683,
                    Profile::ClusterOrganisation,
                    vec![],
                ),
                admin_id,
            )
            .await
            .unwrap()
            .id;
        let visitor = s
            .create_organisation(
                &org(
                    "Vilnius Optics UAB",
                    "LT",
                    54.6872,
                    25.2797,
                    Profile::Sme,
                    vec![lt_cluster],
                ),
                applicant_id,
            )
            .await
            .unwrap()
            .id;
        let host = s
            .create_organisation(
                &org(
                    "Aarhus Instruments ApS",
                    "DK",
                    56.1629,
                    10.2039,
                    Profile::Sme,
                    vec![dk_cluster],
                ),
                host_id,
            )
            .await
            .unwrap()
            .id;
        let partnership = s
            .create_partnership(&PartnershipInput {
                name: "BIGINN".into(),
                grant_agreement: "101037928".into(),
                programme: "COSME".into(),
                // A call's budget must fit in its partnership's.
                budget_cents: budget_cents.max(49_626_100),
                target_exchanges: Some(100),
                starts_on: NaiveDate::from_ymd_opt(2022, 2, 1).unwrap(),
                ends_on: NaiveDate::from_ymd_opt(2030, 1, 31).unwrap(),
                partners: vec![
                    (lt_cluster, MemberRole::Coordinator),
                    (dk_cluster, MemberRole::Partner),
                ],
            })
            .await
            .unwrap()
            .id;
        let call = s
            .create_call(
                partnership,
                &CallInput {
                    title: "Open call 2027".into(),
                    opens_at: Utc::now() - Duration::days(1),
                    closes_at: Utc::now() + Duration::days(30),
                    budget_cents,
                    places,
                    min_working_days: 3,
                    max_days: 31,
                    lump_sum_default_cents: 80_000,
                    lump_sums_by_host_country: [("DK", 110_000), ("ES", 90_000), ("LT", 70_000)]
                        .map(|(c, v)| (c.to_owned(), v))
                        .into(),
                    eligible_profiles: vec![],
                    sectors: vec![],
                },
            )
            .await
            .unwrap()
            .id;
        app.grant(
            &admin,
            &coordinator_id.to_string(),
            "coordinator",
            Some(&partnership.to_string()),
        )
        .await;
        let coord_email = app.store.user(coordinator_id).await.unwrap().email;
        let coordinator = app.login(&coord_email).await;
        World {
            admin,
            partnership,
            call,
            lt_cluster,
            dk_cluster,
            visitor,
            host,
            applicant,
            applicant_id,
            host_contact,
            coordinator,
            coordinator_id,
            start: future_monday(),
        }
    }

    /// Another coordinator of the partnership, acting for no organisation: the HOP's
    /// signature when the partnership is both VOP and HOP (each of the four signatures
    /// comes from a different person).
    pub async fn second_coordinator(&self, app: &TestApp) -> (Uuid, String) {
        let (id, token) = app
            .user(&format!("coord2-{}@cluster.dk", Uuid::new_v4().simple()))
            .await;
        app.grant(
            &self.admin,
            &id,
            "coordinator",
            Some(&self.partnership.to_string()),
        )
        .await;
        (id.parse().unwrap(), token)
    }

    /// A further visiting SME (each organisation may visit once) with its own contact.
    pub async fn another_visitor(&self, app: &TestApp, n: usize) -> (Uuid, String) {
        let (uid, token) = app
            .user(&format!("applicant{n}-{}@sme.lt", Uuid::new_v4().simple()))
            .await;
        let id = app
            .store
            .create_organisation(
                &org(
                    &format!("Visitor {n}"),
                    "LT",
                    54.9,
                    23.9,
                    Profile::Sme,
                    vec![self.lt_cluster],
                ),
                uid.parse().unwrap(),
            )
            .await
            .unwrap()
            .id;
        (id, token)
    }

    pub fn body(&self, visitor: Uuid) -> Value {
        json!({
            "organisation_id": visitor,
            "participant": {"full_name": "Rūta Jonaitė", "email": "ruta@sme.lt", "job_title": "Engineer", "nationality": "LT", "base_country": "LT"},
            "host_organisation_id": self.host,
            "start_date": self.start,
            "end_date": self.start + Duration::days(4),
            "travel_days": [],
            "objectives": "Learn how Big Science procurement works",
            "activities": ["workshop", "site visit"],
            "sectors": ["energy"]
        })
    }

    /// Files a draft application of `visitor` (whose contact holds `token`); the answer.
    pub async fn file(&self, app: &TestApp, visitor: Uuid, token: &str) -> Resp {
        let r = app
            .post(
                &format!("/api/v1/calls/{}/applications", self.call),
                Some(token),
                self.body(visitor),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
        r
    }

    /// Files a draft application of `visitor` (whose contact holds `token`); its id.
    pub async fn draft(&self, app: &TestApp, visitor: Uuid, token: &str) -> String {
        let r = self.file(app, visitor, token).await;
        r["id"].as_str().unwrap_or_default().to_owned()
    }

    /// Files and submits an application of `visitor` (whose contact holds `token`); its id.
    pub async fn submitted(&self, app: &TestApp, visitor: Uuid, token: &str) -> String {
        let id = self.draft(app, visitor, token).await;
        let r = app
            .post(
                &format!("/api/v1/applications/{id}/submit"),
                Some(token),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "submit: {}", r.text);
        id
    }

    /// A coordinator takes a submitted application under review; its new ETag.
    pub async fn review(&self, app: &TestApp, id: &str) -> String {
        let r = app
            .post(
                &format!("/api/v1/applications/{id}/review"),
                Some(&self.coordinator),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "review: {}", r.text);
        r.etag()
    }

    /// The coordinator asks to approve an application at `etag`; the answer, whatever it is.
    pub async fn try_approve(&self, app: &TestApp, id: &str, etag: &str) -> Resp {
        app.post_if(
            &format!("/api/v1/applications/{id}/decision"),
            &self.coordinator,
            Some(etag),
            json!({"decision": "approve"}),
        )
        .await
    }

    /// A coordinator approves an application under review at `etag`; its new ETag.
    pub async fn approve(&self, app: &TestApp, id: &str, etag: &str) -> String {
        let r = self.try_approve(app, id, etag).await;
        assert_eq!(r.status, 200, "approve: {}", r.text);
        r.etag()
    }

    /// Files and submits an application; the host accepts it. Its id.
    pub async fn accepted(&self, app: &TestApp, visitor: Uuid, token: &str) -> String {
        let id = self.submitted(app, visitor, token).await;
        let r = app
            .post(
                &format!("/api/v1/applications/{id}/host-response"),
                Some(&self.host_contact),
                json!({"response": "accept"}),
            )
            .await;
        assert_eq!(r.status, 200, "host: {}", r.text);
        id
    }

    /// Creates and submits an application, has the host accept and a coordinator review it.
    pub async fn reviewed(&self, app: &TestApp, visitor: Uuid, token: &str) -> (String, String) {
        let id = self.accepted(app, visitor, token).await;
        let etag = self.review(app, &id).await;
        (id, etag)
    }

    /// A reviewed application, approved by a coordinator: `(id, ETag)`.
    pub async fn approved(&self, app: &TestApp, visitor: Uuid, token: &str) -> (String, String) {
        let (id, etag) = self.reviewed(app, visitor, token).await;
        let etag = self.approve(app, &id, &etag).await;
        (id, etag)
    }
}

/// Moves an exchange `days` into the past, as time would (its stored dates; for rules
/// that read the dates rather than the clock).
pub async fn age(app: &TestApp, id: &str, days: i64) {
    use cxc_persistence::{
        entities::applications,
        sea_orm::{ActiveModelTrait, EntityTrait, Set},
    };
    let m = applications::Entity::find_by_id(id.parse::<Uuid>().unwrap())
        .one(&app.store.db().conn)
        .await
        .unwrap()
        .unwrap();
    let mut am: applications::ActiveModel = m.clone().into();
    am.start_date = Set(m.start_date - Duration::days(days));
    am.end_date = Set(m.end_date - Duration::days(days));
    am.update(&app.store.db().conn).await.unwrap();
}
