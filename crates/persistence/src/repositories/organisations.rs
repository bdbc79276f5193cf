//! Organisations, their contacts and cluster memberships, and partner search.
mod catalogue;
pub mod invitations;

pub use catalogue::{CatalogueEntry, HostSuggestion, MatrixFilter};

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use cxc_domain::organisation::{
    ClusterRef, EnterpriseFigures, InvestorType, LinkedEnterprise, OrganisationFacts,
    PartnerEnterprise, Profile, SupportType, TagKind,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
    sea_query::{LikeExpr, Query},
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{Store, new_id};
use crate::{
    Problem, RepoError, RepoResult, Stored,
    entities::{
        organisation_clusters, organisation_contacts, organisation_tags, organisations, users,
    },
};

/// Figures of a partner (with stake) or linked (without) enterprise, as the contract spells
/// them, with the SME-definition details of Recommendation 2003/361/EC (Art. 3(2) investor
/// type and conditions, public body, joint action, and one level of the Art. 6 chain).
/// Every addition is optional, so rows stored before them read unchanged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RelatedEnterprise {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stake_percent: Option<f64>,
    pub headcount: Option<f64>,
    pub annual_turnover_cents: Option<i64>,
    pub balance_sheet_total_cents: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investor_type: Option<InvestorType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub investment_cents: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annual_budget_cents: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inhabitants: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_body: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acting_jointly_group: Option<String>,
    /// A partner's own linked enterprises (Art. 6(3)).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub linked_enterprises: Vec<RelatedEnterprise>,
    /// A linked enterprise's own partners (Art. 6(4)).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partner_enterprises: Vec<RelatedEnterprise>,
}

impl RelatedEnterprise {
    fn figures(&self) -> EnterpriseFigures {
        EnterpriseFigures {
            headcount: self.headcount,
            annual_turnover_cents: self.annual_turnover_cents,
            balance_sheet_total_cents: self.balance_sheet_total_cents,
        }
    }

    /// As a partner of the enterprise (or of one of its linked enterprises).
    #[must_use]
    pub fn partner(&self) -> PartnerEnterprise {
        PartnerEnterprise {
            stake_percent: self.stake_percent.unwrap_or(0.0),
            figures: self.figures(),
            investor_type: self.investor_type,
            investment_cents: self.investment_cents,
            annual_budget_cents: self.annual_budget_cents,
            inhabitants: self.inhabitants,
            public_body: self.public_body.unwrap_or(false),
            acting_jointly_group: self.acting_jointly_group.clone(),
            linked_enterprises: self.linked_enterprises.iter().map(Self::figures).collect(),
        }
    }

    /// As an enterprise linked to the enterprise.
    #[must_use]
    pub fn linked(&self) -> LinkedEnterprise {
        LinkedEnterprise {
            figures: self.figures(),
            partner_enterprises: self.partner_enterprises.iter().map(Self::partner).collect(),
        }
    }
}

/// Everything that describes an organisation, as created or replaced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgInput {
    pub name: String,
    pub country: String,
    pub city: String,
    pub latitude: f64,
    pub longitude: f64,
    pub profile: Profile,
    pub support_type: Option<SupportType>,
    pub eccp_profile_url: Option<String>,
    pub cluster_ids: Vec<Uuid>,
    pub managing_partnership_id: Option<Uuid>,
    pub headcount: Option<f64>,
    pub annual_turnover_cents: Option<i64>,
    pub balance_sheet_total_cents: Option<i64>,
    pub partner_enterprises: Vec<RelatedEnterprise>,
    pub linked_enterprises: Vec<RelatedEnterprise>,
    pub public_bodies_control_percent: Option<f64>,
    pub sectors: Vec<String>,
    pub competencies: Vec<String>,
    pub website: Option<String>,
    pub agency_exception_ref: Option<String>,
    pub establishments: Vec<String>,
    /// ISO 3166-2 region whose public holidays apply when hosting.
    #[serde(default)]
    pub region: Option<String>,
    /// Consolidated figures of the period before the last closed one (Art. 4(2)).
    #[serde(default)]
    pub previous_period: Option<EnterpriseFigures>,
}

impl OrgInput {
    /// The stored organisation as input (for PATCH merging).
    #[must_use]
    pub fn from_model(m: &organisations::Model) -> Self {
        Self {
            name: m.name.clone(),
            country: m.country.clone(),
            city: m.city.clone(),
            latitude: m.latitude,
            longitude: m.longitude,
            profile: m.profile,
            support_type: m.support_type,
            eccp_profile_url: m.eccp_profile_url.clone(),
            cluster_ids: m.cluster_ids.0.clone(),
            managing_partnership_id: m.managing_partnership_id,
            headcount: m.headcount,
            annual_turnover_cents: m.annual_turnover_cents,
            balance_sheet_total_cents: m.balance_sheet_total_cents,
            partner_enterprises: m.partner_enterprises.0.clone(),
            linked_enterprises: m.linked_enterprises.0.clone(),
            public_bodies_control_percent: m.public_bodies_control_percent,
            sectors: m.sectors.0.clone(),
            competencies: m.competencies.0.clone(),
            website: m.website.clone(),
            agency_exception_ref: m.agency_exception_ref.clone(),
            establishments: m.establishments.0.clone(),
            region: m.region.clone(),
            previous_period: m.previous_period.as_ref().map(|p| p.0),
        }
    }

    /// The facts the eligibility rules judge, with clusters resolved.
    #[must_use]
    pub fn facts(&self, clusters: Vec<ClusterRef>) -> OrganisationFacts {
        OrganisationFacts {
            name: self.name.clone(),
            country: self.country.clone(),
            latitude: self.latitude,
            longitude: self.longitude,
            profile: self.profile,
            support_type: self.support_type,
            eccp_profile_url: self.eccp_profile_url.clone(),
            clusters,
            own: EnterpriseFigures {
                headcount: self.headcount,
                annual_turnover_cents: self.annual_turnover_cents,
                balance_sheet_total_cents: self.balance_sheet_total_cents,
            },
            partner_enterprises: self
                .partner_enterprises
                .iter()
                .map(RelatedEnterprise::partner)
                .collect(),
            linked_enterprises: self
                .linked_enterprises
                .iter()
                .map(RelatedEnterprise::linked)
                .collect(),
            public_bodies_control_percent: self.public_bodies_control_percent,
            agency_exception_ref: self.agency_exception_ref.clone(),
            establishments: self.establishments.clone(),
            region: self.region.clone(),
            previous_period: self.previous_period,
        }
    }
}

/// List filters (`q` matches a name fragment, case-insensitively).
#[derive(Debug, Clone, Default)]
pub struct OrgFilter {
    pub country: Option<String>,
    pub profile: Option<String>,
    pub sector: Option<String>,
    pub competency: Option<String>,
    pub q: Option<String>,
    /// Only the organisations this user is a contact of.
    pub contact: Option<Uuid>,
    pub after: Option<Uuid>,
    pub limit: u64,
}

impl Store {
    /// Resolves cluster ids; unknown ids and clusters that are not cluster
    /// organisations are reported against `cluster_ids`.
    ///
    /// # Errors
    /// `Invalid` listing every bad id.
    pub async fn resolve_clusters(&self, ids: &[Uuid]) -> RepoResult<Vec<ClusterRef>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let rows = organisations::Entity::find()
            .filter(organisations::Column::Id.is_in(ids.iter().copied()))
            .all(&self.db.conn)
            .await?;
        let by_id: HashMap<Uuid, &organisations::Model> = rows.iter().map(|r| (r.id, r)).collect();
        let mut problems = Vec::new();
        let mut out = Vec::new();
        for (i, id) in ids.iter().enumerate() {
            match by_id.get(id) {
                None => problems.push(Problem::new(format!("cluster_ids[{i}]"), "unknown_cluster", format!("no organisation with id {id}"))),
                Some(c) if c.profile != Profile::ClusterOrganisation => problems.push(Problem::new(
                    format!("cluster_ids[{i}]"),
                    "cluster_not_cluster_organisation",
                    format!("{} is a {}, not a cluster organisation; membership must be of a cluster organisation", c.name, c.profile),
                )),
                Some(c) => out.push(ClusterRef {
                    id: c.id,
                    name: c.name.clone(),
                    profile: Profile::ClusterOrganisation,
                    has_eccp_profile: c.eccp_profile_url.is_some(),
                }),
            }
        }
        if problems.is_empty() {
            Ok(out)
        } else {
            Err(RepoError::Invalid(problems))
        }
    }

    /// Creates an organisation; the creator becomes its first contact.
    ///
    /// # Errors
    /// `Invalid` for unknown clusters; database failures.
    pub async fn create_organisation(
        &self,
        input: &OrgInput,
        creator: Uuid,
    ) -> RepoResult<organisations::Model> {
        let tx = self.db.write().await?;
        let now = self.now();
        let id = new_id();
        let model = organisations::ActiveModel {
            id: Set(id),
            created_by: Set(creator),
            created_at: Set(now),
            version: Set(1),
            ..fill(input, now)
        }
        .insert(&tx.tx)
        .await?;
        write_links(&tx.tx, id, input).await?;
        organisation_contacts::ActiveModel {
            organisation_id: Set(id),
            user_id: Set(creator),
            created_at: Set(now),
        }
        .insert(&tx.tx)
        .await?;
        tx.commit().await?;
        self.auth_cache.invalidate();
        Ok(model)
    }

    /// # Errors
    /// `NotFound` for an unknown id.
    pub async fn organisation(&self, id: Uuid) -> RepoResult<organisations::Model> {
        organisations::Entity::find_by_id(id)
            .one(&self.db.conn)
            .await?
            .ok_or(RepoError::NotFound)
    }

    /// # Errors
    /// Database failures only.
    pub async fn organisations(&self, ids: &[Uuid]) -> RepoResult<Vec<organisations::Model>> {
        Ok(organisations::Entity::find()
            .filter(organisations::Column::Id.is_in(ids.iter().copied()))
            .all(&self.db.conn)
            .await?)
    }

    /// The facts the rules judge for a stored organisation.
    ///
    /// # Errors
    /// `NotFound` for an unknown id.
    pub async fn organisation_facts(
        &self,
        m: &organisations::Model,
    ) -> RepoResult<OrganisationFacts> {
        let input = OrgInput::from_model(m);
        // A cluster that was since deleted or re-profiled is judged as it is now: it simply
        // stops counting, without hiding the memberships that are still valid.
        let rows = self.organisations(&input.cluster_ids).await?;
        let by_id: HashMap<Uuid, &organisations::Model> = rows.iter().map(|r| (r.id, r)).collect();
        Ok(input.facts(catalogue::valid_clusters(&input.cluster_ids, &by_id)))
    }

    /// [`Store::organisation_facts`] of several organisations, with the clusters of all of
    /// them read in one query (submission judges the visitor and the host together).
    ///
    /// # Errors
    /// Database failures only.
    pub async fn organisations_facts(
        &self,
        models: &[&organisations::Model],
    ) -> RepoResult<Vec<OrganisationFacts>> {
        let inputs: Vec<OrgInput> = models.iter().map(|m| OrgInput::from_model(m)).collect();
        let mut ids: Vec<Uuid> = inputs
            .iter()
            .flat_map(|i| i.cluster_ids.iter().copied())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let rows = if ids.is_empty() {
            Vec::new()
        } else {
            self.organisations(&ids).await?
        };
        let by_id: HashMap<Uuid, &organisations::Model> = rows.iter().map(|r| (r.id, r)).collect();
        Ok(inputs
            .into_iter()
            .map(|input| {
                let valid = catalogue::valid_clusters(&input.cluster_ids, &by_id);
                input.facts(valid)
            })
            .collect())
    }

    /// Replaces the organisation's description when `version` is current.
    ///
    /// # Errors
    /// `Stale` when the version moved on; `NotFound`.
    pub async fn update_organisation(
        &self,
        id: Uuid,
        version: i32,
        input: &OrgInput,
    ) -> RepoResult<organisations::Model> {
        let tx = self.db.write().await?;
        let now = self.now();
        let res = organisations::Entity::update_many()
            .set(organisations::ActiveModel {
                version: Set(version + 1),
                ..fill(input, now)
            })
            .filter(organisations::Column::Id.eq(id))
            .filter(organisations::Column::Version.eq(version))
            .exec(&tx.tx)
            .await?;
        let current = organisations::Entity::find_by_id(id)
            .one(&tx.tx)
            .await?
            .ok_or(RepoError::NotFound)?;
        if res.rows_affected == 0 {
            return Err(RepoError::Stale {
                current: current.version,
            });
        }
        organisation_tags::Entity::delete_many()
            .filter(organisation_tags::Column::OrganisationId.eq(id))
            .exec(&tx.tx)
            .await?;
        organisation_clusters::Entity::delete_many()
            .filter(organisation_clusters::Column::OrganisationId.eq(id))
            .exec(&tx.tx)
            .await?;
        write_links(&tx.tx, id, input).await?;
        tx.commit().await?;
        Ok(current)
    }

    /// # Errors
    /// Database failures only.
    pub async fn is_contact(&self, org: Uuid, user: Uuid) -> RepoResult<bool> {
        Ok(organisation_contacts::Entity::find_by_id((org, user))
            .one(&self.db.conn)
            .await?
            .is_some())
    }

    /// Contacts (users) of an organisation.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn contacts(&self, org: Uuid) -> RepoResult<Vec<users::Model>> {
        self.contacts_of(&self.db.conn, org).await
    }

    /// [`Store::contacts`] inside a use case's transaction.
    pub(crate) async fn contacts_of<C: ConnectionTrait>(
        &self,
        conn: &C,
        org: Uuid,
    ) -> RepoResult<Vec<users::Model>> {
        let ids: Vec<Uuid> = organisation_contacts::Entity::find()
            .select_only()
            .column(organisation_contacts::Column::UserId)
            .filter(organisation_contacts::Column::OrganisationId.eq(org))
            .into_tuple()
            .all(conn)
            .await?;
        Ok(users::Entity::find()
            .filter(users::Column::Id.is_in(ids))
            .filter(users::Column::ErasedAt.is_null())
            .all(conn)
            .await?)
    }

    /// Adds the user with this email as a contact.
    ///
    /// # Errors
    /// `Invalid` when no account has the email; `Conflict` when already a contact.
    pub async fn add_contact(&self, org: Uuid, email: &str) -> RepoResult<users::Model> {
        let user = self.user_by_email(email).await?.ok_or_else(|| {
            RepoError::invalid(
                "email",
                "unknown_user",
                "no account with this email; ask them to register first",
            )
        })?;
        let tx = self.db.write().await?;
        organisation_contacts::ActiveModel {
            organisation_id: Set(org),
            user_id: Set(user.id),
            created_at: Set(self.now()),
        }
        .insert(&tx.tx)
        .await?; // an existing contact is `already_contact` (`constraints::UNIQUE`)
        tx.commit().await?;
        self.auth_cache.invalidate();
        Ok(user)
    }

    /// Keyset-paginated list, newest first.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn list_organisations(&self, f: &OrgFilter) -> RepoResult<Vec<organisations::Model>> {
        let mut q = organisations::Entity::find().order_by_desc(organisations::Column::Id);
        if let Some(c) = &f.country {
            q = q.filter(
                organisations::Column::Country
                    .eq(cxc_domain::countries::ProgrammeCountries::normalise(c)),
            );
        }
        if let Some(p) = &f.profile {
            q = q.filter(organisations::Column::Profile.eq(p.as_str()));
        }
        if let Some(text) = &f.q {
            // `%` and `_` typed by a user are literal characters, not wildcards.
            let escaped = text
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            q = q.filter(
                organisations::Column::NameLower
                    .like(LikeExpr::new(format!("%{escaped}%")).escape('\\')),
            );
        }
        for (kind, tag) in [
            (TagKind::Sector, &f.sector),
            (TagKind::Competency, &f.competency),
        ] {
            if let Some(tag) = tag {
                // A subquery, not a list of ids: a popular tag must not exceed the
                // databases' bind-parameter limits.
                let ids = Query::select()
                    .column(organisation_tags::Column::OrganisationId)
                    .from(organisation_tags::Entity)
                    .and_where(organisation_tags::Column::Kind.eq(kind))
                    .and_where(organisation_tags::Column::Tag.eq(tag.trim().to_lowercase()))
                    .to_owned();
                q = q.filter(organisations::Column::Id.in_subquery(ids));
            }
        }
        if let Some(user) = f.contact {
            let ids = Query::select()
                .column(organisation_contacts::Column::OrganisationId)
                .from(organisation_contacts::Entity)
                .and_where(organisation_contacts::Column::UserId.eq(user))
                .to_owned();
            q = q.filter(organisations::Column::Id.in_subquery(ids));
        }
        if let Some(a) = f.after {
            q = q.filter(organisations::Column::Id.lt(a));
        }
        Ok(q.limit(f.limit).all(&self.db.conn).await?)
    }

    /// Every organisation (for the competency matrix and host suggestions).
    ///
    /// # Errors
    /// Database failures only.
    pub async fn all_organisations(&self) -> RepoResult<Vec<organisations::Model>> {
        Ok(organisations::Entity::find()
            .order_by_asc(organisations::Column::NameLower)
            .all(&self.db.conn)
            .await?)
    }

    /// Organisations the user is a contact of, plus which of `ids` they are.
    ///
    /// # Errors
    /// Database failures only.
    pub async fn contact_set(&self, user: Uuid) -> RepoResult<HashSet<Uuid>> {
        Ok(self.organisation_ids_of(user).await?.into_iter().collect())
    }
}

fn fill(input: &OrgInput, now: chrono::DateTime<Utc>) -> organisations::ActiveModel {
    organisations::ActiveModel {
        name: Set(input.name.clone()),
        name_lower: Set(input.name.to_lowercase()),
        country: Set(cxc_domain::countries::ProgrammeCountries::normalise(
            &input.country,
        )),
        city: Set(input.city.clone()),
        latitude: Set(input.latitude),
        longitude: Set(input.longitude),
        profile: Set(input.profile),
        support_type: Set(input.support_type),
        eccp_profile_url: Set(input.eccp_profile_url.clone()),
        managing_partnership_id: Set(input.managing_partnership_id),
        headcount: Set(input.headcount),
        annual_turnover_cents: Set(input.annual_turnover_cents),
        balance_sheet_total_cents: Set(input.balance_sheet_total_cents),
        partner_enterprises: Set(Stored(input.partner_enterprises.clone())),
        linked_enterprises: Set(Stored(input.linked_enterprises.clone())),
        public_bodies_control_percent: Set(input.public_bodies_control_percent),
        agency_exception_ref: Set(input.agency_exception_ref.clone()),
        establishments: Set(Stored(input.establishments.clone())),
        cluster_ids: Set(Stored(input.cluster_ids.clone())),
        sectors: Set(Stored(input.sectors.clone())),
        competencies: Set(Stored(input.competencies.clone())),
        website: Set(input.website.clone()),
        region: Set(input.region.clone()),
        previous_period: Set(input.previous_period.map(Stored)),
        updated_at: Set(now),
        ..Default::default()
    }
}

async fn write_links<C: ConnectionTrait>(conn: &C, id: Uuid, input: &OrgInput) -> RepoResult<()> {
    let mut tags = HashSet::new();
    for (kind, list) in [
        (TagKind::Sector, &input.sectors),
        (TagKind::Competency, &input.competencies),
    ] {
        for t in list {
            tags.insert((kind, t.to_lowercase()));
        }
    }
    if !tags.is_empty() {
        organisation_tags::Entity::insert_many(tags.into_iter().map(|(kind, tag)| {
            organisation_tags::ActiveModel {
                organisation_id: Set(id),
                kind: Set(kind),
                tag: Set(tag),
            }
        }))
        .exec(conn)
        .await?;
    }
    let clusters: HashSet<Uuid> = input.cluster_ids.iter().copied().collect();
    if !clusters.is_empty() {
        organisation_clusters::Entity::insert_many(clusters.into_iter().map(|c| {
            organisation_clusters::ActiveModel {
                organisation_id: Set(id),
                cluster_id: Set(c),
            }
        }))
        .exec(conn)
        .await?;
    }
    Ok(())
}

/// Matches a condition helper so list filters compose (kept for callers building OR filters).
#[must_use]
pub fn any_of(ids: &[Uuid]) -> Condition {
    Condition::any().add(organisations::Column::Id.is_in(ids.iter().copied()))
}
