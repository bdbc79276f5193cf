//! The world the authorisation table runs in: two partnerships, the eight kinds of
//! caller, a shared application A, a published group visit G with an agenda item and a
//! registration, a draft visit D, an outbox message — and `fresh_*` steps that give each
//! caller its own target when the action would change it.
use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use chrono::{Duration, Utc};
use cxc_domain::organisation::Profile;
use cxc_domain::policy::Role;
use cxc_persistence::{
    entities::outbox,
    repositories::partnerships::PartnershipInput,
    sea_orm::{EntityTrait, QueryOrder},
};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    fixtures::{World, org},
    group_visits::fixtures::quick_user,
    helpers::{Resp, TestApp},
};

/// The callers, in the order every row runs them (and lists their expected statuses).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Anon,
    /// Filed application A; contact of the visiting organisation V.
    Applicant,
    /// Signed in, contact of an unrelated organisation O.
    Other,
    /// Contact of the host organisation H.
    Host,
    /// Partner grant of partnership P.
    Partner,
    /// Coordinator of P (the VOP and HOP of A).
    Coord,
    /// Coordinator of another partnership P2.
    Coord2,
    Admin,
}

pub const CALLERS: [Who; 8] = [
    Who::Anon,
    Who::Applicant,
    Who::Other,
    Who::Host,
    Who::Partner,
    Who::Coord,
    Who::Coord2,
    Who::Admin,
];

/// How far [`Cx::fresh_app`] walks a new application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Draft,
    Submitted,
    HostAccepted,
    UnderReview,
    Approved,
    /// Committed, and moved into the past so the closing report is due.
    Committed,
    Reported,
    Completed,
}

pub struct Cx {
    pub app: TestApp,
    pub w: World,
    /// Tokens and user ids, indexed like [`CALLERS`] (`Anon` has none).
    pub(crate) tokens: Vec<String>,
    pub(crate) ids: Vec<Uuid>,
    pub p2: Uuid,
    pub other_org: Uuid,
    /// A host managed by P2 (so P2 is the HOP of its applications) and its contact's token.
    pub h2: Uuid,
    pub(crate) h2_contact: String,
    /// A second coordinator of P: signs for the HOP when P is both VOP and HOP.
    pub(crate) hop: String,
    /// Application A: approved, Commitment to Quality signed by the visitor only.
    pub a: Uuid,
    /// Published visit of P, its agenda item and the applicant's registration.
    pub g: Uuid,
    pub g_item: Uuid,
    pub g_reg: Uuid,
    /// Draft visit of P and its agenda item.
    pub d: Uuid,
    pub d_item: Uuid,
    pub message: Uuid,
    pub(crate) n: AtomicUsize,
}

fn ix(who: Who) -> usize {
    CALLERS.iter().position(|c| *c == who).unwrap_or(0)
}

pub(crate) fn ok(r: &Resp, what: &str) {
    assert!(r.status.is_success(), "{what}: {} {}", r.status, r.text);
}

pub(crate) fn id_of(r: &Resp) -> Uuid {
    r["id"].as_str().unwrap().parse().unwrap()
}

/// A visit body of partnership `p`; dates well ahead, so registration is open.
pub fn visit_body(p: Uuid, title: &str) -> Value {
    let start = Utc::now().date_naive() + Duration::days(120);
    json!({"partnership_id": p, "title": title, "description": "Facilities and suppliers",
           "host_country": "CH", "city": "Geneva", "timezone": "Europe/Zurich",
           "starts_on": start, "ends_on": start + Duration::days(2), "capacity": 20,
           "registration_closes_at": Utc::now() + Duration::days(100)})
}

impl Cx {
    pub async fn build(app: TestApp) -> Arc<Cx> {
        let w = World::new(&app, 1000, 40_000_000).await;
        let me = |t: String| {
            let app = &app;
            async move {
                app.get("/api/v1/me", Some(&t)).await["id"]
                    .as_str()
                    .unwrap()
                    .parse::<Uuid>()
                    .unwrap()
            }
        };
        let (host_id, admin_id) = (me(w.host_contact.clone()).await, me(w.admin.clone()).await);
        let s = &app.store;
        let es =
            |name: &str, profile, clusters| org(name, "ES", 40.4168, -3.7038, profile, clusters);
        let es_cluster = s
            .create_organisation(
                &es("Cluster ES", Profile::ClusterOrganisation, vec![]),
                // Nobody in the table acts for the cluster (as in `World`).
                Uuid::now_v7(),
            )
            .await
            .unwrap()
            .id;
        let p2 = s
            .create_partnership(&PartnershipInput {
                name: "Other partnership".into(),
                grant_agreement: "101000002".into(),
                programme: "COSME".into(),
                budget_cents: 10_000_000,
                target_exchanges: None,
                starts_on: "2022-01-01".parse().unwrap(),
                ends_on: "2030-12-31".parse().unwrap(),
                partners: vec![(es_cluster, cxc_domain::policy::MemberRole::Coordinator)],
            })
            .await
            .unwrap()
            .id;
        let (other_id, other) = quick_user(&app, "other@sme.es").await;
        let other_org = s
            .create_organisation(
                &es("Madrid Robotics SL", Profile::Sme, vec![es_cluster]),
                other_id,
            )
            .await
            .unwrap()
            .id;
        let (h2_id, h2_contact) = quick_user(&app, "host2@sme.dk").await;
        let mut h2 = org(
            "Odense Vacuum ApS",
            "DK",
            55.4,
            10.4,
            Profile::Sme,
            vec![w.dk_cluster],
        );
        h2.managing_partnership_id = Some(p2);
        let h2 = s.create_organisation(&h2, h2_id).await.unwrap().id;
        let (partner_id, partner) = quick_user(&app, "partner@cluster.dk").await;
        s.grant_role(partner_id, Role::Partner, Some(w.partnership), admin_id)
            .await
            .unwrap();
        let (coord2_id, coord2) = quick_user(&app, "coordinator@cluster.es").await;
        s.grant_role(coord2_id, Role::Coordinator, Some(p2), admin_id)
            .await
            .unwrap();
        let (_, hop) = w.second_coordinator(&app).await;
        let tokens = vec![
            String::new(),
            w.applicant.clone(),
            other,
            w.host_contact.clone(),
            partner,
            w.coordinator.clone(),
            coord2,
            w.admin.clone(),
        ];
        let ids = vec![
            Uuid::nil(),
            w.applicant_id,
            other_id,
            host_id,
            partner_id,
            w.coordinator_id,
            coord2_id,
            admin_id,
        ];
        let mut cx = Cx {
            app,
            w,
            tokens,
            ids,
            p2,
            other_org,
            h2,
            h2_contact,
            hop,
            a: Uuid::nil(),
            g: Uuid::nil(),
            g_item: Uuid::nil(),
            g_reg: Uuid::nil(),
            d: Uuid::nil(),
            d_item: Uuid::nil(),
            message: Uuid::nil(),
            n: AtomicUsize::new(0),
        };
        cx.a = cx.app_at(cx.w.visitor, false, Stage::Approved).await;
        let r = cx
            .call(
                Who::Applicant,
                Method::POST,
                &format!("/api/v1/applications/{}/commitment", cx.a),
                Some(json!({"goals": "Meet suppliers", "agenda": "Day 1 tour"})),
            )
            .await;
        ok(&r, "first signature on A");
        cx.g = cx.fresh_visit(true).await;
        cx.g_item = cx.fresh_item(cx.g).await;
        cx.g_reg = cx.register(cx.g).await;
        cx.d = cx.fresh_visit(false).await;
        cx.d_item = cx.fresh_item(cx.d).await;
        cx.message = outbox::Entity::find()
            .order_by_asc(outbox::Column::Id)
            .one(&cx.app.store.db().conn)
            .await
            .unwrap()
            .expect("welcome emails are queued")
            .id;
        Arc::new(cx)
    }

    pub fn token(&self, who: Who) -> &str {
        &self.tokens[ix(who)]
    }

    pub fn user_id(&self, who: Who) -> Uuid {
        self.ids[ix(who)]
    }

    pub fn next(&self) -> usize {
        self.n.fetch_add(1, Ordering::Relaxed)
    }

    pub async fn call(&self, who: Who, m: Method, path: &str, body: Option<Value>) -> Resp {
        self.app
            .req(m, path, Some(self.token(who)), body, &[])
            .await
    }
}
