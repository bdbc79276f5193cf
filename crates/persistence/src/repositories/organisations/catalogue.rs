//! Partner search over the whole catalogue: the competency matrix and host suggestions.
//!
//! Both read every organisation once and resolve cluster memberships in memory, so the
//! cost is one query however many organisations there are.
use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use cxc_domain::{
    countries::ProgrammeCountries,
    eligibility::{RuleConfig, check_organisation},
    geo::geodesic_km,
    grant::format_eur,
    organisation::{ClusterRef, Profile, Role},
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::OrgInput;
use crate::{RepoResult, entities::organisations, repositories::Store};

/// One organisation with its normalised tags.
#[derive(Debug, Clone)]
pub struct CatalogueEntry {
    pub model: organisations::Model,
    pub sectors: Vec<String>,
    pub competencies: Vec<String>,
}

impl CatalogueEntry {
    fn new(model: organisations::Model) -> Self {
        let sectors = model.sectors.0.clone();
        let competencies = model.competencies.0.clone();
        Self {
            model,
            sectors,
            competencies,
        }
    }
}

/// Filters of the competency matrix; all optional, combined with AND.
#[derive(Debug, Clone, Default)]
pub struct MatrixFilter {
    pub country: Option<String>,
    pub profile: Option<Profile>,
    pub sector: Option<String>,
    pub competency: Option<String>,
}

/// A ranked candidate host with the reasons it was suggested.
#[derive(Debug, Clone)]
pub struct HostSuggestion {
    pub organisation: organisations::Model,
    pub score: u32,
    pub distance_km: f64,
    pub shared_sectors: Vec<String>,
    pub shared_competencies: Vec<String>,
    pub reasons: Vec<String>,
}

/// The memberships that still count: ids that name an existing cluster organisation.
pub(super) fn valid_clusters(
    ids: &[Uuid],
    by_id: &HashMap<Uuid, &organisations::Model>,
) -> Vec<ClusterRef> {
    ids.iter()
        .filter_map(|id| by_id.get(id))
        .filter(|c| c.profile == Profile::ClusterOrganisation)
        .map(|c| ClusterRef {
            id: c.id,
            name: c.name.clone(),
            profile: Profile::ClusterOrganisation,
            has_eccp_profile: c.eccp_profile_url.is_some(),
        })
        .collect()
}

fn shared(a: &[String], b: &[String]) -> Vec<String> {
    let b: BTreeSet<&String> = b.iter().collect();
    a.iter()
        .filter(|t| b.contains(t))
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

impl Store {
    /// The organisation with exactly this name (case-insensitive), if any.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn organisation_by_name(
        &self,
        name: &str,
    ) -> RepoResult<Option<organisations::Model>> {
        Ok(organisations::Entity::find()
            .filter(organisations::Column::NameLower.eq(name.to_lowercase()))
            .order_by_asc(organisations::Column::Id)
            .one(&self.db.conn)
            .await?)
    }

    /// Rows of the competency matrix, ordered by name.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn competency_matrix(&self, f: &MatrixFilter) -> RepoResult<Vec<CatalogueEntry>> {
        let country = f.country.as_deref().map(ProgrammeCountries::normalise);
        Ok(self
            .all_organisations()
            .await?
            .into_iter()
            .map(CatalogueEntry::new)
            .filter(|e| country.as_ref().is_none_or(|c| &e.model.country == c))
            .filter(|e| f.profile.is_none_or(|p| e.model.profile == p))
            .filter(|e| f.sector.as_ref().is_none_or(|s| e.sectors.contains(s)))
            .filter(|e| {
                f.competency
                    .as_ref()
                    .is_none_or(|c| e.competencies.contains(c))
            })
            .collect())
    }

    /// Eligible hosts (as judged on `on`) in other countries than `visitor`, ranked by
    /// shared sectors (2 points each) and competencies (1 point each), then by distance.
    /// Organisations sharing nothing are not suggested.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn host_suggestions(
        &self,
        visitor: &organisations::Model,
        on: NaiveDate,
        cfg: &RuleConfig,
        limit: usize,
    ) -> RepoResult<Vec<HostSuggestion>> {
        let all = self.all_organisations().await?;
        let by_id: HashMap<Uuid, &organisations::Model> = all.iter().map(|o| (o.id, o)).collect();
        let me = CatalogueEntry::new(visitor.clone());
        let mut out: Vec<HostSuggestion> = all
            .iter()
            .filter(|o| o.id != visitor.id && o.country != visitor.country)
            .filter_map(|o| {
                let input = OrgInput::from_model(o);
                let facts = input.facts(valid_clusters(&input.cluster_ids, &by_id));
                let report = check_organisation(&facts, Role::Host, on, cfg);
                report
                    .eligible
                    .then(|| suggest(&me, CatalogueEntry::new(o.clone()), cfg))
                    .flatten()
            })
            .collect();
        out.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(a.distance_km.total_cmp(&b.distance_km))
                .then_with(|| a.organisation.name_lower.cmp(&b.organisation.name_lower))
        });
        out.truncate(limit);
        Ok(out)
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Scores one eligible candidate; `None` when it shares no sector or competency.
fn suggest(me: &CatalogueEntry, host: CatalogueEntry, cfg: &RuleConfig) -> Option<HostSuggestion> {
    let shared_sectors = shared(&me.sectors, &host.sectors);
    let shared_competencies = shared(&me.competencies, &host.competencies);
    let score =
        u32::try_from(shared_sectors.len() * 2 + shared_competencies.len()).unwrap_or(u32::MAX);
    if score == 0 {
        return None;
    }
    let (v, h) = (&me.model, &host.model);
    let distance_km = geodesic_km(v.latitude, v.longitude, h.latitude, h.longitude);
    let mut reasons = Vec::new();
    if !shared_sectors.is_empty() {
        reasons.push(format!(
            "Shares {}: {}.",
            plural(shared_sectors.len(), "sector", "sectors"),
            shared_sectors.join(", ")
        ));
    }
    if !shared_competencies.is_empty() {
        reasons.push(format!(
            "Shares {}: {}.",
            plural(shared_competencies.len(), "competency", "competencies"),
            shared_competencies.join(", ")
        ));
    }
    let profile = h.profile.label_with_article();
    reasons.push(format!(
        "Eligible to host: {profile} in {}, {}.",
        h.city,
        cfg.countries.describe(&h.country)
    ));
    if distance_km < cfg.halving_distance_km {
        reasons.push(format!(
            "Only {distance_km:.0} km away: below {:.0} km the lump sum is halved.",
            cfg.halving_distance_km
        ));
    } else {
        reasons.push(format!(
            "{distance_km:.0} km away: far enough that the lump sum (up to {}) is not halved for distance.",
            format_eur(cfg.lump_sum_ceiling_cents)
        ));
    }
    Some(HostSuggestion {
        organisation: host.model,
        score,
        distance_km,
        shared_sectors,
        shared_competencies,
        reasons,
    })
}
