//! Wire shapes of partnerships.
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use cxc_persistence::entities::{organisations, partnership_members, partnerships};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnerRole {
    Coordinator,
    Partner,
}

impl PartnerRole {
    pub fn as_str(self) -> &'static str {
        match self {
            PartnerRole::Coordinator => "coordinator",
            PartnerRole::Partner => "partner",
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerBody {
    pub organisation_id: Uuid,
    pub role: PartnerRole,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnershipBody {
    pub name: String,
    /// Grant agreement number, e.g. `101037928`.
    pub grant_agreement: String,
    /// Funding programme, e.g. `COSME`.
    pub programme: String,
    pub budget_cents: i64,
    pub target_exchanges: Option<i32>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub partners: Vec<PartnerBody>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnerDto {
    organisation_id: Uuid,
    name: String,
    country: String,
    role: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipDto {
    id: Uuid,
    name: String,
    grant_agreement: String,
    programme: String,
    budget_cents: i64,
    target_exchanges: Option<i32>,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    partners: Vec<PartnerDto>,
    version: i32,
    created_at: DateTime<Utc>,
}

impl PartnershipDto {
    pub fn new(p: &partnerships::Model, partners: Vec<PartnerDto>) -> Self {
        Self {
            id: p.id,
            name: p.name.clone(),
            grant_agreement: p.grant_agreement.clone(),
            programme: p.programme.clone(),
            budget_cents: p.budget_cents,
            target_exchanges: p.target_exchanges,
            starts_on: p.starts_on,
            ends_on: p.ends_on,
            partners,
            version: p.version,
            created_at: p.created_at,
        }
    }
}

/// Coordinators first, then by name.
pub fn partner_dtos(
    members: &[partnership_members::Model],
    orgs: &HashMap<Uuid, organisations::Model>,
) -> Vec<PartnerDto> {
    let mut out: Vec<PartnerDto> = members
        .iter()
        .filter_map(|m| {
            orgs.get(&m.organisation_id).map(|o| PartnerDto {
                organisation_id: o.id,
                name: o.name.clone(),
                country: o.country.clone(),
                role: m.role.clone(),
            })
        })
        .collect();
    out.sort_by(|a, b| (a.role != "coordinator", &a.name).cmp(&(b.role != "coordinator", &b.name)));
    out
}
