//! Wire shapes of organisations: the request body (create, PATCH-merged, ad-hoc check),
//! the full record and the public list summary.
use chrono::{DateTime, Utc};
use cxc_domain::organisation::{Profile, SupportType};
use cxc_persistence::{
    entities::organisations,
    repositories::organisations::{OrgInput, RelatedEnterprise},
};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// ECCP profile (documentation of the accepted values).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProfileName {
    ClusterOrganisation,
    ScaleUpSupport,
    Sme,
    TrainingProvider,
    LargeCompany,
    PublicAuthority,
}

/// Kind of scaling-up support organisation (only with profile `scale_up_support`).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SupportTypeName {
    TechnologyCentre,
    ResearchInstitute,
    FabLab,
    ResourceEfficiencyProvider,
    DigitalInnovationHub,
    CreativeHub,
    Incubator,
    Accelerator,
}

/// Side taken in an exchange.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoleName {
    Visitor,
    Host,
}

/// EU SME size class (Recommendation 2003/361/EC).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SmeCategoryName {
    Micro,
    Small,
    Medium,
}

/// `null` for a list means "none" (JSON merge-patch semantics), never an error.
fn nullable_vec<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

/// A partner enterprise: 25 %..50 % held, counted in proportion to the stake.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerEnterpriseBody {
    pub stake_percent: f64,
    pub headcount: Option<f64>,
    pub annual_turnover_cents: Option<i64>,
    pub balance_sheet_total_cents: Option<i64>,
}

/// A linked (controlled or controlling) enterprise, counted at 100 %.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkedEnterpriseBody {
    pub headcount: Option<f64>,
    pub annual_turnover_cents: Option<i64>,
    pub balance_sheet_total_cents: Option<i64>,
}

/// An organisation as submitted (POST, the result of merging a PATCH, or an ad-hoc check).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgBody {
    pub name: String,
    /// ISO 3166-1 alpha-2, e.g. `DK` (the EU spellings `EL` and `UK` are accepted).
    pub country: String,
    pub city: String,
    /// Decimal degrees, -90..90.
    pub latitude: f64,
    /// Decimal degrees, -180..180.
    pub longitude: f64,
    #[schema(value_type = ProfileName)]
    pub profile: Profile,
    #[schema(value_type = Option<SupportTypeName>)]
    pub support_type: Option<SupportType>,
    /// The organisation's profile page on the ECCP (http or https).
    pub eccp_profile_url: Option<String>,
    /// Cluster organisations this organisation is a member of.
    #[serde(default, deserialize_with = "nullable_vec")]
    pub cluster_ids: Vec<Uuid>,
    pub managing_partnership_id: Option<Uuid>,
    /// Staff in annual work units.
    pub headcount: Option<f64>,
    pub annual_turnover_cents: Option<i64>,
    pub balance_sheet_total_cents: Option<i64>,
    #[serde(default, deserialize_with = "nullable_vec")]
    pub partner_enterprises: Vec<PartnerEnterpriseBody>,
    #[serde(default, deserialize_with = "nullable_vec")]
    pub linked_enterprises: Vec<LinkedEnterpriseBody>,
    pub public_bodies_control_percent: Option<f64>,
    /// Free tags, stored lower-case (`ICT Data` becomes `ict_data`).
    #[serde(default, deserialize_with = "nullable_vec")]
    pub sectors: Vec<String>,
    #[serde(default, deserialize_with = "nullable_vec")]
    pub competencies: Vec<String>,
    pub website: Option<String>,
    /// EASME/EISMEA approval reference letting a non-member SME host (rule R05).
    pub agency_exception_ref: Option<String>,
    /// Further countries where the organisation is registered (rule R10).
    #[serde(default, deserialize_with = "nullable_vec")]
    pub establishments: Vec<String>,
}

impl From<OrgInput> for OrgBody {
    fn from(i: OrgInput) -> Self {
        Self {
            name: i.name,
            country: i.country,
            city: i.city,
            latitude: i.latitude,
            longitude: i.longitude,
            profile: i.profile,
            support_type: i.support_type,
            eccp_profile_url: i.eccp_profile_url,
            cluster_ids: i.cluster_ids,
            managing_partnership_id: i.managing_partnership_id,
            headcount: i.headcount,
            annual_turnover_cents: i.annual_turnover_cents,
            balance_sheet_total_cents: i.balance_sheet_total_cents,
            partner_enterprises: i
                .partner_enterprises
                .into_iter()
                .map(|p| PartnerEnterpriseBody {
                    stake_percent: p.stake_percent.unwrap_or(0.0),
                    headcount: p.headcount,
                    annual_turnover_cents: p.annual_turnover_cents,
                    balance_sheet_total_cents: p.balance_sheet_total_cents,
                })
                .collect(),
            linked_enterprises: i
                .linked_enterprises
                .into_iter()
                .map(|l| LinkedEnterpriseBody {
                    headcount: l.headcount,
                    annual_turnover_cents: l.annual_turnover_cents,
                    balance_sheet_total_cents: l.balance_sheet_total_cents,
                })
                .collect(),
            public_bodies_control_percent: i.public_bodies_control_percent,
            sectors: i.sectors,
            competencies: i.competencies,
            website: i.website,
            agency_exception_ref: i.agency_exception_ref,
            establishments: i.establishments,
        }
    }
}

impl OrgBody {
    /// The storage input; text is expected to be cleaned already (see `validation`).
    #[must_use]
    pub fn into_input(self) -> OrgInput {
        OrgInput {
            name: self.name,
            country: self.country,
            city: self.city,
            latitude: self.latitude,
            longitude: self.longitude,
            profile: self.profile,
            support_type: self.support_type,
            eccp_profile_url: self.eccp_profile_url,
            cluster_ids: self.cluster_ids,
            managing_partnership_id: self.managing_partnership_id,
            headcount: self.headcount,
            annual_turnover_cents: self.annual_turnover_cents,
            balance_sheet_total_cents: self.balance_sheet_total_cents,
            partner_enterprises: self
                .partner_enterprises
                .into_iter()
                .map(|p| RelatedEnterprise {
                    stake_percent: Some(p.stake_percent),
                    headcount: p.headcount,
                    annual_turnover_cents: p.annual_turnover_cents,
                    balance_sheet_total_cents: p.balance_sheet_total_cents,
                })
                .collect(),
            linked_enterprises: self
                .linked_enterprises
                .into_iter()
                .map(|l| RelatedEnterprise {
                    stake_percent: None,
                    headcount: l.headcount,
                    annual_turnover_cents: l.annual_turnover_cents,
                    balance_sheet_total_cents: l.balance_sheet_total_cents,
                })
                .collect(),
            public_bodies_control_percent: self.public_bodies_control_percent,
            sectors: self.sectors,
            competencies: self.competencies,
            website: self.website,
            agency_exception_ref: self.agency_exception_ref,
            establishments: self.establishments,
        }
    }
}

/// The full record, for contacts, partnership staff and admins.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgDto {
    pub id: Uuid,
    #[serde(flatten)]
    pub body: OrgBody,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl OrgDto {
    #[must_use]
    pub fn from_model(m: &organisations::Model) -> Self {
        Self {
            id: m.id,
            body: OrgInput::from_model(m).into(),
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// What every signed-in user may see of an organisation (no figures, no approval refs).
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgSummary {
    pub id: Uuid,
    pub name: String,
    pub country: String,
    pub city: String,
    pub latitude: f64,
    pub longitude: f64,
    #[schema(value_type = ProfileName)]
    pub profile: Profile,
    #[schema(value_type = Option<SupportTypeName>)]
    pub support_type: Option<SupportType>,
    pub eccp_profile_url: Option<String>,
    pub website: Option<String>,
    pub cluster_ids: Vec<Uuid>,
    pub managing_partnership_id: Option<Uuid>,
    pub sectors: Vec<String>,
    pub competencies: Vec<String>,
}

impl OrgSummary {
    #[must_use]
    pub fn from_model(m: &organisations::Model) -> Self {
        let i = OrgInput::from_model(m);
        Self {
            id: m.id,
            name: i.name,
            country: i.country,
            city: i.city,
            latitude: i.latitude,
            longitude: i.longitude,
            profile: i.profile,
            support_type: i.support_type,
            eccp_profile_url: i.eccp_profile_url,
            website: i.website,
            cluster_ids: i.cluster_ids,
            managing_partnership_id: i.managing_partnership_id,
            sectors: i.sectors,
            competencies: i.competencies,
        }
    }
}
