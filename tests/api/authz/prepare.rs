//! Preparation steps of the authorisation table: a fresh target per caller when the
//! action would change it (sessions, accounts, applications at a stage, visits, items,
//! registrations), and the current versions for `If-Match`.
use chrono::{Duration, Utc};
use cxc_domain::organisation::Profile;
use cxc_domain::policy::Role;
use cxc_persistence::{
    entities::{applications, group_visits, outbox},
    repositories::accounts::NewUser,
    sea_orm::{ActiveModelTrait, EntityTrait, Set},
};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    authz::world::{Cx, Stage, Who, id_of, ok, visit_body},
    fixtures::org,
    group_visits::fixtures::quick_user,
};

impl Cx {
    /// A new session of the caller's own account (for logout).
    pub async fn fresh_session(&self, who: Who) -> String {
        let token = cxc_http::auth::new_token();
        self.app
            .store
            .create_session(
                self.user_id(who),
                cxc_http::auth::token_hash(&token),
                Utc::now() + Duration::hours(1),
            )
            .await
            .unwrap();
        token
    }

    /// A new account with the caller's grants but none of its records (for erasure).
    pub async fn throwaway(&self, who: Who) -> String {
        let email = format!("throwaway{}@example.eu", self.next());
        if who == Who::Admin {
            let u = self
                .app
                .store
                .create_user(NewUser {
                    email: &email,
                    password_hash: "-".into(),
                    full_name: "Admin",
                    locale: "en",
                    role: cxc_domain::policy::AccountRole::Admin,
                })
                .await
                .unwrap();
            let token = cxc_http::auth::new_token();
            self.app
                .store
                .create_session(
                    u.id,
                    cxc_http::auth::token_hash(&token),
                    Utc::now() + Duration::hours(1),
                )
                .await
                .unwrap();
            return token;
        }
        let (id, token) = quick_user(&self.app, &email).await;
        let grant = match who {
            Who::Partner => Some((Role::Partner, self.w.partnership)),
            Who::Coord => Some((Role::Coordinator, self.w.partnership)),
            Who::Coord2 => Some((Role::Coordinator, self.p2)),
            _ => None,
        };
        if let Some((role, p)) = grant {
            self.app
                .store
                .grant_role(id, role, Some(p), self.user_id(Who::Admin))
                .await
                .unwrap();
        }
        token
    }

    /// A registered user nobody acts for; returns `(id, email)`.
    pub async fn bystander(&self) -> (Uuid, String) {
        let email = format!("bystander{}@example.eu", self.next());
        (quick_user(&self.app, &email).await.0, email)
    }

    /// A pending invitation for the applicant to be a contact of a new organisation.
    pub async fn invitation_to_applicant(&self) -> Uuid {
        let (owner, _) = self.bystander().await;
        let o = org(
            &format!("Inviting {}", self.next()),
            "LT",
            54.9,
            23.9,
            Profile::Sme,
            vec![],
        );
        let id = self
            .app
            .store
            .create_organisation(&o, owner)
            .await
            .unwrap()
            .id;
        let email = self
            .app
            .store
            .user(self.w.applicant_id)
            .await
            .unwrap()
            .email;
        self.app
            .store
            .invite_contact(id, &email, owner)
            .await
            .unwrap()
            .row
            .id
    }

    /// A new LT SME in the LT cluster whose contact is the applicant (each organisation
    /// visits once, so every approved application needs its own).
    pub async fn fresh_visitor(&self) -> Uuid {
        let o = org(
            &format!("Visitor {}", self.next()),
            "LT",
            54.9,
            23.9,
            Profile::Sme,
            vec![self.w.lt_cluster],
        );
        self.app
            .store
            .create_organisation(&o, self.w.applicant_id)
            .await
            .unwrap()
            .id
    }

    pub async fn fresh_app(&self, stage: Stage) -> Uuid {
        let v = self.fresh_visitor().await;
        self.app_at(v, false, stage).await
    }

    /// Like [`Cx::fresh_app`], hosted by H2 (HOP = P2, VOP = P).
    pub async fn fresh_app_hosted_by_h2(&self, stage: Stage) -> Uuid {
        let v = self.fresh_visitor().await;
        self.app_at(v, true, stage).await
    }

    /// Files an application for `visitor` and walks it to `stage` the way its parties do.
    pub(crate) async fn app_at(&self, visitor: Uuid, at_h2: bool, stage: Stage) -> Uuid {
        let mut body = self.w.body(visitor);
        if at_h2 {
            body["host_organisation_id"] = json!(self.h2);
        }
        let path = format!("/api/v1/calls/{}/applications", self.w.call);
        let r = self
            .call(Who::Applicant, Method::POST, &path, Some(body))
            .await;
        ok(&r, "file");
        let id = id_of(&r);
        let base = format!("/api/v1/applications/{id}");
        let step = |token: &str, path: &str, body: Value| {
            let (path, token) = (format!("{base}{path}"), token.to_owned());
            async move {
                let r = self
                    .app
                    .req(Method::POST, &path, Some(&token), Some(body), &[])
                    .await;
                ok(&r, &path);
            }
        };
        let (host, hop) = if at_h2 {
            (self.h2_contact.as_str(), self.token(Who::Coord2))
        } else {
            (self.token(Who::Host), self.hop.as_str())
        };
        let (applicant, vop) = (self.token(Who::Applicant), self.token(Who::Coord));
        if stage >= Stage::Submitted {
            step(applicant, "/submit", json!({})).await;
        }
        if stage >= Stage::HostAccepted {
            step(host, "/host-response", json!({"response": "accept"})).await;
        }
        if stage >= Stage::UnderReview {
            step(vop, "/review", json!({})).await;
        }
        if stage >= Stage::Approved {
            let v = self.app_version(id).await.to_string();
            let body = Some(json!({"decision": "approve"}));
            let path = format!("{base}/decision");
            let r = self
                .app
                .req(Method::POST, &path, Some(vop), body, &[("if-match", &v)])
                .await;
            ok(&r, "approve");
        }
        if stage >= Stage::Committed {
            let first = json!({"goals": "Meet suppliers", "agenda": "Day 1 tour"});
            step(applicant, "/commitment", first).await;
            for token in [host, vop, hop] {
                step(token, "/commitment", json!({})).await;
            }
            crate::fixtures::age(&self.app, &id.to_string(), 60).await;
        }
        if stage >= Stage::Reported {
            let report = json!({"summary": "Good", "outcomes": "Leads", "would_recommend": true});
            step(applicant, "/report", report).await;
        }
        if stage >= Stage::Completed {
            step(vop, "/report/validate", json!({})).await;
        }
        id
    }

    pub async fn app_version(&self, id: Uuid) -> i32 {
        applications::Entity::find_by_id(id)
            .one(&self.app.store.db().conn)
            .await
            .unwrap()
            .unwrap()
            .version
    }

    pub async fn visit_version(&self, id: Uuid) -> i32 {
        group_visits::Entity::find_by_id(id)
            .one(&self.app.store.db().conn)
            .await
            .unwrap()
            .unwrap()
            .version
    }

    pub async fn org_version(&self, id: Uuid) -> i32 {
        self.app.store.organisation(id).await.unwrap().version
    }

    /// A visit of P created by its partner, published or left a draft.
    pub async fn fresh_visit(&self, published: bool) -> Uuid {
        let body = visit_body(self.w.partnership, &format!("Visit {}", self.next()));
        let r = self
            .call(
                Who::Partner,
                Method::POST,
                "/api/v1/group-visits",
                Some(body),
            )
            .await;
        ok(&r, "create visit");
        let id = id_of(&r);
        if published {
            ok(
                &self
                    .call(
                        Who::Partner,
                        Method::POST,
                        &format!("/api/v1/group-visits/{id}/publish"),
                        None,
                    )
                    .await,
                "publish",
            );
        }
        id
    }

    /// An agenda item on the visit's first day, in a room of its own.
    pub async fn fresh_item(&self, visit: Uuid) -> Uuid {
        let r = self
            .call(
                Who::Partner,
                Method::POST,
                &format!("/api/v1/group-visits/{visit}/agenda-items"),
                Some(self.item_body("Hall")),
            )
            .await;
        ok(&r, "add item");
        id_of(&r)
    }

    pub fn item_body(&self, venue: &str) -> Value {
        let day = Utc::now().date_naive() + Duration::days(120);
        json!({
            "kind": "workshop", "title": "Procurement workshop",
            "starts_at": format!("{day}T09:00"), "ends_at": format!("{day}T10:00"),
            "venue": format!("{venue} {}", self.next())
        })
    }

    /// The applicant registers (for V) on a published visit.
    pub async fn register(&self, visit: Uuid) -> Uuid {
        let r = self
            .call(
                Who::Applicant,
                Method::POST,
                &format!("/api/v1/group-visits/{visit}/registrations"),
                Some(json!({"organisation_id": self.w.visitor})),
            )
            .await;
        ok(&r, "register");
        id_of(&r)
    }

    /// Marks the outbox message failed, so a retry is meaningful.
    pub async fn fail_message(&self) {
        let m = outbox::Entity::find_by_id(self.message)
            .one(&self.app.store.db().conn)
            .await
            .unwrap()
            .unwrap();
        let mut am: outbox::ActiveModel = m.into();
        am.status = Set(cxc_domain::notify::OutboxStatus::Failed);
        am.update(&self.app.store.db().conn).await.unwrap();
    }
}
