//! Builders for organisations and partnerships, created through the API.
use serde_json::{Value, json};

use crate::helpers::TestApp;

pub const CPH: (f64, f64) = (55.6761, 12.5683);
pub const AARHUS: (f64, f64) = (56.1629, 10.2039);
pub const MALMO: (f64, f64) = (55.6050, 13.0038);
pub const MAD: (f64, f64) = (40.4168, -3.7038);
pub const VNO: (f64, f64) = (54.6872, 25.2797);
pub const KAUNAS: (f64, f64) = (54.8985, 23.9036);
pub const PARIS: (f64, f64) = (48.8566, 2.3522);
pub const GRAZ: (f64, f64) = (47.0707, 15.4395);
pub const BERLIN: (f64, f64) = (52.5200, 13.4050);

/// A minimal valid body of `profile` (no clusters, no figures).
pub fn body(name: &str, country: &str, (lat, lon): (f64, f64), profile: &str) -> Value {
    json!({
        "name": name, "country": country, "city": "Somewhere", "latitude": lat, "longitude": lon,
        "profile": profile, "cluster_ids": [], "sectors": [], "competencies": []
    })
}

/// A small SME (20 staff, €3 M turnover) that is a member of `cluster`.
pub fn sme_body(name: &str, country: &str, at: (f64, f64), cluster: &str) -> Value {
    let mut b = body(name, country, at, "sme");
    b["cluster_ids"] = json!([cluster]);
    b["headcount"] = json!(20);
    b["annual_turnover_cents"] = json!(300_000_000);
    b["balance_sheet_total_cents"] = json!(250_000_000);
    b
}

pub async fn create(app: &TestApp, token: &str, body: Value) -> String {
    let r = app.post("/api/v1/organisations", Some(token), body).await;
    assert_eq!(r.status, 201, "create organisation: {}", r.text);
    r["id"].as_str().unwrap().to_owned()
}

/// A cluster organisation with an ECCP profile.
pub async fn cluster(
    app: &TestApp,
    token: &str,
    name: &str,
    country: &str,
    at: (f64, f64),
) -> String {
    let mut b = body(name, country, at, "cluster_organisation");
    b["eccp_profile_url"] = json!("https://clustercollaboration.eu/cluster-organisations/x");
    create(app, token, b).await
}

/// A partnership of the given organisations (`(id, role)`), created by `admin`.
pub async fn partnership(
    app: &TestApp,
    admin: &str,
    name: &str,
    partners: &[(&str, &str)],
) -> String {
    let partners: Vec<Value> = partners
        .iter()
        .map(|(id, role)| json!({"organisation_id": id, "role": role}))
        .collect();
    let r = app
        .post(
            "/api/v1/partnerships",
            Some(admin),
            json!({"name": name, "grant_agreement": "101037928", "programme": "COSME", "budget_cents": 49_626_100,
                   "starts_on": "2022-02-01", "ends_on": "2024-01-31", "partners": partners}),
        )
        .await;
    assert_eq!(r.status, 201, "create partnership: {}", r.text);
    r["id"].as_str().unwrap().to_owned()
}

/// The usual cast: an admin, a cluster in a partnership, and a partner and a coordinator
/// of that partnership (tokens), plus the partnership id and the cluster id.
pub struct Cast {
    pub admin: String,
    pub partner: String,
    pub coordinator: String,
    pub partnership: String,
    pub cluster: String,
}

pub async fn cast(app: &TestApp) -> Cast {
    let admin = app.admin().await;
    let cluster = cluster(app, &admin, "BigScience.dk", "DK", CPH).await;
    let partnership = partnership(app, &admin, "BIGINN", &[(&cluster, "coordinator")]).await;
    let (pid, partner) = app.user("partner@ineustar.es").await;
    app.grant(&admin, &pid, "partner", Some(&partnership)).await;
    let (cid, coordinator) = app.user("coordinator@bigscience.dk").await;
    app.grant(&admin, &cid, "coordinator", Some(&partnership))
        .await;
    Cast {
        admin,
        partner,
        coordinator,
        partnership,
        cluster,
    }
}

pub fn fields(r: &crate::helpers::Resp) -> Vec<String> {
    r["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}
