//! `cxc seed --demo`: the partnerships and organisations of the seed texts, a demo account
//! per role and one open BIGINN call. Written through the repositories, like the API.
//!
//! Idempotent: nothing happens when the BIGINN partnership exists; every step is also
//! get-or-create, so a run that failed half-way can simply be repeated.
mod demo_applications;
mod demo_data;

use std::collections::HashMap;

use anyhow::Context;
use chrono::Duration;
use cxc_domain::{
    organisation::Profile,
    policy::{AccountRole, Role},
};
use cxc_persistence::{
    RepoError,
    entities::{organisations, partnerships, users},
    repositories::{
        Store,
        accounts::NewUser,
        partnerships::{CallFilter, CallInput, PartnershipInput},
    },
};
use uuid::Uuid;

use self::demo_data::{DemoOrg, Managed, Owner};

use cxc_domain::demo::{ACCOUNTS, DEFAULT_PASSWORD};

fn repo(e: RepoError) -> anyhow::Error {
    match e {
        RepoError::Invalid(p) => anyhow::anyhow!("invalid demo data: {p:?}"),
        other => anyhow::anyhow!("{other}"),
    }
}

/// The demo password: `CXC_DEMO_PASSWORD`, or a well-known default (with a warning).
fn password() -> anyhow::Result<(String, bool)> {
    match std::env::var("CXC_DEMO_PASSWORD") {
        Ok(p) if !p.is_empty() => {
            anyhow::ensure!(
                p.chars().count() >= 10,
                "CXC_DEMO_PASSWORD needs at least 10 characters"
            );
            Ok((p, false))
        }
        _ => Ok((DEFAULT_PASSWORD.to_owned(), true)),
    }
}

async fn account(
    store: &Store,
    email: &str,
    name: &str,
    role: AccountRole,
    hash: &str,
) -> anyhow::Result<users::Model> {
    if let Some(u) = store.user_by_email(email).await.map_err(repo)? {
        return Ok(u);
    }
    let user = NewUser {
        email,
        password_hash: hash.to_owned(),
        full_name: name,
        locale: "en",
        role,
    };
    store.create_user(user).await.map_err(repo)
}

async fn organisation(
    store: &Store,
    o: DemoOrg,
    owners: &HashMap<Owner, Uuid>,
    ids: &HashMap<String, Uuid>,
    biginn: Option<Uuid>,
) -> anyhow::Result<organisations::Model> {
    if let Some(m) = store
        .organisation_by_name(&o.input.name)
        .await
        .map_err(repo)?
    {
        return Ok(m);
    }
    let mut input = o.input;
    input.cluster_ids = o
        .clusters
        .iter()
        .filter_map(|c| ids.get(*c).copied())
        .collect();
    if o.managed == Managed::Biginn {
        input.managing_partnership_id = biginn;
    }
    let owner = owners
        .get(&o.owner)
        .copied()
        .context("demo owner account")?;
    store.create_organisation(&input, owner).await.map_err(repo)
}

async fn partnership(
    store: &Store,
    p: &demo_data::DemoPartnership,
    ids: &HashMap<String, Uuid>,
) -> anyhow::Result<partnerships::Model> {
    if let Some(m) = store.partnership_by_name(p.name).await.map_err(repo)? {
        return Ok(m);
    }
    let partners = p
        .partners
        .iter()
        .map(|(name, role)| Ok((ids.get(*name).copied().context("partner cluster")?, *role)))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let input = PartnershipInput {
        name: p.name.to_owned(),
        grant_agreement: p.grant_agreement.to_owned(),
        programme: "COSME".to_owned(),
        budget_cents: p.budget_cents,
        target_exchanges: None,
        starts_on: p.starts_on,
        ends_on: p.ends_on,
        partners,
    };
    store.create_partnership(&input).await.map_err(repo)
}

/// One call of BIGINN open from a week ago for six months (the demo needs an open call,
/// although the real project ended in January 2024).
async fn open_call(store: &Store, biginn: Uuid) -> anyhow::Result<()> {
    let filter = CallFilter {
        partnership_id: Some(biginn),
        limit: 1,
        ..CallFilter::default()
    };
    if !store.list_calls(&filter).await.map_err(repo)?.is_empty() {
        return Ok(());
    }
    let now = store.now();
    let sums = demo_data::LUMP_SUMS
        .iter()
        .map(|(cc, v)| ((*cc).to_owned(), *v))
        .collect();
    let call = CallInput {
        title: "BIGINN ClusterXchange: exchanges into the Big Science market".to_owned(),
        opens_at: now - Duration::days(7),
        closes_at: now + Duration::days(180),
        budget_cents: 3_300_000,
        places: 30,
        min_working_days: 3,
        max_days: 31,
        lump_sum_default_cents: 60_000,
        lump_sums_by_host_country: sums,
        eligible_profiles: vec![
            Profile::ClusterOrganisation,
            Profile::ScaleUpSupport,
            Profile::Sme,
        ],
        sectors: demo_data::TOP_FIVE
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
    };
    store.create_call(biginn, &call).await.map_err(repo)?;
    Ok(())
}

/// Loads the demonstration data (idempotent: running it twice changes nothing).
///
/// # Errors
/// When the database refuses a write.
pub async fn demo(store: &Store) -> anyhow::Result<()> {
    if store
        .partnership_by_name("BIGINN")
        .await
        .map_err(repo)?
        .is_some()
    {
        println!("demo data already present (partnership BIGINN exists): nothing to do");
        return Ok(());
    }
    let (password, is_default) = password()?;
    let hash = cxc_http::auth::hash_password(&password).map_err(anyhow::Error::msg)?;
    let mut owners = HashMap::new();
    for (who, email, name, role) in ACCOUNTS {
        owners.insert(who, account(store, email, name, role, &hash).await?.id);
    }
    let admin = owners
        .get(&Owner::Admin)
        .copied()
        .context("admin account")?;
    let mut ids: HashMap<String, Uuid> = HashMap::new();
    for o in demo_data::clusters() {
        let m = organisation(store, o, &owners, &ids, None).await?;
        ids.insert(m.name.clone(), m.id);
    }
    let mut biginn = None;
    for p in demo_data::partnerships() {
        let m = partnership(store, &p, &ids).await?;
        if p.name == "BIGINN" {
            biginn = Some(m.id);
        }
    }
    let biginn = biginn.context("BIGINN partnership")?;
    for o in demo_data::members() {
        let m = organisation(store, o, &owners, &ids, Some(biginn)).await?;
        ids.insert(m.name.clone(), m.id);
    }
    open_call(store, biginn).await?;
    for (who, role) in [
        (Owner::Coordinator, Role::Coordinator),
        (Owner::HostCoordinator, Role::Coordinator),
        (Owner::Partner, Role::Partner),
    ] {
        let user = owners.get(&who).copied().context("demo account")?;
        store
            .grant_role(user, role, Some(biginn), admin)
            .await
            .map_err(repo)?;
    }
    let people = demo_applications::People {
        applicant: owners
            .get(&Owner::Applicant)
            .copied()
            .context("applicant")?,
        coordinator: owners
            .get(&Owner::Coordinator)
            .copied()
            .context("coordinator")?,
        host_coordinator: owners
            .get(&Owner::HostCoordinator)
            .copied()
            .context("host coordinator")?,
        host_contact: owners.get(&Owner::Host).copied().context("host")?,
        partnership: biginn,
        call: store
            .list_calls(&CallFilter {
                partnership_id: Some(biginn),
                limit: 1,
                ..CallFilter::default()
            })
            .await
            .map_err(repo)?
            .first()
            .map(|c| c.id)
            .context("the open call")?,
        lt_cluster: ids.get("LITEK").copied().context("LITEK")?,
        host: ids
            .get("Nordic Cryo Engineering ApS (demo)")
            .copied()
            .context("demo host")?,
    };
    let apps = demo_applications::every_state(store, &people).await?;
    if let Some((p, organiser)) = crate::seed_visits::biginn(store).await? {
        crate::seed_visits::visits(store, p, organiser).await?;
    }
    println!(
        "demo data loaded: partnerships BIGINN and LASER-GO, {} organisations, one open BIGINN call, {apps} applications (one per state), group visits to CERN and ESS",
        ids.len()
    );
    println!(
        "demo accounts (password {}):",
        if is_default {
            "below"
        } else {
            "from CXC_DEMO_PASSWORD"
        }
    );
    for (who, email, _, _) in ACCOUNTS {
        println!("  {:<11} {email}", format!("{who:?}").to_lowercase());
    }
    if is_default {
        println!("  password: {DEFAULT_PASSWORD}");
        eprintln!(
            "WARNING: the demo accounts use the publicly known default password. Never load demo data \
             into a server reachable by others; set CXC_DEMO_PASSWORD to choose another password."
        );
    }
    Ok(())
}
