//! A published three-day 360ºXchange visit with a full agenda, created through the
//! HTTP API (the contract is fixed, so this works with whatever repositories the
//! server has). `None` when the server has no group visits yet.
use anyhow::{Context, bail};
use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};
use uuid::Uuid;

async fn post(
    c: &reqwest::Client,
    url: String,
    token: &str,
    body: Value,
) -> anyhow::Result<(u16, Value)> {
    let r = c.post(url).bearer_auth(token).json(&body).send().await?;
    let status = r.status().as_u16();
    Ok((status, r.json().await.unwrap_or(Value::Null)))
}

/// # Errors
/// When the server refuses a well-formed request.
pub async fn seed(
    base: &str,
    token: &str,
    partnership: Uuid,
    start: NaiveDate,
) -> anyhow::Result<Option<Uuid>> {
    let c = reqwest::Client::new();
    let body = json!({
        "partnership_id": partnership,
        "title": "360ºXchange: three days at CERN",
        "description": "Facilities, procurement workshops and networking.",
        "host_country": "CH", "city": "Geneva", "timezone": "Europe/Zurich",
        "starts_on": start, "ends_on": start + Duration::days(2), "capacity": 100,
        "registration_closes_at": format!("{}T12:00:00Z", start - Duration::days(3)),
    });
    let (status, v) = post(&c, format!("{base}/api/v1/group-visits"), token, body).await?;
    if status == 404 || status == 405 {
        return Ok(None);
    }
    if status != 201 {
        bail!("creating the group visit: {status} {v}");
    }
    let id: Uuid = v["id"].as_str().context("visit id")?.parse()?;
    let slots = [
        ("facility_visit", "09:00", "10:30", "CERN Globe"),
        ("workshop", "11:00", "12:30", "Building 40"),
        ("seminar", "14:00", "15:30", "Main Auditorium"),
        ("networking", "18:00", "20:00", "Restaurant 1"),
    ];
    for day in 0..3 {
        let d = start + Duration::days(day);
        for (kind, from, to, venue) in slots {
            let item = json!({"kind": kind, "title": format!("{kind} day {}", day + 1),
                "starts_at": format!("{d}T{from}"), "ends_at": format!("{d}T{to}"), "venue": venue,
                "description": "Bring your badge."});
            let (s, v) = post(
                &c,
                format!("{base}/api/v1/group-visits/{id}/agenda-items"),
                token,
                item,
            )
            .await?;
            if s != 201 {
                bail!("adding an agenda item: {s} {v}");
            }
        }
    }
    let (s, v) = post(
        &c,
        format!("{base}/api/v1/group-visits/{id}/publish"),
        token,
        json!({}),
    )
    .await?;
    if s != 200 {
        bail!("publishing the visit: {s} {v}");
    }
    Ok(Some(id))
}
