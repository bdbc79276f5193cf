//! Every list shape the API offers (issue 17): each caller scope unfiltered and with a
//! status filter, and the coordinator's list with each filter. Each shape is one
//! scenario and one query plan, taken at both data sizes; the filter the server gets
//! and the one the plan is taken for come from the same pairs.
use cxc_persistence::repositories::{Store, accounts::Caller, applications::AppFilter};
use uuid::Uuid;

use crate::{scenarios::Scenario, world::World};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// Coordinator of partnership A (scope: its applications as visitor and host).
    Coordinator,
    /// The contact of three SMEs (scope: own applications, the SMEs' as visitor/host).
    Contact,
    /// An administrator (no scope).
    Admin,
}

pub struct Shape {
    pub label: String,
    pub who: Who,
    pub params: Vec<(&'static str, String)>,
}

impl Shape {
    fn new(who: Who, label: &str, params: Vec<(&'static str, String)>) -> Self {
        Self {
            label: label.to_owned(),
            who,
            params,
        }
    }

    fn token<'a>(&self, w: &'a World) -> &'a str {
        match self.who {
            Who::Coordinator => &w.coordinator_token,
            Who::Contact => &w.contact_token,
            Who::Admin => &w.admin_token,
        }
    }

    /// The filter the repository gets for this request (as the route builds it).
    fn filter(&self) -> AppFilter {
        let mut f = AppFilter {
            limit: 51,
            ..AppFilter::default()
        };
        for (k, v) in &self.params {
            match *k {
                "status" => f.status = Some(v.clone()),
                "call_id" => f.call_id = v.parse().ok(),
                "country" => f.country = Some(v.clone()),
                "host_country" => f.host_country = Some(v.clone()),
                "sector" => f.sector = Some(v.clone()),
                "cursor" => f.after = v.parse().ok(),
                _ => {}
            }
        }
        f
    }

    fn path(&self) -> String {
        let mut path = "/api/v1/applications?limit=50".to_owned();
        for (k, v) in &self.params {
            path.push_str(&format!("&{k}={v}"));
        }
        path
    }

    /// The size of one page of this shape as the server sends it, as one note.
    pub async fn page_size(&self, base: &str, w: &World, rows: usize) -> anyhow::Result<String> {
        let body = reqwest::Client::new()
            .get(format!("{base}{}", self.path()))
            .bearer_auth(self.token(w))
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
        let items = serde_json::from_slice::<serde_json::Value>(&body)?["items"]
            .as_array()
            .map_or(0, Vec::len);
        Ok(format!(
            "page size of list {} @{rows}: {} bytes for {items} rows",
            self.label,
            body.len()
        ))
    }

    pub fn scenario(&self, w: &World, rows: usize) -> Scenario {
        let path = self.path();
        Scenario {
            name: format!("list {} @{rows}", self.label),
            lua: crate::scenarios::fixed("GET", &path, Some(self.token(w)), None),
            expected: vec![200],
            per_op: 1,
            ceiling: crate::scenarios::Ceiling::Constant,
        }
    }

    /// The database's plan for this shape, as one note.
    pub async fn plan(
        &self,
        store: &Store,
        callers: &Callers,
        rows: usize,
    ) -> anyhow::Result<String> {
        let caller = match self.who {
            Who::Coordinator => &callers.coordinator,
            Who::Contact => &callers.contact,
            Who::Admin => &callers.admin,
        };
        let steps = store
            .explain_list_applications(caller, &self.filter())
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(format!(
            "plan of list {} @{rows}: `{}`",
            self.label,
            steps.join(" / ")
        ))
    }
}

pub struct Callers {
    pub coordinator: Caller,
    pub contact: Caller,
    pub admin: Caller,
}

impl Callers {
    pub async fn of(store: &Store, w: &World) -> anyhow::Result<Self> {
        let one = |token: String| async move {
            store
                .authenticate(&cxc_http::auth::token_hash(&token))
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .ok_or_else(|| anyhow::anyhow!("no session for a benchmark caller"))
        };
        Ok(Self {
            coordinator: one(w.coordinator_token.clone()).await?,
            contact: one(w.contact_token.clone()).await?,
            admin: one(w.admin_token.clone()).await?,
        })
    }
}

/// Every shape; `cursor` is a page 80 % of the way through the coordinator's
/// `status=submitted` list.
pub fn shapes(w: &World, cursor: Uuid) -> Vec<Shape> {
    let submitted = || ("status", "submitted".to_owned());
    let country = |i: usize| w.countries.get(i).cloned().unwrap_or_default();
    vec![
        Shape::new(Who::Coordinator, "coordinator, no filter", vec![]),
        // The same page as summary rows (`?view=summary`): what the queue page asks for.
        Shape::new(
            Who::Coordinator,
            "coordinator, no filter, summary",
            vec![("view", "summary".to_owned())],
        ),
        Shape::new(Who::Coordinator, "coordinator, status", vec![submitted()]),
        Shape::new(
            Who::Coordinator,
            "coordinator, status, deep page",
            vec![submitted(), ("cursor", cursor.to_string())],
        ),
        Shape::new(
            Who::Coordinator,
            "coordinator, call",
            vec![("call_id", w.background_calls[0].0.to_string())],
        ),
        Shape::new(
            Who::Coordinator,
            "coordinator, country",
            vec![("country", country(0))],
        ),
        Shape::new(
            Who::Coordinator,
            "coordinator, host country",
            vec![("host_country", country(1))],
        ),
        Shape::new(
            Who::Coordinator,
            "coordinator, sector",
            vec![("sector", "energy".to_owned())],
        ),
        Shape::new(Who::Contact, "SME contact, no filter", vec![]),
        Shape::new(Who::Contact, "SME contact, status", vec![submitted()]),
        Shape::new(Who::Admin, "admin, no filter", vec![]),
        Shape::new(Who::Admin, "admin, status", vec![submitted()]),
    ]
}
