//! What the status table cannot see: lists show only what the caller may see, and the
//! conflict-of-interest rule (issue 8) for a coordinator of the visitor's cluster and
//! for admins.
use serde_json::json;
use uuid::Uuid;

use crate::{
    authz::{Cx, Who},
    both,
    fixtures::World,
    helpers::{Resp, TestApp},
};

async fn listed(cx: &Cx, who: Who, path: &str, id: Uuid) -> bool {
    let token = (who != Who::Anon).then(|| cx.token(who));
    cx.app
        .get(path, token)
        .await
        .item_ids()
        .contains(&id.to_string())
}

async fn lists_show_only_what_the_caller_may_see(app: TestApp) {
    let cx = Cx::build(app).await;
    let g_regs = format!("/api/v1/group-visits/{}/registrations", cx.g);
    for who in [
        Who::Applicant,
        Who::Other,
        Who::Host,
        Who::Partner,
        Who::Coord,
        Who::Coord2,
        Who::Admin,
    ] {
        let sees_a = !matches!(who, Who::Other | Who::Coord2);
        assert_eq!(
            listed(&cx, who, "/api/v1/applications?limit=200", cx.a).await,
            sees_a,
            "application A in the list of {who:?}"
        );
        let manages = matches!(who, Who::Partner | Who::Coord | Who::Admin);
        assert_eq!(
            listed(&cx, who, "/api/v1/group-visits?limit=200", cx.d).await,
            manages,
            "draft visit in the list of {who:?}"
        );
        assert_eq!(
            listed(&cx, who, &g_regs, cx.g_reg).await,
            manages || who == Who::Applicant,
            "the applicant's registration in the list of {who:?}"
        );
    }
    assert!(!listed(&cx, Who::Anon, "/api/v1/group-visits", cx.d).await);
    assert!(listed(&cx, Who::Anon, "/api/v1/group-visits", cx.g).await);
}
both!(lists_show_only_what_the_caller_may_see);

fn conflicted(r: &Resp, why: &str) {
    assert_eq!(r.status, 403, "{}", r.text);
    let detail = r["detail"].as_str().unwrap();
    assert!(
        detail.contains("conflict of interest") && detail.contains(why),
        "{detail}"
    );
}

async fn coordinators_of_the_visitors_cluster_neither_review_nor_decide(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let email = app.store.user(w.coordinator_id).await.unwrap().email;
    // The coordinator acts for the LT cluster; the visiting SME is one of its members.
    app.store.add_contact(w.lt_cluster, &email).await.unwrap();
    let id = w.accepted(&app, w.visitor, &w.applicant).await;
    let base = format!("/api/v1/applications/{id}");
    let r = app
        .post_if(&format!("{base}/review"), &w.coordinator, None, json!({}))
        .await;
    conflicted(&r, "member of your cluster");
    // Someone unconflicted reviews; the decision is still not the cluster coordinator's.
    let r = app
        .post_if(&format!("{base}/review"), &w.admin, None, json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let etag = r.etag();
    let r = w.try_approve(&app, &id, &etag).await;
    conflicted(&r, "member of your cluster");
    let now = app.get(&base, Some(&w.coordinator)).await;
    assert_eq!(now["status"], "under_review", "nothing changed");
}
both!(coordinators_of_the_visitors_cluster_neither_review_nor_decide);

async fn admins_are_bound_by_the_conflict_of_interest_rule(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let email = app.get("/api/v1/me", Some(&w.admin)).await["email"]
        .as_str()
        .unwrap()
        .to_owned();
    app.store.add_contact(w.visitor, &email).await.unwrap();
    let id = w.accepted(&app, w.visitor, &w.applicant).await;
    let base = format!("/api/v1/applications/{id}");
    let r = app
        .post_if(&format!("{base}/review"), &w.admin, None, json!({}))
        .await;
    conflicted(&r, "contact of the visiting organisation");
    let r = app
        .post_if(&format!("{base}/review"), &w.coordinator, None, json!({}))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let etag = r.etag();
    let approve = json!({"decision": "approve"});
    let r = app
        .post_if(&format!("{base}/decision"), &w.admin, Some(&etag), approve)
        .await;
    conflicted(&r, "contact of the visiting organisation");
}
both!(admins_are_bound_by_the_conflict_of_interest_rule);
