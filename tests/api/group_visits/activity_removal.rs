//! Removing a limited activity ends its registrations through the one registration path
//! (`Store::change_registrations`), also while its participants cancel at that moment.

use cxc_persistence::{
    entities::{agenda_items, registrations},
    sea_orm::{ColumnTrait, EntityTrait, QueryFilter},
};
use futures::future::join_all;
use uuid::Uuid;

use crate::{both, group_visits::fixtures::*, helpers::TestApp};

async fn removing_an_activity_ends_its_registrations_even_while_they_cancel(app: TestApp) {
    let fx = setup(&app).await;
    let (v, ws, _) = workshop_and_seminar(&app, &fx).await;
    let mut people = Vec::new();
    for n in 0..5 {
        let (_, token, org) = participant(&app, &format!("r{n}@cluster.eu")).await;
        assert_eq!(register(&app, &v, &token, org, None).await.status, 201);
        let r = register(&app, &v, &token, org, Some(&ws)).await;
        assert_eq!(r.status, 201, "{}", r.text);
        people.push((token, id(&r.body), r["status"].as_str().unwrap().to_owned()));
    }
    let statuses: Vec<&str> = people.iter().map(|p| p.2.as_str()).collect();
    assert_eq!(
        statuses,
        [
            "confirmed",
            "confirmed",
            "waitlisted",
            "waitlisted",
            "waitlisted"
        ]
    );

    // The organiser removes the workshop while one confirmed and one waiting
    // participant cancel their workshop places.
    let remove = cancel_item(&app, &fx, &v, &ws);
    let cancels = join_all([0, 2].map(|n| cancel(&app, &v, &people[n].1, &people[n].0)));
    let ((), cancelled) = futures::join!(remove, cancels);
    // Each cancellation came before the removal (204) or found it done (409); none failed.
    assert!(
        cancelled.iter().all(|s| *s == 204 || *s == 409),
        "{cancelled:?}"
    );

    let ws_id = Uuid::parse_str(&ws).unwrap();
    let on_ws = registrations::Entity::find()
        .filter(registrations::Column::ItemId.eq(ws_id))
        .all(&app.store.db().conn)
        .await
        .unwrap();
    assert_eq!(on_ws.len(), 5);
    assert!(
        on_ws
            .iter()
            .all(|r| r.status.as_str() == "cancelled" && r.active_key.is_none()),
        "every workshop registration ended: {on_ws:?}"
    );
    let row = agenda_items::Entity::find_by_id(ws_id)
        .one(&app.store.db().conn)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.removed, row.confirmed_count), (true, 0));
    // The visit places are untouched, and nobody can take the removed workshop again.
    assert_eq!(visit_row(&app, &v).await.confirmed_count, 5);
    assert_eq!(regs(&app, &v, "confirmed").await.len(), 5);
    for (token, reg, _) in &people {
        assert_eq!(cancel(&app, &v, reg, token).await, 409);
    }
    let (_, again, org) = participant(&app, "late@cluster.eu").await;
    assert_eq!(register(&app, &v, &again, org, None).await.status, 201);
    let r = register(&app, &v, &again, org, Some(&ws)).await;
    assert_eq!(r.status, 422, "{}", r.text);
    assert_eq!(r["errors"][0]["code"], "unknown_item");
}
both!(removing_an_activity_ends_its_registrations_even_while_they_cancel);
