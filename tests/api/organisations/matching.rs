//! Partner search: the competency matrix (JSON and CSV) and host suggestions.
use serde_json::{Value, json};

use crate::{
    both,
    helpers::TestApp,
    organisations::support::{
        AARHUS, BERLIN, CPH, GRAZ, KAUNAS, MAD, MALMO, PARIS, VNO, body, cast, create, sme_body,
    },
};

fn tagged(mut b: Value, sectors: &[&str], competencies: &[&str]) -> Value {
    b["sectors"] = json!(sectors);
    b["competencies"] = json!(competencies);
    b
}

async fn competency_matrix_as_json_and_safe_csv(app: TestApp) {
    let (_, token) = app.user("ana@photonics.lt").await;
    let a = create(
        &app,
        &token,
        tagged(
            body("=cmd()", "LT", VNO, "cluster_organisation"),
            &["space", "energy"],
            &["lasers"],
        ),
    )
    .await;
    let b = create(
        &app,
        &token,
        tagged(
            body("Aarhus Cryo", "DK", AARHUS, "cluster_organisation"),
            &["Energy"],
            &["-cryogenics", "vacuum"],
        ),
    )
    .await;
    let r = app.get("/api/v1/competency-matrix", Some(&token)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r["sectors"], json!(["energy", "space"]));
    assert_eq!(
        r["competencies"],
        json!(["-cryogenics", "lasers", "vacuum"])
    );
    let rows = r["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[1]["organisation_id"],
        b.as_str(),
        "rows by name ('=' sorts before letters)"
    );
    assert_eq!(
        rows[0],
        json!({"organisation_id": a, "name": "=cmd()", "country": "LT", "profile": "cluster_organisation", "sectors": ["space", "energy"], "competencies": ["lasers"]})
    );
    let only_dk = app
        .get("/api/v1/competency-matrix?country=DK", Some(&token))
        .await;
    assert_eq!(only_dk["rows"].as_array().unwrap().len(), 1);
    assert_eq!(only_dk["sectors"], json!(["energy"]));
    let by_sector = app
        .get("/api/v1/competency-matrix?sector=Space", Some(&token))
        .await;
    assert_eq!(by_sector["rows"][0]["organisation_id"], a.as_str());

    let csv = app.get("/api/v1/competency-matrix.csv", Some(&token)).await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let lines: Vec<&str> = csv.text.lines().collect();
    assert_eq!(
        lines[0],
        "organisation_id,name,country,profile,energy,space,'-cryogenics,lasers,vacuum"
    );
    assert_eq!(
        lines[1],
        format!("{a},'=cmd(),LT,cluster_organisation,1,1,0,1,0"),
        "formula neutralised"
    );
    assert_eq!(
        lines[2],
        format!("{b},Aarhus Cryo,DK,cluster_organisation,1,0,1,0,1")
    );
    assert_eq!(lines.len(), 3);
    assert_eq!(app.get("/api/v1/competency-matrix", None).await.status, 401);
    assert_eq!(
        app.get("/api/v1/competency-matrix.csv", None).await.status,
        401
    );
}
both!(competency_matrix_as_json_and_safe_csv);

async fn host_suggestions_rank_by_overlap_then_distance(app: TestApp) {
    let c = cast(&app).await;
    let (_, owner) = app.user("ana@photonics.lt").await;
    let (_, stranger) = app.user("eve@elsewhere.eu").await;
    let cl = c.cluster.as_str();
    let me = create(
        &app,
        &owner,
        tagged(
            sme_body("Vilnius Photonics", "LT", VNO, cl),
            &["space", "energy"],
            &["lasers", "optics"],
        ),
    )
    .await;
    let admin = &c.admin;
    // score 4: two sectors
    let dk = create(
        &app,
        admin,
        tagged(
            sme_body("Copenhagen Space", "DK", CPH, cl),
            &["space", "energy"],
            &[],
        ),
    )
    .await;
    // score 3 each: one sector + one competency; Berlin is nearer to Vilnius than Madrid
    let es = create(
        &app,
        admin,
        tagged(
            sme_body("Madrid Optics", "ES", MAD, cl),
            &["space"],
            &["optics"],
        ),
    )
    .await;
    let de = create(
        &app,
        admin,
        tagged(
            sme_body("Berlin Lasers", "DE", BERLIN, cl),
            &["energy"],
            &["lasers"],
        ),
    )
    .await;
    // score 1, far away
    let fr = create(
        &app,
        admin,
        tagged(
            body("Paris Cluster", "FR", PARIS, "cluster_organisation"),
            &[],
            &["optics"],
        ),
    )
    .await;
    // excluded: same country, no overlap, not eligible to host (no cluster membership)
    create(
        &app,
        admin,
        tagged(
            sme_body("Kaunas Lasers", "LT", KAUNAS, cl),
            &["space", "energy"],
            &["lasers", "optics"],
        ),
    )
    .await;
    create(
        &app,
        admin,
        tagged(
            body("Graz Health", "AT", GRAZ, "cluster_organisation"),
            &["health"],
            &["medtech"],
        ),
    )
    .await;
    let mut lone = tagged(
        sme_body("Malmo Lasers", "SE", MALMO, cl),
        &["space", "energy"],
        &["lasers", "optics"],
    );
    lone["cluster_ids"] = json!([]);
    create(&app, admin, lone).await;

    let path = format!("/api/v1/organisations/{me}/host-suggestions");
    let r = app.get(&path, Some(&owner)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let items = r["items"].as_array().unwrap();
    let order: Vec<&str> = items
        .iter()
        .map(|i| i["organisation_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [dk.as_str(), de.as_str(), es.as_str(), fr.as_str()],
        "{}",
        r.text
    );
    let scores: Vec<u64> = items.iter().map(|i| i["score"].as_u64().unwrap()).collect();
    assert_eq!(scores, [4, 3, 3, 1]);
    let top = &items[0];
    assert_eq!(top["name"], "Copenhagen Space");
    assert_eq!(top["country"], "DK");
    assert_eq!(top["city"], "Somewhere");
    assert_eq!(top["shared_sectors"], json!(["energy", "space"]));
    assert_eq!(top["shared_competencies"], json!([]));
    let km = top["distance_km"].as_f64().unwrap();
    assert!(
        (750.0..900.0).contains(&km),
        "Vilnius-Copenhagen is about 820 km, got {km}"
    );
    let reasons: Vec<&str> = top["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("energy, space")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("Eligible to host")),
        "{reasons:?}"
    );
    assert_eq!(items[1]["shared_competencies"], json!(["lasers"]));

    let r = app.get(&format!("{path}?limit=2"), Some(&owner)).await;
    assert_eq!(r["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        app.get(&format!("{path}?limit=0"), Some(&owner))
            .await
            .status,
        422
    );
    assert_eq!(
        app.get(&format!("{path}?limit=101"), Some(&owner))
            .await
            .status,
        422
    );
    assert_eq!(app.get(&path, Some(&c.partner)).await.status, 403);
    assert_eq!(app.get(&path, Some(&stranger)).await.status, 404);
    assert_eq!(app.get(&path, None).await.status, 401);
    assert_eq!(app.get(&path, Some(admin)).await.status, 200);
}
both!(host_suggestions_rank_by_overlap_then_distance);
