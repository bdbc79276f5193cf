//! Issue 12, "one person can play three parties": separation of duties on an exchange,
//! against the real server on both databases. Each refusal names its rule.
use cxc_persistence::{entities::organisation_contacts, sea_orm::EntityTrait};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{
    both,
    fixtures::World,
    helpers::{Resp, TestApp},
    organisations::patch,
};

fn refused(r: &Resp, status: u16, rule: &str) {
    assert_eq!(r.status, status, "{}", r.text);
    assert_eq!(r["rule"], rule, "{}", r.text);
    assert!(!r["detail"].as_str().unwrap_or_default().is_empty());
}

async fn email_of(app: &TestApp, id: Uuid) -> String {
    app.store.user(id).await.unwrap().email
}

/// The scenario: a coordinator of the exchange's partnership (its VOP and HOP)
/// who is also a contact of the host organisation answers for the host, and then may
/// neither review, decide nor sign for either partnership; the four signatures come from
/// four people, so the exchange is committed only after a fourth person signs.
async fn one_person_cannot_play_three_parties(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let (multi_id, _) = w.second_coordinator(&app).await;
    app.store
        .add_contact(w.host, &email_of(&app, multi_id).await)
        .await
        .unwrap();
    let multi = app.login(&email_of(&app, multi_id).await).await;
    let id = w.submitted(&app, w.visitor, &w.applicant).await;
    let base = format!("/api/v1/applications/{id}");
    let r = app
        .post_if(
            &format!("{base}/host-response"),
            &multi,
            None,
            json!({"response": "accept"}),
        )
        .await;
    assert_eq!(
        r.status, 200,
        "answering for the host is their part: {}",
        r.text
    );
    let r = app
        .post_if(&format!("{base}/review"), &multi, None, json!({}))
        .await;
    refused(&r, 403, "conflict_host_side");
    let r = app
        .post_if(&format!("{base}/review"), &w.coordinator, None, json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let etag = r.etag();
    let approve = json!({"decision": "approve"});
    let r = app
        .post_if(
            &format!("{base}/decision"),
            &multi,
            Some(&etag),
            approve.clone(),
        )
        .await;
    refused(&r, 403, "conflict_host_side");
    assert!(
        r["detail"]
            .as_str()
            .unwrap()
            .contains("conflict of interest")
    );
    let r = w.try_approve(&app, &id, &etag).await;
    assert_eq!(r.status, 200, "{}", r.text);

    let sign = |token: String, body: Value| {
        let (app, path) = (&app, format!("{base}/commitment"));
        async move { app.post_if(&path, &token, None, body).await }
    };
    let first = json!({"goals": "Meet suppliers", "agenda": "Day 1 tour"});
    assert_eq!(sign(w.applicant.clone(), first).await.status, 200);
    let r = sign(multi.clone(), json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["host"]["by"], multi_id.to_string(), "{}", r.text);
    // As a contact of the host they are conflicted for both partnerships: nothing left.
    let r = sign(multi.clone(), json!({})).await;
    refused(&r, 409, "already_signed");
    let r = sign(w.coordinator.clone(), json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The coordinator is also entitled to sign for the HOP (the same partnership).
    let r = sign(w.coordinator.clone(), json!({})).await;
    refused(&r, 403, "one_signature_per_person");
    let now = app.get(&base, Some(&w.coordinator)).await;
    assert_eq!(now["status"], "approved", "three signatures do not commit");
    let (_, fourth) = w.second_coordinator(&app).await;
    let r = sign(fourth, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["status"], "committed");
    let c = app
        .store
        .commitment(id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let signers = [
        c.visitor_signed_by,
        c.host_signed_by,
        c.vop_signed_by,
        c.hop_signed_by,
    ];
    let mut distinct: Vec<_> = signers.iter().flatten().collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 4, "four different people: {signers:?}");
}
both!(one_person_cannot_play_three_parties);

/// The PATCH-remove-cluster-decide-put-back trick: the relations recorded at
/// submission still count after the cluster is removed from the visiting organisation.
async fn removing_the_cluster_before_deciding_does_not_help(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let coord_email = email_of(&app, w.coordinator_id).await;
    let id = w.submitted(&app, w.visitor, &w.applicant).await;
    let base = format!("/api/v1/applications/{id}");
    let r = app
        .post_if(
            &format!("{base}/host-response"),
            &w.host_contact,
            None,
            json!({"response": "accept"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The coordinator becomes a contact of the visitor's cluster after submission, and
    // the visitor leaves the cluster.
    app.store
        .add_contact(w.lt_cluster, &coord_email)
        .await
        .unwrap();
    let coordinator = app.login(&coord_email).await;
    let org = format!("/api/v1/organisations/{}", w.visitor);
    let v = app.get(&org, Some(&w.applicant)).await.etag();
    let r = patch(
        &app,
        &org,
        &w.applicant,
        Some(&v),
        json!({"cluster_ids": []}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["cluster_ids"], json!([]));
    let r = app
        .post_if(&format!("{base}/review"), &coordinator, None, json!({}))
        .await;
    refused(&r, 403, "conflict_visiting_cluster");
    let r = app
        .post_if(&format!("{base}/review"), &w.admin, None, json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let etag = r.etag();
    let r = app
        .post_if(
            &format!("{base}/decision"),
            &coordinator,
            Some(&etag),
            json!({"decision": "approve"}),
        )
        .await;
    refused(&r, 403, "conflict_visiting_cluster");
    let now = app.get(&base, Some(&w.admin)).await;
    assert_eq!(now["status"], "under_review", "nothing changed");
    // A contact of the visitor at submission who left it is still conflicted.
    let id2 = {
        let (v2, t2) = w.another_visitor(&app, 2).await;
        let id2 = w.draft(&app, v2, &t2).await;
        let (_, c3) = w.second_coordinator(&app).await;
        let c3_id: Uuid = app.get("/api/v1/me", Some(&c3)).await["id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        app.store
            .add_contact(v2, &email_of(&app, c3_id).await)
            .await
            .unwrap();
        let r = app
            .post_if(
                &format!("/api/v1/applications/{id2}/submit"),
                &t2,
                None,
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        organisation_contacts::Entity::delete_by_id((v2, c3_id))
            .exec(&app.store.db().conn)
            .await
            .unwrap();
        app.store.auth_cache.invalidate();
        let c3 = app.login(&email_of(&app, c3_id).await).await;
        let r = app
            .post_if(
                &format!("/api/v1/applications/{id2}/review"),
                &c3,
                None,
                json!({}),
            )
            .await;
        refused(&r, 403, "conflict_visiting_side_at_submission");
        id2
    };
    assert!(!id2.is_empty());
}
both!(removing_the_cluster_before_deciding_does_not_help);

/// The race: one person fires many signatures at once; under the row lock the policy
/// sees the first, so only one goes through whatever the interleaving.
async fn concurrent_signatures_by_one_person_yield_one(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let (id, _) = w.approved(&app, w.visitor, &w.applicant).await;
    let base = format!("/api/v1/applications/{id}");
    let first = json!({"goals": "Meet suppliers", "agenda": "Day 1 tour"});
    let r = app
        .post_if(&format!("{base}/commitment"), &w.applicant, None, first)
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The coordinator may sign for the VOP or the HOP (both are the partnership), once.
    let path = format!("{base}/commitment");
    let statuses = futures::future::join_all((0..12).map(|_| {
        let (app, path, token) = (&app, path.clone(), w.coordinator.clone());
        async move {
            app.post_if(&path, &token, None, json!({}))
                .await
                .status
                .as_u16()
        }
    }))
    .await;
    let ok = statuses.iter().filter(|s| **s == 200).count();
    assert_eq!(ok, 1, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| [200, 403, 409].contains(s)),
        "{statuses:?}"
    );
    let c = app
        .store
        .commitment(id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let mine = [c.vop_signed_by, c.hop_signed_by]
        .iter()
        .filter(|s| **s == Some(w.coordinator_id))
        .count();
    assert_eq!(mine, 1, "one signature of theirs: {c:?}");
    let now = app.get(&base, Some(&w.coordinator)).await;
    assert_eq!(now["status"], "approved");
}
both!(concurrent_signatures_by_one_person_yield_one);
