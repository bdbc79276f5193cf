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
