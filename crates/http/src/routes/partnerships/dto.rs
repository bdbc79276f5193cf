//! Wire shapes of partnerships.
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use cxc_persistence::entities::{organisations, partnership_members, partnerships};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

use crate::fields::{self, Text};
use cxc_domain::{plausible, policy::MemberRole};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnerRole {
    Coordinator,
    Partner,
}

impl From<PartnerRole> for MemberRole {
    fn from(r: PartnerRole) -> Self {
        match r {
            PartnerRole::Coordinator => MemberRole::Coordinator,
            PartnerRole::Partner => MemberRole::Partner,
        }
    }
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerBody {
    pub organisation_id: Uuid,
    pub role: PartnerRole,
}

/// A partnership as submitted; the bounds are declared once per field (see
/// `crate::fields`).
#[derive(Debug, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PartnershipBody {
    #[validate(custom(function = "fields::text"))]
    pub name: Text<1, 200>,
    /// Grant agreement number, e.g. `101037928`.
    #[validate(custom(function = "fields::text"))]
    pub grant_agreement: Text<1, 100>,
    /// Funding programme, e.g. `COSME`.
    #[validate(custom(function = "fields::text"))]
    pub programme: Text<1, 100>,
    #[validate(range(min = 0, max = plausible::MAX_CENTS, code = "out_of_range", message = "the budget must be between 0 and 10,000,000,000 cents"))]
    #[schema(minimum = 0, maximum = 10_000_000_000_i64)]
    pub budget_cents: i64,
    #[validate(range(min = 0, max = plausible::MAX_PLACES, code = "out_of_range", message = "the target must be between 0 and 10,000"))]
    #[schema(minimum = 0, maximum = 10_000)]
    pub target_exchanges: Option<i32>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    #[validate(length(
        min = 1,
        max = 100,
        code = "invalid_count",
        message = "a partnership has 1 to 100 partner organisations"
    ))]
    #[schema(min_items = 1, max_items = 100)]
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
    let mut known: Vec<(&partnership_members::Model, &organisations::Model)> = members
        .iter()
        .filter_map(|m| orgs.get(&m.organisation_id).map(|o| (m, o)))
        .collect();
    known.sort_by(|(ma, a), (mb, b)| {
        (ma.role != MemberRole::Coordinator, &a.name)
            .cmp(&(mb.role != MemberRole::Coordinator, &b.name))
    });
    known
        .into_iter()
        .map(|(m, o)| PartnerDto {
            organisation_id: o.id,
            name: o.name.clone(),
            country: o.country.clone(),
            role: m.role.to_string(),
        })
        .collect()
}
