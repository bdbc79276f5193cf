//! Who may do what: ONE table of every route × caller → expected status, and a test that
//! every route of `/openapi.json` is in it, so a new route cannot slip in untested.
//!
//! Figures: 91 routes (method × path of the OpenAPI document) × 8 callers; 107 rows (every
//! route once, plus 16 variants: a draft visit, a draft application, an application whose
//! host is managed by P2, the exchange calculator with stored organisations) → 856 route × caller cases, on SQLite and on PostgreSQL.
//! `table_covers_every_route` keeps these figures honest, and checks that every status the
//! table expects is documented for its operation in `/openapi.json`.
//!
//! The expectations are what the contract and a careful reviewer require, not a recording
//! of the server: anonymous → 401 on every signed-in route; records a caller may not see
//! (other people's applications and registrations, draft visits, organisations) → 404;
//! 403 only when the caller sees the resource but may not act; admins do everything except
//! act as a party (file or sign for an organisation, answer for the host, report).
//!
//! Callers run in the fixed order of [`CALLERS`]; an action that changes its target gets a
//! fresh target per caller from a `prepare` step in the row (a new application at the right
//! stage, a new visit, a new session…), so every status is independent of the others.
//!
//! Run: `CARGO_TARGET_DIR=... cargo test -p cxc-tests authz` (about 10 s per backend).

pub mod prepare;
pub mod table;
pub mod table_apps;
pub mod table_visits;
pub mod visibility;
pub mod world;

use std::{future::Future, pin::Pin, sync::Arc};

use reqwest::Method;
use serde_json::Value;
use uuid::Uuid;

pub use crate::authz::world::{CALLERS, Cx, Stage, Who};
use crate::{
    both,
    helpers::{Backend, TestApp, spawn_app},
};

pub type Build = Box<dyn Fn(Arc<Cx>, Who) -> Pin<Box<dyn Future<Output = Req>>>>;

/// One route (with a concrete request) and the status each caller must get, in the
/// order of [`CALLERS`]: anonymous, applicant, other applicant, host contact, partner,
/// coordinator of P, coordinator of P2, admin.
pub struct Row {
    pub method: Method,
    pub route: &'static str,
    /// Empty for the route's main row; otherwise what differs (e.g. "draft visit").
    pub variant: &'static str,
    pub expect: [u16; 8],
    pub build: Build,
}

pub fn row<F, Fut>(method: Method, route: &'static str, expect: [u16; 8], build: F) -> Row
where
    F: Fn(Arc<Cx>, Who) -> Fut + 'static,
    Fut: Future<Output = Req> + 'static,
{
    Row {
        method,
        route,
        variant: "",
        expect,
        build: Box::new(move |cx, who| Box::pin(build(cx, who))),
    }
}

impl Row {
    pub fn variant(mut self, v: &'static str) -> Self {
        self.variant = v;
        self
    }
}

/// A request to a row's route: its path parameters (filled into the route template, so
/// the request provably exercises that route), body, `If-Match`, and a token replacing
/// the caller's usual one (a throwaway session or account for self-destructive routes).
#[derive(Debug, Default)]
pub struct Req {
    pub params: Vec<(&'static str, String)>,
    pub body: Option<Value>,
    pub if_match: Option<i32>,
    pub token: Option<String>,
}

impl Req {
    /// No path parameters.
    pub fn new() -> Self {
        Req::default()
    }

    /// `{id}`.
    pub fn id(id: impl std::fmt::Display) -> Self {
        Req::new().param("id", id)
    }

    pub fn param(mut self, name: &'static str, value: impl std::fmt::Display) -> Self {
        self.params.push((name, value.to_string()));
        self
    }

    pub fn json(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    pub fn if_match(mut self, version: i32) -> Self {
        self.if_match = Some(version);
        self
    }

    pub fn token(mut self, token: String) -> Self {
        self.token = Some(token);
        self
    }

    fn path(&self, route: &str) -> String {
        let mut path = route.to_owned();
        for (k, v) in &self.params {
            path = path.replace(&format!("{{{k}}}"), v);
        }
        assert!(!path.contains('{'), "unfilled parameter in {path}");
        path
    }
}

/// A request to `route` itself: no path parameters, no body.
pub fn fixed(method: Method, route: &'static str, expect: [u16; 8]) -> Row {
    row(method, route, expect, |_, _| async { Req::new() })
}

/// A request to `route` with `{id}` = `id(world)`, no body.
pub fn on(method: Method, route: &'static str, expect: [u16; 8], id: fn(&Cx) -> Uuid) -> Row {
    row(method, route, expect, move |cx, _| async move {
        Req::id(id(&cx))
    })
}

/// The whole table.
pub fn table() -> Vec<Row> {
    let mut t = crate::authz::table::rows();
    t.extend(crate::authz::table_apps::rows());
    t.extend(crate::authz::table_visits::rows());
    t
}

fn routes_of(doc: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (path, ops) in doc["paths"].as_object().expect("paths") {
        for method in ops.as_object().expect("operations").keys() {
            if ["get", "put", "post", "delete", "patch", "head", "options"]
                .contains(&method.as_str())
            {
                out.push((method.to_uppercase(), path.clone()));
            }
        }
    }
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn table_covers_every_route() {
    let Some(app) = spawn_app(Backend::Sqlite).await else {
        return;
    };
    let doc = app.get("/openapi.json", None).await.body;
    let routes = routes_of(&doc);
    let rows = table();
    let listed: Vec<(String, String)> = rows
        .iter()
        .map(|r| (r.method.to_string(), r.route.to_owned()))
        .collect();
    let missing: Vec<_> = routes.iter().filter(|r| !listed.contains(r)).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the authorisation table: {missing:?}"
    );
    let stale: Vec<_> = listed.iter().filter(|r| !routes.contains(r)).collect();
    assert!(
        stale.is_empty(),
        "rows for routes the server no longer has: {stale:?}"
    );
    let undocumented: Vec<String> = rows
        .iter()
        .flat_map(|r| {
            let responses = &doc["paths"][r.route][r.method.as_str().to_lowercase()]["responses"];
            let mut missing: Vec<u16> = r
                .expect
                .iter()
                .copied()
                .filter(|s| responses.get(s.to_string()).is_none())
                .collect();
            missing.sort_unstable();
            missing.dedup();
            missing
                .into_iter()
                .map(move |s| format!("{} {} {s}", r.method, r.route))
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(
        undocumented.is_empty(),
        "statuses the table expects but /openapi.json does not document: {undocumented:#?}"
    );
    let mut keys: Vec<_> = rows
        .iter()
        .map(|r| (r.method.to_string(), r.route, r.variant))
        .collect();
    keys.sort();
    let n = keys.len();
    keys.dedup();
    assert_eq!(
        keys.len(),
        n,
        "each (method, route, variant) is listed once"
    );
    assert_eq!(
        (routes.len(), rows.len(), rows.len() * CALLERS.len()),
        (91, 107, 856),
        "update the figures at the top of tests/api/authz.rs"
    );
}

/// Runs every row for every caller and reports every difference at once.
async fn every_route_for_every_caller(app: TestApp) {
    let cx = Cx::build(app).await;
    let mut wrong = Vec::new();
    let mut cases = 0;
    for row in table() {
        for (i, who) in CALLERS.iter().enumerate() {
            let req = (row.build)(cx.clone(), *who).await;
            let token = match (who, &req.token) {
                (Who::Anon, _) => None,
                (_, Some(t)) => Some(t.clone()),
                (_, None) => Some(cx.token(*who).to_owned()),
            };
            let etag = req.if_match.map(|v| format!("\"{v}\""));
            let headers: Vec<(&str, &str)> =
                etag.iter().map(|e| ("if-match", e.as_str())).collect();
            let r = cx
                .app
                .req(
                    row.method.clone(),
                    &req.path(row.route),
                    token.as_deref(),
                    req.body,
                    &headers,
                )
                .await;
            cases += 1;
            if r.status.as_u16() != row.expect[i] {
                let detail: String = r.text.chars().take(160).collect();
                wrong.push(format!(
                    "{} {} {}as {who:?}: expected {}, got {} {detail}",
                    row.method,
                    row.route,
                    if row.variant.is_empty() {
                        String::new()
                    } else {
                        format!("[{}] ", row.variant)
                    },
                    row.expect[i],
                    r.status.as_u16(),
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {cases} cases differ:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
both!(every_route_for_every_caller);
