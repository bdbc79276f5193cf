//! The scenarios: what each sends (a Lua body for [`crate::wrk`]), which answers are
//! expected, and which ceiling it is compared with.
use uuid::Uuid;

use crate::{
    world::World,
    wrk::{lua_list, lua_str},
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ceiling {
    /// The constant endpoint: framework + network.
    Constant,
    /// Raw single-row insert transactions: storage.
    Insert,
    /// This row is a ceiling itself.
    None,
}

pub struct Scenario {
    pub name: String,
    pub lua: String,
    /// Statuses that are correct answers (a 409 for an exhausted call is one).
    pub expected: Vec<u16>,
    /// HTTP requests per operation (create + submit is two).
    pub per_op: u64,
    pub ceiling: Ceiling,
}

fn headers(token: Option<&str>, json: bool) -> String {
    let mut h = Vec::new();
    if let Some(t) = token {
        h.push(format!(
            "[\"Authorization\"] = {}",
            lua_str(&format!("Bearer {t}"))
        ));
    }
    if json {
        h.push("[\"Content-Type\"] = \"application/json\"".to_owned());
    }
    format!("{{{}}}", h.join(", "))
}

/// A fixed request: wrk sends it as is, without calling Lua per request.
pub fn fixed(method: &str, path: &str, token: Option<&str>, body: Option<&str>) -> String {
    format!(
        "wrk.method = {}\nwrk.path = {}\nwrk.headers = {}\n{}",
        lua_str(method),
        lua_str(path),
        headers(token, body.is_some()),
        body.map(|b| format!("wrk.body = {}\n", lua_str(b)))
            .unwrap_or_default()
    )
}

pub fn constant() -> Scenario {
    Scenario {
        name: "constant endpoint (ceiling)".into(),
        lua: fixed("GET", "/api/v1/ping", None, None),
        expected: vec![200],
        per_op: 1,
        ceiling: Ceiling::None,
    }
}

/// The constant endpoint again later in the run (ratios of the rows after it use it).
pub fn constant_at(rows: usize) -> Scenario {
    Scenario {
        name: format!("constant endpoint (ceiling) @{rows}"),
        ..constant()
    }
}

pub fn get_one(w: &World, ids: &[Uuid]) -> Scenario {
    let lua = format!(
        "ids = {}\nhdr = {}\nfunction request() return wrk.format(\"GET\", \"/api/v1/applications/\" .. pick(ids), hdr) end",
        lua_list(ids.iter().map(Uuid::to_string)),
        headers(Some(&w.coordinator_token), false)
    );
    Scenario {
        name: "GET one application (auth)".into(),
        lua,
        expected: vec![200],
        per_op: 1,
        ceiling: Ceiling::Constant,
    }
}

pub fn eligibility(w: &World) -> Scenario {
    let body = serde_json::json!({
        "name": "Vilnius Optics UAB", "country": w.countries.first(), "city": "Vilnius",
        "latitude": 54.69, "longitude": 25.28, "profile": "sme", "cluster_ids": [],
        "headcount": 20, "annual_turnover_cents": 100_000_000_i64, "balance_sheet_total_cents": 80_000_000_i64,
        "sectors": ["energy"], "competencies": ["optics"], "role": "visitor"
    });
    Scenario {
        name: "eligibility check".into(),
        lua: fixed(
            "POST",
            "/api/v1/eligibility/check",
            None,
            Some(&body.to_string()),
        ),
        expected: vec![200],
        per_op: 1,
        ceiling: Ceiling::Constant,
    }
}

pub fn login(w: &World) -> Scenario {
    let body = serde_json::json!({"email": w.login_email, "password": crate::world::PASSWORD});
    Scenario {
        name: "login (argon2id)".into(),
        lua: fixed("POST", "/api/v1/auth/login", None, Some(&body.to_string())),
        expected: vec![200],
        per_op: 1,
        ceiling: Ceiling::Constant,
    }
}

pub fn agenda(visit: Uuid) -> Scenario {
    Scenario {
        name: "agenda.ics (3-day visit)".into(),
        lua: fixed(
            "GET",
            &format!("/api/v1/group-visits/{visit}/agenda.ics"),
            None,
            None,
        ),
        expected: vec![200],
        per_op: 1,
        ceiling: Ceiling::Constant,
    }
}

/// Each thread files drafts for its own visitors and submits each as soon as it is
/// created (any connection of the thread may send the submit).
pub fn create_submit(w: &World, slots: &[crate::world::Slot]) -> Scenario {
    let hosts: Vec<&crate::world::Org> = w.smes.iter().collect();
    let rows = slots.iter().enumerate().map(|(i, s)| {
        let mut h = hosts[i % hosts.len()];
        let mut k = i;
        while h.country == s.country {
            k += 1;
            h = hosts[k % hosts.len()];
        }
        let body = serde_json::json!({
            "organisation_id": s.org,
            "participant": {"full_name": "Ruta Jonaite", "email": "ruta@example.eu", "job_title": "Engineer", "nationality": s.country, "base_country": s.country},
            "host_organisation_id": h.id, "start_date": w.start, "end_date": w.start + chrono::Duration::days(4),
            "travel_days": [], "objectives": "Learn how Big Science procurement works",
            "activities": ["workshop", "site visit"], "sectors": ["energy"]
        });
        format!("{{org = {}, tok = {}, body = {}}}", lua_str(&s.org.to_string()), lua_str(&format!("Bearer {}", s.token)), lua_str(&body.to_string()))
    });
    let lua = format!(
        r#"slots = {{{}}}
by_org = {{}}
for _, s in ipairs(slots) do by_org[s.org] = s end
pending = {{}}
function request()
  local p = table.remove(pending)
  if p then
    return wrk.format("POST", "/api/v1/applications/" .. p.id .. "/submit", {{["Authorization"] = p.tok, ["Content-Type"] = "application/json"}}, "{{}}")
  end
  local s = pick(slots)
  return wrk.format("POST", "/api/v1/calls/{}/applications", {{["Authorization"] = s.tok, ["Content-Type"] = "application/json"}}, s.body)
end
function on_response(status, body)
  if status == 201 then
    local id = string.match(body, '^{{"id":"([^"]+)"')
    local org = string.match(body, '"organisation_id":"([^"]+)"')
    local s = by_org[org]
    if id and s then table.insert(pending, {{id = id, tok = s.tok}}) end
  end
end"#,
        rows.collect::<Vec<_>>().join(",\n"),
        w.open_call
    );
    Scenario {
        name: "create + submit".into(),
        lua,
        expected: vec![200, 201],
        per_op: 2,
        ceiling: Ceiling::Insert,
    }
}

/// Coordinators approving reviewed applications of a call with few places left: the
/// first `places` win, every other answer is 409 (call exhausted).
pub fn approvals(w: &World, candidates: &[Uuid]) -> Scenario {
    let lua = format!(
        "ids = {}\nhdr = {}\nfunction request() return wrk.format(\"POST\", \"/api/v1/applications/\" .. pick(ids) .. \"/decision\", hdr, '{{\"decision\":\"approve\"}}') end",
        lua_list(candidates.iter().map(Uuid::to_string)),
        headers(Some(&w.coordinator_token), true).replace('}', ", [\"If-Match\"] = '\"1\"'}")
    );
    Scenario {
        name: "approvals racing for last places".into(),
        lua,
        expected: vec![200, 409],
        per_op: 1,
        ceiling: Ceiling::Insert,
    }
}

/// Each request registers another visitor's organisation.
pub fn registrations(visit: Uuid, slots: &[crate::world::Slot]) -> Scenario {
    let rows = slots.iter().map(|s| {
        format!(
            "{{tok = {}, body = {}}}",
            lua_str(&format!("Bearer {}", s.token)),
            lua_str(&format!("{{\"organisation_id\":\"{}\"}}", s.org))
        )
    });
    let lua = format!(
        r#"slots = {{{}}}
function request()
  local s = pick(slots)
  return wrk.format("POST", "/api/v1/group-visits/{visit}/registrations", {{["Authorization"] = s.tok, ["Content-Type"] = "application/json"}}, s.body)
end"#,
        rows.collect::<Vec<_>>().join(",\n")
    );
    Scenario {
        name: "group-visit registration".into(),
        lua,
        expected: vec![201],
        per_op: 1,
        ceiling: Ceiling::Insert,
    }
}
