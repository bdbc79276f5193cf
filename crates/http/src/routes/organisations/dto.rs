//! Wire shapes of organisations: the request body (create, PATCH-merged, ad-hoc check),
//! the full record and the public list summary.
use chrono::{DateTime, Utc};
use cxc_domain::organisation::{EnterpriseFigures, InvestorType, Profile, SupportType};
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

/// Art. 3(2) investor types of Recommendation 2003/361/EC (documentation of the values).
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvestorTypeName {
    PublicInvestmentCorporation,
    VentureCapital,
    BusinessAngel,
    University,
    ResearchCentre,
    InstitutionalInvestor,
    LocalAuthority,
}

/// Headcount and money of one enterprise (a partner's linked enterprise, or a period).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FiguresBody {
    /// Staff in annual work units.
    pub headcount: Option<f64>,
    pub annual_turnover_cents: Option<i64>,
    pub balance_sheet_total_cents: Option<i64>,
}

/// A holder of 25 %..50 % of a linked enterprise (Art. 6(4)), counted in proportion.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChainPartnerBody {
    pub stake_percent: f64,
    pub headcount: Option<f64>,
    pub annual_turnover_cents: Option<i64>,
    pub balance_sheet_total_cents: Option<i64>,
    #[schema(value_type = Option<InvestorTypeName>)]
    pub investor_type: Option<InvestorType>,
    pub investment_cents: Option<i64>,
    pub annual_budget_cents: Option<i64>,
    pub inhabitants: Option<u64>,
    pub public_body: Option<bool>,
    pub acting_jointly_group: Option<String>,
}

/// A partner enterprise: 25 %..50 % held, counted in proportion to the stake; above 50 %
/// (alone or with holders acting jointly) it is linked and counted in full. An Art. 3(2)
/// investor holding at most 50 % is not counted and is not public control.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerEnterpriseBody {
    pub stake_percent: f64,
    pub headcount: Option<f64>,
    pub annual_turnover_cents: Option<i64>,
    pub balance_sheet_total_cents: Option<i64>,
    /// Set when the holder is an Art. 3(2) investor.
    #[schema(value_type = Option<InvestorTypeName>)]
    pub investor_type: Option<InvestorType>,
    /// Business angels: total investment in the enterprise (below €1,250,000 to be exempt).
    pub investment_cents: Option<i64>,
    /// Local authorities: annual budget (below €10 million to be exempt).
    pub annual_budget_cents: Option<i64>,
    /// Local authorities: inhabitants (fewer than 5,000 to be exempt).
    pub inhabitants: Option<u64>,
    /// The holder is a public body (Art. 3(4): 25 % or more public control is no SME).
    pub public_body: Option<bool>,
    /// Holders with the same label act jointly; their stakes are added up.
    pub acting_jointly_group: Option<String>,
    /// The partner's own linked enterprises, added to it at 100 % (Art. 6(3)).
    #[serde(
        default,
        deserialize_with = "nullable_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub linked_enterprises: Vec<FiguresBody>,
}

/// A linked (controlled or controlling) enterprise, counted at 100 %.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkedEnterpriseBody {
    pub headcount: Option<f64>,
    pub annual_turnover_cents: Option<i64>,
    pub balance_sheet_total_cents: Option<i64>,
    /// The linked enterprise's own partners, added in proportion (Art. 6(4)).
    #[serde(
        default,
        deserialize_with = "nullable_vec",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub partner_enterprises: Vec<ChainPartnerBody>,
}

fn figures_of(f: &FiguresBody) -> RelatedEnterprise {
    RelatedEnterprise {
        headcount: f.headcount,
        annual_turnover_cents: f.annual_turnover_cents,
        balance_sheet_total_cents: f.balance_sheet_total_cents,
        ..RelatedEnterprise::default()
    }
}

fn figures_body(r: &RelatedEnterprise) -> FiguresBody {
    FiguresBody {
        headcount: r.headcount,
        annual_turnover_cents: r.annual_turnover_cents,
        balance_sheet_total_cents: r.balance_sheet_total_cents,
    }
}

impl From<&ChainPartnerBody> for RelatedEnterprise {
    fn from(p: &ChainPartnerBody) -> Self {
        RelatedEnterprise {
            stake_percent: Some(p.stake_percent),
            headcount: p.headcount,
            annual_turnover_cents: p.annual_turnover_cents,
            balance_sheet_total_cents: p.balance_sheet_total_cents,
            investor_type: p.investor_type,
            investment_cents: p.investment_cents,
            annual_budget_cents: p.annual_budget_cents,
            inhabitants: p.inhabitants,
            public_body: p.public_body,
            acting_jointly_group: p.acting_jointly_group.clone(),
            ..RelatedEnterprise::default()
        }
    }
}

impl From<&RelatedEnterprise> for ChainPartnerBody {
    fn from(p: &RelatedEnterprise) -> Self {
        ChainPartnerBody {
            stake_percent: p.stake_percent.unwrap_or(0.0),
            headcount: p.headcount,
            annual_turnover_cents: p.annual_turnover_cents,
            balance_sheet_total_cents: p.balance_sheet_total_cents,
            investor_type: p.investor_type,
            investment_cents: p.investment_cents,
            annual_budget_cents: p.annual_budget_cents,
            inhabitants: p.inhabitants,
            public_body: p.public_body,
            acting_jointly_group: p.acting_jointly_group.clone(),
        }
    }
}

impl From<&PartnerEnterpriseBody> for RelatedEnterprise {
    fn from(p: &PartnerEnterpriseBody) -> Self {
        RelatedEnterprise {
            stake_percent: Some(p.stake_percent),
            headcount: p.headcount,
            annual_turnover_cents: p.annual_turnover_cents,
            balance_sheet_total_cents: p.balance_sheet_total_cents,
            investor_type: p.investor_type,
            investment_cents: p.investment_cents,
            annual_budget_cents: p.annual_budget_cents,
            inhabitants: p.inhabitants,
            public_body: p.public_body,
            acting_jointly_group: p.acting_jointly_group.clone(),
            linked_enterprises: p.linked_enterprises.iter().map(figures_of).collect(),
            partner_enterprises: Vec::new(),
        }
    }
}

impl From<&RelatedEnterprise> for PartnerEnterpriseBody {
    fn from(p: &RelatedEnterprise) -> Self {
        PartnerEnterpriseBody {
            stake_percent: p.stake_percent.unwrap_or(0.0),
            headcount: p.headcount,
            annual_turnover_cents: p.annual_turnover_cents,
            balance_sheet_total_cents: p.balance_sheet_total_cents,
            investor_type: p.investor_type,
            investment_cents: p.investment_cents,
            annual_budget_cents: p.annual_budget_cents,
            inhabitants: p.inhabitants,
            public_body: p.public_body,
            acting_jointly_group: p.acting_jointly_group.clone(),
            linked_enterprises: p.linked_enterprises.iter().map(figures_body).collect(),
        }
    }
}

impl From<&LinkedEnterpriseBody> for RelatedEnterprise {
    fn from(l: &LinkedEnterpriseBody) -> Self {
        RelatedEnterprise {
            headcount: l.headcount,
            annual_turnover_cents: l.annual_turnover_cents,
            balance_sheet_total_cents: l.balance_sheet_total_cents,
            partner_enterprises: l.partner_enterprises.iter().map(Into::into).collect(),
            ..RelatedEnterprise::default()
        }
    }
}

impl From<&RelatedEnterprise> for LinkedEnterpriseBody {
    fn from(l: &RelatedEnterprise) -> Self {
        LinkedEnterpriseBody {
            headcount: l.headcount,
            annual_turnover_cents: l.annual_turnover_cents,
            balance_sheet_total_cents: l.balance_sheet_total_cents,
            partner_enterprises: l.partner_enterprises.iter().map(Into::into).collect(),
        }
    }
}

/// An organisation as submitted (POST, the result of merging a PATCH, or an ad-hoc check).
/// The bounds in `schema` are those `validation::field_checks` and the domain enforce;
/// `fields::tests::schemas_and_checks_agree` fails if the two part.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrgBody {
    #[schema(max_length = 200)]
    pub name: String,
    /// ISO 3166-1 alpha-2, e.g. `DK` (the EU spellings `EL` and `UK` are accepted).
    pub country: String,
    #[schema(min_length = 1, max_length = 200)]
    pub city: String,
    /// Decimal degrees, -90..90.
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub latitude: f64,
    /// Decimal degrees, -180..180.
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub longitude: f64,
    #[schema(value_type = ProfileName)]
    pub profile: Profile,
    #[schema(value_type = Option<SupportTypeName>)]
    pub support_type: Option<SupportType>,
    /// The organisation's profile page on the ECCP (http or https).
    pub eccp_profile_url: Option<String>,
    /// Cluster organisations this organisation is a member of.
    #[serde(default, deserialize_with = "nullable_vec")]
    #[schema(max_items = 50)]
    pub cluster_ids: Vec<Uuid>,
    pub managing_partnership_id: Option<Uuid>,
    /// Staff in annual work units.
    pub headcount: Option<f64>,
    pub annual_turnover_cents: Option<i64>,
    pub balance_sheet_total_cents: Option<i64>,
    #[serde(default, deserialize_with = "nullable_vec")]
    #[schema(max_items = 50)]
    pub partner_enterprises: Vec<PartnerEnterpriseBody>,
    #[serde(default, deserialize_with = "nullable_vec")]
    #[schema(max_items = 50)]
    pub linked_enterprises: Vec<LinkedEnterpriseBody>,
    pub public_bodies_control_percent: Option<f64>,
    /// Free tags, stored lower-case (`ICT Data` becomes `ict_data`).
    #[serde(default, deserialize_with = "nullable_vec")]
    #[schema(max_items = 50)]
    pub sectors: Vec<String>,
    #[serde(default, deserialize_with = "nullable_vec")]
    #[schema(max_items = 50)]
    pub competencies: Vec<String>,
    pub website: Option<String>,
    /// EASME/EISMEA approval reference letting a non-member SME host (rule R05).
    #[schema(max_length = 200)]
    pub agency_exception_ref: Option<String>,
    /// Further countries where the organisation is registered (rule R10).
    #[serde(default, deserialize_with = "nullable_vec")]
    #[schema(max_items = 50)]
    pub establishments: Vec<String>,
    /// ISO 3166-2 region of `country` (e.g. `ES-MD`) whose public holidays apply when the
    /// organisation hosts; without it the national holidays apply.
    #[serde(default)]
    pub region: Option<String>,
    /// SME declarations: consolidated figures of the period before the last closed one.
    /// A category changes only when two consecutive periods cross a ceiling (Art. 4(2));
    /// leave it out for a first-year enterprise, judged on its current figures or bona fide
    /// estimate (Art. 4(3)).
    #[serde(default)]
    pub previous_period: Option<FiguresBody>,
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
            partner_enterprises: i.partner_enterprises.iter().map(Into::into).collect(),
            linked_enterprises: i.linked_enterprises.iter().map(Into::into).collect(),
            public_bodies_control_percent: i.public_bodies_control_percent,
            sectors: i.sectors,
            competencies: i.competencies,
            website: i.website,
            agency_exception_ref: i.agency_exception_ref,
            establishments: i.establishments,
            region: i.region,
            previous_period: i.previous_period.map(|p| FiguresBody {
                headcount: p.headcount,
                annual_turnover_cents: p.annual_turnover_cents,
                balance_sheet_total_cents: p.balance_sheet_total_cents,
            }),
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
            partner_enterprises: self.partner_enterprises.iter().map(Into::into).collect(),
            linked_enterprises: self.linked_enterprises.iter().map(Into::into).collect(),
            public_bodies_control_percent: self.public_bodies_control_percent,
            sectors: self.sectors,
            competencies: self.competencies,
            website: self.website,
            agency_exception_ref: self.agency_exception_ref,
            establishments: self.establishments,
            region: self.region,
            previous_period: self.previous_period.map(|p| EnterpriseFigures {
                headcount: p.headcount,
                annual_turnover_cents: p.annual_turnover_cents,
                balance_sheet_total_cents: p.balance_sheet_total_cents,
            }),
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
