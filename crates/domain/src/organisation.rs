//! Organisation facts as the eligibility engine sees them, and the shape checks that turn
//! malformed input into HTTP 422 field problems before any rule runs.
//!
//! Shape problems (a latitude of 300, a stake of 120 %) are not eligibility failures: they
//! mean the data cannot be judged at all, so they are reported separately from the rules.

use serde::{Deserialize, Serialize};

use crate::{countries::is_iso_country, problem::Problem};

crate::code_enum! {
    /// ECCP profile of an organisation (domain-rules §3.1/§3.2).
    pub enum Profile: "organisation profile" {
        ClusterOrganisation = "cluster_organisation",
        ScaleUpSupport = "scale_up_support",
        Sme = "sme",
        TrainingProvider = "training_provider",
        LargeCompany = "large_company",
        PublicAuthority = "public_authority",
    }
}

impl Profile {
    /// Only the three ECCP profiles of §3.1 may visit; the others are host-only (§3.2, DERIVED).
    pub fn can_visit(&self) -> bool {
        matches!(
            self,
            Profile::ClusterOrganisation | Profile::ScaleUpSupport | Profile::Sme
        )
    }

    /// The label with its indefinite article, e.g. "an SME", "a large company".
    pub fn label_with_article(&self) -> String {
        match self {
            Profile::Sme => "an SME".to_owned(),
            p => format!("a {}", p.label()),
        }
    }

    /// Human wording used in rule messages, e.g. "large company".
    pub fn label(&self) -> &'static str {
        match self {
            Profile::ClusterOrganisation => "cluster organisation",
            Profile::ScaleUpSupport => "scaling-up support organisation",
            Profile::Sme => "SME",
            Profile::TrainingProvider => "training provider",
            Profile::LargeCompany => "large company",
            Profile::PublicAuthority => "public authority",
        }
    }
}

crate::code_enum! {
    /// Kind of scaling-up support organisation (only meaningful for `Profile::ScaleUpSupport`).
    pub enum SupportType: "support type" {
        TechnologyCentre = "technology_centre",
        ResearchInstitute = "research_institute",
        FabLab = "fab_lab",
        ResourceEfficiencyProvider = "resource_efficiency_provider",
        DigitalInnovationHub = "digital_innovation_hub",
        CreativeHub = "creative_hub",
        Incubator = "incubator",
        Accelerator = "accelerator",
    }
}

/// The side an organisation takes in an exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Visitor,
    Host,
}

impl Role {
    pub fn as_str(&self) -> &'static str {
        match self {
            Role::Visitor => "visitor",
            Role::Host => "host",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "visitor" => Some(Role::Visitor),
            "host" => Some(Role::Host),
            _ => None,
        }
    }
}

/// A cluster the organisation claims membership of, as resolved from `cluster_ids`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClusterRef {
    pub id: uuid::Uuid,
    pub name: String,
    pub profile: Profile,
    pub has_eccp_profile: bool,
}

/// Headcount in annual work units and money in euro cents; `None` = not declared.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct EnterpriseFigures {
    pub headcount: Option<f64>,
    pub annual_turnover_cents: Option<i64>,
    pub balance_sheet_total_cents: Option<i64>,
}

/// The investors of Recommendation 2003/361/EC Art. 3(2)(a)-(d): holding 25 %..50 % they
/// leave the enterprise autonomous (their data are not added) and, being public or not,
/// do not count as public control (Art. 3(4)), provided they are not linked to the
/// enterprise, i.e. do not hold more than 50 % individually or jointly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvestorType {
    /// Art. 3(2)(a): public investment corporations.
    PublicInvestmentCorporation,
    /// Art. 3(2)(a): venture capital companies.
    VentureCapital,
    /// Art. 3(2)(a): business angels, if their total investment in the enterprise is below €1,250,000.
    BusinessAngel,
    /// Art. 3(2)(b): universities.
    University,
    /// Art. 3(2)(b): non-profit research centres.
    ResearchCentre,
    /// Art. 3(2)(c): institutional investors, including regional development funds.
    InstitutionalInvestor,
    /// Art. 3(2)(d): autonomous local authorities with an annual budget below €10 million
    /// and fewer than 5,000 inhabitants.
    LocalAuthority,
}

impl InvestorType {
    pub const ALL: [InvestorType; 7] = [
        InvestorType::PublicInvestmentCorporation,
        InvestorType::VentureCapital,
        InvestorType::BusinessAngel,
        InvestorType::University,
        InvestorType::ResearchCentre,
        InvestorType::InstitutionalInvestor,
        InvestorType::LocalAuthority,
    ];

    pub fn label(&self) -> &'static str {
        match self {
            InvestorType::PublicInvestmentCorporation => "public investment corporation",
            InvestorType::VentureCapital => "venture capital company",
            InvestorType::BusinessAngel => "business angel",
            InvestorType::University => "university",
            InvestorType::ResearchCentre => "non-profit research centre",
            InvestorType::InstitutionalInvestor => "institutional investor",
            InvestorType::LocalAuthority => "autonomous local authority",
        }
    }
}

/// An enterprise holding a stake in the organisation (or held by it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PartnerEnterprise {
    pub stake_percent: f64,
    pub figures: EnterpriseFigures,
    /// Set when the holder is one of the Art. 3(2) investors.
    #[serde(default)]
    pub investor_type: Option<InvestorType>,
    /// Business angels: their total investment in the enterprise (must be < €1,250,000).
    #[serde(default)]
    pub investment_cents: Option<i64>,
    /// Local authorities: annual budget (must be < €10 million).
    #[serde(default)]
    pub annual_budget_cents: Option<i64>,
    /// Local authorities: inhabitants (must be < 5,000).
    #[serde(default)]
    pub inhabitants: Option<u64>,
    /// The holder is a public body (Art. 3(4)).
    #[serde(default)]
    pub public_body: bool,
    /// Holders with the same label act jointly (Guide example 5): their stakes are added
    /// up, and together above 50 % they control the enterprise.
    #[serde(default)]
    pub acting_jointly_group: Option<String>,
    /// Enterprises linked to this partner, added at 100 % to its data before the stake is
    /// applied (Art. 6(3)).
    #[serde(default)]
    pub linked_enterprises: Vec<EnterpriseFigures>,
}

/// An enterprise linked to the organisation (control either way), counted at 100 %.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LinkedEnterprise {
    pub figures: EnterpriseFigures,
    /// The linked enterprise's own partners immediately up- or downstream, added in
    /// proportion to their stake (Art. 6(4)).
    #[serde(default)]
    pub partner_enterprises: Vec<PartnerEnterprise>,
}

impl From<EnterpriseFigures> for LinkedEnterprise {
    fn from(figures: EnterpriseFigures) -> Self {
        LinkedEnterprise {
            figures,
            partner_enterprises: Vec::new(),
        }
    }
}

/// Everything the rules need to know about one organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganisationFacts {
    pub name: String,
    /// ISO alpha-2 as stored; may be the EU spelling "EL" for Greece.
    pub country: String,
    /// ISO 3166-2 subdivision (e.g. `ES-MD`) whose public holidays apply when hosting.
    #[serde(default)]
    pub region: Option<String>,
    pub latitude: f64,
    pub longitude: f64,
    pub profile: Profile,
    pub support_type: Option<SupportType>,
    pub eccp_profile_url: Option<String>,
    pub clusters: Vec<ClusterRef>,
    pub own: EnterpriseFigures,
    pub partner_enterprises: Vec<PartnerEnterprise>,
    pub linked_enterprises: Vec<LinkedEnterprise>,
    pub public_bodies_control_percent: Option<f64>,
    /// Consolidated figures of the accounting period before the last closed one (Art. 4(2):
    /// a category changes only when two consecutive periods cross a ceiling). `None` for a
    /// first-year enterprise, judged on its current figures or bona fide estimate (Art. 4(3)).
    #[serde(default)]
    pub previous_period: Option<EnterpriseFigures>,
    /// Agency (EASME/EISMEA) approval reference for a non-member SME host (R05).
    pub agency_exception_ref: Option<String>,
    /// Further countries where the organisation is registered (R10).
    pub establishments: Vec<String>,
}

fn problem(out: &mut Vec<Problem>, field: impl Into<String>, code: &'static str, msg: String) {
    out.push(Problem::new(field, code, msg));
}

/// Exactly two uppercase ASCII letters forming a known code (EL/UK/XK included).
fn check_country(out: &mut Vec<Problem>, field: &str, code: &str) {
    let shape_ok = code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase());
    if !shape_ok || !is_iso_country(code) {
        problem(
            out,
            field,
            "invalid_country",
            format!(
                "'{code}' is not an ISO 3166-1 alpha-2 country code (two capital letters, e.g. DK)."
            ),
        );
    }
}

/// A region must be an ISO 3166-2 code of the organisation's own country for which the
/// holiday data has a regional calendar (the only thing a region changes).
fn check_region(out: &mut Vec<Problem>, country: &str, region: &str) {
    use crate::holidays::HolidayCalendars;
    let shape_ok = region
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
    if shape_ok && HolidayCalendars::is_known_region(country, region) {
        return;
    }
    let known = HolidayCalendars::regions_of(country);
    let cc = crate::countries::ProgrammeCountries::normalise(country);
    let msg = if known.is_empty() {
        format!(
            "'{region}' is not a region of {cc} with its own public holidays; {cc} has none in the holiday data, so leave `region` out."
        )
    } else {
        format!(
            "'{region}' is not an ISO 3166-2 region of {cc} with its own public holidays; known: {}.",
            known.join(", ")
        )
    };
    problem(out, "region", "invalid_region", msg);
}

// `!(x >= 0.0)` rather than `x < 0.0` so that NaN is rejected too.
fn check_figures(out: &mut Vec<Problem>, prefix: &str, f: &EnterpriseFigures) {
    if let Some(h) = f.headcount
        && !(h >= 0.0 && h.is_finite())
    {
        let msg = format!("Headcount must be a non-negative number of annual work units, got {h}.");
        problem(out, format!("{prefix}headcount"), "negative", msg);
    }
    let money = [
        ("annual_turnover_cents", f.annual_turnover_cents),
        ("balance_sheet_total_cents", f.balance_sheet_total_cents),
    ];
    for (name, v) in money {
        if let Some(v) = v
            && v < 0
        {
            let msg = format!("Amount must not be negative, got {v} cents.");
            problem(out, format!("{prefix}{name}"), "negative", msg);
        }
    }
}

fn check_partner(out: &mut Vec<Problem>, prefix: &str, p: &PartnerEnterprise) {
    if !is_percent(p.stake_percent) {
        let msg = format!(
            "A stake must be between 0 and 100 %, got {}.",
            p.stake_percent
        );
        problem(out, format!("{prefix}stake_percent"), "out_of_range", msg);
    }
    check_figures(out, prefix, &p.figures);
    for (name, v) in [
        ("investment_cents", p.investment_cents),
        ("annual_budget_cents", p.annual_budget_cents),
    ] {
        if v.is_some_and(|v| v < 0) {
            let msg = "Amount must not be negative.".to_owned();
            problem(out, format!("{prefix}{name}"), "negative", msg);
        }
    }
    if let Some(g) = &p.acting_jointly_group
        && (g.trim().is_empty() || g.chars().count() > 100)
    {
        let msg = "A group label needs 1 to 100 characters.".to_owned();
        problem(
            out,
            format!("{prefix}acting_jointly_group"),
            "invalid_value",
            msg,
        );
    }
}

fn is_percent(p: f64) -> bool {
    (0.0..=100.0).contains(&p)
}

/// Shape validation; returns one problem per defect, empty when the input can be judged.
pub fn validate_organisation_input(o: &OrganisationFacts) -> Vec<Problem> {
    let mut out = Vec::new();
    if o.name.trim().is_empty() {
        problem(
            &mut out,
            "name",
            "required",
            "The organisation name must not be empty.".into(),
        );
    }
    check_country(&mut out, "country", &o.country);
    if let Some(r) = &o.region {
        check_region(&mut out, &o.country, r);
    }
    for (i, c) in o.establishments.iter().enumerate() {
        check_country(&mut out, &format!("establishments[{i}]"), c);
    }
    if !(-90.0..=90.0).contains(&o.latitude) {
        let msg = format!("Latitude must be between -90 and 90, got {}.", o.latitude);
        problem(&mut out, "latitude", "out_of_range", msg);
    }
    if !(-180.0..=180.0).contains(&o.longitude) {
        let msg = format!(
            "Longitude must be between -180 and 180, got {}.",
            o.longitude
        );
        problem(&mut out, "longitude", "out_of_range", msg);
    }
    check_figures(&mut out, "", &o.own);
    for (i, p) in o.partner_enterprises.iter().enumerate() {
        check_partner(&mut out, &format!("partner_enterprises[{i}]."), p);
        for (j, l) in p.linked_enterprises.iter().enumerate() {
            check_figures(
                &mut out,
                &format!("partner_enterprises[{i}].linked_enterprises[{j}]."),
                l,
            );
        }
    }
    for (i, l) in o.linked_enterprises.iter().enumerate() {
        let prefix = format!("linked_enterprises[{i}].");
        check_figures(&mut out, &prefix, &l.figures);
        for (j, p) in l.partner_enterprises.iter().enumerate() {
            check_partner(&mut out, &format!("{prefix}partner_enterprises[{j}]."), p);
        }
    }
    if let Some(prev) = &o.previous_period {
        check_figures(&mut out, "previous_period.", prev);
    }
    if let Some(p) = o.public_bodies_control_percent
        && !is_percent(p)
    {
        let msg = format!("Public-body control must be between 0 and 100 %, got {p}.");
        problem(
            &mut out,
            "public_bodies_control_percent",
            "out_of_range",
            msg,
        );
    }
    if o.support_type.is_some() && o.profile != Profile::ScaleUpSupport {
        let msg = format!(
            "A support type may only be given for a scaling-up support organisation, not for {}.",
            o.profile.label_with_article()
        );
        problem(&mut out, "support_type", "support_type_not_allowed", msg);
    }
    for c in o
        .clusters
        .iter()
        .filter(|c| c.profile != Profile::ClusterOrganisation)
    {
        let msg = format!(
            "'{}' is {}, not a cluster organisation, so it cannot be given as a cluster.",
            c.name,
            c.profile.label_with_article()
        );
        problem(
            &mut out,
            "cluster_ids",
            "cluster_not_cluster_organisation",
            msg,
        );
    }
    out
}

crate::code_enum! {
    /// Where an invitation to become an organisation's contact stands
    /// (`organisation_invitations.status`).
    pub enum InvitationStatus: "invitation status" {
        Pending = "pending",
        Accepted = "accepted",
        Declined = "declined",
    }
}

crate::code_enum! {
    /// Which list of an organisation a search tag (`organisation_tags.kind`) comes from.
    pub enum TagKind: "organisation tag kind" {
        Sector = "sector",
        Competency = "competency",
    }
}

#[cfg(test)]
#[path = "eligibility/tests_organisation.rs"]
mod tests;
