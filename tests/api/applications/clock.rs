//! Time-dependent rules judged by the server's clock (ADR 0007), which the test moves
//! instead of sleeping or rewriting stored dates.
use chrono::{Duration, NaiveTime};
use serde_json::json;

use crate::{both, fixtures::World, helpers::TestApp};

/// The Commitment to Quality is signed before the exchange starts: the day before is
/// fine, the first day is too late.
async fn signing_closes_when_the_exchange_starts(app: TestApp) {
    let w = World::new(&app, 10, 10_000_000).await;
    let (id, _) = w.approved(&app, w.visitor, &w.applicant).await;
    let email = app.store.user(w.applicant_id).await.unwrap().email;
    let sign = |token: String| {
        let path = format!("/api/v1/applications/{id}/commitment");
        let app = &app;
        async move {
            app.post(
                &path,
                Some(&token),
                json!({"goals": "Meet ESS suppliers", "agenda": "Day 1 tour, day 2 workshop"}),
            )
            .await
        }
    };
    let first_day = w.start.and_time(NaiveTime::MIN).and_utc();

    app.clock.set(first_day + Duration::minutes(1));
    // Sessions expire by the same clock: sign in again in the new present.
    let token = app.login(&email).await;
    let r = sign(token.clone()).await;
    assert_eq!(r.status, 409, "{}", r.text);
    assert_eq!(r["code"], "exchange_started");

    app.clock.set(first_day - Duration::hours(1));
    let r = sign(token).await;
    assert_eq!(r.status, 200, "the evening before is in time: {}", r.text);
}
both!(signing_closes_when_the_exchange_starts);
