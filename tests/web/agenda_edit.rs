//! Editing and moving an agenda item in the browser pages (issue 16), at the HTML level
//! on both databases: the API's PATCH with If-Match, its clash refusal and travel-buffer
//! warning on the edit form, a change made meanwhile reported and not overwritten.
use reqwest::StatusCode;
use serde_json::Value;

use crate::{
    both,
    client::Browser,
    helpers::TestApp,
    visit_fixtures::{Fx, add_item, cern, create, id, item, setup},
};

async fn item_now(app: &TestApp, fx: &Fx, visit: &str, item: &str) -> Value {
    let r = app
        .get(
            &format!("/api/v1/group-visits/{visit}"),
            Some(&fx.organiser),
        )
        .await;
    r.body["agenda"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == item)
        .cloned()
        .unwrap()
}

fn moved<'a>(
    day: &'a str,
    start: &'a str,
    end: &'a str,
    venue: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", "facility_visit"),
        ("day", day),
        ("starts_at", start),
        ("ends_at", end),
        ("venue", venue),
    ]
}

async fn partner_edits_and_moves_an_item(app: TestApp) {
    let fx = setup(&app).await;
    let v = id(&create(&app, &fx, cern(fx.partnership)).await);
    let a = id(&add_item(
        &app,
        &fx,
        &v,
        item(
            "facility_visit",
            "SM18 magnet tests",
            "2027-03-28T13:00",
            "2027-03-28T14:45",
            "SM18",
        ),
    )
    .await);
    let b = id(&add_item(
        &app,
        &fx,
        &v,
        item(
            "facility_visit",
            "Council",
            "2027-03-28T16:00",
            "2027-03-28T17:00",
            "Council Chamber",
        ),
    )
    .await);
    let mut p = Browser::with_session(&app, &fx.organiser);
    let builder = p.get(&format!("/manage/visits/{v}")).await;
    assert!(
        builder.has(&format!("/manage/visits/{v}/items/{a}/edit")),
        "{}",
        builder.html
    );
    let edit_a = format!("/manage/visits/{v}/items/{a}/edit");
    let page = p.get(&edit_a).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    assert!(
        page.has("value=\"13:00\"") && page.has("SM18 magnet tests"),
        "{}",
        page.html
    );
    let seen = page.hidden("version");

    // Moved to the next day, with the version the form showed.
    let mut f = moved("2027-03-29", "09:00", "10:00", "SM18");
    f.push(("title", "SM18 magnet tests"));
    f.push(("version", seen.as_str()));
    let r = p.post(&format!("/manage/visits/{v}/items/{a}"), &f).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    assert_eq!(r.location(), format!("/manage/visits/{v}"));
    let now = item_now(&app, &fx, &v, &a).await;
    assert_eq!(now["starts_at"], "2027-03-29T09:00");
    let builder = p.get(&format!("/manage/visits/{v}")).await;
    assert!(
        builder.has("09:00–10:00") && builder.has("The item is changed."),
        "{}",
        builder.html
    );

    // The same form again (the version it was based on is gone): refused, reported, and the
    // form now shows the item as it is; nothing is overwritten.
    let mut stale = moved("2027-03-28", "08:00", "08:30", "SM18");
    stale.push(("title", "Overwritten"));
    stale.push(("version", seen.as_str()));
    let r = p
        .post(&format!("/manage/visits/{v}/items/{a}"), &stale)
        .await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.html);
    assert!(
        r.has("after you opened the form") && r.has("value=\"09:00\""),
        "{}",
        r.html
    );
    let now = item_now(&app, &fx, &v, &a).await;
    assert_eq!(
        (now["title"].as_str(), now["starts_at"].as_str()),
        (Some("SM18 magnet tests"), Some("2027-03-29T09:00"))
    );

    // A clash at the same venue: the API's refusal on the edit form, nothing changed.
    let mut clash = moved("2027-03-29", "09:30", "10:30", "SM18");
    clash.push(("title", "Council"));
    let r = p
        .post(&format!("/manage/visits/{v}/items/{b}"), &clash)
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.html);
    assert!(
        r.has("error-summary") && r.has(&format!("action=\"/manage/visits/{v}/items/{b}\"")),
        "{}",
        r.html
    );
    assert_eq!(
        item_now(&app, &fx, &v, &b).await["starts_at"],
        "2027-03-28T16:00"
    );

    // Input the page checks itself: the form again, 422, nothing sent.
    let mut bad = moved("2027-03-29", "11:00", "12:00", "Council Chamber");
    bad.extend([("title", "Council"), ("capacity", "many")]);
    let r = p.post(&format!("/manage/visits/{v}/items/{b}"), &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.html);
    assert!(r.has("id=\"f-capacity-error\""), "{}", r.html);

    // Five minutes after SM18 at another venue: saved, and the edit form shows the warning.
    let mut tight = moved("2027-03-29", "10:05", "11:00", "Council Chamber");
    tight.push(("title", "Council"));
    let r = p
        .post(&format!("/manage/visits/{v}/items/{b}"), &tight)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    assert_eq!(r.location(), format!("/manage/visits/{v}/items/{b}/edit"));
    let page = p.get(r.location()).await;
    assert!(
        page.has("class=\"warning\"") && page.has("see the warning below"),
        "{}",
        page.html
    );
    assert_eq!(
        item_now(&app, &fx, &v, &b).await["starts_at"],
        "2027-03-29T10:05"
    );

    // Another partnership's organiser cannot open or change it.
    let (_, stranger, _) = crate::visit_fixtures::participant(&app, "stranger@cluster.lt").await;
    let mut s = Browser::with_session(&app, &stranger);
    // "Manage" in the navigation only for those who hold a grant (or are admins).
    let home = s.get("/").await;
    assert!(
        home.has("Sign out") && !home.has("href=\"/manage\""),
        "{}",
        home.html
    );
    assert!(p.get("/").await.has("href=\"/manage\""));
    assert!(
        Browser::with_session(&app, &fx.admin)
            .get("/")
            .await
            .has("href=\"/manage\"")
    );
    let r = s.get(&edit_a).await;
    assert!(
        matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{}",
        r.html
    );
    s.get("/").await;
    let r = s
        .post(&format!("/manage/visits/{v}/items/{a}"), &tight)
        .await;
    assert!(
        matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{}",
        r.html
    );
    assert_eq!(
        item_now(&app, &fx, &v, &a).await["starts_at"],
        "2027-03-29T09:00"
    );
}
both!(partner_edits_and_moves_an_item);

/// A change to a published visit shows first what will change and how many registered
/// people will be told; only "Apply" makes it (and the API then emails them).
async fn published_change_is_confirmed_first(app: TestApp) {
    use crate::visit_fixtures::{mails, open_visit, participant, register};
    let fx = setup(&app).await;
    // Two places: the fourth person below waits, and a waiting person is told nothing.
    let v = open_visit(&app, &fx, 2).await;
    let r = app
        .get(&format!("/api/v1/group-visits/{v}"), Some(&fx.organiser))
        .await;
    let a = id(&r.body["agenda"][0]);
    let (_, t1, o1) = participant(&app, "first@cluster.lt").await;
    let (_, t2, o2) = participant(&app, "second@cluster.lt").await;
    assert_eq!(register(&app, &v, &t1, o1, None).await.status, 201);
    assert_eq!(register(&app, &v, &t2, o2, None).await.status, 201);
    // A third registration, cancelled: not told.
    let (_, t3, o3) = participant(&app, "gone@cluster.lt").await;
    let gone = register(&app, &v, &t3, o3, None).await;
    assert_eq!(
        crate::visit_fixtures::cancel(&app, &v, &id(&gone.body), &t3).await,
        204
    );

    let (_, t4, o4) = participant(&app, "waiting@cluster.lt").await;
    let waiting = register(&app, &v, &t4, o4, None).await;
    assert_eq!(waiting.body["status"], "waitlisted", "{}", waiting.text);

    let mut p = Browser::with_session(&app, &fx.organiser);
    // Adding an item tells the confirmed participants only, not the waiting list.
    let builder = p.get(&format!("/manage/visits/{v}")).await;
    assert!(builder.has("(registered now: 2)"), "{}", builder.html);
    let page = p.get(&format!("/manage/visits/{v}/items/{a}/edit")).await;
    let seen = page.hidden("version");
    let mut f = moved("2027-03-27", "14:00", "16:00", "SM18");
    f.push(("title", "SM18"));
    f.push(("version", seen.as_str()));
    let path = format!("/manage/visits/{v}/items/{a}");
    let r = p.post(&path, &f).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.html);
    assert!(
        r.has("2 registered people will be emailed")
            && r.has("13:00–15:00")
            && r.has("<strong>14:00–16:00</strong>")
            && r.has("Apply the change and tell 2 people"),
        "{}",
        r.html
    );
    assert_eq!(r.hidden("version"), seen);
    // Nothing is changed and nobody told yet.
    assert_eq!(
        item_now(&app, &fx, &v, &a).await["starts_at"],
        "2027-03-27T13:00"
    );
    assert!(
        mails(&app, "first@cluster.lt", "agenda_changed")
            .await
            .is_empty()
    );

    // "Change it again": the form with what was proposed.
    let mut back = f.clone();
    back.push(("back", "yes"));
    let r = p.post(&path, &back).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.html);
    assert!(
        r.has("value=\"14:00\"") && r.has("Save the change"),
        "{}",
        r.html
    );

    // Applied: the API makes version 2 and emails the two confirmed people.
    let mut apply = f.clone();
    apply.push(("confirm", "yes"));
    let r = p.post(&path, &apply).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.html);
    assert_eq!(
        item_now(&app, &fx, &v, &a).await["starts_at"],
        "2027-03-27T14:00"
    );
    let builder = p.get(&format!("/manage/visits/{v}")).await;
    assert!(
        builder.has("Version 2") && builder.has("Moved: SM18"),
        "{}",
        builder.html
    );
    assert_eq!(
        mails(&app, "first@cluster.lt", "agenda_changed")
            .await
            .len(),
        1
    );
    assert_eq!(
        mails(&app, "second@cluster.lt", "agenda_changed")
            .await
            .len(),
        1
    );
    assert!(
        mails(&app, "gone@cluster.lt", "agenda_changed")
            .await
            .is_empty()
    );

    // Confirming an outdated proposal: the visit changed since; reported, not applied.
    let mut old = moved("2027-03-27", "09:00", "10:00", "SM18");
    old.extend([
        ("title", "SM18"),
        ("version", seen.as_str()),
        ("confirm", "yes"),
    ]);
    let r = p.post(&path, &old).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED, "{}", r.html);
    assert_eq!(
        item_now(&app, &fx, &v, &a).await["starts_at"],
        "2027-03-27T14:00"
    );
}
both!(published_change_is_confirmed_first);
