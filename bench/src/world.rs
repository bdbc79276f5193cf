//! The benchmark's world, written through the repositories: clusters and SMEs in every
//! programme country, partnerships, calls, coordinators, and "slots" (an SME with its
//! own signed-in contact) for the scenarios where each request needs a fresh visitor.
use anyhow::Context;
use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use cxc_domain::{
    countries::ProgrammeCountries,
    organisation::Profile,
    policy::{AccountRole, MemberRole},
};
use cxc_persistence::{
    RepoError,
    entities::{organisation_clusters, organisation_contacts, sessions, users},
    repositories::{
        Store,
        accounts::NewUser,
        new_id,
        organisations::OrgInput,
        partnerships::{CallInput, PartnershipInput},
    },
    sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter},
};
use uuid::Uuid;

pub const PASSWORD: &str = "bench-password-123";
const PARTNERSHIPS: usize = 4;

#[derive(Debug, Clone)]
pub struct Org {
    pub id: Uuid,
    pub country: String,
    /// A contact of the organisation (the applicant of its exchanges).
    pub contact: Uuid,
}

/// An SME of its own with a signed-in contact: one create+submit or one registration.
#[derive(Debug, Clone)]
pub struct Slot {
    pub org: Uuid,
    pub country: String,
    pub token: String,
}

pub struct World {
    pub login_email: String,
    pub coordinator_token: String,
    /// The contact of the first country's three SMEs (an applicant and host).
    pub contact_token: String,
    pub admin_token: String,
    /// Partnership A: the coordinator's; the scenarios' calls are its.
    pub partnership: Uuid,
    pub open_call: Uuid,
    pub race_call: Uuid,
    /// `(call, partnership)` of the calls the bulk applications are filed in.
    pub background_calls: Vec<(Uuid, Uuid)>,
    pub smes: Vec<Org>,
    pub slots: Vec<Slot>,
    pub countries: Vec<String>,
    pub start: NaiveDate,
}

fn repo(e: RepoError) -> anyhow::Error {
    anyhow::anyhow!("{e:?}")
}

/// Programme countries today (EU and associated): 30+.
#[must_use]
pub fn countries() -> Vec<String> {
    let today = Utc::now().date_naive();
    let table = ProgrammeCountries::builtin();
    let mut v: Vec<String> = table
        .entries()
        .iter()
        .filter(|e| table.is_participating(&e.code, today))
        .map(|e| e.code.clone())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// A plausible position per country (distances feed the grant rule).
fn position(i: usize) -> (f64, f64) {
    (36.0 + (i * 7 % 25) as f64, -8.0 + (i * 11 % 38) as f64)
}

pub fn org_input(
    name: &str,
    country: &str,
    i: usize,
    profile: Profile,
    clusters: Vec<Uuid>,
) -> OrgInput {
    let (lat, lon) = position(i);
    OrgInput {
        name: name.into(),
        country: country.into(),
        city: format!("City {country}"),
        latitude: lat,
        longitude: lon,
        profile,
        support_type: None,
        eccp_profile_url: Some(format!(
            "https://clustercollaboration.eu/{}",
            name.to_lowercase().replace(' ', "-")
        )),
        cluster_ids: clusters,
        managing_partnership_id: None,
        headcount: Some(20.0),
        annual_turnover_cents: Some(100_000_000),
        balance_sheet_total_cents: Some(80_000_000),
        partner_enterprises: vec![],
        linked_enterprises: vec![],
        public_bodies_control_percent: None,
        sectors: vec!["energy".into(), "space".into()],
        competencies: vec!["optics".into()],
        website: None,
        agency_exception_ref: None,
        establishments: vec![],
        region: None,
        previous_period: None,
    }
}

/// A Monday six weeks ahead: a Monday–Friday stay is five working days.
fn future_monday() -> NaiveDate {
    let mut d = Utc::now().date_naive() + Duration::days(42);
    while d.weekday() != Weekday::Mon {
        d += Duration::days(1);
    }
    d
}

async fn user(
    store: &Store,
    email: &str,
    hash: &str,
    role: AccountRole,
) -> anyhow::Result<users::Model> {
    store
        .create_user(NewUser {
            email,
            password_hash: hash.to_owned(),
            full_name: &format!("Bench {email}"),
            locale: "en",
            role,
        })
        .await
        .map_err(repo)
}

async fn session(store: &Store, user: Uuid) -> anyhow::Result<String> {
    let token = cxc_http::auth::new_token();
    store
        .create_session(
            user,
            cxc_http::auth::token_hash(&token),
            Utc::now() + Duration::days(2),
        )
        .await
        .map_err(repo)?;
    Ok(token)
}

fn call_input(title: &str, places: i32) -> CallInput {
    CallInput {
        title: title.into(),
        opens_at: Utc::now() - Duration::days(7),
        closes_at: Utc::now() + Duration::days(180),
        // A tenth of the partnership's budget: calls must fit in it together.
        budget_cents: 100_000_000_000,
        places,
        min_working_days: 3,
        max_days: 31,
        lump_sum_default_cents: 80_000,
        lump_sums_by_host_country: [("DK", 110_000), ("ES", 90_000), ("LT", 70_000)]
            .map(|(c, v)| (c.to_owned(), v))
            .into(),
        eligible_profiles: vec![],
        sectors: vec![],
    }
}

/// Builds the world; `slots` visitors are bulk-copied from one created the normal way.
///
/// # Errors
/// When a repository refuses (a bug in the seed).
pub async fn build(store: &Store, slots: usize, race_places: i32) -> anyhow::Result<World> {
    let hash = cxc_http::auth::hash_password(PASSWORD).map_err(anyhow::Error::msg)?;
    let admin = user(store, "admin@bench.example", &hash, AccountRole::Admin).await?;
    let coordinator = user(
        store,
        "coordinator@bench.example",
        &hash,
        AccountRole::Applicant,
    )
    .await?;
    let login_email = "login@bench.example".to_owned();
    user(store, &login_email, &hash, AccountRole::Applicant).await?;
    let countries = countries();
    let mut clusters = Vec::new();
    let mut smes = Vec::new();
    let mut first_contact = None;
    for (i, c) in countries.iter().enumerate() {
        let cluster = store
            .create_organisation(
                &org_input(
                    &format!("Cluster {c}"),
                    c,
                    i,
                    Profile::ClusterOrganisation,
                    vec![],
                ),
                admin.id,
            )
            .await
            .map_err(repo)?;
        let contact = user(
            store,
            &format!("host-{}@bench.example", c.to_lowercase()),
            &hash,
            AccountRole::Applicant,
        )
        .await?;
        first_contact.get_or_insert(contact.id);
        for k in 0..3 {
            let sme = store
                .create_organisation(
                    &org_input(
                        &format!("SME {c} {k}"),
                        c,
                        i,
                        Profile::Sme,
                        vec![cluster.id],
                    ),
                    contact.id,
                )
                .await
                .map_err(repo)?;
            smes.push(Org {
                id: sme.id,
                country: c.clone(),
                contact: contact.id,
            });
        }
        clusters.push(cluster.id);
    }
    let mut partnerships = Vec::new();
    for p in 0..PARTNERSHIPS {
        let members: Vec<(Uuid, MemberRole)> = clusters
            .iter()
            .enumerate()
            .filter(|(i, _)| i % PARTNERSHIPS == p)
            .enumerate()
            .map(|(k, (_, id))| {
                (
                    *id,
                    if k == 0 {
                        MemberRole::Coordinator
                    } else {
                        MemberRole::Partner
                    },
                )
            })
            .collect();
        let m = store
            .create_partnership(&PartnershipInput {
                name: format!("Bench partnership {p}"),
                grant_agreement: format!("10100{p}"),
                programme: "COSME".into(),
                budget_cents: 1_000_000_000_000,
                target_exchanges: Some(1000),
                starts_on: NaiveDate::from_ymd_opt(2022, 1, 1).context("date")?,
                ends_on: NaiveDate::from_ymd_opt(2035, 12, 31).context("date")?,
                partners: members,
            })
            .await
            .map_err(repo)?;
        partnerships.push(m.id);
    }
    let partnership = partnerships[0];
    store
        .grant_role(
            coordinator.id,
            cxc_domain::policy::Role::Coordinator,
            Some(partnership),
            admin.id,
        )
        .await
        .map_err(repo)?;
    let mut background_calls = Vec::new();
    for p in &partnerships {
        let c = store
            .create_call(*p, &call_input("Background call", 1_000_000))
            .await
            .map_err(repo)?;
        background_calls.push((c.id, *p));
    }
    let open_call = store
        .create_call(partnership, &call_input("Open call", 1_000_000))
        .await
        .map_err(repo)?
        .id;
    let race_call = store
        .create_call(partnership, &call_input("Last places", race_places))
        .await
        .map_err(repo)?
        .id;
    let slots = make_slots(store, &countries, &clusters, &hash, slots).await?;
    Ok(World {
        login_email,
        coordinator_token: session(store, coordinator.id).await?,
        contact_token: session(store, first_contact.context("no country")?).await?,
        admin_token: session(store, admin.id).await?,
        partnership,
        open_call,
        race_call,
        background_calls,
        smes,
        slots,
        countries,
        start: future_monday(),
    })
}

/// One SME created through `create_organisation`, then copied `n - 1` times in bulk
/// (organisation, cluster membership, contact, user, session).
async fn make_slots(
    store: &Store,
    countries: &[String],
    clusters: &[Uuid],
    hash: &str,
    n: usize,
) -> anyhow::Result<Vec<Slot>> {
    let first_user = user(
        store,
        "visitor-0@bench.example",
        hash,
        AccountRole::Applicant,
    )
    .await?;
    let template = store
        .create_organisation(
            &org_input(
                "Visitor SME 0",
                &countries[0],
                0,
                Profile::Sme,
                vec![clusters[0]],
            ),
            first_user.id,
        )
        .await
        .map_err(repo)?;
    let now = Utc::now();
    let (mut us, mut ss, mut os, mut cs, mut ks) = (vec![], vec![], vec![], vec![], vec![]);
    let mut slots = vec![Slot {
        org: template.id,
        country: template.country.clone(),
        token: session(store, first_user.id).await?,
    }];
    for i in 1..n {
        let ci = i % countries.len();
        let (uid, oid) = (new_id(), new_id());
        let mut u = first_user.clone().into_active_model();
        u.id = Set(uid);
        u.email = Set(format!("visitor-{i}@bench.example"));
        us.push(u);
        let token = cxc_http::auth::new_token();
        ss.push(sessions::ActiveModel {
            id: Set(new_id()),
            user_id: Set(uid),
            token_hash: Set(cxc_http::auth::token_hash(&token)),
            created_at: Set(now),
            expires_at: Set(now + Duration::days(2)),
            revoked_at: Set(None),
        });
        let mut o = template.clone().into_active_model();
        let (lat, lon) = position(ci);
        o.id = Set(oid);
        o.name = Set(format!("Visitor SME {i}"));
        o.name_lower = Set(format!("visitor sme {i}"));
        o.country = Set(countries[ci].clone());
        o.latitude = Set(lat);
        o.longitude = Set(lon);
        o.cluster_ids = Set(cxc_persistence::Stored(vec![clusters[ci]]));
        o.created_by = Set(uid);
        os.push(o);
        cs.push(organisation_clusters::ActiveModel {
            organisation_id: Set(oid),
            cluster_id: Set(clusters[ci]),
        });
        ks.push(organisation_contacts::ActiveModel {
            organisation_id: Set(oid),
            user_id: Set(uid),
            created_at: Set(now),
        });
        slots.push(Slot {
            org: oid,
            country: countries[ci].clone(),
            token,
        });
    }
    store.insert_many(us).await.map_err(repo)?;
    store.insert_many(ss).await.map_err(repo)?;
    store.insert_many(os).await.map_err(repo)?;
    store.insert_many(cs).await.map_err(repo)?;
    store.insert_many(ks).await.map_err(repo)?;
    let tags = cxc_persistence::entities::organisation_tags::Entity::find()
        .filter(
            cxc_persistence::entities::organisation_tags::Column::OrganisationId.eq(template.id),
        )
        .all(&store.db().conn)
        .await?;
    let copies = slots[1..]
        .iter()
        .flat_map(|s| {
            tags.iter().map(move |t| {
                let mut t = t.clone().into_active_model();
                t.organisation_id = Set(s.org);
                t
            })
        })
        .collect::<Vec<_>>();
    store.insert_many(copies).await.map_err(repo)?;
    Ok(slots)
}
